"""KPI performance: status against target, share of periods met, annual rating, benchmark position.

==================  ========================================================================================
rule                what it does
==================  ========================================================================================
KPI-STATUS          a value is met, approaching target (amber) or failed (red) (:func:`kpi_status`)
KPI-SHARE-MET       the share of assessed periods in which a KPI was met (:func:`share_met`)
KPI-ANNUAL-RATING   the Procurement Act 2023 rating proposed from a completed year's statuses
                    (:func:`annual_rating`)
KPI-PERCENTILE      where a value sits in a benchmark group, best = 1 (:func:`percentile_rank`)
KPI-QUARTILE        the quartile of a benchmark group a value falls in, 1 = top (:func:`quartile`)
==================  ========================================================================================

Every function takes the KPI's direction as ``higher_is_better`` (True for "% calls answered", False for
"days to re-let a home"), so callers never flip signs themselves. Values are plain floats or numpy arrays;
bad input (NaN, an empty group, thresholds on the wrong side of the target) raises
:class:`~forbetter.calc.errors.InputError`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum

import numpy as np
import numpy.typing as npt

from forbetter.calc.errors import InputError


class Status(IntEnum):
    """A KPI value's status, ordered from best to worst (so ``max`` of statuses is the worst)."""

    MET = 0
    APPROACHING = 1
    FAILED = 2

    @property
    def rag(self) -> str:
        """The red/amber/green colour the dashboards show: green, amber or red."""
        return ("green", "amber", "red")[self]

    @property
    def label(self) -> str:
        """Plain-English label: Met, Approaching target or Failed."""
        return ("Met", "Approaching target", "Failed")[self]


class Rating(StrEnum):
    """The ratings of a Contract Performance Notice [Procurement Regulations 2024, reg. 39(5)]."""

    GOOD = "Good"
    APPROACHING_TARGET = "Approaching target"
    REQUIRES_IMPROVEMENT = "Requires improvement"
    INADEQUATE = "Inadequate"
    OTHER = "Other"


def _finite(value: float, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise InputError(field, f"must be a number, not {value!r}")
    if not math.isfinite(value):
        raise InputError(field, f"must be a finite number, not {value}")
    return float(value)


def kpi_status_codes(
    values: npt.ArrayLike,
    *,
    target: float,
    failure_threshold: float | None = None,
    higher_is_better: bool = True,
) -> npt.NDArray[np.int8]:
    """Rule KPI-STATUS over an array: 0 = met, 1 = approaching target, 2 = failed (the :class:`Status`).

    Higher is better: met when value >= target; approaching when failure_threshold <= value < target;
    failed below the failure threshold. Lower is better mirrors it: met when value <= target, approaching
    up to and including the failure threshold, failed above it. With no failure threshold a value is met or
    failed. The threshold must lie on the failing side of the target (or equal it).

    This is the usual service-level-and-failure-threshold scheme of PFI/SSP performance regimes [HM Treasury,
    Standardisation of PFI Contracts v4 (2007), ch. 7], shown as green/amber/red.

    >>> kpi_status_codes([96, 92, 80], target=95, failure_threshold=90).tolist()
    [0, 1, 2]
    >>> kpi_status_codes([3, 5, 9], target=4, failure_threshold=7, higher_is_better=False).tolist()
    [0, 1, 2]
    """
    array = np.asarray(values, dtype=np.float64)
    if not np.all(np.isfinite(array)):
        raise InputError("values", "must be finite numbers (leave out periods with no return)")
    target = _finite(target, "target")
    threshold = target if failure_threshold is None else _finite(failure_threshold, "failure_threshold")
    # Work in "higher is better" terms so one comparison serves both directions.
    sign = 1.0 if higher_is_better else -1.0
    if sign * threshold > sign * target:
        side = "at or below" if higher_is_better else "at or above"
        raise InputError("failure_threshold", f"must be {side} the target ({target:g}), not {threshold:g}")
    oriented = sign * array
    codes = np.full(array.shape, Status.FAILED, dtype=np.int8)
    codes[oriented >= sign * threshold] = Status.APPROACHING
    codes[oriented >= sign * target] = Status.MET
    return codes


def kpi_status(
    value: float,
    *,
    target: float,
    failure_threshold: float | None = None,
    higher_is_better: bool = True,
) -> Status:
    """Rule KPI-STATUS for one value; see :func:`kpi_status_codes` for the rule.

    >>> kpi_status(92.0, target=95.0, failure_threshold=90.0).label
    'Approaching target'
    >>> kpi_status(12.0, target=10.0, higher_is_better=False).rag
    'red'
    """
    code = kpi_status_codes(
        _finite(value, "value"),
        target=target,
        failure_threshold=failure_threshold,
        higher_is_better=higher_is_better,
    )
    return Status(int(code))


def near_miss_threshold(target: float, *, higher_is_better: bool = True, tolerance: float = 0.05) -> float:
    """Rule KPI-RATING-NEAR-MISS: the failure threshold a KPI without one is rated against.

    threshold = target - tolerance x |target| when higher is better, target + tolerance x |target| when
    lower is better. Used only for the annual rating (rule KPI-ANNUAL-RATING), never for the payment
    mechanism or the monthly RAG status, where the contract's own terms apply: a KPI with no failure
    threshold fails the month on any miss, but a KPI that misses its target by a hair every month is
    "close to meeting the KPI" (Approaching target) in the sense of the Procurement Regulations 2024
    reg. 39, not "significantly below" it (Inadequate). A target of 0 has no room for a near miss.

    >>> near_miss_threshold(95.0)
    90.25
    >>> near_miss_threshold(10.0, higher_is_better=False, tolerance=0.1)
    11.0
    """
    target = _finite(target, "target")
    tolerance = _finite(tolerance, "near_miss")
    if not 0.0 <= tolerance <= 1.0:
        raise InputError("near_miss", f"must be a fraction from 0 to 1, not {tolerance:g}")
    margin = tolerance * abs(target)
    return target - margin if higher_is_better else target + margin


def share_met(statuses: Sequence[Status] | npt.ArrayLike) -> float:
    """Rule KPI-SHARE-MET: the share of assessed periods whose status is met (approaching does not count).

    share = periods met / periods assessed. No assessed periods is an :class:`InputError` (a share of
    nothing would be a made-up number).

    >>> share_met([Status.MET, Status.MET, Status.APPROACHING, Status.FAILED])
    0.5
    """
    codes = np.asarray(statuses, dtype=np.int64).ravel()
    if codes.size == 0:
        raise InputError("statuses", "no periods assessed")
    if np.any((codes < Status.MET) | (codes > Status.FAILED)):
        raise InputError("statuses", "must be statuses 0 (met), 1 (approaching) or 2 (failed)")
    return float(np.count_nonzero(codes == Status.MET) / codes.size)


@dataclass(frozen=True)
class RatingCounts:
    """How a KPI's assessed periods in a year split by status: the evidence a rating rests on."""

    met: int
    approaching: int
    failed: int

    @property
    def assessed(self) -> int:
        return self.met + self.approaching + self.failed

    @property
    def share_met(self) -> float | None:
        return self.met / self.assessed if self.assessed else None

    @property
    def share_near(self) -> float | None:
        """Share of periods met or approaching target (within the failure threshold)."""
        return (self.met + self.approaching) / self.assessed if self.assessed else None


def rating_counts(statuses: Sequence[Status] | npt.ArrayLike) -> RatingCounts:
    """Count a year's statuses (rule KPI-STATUS codes) into met, approaching and failed."""
    codes = np.asarray(statuses, dtype=np.int64).ravel()
    if np.any((codes < Status.MET) | (codes > Status.FAILED)):
        raise InputError("statuses", "must be statuses 0 (met), 1 (approaching) or 2 (failed)")
    return RatingCounts(
        met=int(np.count_nonzero(codes == Status.MET)),
        approaching=int(np.count_nonzero(codes == Status.APPROACHING)),
        failed=int(np.count_nonzero(codes == Status.FAILED)),
    )


def annual_rating(
    statuses: Sequence[Status] | npt.ArrayLike,
    *,
    good: float = 0.95,
    approaching_target: float = 0.80,
    requires_improvement: float = 0.50,
) -> Rating:
    """Rule KPI-ANNUAL-RATING: the rating ForBetter proposes for a completed year from its periods' statuses.

    Each period's status comes from rule KPI-STATUS (met; approaching target, between the target and the
    failure threshold; failed, beyond the threshold), so how far from target a miss was counts, not only
    whether the target was met:

    - met in at least ``good`` of the periods (default 95%): **Good**, "meeting or exceeding the KPI";
    - met or approaching target in at least ``approaching_target`` (80%): **Approaching target**, "close to
      meeting the KPI". A KPI just below target every period (approaching every time) is here, not
      Inadequate;
    - met or approaching in at least ``requires_improvement`` (50%): **Requires improvement**, "below the
      KPI";
    - otherwise, failed beyond the threshold in most periods: **Inadequate**, "significantly below";
    - no periods assessed: **Other**, none of the four describes it (the officer says why).

    Source: Procurement Act 2023 s. 71 (assess performance against the KPIs set under s. 52 at least every
    12 months) and the Procurement Regulations 2024 reg. 39 (the five ratings of a contract performance
    notice and what each means). Neither says how to reach a rating from monthly values: the cut-offs are
    ForBetter's proposal, keyword options so a council can set its own, and the officer records the rating
    actually published.

    >>> M, A, F = Status.MET, Status.APPROACHING, Status.FAILED
    >>> [annual_rating(s).value for s in ([M] * 12, [A] * 12, [M] * 6 + [A] + [F] * 5, [F] * 12, [])]
    ['Good', 'Approaching target', 'Requires improvement', 'Inadequate', 'Other']
    """
    if not 0.0 <= requires_improvement <= approaching_target <= good <= 1.0:
        raise InputError("good", "need 0 <= requires_improvement <= approaching_target <= good <= 1")
    counts = rating_counts(statuses)
    if counts.share_met is None or counts.share_near is None:
        return Rating.OTHER
    if counts.share_met >= good:
        return Rating.GOOD
    if counts.share_near >= approaching_target:
        return Rating.APPROACHING_TARGET
    if counts.share_near >= requires_improvement:
        return Rating.REQUIRES_IMPROVEMENT
    return Rating.INADEQUATE


def _benchmark(benchmark: npt.ArrayLike) -> npt.NDArray[np.float64]:
    group = np.asarray(benchmark, dtype=np.float64).ravel()
    if group.size == 0:
        raise InputError("benchmark", "the benchmark group is empty")
    if not np.all(np.isfinite(group)):
        raise InputError("benchmark", "must be finite numbers")
    return group


def percentile_rank(value: float, benchmark: npt.ArrayLike, *, higher_is_better: bool = True) -> float:
    """Rule KPI-PERCENTILE: the share of the benchmark group that ``value`` does better than, ties half.

    rank = (members worse than value + 0.5 x members equal to it) / group size, in 0..1; 1 is best whatever
    the KPI's direction. (The "mid-rank" percentile, so a value equal to every member sits at 0.5.) Whether
    the group includes the council itself is the caller's choice.

    >>> percentile_rank(80, [60, 70, 80, 90])
    0.625
    >>> percentile_rank(5, [4, 6, 8, 10], higher_is_better=False)
    0.75
    """
    x = _finite(value, "value")
    group = _benchmark(benchmark)
    worse = np.count_nonzero(group < x) if higher_is_better else np.count_nonzero(group > x)
    equal = np.count_nonzero(group == x)
    return float((worse + 0.5 * equal) / group.size)


def quartile(value: float, benchmark: npt.ArrayLike, *, higher_is_better: bool = True) -> int:
    """Rule KPI-QUARTILE: the quartile of the benchmark group ``value`` falls in, 1 = top (best) to 4.

    The group's 25th, 50th and 75th percentiles (numpy's default linear interpolation) are the quartile
    boundaries, as in the Audit Commission's Best Value Performance Indicator quartile tables. Higher is
    better: value >= upper quartile is top quartile (1), >= median 2, >= lower quartile 3, else 4. Lower is
    better mirrors it (value <= lower quartile is top). A value on a boundary takes the better quartile.

    >>> quartile(95, [60, 70, 80, 90]), quartile(65, [60, 70, 80, 90])
    (1, 4)
    >>> quartile(5, [4, 6, 8, 10], higher_is_better=False)
    1
    """
    x = _finite(value, "value")
    lower, median, upper = np.quantile(_benchmark(benchmark), [0.25, 0.5, 0.75])
    if higher_is_better:
        boundaries = (upper, median, lower)
        return 1 + sum(1 for boundary in boundaries if x < boundary)
    boundaries = (lower, median, upper)
    return 1 + sum(1 for boundary in boundaries if x > boundary)
