"""Open contracting data pages: the package explained with its validation, and the package as a download."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse

from forbetter.opendata import selectors
from forbetter.opendata.package import contents
from forbetter.partnerships.view_helpers import partnership_page, visible_partnership

SECTION = "opendata"


def overview(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    uri = request.build_absolute_uri(selectors.download_path(partnership.pk))
    checked = selectors.checked_package(partnership.pk, uri=uri)
    releases = checked.package["releases"]
    return partnership_page(
        request,
        "opendata/overview.html",
        partnership,
        SECTION,
        checked=checked,
        releases=releases,
        ocid=releases[0]["ocid"],
        slug=selectors.slug(partnership),
        summary=contents(checked.package),
    )


def download(request: HttpRequest, pk: int) -> HttpResponse:
    """The package as a JSON file. A package that fails validation is not offered: a 409 page says why."""
    partnership = visible_partnership(request, pk)
    uri = request.build_absolute_uri(selectors.download_path(partnership.pk))
    checked = selectors.checked_package(partnership.pk, uri=uri)
    if not checked.valid:
        refused = partnership_page(request, "opendata/invalid.html", partnership, SECTION, checked=checked)
        refused.status_code = 409
        return refused
    body = json.dumps(checked.package, indent=2, ensure_ascii=False) + "\n"
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = f"{selectors.slug(partnership) or partnership.pk}-ocds-release-package.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
