"""The incentives pages of the procurement area in real Chromium, each checked by axe-core against WCAG 2.2
AA with zero violations: priced offers and the step into the business case (with its error), the bidders'
mechanisms side by side, one mechanism month by month, its forms with an error, and a KPI's agreement page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from forbetter.accounts.models import Role
from forbetter.performance.models import KpiAgreement
from forbetter.procurement.incentives import services
from forbetter.procurement.models import PricingType
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.factories import PASSWORD, make_kpi
from tests.web.test_appraisal_services import build_version
from tests.web.test_procurement_incentives import BANDS, _competition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def incentives(world: World) -> dict[str, Any]:
    editor = world.users[Role.COUNCIL_EDITOR]
    build_version(editor, world.ours, years=4)
    bidder, first = _competition(world.ours)
    offer = services.offer_save(
        user=editor,
        partnership=world.ours,
        data={"bidder": bidder, "round": first, "contract_years": 4, "prices": "real"},
        charges=[Decimal(90)],
    )
    mechanism = services.mechanism_save(
        user=editor,
        partnership=world.ours,
        data={
            "bidder": bidder,
            "pricing_type": PricingType.FIXED_PRICE,
            "monthly_charge_gbp": Decimal(100_000),
            "indexed_share": Decimal(0),
            "points_threshold": 20,
            "point_value_gbp": Decimal(3),
            "cap": Decimal("0.1"),
        },
        bands=BANDS,
    )
    kpi = make_kpi(world.ours, agreement=KpiAgreement.PROPOSED)
    return {"offer": offer, "mechanism": mechanism, "kpi": kpi}


def test_editor_prices_a_bid_and_compares_mechanisms(
    page: Any, world: World, incentives: dict[str, Any]
) -> None:
    pk = world.ours.pk
    sign_in(page, "editor@a.test", PASSWORD)
    page.goto(reverse("procurement:overview", args=[pk]))
    page.get_by_role("link", name="Bids priced", exact=True).click()
    expect(page.get_by_role("heading", name="Bids priced into the business case")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Record a priced offer").click()
    page.get_by_role("button", name="Save offer").click()
    assert "Enter the bidder's yearly charges" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()

    page.get_by_role("link", name="Price into a new version").click()
    page.get_by_role("button", name="Create the new version").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter why this bid is being priced into the business case" in summary
    assert_accessible(page)
    page.get_by_label("Why this bid is being priced into the business case").fill("Round 1 prices")
    page.get_by_role("button", name="Create the new version").click()
    assert (
        "Version 2 of the business case built from" in page.locator(".govuk-notification-banner").inner_text()
    )
    assert_accessible(page)

    page.goto(reverse("procurement:bidder-mechanisms", args=[pk]))
    expect(page.get_by_role("heading", name="What each pricing mechanism incentivises")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Corvane Partnerships plc").first.click()
    expect(page.get_by_role("heading", name="Persistent failure")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Change the mechanism").click()
    page.get_by_label("Band 2: From point").fill("150")
    page.get_by_label("Band 2: Multiplier").fill("1.2")
    page.get_by_role("button", name="Save mechanism").click()
    assert "leaving a gap" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("link", name="Change the scenarios").click()
    page.get_by_label("Steady performance: points in months 1 to 12").fill("1, 2")
    page.get_by_role("button", name="Save scenarios").click()
    assert "enter 12 months of points" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)

    page.goto(reverse("performance:kpi-agreement", args=[pk, incentives["kpi"].pk]))
    assert_accessible(page)
    page.get_by_role("button", name="Move the KPI").click()
    expect(page.get_by_text("Negotiated: returns start once the KPI is agreed")).to_be_visible()
    assert_accessible(page)
