"""Payment pages in real Chromium, each checked by axe-core against WCAG 2.2 AA with zero violations
allowed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from forbetter.accounts.models import Role
from forbetter.payments import services
from forbetter.payments.models import PaymentStatement, StatementStatus
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.factories import PASSWORD, make_kpi, make_kpi_return, make_payment_mechanism

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def statements(world: World) -> None:
    editor = world.users[Role.COUNCIL_EDITOR]
    make_payment_mechanism(world.ours)
    kpi = make_kpi(world.ours, "HW-01", severity_points=120)
    make_kpi_return(kpi, dt.date(2024, 3, 1), "80", user=editor)
    make_kpi_return(kpi, dt.date(2024, 4, 1), "80", user=editor)
    approved = services.statement_create(user=editor, partnership=world.ours, month=dt.date(2024, 3, 1))
    services.statement_approve(user=editor, statement=approved)
    services.responsibility_save(
        user=editor,
        partnership=world.ours,
        data={"obligation": "Approve statements", "responsible": "Finance", "accountable": "s151 officer"},
    )


def test_editor_drafts_and_approves_a_statement(page: Any, world: World, statements: None) -> None:
    sign_in(page, "editor@a.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/")
    page.get_by_role("link", name="Payments", exact=True).click()
    assert_accessible(page)
    page.get_by_role("button", name="Create draft statement").click()
    assert "Enter the period" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Month").fill("2024-04")
    page.get_by_role("button", name="Create draft statement").click()
    assert "£312.00" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Approve and freeze").click()
    assert "approved and frozen" in page.locator(".govuk-notification-banner").inner_text()
    assert PaymentStatement.objects.filter(status=StatementStatus.APPROVED).count() == 2
    for name in ("Payment mechanism", "Relief events", "Roles and responsibilities"):
        page.get_by_role("link", name=name, exact=True).click()
        assert_accessible(page)


def test_band_table_errors_are_accessible(page: Any, world: World, statements: None) -> None:
    sign_in(page, "editor@a.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/payments/mechanism/edit/")
    assert_accessible(page)
    page.get_by_label("Band 2: From point").fill("102")
    page.get_by_label("Cap on deductions").fill("1.5")
    page.get_by_role("button", name="Save mechanism").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "The cap cannot be above 1" in summary
    assert_accessible(page)
    page.get_by_label("Cap on deductions").fill("0.1")
    page.get_by_role("button", name="Save mechanism").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert (
        "Band 2: starts at 102 but the previous band ends at 100, leaving a gap: it must start at 101"
        in summary
    )
    assert_accessible(page)


def test_partner_sees_approved_statements(page: Any, world: World, statements: None) -> None:
    sign_in(page, "partner@p.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/payments/")
    page.get_by_role("link", name="March 2024").click()
    assert "Approved and frozen" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Approve and freeze").count() == 0
    assert_accessible(page)


def test_relief_change_of_charge_and_approval_override_pages_are_accessible(
    page: Any, world: World, statements: None
) -> None:
    editor = world.users[Role.COUNCIL_EDITOR]
    kpi = make_kpi(world.ours, "HW-02", severity_points=10)
    relief = services.relief_create(
        user=editor,
        partnership=world.ours,
        kpi_id=kpi.pk,
        month=dt.date(2024, 5, 1),
        reason="Named storm",
        approved_on=dt.date(2024, 6, 1),
    )
    draft = services.statement_create(user=editor, partnership=world.ours, month=dt.date(2024, 4, 1))
    sign_in(page, "editor@a.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/payments/relief/{relief.pk}/")
    assert_accessible(page)
    page.get_by_role("button", name="Withdraw the relief").click()
    assert "Enter why the relief is withdrawn" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.goto(f"/partnerships/{world.ours.pk}/payments/mechanism/charge/")
    assert_accessible(page)
    page.get_by_role("button", name="Save the change").click()
    assert_accessible(page)
    page.goto(f"/partnerships/{world.ours.pk}/payments/statements/{draft.pk}/")
    page.get_by_role("button", name="Approve and freeze").click()
    assert "not validated" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Reason to approve with returns not validated").fill("Payment date reached")
    page.get_by_role("button", name="Approve and freeze").click()
    assert "Payment date reached" in page.locator("main").inner_text()
    assert_accessible(page)
