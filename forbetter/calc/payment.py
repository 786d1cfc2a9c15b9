"""Payment mechanism of a strategic service-delivery partnership: monthly charge, deductions, gainshare.

A month's payment is worked out in six steps, each a named rule below:

====================  =====================================================================================
rule                  what it does
====================  =====================================================================================
PAY-INDEX             uprate the indexed share of the monthly charge by the index (:func:`indexed_charge`)
PAY-RELIEF            a failure covered by a relief event earns no points (:func:`unrelieved_points_by_kpi`)
PAY-RATCHET           a KPI failing k months running has its points multiplied (:func:`ratchet_multiplier`)
PAY-BANDS             points above the free threshold cost money in bands (:func:`deduction_from_points`)
PAY-CAP               the deduction is limited to a share of the month's charge (:func:`capped_deduction`)
PAY-PAYABLE           payable = charge - deduction (:func:`payable`)
PAY-GAINSHARE         savings or overruns against a baseline are split in bands (:func:`gainshare`)
====================  =====================================================================================

Sources: ODPM Strategic Partnering Taskforce, *Payment Mechanisms: Technical Note* (2004), on charges that
fall with performance through points, thresholds and caps; HM Treasury, *Standardisation of PFI Contracts*
version 4 (2007), chapter 7 (payment mechanism: indexation, performance deductions, ratchets, relief events);
and the PFI/SSP practice summarised in DESIGN section 5.

Conventions: money is float pounds (``_gbp`` where a name would otherwise be ambiguous); shares and caps are
fractions (0.1, not 10); periods are calendar months written ``YYYY-MM``. Nothing is rounded here except the
figures written into explanation lines, which use :func:`pennies` (round half up to the penny) so that the
lines agree with the rounded figures a statement shows.

Per period the engine is scalar (:func:`payment_statement`); for a whole portfolio it is vectorised over
contracts x KPIs x months (:func:`portfolio_deductions`). Both do the same floating-point operations in the
same order, so they agree to the last bit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import numpy.typing as npt

from forbetter.calc.errors import InputError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_PENNY = Decimal("0.01")
_EN_DASH = "\u2013"  # point ranges in explanation lines are typeset "21 to 100" with an en dash


# --------------------------------------------------------------------------------------------- checks


def _number(
    value: float, field_name: str, *, minimum: float | None = None, maximum: float | None = None
) -> float:
    """``value`` as a finite float within [minimum, maximum], else :class:`InputError` naming the field."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise InputError(field_name, f"must be a number, not {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise InputError(field_name, f"must be a finite number, not {value!r}")
    if minimum is not None and number < minimum:
        raise InputError(field_name, f"must be at least {minimum:g}, not {number:g}")
    if maximum is not None and number > maximum:
        raise InputError(field_name, f"must be at most {maximum:g}, not {number:g}")
    return number


def _whole(value: int, field_name: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise InputError(field_name, f"must be a whole number, not {value!r}")
    if value < minimum:
        raise InputError(field_name, f"must be at least {minimum}, not {value}")
    return int(value)


def month_number(period: str, *, field_name: str = "period") -> int:
    """Months since year 0 of a ``YYYY-MM`` period, so consecutive months differ by one.

    >>> month_number("2024-02") - month_number("2023-12")
    2
    """
    match = _PERIOD.match(period) if isinstance(period, str) else None
    if match is None:
        raise InputError(field_name, f"{period!r} is not a month written YYYY-MM")
    return int(match.group(1)) * 12 + int(match.group(2)) - 1


# ---------------------------------------------------------------------------------------- value types


@dataclass(frozen=True)
class Band:
    """Points ``from_point`` to ``to_point`` (inclusive point numbers; ``None`` = no upper end) cost
    ``multiplier`` x the value of a point."""

    from_point: int
    to_point: int | None
    multiplier: float


@dataclass(frozen=True)
class Ratchet:
    """A KPI failing in ``consecutive`` or more months running has its points multiplied by ``multiplier``."""

    consecutive: int
    multiplier: float

    def __post_init__(self) -> None:
        _whole(self.consecutive, "ratchet.consecutive", minimum=1)
        _number(self.multiplier, "ratchet.multiplier", minimum=1.0)


@dataclass(frozen=True)
class Index:
    """A price index: the ``base`` value and its value by month (``{"2024-04": 112.4}``)."""

    base: float
    values: Mapping[str, float] = field(hash=False)

    def __post_init__(self) -> None:
        if _number(self.base, "index.base") <= 0:
            raise InputError("index.base", f"must be above 0, not {self.base:g}")
        for period, value in self.values.items():
            month_number(period, field_name=f"index.values.{period}")
            if _number(value, f"index.values.{period}") <= 0:
                raise InputError(f"index.values.{period}", f"must be above 0, not {value:g}")


@dataclass(frozen=True)
class Mechanism:
    """A contract's payment mechanism. Checked on construction; :class:`InputError` names the bad field.

    ``threshold`` points a month are free; points above it cost ``point_value`` pounds x the multiplier of
    the band they fall in. ``cap`` (a fraction of the month's indexed charge) limits the deduction.
    """

    monthly_charge: float
    threshold: int
    point_value: float
    bands: tuple[Band, ...]
    indexed_share: float = 0.0
    index: Index | None = None
    cap: float | None = None
    ratchet: Ratchet | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "bands", tuple(self.bands))
        _number(self.monthly_charge, "monthly_charge", minimum=0.0)
        _number(self.indexed_share, "indexed_share", minimum=0.0, maximum=1.0)
        _whole(self.threshold, "points.threshold", minimum=0)
        _number(self.point_value, "points.value", minimum=0.0)
        validate_bands(self.bands, threshold=self.threshold)
        if self.cap is not None:
            _number(self.cap, "cap", minimum=0.0, maximum=1.0)


@dataclass(frozen=True)
class Failure:
    """A KPI failure in a month: its points, and whether a relief event excuses it (and why)."""

    kpi: str
    points: float
    relief: bool = False
    reason: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.kpi, str) or not self.kpi.strip():
            raise InputError("kpi", "must name the KPI")
        _number(self.points, "points", minimum=0.0)
        if not isinstance(self.relief, bool):
            raise InputError("relief", f"must be true or false, not {self.relief!r}")


@dataclass(frozen=True)
class PeriodInput:
    """One month's performance: either a points total or the failures KPI by KPI (not both)."""

    period: str
    points: float | None = None
    failures: tuple[Failure, ...] | None = None

    def __post_init__(self) -> None:
        month_number(self.period)
        if (self.points is None) == (self.failures is None):
            raise InputError("points", "give either points or failures for the month, not both or neither")
        if self.points is not None:
            _number(self.points, "points", minimum=0.0)
        if self.failures is not None:
            object.__setattr__(self, "failures", tuple(self.failures))


@dataclass(frozen=True)
class PeriodStatement:
    """One month of a payment statement. ``points`` are those counted (after relief and ratchet)."""

    period: str
    charge: float
    points: float
    relieved_points: float
    deduction_before_cap: float
    deduction: float
    capped: bool
    payable: float
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Statement:
    """A payment statement over several months, with unrounded totals."""

    periods: tuple[PeriodStatement, ...]
    total_deduction: float
    total_payable: float


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


def validate_bands(bands: Sequence[Band], *, threshold: int, field_name: str = "points.bands") -> None:
    """Rule PAY-BANDS (shape): check the bands a deduction is worked out in.

    ``from``/``to`` are inclusive point numbers. Points 1..threshold are free, so the first band starts at
    threshold + 1; each later band starts where the previous one ended plus one (no gaps, no overlaps); only
    the last band may be open (``to`` = None); multipliers are at least 0. An :class:`InputError` names the
    band at fault, e.g. ``points.bands[1].from``.

    >>> validate_bands([Band(21, 100, 1.0), Band(102, None, 1.2)], threshold=20)
    Traceback (most recent call last):
    ...
    forbetter.calc.errors.InputError: points.bands[1].from: starts at 102 but the previous band ends at 100, \
leaving a gap: it must start at 101
    """
    if not bands:
        raise InputError(field_name, "give at least one band")
    expected_from = threshold + 1
    for i, band in enumerate(bands):
        here = f"{field_name}[{i}]"
        _whole(band.from_point, f"{here}.from", minimum=1)
        if band.to_point is not None:
            _whole(band.to_point, f"{here}.to", minimum=1)
        _number(band.multiplier, f"{here}.multiplier", minimum=0.0)
        if i == 0 and band.from_point != expected_from:
            raise InputError(
                f"{here}.from",
                f"the first band must start at threshold + 1 = {expected_from}, not {band.from_point}",
            )
        if i > 0 and band.from_point != expected_from:
            kind = "leaving a gap" if band.from_point > expected_from else "overlapping it"
            raise InputError(
                f"{here}.from",
                f"starts at {band.from_point} but the previous band ends at {expected_from - 1}, {kind}: "
                f"it must start at {expected_from}",
            )
        if band.to_point is None:
            if i != len(bands) - 1:
                raise InputError(f"{here}.to", "only the last band may be open (to = null)")
            break
        if band.to_point < band.from_point:
            raise InputError(f"{here}.to", f"ends at {band.to_point}, before it starts at {band.from_point}")
        expected_from = band.to_point + 1


def points_by_band(points: float, *, bands: Sequence[Band]) -> tuple[float, ...]:
    """How many of ``points`` fall in each band: clip(points - (from - 1), 0, to - from + 1).

    The n-th point of the month falls in the band whose from <= n <= to; a fractional total (after a
    ratchet) puts its fraction in the band of the next whole point.

    >>> points_by_band(120, bands=[Band(21, 100, 1.0), Band(101, 200, 1.2), Band(201, None, 1.5)])
    (80.0, 20.0, 0.0)
    """
    return tuple(min(max(points - (band.from_point - 1.0), 0.0), _width(band)) for band in bands)


def _width(band: Band) -> float:
    return math.inf if band.to_point is None else band.to_point - band.from_point + 1.0


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


# ------------------------------------------------------------------------------------- the statement


def period_statement(
    mechanism: Mechanism, period: PeriodInput, *, runs: Mapping[str, int] | None = None
) -> PeriodStatement:
    """One month's statement: charge, points, deduction before and after the cap, payable, and why.

    ``runs`` gives each failing KPI's run of consecutive failed months (from :func:`failure_runs`); without
    it every failure counts as the first of its run. With a ratchet the month must list failures by KPI.

    >>> m = Mechanism(100_000.0, 20, 3.0, (Band(21, 100, 1.0), Band(101, 200, 1.2), Band(201, None, 1.5)),
    ...               cap=0.1)
    >>> s = period_statement(m, PeriodInput("2024-04", points=120))
    >>> (s.deduction, s.payable, s.capped)
    (312.0, 99688.0, False)
    """
    lines: list[str] = []
    charge = _charge_for(mechanism, period.period, lines)
    relieved = 0.0
    if period.failures is None:
        if mechanism.ratchet is not None:
            raise InputError("points", "with a ratchet, give the month's failures KPI by KPI, not a total")
        points = float(period.points or 0.0)
        lines.append(f"{_format_points(points)} points reported for the month.")
    else:
        for failure in period.failures:
            if failure.relief:
                relieved += failure.points
                reason = f"reason: {failure.reason}" if failure.reason else "no reason recorded"
                lines.append(
                    f"KPI '{failure.kpi}' failure relieved: {_format_points(failure.points)} points "
                    f"excused ({reason})."
                )
        points = 0.0
        by_kpi = unrelieved_points_by_kpi(period.failures)
        listed = "; ".join(f"'{kpi}' {_format_points(p)} points" for kpi, p in by_kpi.items() if p > 0)
        lines.append(f"Failures counted: {listed}." if listed else "No failures counted.")
        for kpi, kpi_points in by_kpi.items():
            run = (runs or {}).get(kpi, 1)
            multiplier = ratchet_multiplier(run, ratchet=mechanism.ratchet)
            counted = kpi_points * multiplier
            if mechanism.ratchet is not None and run >= mechanism.ratchet.consecutive:
                lines.append(
                    f"KPI '{kpi}' has failed {run} months running (ratchet from month "
                    f"{mechanism.ratchet.consecutive}): {_format_points(kpi_points)} points "
                    f"x {multiplier:g} = {_format_points(counted)} points."
                )
            points += counted
    lines.append(_explain_points(points, mechanism=mechanism))
    before_cap = deduction_from_points(points, point_value=mechanism.point_value, bands=mechanism.bands)
    deduction = capped_deduction(before_cap, charge=charge, cap=mechanism.cap)
    capped = mechanism.cap is not None and before_cap > mechanism.cap * charge
    lines.append(_explain_cap(before_cap, charge=charge, cap=mechanism.cap))
    rounded_payable = pennies(charge) - pennies(deduction)
    lines.append(
        f"Payable {format_money(charge)} - {format_money(deduction)} = {format_money(rounded_payable)}."
    )
    return PeriodStatement(
        period=period.period,
        charge=charge,
        points=points,
        relieved_points=relieved,
        deduction_before_cap=before_cap,
        deduction=deduction,
        capped=capped,
        payable=payable(charge, deduction=deduction),
        lines=tuple(lines),
    )


def payment_statement(mechanism: Mechanism, periods: Sequence[PeriodInput]) -> Statement:
    """The statement for several months, in the order given, with totals of deductions and payments.

    Months must not repeat; a ratchet counts runs in calendar order (:func:`failure_runs`). An
    :class:`InputError` about a month names it as ``periods[i].<field>``.

    >>> m = Mechanism(10_000.0, 0, 1.0, (Band(1, None, 1.0),))
    >>> s = payment_statement(m, [PeriodInput("2024-01", points=10), PeriodInput("2024-02", points=5)])
    >>> (s.total_deduction, s.total_payable)
    (15.0, 19985.0)
    """
    seen: dict[str, int] = {}
    for i, period in enumerate(periods):
        if period.period in seen:
            raise InputError(
                f"periods[{i}].period", f"{period.period} appears twice (also periods[{seen[period.period]}])"
            )
        seen[period.period] = i
    runs = failure_runs(periods)
    statements = []
    for i, period in enumerate(periods):
        try:
            statements.append(period_statement(mechanism, period, runs=runs[i]))
        except InputError as exc:
            if exc.field.startswith("index."):
                raise InputError(exc.field, f"{exc.message} (periods[{i}])") from exc
            raise InputError(f"periods[{i}].{exc.field}", exc.message) from exc
    total_deduction = 0.0
    total_payable = 0.0
    for s in statements:
        total_deduction += s.deduction
        total_payable += s.payable
    return Statement(tuple(statements), total_deduction=total_deduction, total_payable=total_payable)


def _charge_for(mechanism: Mechanism, period: str, lines: list[str]) -> float:
    base = format_money(mechanism.monthly_charge)
    if mechanism.index is None:
        lines.append(f"Charge {base}, not indexed (no index given).")
        return float(mechanism.monthly_charge)
    value, used = index_value_for(period, index=mechanism.index)
    charge = float(
        indexed_charge(
            mechanism.monthly_charge,
            indexed_share=mechanism.indexed_share,
            index_value=value,
            index_base=mechanism.index.base,
        )
    )
    late = "" if used == period else f" (no index value for {period}, so {used}'s value is used)"
    lines.append(
        f"Charge {base} uprated: {_format_percent(mechanism.indexed_share)} indexed at "
        f"{float(value)}/{float(mechanism.index.base)}{late} → {format_money(charge)}."
    )
    return charge


def _explain_points(points: float, *, mechanism: Mechanism) -> str:
    threshold = mechanism.threshold
    if points <= threshold:
        return f"{_format_points(points)} points, all within the {threshold} free points: no deduction."
    parts = []
    for in_band, band in zip(points_by_band(points, bands=mechanism.bands), mechanism.bands, strict=True):
        if in_band > 0:
            price = mechanism.point_value * band.multiplier
            parts.append(
                f"{_format_points(in_band)} points in band {_band_name(band)} at {format_money(price)} = "
                f"{format_money(in_band * price)}"
            )
    last = mechanism.bands[-1]
    if last.to_point is not None and points > last.to_point:
        parts.append(
            f"{_format_points(points - last.to_point)} points above {last.to_point} carry no deduction"
        )
    return f"{_format_points(points)} points, {threshold} free, " + "; ".join(parts) + "."


def _explain_cap(before_cap: float, *, charge: float, cap: float | None) -> str:
    if cap is None:
        return f"Deduction {format_money(before_cap)} (no cap on deductions)."
    limit = cap * charge
    cap_text = f"the cap of {_format_percent(cap)} ({format_money(limit)})"
    if before_cap > limit:
        return (
            f"Deduction {format_money(before_cap)} is above {cap_text}, so {format_money(limit)} is deducted."
        )
    if before_cap == limit:
        return f"Deduction {format_money(before_cap)} is at {cap_text}."
    return f"Deduction {format_money(before_cap)} is below {cap_text}."


def _band_name(band: Band) -> str:
    return f"{band.from_point}+" if band.to_point is None else f"{band.from_point}{_EN_DASH}{band.to_point}"


# ------------------------------------------------------------------------------------- the portfolio


@dataclass(frozen=True)
class BandTable:
    """Bands of many contracts as arrays (contracts x bands), padded with empty bands.

    ``lower`` = from - 1 (points below the band), ``width`` = to - from + 1 (inf when open), ``multiplier``.
    Build it with :func:`band_table`.
    """

    lower: FloatArray
    width: FloatArray
    multiplier: FloatArray


def band_table(bands_by_contract: Sequence[Sequence[Band]], *, thresholds: Sequence[int]) -> BandTable:
    """Check each contract's bands (:func:`validate_bands`) and lay them out as arrays.

    Contracts with fewer bands are padded with empty bands (width 0, multiplier 0), which add exactly 0.

    >>> t = band_table([[Band(21, 100, 1.0), Band(101, None, 1.2)], [Band(1, None, 2.0)]], thresholds=[20, 0])
    >>> t.width.tolist()
    [[80.0, inf], [inf, 0.0]]
    """
    if len(bands_by_contract) != len(thresholds):
        raise InputError("thresholds", "give one threshold per contract")
    size = max((len(bands) for bands in bands_by_contract), default=0)
    lower = np.zeros((len(bands_by_contract), size))
    width = np.zeros_like(lower)
    multiplier = np.zeros_like(lower)
    for c, (bands, threshold) in enumerate(zip(bands_by_contract, thresholds, strict=True)):
        validate_bands(bands, threshold=threshold, field_name=f"bands[{c}]")
        for b, band in enumerate(bands):
            lower[c, b] = band.from_point - 1.0
            width[c, b] = _width(band)
            multiplier[c, b] = band.multiplier
    return BandTable(lower=lower, width=width, multiplier=multiplier)


@dataclass(frozen=True)
class PortfolioResult:
    """Per contract x month: points counted, deductions, whether capped, and payable."""

    points: FloatArray
    deduction_before_cap: FloatArray
    deduction: FloatArray
    capped: BoolArray
    payable: FloatArray


def consecutive_failure_runs(failing: BoolArray) -> IntArray:
    """Run length of consecutive ``True`` values along the last axis, counting the current element.

    run[m] = m - (index of the last non-failing month at or before m), found with a running maximum.

    >>> consecutive_failure_runs(np.array([True, True, False, True, True, True])).tolist()
    [1, 2, 0, 1, 2, 3]
    """
    months = np.arange(failing.shape[-1], dtype=np.int64)
    last_met = np.maximum.accumulate(np.where(failing, -1, months), axis=-1)
    return months - last_met


def portfolio_deductions(
    points: npt.ArrayLike,
    *,
    charge: npt.ArrayLike,
    point_value: npt.ArrayLike,
    bands: BandTable,
    relief: npt.ArrayLike | None = None,
    cap: npt.ArrayLike | None = None,
    ratchet_consecutive: npt.ArrayLike | None = None,
    ratchet_multiplier: npt.ArrayLike | None = None,
    chunk_contracts: int = 64,
) -> PortfolioResult:
    """All the PAY rules at once for contracts x KPIs x months, vectorised with numpy.

    ``points[c, k, m]`` are the points of KPI k of contract c in month m (0 = met) and ``relief`` (same
    shape, optional) marks relieved failures. Months are consecutive calendar months. Per contract (shape
    (C,), or (C, M) for ``charge``, the month's indexed charge): ``point_value``, ``cap`` (fraction; NaN = no
    cap), ``ratchet_consecutive`` (0 = no ratchet) and ``ratchet_multiplier``; ``bands`` from
    :func:`band_table` carries each contract's threshold.

    Steps: relief zeroes points; :func:`consecutive_failure_runs` along the month axis gives each KPI's run
    and the ratchet multiplies points where run >= consecutive; KPIs are added one by one; each band adds
    clip(points - lower, 0, width) x multiplier; then the cap and payable. These are the operations of
    :func:`period_statement` in the same order (KPIs in index order), so the results agree exactly. Work
    goes ``chunk_contracts`` contracts at a time to bound memory.

    >>> table = band_table([[Band(21, 100, 1.0), Band(101, 200, 1.2), Band(201, None, 1.5)]], thresholds=[20])
    >>> r = portfolio_deductions(np.array([[[120.0]]]), charge=[100_000.0], point_value=[3.0], bands=table,
    ...                          cap=[0.1])
    >>> (r.deduction.tolist(), r.payable.tolist())
    ([[312.0]], [[99688.0]])
    """
    kpi_points = np.asarray(points, dtype=np.float64)
    if kpi_points.ndim != 3:
        raise InputError("points", "must be an array of contracts x KPIs x months")
    n_contracts, _, n_months = kpi_points.shape
    if not np.all(np.isfinite(kpi_points)) or np.any(kpi_points < 0):
        raise InputError("points", "must be finite and at least 0")
    try:
        relieved = np.broadcast_to(
            np.asarray(False if relief is None else relief, dtype=bool), kpi_points.shape
        )
    except ValueError as exc:
        raise InputError("relief", "must have the shape of points (contracts x KPIs x months)") from exc
    month_charge = _per_contract(charge, "charge", n_contracts, n_months)
    value = _per_contract(point_value, "point_value", n_contracts)
    cap_share = _per_contract(np.nan if cap is None else cap, "cap", n_contracts)
    if np.any(cap_share[~np.isnan(cap_share)] < 0) or np.any(cap_share > 1):
        raise InputError("cap", "must be between 0 and 1 (NaN for no cap)")
    consecutive = _per_contract(
        0 if ratchet_consecutive is None else ratchet_consecutive, "ratchet_consecutive", n_contracts
    )
    if np.any(consecutive < 0) or np.any(consecutive != np.floor(consecutive)):
        raise InputError("ratchet_consecutive", "must be whole numbers of months (0 for no ratchet)")
    multiplier = _per_contract(
        1.0 if ratchet_multiplier is None else ratchet_multiplier, "ratchet_multiplier", n_contracts
    )
    if np.any(multiplier < 1):
        raise InputError("ratchet_multiplier", "must be at least 1")
    if bands.lower.shape[0] != n_contracts:
        raise InputError("bands", f"has {bands.lower.shape[0]} contracts, points has {n_contracts}")

    total = np.zeros((n_contracts, n_months))
    for start in range(0, n_contracts, max(1, chunk_contracts)):
        rows = slice(start, start + max(1, chunk_contracts))
        counted = np.where(relieved[rows], 0.0, kpi_points[rows])
        ratcheted = consecutive[rows] > 0
        if np.any(ratcheted):
            runs = consecutive_failure_runs(counted > 0)
            applies = ratcheted[:, None, None] & (runs >= consecutive[rows, None, None])
            counted = np.where(applies, counted * multiplier[rows, None, None], counted)
        chunk_total = total[rows]
        for k in range(counted.shape[1]):
            chunk_total += counted[:, k, :]

    weighted = np.zeros_like(total)
    for b in range(bands.lower.shape[1]):
        in_band = np.clip(total - bands.lower[:, b, None], 0.0, bands.width[:, b, None])
        weighted += in_band * bands.multiplier[:, b, None]
    before_cap = value[:, None] * weighted
    limit = np.where(np.isnan(cap_share)[:, None], np.inf, cap_share[:, None] * month_charge)
    deduction = np.minimum(before_cap, limit)
    capped = before_cap > limit
    return PortfolioResult(
        points=total,
        deduction_before_cap=before_cap,
        deduction=deduction,
        capped=capped,
        payable=month_charge - deduction,
    )


def _per_contract(
    values: npt.ArrayLike, name: str, n_contracts: int, n_months: int | None = None
) -> FloatArray:
    """``values`` broadcast to (contracts,) or, with ``n_months``, (contracts, months)."""
    array = np.asarray(values, dtype=np.float64)
    if n_months is not None and array.ndim == 1:
        array = array[:, None]
    shape = (n_contracts,) if n_months is None else (n_contracts, n_months)
    try:
        result = np.broadcast_to(array, shape)
    except ValueError as exc:
        raise InputError(name, f"needs one value per contract ({n_contracts} contracts)") from exc
    if np.any(np.isinf(result)) or (name != "cap" and np.any(np.isnan(result))):
        raise InputError(name, "must be finite")
    return np.ascontiguousarray(result)


# ----------------------------------------------------------------------------------- gainshare


@dataclass(frozen=True)
class ShareBand:
    """Savings (or overrun) from ``from_gbp`` to ``to_gbp`` pounds (``None`` = no upper end) go
    ``council_share`` to the council, the rest to the partner."""

    from_gbp: float
    to_gbp: float | None
    council_share: float


@dataclass(frozen=True)
class GainshareResult:
    """``saving_gbp`` = baseline - actual (negative is an overrun); ``council_gbp`` + ``partner_gbp`` =
    ``saving_gbp``: each side's share of the saving, or (negative) of the overrun it bears."""

    saving_gbp: float
    council_gbp: float
    partner_gbp: float
    lines: tuple[str, ...]


def validate_share_bands(bands: Sequence[ShareBand], *, field_name: str = "bands") -> None:
    """Check gainshare/painshare bands like points bands: the first starts at £0, each starts where the
    previous ends, only the last may be open, shares are 0..1. An :class:`InputError` names the band."""
    if not bands:
        raise InputError(field_name, "give at least one band")
    expected = 0.0
    for i, band in enumerate(bands):
        here = f"{field_name}[{i}]"
        start = _number(band.from_gbp, f"{here}.from")
        _number(band.council_share, f"{here}.council_share", minimum=0.0, maximum=1.0)
        if start != expected:
            where = "the first band must start at £0" if i == 0 else "must start where the previous ends"
            raise InputError(f"{here}.from", f"{where} ({format_money(expected)}), not {format_money(start)}")
        if band.to_gbp is None:
            if i != len(bands) - 1:
                raise InputError(f"{here}.to", "only the last band may be open (to = null)")
            return
        end = _number(band.to_gbp, f"{here}.to")
        if end <= start:
            raise InputError(f"{here}.to", f"must be above from ({format_money(start)})")
        expected = end


def split_in_bands(amount_gbp: float, *, bands: Sequence[ShareBand]) -> tuple[float, float]:
    """Split a non-negative amount in bands: (council's part, partner's part).

    council = sum over bands of clip(amount - from, 0, to - from) x council_share; partner = amount - council.
    Amount beyond a closed last band goes wholly to the partner.

    >>> split_in_bands(250_000, bands=[ShareBand(0, 100_000, 0.5), ShareBand(100_000, None, 0.7)])
    (155000.0, 95000.0)
    """
    council = 0.0
    for band in bands:
        width = math.inf if band.to_gbp is None else band.to_gbp - band.from_gbp
        council += min(max(amount_gbp - band.from_gbp, 0.0), width) * band.council_share
    return council, amount_gbp - council


def gainshare(
    *,
    baseline_gbp: float,
    actual_gbp: float,
    gain_bands: Sequence[ShareBand],
    pain_bands: Sequence[ShareBand] | None = None,
) -> GainshareResult:
    """Rule PAY-GAINSHARE: split savings (actual below baseline) or an overrun (above it) in bands.

    Savings are split by ``gain_bands`` (e.g. the first £100k 50/50, beyond that 70/30 to the council).
    An overrun is split by ``pain_bands`` (each band's ``council_share`` is the share the council bears);
    without pain bands the partner bears all of it, as under a fixed price [ODPM SPT technical note 2004].

    >>> r = gainshare(baseline_gbp=1_000_000, actual_gbp=750_000,
    ...               gain_bands=[ShareBand(0, 100_000, 0.5), ShareBand(100_000, None, 0.7)])
    >>> (r.council_gbp, r.partner_gbp)
    (155000.0, 95000.0)
    """
    baseline = _number(baseline_gbp, "baseline_gbp")
    actual = _number(actual_gbp, "actual_gbp")
    validate_share_bands(gain_bands, field_name="gain_bands")
    if pain_bands is not None:
        validate_share_bands(pain_bands, field_name="pain_bands")
    saving = baseline - actual
    if saving >= 0:
        council, partner = split_in_bands(saving, bands=gain_bands)
        line = (
            f"Saving of {format_money(saving)} against the baseline of {format_money(baseline)}: "
            f"{format_money(council)} to the council, {format_money(partner)} to the partner."
        )
        return GainshareResult(saving, council, partner, (line,))
    overrun = -saving
    if pain_bands is None:
        council_bears, partner_bears = 0.0, overrun
        how = "no painshare agreed, so the partner bears it all"
    else:
        council_bears, partner_bears = split_in_bands(overrun, bands=pain_bands)
        how = f"the council bears {format_money(council_bears)}, the partner {format_money(partner_bears)}"
    line = f"Overrun of {format_money(overrun)} against the baseline of {format_money(baseline)}: {how}."
    return GainshareResult(saving, -council_bears, -partner_bears, (line,))


# ---------------------------------------------------------------------------------------- display


def pennies(amount_gbp: float | Decimal) -> Decimal:
    """Pounds rounded half up to the penny, from the shortest decimal that round-trips the float.

    Going through ``repr`` means 2.675 (stored as 2.67499999...) rounds to 2.68, as a person would expect.

    >>> pennies(2.675), pennies(311.99999999999994)
    (Decimal('2.68'), Decimal('312.00'))
    """
    exact = amount_gbp if isinstance(amount_gbp, Decimal) else Decimal(repr(float(amount_gbp)))
    return exact.quantize(_PENNY, rounding=ROUND_HALF_UP)


def format_money(amount_gbp: float | Decimal) -> str:
    """Pounds with a £ sign, thousands separators and pence.

    >>> format_money(101222.2222), format_money(-1500)
    ('£101,222.22', '-£1,500.00')
    """
    rounded = pennies(amount_gbp)
    sign = "-" if rounded < 0 else ""
    return f"{sign}£{abs(rounded):,.2f}"


def _format_points(points: float) -> str:
    rounded = round(points, 2)
    return f"{rounded:,.0f}" if rounded == int(rounded) else f"{rounded:,.2f}".rstrip("0")


def _format_percent(share: float) -> str:
    return f"{share * 100:.2f}".rstrip("0").rstrip(".") + "%"
