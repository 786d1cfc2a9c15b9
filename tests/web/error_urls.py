"""The app's URLs plus views that fail on purpose, for tests/web/test_error_pages.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from forbetter import urls

SECRET_DETAIL = "the-internal-detail-nobody-should-see"


@login_not_required
def fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET_DETAIL)


@login_not_required
def refuses(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


@login_not_required
def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation(SECRET_DETAIL)


urlpatterns = [
    path("test-errors/500/", fails),
    path("test-errors/403/", refuses),
    path("test-errors/400/", suspicious),
    *urls.urlpatterns,
]
handler400 = urls.handler400
handler403 = urls.handler403
handler404 = urls.handler404
handler500 = urls.handler500
