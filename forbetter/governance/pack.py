"""The governance section of the board pack (:mod:`forbetter.core.pack`): the overview's glance (last meeting
by tier, overdue actions, flagged forums) and each forum's status, from the governance selectors."""

from __future__ import annotations

from forbetter.core.pack import PackSection, glance_section
from forbetter.governance import selectors
from forbetter.partnerships.models import Partnership


def pack_sections(partnership: Partnership, *, partner_view: bool) -> list[PackSection]:
    return [
        glance_section(
            key="governance",
            title="Governance",
            order=75,
            glance_template="governance/_glance.html",
            glance=selectors.at_a_glance(partnership),
            intro=(
                "The partnership's forums by tier, when each last met, and the actions its meetings "
                "agreed that are past their due date. A forum is flagged when it has stopped meeting as "
                "often as its terms say or when attendance has fallen."
            ),
            detail_template="governance/pack/forums.html",
            statuses=selectors.forum_statuses(partnership),
        )
    ]
