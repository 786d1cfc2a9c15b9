"""The payment statement: :func:`period_statement` applies the PAY rules to one month in order (charge,
relief, missing returns, ratchet, bands, cap, late-failure adjustments, payable) and writes a plain-English
explanation line for each step; :func:`payment_statement` does it for several months with totals, carrying
each KPI's ratchet run on from an opening state. The figures in the explanation lines are rounded half up to
the penny (:func:`pennies`) and shown with a £ sign (:func:`format_money`), so that the lines agree with the
rounded figures a statement shows.

:func:`rounded_statement` is the one place a statement becomes pounds and pence (``Decimal``): the command
line, the statement pages and the approval service all take their figures from it (rule PAY-ROUNDING).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from forbetter.calc.errors import InputError
from forbetter.calc.payment.mechanism import (
    MISSING_FAIL,
    THRESHOLD_MONTHLY_KPIS,
    Adjustment,
    Band,
    Mechanism,
    PeriodInput,
    RunState,
    month_number,
)
from forbetter.calc.payment.rules import (
    _run_pass,
    adjustment_amount,
    banded_points,
    capped_deduction,
    charge_in_force,
    deduction_from_points,
    index_value_for,
    indexed_charge,
    payable,
    points_by_band,
    ratchet_multiplier,
    uprating_month,
)

_PENNY = Decimal("0.01")
_EN_DASH = "\u2013"  # point ranges in explanation lines are typeset "21 to 100" with an en dash


# ---------------------------------------------------------------------------------------- value types


@dataclass(frozen=True)
class AdjustmentResult:
    """A late failure deducted in this month: the input and the money it costs now, with its line."""

    adjustment: Adjustment
    amount: float
    line: str


@dataclass(frozen=True)
class PeriodStatement:
    """One month of a payment statement. ``points`` are those counted (after relief and ratchet).

    ``deduction`` is the month's own performance deduction after the cap; ``adjustment_total`` adds the
    late failures of frozen months deducted now; payable = charge - deduction - adjustment_total.
    ``provisional`` names the KPIs held as provisional (no validated value yet); ``runs`` is every KPI's
    ratchet state at the end of the month (stored on approval).
    """

    period: str
    charge: float
    points: float
    relieved_points: float
    deduction_before_cap: float
    deduction: float
    capped: bool
    payable: float
    lines: tuple[str, ...]
    adjustments: tuple[AdjustmentResult, ...] = ()
    adjustment_total: float = 0.0
    provisional: tuple[str, ...] = ()
    deemed_failed: tuple[str, ...] = ()
    runs: Mapping[str, RunState] | None = None


@dataclass(frozen=True)
class Statement:
    """A payment statement over several months, with unrounded totals."""

    periods: tuple[PeriodStatement, ...]
    total_deduction: float
    total_payable: float


# ------------------------------------------------------------------------------------- the statement


def period_statement(
    mechanism: Mechanism,
    period: PeriodInput,
    *,
    runs: Mapping[str, int] | None = None,
    closing: Mapping[str, RunState] | None = None,
) -> PeriodStatement:
    """One month's statement: charge, points, deduction before and after the cap, payable, and why.

    ``runs`` gives each failing KPI's run of consecutive failed periods (from :func:`failure_runs`);
    without it every failure counts as the first of its run. With a ratchet the month must list failures by
    KPI. ``closing`` is the ratchet state at the end of the month, passed through to the result.

    >>> m = Mechanism(100_000.0, 20, 3.0, (Band(21, 100, 1.0), Band(101, 200, 1.2), Band(201, None, 1.5)),
    ...               cap=0.1)
    >>> s = period_statement(m, PeriodInput("2024-04", points=120))
    >>> (s.deduction, s.payable, s.capped)
    (312.0, 99688.0, False)
    """
    lines: list[str] = []
    charge = _charge_for(mechanism, period.period, lines)
    relieved = 0.0
    monthly = 0.0
    other = 0.0
    provisional: list[str] = []
    deemed: list[str] = []
    if period.failures is None:
        if mechanism.ratchet is not None:
            raise InputError("points", "with a ratchet, give the month's failures KPI by KPI, not a total")
        points = float(period.points or 0.0)
        monthly = points
        lines.append(f"{_format_points(points)} points reported for the month.")
    else:
        lengths: dict[str, int] = {}
        by_kpi: dict[str, float] = {}
        for failure in period.failures:
            lengths.setdefault(failure.kpi, failure.period_months)
            if failure.relief:
                relieved += failure.points
                reason = f"reason: {failure.reason}" if failure.reason else "no reason recorded"
                lines.append(
                    f"KPI '{failure.kpi}' failure relieved: {_format_points(failure.points)} points "
                    f"excused ({reason})."
                )
            else:
                by_kpi[failure.kpi] = by_kpi.get(failure.kpi, 0.0) + failure.points
        for missing in period.missing:
            why = f" ({missing.reason})" if missing.reason else ""
            if mechanism.missing_rule == MISSING_FAIL:
                missing_points = (
                    float(missing.points)
                    if mechanism.missing_points is None
                    else float(mechanism.missing_points)
                )
                lengths.setdefault(missing.kpi, missing.period_months)
                by_kpi[missing.kpi] = by_kpi.get(missing.kpi, 0.0) + missing_points
                deemed.append(missing.kpi)
                lines.append(
                    f"KPI '{missing.kpi}' has no validated value by the statement date{why}: under the "
                    f"mechanism's rule it is treated as failed, {_format_points(missing_points)} points."
                )
            else:
                provisional.append(missing.kpi)
                lines.append(
                    f"KPI '{missing.kpi}' has no validated value by the statement date{why}: under the "
                    "mechanism's rule it is held as provisional and earns no points now; if it is later "
                    "validated as failed, it is deducted as an adjustment in the next statement."
                )
        points = 0.0
        listed = "; ".join(f"'{kpi}' {_format_points(p)} points" for kpi, p in by_kpi.items() if p > 0)
        lines.append(f"Failures counted: {listed}." if listed else "No failures counted.")
        for kpi, kpi_points in by_kpi.items():
            run = (runs or {}).get(kpi, 1)
            multiplier = ratchet_multiplier(run, ratchet=mechanism.ratchet)
            counted = kpi_points * multiplier
            if mechanism.ratchet is not None and run >= mechanism.ratchet.consecutive:
                unit = _PERIOD_WORDS.get(lengths.get(kpi, 1), "periods")
                lines.append(
                    f"KPI '{kpi}' has failed {run} {unit} running (ratchet from {unit[:-1]} "
                    f"{mechanism.ratchet.consecutive}): {_format_points(kpi_points)} points "
                    f"x {multiplier:g} = {_format_points(counted)} points."
                )
            points += counted
            if lengths.get(kpi, 1) == 1:
                monthly += counted
            else:
                other += counted
    banded = banded_points(monthly, other, threshold=mechanism.threshold, scope=mechanism.threshold_scope)
    if other > 0:
        lines.append(_explain_scope(monthly, other, banded, mechanism=mechanism))
    lines.append(_explain_points(banded, mechanism=mechanism))
    before_cap = deduction_from_points(banded, point_value=mechanism.point_value, bands=mechanism.bands)
    deduction = capped_deduction(before_cap, charge=charge, cap=mechanism.cap)
    capped = mechanism.cap is not None and before_cap > mechanism.cap * charge
    lines.append(_explain_cap(before_cap, charge=charge, cap=mechanism.cap))
    adjustments = _adjustments(mechanism, period)
    lines.extend(a.line for a in adjustments)
    adjustment_total = 0.0
    for a in adjustments:
        adjustment_total += a.amount
    rounded = pennies(charge) - pennies(deduction) - sum((pennies(a.amount) for a in adjustments), Decimal(0))
    if adjustments:
        adjusted = sum((pennies(a.amount) for a in adjustments), Decimal(0))
        lines.append(
            f"Payable {format_money(charge)} - {format_money(deduction)} - adjustments "
            f"{format_money(adjusted)} = {format_money(rounded)}."
        )
    else:
        lines.append(f"Payable {format_money(charge)} - {format_money(deduction)} = {format_money(rounded)}.")
    return PeriodStatement(
        period=period.period,
        charge=charge,
        points=points,
        relieved_points=relieved,
        deduction_before_cap=before_cap,
        deduction=deduction,
        capped=capped,
        payable=payable(charge, deduction=deduction) - adjustment_total,
        lines=tuple(lines),
        adjustments=adjustments,
        adjustment_total=adjustment_total,
        provisional=tuple(provisional),
        deemed_failed=tuple(deemed),
        runs=closing,
    )


_PERIOD_WORDS = {1: "months", 3: "quarters", 6: "half-years", 12: "years"}


def _explain_scope(monthly: float, other: float, banded: float, *, mechanism: Mechanism) -> str:
    if mechanism.threshold_scope == THRESHOLD_MONTHLY_KPIS:
        free = min(monthly, float(mechanism.threshold))
        return (
            f"The {mechanism.threshold} free points cover monthly KPIs only (the mechanism's rule): "
            f"{_format_points(free)} of the {_format_points(monthly)} monthly points are free and all "
            f"{_format_points(other)} points of KPIs assessed less often cost money, so "
            f"{_format_points(banded)} points are placed in the bands."
        )
    return (
        f"The {mechanism.threshold} free points cover every KPI (the mechanism's rule): "
        f"{_format_points(monthly)} monthly points and {_format_points(other)} points of KPIs assessed less "
        f"often are added together, {_format_points(banded)} points."
    )


def _adjustments(mechanism: Mechanism, period: PeriodInput) -> tuple[AdjustmentResult, ...]:
    """Rule PAY-LATE-ADJUSTMENT for each adjustment, priced cumulatively per original month."""
    results = []
    added: dict[str, tuple[float, float]] = {}
    for i, adjustment in enumerate(period.adjustments):
        try:
            charge = (
                float(adjustment.month_charge)
                if adjustment.month_charge is not None
                else _charge_for(mechanism, adjustment.period, [])
            )
        except InputError as exc:
            if exc.field.startswith("index."):
                raise
            raise InputError(f"adjustments[{i}].{exc.field}", exc.message) from exc
        extra_points, extra_money = added.get(adjustment.period, (0.0, 0.0))
        month_points = adjustment.month_points + extra_points
        month_deduction = (
            None if adjustment.month_deduction is None else adjustment.month_deduction + extra_money
        )
        amount = adjustment_amount(
            adjustment.points,
            month_points=month_points,
            month_charge=charge,
            point_value=mechanism.point_value,
            bands=mechanism.bands,
            cap=mechanism.cap,
            month_deduction=month_deduction,
        )
        added[adjustment.period] = (extra_points + adjustment.points, extra_money + amount)
        why = f" ({adjustment.reason})" if adjustment.reason else ""
        line = (
            f"Adjustment for {_month_name(adjustment.period)}: KPI '{adjustment.kpi}' failure validated on "
            f"{_day_name(adjustment.validated_on)}{why}, after that month's statement was frozen. "
            f"{_format_points(adjustment.points)} points on top of the {_format_points(month_points)} "
            f"counted that month (charge {format_money(charge)}) cost {format_money(amount)} more, "
            "deducted now."
        )
        results.append(AdjustmentResult(adjustment, amount, line))
    return tuple(results)


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _month_name(period: str) -> str:
    year, month = divmod(month_number(period), 12)
    return f"{_MONTHS[month]} {year}"


def _day_name(day: str) -> str:
    year, month, date = (int(part) for part in day.split("-"))
    return f"{date} {_MONTHS[month - 1]} {year}"


def payment_statement(
    mechanism: Mechanism, periods: Sequence[PeriodInput], *, opening: Mapping[str, RunState] | None = None
) -> Statement:
    """The statement for several months, in the order given, with totals of deductions and payments.

    Months must not repeat; a ratchet counts runs in calendar order (:func:`failure_runs`), carrying on
    from ``opening`` (the ratchet state stored when the month before the first was approved), so a draft
    never needs the months before it recomputed. An :class:`InputError` about a month names it as
    ``periods[i].<field>``.

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
    runs, closing = _run_pass(periods, opening=opening, missing_rule=mechanism.missing_rule)
    statements = []
    for i, period in enumerate(periods):
        try:
            statements.append(period_statement(mechanism, period, runs=runs[i], closing=closing[i]))
        except InputError as exc:
            if exc.field.startswith("index."):
                raise
            raise InputError(f"periods[{i}].{exc.field}", exc.message) from exc
    total_deduction = 0.0
    total_payable = 0.0
    for s in statements:
        total_deduction += s.deduction + s.adjustment_total
        total_payable += s.payable
    return Statement(tuple(statements), total_deduction=total_deduction, total_payable=total_payable)


def _charge_for(mechanism: Mechanism, period: str, lines: list[str]) -> float:
    """Rules PAY-CHARGE-IN-FORCE, PAY-INDEX-ANNUAL and PAY-INDEX: the month's charge, with its line."""
    base_charge, since = charge_in_force(period, mechanism=mechanism)
    base = format_money(base_charge)
    if since is not None:
        base = f"{base} (the charge in force from {_month_name(since)})"
    if mechanism.index is None:
        lines.append(f"Charge {base}, not indexed (no index given).")
        return base_charge
    review = uprating_month(
        period, indexation_month=mechanism.indexation_month, effective_from=mechanism.effective_from
    )
    if review is None:
        lines.append(
            f"Charge {base}, not uprated yet: the indexed share is first uprated in "
            f"{_MONTHS[(mechanism.indexation_month or 1) - 1]} (the annual indexation month)."
        )
        return base_charge
    try:
        value, used = index_value_for(review, index=mechanism.index)
    except InputError as exc:
        # The field names the missing value itself, so no caller has to read the month out of the message.
        raise InputError(f"index.values.{review}", exc.message) from exc
    charge = float(
        indexed_charge(
            base_charge,
            indexed_share=mechanism.indexed_share,
            index_value=value,
            index_base=mechanism.index.base,
        )
    )
    late = "" if used == review else f" (no index value for {review}, so {used}'s value is used)"
    annual = (
        ""
        if mechanism.indexation_month is None
        else f" (uprated once a year: the index for {_month_name(review)}, the indexation month)"
    )
    lines.append(
        f"Charge {base} uprated: {_format_percent(mechanism.indexed_share)} indexed at "
        f"{float(value)}/{float(mechanism.index.base)}{late} → {format_money(charge)}{annual}."
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


# ------------------------------------------------------------------------------ rounded statement


@dataclass(frozen=True)
class RoundedAdjustment:
    """A late-failure adjustment in pounds and pence."""

    kpi: str
    period: str
    points: Decimal
    validated_on: str
    reason: str
    amount_gbp: Decimal
    line: str


@dataclass(frozen=True)
class RoundedPeriod:
    """A month of a statement in pounds and pence: every figure is rounded here once, half up to the penny,
    and payable = charge - deduction - adjustments of the rounded figures, so it adds up as printed."""

    period: str
    charge_gbp: Decimal
    points: Decimal
    relieved_points: Decimal
    deduction_before_cap_gbp: Decimal
    deduction_gbp: Decimal
    capped: bool
    adjustments: tuple[RoundedAdjustment, ...]
    adjustment_total_gbp: Decimal
    payable_gbp: Decimal
    lines: tuple[str, ...]
    provisional: tuple[str, ...]
    deemed_failed: tuple[str, ...]
    runs: Mapping[str, RunState]


@dataclass(frozen=True)
class RoundedStatement:
    periods: tuple[RoundedPeriod, ...]
    total_deduction_gbp: Decimal
    total_payable_gbp: Decimal


_FOUR_PLACES = Decimal("0.0001")


def rounded_period(period: PeriodStatement) -> RoundedPeriod:
    """Rule PAY-ROUNDING: one month in pounds and pence (see :class:`RoundedPeriod`).

    >>> m = Mechanism(100_000.0, 20, 3.0, (Band(21, 100, 1.0), Band(101, 200, 1.2), Band(201, None, 1.5)))
    >>> r = rounded_period(period_statement(m, PeriodInput("2024-04", points=120)))
    >>> (r.deduction_gbp, r.payable_gbp)
    (Decimal('312.00'), Decimal('99688.00'))
    """
    charge = pennies(period.charge)
    deduction = pennies(period.deduction)
    adjustments = tuple(
        RoundedAdjustment(
            kpi=a.adjustment.kpi,
            period=a.adjustment.period,
            points=Decimal(repr(float(a.adjustment.points))).quantize(_FOUR_PLACES),
            validated_on=a.adjustment.validated_on,
            reason=a.adjustment.reason,
            amount_gbp=pennies(a.amount),
            line=a.line,
        )
        for a in period.adjustments
    )
    adjustment_total = sum((a.amount_gbp for a in adjustments), Decimal(0))
    return RoundedPeriod(
        period=period.period,
        charge_gbp=charge,
        points=Decimal(repr(float(period.points))).quantize(_FOUR_PLACES),
        relieved_points=Decimal(repr(float(period.relieved_points))).quantize(_FOUR_PLACES),
        deduction_before_cap_gbp=pennies(period.deduction_before_cap),
        deduction_gbp=deduction,
        capped=period.capped,
        adjustments=adjustments,
        adjustment_total_gbp=adjustment_total,
        payable_gbp=charge - deduction - adjustment_total,
        lines=period.lines,
        provisional=period.provisional,
        deemed_failed=period.deemed_failed,
        runs=dict(period.runs or {}),
    )


def rounded_statement(statement: Statement) -> RoundedStatement:
    """Rule PAY-ROUNDING for a whole statement: each month rounded once (:func:`rounded_period`) and the
    totals summed from the rounded months, so the statement adds up to the penny as printed."""
    periods = tuple(rounded_period(p) for p in statement.periods)
    return RoundedStatement(
        periods=periods,
        total_deduction_gbp=sum((p.deduction_gbp + p.adjustment_total_gbp for p in periods), Decimal(0)),
        total_payable_gbp=sum((p.payable_gbp for p in periods), Decimal(0)),
    )


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
