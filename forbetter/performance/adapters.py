"""The one place where KPI records (Decimal) become calculation-engine inputs (float) and results come back.

Every status, share, rating and benchmark position on a page comes from :mod:`forbetter.calc.performance`
through these functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from forbetter.calc import performance as engine
from forbetter.calc.errors import InputError
from forbetter.calc.performance import Rating, Status
from forbetter.performance.models import Kpi, KpiReturn
from forbetter.performance.targets import target_in_force

__all__ = [
    "Position",
    "Rating",
    "Status",
    "benchmark_position",
    "kpi_statuses",
    "proposed_rating",
    "return_statuses",
    "status_of",
]


def _float(value: Decimal | float) -> float:
    return float(value)


def status_of(kpi: Kpi, value: Decimal, period: dt.date) -> Status:
    """Rule KPI-STATUS for one value of the KPI against the target in force for its period (rule
    KPI-TARGET-IN-FORCE): met, approaching target or failed."""
    target = target_in_force(kpi, period)
    return engine.kpi_status(
        _float(value),
        target=_float(target.target),
        failure_threshold=None if target.failure_threshold is None else _float(target.failure_threshold),
        higher_is_better=kpi.higher_is_better,
    )


def kpi_statuses(
    kpi: Kpi, values: Sequence[Decimal], *, periods: Sequence[dt.date], for_rating: bool = False
) -> list[Status]:
    """Rule KPI-STATUS for many values at once (vectorised in the engine), each against the target in force
    for its period (rule KPI-TARGET-IN-FORCE). ``periods`` are the periods' start dates. ``for_rating``
    judges a target with no failure threshold against rule KPI-RATING-NEAR-MISS's implied one."""
    if len(values) != len(periods):
        raise ValueError("give one period for each value")
    if not values:
        return []
    groups: dict[tuple[Decimal, Decimal | None], list[int]] = {}
    for index, period in enumerate(periods):
        target = target_in_force(kpi, period)
        groups.setdefault((target.target, target.failure_threshold), []).append(index)
    statuses: list[Status] = [Status.MET] * len(values)
    for (target_value, threshold), indexes in groups.items():
        failure_threshold = None if threshold is None else _float(threshold)
        if failure_threshold is None and for_rating:
            failure_threshold = engine.near_miss_threshold(
                _float(target_value), higher_is_better=kpi.higher_is_better, tolerance=near_miss_tolerance()
            )
        codes = engine.kpi_status_codes(
            [_float(values[i]) for i in indexes],
            target=_float(target_value),
            failure_threshold=failure_threshold,
            higher_is_better=kpi.higher_is_better,
        )
        for i, code in zip(indexes, codes, strict=True):
            statuses[i] = Status(int(code))
    return statuses


def return_statuses(kpi: Kpi, returns: Sequence[KpiReturn], *, for_rating: bool = False) -> list[Status]:
    """:func:`kpi_statuses` of a KPI's returns, each judged against the target in force for its period."""
    return kpi_statuses(
        kpi, [r.value for r in returns], periods=[r.period for r in returns], for_rating=for_rating
    )


def share_met(statuses: Sequence[Status]) -> float | None:
    """Rule KPI-SHARE-MET, or None when no period has been assessed."""
    return engine.share_met(list(statuses)) if statuses else None


DEFAULT_RATING_CUT_OFFS: dict[str, float] = {
    "good": 0.95,
    "approaching_target": 0.80,
    "requires_improvement": 0.50,
}


DEFAULT_NEAR_MISS_TOLERANCE = 0.05


def near_miss_tolerance() -> float:
    """Rule KPI-RATING-NEAR-MISS's tolerance: 5% of the target, or the ``KPI_RATING_NEAR_MISS`` setting."""
    return float(getattr(settings, "KPI_RATING_NEAR_MISS", DEFAULT_NEAR_MISS_TOLERANCE))


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
