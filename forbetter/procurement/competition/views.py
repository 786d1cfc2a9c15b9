"""Pages of the procurement area's competition part."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from forbetter.procurement.pages import council_partnership, page


def overview(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = council_partnership(request, pk)
    return page(request, "procurement/competition/overview.html", partnership, "overview")
