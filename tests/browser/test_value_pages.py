"""The value-for-money pages in real Chromium, each checked by axe-core against WCAG 2.2 AA with zero
violations: value for money over the life (with its chart), market testing, a category and both forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from forbetter.accounts.models import Role
from forbetter.calc.dates import financial_year
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.factories import PASSWORD, make_payment_mechanism
from tests.web.test_value import _frozen_business_case, _statement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_reads_the_life_page_and_records_a_market_test(page: Any, world: World) -> None:
    editor = world.users[Role.COUNCIL_EDITOR]
    base = financial_year(dt.date.today()) - 2
    _frozen_business_case(world, editor, base)
    make_payment_mechanism(world.ours, effective_from=dt.date(base, 4, 1))
    for step in range(15):
        month = dt.date(base + (step + 3) // 12, (step + 3) % 12 + 1, 1)
        _statement(world, editor, month, 100_000, 2_000 if step == 4 else 0, "approved")
    sign_in(page, "editor@a.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/")
    page.get_by_role("link", name="Value for money", exact=True).click()
    expect(page.get_by_role("heading", name="Value for money over the life", exact=True)).to_be_visible()
    expect(page.get_by_text("Cumulative cost: business case against actual (cash, £m)").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Market testing of partner purchasing", exact=True).click()
    expect(page.get_by_text("No purchasing categories recorded yet.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Add a purchasing category").click()
    page.get_by_role("button", name="Save the category").click()
    assert "Enter what the partner buys" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("What the partner buys for the council").fill("Road salt")
    page.get_by_label("Annual spend (£)").fill("£60,000")
    page.get_by_label("Unit", exact=True).fill("tonne")
    page.get_by_label("Units bought a year").fill("1,000")
    page.get_by_role("button", name="Save the category").click()
    expect(page.get_by_role("heading", name="Road salt", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Record a market test").click()
    page.get_by_label("Date of the test").fill("2025-03-01")
    page.get_by_label("Quotes from suppliers").check()
    page.get_by_label("The partner's price per unit (£)").fill("62")
    page.get_by_label("The lowest quote").check()
    page.get_by_label("Quotes", exact=True).fill("Compass Minerals 58")
    page.get_by_role("button", name="Save the market test").click()
    assert "needs the supplier, a colon and the price" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Quotes", exact=True).fill("Compass Minerals: 58\nSalt Union: 60.50\nPeacock: 64")
    page.get_by_role("button", name="Save the market test").click()
    expect(page.get_by_text("Overpayment").first).to_be_visible()
    expect(page.get_by_text("£4,000 a year").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Market testing of partner purchasing", exact=True).click()
    expect(page.get_by_text("overpayments of £4,000 a year")).to_be_visible()
    assert_accessible(page)


def test_partner_user_has_no_value_for_money_link(page: Any, world: World) -> None:
    sign_in(page, "partner@p.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/")
    expect(page.get_by_role("link", name="Value for money", exact=True)).to_have_count(0)
