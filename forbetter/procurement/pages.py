"""What every page of the procurement area shares: the partnership found for a council user only (a 404 for
anyone who may not see the partnership, a 403 for partner users: bidders' prices, scores and conflicts and
the council's should-cost are never theirs to see), edit permission, and rendering with the area's
navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from forbetter.partnerships import view_helpers
from forbetter.partnerships.models import Partnership

CONFIDENTIAL = (
    "The procurement records (bidders, prices, evaluations, conflicts of interest) are confidential to the "
    "council"
)
EDIT_REFUSED = "Your role can read the procurement records but not change them"


def council_partnership(request: HttpRequest, pk: int) -> Partnership:
    """The partnership, for a user who may see it (else 404) and may see council-confidential records
    (else 403)."""
    partnership = view_helpers.visible_partnership(request, pk)
    view_helpers.require_confidential(request, CONFIDENTIAL)
    return partnership


def editable_partnership(request: HttpRequest, pk: int) -> Partnership:
    """As :func:`council_partnership`, for a user who may also change records (else 403)."""
    partnership = council_partnership(request, pk)
    view_helpers.require_edit(request, EDIT_REFUSED)
    return partnership


def page(
    request: HttpRequest, template: str, partnership: Partnership, procurement_section: str, **context: Any
) -> HttpResponse:
    """Render a procurement page; ``procurement_section`` marks the current link of the area's navigation."""
    return view_helpers.partnership_page(
        request, template, partnership, "procurement", procurement_section=procurement_section, **context
    )
