"""Writes of the governance part. Each checks that everything it links belongs to the partnership and applies
the part's rules again (forms check them first), in one transaction: bad input raises a ValidationError
keyed by field and saves nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from forbetter.accounts.permissions import can_edit
from forbetter.core.history import save_as
from forbetter.partnerships.models import Partnership
from forbetter.procurement.models import (
    Bidder,
    BidderMeeting,
    BriefingConcern,
    CouncilRiskAllocation,
    GovernanceChoice,
    GovernanceOption,
    HeadsOfServiceBriefing,
    KeyPerson,
    ReviewPoint,
    ReviewPointPosition,
    RiskAllocationPosition,
)

OPTION_FIELDS = (
    "name",
    "kind",
    "proposed_by",
    "setup_cost_gbp",
    "annual_running_cost_gbp",
    "benefits",
    "risks",
)
KEY_PERSON_FIELDS = ("name", "role", "in_delivery_team", "notes")
MEETING_FIELDS = ("bidder", "held_on", "purpose", "council_attendees", "bidder_attendees", "notes")
BRIEFING_FIELDS = ("held_on", "attendees", "covered")
CONCERN_FIELDS = ("raised_by", "concern", "answer", "answered_on")
REVIEW_POINT_FIELDS = ("title", "contract_year", "council_position")
REVIEW_POSITION_FIELDS = ("bidder", "position", "agreed")
COUNCIL_ALLOCATION_FIELDS = ("category", "allocation", "notes")
RISK_POSITION_FIELDS = ("bidder", "category", "allocation", "comment", "agreed")

REASON_REQUIRED = "Enter why this option was chosen"
FUTURE_MEETING = "The meeting date cannot be in the future: log a meeting once it has happened"
FUTURE_BRIEFING = "The briefing date cannot be in the future: record a briefing once it has happened"
FUTURE_CHOICE = "The date chosen cannot be in the future"
ANSWER_DATE_WITHOUT_ANSWER = "Enter how the concern was answered, or leave the date answered blank"
ANSWER_BEFORE_BRIEFING = "The date answered cannot be before the briefing"


def _require_editor(user: Any) -> None:
    if not can_edit(user):
        raise PermissionDenied("Only council editors and administrators can change the procurement records")


def _assign(record: Any, data: Mapping[str, Any], fields: Iterable[str]) -> None:
    for key in fields:
        if key in data:
            setattr(record, key, data[key])


def _save(record: Any, user: Any, reason: str = "") -> None:
    record.full_clean()
    save_as(record, user, reason)


def _check_bidder(partnership: Partnership, bidder: Bidder | None, field: str = "bidder") -> None:
    if bidder is not None and bidder.partnership_id != partnership.pk:
        raise ValidationError({field: "Choose a bidder of this partnership"})


def _not_in_future(value: dt.date | None, field: str, message: str, today: dt.date | None) -> None:
    if value is not None and value > (today or dt.date.today()):
        raise ValidationError({field: message})


# -------------------------------------------------------------------------------------------------------
# Governance options and the choice (P-GOV-1)


@transaction.atomic
def governance_option_save(
    *, user: Any, partnership: Partnership, data: Mapping[str, Any], option: GovernanceOption | None = None
) -> GovernanceOption:
    _require_editor(user)
    if option is None:
        option = GovernanceOption(partnership=partnership)
    elif option.partnership_id != partnership.pk:
        raise ValidationError("That governance option belongs to another partnership")
    _check_bidder(partnership, data.get("proposed_by"), "proposed_by")
    name = str(data.get("name", option.name)).strip()
    clash = GovernanceOption.objects.filter(partnership=partnership, name__iexact=name).exclude(pk=option.pk)
    if clash.exists():
        raise ValidationError(
            {"name": f"There is already an option called “{name}”: give this one another name"}
        )
    _assign(option, data, OPTION_FIELDS)
    _save(option, user, "Governance option added" if option.pk is None else "")
    return option


@transaction.atomic
def governance_choose(
    *, user: Any, partnership: Partnership, data: Mapping[str, Any], today: dt.date | None = None
) -> GovernanceChoice:
    """Record (or change) the chosen option: at most one a partnership, always with who, when and why."""
    _require_editor(user)
    option = data.get("option")
    if not isinstance(option, GovernanceOption) or option.partnership_id != partnership.pk:
        raise ValidationError({"option": "Choose one of this partnership's governance options"})
    reason = str(data.get("reason") or "").strip()
    if not reason:
        raise ValidationError({"reason": REASON_REQUIRED})
    _not_in_future(data.get("chosen_on"), "chosen_on", FUTURE_CHOICE, today)
    choice = GovernanceChoice.objects.filter(partnership=partnership).first()
    if choice is None:
        choice = GovernanceChoice(partnership=partnership)
    choice.option = option
    choice.reason = reason
    choice.chosen_on = data.get("chosen_on") or today or dt.date.today()
    choice.chosen_by = user
    _save(choice, user, f"Chose {option.name}")
    return choice


# -------------------------------------------------------------------------------------------------------
# Key people (P-TR-1)


@transaction.atomic
def key_person_save(
    *, user: Any, bidder: Bidder, data: Mapping[str, Any], person: KeyPerson | None = None
) -> KeyPerson:
    _require_editor(user)
    if person is None:
        person = KeyPerson(bidder=bidder)
    elif person.bidder_id != bidder.pk:
        raise ValidationError("That person was named in another bid")
    _assign(person, data, KEY_PERSON_FIELDS)
    _save(person, user, "Key person added" if person.pk is None else "")
    return person


# -------------------------------------------------------------------------------------------------------
# Meetings with bidders (P-TR-2)


@transaction.atomic
def meeting_save(
    *,
    user: Any,
    partnership: Partnership,
    data: Mapping[str, Any],
    meeting: BidderMeeting | None = None,
    today: dt.date | None = None,
) -> BidderMeeting:
    _require_editor(user)
    if meeting is None:
        meeting = BidderMeeting(partnership=partnership)
    elif meeting.partnership_id != partnership.pk:
        raise ValidationError("That meeting belongs to another partnership")
    _check_bidder(partnership, data.get("bidder"))
    _not_in_future(data.get("held_on"), "held_on", FUTURE_MEETING, today)
    _assign(meeting, data, MEETING_FIELDS)
    _save(meeting, user, "Meeting logged" if meeting.pk is None else "")
    return meeting


# -------------------------------------------------------------------------------------------------------
# Heads-of-service briefings (P-INC-1)


@transaction.atomic
def briefing_save(
    *,
    user: Any,
    partnership: Partnership,
    data: Mapping[str, Any],
    briefing: HeadsOfServiceBriefing | None = None,
    today: dt.date | None = None,
) -> HeadsOfServiceBriefing:
    _require_editor(user)
    if briefing is None:
        briefing = HeadsOfServiceBriefing(partnership=partnership)
    elif briefing.partnership_id != partnership.pk:
        raise ValidationError("That briefing belongs to another partnership")
    services = list(data.get("services") or [])
    in_scope = set(partnership.services.values_list("pk", flat=True))
    outside = [service.name for service in services if service.pk not in in_scope]
    if outside:
        raise ValidationError(
            {"services": f"Choose only services in the partnership; not {', '.join(sorted(outside))}"}
        )
    _not_in_future(data.get("held_on"), "held_on", FUTURE_BRIEFING, today)
    _assign(briefing, data, BRIEFING_FIELDS)
    _save(briefing, user, "Briefing recorded" if briefing.pk is None else "")
    if "services" in data:
        briefing.services.set(services)
    return briefing


@transaction.atomic
def concern_save(
    *,
    user: Any,
    briefing: HeadsOfServiceBriefing,
    data: Mapping[str, Any],
    concern: BriefingConcern | None = None,
) -> BriefingConcern:
    _require_editor(user)
    if concern is None:
        concern = BriefingConcern(briefing=briefing)
    elif concern.briefing_id != briefing.pk:
        raise ValidationError("That concern was raised at another briefing")
    answer = str(data.get("answer") or "").strip()
    answered_on = data.get("answered_on")
    if answered_on is not None and not answer:
        raise ValidationError({"answer": ANSWER_DATE_WITHOUT_ANSWER})
    if answered_on is not None and answered_on < briefing.held_on:
        raise ValidationError({"answered_on": ANSWER_BEFORE_BRIEFING})
    _assign(concern, data, CONCERN_FIELDS)
    _save(concern, user, "Concern recorded" if concern.pk is None else "")
    return concern


# -------------------------------------------------------------------------------------------------------
# Bidders' positions on review points (P-FLX-2) and on risk allocation (P-RM-1)


@transaction.atomic
def review_point_save(
    *, user: Any, partnership: Partnership, data: Mapping[str, Any], point: ReviewPoint | None = None
) -> ReviewPoint:
    _require_editor(user)
    if point is None:
        point = ReviewPoint(partnership=partnership)
    elif point.partnership_id != partnership.pk:
        raise ValidationError("That review point belongs to another partnership")
    year = data.get("contract_year")
    term = partnership.term_years
    if year is not None and term and year > term:
        raise ValidationError(
            {"contract_year": f"The contract year must be within the {term}-year term, not year {year}"}
        )
    _assign(point, data, REVIEW_POINT_FIELDS)
    _save(point, user, "Review point added" if point.pk is None else "")
    return point


@transaction.atomic
def review_position_save(
    *,
    user: Any,
    point: ReviewPoint,
    data: Mapping[str, Any],
    position: ReviewPointPosition | None = None,
) -> ReviewPointPosition:
    _require_editor(user)
    if position is None:
        position = ReviewPointPosition(review_point=point)
    elif position.review_point_id != point.pk:
        raise ValidationError("That position is on another review point")
    bidder = data.get("bidder", position.bidder if position.bidder_id else None)
    _check_bidder(point.partnership, bidder)
    if (
        bidder is not None
        and ReviewPointPosition.objects.filter(review_point=point, bidder=bidder)
        .exclude(pk=position.pk)
        .exists()
    ):
        raise ValidationError(
            {"bidder": f"{bidder} already has a position on this review point: change that one instead"}
        )
    _assign(position, data, REVIEW_POSITION_FIELDS)
    _save(position, user, "Position recorded" if position.pk is None else "")
    return position


@transaction.atomic
def council_allocation_save(
    *,
    user: Any,
    partnership: Partnership,
    data: Mapping[str, Any],
    allocation: CouncilRiskAllocation | None = None,
) -> CouncilRiskAllocation:
    _require_editor(user)
    if allocation is None:
        allocation = CouncilRiskAllocation(partnership=partnership)
    elif allocation.partnership_id != partnership.pk:
        raise ValidationError("That allocation belongs to another partnership")
    category = data.get("category", allocation.category if allocation.category_id else None)
    if (
        category is not None
        and CouncilRiskAllocation.objects.filter(partnership=partnership, category=category)
        .exclude(pk=allocation.pk)
        .exists()
    ):
        message = f"The council's allocation of {category} is recorded already: change that one instead"
        raise ValidationError({"category": message})
    _assign(allocation, data, COUNCIL_ALLOCATION_FIELDS)
    _save(allocation, user, "Council's allocation recorded" if allocation.pk is None else "")
    return allocation


@transaction.atomic
def risk_position_save(
    *,
    user: Any,
    partnership: Partnership,
    data: Mapping[str, Any],
    position: RiskAllocationPosition | None = None,
) -> RiskAllocationPosition:
    _require_editor(user)
    if position is None:
        position = RiskAllocationPosition()
    elif position.bidder.partnership_id != partnership.pk:
        raise ValidationError("That position belongs to another partnership")
    bidder = data.get("bidder", position.bidder if position.bidder_id else None)
    category = data.get("category", position.category if position.category_id else None)
    _check_bidder(partnership, bidder)
    if (
        bidder is not None
        and category is not None
        and RiskAllocationPosition.objects.filter(bidder=bidder, category=category)
        .exclude(pk=position.pk)
        .exists()
    ):
        raise ValidationError(
            {"category": f"{bidder}'s position on {category} is recorded already: change that one instead"}
        )
    _assign(position, data, RISK_POSITION_FIELDS)
    _save(position, user, "Position recorded" if position.pk is None else "")
    return position
