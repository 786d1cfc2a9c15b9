"""The remedies section of the board pack (:mod:`forbetter.core.pack`): the overview's glance of warning
notices, rectification plans, persistent breaches and disputes."""

from __future__ import annotations

from forbetter.core.pack import PackSection, glance_section
from forbetter.partnerships.models import Partnership
from forbetter.remedies import selectors


def pack_sections(partnership: Partnership, *, partner_view: bool) -> list[PackSection]:
    return [
        glance_section(
            key="remedies",
            title="Remedies and exit",
            order=65,
            glance_template="remedies/_glance.html",
            glance=selectors.at_a_glance(partnership),
            intro=(
                "Where the partnership stands on the ladder of contractual remedies, as the remedies page "
                "shows it."
            ),
        )
    ]
