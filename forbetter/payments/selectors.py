"""Reads for payment pages, each in a fixed number of queries whatever the number of KPIs and months.

Approved statements show the figures frozen when they were approved. Drafts are recomputed from the
validated returns every time (through :mod:`forbetter.payments.adapters`), so a late validation or a new
relief event shows up until the council approves.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Prefetch, QuerySet

from forbetter.calc.errors import InputError
from forbetter.calc.payment import GainshareResult
from forbetter.partnerships.models import Partnership
from forbetter.payments import adapters
from forbetter.payments.adapters import Figures, MonthInput
from forbetter.payments.models import (
    GainshareYear,
    PaymentMechanism,
    PaymentStatement,
    ReliefEvent,
    Responsibility,
    StatementItem,
    StatementStatus,
)
from forbetter.performance.models import Kpi, KpiReturn, KpiState, ReturnStatus
from forbetter.performance.periods import MONTHS_IN, is_period_start, months


def mechanism_of(partnership: Partnership) -> PaymentMechanism | None:
    """The partnership's mechanism with its bands, index values, share bands and gainshare years."""
    return (
        PaymentMechanism.objects.filter(partnership=partnership)
        .prefetch_related("bands", "index_values", "share_bands", "gainshare_years")
        .first()
    )


@dataclass(frozen=True)
class Item:
    """A failing KPI in a statement: its value, the points it earns and whether relief excused it."""

    kpi_id: int
    label: str
    value: Decimal
    target: Decimal
    unit: str
    points: int
    relieved: bool
    reason: str


@dataclass
class StatementView:
    statement: PaymentStatement
    figures: Figures | None
    items: list[Item] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    error: str = ""


def _frozen(statement: PaymentStatement) -> StatementView:
    items = [
        Item(i.kpi_id, i.kpi_label, i.value, i.target, i.kpi.unit, i.points, i.relieved, i.relief_reason)
        for i in statement.items.all()
    ]
    return StatementView(statement, _figures_of(statement), items)


@dataclass
class Computation:
    """Draft figures by month, the failures each rests on, or the engine's complaint."""

    figures: dict[dt.date, Figures]
    inputs: dict[dt.date, MonthInput]
    error: str = ""


def compute_months(
    partnership: Partnership, mechanism: PaymentMechanism | None, wanted: Sequence[dt.date]
) -> Computation:
    """Statement figures for the wanted months from validated returns (three queries).

    The engine runs over every month from the mechanism's first month to the last wanted month, so the
    ratchet sees the whole run of failures.
    """
    if mechanism is None:
        return Computation({}, {}, "No payment mechanism has been set up for this partnership")
    wanted = [m for m in wanted if m >= mechanism.effective_from]
    if not wanted:
        return Computation({}, {})
    span = list(months(mechanism.effective_from, max(wanted)))
    kpis = list(Kpi.objects.filter(partnership=partnership))
    validated = KpiReturn.objects.filter(
        kpi__partnership=partnership,
        status=ReturnStatus.VALIDATED,
        period__gte=span[0] - relativedelta(months=11),
        period__lte=span[-1],
    ).order_by("period")
    reliefs = {
        (kpi_id, month): reason
        for kpi_id, month, reason in ReliefEvent.objects.filter(
            partnership=partnership, month__gte=span[0], month__lte=span[-1]
        ).values_list("kpi_id", "month", "reason")
    }
    inputs = adapters.month_inputs(span, kpis=kpis, validated=list(validated), reliefs=reliefs)
    try:
        engine_mechanism = adapters.engine_mechanism(
            mechanism, list(mechanism.bands.all()), list(mechanism.index_values.all())
        )
        computed = adapters.compute(engine_mechanism, inputs)
    except InputError as error:
        return Computation({}, {}, _explain(error, span))
    return Computation(
        {m: computed[m] for m in wanted}, {i.month: i for i in inputs if i.month in set(wanted)}
    )


def _explain(error: InputError, span: Sequence[dt.date]) -> str:
    """The engine's complaint in words, with the month it concerns rather than its position."""
    match = re.search(r"periods\[(\d+)\]", f"{error.field} {error.message}")
    month = f" ({span[int(match.group(1))]:%B %Y})" if match and int(match.group(1)) < len(span) else ""
    message = re.sub(r"\s*\(periods\[\d+\]\)", "", error.message)
    if error.field.startswith("index"):
        return (
            f"The statement cannot be worked out: {message}{month}. "
            "Add the index values on the mechanism's index page."
        )
    return f"The statement cannot be worked out: {error.field}: {message}{month}."


def _items(month_input: MonthInput | None) -> list[Item]:
    if month_input is None:
        return []
    return [
        Item(
            f.kpi.pk,
            adapters.kpi_label(f.kpi),
            f.value,
            f.kpi.target,
            f.kpi.unit,
            f.points,
            f.relief is not None,
            f.relief.reason if f.relief else "",
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


def _figures_of(statement: PaymentStatement) -> Figures:
    return Figures(
        charge_gbp=statement.charge_gbp or Decimal(0),
        points=statement.points or Decimal(0),
        relieved_points=statement.relieved_points or Decimal(0),
        deduction_before_cap_gbp=statement.deduction_before_cap_gbp or Decimal(0),
        deduction_gbp=statement.deduction_gbp or Decimal(0),
        capped=bool(statement.capped),
        payable_gbp=statement.payable_gbp or Decimal(0),
        lines=tuple(statement.lines),
    )


def _before_start(mechanism: PaymentMechanism | None, month: dt.date) -> str:
    if mechanism is not None and month < mechanism.effective_from:
        return f"The mechanism pays from {mechanism.effective_from:%B %Y}; this month is before it"
    return ""


def statement_view(partnership: Partnership, statement: PaymentStatement) -> StatementView:
    """One statement with its failing KPIs; for a draft, also the KPIs whose value does not count yet."""
    if statement.frozen:
        statement = PaymentStatement.objects.prefetch_related(
            Prefetch("items", queryset=StatementItem.objects.select_related("kpi"))
        ).get(pk=statement.pk)
        return _frozen(statement)
    mechanism = mechanism_of(partnership)
    computation = compute_months(partnership, mechanism, [statement.month])
    return StatementView(
        statement,
        computation.figures.get(statement.month),
        _items(computation.inputs.get(statement.month)),
        pending=pending_returns(partnership, statement.month),
        error=computation.error or _before_start(mechanism, statement.month),
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
    result: GainshareResult | None


def gainshare_lines(mechanism: PaymentMechanism) -> list[GainshareLine]:
    bands = list(mechanism.share_bands.all())
    return [
        GainshareLine(year, adapters.gainshare(mechanism, bands, actual_cost_gbp=year.actual_cost_gbp))
        for year in mechanism.gainshare_years.all()
    ]


def reliefs_of(partnership: Partnership) -> QuerySet[ReliefEvent]:
    return ReliefEvent.objects.filter(partnership=partnership).select_related("kpi", "approved_by")


def responsibilities_of(partnership: Partnership) -> QuerySet[Responsibility]:
    return Responsibility.objects.filter(partnership=partnership)
