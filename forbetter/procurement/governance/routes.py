"""Who may use each URL of the procurement area's governance part, the records that address them, and the
part's evidence providers (combined by forbetter/procurement/area.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from forbetter.core.areas import Route, Who, first_pk, form, page
from forbetter.procurement import examples as shared
from forbetter.procurement.governance import evidence
from forbetter.procurement.models import (
    BidderMeeting,
    BriefingConcern,
    CouncilRiskAllocation,
    GovernanceKind,
    GovernanceOption,
    HeadsOfServiceBriefing,
    KeyPerson,
    ReviewPoint,
    ReviewPointPosition,
    RiskAllocationPosition,
)
from forbetter.risks.models import Allocation, RiskCategory
from forbetter.risks.reference import load_risk_categories

COUNCIL = Who.COUNCIL


def _option(partnership: Any) -> dict[str, int]:
    found = GovernanceOption.objects.filter(partnership=partnership)
    return {"option_pk": first_pk(found, "governance option")}


def _bidder(partnership: Any) -> dict[str, int]:
    return {"bidder_pk": first_pk(partnership.bidders.all(), "bidder")}


def _person(partnership: Any) -> dict[str, int]:
    return {"person_pk": first_pk(KeyPerson.objects.filter(bidder__partnership=partnership), "key person")}


def _meeting(partnership: Any) -> dict[str, int]:
    return {"meeting_pk": first_pk(BidderMeeting.objects.filter(partnership=partnership), "bidder meeting")}


def _briefing(partnership: Any) -> dict[str, int]:
    found = HeadsOfServiceBriefing.objects.filter(partnership=partnership)
    return {"briefing_pk": first_pk(found, "heads-of-service briefing")}


def _concern(partnership: Any) -> dict[str, int]:
    found = BriefingConcern.objects.filter(briefing__partnership=partnership)
    return {"concern_pk": first_pk(found, "briefing concern")}


def _point(partnership: Any) -> dict[str, int]:
    return {"point_pk": first_pk(ReviewPoint.objects.filter(partnership=partnership), "review point")}


def _review_position(partnership: Any) -> dict[str, int]:
    found = ReviewPointPosition.objects.filter(review_point__partnership=partnership)
    return {"position_pk": first_pk(found, "review-point position")}


def _allocation(partnership: Any) -> dict[str, int]:
    found = CouncilRiskAllocation.objects.filter(partnership=partnership)
    return {"allocation_pk": first_pk(found, "council risk allocation")}


def _risk_position(partnership: Any) -> dict[str, int]:
    found = RiskAllocationPosition.objects.filter(bidder__partnership=partnership)
    return {"position_pk": first_pk(found, "risk-allocation position")}


ROUTES: tuple[Route, ...] = (
    page("governance-options", reads=COUNCIL),
    form("governance-option-create"),
    form("governance-option-edit", kwargs=_option),
    form("governance-choice"),
    page("key-people-continuity", reads=COUNCIL),
    form("key-person-create", kwargs=_bidder),
    form("key-person-edit", kwargs=_person),
    page("bidder-meetings", reads=COUNCIL),
    form("bidder-meeting-create"),
    form("bidder-meeting-edit", kwargs=_meeting),
    page("service-briefings", reads=COUNCIL),
    form("service-briefing-create"),
    form("service-briefing-edit", kwargs=_briefing),
    form("briefing-concern-create", kwargs=_briefing),
    form("briefing-concern-edit", kwargs=_concern),
    page("bidder-review-positions", reads=COUNCIL),
    form("review-point-create"),
    form("review-point-edit", kwargs=_point),
    form("review-position-create", kwargs=_point),
    form("review-position-edit", kwargs=_review_position),
    page("bidder-risk-positions", reads=COUNCIL),
    form("council-allocation-create"),
    form("council-allocation-edit", kwargs=_allocation),
    form("risk-position-create"),
    form("risk-position-edit", kwargs=_risk_position),
)

EVIDENCE: tuple[Callable[[Any], Iterable[Any]], ...] = (
    evidence.governance_options,
    evidence.bidder_meetings,
    evidence.service_briefings,
    evidence.key_people,
    evidence.review_points,
)


def examples(partnership: Any, user: Any, today: dt.date | None = None) -> None:
    """Make sure the partnership has one record of each kind this part's URLs address (straight to the
    tables: the examples are fixtures, not a walk through the rules)."""
    today = today or dt.date.today()
    bidder = shared.bidder(partnership, today)
    GovernanceOption.objects.get_or_create(
        partnership=partnership,
        name="Contract",
        defaults={
            "kind": GovernanceKind.CONTRACT,
            "setup_cost_gbp": Decimal(50_000),
            "annual_running_cost_gbp": Decimal(20_000),
            "benefits": "Familiar to both sides",
            "risks": "Less flexible",
        },
    )
    KeyPerson.objects.get_or_create(bidder=bidder, name="Sam Lee", defaults={"role": "Contract director"})
    BidderMeeting.objects.get_or_create(
        partnership=partnership,
        bidder=bidder,
        defaults={
            "held_on": today,
            "purpose": "Site visit",
            "council_attendees": "Head of revenues",
            "bidder_attendees": "Bid director",
        },
    )
    briefing, _ = HeadsOfServiceBriefing.objects.get_or_create(
        partnership=partnership,
        defaults={"held_on": today, "attendees": "Head of revenues", "covered": "The partnership's aims"},
    )
    BriefingConcern.objects.get_or_create(briefing=briefing, defaults={"concern": "Staff transfer"})
    point, _ = ReviewPoint.objects.get_or_create(
        partnership=partnership,
        defaults={"title": "Review of the bundle of services", "council_position": "A review in year 5"},
    )
    ReviewPointPosition.objects.get_or_create(
        review_point=point, bidder=bidder, defaults={"position": "Agrees to a review in year 5"}
    )
    if not RiskCategory.objects.exists():
        load_risk_categories()
    category = RiskCategory.objects.order_by("order").first()
    CouncilRiskAllocation.objects.get_or_create(
        partnership=partnership, category=category, defaults={"allocation": Allocation.COUNCIL}
    )
    RiskAllocationPosition.objects.get_or_create(
        bidder=bidder, category=category, defaults={"allocation": Allocation.PARTNER}
    )
