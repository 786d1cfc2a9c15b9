"""The one place where payment records (Decimal) become engine inputs (float) and results come back.

A month's statement is worked out by :func:`forbetter.calc.payment.payment_statement` from:

- the mechanism (:func:`engine_mechanism`, the only adapter from the stored mechanism to the engine: the
  mechanism form's checks and the statements both use it): charge and its dated changes, index and its
  annual uprating month, threshold and its scope, bands, cap, ratchet and the missing-return rule;
- each KPI assessed in the month whose *validated* value fails against the target in force for its period
  (rules KPI-STATUS and KPI-TARGET-IN-FORCE), earning the KPI's severity points, relieved when a relief event
  (not withdrawn) covers that KPI and month;
- the KPIs assessed in the month with no validated value (rule PAY-MISSING-RETURN);
- failures of frozen months that became known later (rule PAY-LATE-ADJUSTMENT).

Money comes back as the engine's rounded statement (:func:`forbetter.calc.payment.rounded_statement`), the
same figures the command line prints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from forbetter.calc import payment as engine
from forbetter.calc.errors import InputError
from forbetter.calc.performance import Status
from forbetter.payments.models import (
    ChargeChange,
    DeductionBand,
    IndexValue,
    PaymentMechanism,
    ShareBand,
    ShareKind,
)
from forbetter.performance.adapters import return_statuses
from forbetter.performance.models import Kpi, KpiReturn, KpiState, ReturnStatus
from forbetter.performance.periods import MONTHS_IN, is_period_start, last_month_of, month_key, months
from forbetter.performance.targets import target_in_force

FOUR_PLACES = Decimal("0.0001")


def kpi_label(kpi: Kpi) -> str:
    return f"{kpi.reference} {kpi.name}"


def engine_bands(bands: Iterable[DeductionBand]) -> tuple[engine.Band, ...]:
    return tuple(engine.Band(b.from_point, b.to_point, float(b.multiplier)) for b in bands)


def engine_mechanism(
    mechanism: PaymentMechanism,
    *,
    bands: Sequence[DeductionBand],
    index_values: Sequence[IndexValue] = (),
    charge_changes: Sequence[ChargeChange] = (),
) -> engine.Mechanism:
    """The engine's mechanism from the stored one; :class:`InputError` names what is missing or wrong.

    The indexed share is uprated in ``indexation_month``, or (left blank) in the anniversary month of the
    first month paid (rule PAY-INDEX-ANNUAL).
    """
    index = None
    if mechanism.index_base is not None and mechanism.indexed_share:
        index = engine.Index(
            base=float(mechanism.index_base),
            values={month_key(v.month): float(v.value) for v in index_values},
        )
    ratchet = None
    if mechanism.ratchet_consecutive and mechanism.ratchet_multiplier is not None:
        ratchet = engine.Ratchet(mechanism.ratchet_consecutive, float(mechanism.ratchet_multiplier))
    start = mechanism.effective_from
    return engine.Mechanism(
        monthly_charge=float(mechanism.monthly_charge_gbp),
        threshold=mechanism.points_threshold,
        point_value=float(mechanism.point_value_gbp),
        bands=engine_bands(bands),
        indexed_share=float(mechanism.indexed_share or 0),
        index=index,
        cap=None if mechanism.cap is None else float(mechanism.cap),
        ratchet=ratchet,
        indexation_month=mechanism.indexation_month or (start.month if start else None),
        effective_from=month_key(start) if start else None,
        charge_changes=tuple(
            engine.ChargeChange(month_key(c.effective_from), float(c.monthly_charge_gbp))
            for c in charge_changes
        ),
        threshold_scope=mechanism.threshold_scope,
        missing_rule=mechanism.missing_return_rule,
        missing_points=None
        if mechanism.missing_return_points is None
        else float(mechanism.missing_return_points),
    )


def stored_engine_mechanism(mechanism: PaymentMechanism) -> engine.Mechanism:
    """:func:`engine_mechanism` of a mechanism loaded with its bands, index values and charge changes
    prefetched (``selectors.mechanism_of``)."""
    return engine_mechanism(
        mechanism,
        bands=list(mechanism.bands.all()),
        index_values=list(mechanism.index_values.all()),
        charge_changes=list(mechanism.charge_changes.all()),
    )


@dataclass(frozen=True)
class Relief:
    reason: str


@dataclass(frozen=True)
class MonthFailure:
    """A KPI that failed in the month: its validated value (None when it has no validated value and the
    mechanism treats that as failed), the target in force, the points it earns and any relief."""

    kpi: Kpi
    value: Decimal | None
    target: Decimal
    points: int
    relief: Relief | None
    deemed: bool = False


@dataclass(frozen=True)
class MonthMissing:
    """A KPI assessed in the month with no validated value: why (not submitted, awaiting, disputed)."""

    kpi: Kpi
    reason: str


@dataclass(frozen=True)
class LateFailure:
    """A failure of a frozen month that became known after it was frozen, to be deducted now."""

    kpi: Kpi
    original_month: dt.date
    value: Decimal | None
    points: int
    known_on: dt.date
    reason: str
    month_points: Decimal
    month_deduction_gbp: Decimal
    month_charge_gbp: Decimal


@dataclass
class MonthInput:
    month: dt.date
    failures: list[MonthFailure] = field(default_factory=list)
    missing: list[MonthMissing] = field(default_factory=list)
    late: list[LateFailure] = field(default_factory=list)


def _due_start(kpi: Kpi, month: dt.date) -> dt.date | None:
    """The start of the KPI's period assessed in ``month`` (its last month), or None if none ends then."""
    start = month - relativedelta(months=MONTHS_IN[kpi.frequency] - 1)
    if not is_period_start(start, kpi.frequency) or start < kpi.first_period:
        return None
    return start


def month_inputs(
    months_wanted: Sequence[dt.date],
    *,
    kpis: Iterable[Kpi],
    returns: Iterable[KpiReturn],
    reliefs: Mapping[tuple[int, dt.date], str],
) -> list[MonthInput]:
    """Each month's failures and missing returns, in KPI reference order.

    A return counts in the last month of its period (a quarterly KPI is assessed in the quarter's third
    month). Only a validated value's status of Failed earns points; approaching target does not. A KPI in use
    that is assessed in a month and carries points, with no validated value, is missing (rule
    PAY-MISSING-RETURN decides what that does).
    """
    by_kpi: dict[int, list[KpiReturn]] = {}
    for record in returns:
        by_kpi.setdefault(record.kpi_id, []).append(record)
    inputs = {month: MonthInput(month) for month in months_wanted}
    for kpi in sorted(kpis, key=lambda k: k.reference):
        if kpi.severity_points == 0:
            continue
        records = by_kpi.get(kpi.pk, [])
        validated = [r for r in records if r.status == ReturnStatus.VALIDATED]
        for record, status in zip(validated, return_statuses(kpi, validated), strict=True):
            month = last_month_of(record.period, kpi.frequency)
            if status != Status.FAILED or month not in inputs:
                continue
            reason = reliefs.get((kpi.pk, month))
            inputs[month].failures.append(
                MonthFailure(
                    kpi=kpi,
                    value=record.value,
                    target=target_in_force(kpi, record.period).target,
                    points=kpi.severity_points,
                    relief=Relief(reason) if reason is not None else None,
                )
            )
        if kpi.state != KpiState.ACTIVE:
            continue
        by_period = {r.period: r for r in records}
        for month, month_input in inputs.items():
            start = _due_start(kpi, month)
            if start is None:
                continue
            due = by_period.get(start)
            if due is None:
                month_input.missing.append(MonthMissing(kpi, "no return submitted"))
            elif due.status != ReturnStatus.VALIDATED:
                month_input.missing.append(MonthMissing(kpi, due.get_status_display().lower()))
    return [inputs[month] for month in months_wanted]


def _period_months(kpi: Kpi) -> int:
    return MONTHS_IN[kpi.frequency]


def engine_period(month: MonthInput) -> engine.PeriodInput:
    return engine.PeriodInput(
        month_key(month.month),
        failures=tuple(
            engine.Failure(
                kpi=kpi_label(f.kpi),
                points=float(f.points),
                relief=f.relief is not None,
                reason=f.relief.reason if f.relief else "",
                period_months=_period_months(f.kpi),
            )
            for f in month.failures
        ),
        missing=tuple(
            engine.Missing(
                kpi=kpi_label(m.kpi),
                points=float(m.kpi.severity_points),
                reason=m.reason,
                period_months=_period_months(m.kpi),
            )
            for m in month.missing
        ),
        adjustments=tuple(
            engine.Adjustment(
                kpi=kpi_label(late.kpi),
                period=month_key(late.original_month),
                points=float(late.points),
                validated_on=late.known_on.isoformat(),
                month_points=float(late.month_points),
                month_deduction=float(late.month_deduction_gbp),
                month_charge=float(late.month_charge_gbp),
                reason=late.reason,
            )
            for late in month.late
            if late.original_month < month.month
        ),
    )


def opening_runs(runs: Iterable[tuple[Kpi, int, dt.date]]) -> dict[str, engine.RunState]:
    """The engine's ratchet state from rows stored on approval (KPI, run, last period)."""
    return {kpi_label(kpi): engine.RunState(run, month_key(last)) for kpi, run, last in runs}


def compute(
    mechanism: engine.Mechanism,
    inputs: Sequence[MonthInput],
    *,
    opening: Mapping[str, engine.RunState] | None = None,
) -> dict[dt.date, engine.RoundedPeriod]:
    """The rounded statement of every month given (consecutive months, oldest first), carrying the ratchet
    on from ``opening``."""
    statement = engine.payment_statement(
        mechanism, [engine_period(month) for month in inputs], opening=opening
    )
    rounded = engine.rounded_statement(statement)
    return {month.month: period for month, period in zip(inputs, rounded.periods, strict=True)}


@dataclass(frozen=True)
class AdjustmentView:
    """A late failure deducted in a statement, as the page shows it."""

    kpi_id: int
    label: str
    original_month: dt.date
    points: Decimal
    amount_gbp: Decimal
    known_on: dt.date
    reason: str
    line: str


@dataclass(frozen=True)
class Figures:
    """A month's statement in pounds and pence (from the engine's one rounding), with its lines."""

    charge_gbp: Decimal
    points: Decimal
    relieved_points: Decimal
    deduction_before_cap_gbp: Decimal
    deduction_gbp: Decimal
    capped: bool
    payable_gbp: Decimal
    lines: tuple[str, ...]
    adjustment_total_gbp: Decimal = Decimal(0)
    adjustments: tuple[AdjustmentView, ...] = ()


def figures(period: engine.RoundedPeriod, late: Sequence[LateFailure] = ()) -> Figures:
    """The page's figures of a computed month: exactly the engine's rounded figures."""
    by_key = {(kpi_label(item.kpi), month_key(item.original_month)): item for item in late}
    adjustments = []
    for a in period.adjustments:
        item = by_key[(a.kpi, a.period)]
        adjustments.append(
            AdjustmentView(
                kpi_id=item.kpi.pk,
                label=a.kpi,
                original_month=item.original_month,
                points=a.points,
                amount_gbp=a.amount_gbp,
                known_on=item.known_on,
                reason=a.reason,
                line=a.line,
            )
        )
    return Figures(
        charge_gbp=period.charge_gbp,
        points=period.points,
        relieved_points=period.relieved_points,
        deduction_before_cap_gbp=period.deduction_before_cap_gbp,
        deduction_gbp=period.deduction_gbp,
        capped=period.capped,
        payable_gbp=period.payable_gbp,
        lines=period.lines,
        adjustment_total_gbp=period.adjustment_total_gbp,
        adjustments=tuple(adjustments),
    )


def engine_share_bands(bands: Iterable[ShareBand], kind: str) -> list[engine.ShareBand]:
    return [
        engine.ShareBand(
            float(b.from_gbp), None if b.to_gbp is None else float(b.to_gbp), float(b.council_share)
        )
        for b in bands
        if b.kind == kind
    ]


@dataclass(frozen=True)
class Gainshare:
    """A year's gainshare: the baseline for the year (pro-rated and uprated) and the split."""

    baseline: engine.Baseline
    split: engine.GainshareResult

    @property
    def lines(self) -> tuple[str, ...]:
        return (self.baseline.line, *self.split.lines)


def gainshare(mechanism: PaymentMechanism, *, year: int, actual_cost_gbp: Decimal) -> Gainshare | None:
    """Rules PAY-GAINSHARE-BASELINE and PAY-GAINSHARE for a financial year (April to March) of actual cost:
    the annual baseline for the months of the year the mechanism paid for, uprated month by month like the
    charge, then split in bands. None if there is no baseline or no gainshare bands. The mechanism must have
    its bands, index values, charge changes and share bands prefetched."""
    shares = list(mechanism.share_bands.all())
    gain = engine_share_bands(shares, ShareKind.GAIN)
    if mechanism.gainshare_baseline_gbp is None or not gain:
        return None
    pain = engine_share_bands(shares, ShareKind.PAIN)
    calc_mechanism = stored_engine_mechanism(mechanism)
    covered = [
        m for m in months(dt.date(year, 4, 1), dt.date(year + 1, 3, 1)) if m >= mechanism.effective_from
    ]
    if not covered:
        raise InputError("year", f"the mechanism pays from {mechanism.effective_from:%B %Y}, after this year")
    factors = [engine.uprating_factor(month_key(m), mechanism=calc_mechanism) for m in covered]
    baseline = engine.gainshare_baseline(float(mechanism.gainshare_baseline_gbp), monthly_uprating=factors)
    result = engine.gainshare(
        baseline_gbp=baseline.baseline_gbp,
        actual_gbp=float(actual_cost_gbp),
        gain_bands=gain,
        pain_bands=pain or None,
    )
    return Gainshare(baseline, result)


__all__ = ["InputError", "compute", "engine_mechanism", "gainshare", "month_inputs"]
