"""The partnership-reviews section of the board pack (:mod:`forbetter.core.pack`): the overview's glance of
when the next review is due."""

from __future__ import annotations

from forbetter.core.pack import PackSection, glance_section
from forbetter.partnerships.models import Partnership
from forbetter.reviews import selectors


def pack_sections(partnership: Partnership, *, partner_view: bool) -> list[PackSection]:
    return [
        glance_section(
            key="reviews",
            title="Partnership reviews",
            order=78,
            glance_template="reviews/_glance.html",
            glance=selectors.at_a_glance(partnership),
            intro="The periodic reviews of the partnership's services, and when the next one is due.",
        )
    ]
