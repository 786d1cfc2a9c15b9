"""The key-dates section of the board pack (:mod:`forbetter.core.pack`): the next open dates of the timeline,
recorded and derived, as the timeline shows them to the pack's audience."""

from __future__ import annotations

import datetime as dt

from forbetter.core.pack import PackSection, glance_section
from forbetter.keydates import selectors
from forbetter.partnerships.models import Partnership

SHOWN = 15


def pack_sections(partnership: Partnership, *, partner_view: bool) -> list[PackSection]:
    today = dt.date.today()
    rows = [
        row
        for row in selectors.timeline_for(partnership, today, council=not partner_view)
        if row.falls_on >= today
    ]
    return [
        glance_section(
            key="keydates",
            title="Key dates",
            order=32,
            glance_template="keydates/_glance.html",
            glance=selectors.at_a_glance(partnership, today),
            intro=(
                "Break points, review points, extension options, notice deadlines and expiries still to "
                "come, earliest first, each with the date to be reminded of it. Derived dates come from "
                "the partnership's other records."
            ),
            detail_template="keydates/pack/timeline.html",
            rows=rows[:SHOWN],
            shown=SHOWN,
        )
    ]
