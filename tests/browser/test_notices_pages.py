"""The Procurement Act notices pages in real Chromium, each checked by axe-core against WCAG 2.2 AA with zero
violations: the calendar, a notice's preview, the invoices with their figures, and both forms with errors
shown, as an editor; the calendar and a published notice as a partner."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from forbetter.accounts.models import Role
from forbetter.notices import services
from forbetter.notices.models import Publication
from forbetter.partnerships.models import Partnership
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.factories import PASSWORD, make_contract_live, make_kpi

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

START = dt.date(2025, 4, 1)


def _records(world: World) -> Partnership:
    editor = world.users[Role.COUNCIL_EDITOR]
    partnership = make_contract_live(world.ours, START)
    Partnership.objects.filter(pk=partnership.pk).update(
        term_years=10,
        estimated_value_gbp=Decimal(10_000_000),
        procurement_regime="pa2023",
        procurement_began_on=dt.date(2025, 3, 1),
    )
    partnership.refresh_from_db()
    make_kpi(partnership, published=True, first_period=START)
    for reference, received, paid in (
        ("INV-1", dt.date(2026, 4, 10), dt.date(2026, 5, 1)),
        ("INV-2", dt.date(2026, 5, 1), dt.date(2026, 7, 15)),
    ):
        services.invoice_save(
            user=editor,
            partnership=partnership,
            data={
                "reference": reference,
                "amount_gbp": Decimal(1000),
                "received_on": received,
                "paid_on": paid,
            },
        )
    Publication.objects.create(
        partnership=partnership,
        notice="UK7",
        key=START.isoformat(),
        published_on=dt.date(2025, 4, 20),
        notice_id="000777-2025",
        recorded_by=editor,
    )
    return partnership


def test_editor_walks_the_notices_pages_and_forms(page: Any, world: World) -> None:
    partnership = _records(world)
    sign_in(page, "editor@a.test", PASSWORD)
    page.goto(f"/partnerships/{partnership.pk}/")
    page.get_by_role("link", name="Procurement Act notices", exact=True).click()
    expect(page.get_by_role("heading", name="Procurement Act notices", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role(
        "link", name="UK17 Payments compliance notice: 1 April 2026 to 30 September 2026", exact=True
    ).click()
    expect(page.locator("#compliance")).to_be_visible()
    assert_accessible(page)
    base = f"/partnerships/{partnership.pk}/notices"
    page.goto(f"{base}/invoices/")
    expect(page.locator("#periods")).to_be_visible()
    assert_accessible(page)
    for url, button in (
        (f"{base}/invoices/new/", "Save the invoice"),
        (f"{base}/UK9/2025-04-01/publish/", "Save"),
    ):
        page.goto(url)
        assert_accessible(page)
        page.get_by_role("button", name=button, exact=True).click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        assert_accessible(page)


def test_partner_user_reads_the_calendar_and_a_published_notice(page: Any, world: World) -> None:
    partnership = _records(world)
    sign_in(page, "partner@p.test", PASSWORD)
    page.goto(f"/partnerships/{partnership.pk}/notices/")
    expect(page.get_by_text("000777-2025")).to_be_visible()
    assert_accessible(page)
    page.get_by_role(
        "link", name="UK7 Contract details notice for the contract entered into on 1 April 2025"
    ).click()
    expect(page.locator("#valid")).to_be_visible()
    assert_accessible(page)
