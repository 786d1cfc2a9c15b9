"""Reads for the remedies pages, each in a fixed number of queries whatever the number of records.

Persistent breaches are found from the KPI returns the performance area holds: only validated returns count,
each judged met, approaching target or failed against the target in force for its period by the performance
area's own adapter (:func:`forbetter.performance.adapters.return_statuses`, rules KPI-STATUS and
KPI-TARGET-IN-FORCE), so a period failed here is exactly a period shown failed on the KPI's page. The rolling
window is :func:`forbetter.calc.remedies.persistent_breach`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from forbetter.calc import remedies as calc
from forbetter.calc.errors import InputError
from forbetter.calc.exit_costs import costliest_exit, exit_cost_table
from forbetter.partnerships.models import Partnership
from forbetter.performance.adapters import Status, return_statuses
from forbetter.performance.models import Kpi, KpiReturn, KpiState, KpiTarget, ReturnStatus
from forbetter.remedies.models import (
    OPEN_PLAN_STATUSES,
    Dispute,
    ExitPlan,
    Intervention,
    InterventionKind,
    NoticeStatus,
    PlanAction,
    PlanStatus,
    RectificationPlan,
    RemedySettings,
    UnimprovedFailure,
    WarningNotice,
)
from forbetter.risks import adapters as risk_adapters
from forbetter.risks import selectors as risk_selectors
from forbetter.risks.charts import pounds
from forbetter.risks.models import ExitRoute


def _today(today: dt.date | None) -> dt.date:
    return today or dt.date.today()


# ------------------------------------------------------------------------------------------------------
# Thresholds and persistent breaches
# ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Threshold:
    failures: int
    window: int
    own: bool
    """Whether the partnership set its own (else the defaults apply)."""
    contract_clause: str = ""


def threshold(partnership: Partnership) -> Threshold:
    row = RemedySettings.objects.filter(partnership=partnership).first()
    if row is None:
        return Threshold(calc.DEFAULT_FAILURES, calc.DEFAULT_WINDOW, own=False)
    return Threshold(row.failures, row.window, own=True, contract_clause=row.contract_clause)


@dataclass
class BreachRow:
    """One KPI's periods in its latest window, what rule REMEDY-PERSISTENT finds, and what to consider."""

    kpi: Kpi
    window_returns: list[KpiReturn]
    window_statuses: list[Status]
    finding: calc.PersistentBreach
    first_breach_period: dt.date | None
    suggestion: calc.Suggestion
    advice: str

    @property
    def latest(self) -> int:
        return self.finding.latest

    @property
    def window_pairs(self) -> list[tuple[KpiReturn, Status]]:
        return list(zip(self.window_returns, self.window_statuses, strict=True))


@dataclass
class Breaches:
    threshold: Threshold
    rows: list[BreachRow]

    @property
    def in_breach(self) -> list[BreachRow]:
        return [row for row in self.rows if row.finding.in_breach]

    @property
    def ever(self) -> list[BreachRow]:
        """KPIs that reached the threshold at some time, in breach now or not."""
        return [row for row in self.rows if row.finding.ever_in_breach]

    @property
    def watch(self) -> list[BreachRow]:
        return [row for row in self.rows if row.suggestion == calc.Suggestion.WATCH]


def _open_remedies_by_kpi(partnership: Partnership, today: dt.date) -> dict[int, dict[str, bool]]:
    """For each KPI: whether an open warning notice names it (and its cure date has passed), whether an open
    rectification plan names it, whether a failed plan does (two queries)."""
    found: dict[int, dict[str, bool]] = defaultdict(dict)
    notices = WarningNotice.kpis.through.objects.filter(
        warningnotice__partnership=partnership, warningnotice__status=NoticeStatus.OPEN
    ).values_list("kpi_id", "warningnotice__remedy_by")
    for kpi_id, remedy_by in notices:
        found[kpi_id]["open_notice"] = True
        if remedy_by < today:
            found[kpi_id]["notice_cure_passed"] = True
    plans = RectificationPlan.kpis.through.objects.filter(
        rectificationplan__partnership=partnership
    ).values_list("kpi_id", "rectificationplan__status")
    for kpi_id, status in plans:
        if status in OPEN_PLAN_STATUSES:
            found[kpi_id]["open_plan"] = True
        elif status == PlanStatus.FAILED:
            found[kpi_id]["failed_plan"] = True
    return found


def persistent_breaches(
    partnership: Partnership, *, today: dt.date | None = None, advice: bool = True
) -> Breaches:
    """Rule REMEDY-PERSISTENT for every KPI in use, with rule REMEDY-ESCALATION's suggestion when ``advice``.

    The same queries run whether the partnership has KPIs or not (so the overview costs the same either way):
    the threshold, the KPIs, their target rows, their validated returns and, with ``advice``, the two
    lookups of open remedies naming them. The target rows are handed to each KPI as its prefetched
    ``targets``, which is what :func:`forbetter.performance.targets.target_history` reads.
    """
    today = _today(today)
    limit = threshold(partnership)
    kpis = list(Kpi.objects.filter(partnership=partnership, state=KpiState.ACTIVE).order_by("reference"))
    targets: dict[int, list[KpiTarget]] = defaultdict(list)
    for row in KpiTarget.objects.filter(kpi__partnership=partnership, kpi__state=KpiState.ACTIVE):
        targets[row.kpi_id].append(row)
    validated: dict[int, list[KpiReturn]] = defaultdict(list)
    returns_read = (
        KpiReturn.objects.filter(
            kpi__partnership=partnership, kpi__state=KpiState.ACTIVE, status=ReturnStatus.VALIDATED
        )
        .only("pk", "kpi_id", "period", "value")
        .order_by("kpi_id", "period")
    )
    for record in returns_read:
        validated[record.kpi_id].append(record)
    for kpi in kpis:
        kpi._prefetched_objects_cache = {"targets": targets[kpi.pk]}  # type: ignore[attr-defined]
    remedies = _open_remedies_by_kpi(partnership, today) if advice else {}
    rows = []
    for kpi in kpis:
        returns = validated[kpi.pk]
        if not returns:
            continue
        statuses = return_statuses(kpi, returns)
        finding = calc.persistent_breach(
            [status == Status.FAILED for status in statuses], failures=limit.failures, window=limit.window
        )
        suggestion, advice_text = calc.escalation(
            latest=finding.latest, failures=limit.failures, **remedies.get(kpi.pk, {})
        )
        for record in returns:
            record.kpi = kpi
        rows.append(
            BreachRow(
                kpi=kpi,
                window_returns=returns[-limit.window :],
                window_statuses=statuses[-limit.window :],
                finding=finding,
                first_breach_period=None
                if finding.first_breach is None
                else returns[finding.first_breach].period,
                suggestion=suggestion,
                advice=advice_text,
            )
        )
    rows.sort(
        key=lambda row: (
            not row.finding.in_breach,
            not row.finding.ever_in_breach,
            -row.latest,
            row.kpi.reference,
        )
    )
    return Breaches(limit, rows)


# ------------------------------------------------------------------------------------------------------
# The ladder
# ------------------------------------------------------------------------------------------------------


def notices(partnership: Partnership) -> QuerySet[WarningNotice]:
    return WarningNotice.objects.filter(partnership=partnership).prefetch_related("kpis")


def plans(partnership: Partnership) -> QuerySet[RectificationPlan]:
    return (
        RectificationPlan.objects.filter(partnership=partnership)
        .select_related("warning_notice")
        .prefetch_related("kpis", "actions")
    )


def plan_is_overdue(plan: RectificationPlan, today: dt.date) -> bool:
    return calc.overdue(due_on=plan.due_on, finished=not plan.is_open, today=today)


def action_is_overdue(action: PlanAction, today: dt.date) -> bool:
    return calc.overdue(due_on=action.due_on, finished=action.done_on is not None, today=today)


@dataclass
class PlanRow:
    plan: RectificationPlan
    overdue: bool
    actions: list[tuple[PlanAction, bool]]

    @property
    def overdue_actions(self) -> int:
        return sum(1 for _, late in self.actions if late)


def plan_rows(items: Any, today: dt.date | None = None) -> list[PlanRow]:
    today = _today(today)
    return [
        PlanRow(
            plan,
            plan_is_overdue(plan, today),
            [(action, action_is_overdue(action, today)) for action in plan.actions.all()],
        )
        for plan in items
    ]


def failures(partnership: Partnership) -> QuerySet[UnimprovedFailure]:
    return UnimprovedFailure.objects.filter(partnership=partnership).select_related(
        "warning_notice", "rectification_plan"
    )


@dataclass
class FailureRow:
    failure: UnimprovedFailure
    notice: calc.PerformanceNotice


def failure_rows(partnership: Partnership, items: Any, today: dt.date | None = None) -> list[FailureRow]:
    today = _today(today)
    return [
        FailureRow(
            failure,
            calc.performance_notice(
                regime=partnership.procurement_regime,
                found_on=failure.found_on,
                published_on=failure.notice_published_on,
                today=today,
            ),
        )
        for failure in items
    ]


def interventions(partnership: Partnership) -> QuerySet[Intervention]:
    return Intervention.objects.filter(partnership=partnership).select_related(
        "warning_notice", "rectification_plan"
    )


def disputes(partnership: Partnership) -> QuerySet[Dispute]:
    return Dispute.objects.filter(partnership=partnership)


@dataclass
class Ladder:
    """The ladder at a glance: what is open on each rung and the rung reached (rule REMEDY-LADDER)."""

    open_notices: int
    open_plans: int
    overdue_plans: int
    overdue_actions: int
    unimproved: int
    notices_unpublished: int
    current_advisers: int
    current_step_ins: int
    open_disputes: int
    rung: calc.Rung


def ladder(partnership: Partnership, *, today: dt.date | None = None) -> Ladder:
    """Counts for the ladder, in six queries (one per kind of record, the failures read in full for the
    notice rule)."""
    today = _today(today)
    notice_counts = WarningNotice.objects.filter(partnership=partnership).aggregate(
        open=Count("pk", filter=Q(status=NoticeStatus.OPEN))
    )
    plan_counts = RectificationPlan.objects.filter(partnership=partnership).aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_PLAN_STATUSES)),
        overdue=Count("pk", filter=Q(status__in=OPEN_PLAN_STATUSES, due_on__lt=today)),
    )
    overdue_actions = PlanAction.objects.filter(
        plan__partnership=partnership,
        plan__status__in=OPEN_PLAN_STATUSES,
        done_on__isnull=True,
        due_on__lt=today,
    ).count()
    found = list(
        UnimprovedFailure.objects.filter(partnership=partnership).only("found_on", "notice_published_on")
    )
    flagged = sum(
        1
        for failure in found
        if calc.performance_notice(
            regime=partnership.procurement_regime,
            found_on=failure.found_on,
            published_on=failure.notice_published_on,
            today=today,
        ).state
        in (calc.NoticeState.OVERDUE, calc.NoticeState.DUE)
    )
    current = Intervention.objects.filter(partnership=partnership).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=today)
    )
    current_counts = current.aggregate(
        advisers=Count("pk", filter=Q(kind=InterventionKind.REMEDIAL_ADVISER)),
        step_ins=Count("pk", filter=Q(kind=InterventionKind.STEP_IN)),
    )
    open_disputes = Dispute.objects.filter(partnership=partnership, closed_on__isnull=True).count()
    rung = calc.ladder_rung(
        open_notices=notice_counts["open"],
        open_plans=plan_counts["open"],
        unimproved_failures=len(found),
        current_advisers=current_counts["advisers"],
        current_step_ins=current_counts["step_ins"],
    )
    return Ladder(
        open_notices=notice_counts["open"],
        open_plans=plan_counts["open"],
        overdue_plans=plan_counts["overdue"],
        overdue_actions=overdue_actions,
        unimproved=len(found),
        notices_unpublished=flagged,
        current_advisers=current_counts["advisers"],
        current_step_ins=current_counts["step_ins"],
        open_disputes=open_disputes,
        rung=rung,
    )


def at_a_glance(partnership: Partnership, *, today: dt.date | None = None) -> dict[str, Any]:
    """The remedies at a glance, for the partnership overview: open notices and plans, overdue plans and
    KPIs in persistent breach (a fixed number of queries: the ladder's and the breaches')."""
    today = _today(today)
    counts = ladder(partnership, today=today)
    breaches = persistent_breaches(partnership, today=today, advice=False)
    return {
        "open_notices": counts.open_notices,
        "open_plans": counts.open_plans,
        "overdue_plans": counts.overdue_plans,
        "in_breach": len(breaches.in_breach),
        "ever_in_breach": len(breaches.ever),
        "rung": counts.rung,
    }


# ------------------------------------------------------------------------------------------------------
# Exit plan
# ------------------------------------------------------------------------------------------------------


def exit_plan(partnership: Partnership) -> ExitPlan | None:
    return ExitPlan.objects.filter(partnership=partnership).first()


@dataclass(frozen=True)
class ExitCostSummary:
    """The council-confidential exit-cost analysis in one sentence, for the exit plan page."""

    updated_at: dt.datetime
    summary: str


def exit_cost_summary(partnership: Partnership) -> ExitCostSummary | None:
    """The exit-cost analysis's headline, worked out by the risks area's own engine inputs. Council users
    only: the view never calls this for a partner user."""
    analysis = risk_selectors.exit_analysis(partnership)
    if analysis is None:
        return None
    try:
        inputs = risk_adapters.exit_inputs(
            analysis,
            break_years=[row.year for row in analysis.break_years.all()],
            route_terms=analysis.route_terms.all(),
            schedule=analysis.compensation.all(),
        )
        table = exit_cost_table(inputs)
    except InputError as error:
        return ExitCostSummary(analysis.updated_at, risk_adapters.exit_error_text(error))
    worst = costliest_exit(table)
    labels = dict(ExitRoute.choices)
    expiry = table["expiry"][-1]
    if worst is None:
        summary = "No way out is available in any year."
    else:
        summary = (
            f"The costliest way out is {labels[worst.route].lower()} at the end of year {worst.year}: "
            f"{pounds(worst.net_cost_gbp or 0.0)} net at the date of exit. Leaving at expiry, at the end of "
            f"year {analysis.term_years}, costs {pounds(expiry.net_cost_gbp or 0.0)}."
        )
    return ExitCostSummary(analysis.updated_at, summary)
