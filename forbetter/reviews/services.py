"""Writes to partnership reviews, change mechanisms and scenarios. Keyword-only, one transaction each,
council editors only, history recorded.

Bad input is refused with a ``ValidationError`` keyed by field, and nothing is saved. Rules:

- REVIEW-COMPLETE: a review is completed only with its date of completion, its findings and at least one
  decision about a service; a completed review keeps at least one decision.
- REVIEW-DECISION: a decision names exactly one service: one in the partnership's bundle, or (to add a
  service) one not in it or a new one by name; each service at most once a review.
- SCENARIO-INPUTS: each kind of scenario needs its own inputs (a service with change mechanisms and a demand
  change; a service to withdraw; an added service's cost and the contract's terms; a policy change's cost and
  the contract's terms), and its change starts within the years it shows.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from forbetter.accounts.permissions import can_edit
from forbetter.core.forms import check_date
from forbetter.core.history import save_as
from forbetter.partnerships.models import Partnership, ServiceArea
from forbetter.reviews.models import (
    DecisionKind,
    PartnershipReview,
    PricingTerms,
    ReviewSchedule,
    ReviewStatus,
    Scenario,
    ScenarioKind,
    ServiceDecision,
    ServiceMechanism,
)

REVIEW_FIELDS = (
    "period_from",
    "period_to",
    "planned_on",
    "status",
    "completed_on",
    "scope",
    "participants",
    "findings",
)
DECISION_FIELDS = ("service", "new_service_name", "decision", "reason")
MECHANISM_FIELDS = (
    "service",
    "annual_charge_gbp",
    "variable_share",
    "tolerance_band",
    "increase_rate",
    "decrease_rate",
    "notice_months",
    "compensation_share",
    "compensation_fixed_gbp",
    "notes",
)
TERMS_FIELDS = ("price_basis", "margin", "policy_council_share", "notes")
SCENARIO_FIELDS = (
    "name",
    "kind",
    "description",
    "service",
    "demand_change",
    "in_house_annual_cost_gbp",
    "new_service_name",
    "new_service_cost_gbp",
    "policy_annual_cost_gbp",
    "first_year",
    "years",
    "starts_in_year",
)
DEMAND_KINDS = (ScenarioKind.DEMAND_UP, ScenarioKind.DEMAND_DOWN)


def _require_editor(user: Any) -> None:
    if not can_edit(user):
        raise PermissionDenied("Only council editors and administrators can change partnership reviews")


def _assign(record: Any, data: dict[str, Any], fields: tuple[str, ...]) -> None:
    for key in fields:
        if key in data:
            value = data[key]
            setattr(record, key, value.strip() if isinstance(value, str) else value)


def _date(value: Any, field: str, label: str, errors: dict[str, str], *, not_in_future: bool = False) -> None:
    if value is None:
        return
    try:
        check_date(value, label=label, not_in_future=not_in_future)
    except ValidationError as error:
        errors[field] = error.messages[0]


# ------------------------------------------------------------------------------------------------------
# Reviews
# ------------------------------------------------------------------------------------------------------


@transaction.atomic
def schedule_save(*, user: Any, partnership: Partnership, data: dict[str, Any]) -> ReviewSchedule:
    """Set how many years apart reviews of the whole partnership fall due."""
    _require_editor(user)
    schedule = ReviewSchedule.objects.filter(partnership=partnership).first()
    creating = schedule is None
    schedule = schedule or ReviewSchedule(partnership=partnership)
    _assign(schedule, data, ("interval_years",))
    if schedule.interval_years is None:
        raise ValidationError({"interval_years": "Enter how many years apart reviews fall due"})
    if not 1 <= schedule.interval_years <= 15:
        raise ValidationError({"interval_years": "The review interval must be between 1 and 15 years"})
    schedule.full_clean()
    save_as(schedule, user, "Created" if creating else "")
    return schedule


def _check_review(review: PartnershipReview, errors: dict[str, str]) -> None:
    """Rule REVIEW-COMPLETE and the dates."""
    required = {
        "period_from": "Enter the first day of the period the review covers",
        "period_to": "Enter the last day of the period the review covers",
        "planned_on": "Enter the date the review is planned for",
        "scope": "Say what the review looks at (its scope)",
    }
    for field, message in required.items():
        if not getattr(review, field):
            errors[field] = message
    if review.status not in ReviewStatus.values:
        errors["status"] = "Select the review's status"
    _date(review.period_from, "period_from", "the start of the period", errors)
    _date(review.period_to, "period_to", "the end of the period", errors)
    _date(review.planned_on, "planned_on", "the planned date", errors)
    _date(review.completed_on, "completed_on", "the date completed", errors, not_in_future=True)
    if review.period_from and review.period_to and review.period_to < review.period_from:
        errors.setdefault("period_to", "The end of the period must be on or after its start")
    if review.status == ReviewStatus.COMPLETED:
        if review.completed_on is None:
            errors.setdefault("completed_on", "Enter the date the review was completed")
        if not review.findings:
            errors["findings"] = "A review cannot be completed without its findings: enter what it found"
        if review.pk is None or not review.decisions.exists():
            errors["status"] = (
                "A review cannot be completed without at least one decision about a service: save it as "
                "in progress, add the decisions, then complete it"
            )
    elif review.completed_on is not None:
        errors.setdefault(
            "completed_on",
            "Leave the date completed blank until the review is completed (or mark it completed)",
        )


@transaction.atomic
def review_save(
    *, user: Any, partnership: Partnership, data: dict[str, Any], review: PartnershipReview | None = None
) -> PartnershipReview:
    """Plan, update or complete a partnership review."""
    _require_editor(user)
    creating = review is None
    review = review or PartnershipReview(partnership=partnership)
    _assign(review, data, REVIEW_FIELDS)
    errors: dict[str, str] = {}
    _check_review(review, errors)
    if errors:
        raise ValidationError(errors)
    review.full_clean()
    reason = "Created" if creating else ("Completed" if review.is_completed else "")
    save_as(review, user, reason)
    return review


def _check_decision(decision: ServiceDecision, partnership: Partnership) -> None:
    """Rule REVIEW-DECISION."""
    errors: dict[str, str] = {}
    if decision.decision not in DecisionKind.values:
        errors["decision"] = "Select the decision about the service"
    if not decision.reason:
        errors["reason"] = "Give the reason for the decision"
    service: ServiceArea | None = decision.service
    if service is None and not decision.new_service_name:
        errors["service"] = "Choose the service the decision is about, or name a new service to add"
    elif service is not None and decision.new_service_name:
        errors["new_service_name"] = "Choose a service from the list or name a new one, not both"
    in_bundle = service is not None and partnership.services.filter(pk=service.pk).exists()
    if not errors and decision.decision == DecisionKind.ADD:
        if in_bundle:
            errors["service"] = f"{service} is already in the partnership's bundle: choose another decision"
        elif (
            decision.new_service_name
            and ServiceArea.objects.filter(name__iexact=decision.new_service_name).exists()
        ):
            errors["new_service_name"] = (
                f"{decision.new_service_name} is already on the list of services: choose it from the list"
            )
    elif not errors and not in_bundle:
        named = service or decision.new_service_name
        errors["service" if service else "new_service_name"] = (
            f"{named} is not in the partnership's bundle, so it can only be added: choose “Add the service "
            "to the partnership”, or a service in the bundle"
        )
    if not errors:
        same = ServiceDecision.objects.filter(review=decision.review).exclude(pk=decision.pk)
        duplicate = (
            same.filter(service=service)
            if service
            else same.filter(new_service_name__iexact=decision.new_service_name)
        )
        if duplicate.exists():
            errors["service" if service else "new_service_name"] = (
                f"This review already has a decision about {decision.service_name}: change that one instead"
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def decision_save(
    *, user: Any, review: PartnershipReview, data: dict[str, Any], decision: ServiceDecision | None = None
) -> ServiceDecision:
    """Add or change a review's decision about one service."""
    _require_editor(user)
    creating = decision is None
    decision = decision or ServiceDecision(review=review)
    _assign(decision, data, DECISION_FIELDS)
    _check_decision(decision, review.partnership)
    decision.full_clean()
    save_as(decision, user, "Created" if creating else "")
    return decision


@transaction.atomic
def decision_remove(*, user: Any, decision: ServiceDecision) -> None:
    """Take a decision off a review; a completed review keeps at least one (rule REVIEW-COMPLETE)."""
    _require_editor(user)
    review = decision.review
    if review.is_completed and review.decisions.count() <= 1:
        raise ValidationError(
            "A completed review keeps at least one decision: add another decision first, or change this one"
        )
    decision._history_user = user  # type: ignore[attr-defined]
    decision._change_reason = "Removed from the review"  # type: ignore[attr-defined]
    decision.delete()


# ------------------------------------------------------------------------------------------------------
# Change mechanisms and scenarios
# ------------------------------------------------------------------------------------------------------


@transaction.atomic
def mechanism_save(
    *, user: Any, partnership: Partnership, data: dict[str, Any], mechanism: ServiceMechanism | None = None
) -> ServiceMechanism:
    """Record or change one service's change mechanisms."""
    _require_editor(user)
    creating = mechanism is None
    mechanism = mechanism or ServiceMechanism(partnership=partnership)
    _assign(mechanism, data, MECHANISM_FIELDS)
    errors: dict[str, str] = {}
    service = mechanism.service if mechanism.service_id else None
    if service is None:
        errors["service"] = "Choose the service these change mechanisms are for"
    elif not partnership.services.filter(pk=service.pk).exists():
        errors["service"] = f"{service} is not in the partnership's bundle of services"
    elif (
        ServiceMechanism.objects.filter(partnership=partnership, service=service)
        .exclude(pk=mechanism.pk)
        .exists()
    ):
        errors["service"] = f"{service} already has change mechanisms recorded: change those instead"
    if errors:
        raise ValidationError(errors)
    mechanism.full_clean()
    save_as(mechanism, user, "Created" if creating else "")
    return mechanism


@transaction.atomic
def terms_save(*, user: Any, partnership: Partnership, data: dict[str, Any]) -> PricingTerms:
    """Record or change the contract's terms for added services and policy changes."""
    _require_editor(user)
    terms = PricingTerms.objects.filter(partnership=partnership).first()
    creating = terms is None
    terms = terms or PricingTerms(partnership=partnership)
    _assign(terms, data, TERMS_FIELDS)
    if terms.price_basis == "quoted":
        terms.margin = 0
    terms.full_clean()
    save_as(terms, user, "Created" if creating else "")
    return terms


def _check_scenario(scenario: Scenario, partnership: Partnership) -> None:
    """Rule SCENARIO-INPUTS."""
    errors: dict[str, str] = {}
    kind = scenario.kind
    service = scenario.service if scenario.service_id else None
    if kind in (*DEMAND_KINDS, ScenarioKind.SERVICE_WITHDRAWN):
        if service is None:
            errors["service"] = "Choose the service the scenario changes"
        elif not ServiceMechanism.objects.filter(partnership=partnership, service=service).exists():
            errors["service"] = (
                f"{service} has no change mechanisms recorded, so the change cannot be priced: "
                "record them first"
            )
    if kind in DEMAND_KINDS:
        if scenario.demand_change is None or scenario.demand_change == 0:
            errors["demand_change"] = "Enter how far demand moves, as a fraction: 0.15 for 15%"
        elif kind == ScenarioKind.DEMAND_DOWN and scenario.demand_change > 1:
            errors["demand_change"] = "Demand cannot fall by more than 1 (100%)"
    if kind == ScenarioKind.SERVICE_ADDED:
        if not scenario.new_service_name:
            errors["new_service_name"] = "Name the service that is added"
        if scenario.new_service_cost_gbp is None:
            errors["new_service_cost_gbp"] = (
                "Enter the added service's annual cost (or the partner's quoted price)"
            )
    if kind == ScenarioKind.POLICY_CHANGE and scenario.policy_annual_cost_gbp is None:
        errors["policy_annual_cost_gbp"] = "Enter the policy change's estimated cost a year"
    if (
        kind in (ScenarioKind.SERVICE_ADDED, ScenarioKind.POLICY_CHANGE)
        and not PricingTerms.objects.filter(partnership=partnership).exists()
    ):
        errors["kind"] = (
            "Record the contract's terms for added services and policy changes first (Change mechanisms page)"
        )
    if scenario.years and scenario.starts_in_year and scenario.starts_in_year > scenario.years:
        errors["starts_in_year"] = (
            f"The change must start within the {scenario.years} years the scenario shows"
        )
    if not scenario.name:
        errors["name"] = "Give the scenario a name"
    elif (
        Scenario.objects.filter(partnership=partnership, name__iexact=scenario.name)
        .exclude(pk=scenario.pk)
        .exists()
    ):
        errors["name"] = f"There is already a scenario called “{scenario.name}”"
    if not ServiceMechanism.objects.filter(partnership=partnership).exists():
        errors["__all__"] = (
            "Record the change mechanisms of at least one service first: scenarios are priced through them"
        )
    if errors:
        raise ValidationError(errors)


def _clear_unused(scenario: Scenario) -> None:
    """Inputs another kind of scenario uses are blanked, so a page never shows stale figures."""
    kind = scenario.kind
    if kind not in (*DEMAND_KINDS, ScenarioKind.SERVICE_WITHDRAWN):
        scenario.service = None
    if kind not in DEMAND_KINDS:
        scenario.demand_change = None
    if kind != ScenarioKind.SERVICE_WITHDRAWN:
        scenario.in_house_annual_cost_gbp = None
    if kind != ScenarioKind.SERVICE_ADDED:
        scenario.new_service_name = ""
        scenario.new_service_cost_gbp = None
    if kind != ScenarioKind.POLICY_CHANGE:
        scenario.policy_annual_cost_gbp = None


@transaction.atomic
def scenario_save(
    *, user: Any, partnership: Partnership, data: dict[str, Any], scenario: Scenario | None = None
) -> Scenario:
    """Add or change a scenario of change to price."""
    _require_editor(user)
    creating = scenario is None
    scenario = scenario or Scenario(partnership=partnership)
    _assign(scenario, data, SCENARIO_FIELDS)
    if scenario.kind not in ScenarioKind.values:
        raise ValidationError({"kind": "Select the kind of change"})
    _clear_unused(scenario)
    _check_scenario(scenario, partnership)
    scenario.full_clean()
    save_as(scenario, user, "Created" if creating else "")
    return scenario
