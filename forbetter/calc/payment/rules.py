"""The rules of the payment mechanism, one function each: PAY-INDEX (:func:`indexed_charge`, with
:func:`index_value_for` picking the month's index value), PAY-BANDS (:func:`points_by_band`,
:func:`weighted_points`, :func:`deduction_from_points`), PAY-CAP (:func:`capped_deduction`), PAY-PAYABLE
(:func:`payable`), PAY-RELIEF (:func:`unrelieved_points_by_kpi`) and PAY-RATCHET (:func:`ratchet_multiplier`,
with :func:`failure_runs` counting each KPI's months of failure running). They work on one month's numbers;
:mod:`~forbetter.calc.payment.statement` puts them together into a statement.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from forbetter.calc.errors import InputError
from forbetter.calc.payment.mechanism import (
    Band,
    Failure,
    FloatArray,
    Index,
    PeriodInput,
    Ratchet,
    _width,
    month_number,
)

# ---------------------------------------------------------------------------------------------- rules


def indexed_charge(
    monthly_charge: float | FloatArray,
    *,
    indexed_share: float | FloatArray,
    index_value: float | FloatArray,
    index_base: float | FloatArray,
) -> float | FloatArray:
    """Rule PAY-INDEX: the month's charge with its indexed share uprated by the index.

    charge_t = monthly_charge x ((1 - indexed_share) + indexed_share x index_t / index_base)

    Only the indexed share moves with the index (typically the share of the partner's costs that are staff
    or materials); the rest is fixed in cash terms [SoPC4 ch. 7; ODPM SPT technical note 2004]. Works on
    floats or numpy arrays alike.

    >>> round(indexed_charge(100_000, indexed_share=0.3, index_value=112.4, index_base=108.0), 2)
    101222.22
    """
    return monthly_charge * ((1.0 - indexed_share) + indexed_share * (index_value / index_base))


def index_value_for(period: str, *, index: Index) -> tuple[float, str]:
    """The index value that applies to ``period`` and the month it was taken from.

    A month with no value uses the latest earlier month's value (the index is published late; the charge is
    uprated by the last known value). No value in or before the month is an :class:`InputError`.

    >>> index_value_for("2024-03", index=Index(100.0, {"2024-01": 101.0, "2024-02": 102.0}))
    (102.0, '2024-02')
    """
    wanted = month_number(period)
    earlier = [(month_number(p), p) for p in index.values if month_number(p) <= wanted]
    if not earlier:
        raise InputError("index.values", f"no index value for {period} or any earlier month")
    _, used = max(earlier)
    return float(index.values[used]), used


def points_by_band(points: float, *, bands: Sequence[Band]) -> tuple[float, ...]:
    """How many of ``points`` fall in each band: clip(points - (from - 1), 0, to - from + 1).

    The n-th point of the month falls in the band whose from <= n <= to; a fractional total (after a
    ratchet) puts its fraction in the band of the next whole point.

    >>> points_by_band(120, bands=[Band(21, 100, 1.0), Band(101, 200, 1.2), Band(201, None, 1.5)])
    (80.0, 20.0, 0.0)
    """
    return tuple(min(max(points - (band.from_point - 1.0), 0.0), _width(band)) for band in bands)


def weighted_points(points: float, *, bands: Sequence[Band]) -> float:
    """Points above the threshold weighted by their band's multiplier: sum of in-band points x multiplier.

    >>> weighted_points(120, bands=[Band(21, 100, 1.0), Band(101, 200, 1.2), Band(201, None, 1.5)])
    104.0
    """
    total = 0.0
    for in_band, band in zip(points_by_band(points, bands=bands), bands, strict=True):
        total += in_band * band.multiplier
    return total


def deduction_from_points(points: float, *, point_value: float, bands: Sequence[Band]) -> float:
    """Rule PAY-BANDS: the deduction a month's points cost before the cap.

    deduction = point_value x sum over bands of (points in band x band multiplier)

    DESIGN section 5 worked example: threshold 20, bands 21-100 x1.0, 101-200 x1.2, 201+ x1.5, £3 a point:
    120 points cost 80 x £3 + 20 x £3.60 = £312.

    >>> deduction_from_points(
    ...     120, point_value=3.0, bands=[Band(21, 100, 1.0), Band(101, 200, 1.2), Band(201, None, 1.5)]
    ... )
    312.0
    """
    return point_value * weighted_points(points, bands=bands)


def capped_deduction(deduction: float, *, charge: float, cap: float | None) -> float:
    """Rule PAY-CAP: the deduction limited to ``cap`` x the month's (indexed) charge.

    deduction_after_cap = min(deduction, cap x charge); no cap (None) leaves it as it is. The cap keeps the
    partner's revenue from being wiped out by one bad month [ODPM SPT technical note 2004]; it is a fraction
    0..1 of the charge.

    >>> capped_deduction(15_000.0, charge=100_000.0, cap=0.1)
    10000.0
    """
    if cap is None:
        return deduction
    return min(deduction, cap * charge)


def payable(charge: float, *, deduction: float) -> float:
    """Rule PAY-PAYABLE: what the council pays for the month, charge - deduction (after the cap).

    >>> payable(101_222.22, deduction=312.0)
    100910.22
    """
    return charge - deduction


def unrelieved_points_by_kpi(failures: Iterable[Failure]) -> dict[str, float]:
    """Rule PAY-RELIEF: each KPI's points in the month from failures not excused by a relief event.

    A relief event (something outside the partner's control, agreed in the contract) excuses the failure:
    its points are not counted [SoPC4 ch. 7]. KPIs appear in the order of their first counted failure.

    >>> unrelieved_points_by_kpi([Failure("Calls", 10), Failure("Calls", 5), Failure("Repairs", 8, True)])
    {'Calls': 15.0}
    """
    totals: dict[str, float] = {}
    for failure in failures:
        if not failure.relief:
            totals[failure.kpi] = totals.get(failure.kpi, 0.0) + failure.points
    return totals


def ratchet_multiplier(run: int, *, ratchet: Ratchet | None) -> float:
    """Rule PAY-RATCHET: the multiplier on a KPI's points when it has failed ``run`` months running.

    A KPI *fails* in a month when it has points not excused by relief. ``run`` counts the months running up
    to and including this one in which it failed; a met or fully relieved month, or a month missing from the
    statement, starts the count again. From the ``consecutive``-th month of a run onwards the KPI's points
    are multiplied by ``multiplier``; before that (and with no ratchet) they count once.

    >>> [ratchet_multiplier(run, ratchet=Ratchet(3, 1.5)) for run in (1, 2, 3, 4)]
    [1.0, 1.0, 1.5, 1.5]
    """
    if ratchet is None or run < ratchet.consecutive:
        return 1.0
    return ratchet.multiplier


def failure_runs(periods: Sequence[PeriodInput]) -> list[dict[str, int]]:
    """For each period (in the order given), the run of consecutive failed months of each failing KPI.

    Months are taken in calendar order whatever order they are given in; see :func:`ratchet_multiplier`.

    >>> runs = failure_runs([PeriodInput("2024-01", failures=(Failure("A", 5),)),
    ...                      PeriodInput("2024-02", failures=(Failure("A", 5), Failure("B", 1)))])
    >>> runs
    [{'A': 1}, {'A': 2, 'B': 1}]
    """
    runs: list[dict[str, int]] = [{} for _ in periods]
    previous_month: int | None = None
    previous: dict[str, int] = {}
    for i in sorted(range(len(periods)), key=lambda i: month_number(periods[i].period)):
        month = month_number(periods[i].period)
        if previous_month is None or month != previous_month + 1:
            previous = {}
        failing = unrelieved_points_by_kpi(periods[i].failures or ())
        runs[i] = {kpi: previous.get(kpi, 0) + 1 for kpi, points in failing.items() if points > 0}
        previous, previous_month = runs[i], month
    return runs
