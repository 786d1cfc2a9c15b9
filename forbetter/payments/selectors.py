"""Reads for payment pages, each in a fixed number of queries whatever the number of KPIs and months.

Approved statements show the figures frozen when they were approved. A draft is worked out from the
validated returns each time it is shown (through :mod:`forbetter.payments.adapters`), starting from the
ratchet state stored when the last month before it was approved (issue 9 item 11): the months before that
are never recomputed. Failures of frozen months that became known later (validated late, or relief
withdrawn) are found in one query and deducted in the drafts after them (rule PAY-LATE-ADJUSTMENT).
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum

from forbetter.calc import payment as engine
from forbetter.calc.errors import InputError
from forbetter.partnerships.models import Partnership
from forbetter.payments import adapters
from forbetter.payments.adapters import AdjustmentView, Figures, LateFailure, MonthInput
from forbetter.payments.models import (
    GainshareYear,
    PaymentMechanism,
    PaymentStatement,
    RatchetRun,
    ReliefEvent,
    Responsibility,
    StatementAdjustment,
    StatementItem,
    StatementStatus,
)
from forbetter.performance.adapters import Status, status_of
from forbetter.performance.models import Frequency, Kpi, KpiReturn, KpiState, ReturnStatus
from forbetter.performance.periods import MONTHS_IN, is_period_start, last_month_of, months, parse_month
from forbetter.performance.targets import target_in_force


def mechanism_of(partnership: Partnership) -> PaymentMechanism | None:
    """The partnership's mechanism with its bands, index values, charge changes, share bands and
    gainshare years."""
    return (
        PaymentMechanism.objects.filter(partnership=partnership)
        .prefetch_related("bands", "index_values", "charge_changes", "share_bands", "gainshare_years")
        .first()
    )


@dataclass(frozen=True)
class Item:
    """A failing KPI in a statement: its value (None: no validated value, treated as failed), the points it
    earns and whether relief excused it."""

    kpi_id: int
    label: str
    value: Decimal | None
    target: Decimal
    unit: str
    points: int
    relieved: bool
    reason: str
    deemed: bool = False


@dataclass
class StatementView:
    statement: PaymentStatement
    figures: Figures | None
    items: list[Item] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    error: str = ""
    runs: dict[int, engine.RunState] = field(default_factory=dict)


def _frozen(statement: PaymentStatement) -> StatementView:
    items = [
        Item(
            i.kpi_id,
            i.kpi_label,
            i.value,
            i.target,
            i.kpi.unit,
            i.points,
            i.relieved,
            i.relief_reason,
            i.deemed,
        )
        for i in statement.items.all()
    ]
    return StatementView(statement, _figures_of(statement, list(statement.adjustments.all())), items)


@dataclass
class Computation:
    """Draft figures by month, the failures each rests on, each month's closing ratchet state (by KPI id),
    or the engine's complaint."""

    figures: dict[dt.date, Figures]
    inputs: dict[dt.date, MonthInput]
    error: str = ""
    runs: dict[dt.date, dict[int, engine.RunState]] = field(default_factory=dict)


def compute_months(
    partnership: Partnership,
    mechanism: PaymentMechanism | None,
    wanted: Sequence[dt.date],
    *,
    from_start: bool = False,
) -> Computation:
    """Statement figures for the wanted months from validated returns, in a fixed number of queries.

    The engine starts from the ratchet state stored when the latest month approved before the first wanted
    month was approved, and runs to the last wanted month; with no such month (or ``from_start``, the old
    path kept for checks and the benchmark) it runs from the mechanism's first month.
    """
    if mechanism is None:
        return Computation({}, {}, "No payment mechanism has been set up for this partnership")
    wanted = sorted(m for m in wanted if m >= mechanism.effective_from)
    if not wanted:
        return Computation({}, {})
    first, opening = mechanism.effective_from, None
    if not from_start:
        anchor = (
            PaymentStatement.objects.filter(
                partnership=partnership,
                status=StatementStatus.APPROVED,
                runs_stored=True,
                month__lt=wanted[0],
                month__gte=mechanism.effective_from,
            )
            .order_by("-month")
            .only("pk", "month")
            .first()
        )
        # Always one query for the stored runs (none when there is no anchor), so the count stays fixed.
        stored = RatchetRun.objects.filter(statement_id=anchor.pk if anchor else None).select_related("kpi")
        runs = [(r.kpi, r.run, r.last_period) for r in stored]
        if anchor is not None:
            first = anchor.month + relativedelta(months=1)
            opening = adapters.opening_runs(runs)
    span = list(months(first, wanted[-1]))
    kpis = list(Kpi.objects.filter(partnership=partnership).prefetch_related("targets"))
    returns = KpiReturn.objects.filter(
        kpi__partnership=partnership,
        period__gte=span[0] - relativedelta(months=11),
        period__lte=span[-1],
    ).only("kpi_id", "period", "status", "value")
    reliefs = {
        (kpi_id, month): reason
        for kpi_id, month, reason in ReliefEvent.objects.filter(
            partnership=partnership, month__gte=span[0], month__lte=span[-1], withdrawn_at__isnull=True
        ).values_list("kpi_id", "month", "reason")
    }
    inputs = adapters.month_inputs(span, kpis=kpis, returns=list(returns), reliefs=reliefs)
    late = late_failures(partnership, kpis)
    for month_input in inputs:
        if month_input.month in set(wanted):
            month_input.late = [item for item in late if item.original_month < month_input.month]
    try:
        computed = adapters.compute(adapters.stored_engine_mechanism(mechanism), inputs, opening=opening)
    except InputError as error:
        return Computation({}, {}, _explain(error, span))
    ids = {adapters.kpi_label(kpi): kpi.pk for kpi in kpis}
    by_month = {i.month: i for i in inputs}
    return Computation(
        {m: adapters.figures(computed[m], by_month[m].late) for m in wanted},
        {m: by_month[m] for m in wanted},
        runs={m: {ids[k]: state for k, state in computed[m].runs.items() if k in ids} for m in wanted},
    )


_PERIOD_FIELD = re.compile(r"^periods\[(\d+)\]\.")


def _explain(error: InputError, span: Sequence[dt.date]) -> str:
    """The engine's complaint in words, naming the month from the field it concerns (never the message)."""
    if error.field.startswith("index.values."):
        month = parse_month(error.field.removeprefix("index.values."))
        return (
            f"The statement cannot be worked out: {error.message} ({month:%B %Y}). "
            "Add the index values on the mechanism's index page."
        )
    match = _PERIOD_FIELD.match(error.field)
    if match and int(match.group(1)) < len(span):
        where = span[int(match.group(1))]
        return f"The statement cannot be worked out for {where:%B %Y}: {error.field}: {error.message}."
    return f"The statement cannot be worked out: {error.field}: {error.message}."


# Rule PAY-LATE-ADJUSTMENT needs "the statement of the month the KPI's period is assessed in". A period is
# stored as its first day; its last month starts 0 days (monthly), 59-62 days (quarterly) or 334-335 days
# (annual) later, so each frequency matches statements in a window of days that holds exactly that month.
_ASSESSED_WITHIN = {
    Frequency.MONTHLY: (None, None),
    Frequency.QUARTERLY: (58, 63),
    Frequency.ANNUAL: (333, 336),
}


def _assessed_in(field_name: str, frequency: str, period: OuterRef) -> Q:
    after, before = _ASSESSED_WITHIN[Frequency(frequency)]
    if after is None or before is None:
        return Q(**{field_name: period})
    return Q(
        **{
            f"{field_name}__gt": period + dt.timedelta(days=after),
            f"{field_name}__lt": period + dt.timedelta(days=before),
        }
    )


def late_failures(partnership: Partnership, kpis: Sequence[Kpi]) -> list[LateFailure]:
    """Rule PAY-LATE-ADJUSTMENT: failures of frozen months not counted when they were frozen and not yet
    deducted by a later approved statement, oldest month first (four queries).

    Two ways a failure becomes known late: a return validated (as failed against the target in force) after
    its month's statement was approved, when the frozen statement did not count it; or a relief event
    withdrawn after the month was approved, when the frozen statement had excused the failure.
    """
    period = OuterRef("period")
    approved = {"status": StatementStatus.APPROVED}
    conditions = []
    for frequency in Frequency.values:
        frozen = PaymentStatement.objects.filter(
            _assessed_in("month", frequency, period),
            partnership=partnership,
            approved_at__lt=OuterRef("reviewed_at"),
            **approved,
        )
        counted = StatementItem.objects.filter(
            _assessed_in("statement__month", frequency, period),
            statement__partnership=partnership,
            statement__status=StatementStatus.APPROVED,
            kpi=OuterRef("kpi"),
            relieved=False,
        )
        settled = StatementAdjustment.objects.filter(
            _assessed_in("original_month", frequency, period),
            statement__status=StatementStatus.APPROVED,
            kpi=OuterRef("kpi"),
        )
        relieved = ReliefEvent.objects.filter(
            _assessed_in("month", frequency, period), kpi=OuterRef("kpi"), withdrawn_at__isnull=True
        )
        conditions.append(
            Q(kpi__frequency=frequency)
            & Exists(frozen)
            & ~Exists(counted)
            & ~Exists(settled)
            & ~Exists(relieved)
        )
    by_id = {kpi.pk: kpi for kpi in kpis}
    found: list[tuple[Kpi, dt.date, Decimal | None, dt.date, str, int]] = []
    for record in KpiReturn.objects.filter(
        reduce(operator.or_, conditions),
        kpi__partnership=partnership,
        kpi__severity_points__gt=0,
        status=ReturnStatus.VALIDATED,
    ).only("kpi_id", "period", "value", "reviewed_at"):
        kpi = by_id[record.kpi_id]
        if status_of(kpi, record.value, record.period) == Status.FAILED and record.reviewed_at is not None:
            found.append(
                (
                    kpi,
                    last_month_of(record.period, kpi.frequency),
                    record.value,
                    record.reviewed_at.date(),
                    "validated after the month's statement was approved",
                    kpi.severity_points,
                )
            )
    excused = StatementItem.objects.filter(
        statement__partnership=partnership,
        statement__status=StatementStatus.APPROVED,
        statement__month=OuterRef("month"),
        statement__approved_at__lt=OuterRef("withdrawn_at"),
        kpi=OuterRef("kpi"),
        relieved=True,
    )
    withdrawn = (
        ReliefEvent.objects.annotate(excused_points=Subquery(excused.values("points")[:1]))
        .filter(
            Exists(excused),
            ~Exists(
                StatementAdjustment.objects.filter(
                    statement__status=StatementStatus.APPROVED,
                    kpi=OuterRef("kpi"),
                    original_month=OuterRef("month"),
                )
            ),
            ~Exists(
                ReliefEvent.objects.filter(
                    kpi=OuterRef("kpi"), month=OuterRef("month"), withdrawn_at__isnull=True
                )
            ),
            partnership=partnership,
            withdrawn_at__isnull=False,
        )
        .only("kpi_id", "month", "withdrawn_at", "withdrawal_reason")
    )
    for relief in withdrawn:
        kpi = by_id[relief.kpi_id]
        assert relief.withdrawn_at is not None
        found.append(
            (
                kpi,
                relief.month,
                None,
                relief.withdrawn_at.date(),
                f"relief withdrawn: {relief.withdrawal_reason}",
                relief.excused_points,
            )
        )
    frozen_months = {
        month: (points, deduction, charge)
        for month, points, deduction, charge in PaymentStatement.objects.filter(
            partnership=partnership, status=StatementStatus.APPROVED
        ).values_list("month", "points", "deduction_gbp", "charge_gbp")
    }
    settled_by_month = {
        row["original_month"]: (row["points"], row["amount"])
        for row in StatementAdjustment.objects.filter(
            statement__partnership=partnership, statement__status=StatementStatus.APPROVED
        )
        .values("original_month")
        .annotate(points=Sum("points"), amount=Sum("amount_gbp"))
    }
    late = []
    for kpi, month, value, known_on, reason, failure_points in sorted(
        found, key=lambda f: (f[1], f[0].reference)
    ):
        if month not in frozen_months:
            continue
        points, deduction, charge = frozen_months[month]
        settled_points, settled_amount = settled_by_month.get(month, (Decimal(0), Decimal(0)))
        late.append(
            LateFailure(
                kpi=kpi,
                original_month=month,
                value=value,
                points=failure_points,
                known_on=known_on,
                reason=reason,
                month_points=(points or Decimal(0)) + settled_points,
                month_deduction_gbp=(deduction or Decimal(0)) + settled_amount,
                month_charge_gbp=charge or Decimal(0),
            )
        )
    return late


def failure_items(month_input: MonthInput | None) -> list[Item]:
    """The failing KPIs of a computed month as a statement lists them (approval freezes these)."""
    if month_input is None:
        return []
    return [
        Item(
            f.kpi.pk,
            adapters.kpi_label(f.kpi),
            f.value,
            f.target,
            f.kpi.unit,
            f.points,
            f.relief is not None,
            f.relief.reason if f.relief else "",
            f.deemed,
        )
        for f in month_input.failures
    ]


def statements_for(partnership: Partnership, *, partner_view: bool) -> QuerySet[PaymentStatement]:
    statements = PaymentStatement.objects.filter(partnership=partnership).select_related("approved_by")
    if partner_view:
        statements = statements.filter(status=StatementStatus.APPROVED)
    return statements.order_by("-month")


def statement_views(
    partnership: Partnership, mechanism: PaymentMechanism | None, statements: Sequence[PaymentStatement]
) -> list[StatementView]:
    """Views of a page of statements: frozen figures for approved ones, one computation for all drafts."""
    drafts = [s.month for s in statements if not s.frozen]
    computation = compute_months(partnership, mechanism, drafts) if drafts else Computation({}, {})
    views = []
    for statement in statements:
        if statement.frozen:
            views.append(StatementView(statement, _figures_of(statement)))
        else:
            views.append(
                StatementView(
                    statement,
                    computation.figures.get(statement.month),
                    error=computation.error or _before_start(mechanism, statement.month),
                )
            )
    return views


def _figures_of(statement: PaymentStatement, adjustments: Sequence[StatementAdjustment] = ()) -> Figures:
    return Figures(
        charge_gbp=statement.charge_gbp or Decimal(0),
        points=statement.points or Decimal(0),
        relieved_points=statement.relieved_points or Decimal(0),
        deduction_before_cap_gbp=statement.deduction_before_cap_gbp or Decimal(0),
        deduction_gbp=statement.deduction_gbp or Decimal(0),
        capped=bool(statement.capped),
        payable_gbp=statement.payable_gbp or Decimal(0),
        lines=tuple(statement.lines),
        adjustment_total_gbp=statement.adjustment_total_gbp or Decimal(0),
        adjustments=tuple(
            AdjustmentView(
                kpi_id=a.kpi_id,
                label=a.kpi_label,
                original_month=a.original_month,
                points=a.points,
                amount_gbp=a.amount_gbp,
                known_on=a.validated_on,
                reason=a.reason,
                line=a.line,
            )
            for a in adjustments
        ),
    )


def _before_start(mechanism: PaymentMechanism | None, month: dt.date) -> str:
    if mechanism is not None and month < mechanism.effective_from:
        return f"The mechanism pays from {mechanism.effective_from:%B %Y}; this month is before it"
    return ""


def statement_view(partnership: Partnership, statement: PaymentStatement) -> StatementView:
    """One statement with its failing KPIs and adjustments; for a draft, also the KPIs whose value does not
    count yet and the ratchet state an approval stores."""
    if statement.frozen:
        statement = (
            PaymentStatement.objects.select_related("override_by", "approved_by")
            .prefetch_related(
                Prefetch("items", queryset=StatementItem.objects.select_related("kpi")), "adjustments"
            )
            .get(pk=statement.pk)
        )
        return _frozen(statement)
    mechanism = mechanism_of(partnership)
    computation = compute_months(partnership, mechanism, [statement.month])
    items = failure_items(computation.inputs.get(statement.month))
    month_input = computation.inputs.get(statement.month)
    if month_input is not None and mechanism is not None and mechanism.missing_return_rule == "fail":
        items += [
            Item(
                m.kpi.pk,
                adapters.kpi_label(m.kpi),
                None,
                target_in_force(m.kpi, statement.month).target,
                m.kpi.unit,
                m.kpi.severity_points,
                False,
                "",
                deemed=True,
            )
            for m in month_input.missing
        ]
    return StatementView(
        statement,
        computation.figures.get(statement.month),
        items,
        pending=pending_returns(partnership, statement.month),
        error=computation.error or _before_start(mechanism, statement.month),
        runs=computation.runs.get(statement.month, {}),
    )


def pending_returns(partnership: Partnership, month: dt.date) -> list[str]:
    """KPIs assessed in ``month`` whose value does not count yet: not submitted, awaiting validation or
    disputed (two queries)."""
    kpis = list(Kpi.objects.filter(partnership=partnership, state=KpiState.ACTIVE))
    due = {}
    for kpi in kpis:
        start = month - relativedelta(months=MONTHS_IN[kpi.frequency] - 1)
        if is_period_start(start, kpi.frequency) and start >= kpi.first_period:
            due[kpi.pk] = (kpi, start)
    returns = {
        (r.kpi_id, r.period): r
        for r in KpiReturn.objects.filter(
            kpi_id__in=list(due), period__in={start for _, start in due.values()}
        ).only("kpi_id", "period", "status")
    }
    pending = []
    for kpi, start in sorted(due.values(), key=lambda pair: pair[0].reference):
        record = returns.get((kpi.pk, start))
        if record is None:
            pending.append(f"{adapters.kpi_label(kpi)}: no return submitted")
        elif record.status != ReturnStatus.VALIDATED:
            pending.append(f"{adapters.kpi_label(kpi)}: {record.get_status_display().lower()}")
    return pending


@dataclass(frozen=True)
class GainshareLine:
    year: GainshareYear
    result: adapters.Gainshare | None
    error: str = ""


def gainshare_lines(mechanism: PaymentMechanism) -> list[GainshareLine]:
    """Each year's gainshare against the baseline pro-rated and uprated for that year (rules
    PAY-GAINSHARE-BASELINE and PAY-GAINSHARE). No queries beyond the prefetched mechanism."""
    lines = []
    for year in mechanism.gainshare_years.all():
        try:
            result = adapters.gainshare(mechanism, year=year.year, actual_cost_gbp=year.actual_cost_gbp)
        except InputError as error:
            lines.append(GainshareLine(year, None, _explain(error, [])))
        else:
            lines.append(GainshareLine(year, result))
    return lines


def reliefs_of(partnership: Partnership) -> QuerySet[ReliefEvent]:
    return ReliefEvent.objects.filter(partnership=partnership).select_related(
        "kpi", "approved_by", "withdrawn_by"
    )


def responsibilities_of(partnership: Partnership) -> QuerySet[Responsibility]:
    return Responsibility.objects.filter(partnership=partnership)


def month_frozen(partnership: Partnership, month: dt.date) -> bool:
    """Whether the statement for ``month`` has been approved and frozen."""
    return PaymentStatement.objects.filter(
        partnership=partnership, month=month, status=StatementStatus.APPROVED
    ).exists()
