"""The client-side capacity section of the board pack (:mod:`forbetter.core.pack`): the overview's glance (the
client team's cost as a share of approved payments against the minimum). Confidential to the council, as
the capacity pages are."""

from __future__ import annotations

from forbetter.capacity import selectors
from forbetter.core.pack import PackSection, glance_section
from forbetter.partnerships.models import Partnership


def pack_sections(partnership: Partnership, *, partner_view: bool) -> list[PackSection]:
    if partner_view:
        return []
    return [
        glance_section(
            key="capacity",
            title="Client-side capacity",
            order=43,
            glance_template="capacity/_glance.html",
            glance=selectors.at_a_glance(partnership),
            intro=(
                "Confidential to the council. The council's client team cost in the latest year, as a "
                "share of the payments approved to the partner that year, against the minimum share the "
                "council set."
            ),
            council_only=True,
        )
    ]
