"""The trust section of the board pack (:mod:`forbetter.core.pack`): the overview's glance of the charter,
trust measures, open-book reviews and key posts."""

from __future__ import annotations

from forbetter.core.pack import PackSection, glance_section
from forbetter.partnerships.models import Partnership
from forbetter.trust import selectors


def pack_sections(partnership: Partnership, *, partner_view: bool) -> list[PackSection]:
    return [
        glance_section(
            key="trust",
            title="Trust",
            order=80,
            glance_template="trust/_glance.html",
            glance=selectors.at_a_glance(partnership),
            intro=(
                "The partnership charter, the measures of how the partnership is working and open-book "
                "reviews."
            ),
        )
    ]
