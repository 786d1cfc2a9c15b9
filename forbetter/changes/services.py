"""Writes to contract changes. Keyword-only, one transaction each, council editors only, history recorded.

A change moves request → impact assessment → decision (approved, rejected or withdrawn); each step is a
service here and the status history is kept by the record's history. An approved change that alters the
monthly charge or KPI targets is applied from its date through the payments and performance services
(:func:`forbetter.payments.services.charge_change_add`,
:func:`forbetter.performance.services.target_change_add`),
so the effective-dating rules stay theirs: earlier months keep their charge and targets.

Bad input is refused with a ``ValidationError`` keyed by field, and nothing is saved.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from forbetter.accounts.permissions import can_edit
from forbetter.calc.dates import long_date
from forbetter.changes.models import (
    OPEN_STATUSES,
    ChangeGroup,
    ChangeRequest,
    ChangeStatus,
    ChangeTerms,
    Decision,
    KpiEffect,
)
from forbetter.changes.selectors import contract_start
from forbetter.core.forms import check_date
from forbetter.core.history import save_as
from forbetter.partnerships.models import Partnership
from forbetter.partnerships.procurement import act_applies
from forbetter.payments import services as payment_services
from forbetter.payments.models import PaymentMechanism
from forbetter.performance import services as performance_services
from forbetter.performance.models import Kpi

REQUEST_FIELDS = ("reference", "title", "description", "raised_by", "raised_by_side", "raised_on", "group")
ASSESSMENT_FIELDS = (
    "value_gbp",
    "value_basis",
    "effective_from",
    "new_monthly_charge_gbp",
    "term_change_months",
    "risks_affected",
    "novation",
    "business_case_effect",
    "business_case_version",
    "assessed_on",
)
DECISION_FIELDS = ("decision", "decided_on", "decided_by", "decision_reason")
NO_VALUE = (
    "Enter the value of the change in pounds: a change without a value cannot be assessed (enter 0 if it "
    "costs nothing, or a negative amount for a saving)"
)


def _require_editor(user: Any) -> None:
    if not can_edit(user):
        raise PermissionDenied("Only council editors and administrators can change contract changes")


def _assign(record: Any, data: dict[str, Any], fields: tuple[str, ...]) -> None:
    for key in fields:
        if key in data:
            setattr(record, key, data[key])


def _happened(value: dt.date | None, field: str, label: str, errors: dict[str, str], today: dt.date) -> None:
    """Rule INPUT-DATE-PLAUSIBLE for something that has happened: refused if after today."""
    try:
        check_date(value, label=label, not_in_future=True, today=today)
    except ValidationError as error:
        errors[field] = error.messages[0]


def effective_date_error(partnership: Partnership, day: dt.date | None) -> str:
    """Rule CHANGE-FROM-A-DATE: why a change cannot take effect from ``day``, or ''. It must be the first day
    of a month (a payment period starts then) and not before the contract starts."""
    if day is None:
        return "Enter the date the change takes effect"
    if day.day != 1:
        return (
            f"A change takes effect from the start of a payment period, the first day of a month: "
            f"enter 1 {day:%B %Y} or 1 {(day.replace(day=28) + dt.timedelta(days=4)).replace(day=1):%B %Y}, "
            f"not {long_date(day)}"
        )
    start = contract_start(partnership)
    if start is not None and day < start:
        return f"The contract starts on {long_date(start)}: a change cannot take effect before it"
    return ""


# ------------------------------------------------------------------------------------------------------
# Terms and groups
# ------------------------------------------------------------------------------------------------------


@transaction.atomic
def terms_save(*, user: Any, partnership: Partnership, data: dict[str, Any]) -> ChangeTerms:
    """Record whether the contract is for works and, if the council sets its own, the thresholds."""
    _require_editor(user)
    terms = ChangeTerms.objects.filter(partnership=partnership).first() or ChangeTerms(
        partnership=partnership
    )
    creating = terms.pk is None
    _assign(terms, data, ("works_contract", "first_threshold", "second_threshold"))
    errors: dict[str, str] = {}
    for field, label in (("first_threshold", "The first threshold"), ("second_threshold", "The second")):
        value = getattr(terms, field)
        if value is not None and value <= 0:
            errors[field] = f"{label} must be more than 0%: leave it blank for the default"
    first, second = terms.first_threshold, terms.second_threshold
    if not errors and first is not None and second is not None and second <= first:
        errors["second_threshold"] = "The second threshold must be higher than the first"
    if errors:
        raise ValidationError(errors)
    terms.full_clean()
    save_as(terms, user, "Created" if creating else "")
    return terms


@transaction.atomic
def group_save(
    *, user: Any, partnership: Partnership, data: dict[str, Any], group: ChangeGroup | None = None
) -> ChangeGroup:
    """Add or rename a group of related changes (counted together for the contract change notice)."""
    _require_editor(user)
    creating = group is None
    group = group or ChangeGroup(partnership=partnership)
    _assign(group, data, ("name", "description"))
    group.name = (group.name or "").strip()
    if not group.name:
        raise ValidationError({"name": "Enter a name for the group of related changes"})
    duplicate = ChangeGroup.objects.filter(partnership=partnership, name__iexact=group.name)
    if duplicate.exclude(pk=group.pk).exists():
        raise ValidationError({"name": f"There is already a group called “{group.name}”"})
    group.full_clean()
    save_as(group, user, "Created" if creating else "")
    return group


# ------------------------------------------------------------------------------------------------------
# Request, assessment, decision
# ------------------------------------------------------------------------------------------------------


def _still_open(change: ChangeRequest, field: str) -> None:
    if change.pk is not None and change.status not in OPEN_STATUSES:
        raise ValidationError(
            {
                field: f"Change {change.reference} was {change.get_status_display().lower()} on "
                f"{long_date(change.decided_on) if change.decided_on else 'an earlier date'}: "
                "it can no longer change"
            }
        )


@transaction.atomic
def change_save(
    *,
    user: Any,
    partnership: Partnership,
    data: dict[str, Any],
    change: ChangeRequest | None = None,
    today: dt.date | None = None,
) -> ChangeRequest:
    """Raise a change request, or correct an open one's request details."""
    _require_editor(user)
    today = today or timezone.localdate()
    creating = change is None
    change = change or ChangeRequest(partnership=partnership, created_by=user)
    _still_open(change, "title")
    _assign(change, data, REQUEST_FIELDS)
    errors: dict[str, str] = {}
    change.reference = (change.reference or "").strip()
    if not change.reference:
        errors["reference"] = "Enter the change's reference, for example CR-012"
    elif (
        ChangeRequest.objects.filter(partnership=partnership, reference__iexact=change.reference)
        .exclude(pk=change.pk)
        .exists()
    ):
        errors["reference"] = f"There is already a change {change.reference}"
    if change.raised_on is None:
        errors["raised_on"] = "Enter the date the change was requested"
    else:
        _happened(change.raised_on, "raised_on", "the date requested", errors, today)
    if change.group is not None and change.group.partnership_id != partnership.pk:
        errors["group"] = "Choose a group of this partnership's changes"
    if errors:
        raise ValidationError(errors)
    change.full_clean()
    save_as(change, user, "Requested" if creating else "Request corrected")
    return change


@transaction.atomic
def assessment_record(
    *, user: Any, change: ChangeRequest, data: dict[str, Any], today: dt.date | None = None
) -> ChangeRequest:
    """Record (or revise, while the change is open) its impact assessment: the value of the change is
    required, and the date it takes effect must be a month's first day on or after the contract's start."""
    _require_editor(user)
    today = today or timezone.localdate()
    _still_open(change, "value_gbp")
    partnership = change.partnership
    _assign(change, data, ASSESSMENT_FIELDS)
    errors: dict[str, str] = {}
    if change.value_gbp is None:
        errors["value_gbp"] = NO_VALUE
    if not change.value_basis:
        errors["value_basis"] = "Say whether the value is one-off or a value per year"
    problem = effective_date_error(partnership, change.effective_from)
    if problem:
        errors["effective_from"] = problem
    if change.assessed_on is None:
        errors["assessed_on"] = "Enter the date the impact was assessed"
    else:
        _happened(change.assessed_on, "assessed_on", "the date assessed", errors, today)
        if "assessed_on" not in errors and change.assessed_on < change.raised_on:
            errors["assessed_on"] = (
                f"The change was requested on {long_date(change.raised_on)}: it cannot be assessed before"
            )
    if (
        change.new_monthly_charge_gbp is not None
        and not PaymentMechanism.objects.filter(partnership=partnership).exists()
    ):
        errors["new_monthly_charge_gbp"] = (
            "This partnership has no payment mechanism yet: set it up before a change can alter the "
            "monthly charge"
        )
    version = change.business_case_version
    if version is not None and version.business_case.partnership_id != partnership.pk:
        errors["business_case_version"] = "Choose a version of this partnership's business case"
    if errors:
        raise ValidationError(errors)
    if change.status == ChangeStatus.REQUESTED:
        change.status = ChangeStatus.ASSESSED
    change.full_clean()
    save_as(change, user, "Impact assessed")
    return change


@transaction.atomic
def kpi_effect_save(*, user: Any, change: ChangeRequest, data: dict[str, Any]) -> KpiEffect:
    """Say that the change sets a KPI's new target (and failure threshold) from the change's date; checked
    as an indicator review's new target is (:func:`forbetter.performance.services.target_change_errors`).
    A second effect on the same KPI replaces the first."""
    _require_editor(user)
    _still_open(change, "kpi")
    kpi = data.get("kpi")
    errors: dict[str, str] = {}
    if change.effective_from is None:
        raise ValidationError(
            {"kpi": "Record the impact assessment, with the date the change takes effect, before its KPIs"}
        )
    if not isinstance(kpi, Kpi) or kpi.partnership_id != change.partnership_id:
        raise ValidationError({"kpi": "Choose one of this partnership's KPIs"})
    checks = performance_services.target_change_errors(
        kpi=kpi,
        target=data.get("new_target"),
        failure_threshold=data.get("new_failure_threshold"),
        applies_from=change.effective_from,
    )
    fields = {"target": "new_target", "failure_threshold": "new_failure_threshold", "applies_from": "kpi"}
    errors = {fields[key]: message for key, message in checks.items()}
    if errors:
        raise ValidationError(errors)
    effect = KpiEffect.objects.filter(change=change, kpi=kpi).first() or KpiEffect(change=change, kpi=kpi)
    effect.new_target = data["new_target"]
    effect.new_failure_threshold = data.get("new_failure_threshold")
    effect.full_clean()
    save_as(effect, user, "KPI effect recorded")
    return effect


@transaction.atomic
def decision_record(
    *, user: Any, change: ChangeRequest, data: dict[str, Any], today: dt.date | None = None
) -> ChangeRequest:
    """Approve, reject or withdraw an open change, with who decided, when and why (the reason is
    required). Only an assessed change (one with a value) can be approved."""
    _require_editor(user)
    today = today or timezone.localdate()
    _still_open(change, "decision")
    errors: dict[str, str] = {}
    decision = data.get("decision") or ""
    if decision not in Decision.values:
        errors["decision"] = "Choose approved, rejected or withdrawn"
    elif decision == Decision.APPROVED and (
        change.status != ChangeStatus.ASSESSED or change.value_gbp is None
    ):
        errors["decision"] = (
            "Assess the change's impact (its value at least) before approving it: a change without a value "
            "cannot be approved"
        )
    decided_on = data.get("decided_on")
    if decided_on is None:
        errors["decided_on"] = "Enter the date of the decision"
    else:
        _happened(decided_on, "decided_on", "the date of the decision", errors, today)
        if "decided_on" not in errors and decided_on < change.raised_on:
            errors["decided_on"] = (
                f"The change was requested on {long_date(change.raised_on)}: it cannot be decided before"
            )
    decided_by = (data.get("decided_by") or "").strip()
    if not decided_by:
        errors["decided_by"] = "Enter who made the decision, for example the partnership board"
    reason = (data.get("decision_reason") or "").strip()
    if not reason:
        errors["decision_reason"] = "Enter the reason for the decision"
    if errors:
        raise ValidationError(errors)
    change.status = decision
    change.decided_on, change.decided_by, change.decision_reason = decided_on, decided_by, reason
    change.full_clean()
    save_as(change, user, Decision(decision).label)
    return change


@transaction.atomic
def notice_record(
    *, user: Any, change: ChangeRequest, data: dict[str, Any], today: dt.date | None = None
) -> ChangeRequest:
    """Record the contract change notice (UK10) published on Find a Tender for an approved change of a
    partnership under the Procurement Act 2023."""
    _require_editor(user)
    today = today or timezone.localdate()
    partnership = change.partnership
    errors: dict[str, str] = {}
    if not act_applies(partnership):
        raise ValidationError(
            {
                "notice_reference": "This partnership is not under the Procurement Act 2023, so its contract "
                "change notice does not apply"
            }
        )
    if change.status != ChangeStatus.APPROVED:
        raise ValidationError({"notice_reference": "Record the notice once the change is approved"})
    published = data.get("notice_published_on")
    reference = (data.get("notice_reference") or "").strip()
    if published is None:
        errors["notice_published_on"] = "Enter the date the notice was published"
    else:
        _happened(published, "notice_published_on", "the date published", errors, today)
    if not reference:
        errors["notice_reference"] = "Enter the notice's Find a Tender reference, for example 012345-2026"
    if errors:
        raise ValidationError(errors)
    change.notice_published_on, change.notice_reference = published, reference
    change.full_clean()
    save_as(change, user, "Contract change notice recorded")
    return change


@transaction.atomic
def change_apply(*, user: Any, change: ChangeRequest, today: dt.date | None = None) -> ChangeRequest:
    """Rule CHANGE-FROM-A-DATE: apply an approved change to the monthly charge and KPI targets from its
    date. Months and periods before keep their charge and targets; nothing in history is rewritten (the
    payments and performance services refuse a date inside approved statements or before a later target).
    """
    _require_editor(user)
    today = today or timezone.localdate()
    change = ChangeRequest.objects.select_for_update().get(pk=change.pk)
    if change.status != ChangeStatus.APPROVED:
        raise ValidationError("Only an approved change can be applied")
    if change.applied_on is not None:
        raise ValidationError(f"Change {change.reference} was applied on {long_date(change.applied_on)}")
    effects = list(change.kpi_effects.select_related("kpi"))
    if change.new_monthly_charge_gbp is None and not effects:
        raise ValidationError(
            "This change alters neither the monthly charge nor a KPI target: there is nothing to apply"
        )
    partnership = change.partnership
    problem = effective_date_error(partnership, change.effective_from)
    if problem:
        raise ValidationError(problem)
    assert change.effective_from is not None
    because = f"Contract change {change.reference} approved {long_date(change.decided_on or today)}"
    messages: list[str] = []
    if change.new_monthly_charge_gbp is not None:
        mechanism = PaymentMechanism.objects.filter(partnership=partnership).first()
        if mechanism is None:
            messages.append("This partnership has no payment mechanism: its monthly charge cannot change")
        else:
            try:
                payment_services.charge_change_add(
                    user=user,
                    mechanism=mechanism,
                    effective_from=change.effective_from,
                    monthly_charge_gbp=change.new_monthly_charge_gbp,
                    reason=because[:300],
                )
            except ValidationError as error:
                messages.extend(f"Monthly charge: {message}" for message in error.messages)
    for effect in effects:
        try:
            performance_services.target_change_add(
                user=user,
                kpi=effect.kpi,
                target=effect.new_target,
                failure_threshold=effect.new_failure_threshold,
                applies_from=change.effective_from,
                reason=because,
            )
        except ValidationError as error:
            messages.extend(f"KPI {effect.kpi.reference}: {message}" for message in error.messages)
    if messages:
        raise ValidationError(messages)  # leaving the transaction undoes any part already written
    change.applied_on = today
    save_as(change, user, f"Applied from {change.effective_from:%B %Y}")
    return change
