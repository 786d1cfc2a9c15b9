"""The KPI section of the board pack (:mod:`forbetter.core.pack`): every KPI in use with its latest
validated value, target, status, trend and share met, from the KPI dashboard's own selector."""

from __future__ import annotations

from forbetter.core.pack import PackSection
from forbetter.partnerships.models import Partnership
from forbetter.performance import selectors


def pack_sections(partnership: Partnership, *, partner_view: bool) -> list[PackSection]:
    board = selectors.dashboard(partnership)
    rows = list(board.rows)
    while board.page.has_next():  # every KPI, a dashboard page at a time
        board = selectors.dashboard(partnership, page_number=board.page.next_page_number())
        rows.extend(board.rows)
    return [
        PackSection(
            key="kpis",
            title="KPIs",
            order=60,
            template="performance/pack/kpis.html",
            context={"board": board, "rows": rows},
        )
    ]
