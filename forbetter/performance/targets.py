"""Rule KPI-TARGET-IN-FORCE: the target and failure threshold a KPI's period is judged against.

A KPI's targets are stored as dated rows (:class:`~forbetter.performance.models.KpiTarget`). A target changed
at an indicator review applies to periods that start on or after its date; every earlier period keeps the
target in force then, so a past status, an annual rating or a frozen payment statement never changes because
a target changed later. Status and RAG (dashboard, KPI page, returns), annual ratings and payment statements
all take their target from :func:`target_in_force`.

The KPI's own ``target`` and ``failure_threshold`` fields hold its newest target; a KPI with no target rows
(created before target history was kept, or in a test) is judged against them for every period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from forbetter.performance.models import Kpi, KpiTarget


@dataclass(frozen=True)
class Target:
    """The target and failure threshold in force for a period, and the date they apply from."""

    target: Decimal
    failure_threshold: Decimal | None
    effective_from: dt.date | None


def target_history(kpi: Kpi) -> list[KpiTarget]:
    """The KPI's target rows, oldest first. Uses ``kpi.targets.all()`` so a ``prefetch_related("targets")``
    keeps a page's query count fixed."""
    return sorted(kpi.targets.all(), key=lambda row: row.effective_from)


def target_in_force(kpi: Kpi, period: dt.date) -> Target:
    """Rule KPI-TARGET-IN-FORCE: the newest target row whose date is on or before the period's start.

    A period before the first row takes the first row (the target the KPI was set with).
    """
    rows = target_history(kpi)
    if not rows:
        return Target(kpi.target, kpi.failure_threshold, None)
    chosen = rows[0]
    for row in rows:
        if row.effective_from <= period:
            chosen = row
    return Target(chosen.target, chosen.failure_threshold, chosen.effective_from)
