"""Demo partnership reviews and responsiveness to change for the highways and property partnership (contract
management): the council reviews the partnership every 3 years; one completed review of the first three and a
half years (keep highways, narrow the property scope, bring facilities management back in house, add street
lighting), the next review planned; the contract's change mechanisms for its three services, whose annual
charges add up to the payment mechanism's £2,000,000 a month; and four scenarios (highways demand up,
property demand down, facilities management withdrawn to run in house, a new inspection standard).
Fictional, fixed, written through the services and created only when missing, so seeding twice changes
nothing. The framework task C-FLX-1 then cites the completed review (``reconcile_tasks``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from forbetter.demo.partnerships import CONTRACT_MANAGEMENT
from forbetter.partnerships.models import Partnership, ServiceArea
from forbetter.reviews import services
from forbetter.reviews.models import (
    PartnershipReview,
    PricingTerms,
    ReviewSchedule,
    ReviewStatus,
    Scenario,
    ServiceMechanism,
)

HIGHWAYS = "Highways"
PROPERTY = "Property and estates"
FACILITIES = "Facilities management"

MECHANISMS = {
    # annual charge, variable share, band, increase rate, decrease rate, notice months, compensation, fixed
    HIGHWAYS: ("12000000", "0.55", "0.05", "1", "0.8", 12, "0.15", "0"),
    PROPERTY: ("7200000", "0.35", "0.10", "1.05", "0.9", 12, "0.20", "0"),
    FACILITIES: ("4800000", "0.50", "0.05", "1", "1", 6, "0.25", "150000"),
}

DECISIONS = [
    (
        HIGHWAYS,
        "",
        "keep",
        "Defects are repaired within target and the winter service held up in two hard "
        "winters; unit costs are in the best quartile of the comparator councils.",
    ),
    (
        PROPERTY,
        "",
        "change_scope",
        "The estate is shrinking as offices close: take the disposals programme out "
        "of scope and keep maintenance of the operational estate.",
    ),
    (
        FACILITIES,
        "",
        "in_house",
        "Cleaning and catering cost more than the council's own schools service for "
        "the same standard, and the partner adds little to it; notice to be served for next financial year.",
    ),
    (
        None,
        "Street lighting",
        "add",
        "The street-lighting contract ends next year; the partnership already "
        "runs the highways network and can take it on at the contract's margin.",
    ),
]

FINDINGS = """The partnership delivers highways well and is good value against comparator councils.
The property estate is smaller than when the contract was let: disposals no longer need a partner.
Facilities management costs more than the council's own service would, for the same standard.
The change mechanisms work but the tolerance bands are too wide for a shrinking estate."""


def seed(people: dict[str, Any], partnerships_by_name: dict[str, Partnership]) -> None:
    """Seed the contract-management partnership's reviews, change mechanisms and scenarios where missing."""
    partnership = partnerships_by_name.get(CONTRACT_MANAGEMENT)
    if partnership is None:
        return
    editor = people["editor@ashcombe.example"]
    today = timezone.localdate()
    if not ReviewSchedule.objects.filter(partnership=partnership).exists():
        services.schedule_save(user=editor, partnership=partnership, data={"interval_years": 3})
    _reviews(partnership, editor, today)
    _mechanisms(partnership, editor)
    _scenarios(partnership, editor, today)


def _service(name: str) -> ServiceArea:
    return ServiceArea.objects.get(name=name)


def _reviews(partnership: Partnership, editor: Any, today: dt.date) -> None:
    if PartnershipReview.objects.filter(partnership=partnership).exists():
        return
    started = partnership.contract_management_began_on or partnership.planned_start_on or today
    completed_on = today - relativedelta(months=5)
    base = {
        "period_from": started,
        "period_to": completed_on - relativedelta(months=1),
        "planned_on": completed_on - relativedelta(months=1),
        "scope": "Every service in the bundle (highways, property and estates, facilities management), the "
        "outcomes each achieves, its cost against comparator councils, and whether the contract's change "
        "mechanisms still fit.",
        "participants": "Council: director of place, head of commissioning, finance business partner.\n"
        "Meridian: managing director, operations director.",
    }
    review = services.review_save(
        user=editor, partnership=partnership, data={**base, "status": ReviewStatus.IN_PROGRESS}
    )
    for service, new_name, decision, reason in DECISIONS:
        services.decision_save(
            user=editor,
            review=review,
            data={
                "service": _service(service) if service else None,
                "new_service_name": new_name,
                "decision": decision,
                "reason": reason,
            },
        )
    services.review_save(
        user=editor,
        partnership=partnership,
        review=review,
        data={**base, "status": ReviewStatus.COMPLETED, "completed_on": completed_on, "findings": FINDINGS},
    )
    services.review_save(
        user=editor,
        partnership=partnership,
        data={
            "period_from": completed_on,
            "period_to": completed_on + relativedelta(years=3, days=-1),
            "planned_on": completed_on + relativedelta(years=3),
            "status": ReviewStatus.PLANNED,
            "scope": "The bundle after facilities management comes back in house and street lighting is "
            "added; "
            "whether to take up the extension option.",
        },
    )


def _mechanisms(partnership: Partnership, editor: Any) -> None:
    for name, (charge, variable, band, up, down, notice, share, fixed) in MECHANISMS.items():
        service = _service(name)
        if ServiceMechanism.objects.filter(partnership=partnership, service=service).exists():
            continue
        services.mechanism_save(
            user=editor,
            partnership=partnership,
            data={
                "service": service,
                "annual_charge_gbp": Decimal(charge),
                "variable_share": Decimal(variable),
                "tolerance_band": Decimal(band),
                "increase_rate": Decimal(up),
                "decrease_rate": Decimal(down),
                "notice_months": notice,
                "compensation_share": Decimal(share),
                "compensation_fixed_gbp": Decimal(fixed),
                "notes": "Schedule 7 (change protocol) and schedule 9 (partial termination) of the contract.",
            },
        )
    if not PricingTerms.objects.filter(partnership=partnership).exists():
        services.terms_save(
            user=editor,
            partnership=partnership,
            data={
                "price_basis": "cost_plus",
                "margin": Decimal("0.08"),
                "policy_council_share": Decimal("0.6"),
                "notes": "Schedule 7, paragraph 4: qualifying changes in law are shared 60:40.",
            },
        )


def _scenarios(partnership: Partnership, editor: Any, today: dt.date) -> None:
    if Scenario.objects.filter(partnership=partnership).exists():
        return
    first_year = today.year if today.month >= 4 else today.year - 1
    common = {"first_year": first_year, "years": 5}
    for data in (
        {
            "name": "Highways demand up 15% with the new housing",
            "kind": "demand_up",
            "service": _service(HIGHWAYS),
            "demand_change": Decimal("0.15"),
            "starts_in_year": 2,
            "description": "Four thousand new homes add adopted roads from year 2.",
        },
        {
            "name": "Property estate shrinks by 20%",
            "kind": "demand_down",
            "service": _service(PROPERTY),
            "demand_change": Decimal("0.20"),
            "starts_in_year": 1,
            "description": "Office closures agreed in the asset strategy.",
        },
        {
            "name": "Facilities management brought back in house",
            "kind": "service_withdrawn",
            "service": _service(FACILITIES),
            "in_house_annual_cost_gbp": Decimal("4300000"),
            "starts_in_year": 2,
            "description": "The review's decision: the council's own service runs it from year 2.",
        },
        {
            "name": "New highway inspection standard",
            "kind": "policy_change",
            "policy_annual_cost_gbp": Decimal("350000"),
            "starts_in_year": 1,
            "description": "A national code of practice doubles safety inspections on minor roads.",
        },
    ):
        services.scenario_save(user=editor, partnership=partnership, data={**common, **data})
