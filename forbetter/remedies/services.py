"""Writes to the remedies ladder and the exit plan. Keyword-only, one transaction each, council editors only,
history recorded (:func:`forbetter.core.history.save_as`).

Bad input is refused with a ``ValidationError`` keyed by field, each message saying exactly what is wrong,
and nothing is saved: every check runs before the first write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from forbetter.accounts.permissions import can_edit
from forbetter.calc import remedies as calc
from forbetter.calc.dates import long_date
from forbetter.calc.errors import InputError
from forbetter.core.forms import check_date
from forbetter.core.history import save_as
from forbetter.partnerships.models import Partnership
from forbetter.performance.models import Kpi
from forbetter.remedies.models import (
    Dispute,
    ExitPlan,
    Intervention,
    NoticeStatus,
    PlanAction,
    PlanStatus,
    RectificationPlan,
    RemedySettings,
    UnimprovedFailure,
    WarningNotice,
)

SETTINGS_FIELDS = ("failures", "window", "contract_clause")
NOTICE_FIELDS = (
    "reference",
    "served_on",
    "failure",
    "remedy_by",
    "status",
    "closed_on",
    "outcome",
    "council_notes",
)
PLAN_FIELDS = (
    "reference",
    "warning_notice",
    "failure",
    "requested_on",
    "due_on",
    "status",
    "submitted_on",
    "accepted_on",
    "closed_on",
    "partner_response",
    "council_notes",
)
ACTION_FIELDS = ("description", "owner", "due_on", "done_on")
FAILURE_FIELDS = (
    "found_on",
    "warning_notice",
    "rectification_plan",
    "not_improved",
    "notice_published_on",
    "notice_reference",
    "council_notes",
)
INTERVENTION_FIELDS = (
    "kind",
    "started_on",
    "ended_on",
    "reason",
    "cost_gbp",
    "warning_notice",
    "rectification_plan",
    "council_notes",
)
DISPUTE_FIELDS = ("raised_on", "raised_by", "subject", "stage", "outcome", "closed_on", "council_notes")
EXIT_FIELDS = (
    "assets",
    "assets_readiness",
    "data",
    "data_readiness",
    "staff",
    "staff_list_provided_on",
    "staff_readiness",
    "knowledge_transfer",
    "knowledge_readiness",
    "last_reviewed_on",
    "council_notes",
)

NO_DUE_DATE = (
    "Enter the date the rectification plan is due: a rectification plan without a due date cannot be saved"
)


def _require_editor(user: Any) -> None:
    if not can_edit(user):
        raise PermissionDenied("Only council editors and administrators can change the remedies records")


def _assign(record: Any, data: dict[str, Any], fields: tuple[str, ...]) -> None:
    for key in fields:
        if key in data:
            value = data[key]
            setattr(
                record, key, "" if value is None and isinstance(getattr(record, key, None), str) else value
            )


class Errors(dict[str, str]):
    """Messages by field; the first message for a field wins."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, message)

    def date(self, value: dt.date | None, field: str, label: str, **window: Any) -> None:
        try:
            check_date(value, label=label, **window)
        except ValidationError as error:
            self.add(field, error.messages[0])

    def require(self, value: Any, field: str, message: str) -> None:
        if value in (None, ""):
            self.add(field, message)

    def raise_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


def _same_partnership(errors: Errors, partnership: Partnership, record: Any, field: str, what: str) -> None:
    if record is not None and record.partnership_id != partnership.pk:
        errors.add(field, f"Choose a {what} of this partnership")


def _kpis(errors: Errors, partnership: Partnership, kpis: Iterable[Kpi] | None) -> list[Kpi]:
    chosen = list(kpis or [])
    if any(kpi.partnership_id != partnership.pk for kpi in chosen):
        errors.add("kpis", "Choose KPIs of this partnership")
    return chosen


def _unique_reference(errors: Errors, model: Any, partnership: Partnership, record: Any, what: str) -> None:
    reference = (record.reference or "").strip()
    record.reference = reference
    if not reference:
        errors.add(
            "reference",
            f"Enter the {what}'s reference, for example {'WN' if what == 'warning notice' else 'RP'}-01",
        )
        return
    taken = model.objects.filter(partnership=partnership, reference__iexact=reference).exclude(pk=record.pk)
    if taken.exists():
        errors.add("reference", f"There is already a {what} with the reference {reference}")


def _full_clean(record: Any, errors: Errors, exclude: list[str] | None = None) -> None:
    try:
        record.full_clean(exclude=exclude)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.add(field, messages[0])
    errors.raise_any()


# ------------------------------------------------------------------------------------------------------
# Persistent-breach threshold
# ------------------------------------------------------------------------------------------------------


@transaction.atomic
def settings_save(*, user: Any, partnership: Partnership, data: dict[str, Any]) -> RemedySettings:
    """Set the partnership's persistent-breach threshold (rule REMEDY-PERSISTENT)."""
    _require_editor(user)
    record = RemedySettings.objects.filter(partnership=partnership).first()
    creating = record is None
    record = record or RemedySettings(partnership=partnership)
    _assign(record, data, SETTINGS_FIELDS)
    errors = Errors()
    errors.require(record.failures, "failures", "Enter how many failures make a persistent breach")
    errors.require(record.window, "window", "Enter how many periods the window counts")
    if not errors:
        try:
            calc.check_window(int(record.failures), int(record.window))
        except InputError as error:
            errors.add(error.field, error.message[:1].upper() + error.message[1:])
    errors.raise_any()
    _full_clean(record, errors)
    save_as(record, user, "Created" if creating else "")
    return record


# ------------------------------------------------------------------------------------------------------
# Warning notices
# ------------------------------------------------------------------------------------------------------


def _closing(
    errors: Errors, record: Any, *, opened_on: dt.date | None, opened_label: str, closed: bool
) -> None:
    """A closed record needs its closing date, on or after it was opened; an open one has none."""
    if closed and record.closed_on is None:
        errors.add("closed_on", f"Enter the date it was {record.get_status_display().lower()}")
    if not closed and record.closed_on is not None:
        errors.add("closed_on", "Leave the date closed blank while it is still open, or change its status")
    if record.closed_on is not None and opened_on is not None and record.closed_on < opened_on:
        errors.add(
            "closed_on", f"The date closed must be on or after the {opened_label}, {long_date(opened_on)}"
        )
    errors.date(record.closed_on, "closed_on", "the date closed", not_in_future=True)


@transaction.atomic
def notice_save(
    *,
    user: Any,
    partnership: Partnership,
    data: dict[str, Any],
    notice: WarningNotice | None = None,
) -> WarningNotice:
    """Serve (record) or change a warning notice."""
    _require_editor(user)
    creating = notice is None
    notice = notice or WarningNotice(partnership=partnership)
    _assign(notice, data, NOTICE_FIELDS)
    errors = Errors()
    _unique_reference(errors, WarningNotice, partnership, notice, "warning notice")
    errors.require(notice.served_on, "served_on", "Enter the date the warning notice was served")
    errors.date(notice.served_on, "served_on", "the date served", not_in_future=True)
    errors.require(
        (notice.failure or "").strip(), "failure", "Enter the failure or obligation the notice is about"
    )
    errors.require(
        notice.remedy_by, "remedy_by", "Enter the date to remedy by: the end of the notice's cure period"
    )
    errors.date(notice.remedy_by, "remedy_by", "the date to remedy by")
    if notice.served_on and notice.remedy_by and notice.remedy_by < notice.served_on:
        errors.add(
            "remedy_by",
            f"The date to remedy by must be on or after the date served, {long_date(notice.served_on)}",
        )
    _closing(
        errors,
        notice,
        opened_on=notice.served_on,
        opened_label="date served",
        closed=notice.status != NoticeStatus.OPEN,
    )
    kpis = _kpis(errors, partnership, data.get("kpis") if "kpis" in data else None)
    errors.raise_any()
    _full_clean(notice, errors)
    save_as(notice, user, "Served" if creating else "")
    if "kpis" in data:
        notice.kpis.set(kpis)
    return notice


# ------------------------------------------------------------------------------------------------------
# Rectification plans and their actions
# ------------------------------------------------------------------------------------------------------

_PLAN_DATES = {
    PlanStatus.SUBMITTED: ("submitted_on", "Enter the date the partner submitted the plan"),
    PlanStatus.ACCEPTED: ("accepted_on", "Enter the date the council accepted the plan"),
}


@transaction.atomic
def plan_save(
    *,
    user: Any,
    partnership: Partnership,
    data: dict[str, Any],
    plan: RectificationPlan | None = None,
) -> RectificationPlan:
    """Request or change a rectification plan. A plan must have a due date; its dates follow its state
    (submitted, accepted, then completed or failed)."""
    _require_editor(user)
    creating = plan is None
    plan = plan or RectificationPlan(partnership=partnership)
    _assign(plan, data, PLAN_FIELDS)
    errors = Errors()
    _unique_reference(errors, RectificationPlan, partnership, plan, "rectification plan")
    _same_partnership(errors, partnership, plan.warning_notice, "warning_notice", "warning notice")
    errors.require(
        (plan.failure or "").strip(), "failure", "Enter what the rectification plan must put right"
    )
    errors.require(plan.requested_on, "requested_on", "Enter the date the rectification plan was requested")
    errors.date(plan.requested_on, "requested_on", "the date requested", not_in_future=True)
    errors.require(plan.due_on, "due_on", NO_DUE_DATE)
    errors.date(plan.due_on, "due_on", "the due date")
    if plan.requested_on and plan.due_on and plan.due_on < plan.requested_on:
        errors.add(
            "due_on", f"The due date must be on or after the date requested, {long_date(plan.requested_on)}"
        )
    notice = plan.warning_notice
    if notice is not None and plan.requested_on and plan.requested_on < notice.served_on:
        errors.add(
            "requested_on",
            f"The date requested must be on or after the warning notice it answers was served, "
            f"{long_date(notice.served_on)}",
        )
    order: list[str] = [PlanStatus.REQUESTED, PlanStatus.SUBMITTED, PlanStatus.ACCEPTED]
    reached = order.index(plan.status) if plan.status in order else len(order)
    for status, (field, message) in _PLAN_DATES.items():
        value = getattr(plan, field)
        if reached >= order.index(status) and value is None and plan.status != PlanStatus.FAILED:
            errors.add(field, message)
        if value is not None and plan.requested_on and value < plan.requested_on:
            errors.add(
                field, f"This date must be on or after the date requested, {long_date(plan.requested_on)}"
            )
        errors.date(value, field, "this date", not_in_future=True)
    if plan.submitted_on and plan.accepted_on and plan.accepted_on < plan.submitted_on:
        errors.add(
            "accepted_on",
            f"The plan cannot be accepted before it was submitted, {long_date(plan.submitted_on)}",
        )
    _closing(
        errors,
        plan,
        opened_on=plan.requested_on,
        opened_label="date requested",
        closed=plan.status in (PlanStatus.COMPLETED, PlanStatus.FAILED),
    )
    kpis = _kpis(errors, partnership, data.get("kpis") if "kpis" in data else None)
    errors.raise_any()
    _full_clean(plan, errors, exclude=["warning_notice"])
    save_as(plan, user, "Requested" if creating else "")
    if "kpis" in data:
        plan.kpis.set(kpis)
    return plan


@transaction.atomic
def action_save(
    *, user: Any, plan: RectificationPlan, data: dict[str, Any], action: PlanAction | None = None
) -> PlanAction:
    """Add or change an action of a rectification plan."""
    _require_editor(user)
    creating = action is None
    action = action or PlanAction(plan=plan)
    _assign(action, data, ACTION_FIELDS)
    errors = Errors()
    errors.require((action.description or "").strip(), "description", "Enter what the action is")
    errors.require((action.owner or "").strip(), "owner", "Enter who does the action")
    errors.require(action.due_on, "due_on", "Enter the date the action is due")
    errors.date(action.due_on, "due_on", "the due date")
    if action.due_on and action.due_on < plan.requested_on:
        errors.add(
            "due_on",
            f"The due date must be on or after the plan was requested, {long_date(plan.requested_on)}",
        )
    errors.date(action.done_on, "done_on", "the date done", not_in_future=True)
    errors.raise_any()
    _full_clean(action, errors, exclude=["plan"])
    save_as(action, user, "Added" if creating else "")
    return action


# ------------------------------------------------------------------------------------------------------
# Failures not improved after a proper opportunity
# ------------------------------------------------------------------------------------------------------


@transaction.atomic
def failure_save(
    *,
    user: Any,
    partnership: Partnership,
    data: dict[str, Any],
    failure: UnimprovedFailure | None = None,
) -> UnimprovedFailure:
    """Record that the partner did not improve after a proper opportunity (a warning notice or rectification
    plan), with the date found, and whether the contract performance notice was published."""
    _require_editor(user)
    creating = failure is None
    failure = failure or UnimprovedFailure(partnership=partnership)
    _assign(failure, data, FAILURE_FIELDS)
    errors = Errors()
    _same_partnership(errors, partnership, failure.warning_notice, "warning_notice", "warning notice")
    _same_partnership(
        errors, partnership, failure.rectification_plan, "rectification_plan", "rectification plan"
    )
    if failure.warning_notice is None and failure.rectification_plan is None:
        errors.add(
            "warning_notice",
            "Choose the warning notice or rectification plan that gave the partner its opportunity to "
            "improve",
        )
    errors.require(
        failure.found_on, "found_on", "Enter the date the council found the partner had not improved"
    )
    errors.date(failure.found_on, "found_on", "the date found", not_in_future=True)
    errors.require(
        (failure.not_improved or "").strip(), "not_improved", "Enter what the partner did not improve"
    )
    if failure.found_on and not errors:
        for opportunity, ends_on, what in (
            (
                failure.warning_notice,
                getattr(failure.warning_notice, "remedy_by", None),
                "warning notice's date to remedy by",
            ),
            (
                failure.rectification_plan,
                getattr(failure.rectification_plan, "due_on", None),
                "rectification plan's due date",
            ),
        ):
            if opportunity is not None and ends_on is not None and failure.found_on < ends_on:
                errors.add(
                    "found_on",
                    f"The partner had until {long_date(ends_on)} to improve (the {what}), so the failure to "
                    "improve "
                    "cannot be found before then",
                )
    errors.date(failure.notice_published_on, "notice_published_on", "the date published", not_in_future=True)
    if failure.notice_published_on and failure.found_on and failure.notice_published_on < failure.found_on:
        errors.add(
            "notice_published_on",
            f"The notice cannot be published before the failure was found, {long_date(failure.found_on)}",
        )
    if failure.notice_published_on and partnership.procurement_regime in ("pcr2006", "pcr2015"):
        errors.add(
            "notice_published_on",
            "The contract was procured under the Public Contracts Regulations, which have no contract "
            "performance notice: leave the date published blank",
        )
    if failure.notice_reference and failure.notice_published_on is None:
        errors.add(
            "notice_published_on", "Enter the date the notice was published, or leave its reference blank"
        )
    errors.raise_any()
    _full_clean(failure, errors, exclude=["warning_notice", "rectification_plan"])
    save_as(failure, user, "Recorded" if creating else "")
    return failure


# ------------------------------------------------------------------------------------------------------
# Remedial advisers and step-in
# ------------------------------------------------------------------------------------------------------


@transaction.atomic
def intervention_save(
    *,
    user: Any,
    partnership: Partnership,
    data: dict[str, Any],
    intervention: Intervention | None = None,
) -> Intervention:
    _require_editor(user)
    creating = intervention is None
    intervention = intervention or Intervention(partnership=partnership)
    _assign(intervention, data, INTERVENTION_FIELDS)
    errors = Errors()
    _same_partnership(errors, partnership, intervention.warning_notice, "warning_notice", "warning notice")
    _same_partnership(
        errors, partnership, intervention.rectification_plan, "rectification_plan", "rectification plan"
    )
    errors.require(intervention.kind, "kind", "Choose whether this is a remedial adviser or step-in")
    errors.require(
        intervention.started_on, "started_on", "Enter the date the adviser was appointed or step-in started"
    )
    errors.date(intervention.started_on, "started_on", "the date started", not_in_future=True)
    errors.require((intervention.reason or "").strip(), "reason", "Enter the reason for it")
    errors.date(intervention.ended_on, "ended_on", "the date ended", not_in_future=True)
    if intervention.started_on and intervention.ended_on and intervention.ended_on < intervention.started_on:
        errors.add(
            "ended_on",
            f"The date ended must be on or after the date started, {long_date(intervention.started_on)}",
        )
    if intervention.cost_gbp is not None and intervention.cost_gbp < 0:
        errors.add("cost_gbp", "The cost cannot be negative")
    errors.raise_any()
    _full_clean(intervention, errors, exclude=["warning_notice", "rectification_plan"])
    save_as(intervention, user, "Created" if creating else "")
    return intervention


# ------------------------------------------------------------------------------------------------------
# Disputes
# ------------------------------------------------------------------------------------------------------


@transaction.atomic
def dispute_save(
    *, user: Any, partnership: Partnership, data: dict[str, Any], dispute: Dispute | None = None
) -> Dispute:
    """Log or change a dispute. A closed dispute needs its outcome."""
    _require_editor(user)
    creating = dispute is None
    dispute = dispute or Dispute(partnership=partnership)
    _assign(dispute, data, DISPUTE_FIELDS)
    errors = Errors()
    errors.require(dispute.raised_on, "raised_on", "Enter the date the dispute was raised")
    errors.date(dispute.raised_on, "raised_on", "the date raised", not_in_future=True)
    errors.require(dispute.raised_by, "raised_by", "Choose which side raised the dispute")
    errors.require((dispute.subject or "").strip(), "subject", "Enter what the dispute is about")
    errors.require(dispute.stage, "stage", "Choose the stage the dispute has reached")
    errors.date(dispute.closed_on, "closed_on", "the date closed", not_in_future=True)
    if dispute.closed_on and dispute.raised_on and dispute.closed_on < dispute.raised_on:
        errors.add(
            "closed_on",
            f"The date closed must be on or after the date raised, {long_date(dispute.raised_on)}",
        )
    if dispute.closed_on and not (dispute.outcome or "").strip():
        errors.add("outcome", "Enter the outcome of the dispute before closing it")
    errors.raise_any()
    _full_clean(dispute, errors)
    save_as(dispute, user, "Raised" if creating else "")
    return dispute


# ------------------------------------------------------------------------------------------------------
# Exit plan
# ------------------------------------------------------------------------------------------------------


@transaction.atomic
def exit_plan_save(*, user: Any, partnership: Partnership, data: dict[str, Any]) -> ExitPlan:
    """Set up or change the exit plan; earlier versions stay in its history."""
    _require_editor(user)
    plan = ExitPlan.objects.filter(partnership=partnership).first()
    creating = plan is None
    plan = plan or ExitPlan(partnership=partnership)
    _assign(plan, data, EXIT_FIELDS)
    errors = Errors()
    errors.date(plan.last_reviewed_on, "last_reviewed_on", "the date last reviewed", not_in_future=True)
    errors.date(
        plan.staff_list_provided_on,
        "staff_list_provided_on",
        "the date the staff list was provided",
        not_in_future=True,
    )
    if not any(
        (getattr(plan, name) or "").strip() for name in ("assets", "data", "staff", "knowledge_transfer")
    ):
        errors.add(
            "assets", "Enter at least one part of the exit plan: assets, data, staff or knowledge transfer"
        )
    errors.raise_any()
    _full_clean(plan, errors)
    save_as(plan, user, "Created" if creating else "")
    return plan
