"""Demo records of the procurement area's governance part, on the procurement-stage partnership: a contract
option and a joint-venture option (proposed by Meridian) with the contract chosen; key people for Corvane
(five named, three in the delivery team) and Meridian; six meetings with bidders; two heads-of-service
briefings with concerns (one still open); the positions of both shortlisted bidders on two review points and
on the risk categories. Written through the services, fixed, and created only where missing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta

from forbetter.demo.partnerships import PROCUREMENT
from forbetter.partnerships.models import Partnership
from forbetter.procurement.governance import services
from forbetter.procurement.models import (
    Bidder,
    BidderMeeting,
    CouncilRiskAllocation,
    GovernanceChoice,
    GovernanceKind,
    GovernanceOption,
    HeadsOfServiceBriefing,
    KeyPerson,
    ReviewPoint,
    RiskAllocationPosition,
)
from forbetter.risks.models import Allocation, CategoryScheme, Risk, RiskCategory
from forbetter.risks.reference import load_risk_categories

CONTRACT_OPTION = "Long-term services contract"
JVC_OPTION = "Joint-venture company with the council as shareholder"
CHOICE_REASON = (
    "Cabinet chose the contract on the officers' recommendation: it costs far less to set up and run, the "
    "council keeps clear contractual remedies, and the joint venture's promised share of third-party income "
    "rested on trading growth neither council needs. Decided at Cabinet, with both councils' agreement."
)

KEY_PEOPLE: dict[str, list[tuple[str, str, bool | None]]] = {
    "Corvane Partnerships plc": [
        ("Helen Marsh", "Contract director", True),
        ("Owen Pryce", "Head of revenues and benefits transformation", True),
        ("Leila Haddad", "Finance and commercial lead", True),
        ("Graham Tate", "Bid director", False),
        ("Nadia Kowalski", "ICT solution architect", False),
    ],
    "Meridian Public Services Ltd": [
        ("Rory Flynn", "Partnership director", None),
        ("Amira Said", "Service transformation lead", None),
        ("Peter Lowe", "Property services lead", None),
        ("Joanne Reid", "HR and staff transfer lead", None),
    ],
}

# (bidder, months after procurement began, purpose, council attendees, bidder attendees)
MEETINGS = [
    (
        "Thistledown Civic Ltd",
        3,
        "Site visit to the revenues and benefits office",
        "Head of Revenues and Benefits\nBenefits team leader",
        "Bid director\nOperations lead",
    ),
    (
        "Corvane Partnerships plc",
        3,
        "Site visit to the revenues and benefits office",
        "Head of Revenues and Benefits\nBenefits team leader",
        "Bid director\nRevenues lead",
    ),
    (
        "Meridian Public Services Ltd",
        3,
        "Site visit to the revenues and benefits office",
        "Head of Revenues and Benefits\nBenefits team leader",
        "Partnership director\nTransformation lead",
    ),
    (
        "Corvane Partnerships plc",
        5,
        "Meeting with staff who may transfer: property and estates",
        "Head of Property\nTwo estates surveyors\nUNISON representative",
        "Contract director\nHR lead",
    ),
    (
        "Meridian Public Services Ltd",
        5,
        "Meeting with staff who may transfer: property and estates",
        "Head of Property\nTwo estates surveyors\nUNISON representative",
        "HR and staff transfer lead\nProperty services lead",
    ),
    (
        "Corvane Partnerships plc",
        6,
        "Clarification of the procurement service's category management",
        "Head of Procurement",
        "Finance and commercial lead",
    ),
]

# (months after procurement began, attendees, services, covered,
#  [(raised by, concern, answer, days to answer)])
BRIEFINGS: list[tuple[int, str, list[str], str, list[tuple[str, str, str, int | None]]]] = [
    (
        2,
        "Head of Revenues and Benefits\nHead of Procurement\nHead of Property",
        ["Revenues and benefits", "Procurement", "Property and estates"],
        "The aims of the partnership (a shared back office for both councils, savings of 15% by year 3), the "
        "procurement timetable, how services will be specified by outcome, and the client-side role heads of "
        "service will keep.",
        [
            (
                "Head of Revenues and Benefits",
                "Will the council keep control of discretionary housing payments?",
                "Yes: decisions on discretionary payments stay with the council; the partner only processes "
                "them.",
                0,
            ),
            (
                "Head of Property",
                "Who will hold the budget for reactive repairs?",
                "The council keeps the budget; the partner manages repairs within an agreed annual sum.",
                14,
            ),
        ],
    ),
    (
        6,
        "Head of Revenues and Benefits\nHead of Procurement",
        ["Revenues and benefits", "Procurement"],
        "The two shortlisted solutions in outline, the draft performance indicators for each service, and "
        "how heads of service will report contract performance to the partnership board.",
        [
            (
                "Head of Procurement",
                "How will the council's own buyers work alongside the partner's category managers?",
                "Set out in the draft operating model: the council's buyers keep sign-off of contracts over "
                "£100,000.",
                10,
            ),
            (
                "Head of Revenues and Benefits",
                "Will staff who stay with the council keep their place on the councils' own pay scales?",
                "",
                None,
            ),
        ],
    ),
]

REVIEW_POINTS = [
    (
        "Review of the payment mechanism and indicators",
        3,
        "A joint review of the indicators, targets and deductions after three years, with changes agreed by "
        "both sides.",
        {
            "Corvane Partnerships plc": ("Agrees to a joint review in year 3.", True),
            "Meridian Public Services Ltd": (
                "Agrees, but only to change targets, not the deduction rates.",
                False,
            ),
        },
    ),
    (
        "Review of the bundle of services",
        5,
        "A formal review in year 5 of which services are in the contract, with the right to take a service "
        "back without compensation.",
        {
            "Corvane Partnerships plc": (
                "Agrees to the review; asks for compensation for unrecovered investment if a service is "
                "taken back.",
                False,
            ),
            "Meridian Public Services Ltd": (
                "Agrees to the review and the right to take a service back.",
                True,
            ),
        },
    ),
]


def _categories(partnership: Partnership) -> list[RiskCategory]:
    """The categories of the partnership's risk register (or the first service-delivery categories)."""
    in_register = RiskCategory.objects.filter(
        pk__in=Risk.objects.filter(partnership=partnership).values("category")
    ).order_by("order")
    found = list(in_register)
    return found or list(RiskCategory.objects.filter(scheme=CategoryScheme.SSP).order_by("order")[:5])


def _council_allocation(partnership: Partnership, category: RiskCategory) -> str | None:
    """The single allocation of the register's risks in the category (None when they are mixed)."""
    allocations = set(
        Risk.objects.filter(partnership=partnership, category=category).values_list("allocation", flat=True)
    )
    return allocations.pop() if len(allocations) == 1 else None


ASKS: dict[str, str] = {
    Allocation.SHARED: "shared",
    Allocation.COUNCIL: "the council's",
    Allocation.PARTNER: "the partner's",
}


def _other(allocation: str) -> str:
    return Allocation.SHARED if allocation != Allocation.SHARED else Allocation.COUNCIL


def seed(
    people: dict[str, Any], partnerships_by_name: dict[str, Partnership], *, today: dt.date | None = None
) -> None:
    """Seed this part's demo records where they are missing (idempotent)."""
    from forbetter.demo.procurement import competition

    partnership = partnerships_by_name.get(PROCUREMENT)
    if partnership is None:
        return
    today = today or dt.date.today()
    editor = people["editor@ashcombe.example"]
    bidders = competition(partnership, today=today).bidders
    began = partnership.procurement_began_on or today - relativedelta(months=10)
    _seed_options(partnership, editor, bidders, began, today)
    _seed_key_people(editor, bidders)
    _seed_meetings(partnership, editor, bidders, began, today)
    _seed_briefings(partnership, editor, began, today)
    _seed_positions(partnership, editor, bidders)


def _seed_options(
    partnership: Partnership, editor: Any, bidders: dict[str, Bidder], began: dt.date, today: dt.date
) -> None:
    if GovernanceOption.objects.filter(partnership=partnership).exists():
        return
    contract = services.governance_option_save(
        user=editor,
        partnership=partnership,
        data={
            "name": CONTRACT_OPTION,
            "kind": GovernanceKind.CONTRACT,
            "proposed_by": None,
            "setup_cost_gbp": Decimal(180_000),
            "annual_running_cost_gbp": Decimal(95_000),
            "benefits": "Clear remedies through the payment mechanism and termination rights.\n"
            "Simple to set up; both councils and bidders know the model.",
            "risks": "Less scope to share in the partner's income from other customers.\n"
            "Change needs contract variations.",
        },
    )
    services.governance_option_save(
        user=editor,
        partnership=partnership,
        data={
            "name": JVC_OPTION,
            "kind": GovernanceKind.JOINT_VENTURE,
            "proposed_by": bidders["Meridian Public Services Ltd"],
            "setup_cost_gbp": Decimal(650_000),
            "annual_running_cost_gbp": Decimal(240_000),
            "benefits": "A 20% share of profits from selling services to other councils.\n"
            "A seat on the company's board for each council.",
            "risks": "Directors' duties may conflict with the councils' interests.\n"
            "Trading growth is uncertain; the councils' equity is at risk.",
        },
    )
    if not GovernanceChoice.objects.filter(partnership=partnership).exists():
        services.governance_choose(
            user=editor,
            partnership=partnership,
            data={
                "option": contract,
                "chosen_on": min(today, began + relativedelta(months=6)),
                "reason": CHOICE_REASON,
            },
            today=today,
        )


def _seed_key_people(editor: Any, bidders: dict[str, Bidder]) -> None:
    for name, people in KEY_PEOPLE.items():
        bidder = bidders[name]
        if KeyPerson.objects.filter(bidder=bidder).exists():
            continue
        for person, role, in_team in people:
            services.key_person_save(
                user=editor, bidder=bidder, data={"name": person, "role": role, "in_delivery_team": in_team}
            )


def _seed_meetings(
    partnership: Partnership, editor: Any, bidders: dict[str, Bidder], began: dt.date, today: dt.date
) -> None:
    if BidderMeeting.objects.filter(partnership=partnership).exists():
        return
    for offset, (name, months, purpose, council, bidder_side) in enumerate(MEETINGS):
        services.meeting_save(
            user=editor,
            partnership=partnership,
            data={
                "bidder": bidders[name],
                "held_on": min(today, began + relativedelta(months=months, days=offset * 2)),
                "purpose": purpose,
                "council_attendees": council,
                "bidder_attendees": bidder_side,
                "notes": "",
            },
            today=today,
        )


def _seed_briefings(partnership: Partnership, editor: Any, began: dt.date, today: dt.date) -> None:
    if HeadsOfServiceBriefing.objects.filter(partnership=partnership).exists():
        return
    services_by_name = {service.name: service for service in partnership.services.all()}
    for months, attendees, service_names, covered, concerns in BRIEFINGS:
        held_on = min(today, began + relativedelta(months=months))
        briefing = services.briefing_save(
            user=editor,
            partnership=partnership,
            data={
                "held_on": held_on,
                "attendees": attendees,
                "services": [services_by_name[name] for name in service_names if name in services_by_name],
                "covered": covered,
            },
            today=today,
        )
        for raised_by, concern, answer, days in concerns:
            services.concern_save(
                user=editor,
                briefing=briefing,
                data={
                    "raised_by": raised_by,
                    "concern": concern,
                    "answer": answer,
                    "answered_on": min(today, held_on + dt.timedelta(days=days))
                    if days is not None
                    else None,
                },
            )


def _seed_positions(partnership: Partnership, editor: Any, bidders: dict[str, Bidder]) -> None:
    shortlisted = [bidders["Corvane Partnerships plc"], bidders["Meridian Public Services Ltd"]]
    if not ReviewPoint.objects.filter(partnership=partnership).exists():
        for title, year, council, positions in REVIEW_POINTS:
            point = services.review_point_save(
                user=editor,
                partnership=partnership,
                data={"title": title, "contract_year": year, "council_position": council},
            )
            for bidder in shortlisted:
                text, agreed = positions[bidder.name]
                services.review_position_save(
                    user=editor, point=point, data={"bidder": bidder, "position": text, "agreed": agreed}
                )
    if RiskAllocationPosition.objects.filter(bidder__in=shortlisted).exists():
        return
    if not RiskCategory.objects.exists():
        load_risk_categories()
    categories = _categories(partnership)
    unregistered = RiskCategory.objects.filter(code="forceMajeure").first()
    if unregistered is not None and unregistered in categories:
        unregistered = None
    if (
        unregistered is not None
        and not CouncilRiskAllocation.objects.filter(partnership=partnership).exists()
    ):
        services.council_allocation_save(
            user=editor,
            partnership=partnership,
            data={
                "category": unregistered,
                "allocation": Allocation.SHARED,
                "notes": "No risk in the register for it yet; the council proposes to share these.",
            },
        )
        categories.append(unregistered)
    council_by_category: dict[int, str | None] = {
        category.pk: Allocation.SHARED
        if category == unregistered
        else _council_allocation(partnership, category)
        for category in categories
    }
    # Corvane differs from the council on one category with a single allocation, Meridian on two.
    definite = [category for category in categories if council_by_category[category.pk] is not None]
    differing = {"Corvane Partnerships plc": definite[1:2], "Meridian Public Services Ltd": definite[1:3]}
    for bidder in shortlisted:
        for category in categories:
            differs = category in differing[bidder.name]
            allocation = council_by_category[category.pk] or Allocation.SHARED
            proposed = _other(allocation) if differs else allocation
            services.risk_position_save(
                user=editor,
                partnership=partnership,
                data={
                    "bidder": bidder,
                    "category": category,
                    "allocation": proposed,
                    "comment": (f"Asks for these risks to be {ASKS[proposed]}." if differs else ""),
                    "agreed": not differs,
                },
            )
