"""The partnership's sections of its board pack (:mod:`forbetter.core.pack`): framework progress by cell and
by stage, and the stage gate decisions, from the same selectors as the matrix and overview pages."""

from __future__ import annotations

from forbetter.core.pack import PackSection
from forbetter.partnerships import selectors
from forbetter.partnerships.models import Partnership, Stage


def pack_sections(partnership: Partnership, *, partner_view: bool) -> list[PackSection]:
    stages, rows = selectors.framework_matrix(partnership)
    progress = selectors.stage_progress(partnership)
    by_stage = [
        (
            choice.label,
            choice.value == partnership.stage,
            progress.get(choice.value, {"done": 0, "applicable": 0}),
        )
        for choice in Stage
        if choice != Stage.ENDED
    ]
    return [
        PackSection(
            key="framework",
            title="Framework progress",
            order=10,
            template="partnerships/pack/framework.html",
            context={"stages": stages, "rows": rows, "by_stage": by_stage},
        ),
        PackSection(
            key="gates",
            title="Stage gates",
            order=12,
            template="partnerships/pack/gates.html",
            context={"gates": list(selectors.gate_history(partnership))},
        ),
    ]
