"""The rules of the payment mechanism, one function each: PAY-INDEX (:func:`indexed_charge`, with
:func:`index_value_for` picking the month's index value), PAY-BANDS (:func:`points_by_band`,
:func:`weighted_points`, :func:`deduction_from_points`), PAY-CAP (:func:`capped_deduction`), PAY-PAYABLE
(:func:`payable`), PAY-RELIEF (:func:`unrelieved_points_by_kpi`) and PAY-RATCHET (:func:`ratchet_multiplier`,
with :func:`failure_runs` counting each KPI's periods of failure running), PAY-CHARGE-IN-FORCE
(:func:`charge_in_force`), PAY-INDEX-ANNUAL (:func:`uprating_month`), PAY-THRESHOLD-SCOPE
(:func:`banded_points`) and PAY-LATE-ADJUSTMENT (:func:`adjustment_amount`). They work on one month's numbers;
:mod:`~forbetter.calc.payment.statement` puts them together into a statement.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from forbetter.calc.errors import InputError
from forbetter.calc.payment.mechanism import (
    MISSING_FAIL,
    THRESHOLD_MONTHLY_KPIS,
    Band,
    Failure,
    FloatArray,
    Index,
    Mechanism,
    PeriodInput,
    Ratchet,
    RunState,
    _width,
    month_number,
    month_text,
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


def charge_in_force(period: str, *, mechanism: Mechanism) -> tuple[float, str | None]:
    """Rule PAY-CHARGE-IN-FORCE: the monthly charge (before indexation) in force in ``period``, and the
    month the change that set it took effect (``None`` for the contract's original charge).

    A change-control variation changes the charge from a month on; months before it keep the charge in
    force then, so a statement never changes because of a later variation.

    >>> from forbetter.calc.payment.mechanism import ChargeChange
    >>> m = Mechanism(100.0, 0, 1.0, (Band(1, None, 1.0),), charge_changes=(ChargeChange("2025-01", 120.0),))
    >>> charge_in_force("2024-12", mechanism=m), charge_in_force("2025-03", mechanism=m)
    ((100.0, None), (120.0, '2025-01'))
    """
    wanted = month_number(period)
    charge, since = float(mechanism.monthly_charge), None
    for change in mechanism.charge_changes:  # sorted by month on construction
        if month_number(change.period) <= wanted:
            charge, since = float(change.monthly_charge), change.period
    return charge, since


def uprating_month(
    period: str, *, indexation_month: int | None, effective_from: str | None = None
) -> str | None:
    """Rule PAY-INDEX-ANNUAL: the month whose index value uprates the charge of ``period``.

    The indexed share is uprated once a year, in the contract's indexation (anniversary) month, and that
    uprating holds for the twelve months that follow [SoPC4 ch. 7: indexation is applied annually]. So the
    month used is the latest indexation month on or before ``period``. With ``indexation_month`` None the
    charge is uprated every month by that month's own value. Before the first indexation month on or after
    ``effective_from`` there has been no uprating yet: the answer is None.

    >>> uprating_month("2025-02", indexation_month=4)
    '2024-04'
    >>> uprating_month("2024-06", indexation_month=9, effective_from="2024-04") is None
    True
    """
    if indexation_month is None:
        return period
    wanted = month_number(period)
    used = wanted // 12 * 12 + indexation_month - 1
    if used > wanted:
        used -= 12
    if effective_from is not None and used < month_number(effective_from):
        return None
    return month_text(used)


def uprating_factor(period: str, *, mechanism: Mechanism) -> float:
    """Rules PAY-INDEX and PAY-INDEX-ANNUAL as a factor: the month's charge is its base charge x this.

    factor = (1 - indexed share) + indexed share x index(uprating month) / index base; 1 with no index or
    before the first uprating. Gainshare uprates its baseline by the same factor.

    >>> m = Mechanism(1.0, 0, 1.0, (Band(1, None, 1.0),), indexed_share=0.5,
    ...               index=Index(100.0, {"2024-04": 110.0}), indexation_month=4)
    >>> round(uprating_factor("2024-09", mechanism=m), 4)
    1.05
    """
    review = uprating_month(
        period, indexation_month=mechanism.indexation_month, effective_from=mechanism.effective_from
    )
    if mechanism.index is None or review is None:
        return 1.0
    try:
        value, _ = index_value_for(review, index=mechanism.index)
    except InputError as exc:
        raise InputError(f"index.values.{review}", exc.message) from exc
    return float(
        indexed_charge(
            1.0, indexed_share=mechanism.indexed_share, index_value=value, index_base=mechanism.index.base
        )
    )


def banded_points(monthly_points: float, other_points: float, *, threshold: int, scope: str) -> float:
    """Rule PAY-THRESHOLD-SCOPE: the points placed in the bands, whose first ``threshold`` are free.

    With scope ``all_kpis`` the month's free points cover every KPI's points, monthly or assessed less often
    (a quarterly KPI's points fall in the quarter's last month): banded = monthly + other. With
    ``monthly_kpis`` the free points cover only monthly KPIs, so points of quarterly and annual KPIs all
    cost money: banded = max(monthly, threshold) + other when there are such points. Which applies is for the
    contract to say, so it is a setting of the mechanism, not a silent default.

    >>> banded_points(10, 30, threshold=20, scope="all_kpis")
    40.0
    >>> banded_points(10, 30, threshold=20, scope="monthly_kpis")
    50.0
    """
    if scope == THRESHOLD_MONTHLY_KPIS and other_points > 0:
        return float(max(monthly_points, float(threshold)) + other_points)
    return float(monthly_points + other_points)


def adjustment_amount(
    points: float,
    *,
    month_points: float,
    month_charge: float,
    point_value: float,
    bands: Sequence[Band],
    cap: float | None,
    month_deduction: float | None = None,
) -> float:
    """Rule PAY-LATE-ADJUSTMENT: the money a failure validated after its month was frozen costs now.

    amount = capped deduction of (month_points + points) - the month's deduction as frozen, worked out with
    that month's charge, bands and cap, so the month ends up deducted exactly as if the failure had been
    known in time: nothing is lost and nothing is counted twice. ``month_deduction`` defaults to the
    capped deduction of ``month_points``. Never negative. The late failure counts its own points: the ratchet
    runs of frozen months are not reopened.

    >>> adjustment_amount(40, month_points=100, month_charge=100_000, point_value=3.0,
    ...                   bands=[Band(21, 100, 1.0), Band(101, 200, 1.2), Band(201, None, 1.5)], cap=0.1)
    144.0
    """
    before = (
        capped_deduction(
            deduction_from_points(month_points, point_value=point_value, bands=bands),
            charge=month_charge,
            cap=cap,
        )
        if month_deduction is None
        else month_deduction
    )
    after = capped_deduction(
        deduction_from_points(month_points + points, point_value=point_value, bands=bands),
        charge=month_charge,
        cap=cap,
    )
    return max(0.0, after - before)


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


def failure_runs(
    periods: Sequence[PeriodInput],
    *,
    opening: Mapping[str, RunState] | None = None,
    missing_rule: str = "provisional",
) -> list[dict[str, int]]:
    """For each period (in the order given), the run of consecutive failed periods of each failing KPI.

    Months are taken in calendar order whatever order they are given in; see :func:`ratchet_multiplier`.
    Each KPI's run counts periods of its own length (``Failure.period_months``): a quarterly KPI failing
    in June and September has failed two quarters running. The run carries on when the KPI failed in its
    previous period and that month is in the statement (or, before the statement's first month, in the
    ``opening`` state stored when the last month was approved). Under the ``"fail"`` missing-return rule a
    KPI with no validated value counts as failed.

    >>> runs = failure_runs([PeriodInput("2024-01", failures=(Failure("A", 5),)),
    ...                      PeriodInput("2024-02", failures=(Failure("A", 5), Failure("B", 1)))])
    >>> runs
    [{'A': 1}, {'A': 2, 'B': 1}]
    """
    return _run_pass(periods, opening=opening, missing_rule=missing_rule)[0]


def closing_runs(
    periods: Sequence[PeriodInput],
    *,
    opening: Mapping[str, RunState] | None = None,
    missing_rule: str = "provisional",
) -> list[dict[str, RunState]]:
    """For each period (in the order given), every KPI's ratchet state at the end of that month: what an
    approval stores so the next month's statement starts from it (see :func:`failure_runs`).

    >>> closing_runs([PeriodInput("2024-01", failures=(Failure("A", 5),))])
    [{'A': RunState(run=1, last_period='2024-01')}]
    """
    return _run_pass(periods, opening=opening, missing_rule=missing_rule)[1]


def _run_pass(
    periods: Sequence[PeriodInput], *, opening: Mapping[str, RunState] | None, missing_rule: str
) -> tuple[list[dict[str, int]], list[dict[str, RunState]]]:
    runs: list[dict[str, int]] = [{} for _ in periods]
    states: list[dict[str, RunState]] = [{} for _ in periods]
    numbers = [month_number(p.period) for p in periods]
    order = sorted(range(len(periods)), key=lambda i: numbers[i])
    first = numbers[order[0]] if order else 0
    covered = set(numbers)
    state: dict[str, tuple[int, int]] = {
        kpi: (s.run, month_number(s.last_period, field_name=f"opening.{kpi}"))
        for kpi, s in (opening or {}).items()
        if s.run > 0
    }
    for i in order:
        month = numbers[i]
        lengths: dict[str, int] = {}
        failing: dict[str, float] = {}
        for failure in periods[i].failures or ():
            lengths.setdefault(failure.kpi, failure.period_months)
            if not failure.relief:
                failing[failure.kpi] = failing.get(failure.kpi, 0.0) + failure.points
        if missing_rule == MISSING_FAIL:
            for missing in periods[i].missing:
                lengths.setdefault(missing.kpi, missing.period_months)
                failing.setdefault(missing.kpi, 0.0)
                failing[missing.kpi] += missing.points
        for kpi, points in failing.items():
            if points <= 0 and not (missing_rule == MISSING_FAIL and _is_missing(periods[i], kpi)):
                continue
            previous = month - lengths.get(kpi, 1)
            run, last = state.get(kpi, (0, -1))
            in_statement = previous in covered or previous < first
            runs[i][kpi] = run + 1 if last == previous and in_statement else 1
            state[kpi] = (runs[i][kpi], month)
        states[i] = {kpi: RunState(run, month_text(last)) for kpi, (run, last) in state.items()}
    return runs, states


def _is_missing(period: PeriodInput, kpi: str) -> bool:
    return any(m.kpi == kpi for m in period.missing)
