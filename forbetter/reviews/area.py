"""The partnership reviews area: reviews of the whole partnership and its bundle of services, with a
decision per service (framework action C-FLX-1), and responsiveness to change (the contract's change
mechanisms and scenarios priced through them). Completed reviews are read by council and partner users;
planned and in-progress reviews, the change mechanisms and the scenarios are council-only. Declared once for
navigation, evidence, the demo and the permission matrix (see :mod:`forbetter.core.areas`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from forbetter.core.areas import Area, Section, Who, confirm, first_pk, form, page
from forbetter.partnerships.models import Partnership, ServiceArea
from forbetter.reviews import pack, selectors, services
from forbetter.reviews.dates import next_reviews
from forbetter.reviews.evidence_providers import completed_reviews
from forbetter.reviews.models import (
    PartnershipReview,
    PricingTerms,
    ReviewStatus,
    Scenario,
    ServiceDecision,
    ServiceMechanism,
)
from forbetter.reviews.reminders import review_reminders

COUNCIL = Who.COUNCIL


def _review(status: str) -> Any:
    def kwargs(partnership: Partnership) -> dict[str, int]:
        reviews = PartnershipReview.objects.filter(partnership=partnership)
        if status == ReviewStatus.COMPLETED:
            reviews = reviews.filter(status=status)
        else:
            reviews = reviews.exclude(status=ReviewStatus.COMPLETED)
        return {"review_pk": first_pk(reviews, f"{status} partnership review")}

    return kwargs


def _decision(partnership: Partnership) -> dict[str, int]:
    found = _review(ReviewStatus.COMPLETED)(partnership)
    decisions = ServiceDecision.objects.filter(review_id=found["review_pk"])
    return {**found, "decision_pk": first_pk(decisions, "review decision")}


def _mechanism(partnership: Partnership) -> dict[str, int]:
    return {
        "mechanism_pk": first_pk(ServiceMechanism.objects.filter(partnership=partnership), "change mechanism")
    }


def _scenario(partnership: Partnership) -> dict[str, int]:
    return {"scenario_pk": first_pk(Scenario.objects.filter(partnership=partnership), "scenario")}


def examples(partnership: Partnership, user: Any, today: dt.date | None = None) -> None:
    """A service in the bundle with its change mechanisms, the change terms, a scenario, a completed review
    with two decisions (so one can be removed) and a planned review."""
    today = today or dt.date.today()
    service = partnership.services.order_by("pk").first()
    if service is None:
        service, _ = ServiceArea.objects.get_or_create(name="Highways")
        partnership.services.add(service)
    if not ServiceMechanism.objects.filter(partnership=partnership).exists():
        services.mechanism_save(
            user=user,
            partnership=partnership,
            data={
                "service": service,
                "annual_charge_gbp": Decimal(1_000_000),
                "variable_share": Decimal("0.6"),
                "tolerance_band": Decimal("0.05"),
                "increase_rate": Decimal(1),
                "decrease_rate": Decimal(1),
                "notice_months": 6,
                "compensation_share": Decimal("0.25"),
                "compensation_fixed_gbp": Decimal(0),
            },
        )
    if not PricingTerms.objects.filter(partnership=partnership).exists():
        services.terms_save(
            user=user,
            partnership=partnership,
            data={
                "price_basis": "cost_plus",
                "margin": Decimal("0.08"),
                "policy_council_share": Decimal("0.5"),
            },
        )
    if not Scenario.objects.filter(partnership=partnership).exists():
        mechanism = ServiceMechanism.objects.filter(partnership=partnership).select_related("service").first()
        services.scenario_save(
            user=user,
            partnership=partnership,
            data={
                "name": "Demand up 15%",
                "kind": "demand_up",
                "service": mechanism.service if mechanism else service,
                "demand_change": Decimal("0.15"),
                "first_year": today.year,
                "years": 5,
                "starts_in_year": 1,
            },
        )
    if not PartnershipReview.objects.filter(partnership=partnership, status=ReviewStatus.COMPLETED).exists():
        base = {
            "period_from": today - dt.timedelta(days=3 * 365),
            "period_to": today - dt.timedelta(days=1),
            "planned_on": today,
            "scope": "Every service in the bundle",
        }
        review = services.review_save(
            user=user, partnership=partnership, data={**base, "status": ReviewStatus.IN_PROGRESS}
        )
        services.decision_save(
            user=user, review=review, data={"service": service, "decision": "keep", "reason": "Performs well"}
        )
        services.decision_save(
            user=user,
            review=review,
            data={"new_service_name": "Example new service", "decision": "add", "reason": "Demand grows"},
        )
        services.review_save(
            user=user,
            partnership=partnership,
            review=review,
            data={
                **base,
                "status": ReviewStatus.COMPLETED,
                "completed_on": today,
                "findings": "Fit for purpose",
            },
        )
    if (
        not PartnershipReview.objects.filter(partnership=partnership)
        .exclude(status=ReviewStatus.COMPLETED)
        .exists()
    ):
        services.review_save(
            user=user,
            partnership=partnership,
            data={
                "period_from": today,
                "period_to": today + dt.timedelta(days=3 * 365),
                "planned_on": today + dt.timedelta(days=3 * 365),
                "scope": "Every service in the bundle",
                "status": ReviewStatus.PLANNED,
            },
        )


AREA = Area(
    glance=selectors.at_a_glance,
    glance_template="reviews/_glance.html",
    app="reviews",
    routes=(
        page("list"),
        form("review-create"),
        form("schedule-edit"),
        page("review", kwargs=_review(ReviewStatus.COMPLETED)),
        page("review", reads=COUNCIL, kwargs=_review(ReviewStatus.PLANNED), variant="planned"),
        form("review-edit", kwargs=_review(ReviewStatus.PLANNED)),
        form("decision-create", kwargs=_review(ReviewStatus.COMPLETED)),
        form("decision-edit", kwargs=_decision),
        confirm("decision-remove", kwargs=_decision),
        page("mechanisms", reads=COUNCIL),
        form("mechanism-create"),
        form("mechanism-edit", kwargs=_mechanism),
        form("terms-edit"),
        page("scenarios", reads=COUNCIL),
        form("scenario-create"),
        page("scenario", reads=COUNCIL, kwargs=_scenario),
        form("scenario-edit", kwargs=_scenario),
    ),
    sections=(Section("reviews", "Partnership reviews", "reviews:list", 78),),
    evidence=(completed_reviews,),
    demo="forbetter.demo.reviews",
    key_dates=next_reviews,
    examples=examples,
    reminders=review_reminders,
    pack_sections=pack.pack_sections,
)
