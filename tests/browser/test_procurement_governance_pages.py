"""The procurement area's governance pages (governance options and the choice, key people, meetings with
bidders, heads-of-service briefings, bidders' positions) in real Chromium, each checked by axe-core against
WCAG 2.2 AA with zero violations allowed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from forbetter.partnerships.models import ServiceArea
from forbetter.procurement.models import (
    Bidder,
    BidderMeeting,
    BriefingConcern,
    DialogueRound,
    GovernanceOption,
    HeadsOfServiceBriefing,
    KeyPerson,
    ReviewPoint,
    ReviewPointPosition,
    RiskAllocationPosition,
    RoundEntry,
)
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.factories import PASSWORD, make_risk, risk_category

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = dt.date.today()


def _records(world: World) -> None:
    partnership = world.ours
    partnership.term_years = 10
    partnership.save()
    round_ = DialogueRound.objects.create(partnership=partnership, number=1, name="Outline", starts_on=TODAY)
    corvane = Bidder.objects.create(partnership=partnership, name="Corvane", expressed_interest_on=TODAY)
    meridian = Bidder.objects.create(partnership=partnership, name="Meridian", expressed_interest_on=TODAY)
    RoundEntry.objects.create(round=round_, bidder=corvane, outcome="preferred")
    RoundEntry.objects.create(round=round_, bidder=meridian, outcome="shortlisted")
    GovernanceOption.objects.create(
        partnership=partnership,
        name="Contract",
        kind="contract",
        setup_cost_gbp=Decimal(180_000),
        annual_running_cost_gbp=Decimal(95_000),
        benefits="Clear remedies",
        risks="Less flexible",
    )
    GovernanceOption.objects.create(
        partnership=partnership,
        name="Joint venture",
        kind="joint_venture",
        proposed_by=meridian,
        setup_cost_gbp=Decimal(650_000),
        annual_running_cost_gbp=Decimal(240_000),
        benefits="Share of profits",
        risks="Conflicts of interest",
    )
    for name, in_team in (("Helen", True), ("Owen", False), ("Leila", False)):
        KeyPerson.objects.create(bidder=corvane, name=name, role="Lead", in_delivery_team=in_team)
    for bidder, count in ((corvane, 4), (meridian, 1)):
        for day in range(count):
            BidderMeeting.objects.create(
                partnership=partnership,
                bidder=bidder,
                held_on=TODAY - dt.timedelta(days=day + 1),
                purpose="Site visit",
                council_attendees="Head of revenues",
                bidder_attendees="Bid director",
            )
    service = ServiceArea.objects.get_or_create(name="Revenues and benefits")[0]
    partnership.services.add(service)
    briefing = HeadsOfServiceBriefing.objects.create(
        partnership=partnership, held_on=TODAY, attendees="Head of revenues", covered="Aims"
    )
    briefing.services.add(service)
    BriefingConcern.objects.create(briefing=briefing, concern="Who keeps discretion?")
    BriefingConcern.objects.create(briefing=briefing, concern="Budgets?", answer="The council keeps them")
    point = ReviewPoint.objects.create(
        partnership=partnership, title="Review of the bundle", contract_year=5, council_position="A review"
    )
    ReviewPointPosition.objects.create(review_point=point, bidder=corvane, position="Agrees", agreed=True)
    make_risk(partnership, category_code="financial", allocation="council")
    RiskAllocationPosition.objects.create(
        bidder=meridian, category=risk_category("financial"), allocation="shared"
    )


def test_editor_works_through_the_governance_pages(page: Any, world: World) -> None:
    _records(world)
    sign_in(page, "editor@a.test", PASSWORD)
    base = f"/partnerships/{world.ours.pk}/procurement/"

    page.goto(f"{base}governance/")
    expect(page.get_by_role("heading", name="Governance options", exact=True)).to_be_visible()
    expect(page.get_by_text("£1,130,000")).to_be_visible()  # 180,000 + 10 x 95,000
    assert_accessible(page)

    page.get_by_role("link", name="Record the choice").click()
    page.get_by_role("button", name="Record the choice").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why this option was chosen")
    assert_accessible(page)
    page.get_by_label("Contract").check()
    page.get_by_label("Why this option was chosen").fill("Cheaper to set up and run")
    page.get_by_role("button", name="Record the choice").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Cheaper to set up and run")

    page.get_by_role("link", name="Add an option").click()
    page.get_by_label("Set-up cost").fill("-5")
    page.get_by_role("button", name="Save the option").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Set-up cost cannot be negative")
    assert_accessible(page)

    page.get_by_role("link", name="Key people", exact=True).click()
    expect(page.get_by_text("Continuity is low")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Meetings with bidders", exact=True).click()
    expect(page.get_by_text("Far fewer meetings", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Heads-of-service briefings", exact=True).click()
    expect(page.locator(".govuk-tag", has_text="Open")).to_have_count(1)
    assert_accessible(page)

    page.get_by_role("link", name="Positions on review points", exact=True).click()
    expect(page.locator("tbody th").first).to_contain_text("Review of the bundle (year 5)")
    assert_accessible(page)

    page.get_by_role("link", name="Positions on risk allocation", exact=True).click()
    expect(page.locator("td .govuk-tag", has_text="Differs")).to_have_count(1)
    assert_accessible(page)
