"""The one place where payment records (Decimal) become engine inputs (float) and results come back.

A month's statement is worked out by :func:`forbetter.calc.payment.payment_statement` from:

- the mechanism (charge, index, threshold, bands, cap, ratchet);
- each KPI assessed in the month whose *validated* value fails (rule KPI-STATUS: status Failed) earning
  the KPI's severity points, relieved when a relief event covers that KPI and month.

Months run consecutively from the mechanism's first month so the ratchet counts runs of failure exactly.
Money comes back rounded half up to the penny, as on the command line: payable = charge - deduction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from forbetter.calc import payment as engine
from forbetter.calc.errors import InputError
from forbetter.calc.payment import pennies
from forbetter.calc.performance import Status
from forbetter.payments.models import DeductionBand, IndexValue, PaymentMechanism, ShareBand, ShareKind
from forbetter.performance.adapters import kpi_statuses
from forbetter.performance.models import Kpi, KpiReturn
from forbetter.performance.periods import last_month_of, month_key

FOUR_PLACES = Decimal("0.0001")


def kpi_label(kpi: Kpi) -> str:
    return f"{kpi.reference} {kpi.name}"


def engine_bands(bands: Iterable[DeductionBand]) -> tuple[engine.Band, ...]:
    return tuple(engine.Band(b.from_point, b.to_point, float(b.multiplier)) for b in bands)


def engine_mechanism(
    mechanism: PaymentMechanism, bands: Sequence[DeductionBand], index_values: Sequence[IndexValue]
) -> engine.Mechanism:
    """The engine's mechanism; :class:`InputError` names what is missing or wrong."""
    index = None
    if mechanism.index_base is not None and float(mechanism.indexed_share) > 0:
        index = engine.Index(
            base=float(mechanism.index_base),
            values={month_key(v.month): float(v.value) for v in index_values},
        )
    ratchet = None
    if mechanism.ratchet_consecutive and mechanism.ratchet_multiplier is not None:
        ratchet = engine.Ratchet(mechanism.ratchet_consecutive, float(mechanism.ratchet_multiplier))
    return engine.Mechanism(
        monthly_charge=float(mechanism.monthly_charge_gbp),
        threshold=mechanism.points_threshold,
        point_value=float(mechanism.point_value_gbp),
        bands=engine_bands(bands),
        indexed_share=float(mechanism.indexed_share) if index is not None else 0.0,
        index=index,
        cap=None if mechanism.cap is None else float(mechanism.cap),
        ratchet=ratchet,
    )


@dataclass(frozen=True)
class Relief:
    reason: str


@dataclass(frozen=True)
class MonthFailure:
    """A KPI whose validated value failed in the month: the points it earns and any relief."""

    kpi: Kpi
    value: Decimal
    points: int
    relief: Relief | None


@dataclass
class MonthInput:
    month: dt.date
    failures: list[MonthFailure] = field(default_factory=list)


def month_inputs(
    months: Sequence[dt.date],
    *,
    kpis: Iterable[Kpi],
    validated: Iterable[KpiReturn],
    reliefs: dict[tuple[int, dt.date], str],
) -> list[MonthInput]:
    """Each month's failures from the validated returns, in KPI reference order.

    A return counts in the last month of its period (a quarterly KPI is assessed in the quarter's third
    month). Only a status of Failed earns points; approaching target does not.
    """
    by_kpi: dict[int, list[KpiReturn]] = {}
    for record in validated:
        by_kpi.setdefault(record.kpi_id, []).append(record)
    inputs = {month: MonthInput(month) for month in months}
    for kpi in sorted(kpis, key=lambda k: k.reference):
        records = by_kpi.get(kpi.pk, [])
        if not records or kpi.severity_points == 0:
            continue
        for record, status in zip(records, kpi_statuses(kpi, [r.value for r in records]), strict=True):
            month = last_month_of(record.period, kpi.frequency)
            if status != Status.FAILED or month not in inputs:
                continue
            reason = reliefs.get((kpi.pk, month))
            inputs[month].failures.append(
                MonthFailure(
                    kpi=kpi,
                    value=record.value,
                    points=kpi.severity_points,
                    relief=Relief(reason) if reason is not None else None,
                )
            )
    return [inputs[month] for month in months]


def engine_period(month: MonthInput) -> engine.PeriodInput:
    return engine.PeriodInput(
        month_key(month.month),
        failures=tuple(
            engine.Failure(
                kpi=kpi_label(f.kpi),
                points=float(f.points),
                relief=f.relief is not None,
                reason=f.relief.reason if f.relief else "",
            )
            for f in month.failures
        ),
    )


@dataclass(frozen=True)
class Figures:
    """A month's statement in pounds and pence, with the engine's explanation lines."""

    charge_gbp: Decimal
    points: Decimal
    relieved_points: Decimal
    deduction_before_cap_gbp: Decimal
    deduction_gbp: Decimal
    capped: bool
    payable_gbp: Decimal
    lines: tuple[str, ...]


def figures(period: engine.PeriodStatement) -> Figures:
    charge = pennies(period.charge)
    deduction = pennies(period.deduction)
    return Figures(
        charge_gbp=charge,
        points=Decimal(repr(period.points)).quantize(FOUR_PLACES),
        relieved_points=Decimal(repr(period.relieved_points)).quantize(FOUR_PLACES),
        deduction_before_cap_gbp=pennies(period.deduction_before_cap),
        deduction_gbp=deduction,
        capped=period.capped,
        payable_gbp=charge - deduction,
        lines=period.lines,
    )


def compute(mechanism: engine.Mechanism, inputs: Sequence[MonthInput]) -> dict[dt.date, Figures]:
    """The statement figures of every month given (consecutive months, oldest first)."""
    statement = engine.payment_statement(mechanism, [engine_period(month) for month in inputs])
    return {month.month: figures(period) for month, period in zip(inputs, statement.periods, strict=True)}


def engine_share_bands(bands: Iterable[ShareBand], kind: str) -> list[engine.ShareBand]:
    return [
        engine.ShareBand(
            float(b.from_gbp), None if b.to_gbp is None else float(b.to_gbp), float(b.council_share)
        )
        for b in bands
        if b.kind == kind
    ]


def gainshare(
    mechanism: PaymentMechanism, bands: Sequence[ShareBand], *, actual_cost_gbp: Decimal
) -> engine.GainshareResult | None:
    """Rule PAY-GAINSHARE for a year's actual cost against the baseline, or None if there is no baseline
    or no gainshare bands."""
    gain = engine_share_bands(bands, ShareKind.GAIN)
    if mechanism.gainshare_baseline_gbp is None or not gain:
        return None
    pain = engine_share_bands(bands, ShareKind.PAIN)
    return engine.gainshare(
        baseline_gbp=float(mechanism.gainshare_baseline_gbp),
        actual_gbp=float(actual_cost_gbp),
        gain_bands=gain,
        pain_bands=pain or None,
    )


__all__ = ["InputError", "compute", "engine_mechanism", "gainshare", "month_inputs"]
