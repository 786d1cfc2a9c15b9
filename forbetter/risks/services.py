"""Writes to the risk register, its actions and reviews, and the partner's change-of-ownership plan.

Every function is keyword-only, runs in one transaction, checks the user may make the change and records who
made it, so each record's history shows who, when, the old value and the new. Monte Carlo runs and the exit
analysis are council-confidential: changing them also needs ``can_see_confidential``.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Model, Q
from django.utils import timezone

from forbetter.accounts.permissions import can_edit, can_see_confidential
from forbetter.calc import risk as risk_engine
from forbetter.calc.errors import InputError
from forbetter.calc.risk import SimulationResult
from forbetter.partnerships.models import Partnership
from forbetter.risks.adapters import input_as_quantified, to_fraction, to_gbp
from forbetter.risks.models import (
    REVIEW_MONTHS,
    ExitAnalysis,
    ExitBreakYear,
    ExitCompensation,
    ExitRoute,
    ExitRouteTerms,
    OwnershipAction,
    OwnershipContact,
    OwnershipPlan,
    OwnershipTrigger,
    Risk,
    RiskAction,
    RiskReview,
    RiskReviewItem,
    RiskStatus,
    RunStatus,
    SimulationInput,
    SimulationRun,
    SimulationTornadoBar,
)
from forbetter.risks.rules import normalised_risk_data, risk_rule_errors

logger = logging.getLogger(__name__)
MAX_SEED = 2**32 - 1
RISK_FIELDS = (
    "title",
    "category",
    "description",
    "cause",
    "effect",
    "owner",
    "allocation",
    "council_share",
    "transferability",
    "inherent_likelihood",
    "inherent_impact",
    "residual_likelihood",
    "residual_impact",
    "controls",
    "council_notes",
    "review_frequency",
    "next_review_on",
    "status",
    "actual_cost_gbp",
    "probability",
    "distribution",
    "impact_minimum_gbp",
    "impact_most_likely_gbp",
    "impact_maximum_gbp",
)
ACTION_FIELDS = ("description", "owner", "due_on", "status")
PLAN_FIELDS = ("summary", "contract_provisions", "last_reviewed_on")
PLAN_ITEM_MODELS: dict[str, type[Model]] = {
    "triggers": OwnershipTrigger,
    "actions": OwnershipAction,
    "contacts": OwnershipContact,
}
PLAN_ITEM_FIELDS: dict[str, tuple[str, ...]] = {
    "triggers": ("description", "how_monitored"),
    "actions": ("description", "responsible", "timescale"),
    "contacts": ("name", "organisation", "role", "email", "telephone"),
}


def _require_editor(user: Any) -> None:
    if not can_edit(user):
        raise PermissionDenied("Only council editors and administrators can change the risk records")


def _save(instance: Any, user: Any, reason: str = "") -> None:
    instance._history_user = user
    if reason:
        instance._change_reason = reason
    instance.save()


def _delete(instance: Any, user: Any, reason: str = "") -> None:
    instance._history_user = user
    if reason:
        instance._change_reason = reason
    instance.delete()


def next_review_date(*, frequency: str, after: dt.date) -> dt.date:
    """The date a risk is next due for review: ``after`` plus one review period (1, 3, 6 or 12 months)."""
    return after + relativedelta(months=REVIEW_MONTHS[frequency])


def _people_of(partnership: Partnership) -> Q:
    """Users who may own a risk or an action: staff of the partnership's councils, partner or vehicle."""
    organisations = list(partnership.councils.values_list("pk", flat=True))
    organisations += [pk for pk in (partnership.partner_id, partnership.joint_venture_company_id) if pk]
    return Q(organisation__in=organisations)


def _check_owner(partnership: Partnership, owner: Any, *, field: str = "owner") -> None:
    if owner is None:
        return
    from forbetter.accounts.models import User

    if not User.objects.filter(_people_of(partnership), pk=owner.pk, is_active=True).exists():
        raise ValidationError({field: "Select someone from the councils or the partner of this partnership"})


def _checked_risk_data(partnership: Partnership, data: Mapping[str, Any]) -> dict[str, Any]:
    errors = risk_rule_errors(data)
    if errors:
        raise ValidationError(errors)
    _check_owner(partnership, data.get("owner"))
    return normalised_risk_data({key: data[key] for key in RISK_FIELDS if key in data})


@transaction.atomic
def risk_create(
    *, user: Any, partnership: Partnership, data: Mapping[str, Any], today: dt.date | None = None
) -> Risk:
    """Add a risk to the register with the next number. Without a next review date, the first review falls
    one review period from today."""
    _require_editor(user)
    clean = _checked_risk_data(partnership, data)
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()  # serialises the numbering
    highest = Risk.objects.filter(partnership=partnership).aggregate(Max("number"))["number__max"] or 0
    risk = Risk(partnership=partnership, number=highest + 1, **clean)
    if risk.next_review_on is None and risk.review_frequency:
        risk.next_review_on = next_review_date(
            frequency=risk.review_frequency, after=today or dt.date.today()
        )
    risk.full_clean()
    _save(risk, user, "Added to the register")
    return risk


@transaction.atomic
def risk_update(*, user: Any, risk: Risk, data: Mapping[str, Any], today: dt.date | None = None) -> Risk:
    """Change a risk. A blank next review date is set one review period from today."""
    _require_editor(user)
    clean = _checked_risk_data(risk.partnership, {**{key: getattr(risk, key) for key in RISK_FIELDS}, **data})
    for key, value in clean.items():
        setattr(risk, key, value)
    if risk.next_review_on is None and risk.review_frequency:
        risk.next_review_on = next_review_date(
            frequency=risk.review_frequency, after=today or dt.date.today()
        )
    risk.full_clean()
    _save(risk, user)
    return risk


@transaction.atomic
def risk_action_save(
    *, user: Any, risk: Risk, data: Mapping[str, Any], action: RiskAction | None = None
) -> RiskAction:
    """Add an action to a risk, or change one of its actions."""
    _require_editor(user)
    _check_owner(risk.partnership, data.get("owner"))
    if action is None:
        action = RiskAction(risk=risk)
    elif action.risk_id != risk.pk:
        raise ValidationError("That action belongs to another risk")
    for key in ACTION_FIELDS:
        if key in data:
            setattr(action, key, data[key])
    action.full_clean()
    _save(action, user, "Action added" if action.pk is None else "")
    return action


@dataclass(frozen=True)
class ReviewEntry:
    """One risk looked at in a review and its residual likelihood and impact afterwards."""

    risk: Risk
    likelihood: int
    impact: int
    comment: str = ""


@transaction.atomic
def risk_review_record(
    *,
    user: Any,
    partnership: Partnership,
    reviewed_on: dt.date,
    reviewer: Any,
    notes: str,
    entries: Sequence[ReviewEntry],
    today: dt.date | None = None,
) -> RiskReview:
    """Record a review of some of the register's open risks.

    Rule REVIEW-SETS-NEXT-DATE: each risk reviewed gets its next review date one review period after the
    review date, and its residual likelihood and impact as agreed at the review; the review item keeps the
    score before and after, so the review record shows what changed.
    """
    _require_editor(user)
    today = today or dt.date.today()
    errors: dict[str, str] = {}
    if reviewed_on > today:
        errors["reviewed_on"] = "The review date must be today or in the past"
    if not entries:
        errors["__all__"] = "Select at least one risk that was reviewed"
    if errors:
        raise ValidationError(errors)
    _check_owner(partnership, reviewer, field="reviewer")
    if reviewer is None:
        raise ValidationError({"reviewer": "Select who carried out the review"})
    for entry in entries:
        if entry.risk.partnership_id != partnership.pk:
            raise ValidationError("A risk of another partnership cannot be reviewed here")
        if entry.risk.status != RiskStatus.OPEN:
            raise ValidationError(f"{entry.risk.reference} is not open, so it is not reviewed")
        if not (1 <= entry.likelihood <= 5 and 1 <= entry.impact <= 5):
            raise ValidationError(f"{entry.risk.reference}: likelihood and impact must each be from 1 to 5")
    review = RiskReview(
        partnership=partnership, reviewed_on=reviewed_on, reviewer=reviewer, notes=notes.strip()
    )
    review.full_clean()
    _save(review, user, "Review recorded")
    for entry in entries:
        risk = entry.risk
        next_on = next_review_date(frequency=risk.review_frequency, after=reviewed_on)
        item = RiskReviewItem(
            review=review,
            risk=risk,
            previous_likelihood=risk.residual_likelihood,
            previous_impact=risk.residual_impact,
            new_likelihood=entry.likelihood,
            new_impact=entry.impact,
            comment=entry.comment.strip(),
            next_review_on=next_on,
        )
        item.full_clean()
        _save(item, user, "Review recorded")
        risk.residual_likelihood = entry.likelihood
        risk.residual_impact = entry.impact
        risk.next_review_on = next_on
        _save(risk, user, f"Reviewed on {reviewed_on:%-d %B %Y}")
    return review


@transaction.atomic
def ownership_plan_save(*, user: Any, partnership: Partnership, data: Mapping[str, Any]) -> OwnershipPlan:
    """Create or change the partnership's change-of-ownership and restructuring plan."""
    _require_editor(user)
    plan = OwnershipPlan.objects.filter(partnership=partnership).first() or OwnershipPlan(
        partnership=partnership
    )
    creating = plan.pk is None
    for key in PLAN_FIELDS:
        if key in data:
            setattr(plan, key, data[key])
    plan.full_clean()
    _save(plan, user, "Plan created" if creating else "")
    return plan


@transaction.atomic
def ownership_item_save(
    *, user: Any, plan: OwnershipPlan, kind: str, data: Mapping[str, Any], item: Model | None = None
) -> Model:
    """Add or change a trigger, action or contact of the plan (``kind`` is triggers, actions or contacts)."""
    _require_editor(user)
    model = PLAN_ITEM_MODELS.get(kind)
    if model is None:
        raise ValidationError("Unknown part of the plan")
    if item is None:
        item = model(plan=plan)
    elif not isinstance(item, model) or item.plan_id != plan.pk:  # type: ignore[attr-defined]
        raise ValidationError("That entry belongs to another plan")
    for key in PLAN_ITEM_FIELDS[kind]:
        if key in data:
            setattr(item, key, data[key])
    item.full_clean()
    _save(item, user)
    return item


@transaction.atomic
def ownership_item_remove(*, user: Any, item: Model) -> None:
    _require_editor(user)
    _delete(item, user, "Removed from the plan")


# ------------------------------------------------------------------------------------------------------
# Monte Carlo runs
# ------------------------------------------------------------------------------------------------------


def _require_confidential_editor(user: Any) -> None:
    _require_editor(user)
    if not can_see_confidential(user):
        raise PermissionDenied("Monte Carlo runs and exit costs are confidential to the council")


def _run_request_errors(*, iterations: int, correlation: Decimal, risk_count: int) -> dict[str, str]:
    """Rule RUN-ITERATION-LIMIT: a run asks for between the engine's minimum and maximum iterations; the
    correlation must be one every pair of the risks can share."""
    errors: dict[str, str] = {}
    if iterations > risk_engine.MAX_ITERATIONS:
        errors["iterations"] = (
            f"Enter {risk_engine.MAX_ITERATIONS:,} iterations or fewer: that is the most one run may use"
        )
    elif iterations < risk_engine.MIN_ITERATIONS:
        errors["iterations"] = f"Enter at least {risk_engine.MIN_ITERATIONS:,} iterations"
    if not Decimal(-1) <= correlation <= Decimal(1):
        errors["correlation"] = "Rank correlation must be between -1 and 1, for example 0.3"
    elif risk_count >= 2 and float(correlation) < risk_engine.lowest_common_rank_correlation(risk_count):
        lowest = risk_engine.lowest_common_rank_correlation(risk_count)
        errors["correlation"] = (
            f"With {risk_count} risks the rank correlation cannot be below {lowest:.4f}; "
            "enter a larger number"
        )
    if risk_count == 0:
        errors["__all__"] = "There are no open quantified risks to simulate: quantify some risks first"
    return errors


@transaction.atomic
def simulation_run_create(
    *, user: Any, partnership: Partnership, iterations: int, seed: int | None, correlation: Decimal
) -> SimulationRun:
    """A queued run holding a copy of the open quantified risks; :func:`simulation_run_request` also queues
    it for the worker, and the demo seed runs it at once with :func:`simulation_run_execute`."""
    _require_confidential_editor(user)
    risks = list(
        Risk.objects.filter(
            partnership=partnership, status=RiskStatus.OPEN, probability__isnull=False
        ).order_by("number")
    )
    errors = _run_request_errors(iterations=iterations, correlation=correlation, risk_count=len(risks))
    if seed is not None and not 0 <= seed <= MAX_SEED:
        errors["seed"] = f"The seed must be a whole number from 0 to {MAX_SEED:,}"
    if errors:
        raise ValidationError(errors)
    run = SimulationRun(
        partnership=partnership,
        requested_by=user,
        iterations=iterations,
        seed=secrets.randbelow(MAX_SEED) if seed is None else seed,
        correlation=correlation,
    )
    run.full_clean()
    _save(run, user, "Run requested")
    SimulationInput.objects.bulk_create(
        SimulationInput(
            run=run,
            risk=risk,
            reference=risk.reference,
            title=risk.title,
            probability=risk.probability,
            distribution=risk.distribution,
            minimum_gbp=risk.impact_minimum_gbp,
            most_likely_gbp=risk.impact_most_likely_gbp,
            maximum_gbp=risk.impact_maximum_gbp,
            allocation=risk.allocation,
            council_share=risk.council_share,
        )
        for risk in risks
    )
    return run


def simulation_run_request(
    *,
    user: Any,
    partnership: Partnership,
    iterations: int,
    seed: int | None = None,
    correlation: Decimal = Decimal(0),
) -> SimulationRun:
    """Snapshot the open quantified risks into a new run and queue it for the background worker.

    The run is committed before it is queued, so a worker never picks up a run it cannot see. Without a
    seed, a random one is chosen and stored, so the run can be repeated exactly.
    """
    from forbetter.risks.tasks import run_simulation

    run = simulation_run_create(
        user=user, partnership=partnership, iterations=iterations, seed=seed, correlation=correlation
    )
    run_simulation.enqueue(run.pk)
    run.refresh_from_db()
    return run


class RunStoppedError(Exception):
    """The run was cancelled, or marked failed by the stale-run sweep, while the worker was simulating it."""


HEARTBEAT_EVERY_SECONDS = 5.0


def heartbeat_limit() -> dt.timedelta:
    """How long a running run may go without a heartbeat before it is taken to have lost its worker."""
    return dt.timedelta(seconds=settings.SIMULATION_HEARTBEAT_LIMIT_SECONDS)


def heartbeat_limit_text() -> str:
    seconds = settings.SIMULATION_HEARTBEAT_LIMIT_SECONDS
    if seconds % 60 == 0:
        minutes = seconds // 60
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


class ProgressRecorder:
    """Stores the engine's progress (fraction of iterations simulated, after each chunk) and the run's
    heartbeat.

    Writes when progress has moved by at least ``step`` since the last write, or when ``every_seconds`` have
    passed, so a run of many small chunks does not flood the database and a run of slow chunks still beats;
    the final 1.0 is always written. The write only touches a run that is still running: if an editor has
    cancelled it, or the sweep has marked it failed, nothing is written and :class:`RunStoppedError` ends the
    simulation at this chunk (rule RUN-STOPS-WHEN-CANCELLED).
    """

    def __init__(
        self, run: SimulationRun, *, step: float = 0.01, every_seconds: float = HEARTBEAT_EVERY_SECONDS
    ) -> None:
        self.run = run
        self.step = step
        self.every_seconds = every_seconds
        self.written = float(run.progress)
        self.beat = time.monotonic()

    def __call__(self, fraction: float) -> None:
        fraction = min(max(float(fraction), 0.0), 1.0)
        due = time.monotonic() - self.beat >= self.every_seconds
        if fraction - self.written < self.step and fraction < 1.0 and not due:
            return
        self.written = fraction
        self.beat = time.monotonic()
        self.run.progress = to_fraction(fraction)
        self.run.heartbeat_at = timezone.now()
        updated = SimulationRun.objects.filter(pk=self.run.pk, status=RunStatus.RUNNING).update(
            progress=self.run.progress, heartbeat_at=self.run.heartbeat_at
        )
        if not updated:
            raise RunStoppedError(f"Monte Carlo run {self.run.pk} is no longer running")


def stale_run_message(run: SimulationRun) -> str:
    return (
        f"The background worker stopped reporting on this run: it last reported "
        f"{float(run.progress):.0%} done, and nothing was heard from it for more than "
        f"{heartbeat_limit_text()}, so the worker is taken to have stopped (for example it was shut down or "
        "the computer restarted). The partial figures were thrown away. Retry the run to simulate the same "
        "inputs again with the same seed and iterations."
    )


def simulation_runs_sweep_stale(*, partnership: Partnership | None = None) -> int:
    """Mark failed every running run whose heartbeat is older than the limit; returns how many.

    Rule RUN-HEARTBEAT-LIMIT: a run whose worker has died would otherwise stay "Running" for ever. The sweep
    runs whenever the runs list or a run's page is read and whenever the worker starts a task, so no extra
    process is needed. If the worker was only slow, its next heartbeat finds the run no longer running and
    stops, so a swept run never gets results.
    """
    cutoff = timezone.now() - heartbeat_limit()
    stale = SimulationRun.objects.filter(status=RunStatus.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
    if partnership is not None:
        stale = stale.filter(partnership=partnership)
    swept = 0
    for run_id in list(stale.values_list("pk", flat=True)):
        with transaction.atomic():
            run = (
                SimulationRun.objects.select_for_update(of=("self",))
                .select_related("requested_by")
                .get(pk=run_id)
            )
            beat = run.heartbeat_at or run.started_at
            if run.status != RunStatus.RUNNING or beat is None or beat >= cutoff:
                continue
            _fail(run, stale_run_message(run), reason="Run failed: no heartbeat from the worker")
            swept += 1
    return swept


def simulation_run_execute(*, run_id: int) -> SimulationRun:
    """Run a queued simulation and store its results (called by the background task).

    Runs only a queued run, so a task delivered twice does not run it twice, and a run cancelled while it
    was queued is never started. The engine reports its progress after each chunk of iterations; each
    report is also the run's heartbeat, and stops the run if it has been cancelled. Bad inputs mark the run
    failed with the engine's message; any other error marks it failed and is raised for the worker's log.
    Before starting, the worker sweeps runs whose worker has died (:func:`simulation_runs_sweep_stale`).
    """
    simulation_runs_sweep_stale()
    with transaction.atomic():
        run = (
            SimulationRun.objects.select_for_update(of=("self",))
            .select_related("requested_by")
            .get(pk=run_id)
        )
        if run.status != RunStatus.QUEUED:
            return run
        run.status = RunStatus.RUNNING
        run.started_at = run.heartbeat_at = timezone.now()
        run.progress = Decimal(0)
        _save(run, run.requested_by, "Run started")
    try:
        register = [input_as_quantified(row) for row in run.inputs.order_by("pk")]
        result = risk_engine.simulate_register(
            register,
            iterations=run.iterations,
            seed=run.seed,
            correlation=float(run.correlation),
            progress=ProgressRecorder(run),
        )
    except RunStoppedError:
        run.refresh_from_db()
        return run
    except InputError as error:
        _fail_if_running(run, f"The engine refused the inputs: {error.field}: {error.message}")
        return run
    except Exception:
        logger.exception("Monte Carlo run %s failed", run.pk)
        _fail_if_running(
            run, "The simulation stopped with an unexpected error; the worker's log has the details"
        )
        raise
    _store_results(run, result)
    return run


def _fail(run: SimulationRun, message: str, *, reason: str = "Run failed") -> None:
    run.status = RunStatus.FAILED
    run.error_message = message
    run.finished_at = timezone.now()
    _save(run, run.requested_by, reason)


@transaction.atomic
def _fail_if_running(run: SimulationRun, message: str) -> None:
    current = SimulationRun.objects.select_for_update(of=("self",)).get(pk=run.pk)
    if current.status != RunStatus.RUNNING:
        run.refresh_from_db()
        return
    run.progress = current.progress
    run.heartbeat_at = current.heartbeat_at
    _fail(run, message)


@transaction.atomic
def simulation_run_cancel(*, user: Any, run: SimulationRun) -> SimulationRun:
    """Cancel a queued or running run (rule RUN-STOPS-WHEN-CANCELLED).

    A queued run is never started; a running one stops at its next chunk, when the worker's progress report
    finds it no longer running. Its partial figures are thrown away and it can be retried."""
    _require_confidential_editor(user)
    run = SimulationRun.objects.select_for_update(of=("self",)).select_related("requested_by").get(pk=run.pk)
    if not run.is_pending:
        raise ValidationError(
            f"Only a queued or running run can be cancelled; run {run.pk} is "
            f"{run.get_status_display().lower()}"
        )
    was = run.get_status_display().lower()
    run.status = RunStatus.CANCELLED
    run.finished_at = timezone.now()
    run.error_message = (
        f"Cancelled by {user} while {was}"
        + (f", {float(run.progress):.0%} done" if was == "running" else "")
        + ". The partial figures were thrown away."
    )
    _save(run, user, "Run cancelled")
    return run


@transaction.atomic
def simulation_run_retry_create(*, user: Any, run: SimulationRun) -> SimulationRun:
    """A new queued run with the failed or cancelled run's inputs, seed, iterations and correlation, so it
    gives exactly the results the first run would have given (rule RUN-RETRY-REPEATS-INPUTS)."""
    _require_confidential_editor(user)
    if run.status not in (RunStatus.FAILED, RunStatus.CANCELLED):
        raise ValidationError(
            f"Only a failed or cancelled run can be retried; run {run.pk} is "
            f"{run.get_status_display().lower()}"
        )
    retry = SimulationRun(
        partnership=run.partnership,
        requested_by=user,
        iterations=run.iterations,
        seed=run.seed,
        correlation=run.correlation,
        retry_of=run,
    )
    _save(retry, user, f"Retry of run {run.pk} requested")
    SimulationInput.objects.bulk_create(
        SimulationInput(
            run=retry,
            risk_id=row.risk_id,
            reference=row.reference,
            title=row.title,
            probability=row.probability,
            distribution=row.distribution,
            minimum_gbp=row.minimum_gbp,
            most_likely_gbp=row.most_likely_gbp,
            maximum_gbp=row.maximum_gbp,
            allocation=row.allocation,
            council_share=row.council_share,
        )
        for row in run.inputs.order_by("pk")
    )
    return retry


def simulation_run_retry(*, user: Any, run: SimulationRun) -> SimulationRun:
    """Create the retry (committed first) and queue it for the background worker."""
    from forbetter.risks.tasks import run_simulation

    retry = simulation_run_retry_create(user=user, run=run)
    run_simulation.enqueue(retry.pk)
    retry.refresh_from_db()
    return retry


@transaction.atomic
def _store_results(run: SimulationRun, result: SimulationResult) -> None:
    """Store a completed simulation, unless the run was cancelled or swept as stale meanwhile: such a run
    never gets results (rule RUN-PARTIAL-RESULTS-NEVER-FINAL)."""
    current = SimulationRun.objects.select_for_update(of=("self",)).get(pk=run.pk)
    if current.status != RunStatus.RUNNING:
        run.refresh_from_db()
        return
    run.status = RunStatus.FINISHED
    run.heartbeat_at = timezone.now()
    run.finished_at = timezone.now()
    run.progress = Decimal(1)
    for name in ("mean", "sd", "p10", "p50", "p80", "p90", "p95", "analytic_mean"):
        setattr(run, f"{name}_gbp", to_gbp(getattr(result, f"{name}_gbp")))
    for party in ("council", "partner"):
        summary = getattr(result, party)
        for name in ("mean", "p50", "p80", "analytic_mean"):
            setattr(run, f"{party}_{name}_gbp", to_gbp(getattr(summary, f"{name}_gbp")))
    run.achieved_rank_correlation = (
        None if result.achieved_rank_correlation is None else to_fraction(result.achieved_rank_correlation)
    )
    run.reservoir_iterations = result.reservoir_iterations
    run.s_curve_gbp = [round(value, 2) for value in result.s_curve_gbp]
    run.histogram_edges_gbp = [round(value, 2) for value in result.histogram.edges_gbp]
    run.histogram_counts = list(result.histogram.counts)
    _save(run, run.requested_by, "Run finished")
    inputs = {row.reference: row for row in run.inputs.all()}
    SimulationTornadoBar.objects.bulk_create(
        SimulationTornadoBar(
            run=run,
            input=inputs[bar.id],
            rank=rank,
            rank_correlation=to_fraction(bar.rank_correlation),
        )
        for rank, bar in enumerate(result.tornado, start=1)
    )


def business_case_link() -> tuple[Callable[[Partnership], Any], Callable[..., Any]] | None:
    """The business case area's two entry points for risk settings, or None if that area is not installed
    (it is built separately; this keeps the risk pages working without it)."""
    try:
        from forbetter.appraisal.selectors import draft_versions_for
        from forbetter.appraisal.services import version_set_risk_settings
    except ImportError:
        return None
    return draft_versions_for, version_set_risk_settings


def risk_adjustment_source(run: SimulationRun) -> str:
    finished = timezone.localtime(run.finished_at) if run.finished_at else None
    when = f" on {finished:%-d %B %Y}" if finished else ""
    return (
        f"Seed and iterations of Monte Carlo run {run.pk}{when} ({run.iterations:,} iterations, seed "
        f"{run.seed}, {run.inputs.count()} risks); each option's expected value is taken from the register"
    )


BUSINESS_CASE_MAX_ITERATIONS = 200_000


def simulation_apply_to_business_case(*, user: Any, run: SimulationRun, version: Any) -> Any:
    """Link a draft business-case version to the register (decision record 0010, replacing 0005's P80).

    The version then carries, per option, the expected value of the register's open quantified risks that
    option keeps (refreshed from the register whenever the draft is appraised), and shows beside it a P-value
    simulated with this run's seed and iterations. The run's council P80 itself is not put into any option:
    it is already net of what the partner takes and would count the transfer twice."""
    _require_confidential_editor(user)
    if run.status != RunStatus.FINISHED:
        raise ValidationError("Only a finished run's results can be used in the business case")
    link = business_case_link()
    if link is None:
        raise ValidationError("The business case area is not available")
    draft_versions_for, set_risk_settings = link
    if not draft_versions_for(run.partnership).filter(pk=version.pk).exists():
        raise ValidationError({"version": "Select a draft version of this partnership's business case"})
    return set_risk_settings(
        user=user,
        version=version,
        data={
            "include_register_risks": True,
            "risk_seed": run.seed,
            "risk_iterations": max(1_000, min(run.iterations, BUSINESS_CASE_MAX_ITERATIONS)),
            "risk_note": risk_adjustment_source(run),
        },
        reason=f"Linked to the risk register through Monte Carlo run {run.pk}",
    )


# ------------------------------------------------------------------------------------------------------
# Exit analysis
# ------------------------------------------------------------------------------------------------------

ANALYSIS_FIELDS = (
    "term_years",
    "annual_charge_gbp",
    "replacement_annual_cost_gbp",
    "partner_investment_gbp",
    "amortisation_years",
    "tupe_costs_gbp",
    "redundancy_costs_gbp",
    "transition_costs_gbp",
    "reprocurement_costs_gbp",
    "discount_schedule",
    "discount_rate",
    "notes",
)
DEFAULT_INVESTMENT_SHARE: dict[str, Decimal] = {
    ExitRoute.COUNCIL_VOLUNTARY_TERMINATION: Decimal(1),
    ExitRoute.PARTNER_DEFAULT: Decimal(0),
    ExitRoute.COUNCIL_DEFAULT: Decimal(1),
    ExitRoute.FORCE_MAJEURE: Decimal(1),
    ExitRoute.BREAK_CLAUSE: Decimal(1),
    ExitRoute.EXPIRY: Decimal(0),
}


@transaction.atomic
def exit_analysis_save(
    *, user: Any, partnership: Partnership, data: Mapping[str, Any], break_years: Sequence[int]
) -> ExitAnalysis:
    """Create or change the partnership's exit-cost analysis and the years its break clause can be used.

    Rule EXIT-BREAK-YEARS: a break year falls inside the term and before its last year (ending at the last
    year is expiry). A new analysis starts with the usual share of the partner's unamortised investment
    for each route (all of it on council termination, council default, force majeure and break; none on
    partner default or expiry), which the council then sets from its contract.
    """
    _require_confidential_editor(user)
    analysis = ExitAnalysis.objects.filter(partnership=partnership).first() or ExitAnalysis(
        partnership=partnership
    )
    creating = analysis.pk is None
    for key in ANALYSIS_FIELDS:
        if key in data:
            setattr(analysis, key, data[key])
    analysis.updated_by = user
    term = analysis.term_years
    wrong = sorted({year for year in break_years if not 1 <= year < (term or 0)})
    if wrong:
        listed = ", ".join(str(year) for year in wrong)
        message = (
            f"Break years must be between 1 and {term - 1}, before the last year of the term; {listed} is not"
            if term and term > 1
            else "A one-year term has no break years: leave this blank"
        )
        raise ValidationError({"break_years": message})
    analysis.full_clean()
    _save(analysis, user, "Analysis created" if creating else "")
    wanted = set(break_years)
    for row in analysis.break_years.all():
        if row.year not in wanted:
            _delete(row, user, "Break year removed")
    existing = set(analysis.break_years.values_list("year", flat=True))
    for year in sorted(wanted - existing):
        _save(ExitBreakYear(analysis=analysis, year=year), user, "Break year added")
    if creating:
        for route, share in DEFAULT_INVESTMENT_SHARE.items():
            _save(
                ExitRouteTerms(analysis=analysis, route=route, investment_share=share), user, "Default terms"
            )
    return analysis


@transaction.atomic
def exit_schedule_save(
    *,
    user: Any,
    analysis: ExitAnalysis,
    route: str,
    investment_share: Decimal,
    compensation: Mapping[int, Decimal | None],
) -> None:
    """Set one route's share of the unamortised investment and its compensation for each contract year.

    A year left blank has no compensation entry (it counts as £0); entries beyond the term are refused.
    """
    _require_confidential_editor(user)
    if route not in ExitRoute.values:
        raise ValidationError("Unknown way of ending the partnership")
    if not Decimal(0) <= investment_share <= Decimal(1):
        raise ValidationError(
            {"investment_share": "The share must be between 0 and 1, for example 1 for all of it"}
        )
    outside = sorted(year for year in compensation if not 1 <= year <= analysis.term_years)
    if outside:
        raise ValidationError(f"Year {outside[0]} is outside the {analysis.term_years}-year term")
    terms = ExitRouteTerms.objects.filter(analysis=analysis, route=route).first() or ExitRouteTerms(
        analysis=analysis, route=route
    )
    if terms.pk is None or terms.investment_share != investment_share:
        terms.investment_share = investment_share
        terms.full_clean()
        _save(terms, user)
    rows = {row.year: row for row in ExitCompensation.objects.filter(analysis=analysis, route=route)}
    for year, amount in sorted(compensation.items()):
        row = rows.get(year)
        if amount is None:
            if row is not None:
                _delete(row, user, "Compensation cleared")
            continue
        if row is None:
            row = ExitCompensation(analysis=analysis, route=route, year=year)
        elif row.compensation_gbp == amount:
            continue
        row.compensation_gbp = amount
        row.full_clean()
        _save(row, user)
