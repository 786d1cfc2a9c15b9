"""The contract-changes section of the board pack (:mod:`forbetter.core.pack`): the overview's glance and the
change register with each change's value and the running total against the original contract value, from
the register page's own summary."""

from __future__ import annotations

from forbetter.changes import selectors
from forbetter.core.pack import PackSection, glance_section
from forbetter.partnerships.models import Partnership


def pack_sections(partnership: Partnership, *, partner_view: bool) -> list[PackSection]:
    return [
        glance_section(
            key="changes",
            title="Contract changes",
            order=72,
            glance_template="changes/_glance.html",
            glance=selectors.at_a_glance(partnership),
            intro=(
                "Change requests with their value and status. The running total adds up approved changes "
                "against the original contract value, as the change register does."
            ),
            detail_template="changes/pack/register.html",
            summary=selectors.summary(partnership),
        )
    ]
