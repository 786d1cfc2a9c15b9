"""GOV.UK-styled error pages (the handlers named in forbetter/urls.py and CSRF_FAILURE_VIEW).

The 400 and 500 pages are rendered without the request, so no context processor, session or database query
runs: the request may be malformed, or the database may be the thing that failed.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from forbetter.core.context_processors import SERVICE_NAME


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return HttpResponseBadRequest(loader.render_to_string("core/400.html", {"service_name": SERVICE_NAME}))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/403.html", {"reason": str(exception or "")}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponseServerError(loader.render_to_string("core/500.html", {"service_name": SERVICE_NAME}))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's reason (such as "CSRF cookie not set") is for developers; the page says what to do."""
    return render(request, "core/403_csrf.html", status=403)
