"""The partnership review pages in real Chromium, each checked by axe-core against WCAG 2.2 AA with zero
violations: every page and form a council editor uses, and what a partner user sees."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from forbetter.accounts.models import Role
from forbetter.partnerships.models import ServiceArea
from forbetter.reviews import services
from forbetter.reviews.models import PartnershipReview, Scenario, ServiceMechanism
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = dt.date.today()


def _records(world: World) -> dict[str, Any]:
    editor = world.users[Role.COUNCIL_EDITOR]
    partnership = world.ours
    highways = ServiceArea.objects.get(name="Highways")
    partnership.services.add(highways)
    partnership.planned_start_on = TODAY - dt.timedelta(days=4 * 365)
    partnership.save()
    base = {
        "period_from": TODAY - dt.timedelta(days=3 * 365),
        "period_to": TODAY - dt.timedelta(days=30),
        "planned_on": TODAY - dt.timedelta(days=10),
        "scope": "Every service",
    }
    review = services.review_save(
        user=editor, partnership=partnership, data={**base, "status": "in_progress"}
    )
    decision = services.decision_save(
        user=editor, review=review, data={"service": highways, "decision": "keep", "reason": "Good value"}
    )
    services.decision_save(
        user=editor,
        review=review,
        data={"new_service_name": "Street lighting", "decision": "add", "reason": "Fit"},
    )
    services.review_save(
        user=editor,
        partnership=partnership,
        review=review,
        data={
            **base,
            "status": "completed",
            "completed_on": TODAY - dt.timedelta(days=5),
            "findings": "Works well",
        },
    )
    planned = services.review_save(
        user=editor,
        partnership=partnership,
        data={
            "period_from": TODAY,
            "period_to": TODAY + dt.timedelta(days=1000),
            "planned_on": TODAY + dt.timedelta(days=1000),
            "scope": "Every service",
            "status": "planned",
        },
    )
    mechanism = services.mechanism_save(
        user=editor,
        partnership=partnership,
        data={
            "service": highways,
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
    services.terms_save(
        user=editor,
        partnership=partnership,
        data={"price_basis": "cost_plus", "margin": Decimal("0.08"), "policy_council_share": Decimal("0.5")},
    )
    scenario = services.scenario_save(
        user=editor,
        partnership=partnership,
        data={
            "name": "Highways withdrawn",
            "kind": "service_withdrawn",
            "service": highways,
            "in_house_annual_cost_gbp": Decimal(900_000),
            "first_year": 2026,
            "years": 4,
            "starts_in_year": 2,
        },
    )
    return {
        "review": review,
        "decision": decision,
        "planned": planned,
        "mechanism": mechanism,
        "scenario": scenario,
    }


def test_editor_uses_every_review_page_and_form(page: Any, world: World) -> None:
    found = _records(world)
    pk = world.ours.pk
    sign_in(page, "editor@a.test", PASSWORD)
    page.goto(f"/partnerships/{pk}/")
    assert_accessible(page)  # the overview with the glance
    page.get_by_role("link", name="Partnership reviews", exact=True).first.click()
    expect(page.get_by_role("heading", name="Partnership reviews", exact=True)).to_be_visible()
    assert_accessible(page)
    base = f"/partnerships/{pk}/reviews"
    review, decision, planned = found["review"].pk, found["decision"].pk, found["planned"].pk
    for path in (
        f"{base}/{review}/",
        f"{base}/{planned}/",
        f"{base}/new/",
        f"{base}/interval/",
        f"{base}/{planned}/edit/",
        f"{base}/{review}/decisions/new/",
        f"{base}/{review}/decisions/{decision}/edit/",
        f"{base}/{review}/decisions/{decision}/remove/",
        f"{base}/change-mechanisms/",
        f"{base}/change-mechanisms/new/",
        f"{base}/change-mechanisms/{found['mechanism'].pk}/edit/",
        f"{base}/change-mechanisms/terms/",
        f"{base}/scenarios/",
        f"{base}/scenarios/new/",
        f"{base}/scenarios/{found['scenario'].pk}/",
        f"{base}/scenarios/{found['scenario'].pk}/edit/",
    ):
        page.goto(path)
        assert_accessible(page)
    page.goto(f"{base}/scenarios/{found['scenario'].pk}/")
    expect(page.get_by_text("In the year of withdrawal Highways costs")).to_be_visible()

    page.goto(f"{base}/{planned}/edit/")
    page.get_by_label("Completed", exact=True).check()
    page.get_by_role("button", name="Save the review").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "A review cannot be completed without its findings" in summary
    assert "A review cannot be completed without at least one decision" in summary
    assert_accessible(page)

    page.goto(f"{base}/scenarios/new/")
    page.get_by_label("Name", exact=True).fill("Policy")
    page.get_by_label("A change in policy or law").check()
    page.get_by_label("First financial year starting").fill("2026")
    page.get_by_role("button", name="Save and price the scenario").click()
    assert (
        "Enter the policy change's estimated cost a year" in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)
    page.get_by_label("Estimated cost a year (£, policy changes)").fill("£300k")
    page.get_by_role("button", name="Save and price the scenario").click()
    expect(page.get_by_role("heading", name="Policy", exact=True)).to_be_visible()
    expect(page.get_by_text("The council bears 50% of it (£150,000)")).to_be_visible()
    assert Scenario.objects.filter(name="Policy").exists()
    assert PartnershipReview.objects.count() == 2
    assert ServiceMechanism.objects.count() == 1


def test_partner_user_sees_completed_reviews_only(page: Any, world: World) -> None:
    found = _records(world)
    sign_in(page, "partner@p.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/reviews/")
    assert_accessible(page)
    expect(page.get_by_role("link", name="Change mechanisms")).to_have_count(0)
    page.get_by_role("link", name=str(found["review"])).first.click()
    expect(page.get_by_text("Works well")).to_be_visible()
    expect(page.get_by_text("Street lighting")).to_be_visible()
    assert_accessible(page)
