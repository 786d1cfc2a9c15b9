"""The one place where KPI records (Decimal) become calculation-engine inputs (float) and results come back.

Every status, share, rating and benchmark position on a page comes from :mod:`forbetter.calc.performance`
through these functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from forbetter.calc import performance as engine
from forbetter.calc.errors import InputError
from forbetter.calc.performance import Rating, Status
from forbetter.performance.models import Kpi

__all__ = [
    "Position",
    "Rating",
    "Status",
    "benchmark_position",
    "kpi_statuses",
    "proposed_rating",
    "status_of",
]


def _float(value: Decimal | float) -> float:
    return float(value)


def status_of(kpi: Kpi, value: Decimal) -> Status:
    """Rule KPI-STATUS for one value of the KPI: met, approaching target or failed."""
    return engine.kpi_status(
        _float(value),
        target=_float(kpi.target),
        failure_threshold=None if kpi.failure_threshold is None else _float(kpi.failure_threshold),
        higher_is_better=kpi.higher_is_better,
    )


def kpi_statuses(kpi: Kpi, values: Sequence[Decimal]) -> list[Status]:
    """Rule KPI-STATUS for many values at once (vectorised in the engine)."""
    if not values:
        return []
    codes = engine.kpi_status_codes(
        [_float(v) for v in values],
        target=_float(kpi.target),
        failure_threshold=None if kpi.failure_threshold is None else _float(kpi.failure_threshold),
        higher_is_better=kpi.higher_is_better,
    )
    return [Status(int(code)) for code in codes]


def share_met(statuses: Sequence[Status]) -> float | None:
    """Rule KPI-SHARE-MET, or None when no period has been assessed."""
    return engine.share_met(list(statuses)) if statuses else None


DEFAULT_RATING_CUT_OFFS: dict[str, float] = {
    "good": 0.95,
    "approaching_target": 0.80,
    "requires_improvement": 0.50,
}


def rating_cut_offs() -> dict[str, float]:
    """The cut-offs of rule KPI-ANNUAL-RATING: the defaults, or the ``KPI_RATING_CUT_OFFS`` setting."""
    return {**DEFAULT_RATING_CUT_OFFS, **getattr(settings, "KPI_RATING_CUT_OFFS", {})}


def proposed_rating(statuses: Sequence[Status]) -> tuple[Rating, engine.RatingCounts]:
    """Rule KPI-ANNUAL-RATING from a completed year's statuses: the rating and the counts it rests on."""
    return engine.annual_rating(list(statuses), **rating_cut_offs()), engine.rating_counts(list(statuses))


@dataclass(frozen=True)
class Position:
    """Where the partnership's value sits among the comparators for one period."""

    percentile: float
    quartile: int
    group_size: int


def benchmark_position(kpi: Kpi, value: Decimal, group: Sequence[Decimal]) -> Position | None:
    """Rules KPI-PERCENTILE and KPI-QUARTILE against the comparator councils (not counting ourselves)."""
    if not group:
        return None
    values = [_float(v) for v in group]
    try:
        return Position(
            percentile=engine.percentile_rank(_float(value), values, higher_is_better=kpi.higher_is_better),
            quartile=engine.quartile(_float(value), values, higher_is_better=kpi.higher_is_better),
            group_size=len(values),
        )
    except InputError:
        return None


def check_thresholds(*, target: Decimal, failure_threshold: Decimal | None, higher_is_better: bool) -> str:
    """The engine's complaint about a failure threshold on the wrong side of the target, or ''."""
    try:
        engine.kpi_status_codes(
            [float(target)],
            target=float(target),
            failure_threshold=None if failure_threshold is None else float(failure_threshold),
            higher_is_better=higher_is_better,
        )
    except InputError as error:
        return error.message
    return ""
