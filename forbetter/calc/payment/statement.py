"""The payment statement: :func:`period_statement` applies the PAY rules to one month in order (charge,
relief, ratchet, bands, cap, payable) and writes a plain-English explanation line for each step;
:func:`payment_statement` does it for several months with totals. The figures in the explanation lines are
rounded half up to the penny (:func:`pennies`) and shown with a £ sign (:func:`format_money`), so that the
lines agree with the rounded figures a statement shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from forbetter.calc.errors import InputError
from forbetter.calc.payment.mechanism import Band, Mechanism, PeriodInput
from forbetter.calc.payment.rules import (
    capped_deduction,
    deduction_from_points,
    failure_runs,
    index_value_for,
    indexed_charge,
    payable,
    points_by_band,
    ratchet_multiplier,
    unrelieved_points_by_kpi,
)

_PENNY = Decimal("0.01")
_EN_DASH = "\u2013"  # point ranges in explanation lines are typeset "21 to 100" with an en dash


# ---------------------------------------------------------------------------------------- value types


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
