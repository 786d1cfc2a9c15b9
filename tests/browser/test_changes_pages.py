"""The contract-changes pages in real Chromium, each checked by axe-core against WCAG 2.2 AA with zero
violations: the register, a change, and every form (with errors shown), as an editor and as a partner."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from forbetter.accounts.models import Role
from forbetter.changes import services
from forbetter.changes.models import ChangeRequest
from forbetter.partnerships.models import Partnership
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.factories import PASSWORD, make_contract_live, make_kpi, make_payment_mechanism

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _records(world: World) -> tuple[ChangeRequest, ChangeRequest]:
    editor = world.users[Role.COUNCIL_EDITOR]
    partnership = make_contract_live(world.ours, dt.date(2024, 1, 1))
    Partnership.objects.filter(pk=partnership.pk).update(
        term_years=10,
        estimated_value_gbp=Decimal(10_000_000),
        procurement_regime="pa2023",
        procurement_began_on=dt.date(2025, 3, 1),
    )
    partnership.refresh_from_db()
    make_payment_mechanism(partnership)
    make_kpi(partnership)
    group = services.group_save(user=editor, partnership=partnership, data={"name": "Lighting"})
    approved = services.change_save(
        user=editor,
        partnership=partnership,
        data={
            "reference": "CR-1",
            "title": "Extra gritting",
            "description": "Add routes",
            "raised_by": "Head of highways",
            "raised_by_side": "council",
            "raised_on": dt.date(2025, 1, 10),
            "group": group,
        },
    )
    services.assessment_record(
        user=editor,
        change=approved,
        data={
            "value_gbp": Decimal(1_200_000),
            "value_basis": "one_off",
            "effective_from": dt.date(2025, 7, 1),
            "new_monthly_charge_gbp": Decimal(105_000),
            "business_case_effect": "Uses the contingency",
            "assessed_on": dt.date(2025, 2, 1),
        },
    )
    services.decision_record(
        user=editor,
        change=approved,
        data={
            "decision": "approved",
            "decided_on": dt.date(2025, 3, 1),
            "decided_by": "Board",
            "decision_reason": "Needed",
        },
    )
    open_change = services.change_save(
        user=editor,
        partnership=partnership,
        data={
            "reference": "CR-2",
            "title": "New depot",
            "description": "One depot",
            "raised_by": "Meridian",
            "raised_by_side": "partner",
            "raised_on": dt.date(2025, 2, 10),
        },
    )
    return approved, open_change


def test_partner_user_reads_the_changes_without_the_business_case_effect(page: Any, world: World) -> None:
    _records(world)
    sign_in(page, "partner@p.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Contract changes", exact=True).click()
    expect(page.get_by_role("heading", name="Contract changes", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="CR-1: Extra gritting").click()
    expect(page.get_by_role("heading", name="CR-1: Extra gritting")).to_be_visible()
    expect(page.get_by_text("Uses the contingency")).to_have_count(0)
    assert_accessible(page)


def test_editor_walks_every_changes_form_with_errors(page: Any, world: World) -> None:
    approved, open_change = _records(world)
    sign_in(page, "editor@a.test", PASSWORD)
    base = f"/partnerships/{world.ours.pk}/changes"
    page.goto(f"{base}/")
    expect(page.get_by_text("needs a contract change notice and none is recorded: CR-1")).to_be_visible()
    assert_accessible(page)
    for url, button in (
        (f"{base}/new/", "Save the request"),
        (f"{base}/groups/new/", "Save the group"),
        (f"{base}/{open_change.pk}/assessment/", "Save the assessment"),
        (f"{base}/{open_change.pk}/decision/", "Record the decision"),
        (f"{base}/{approved.pk}/notice/", "Save the notice"),
    ):
        page.goto(url)
        assert_accessible(page)
        page.get_by_role("button", name=button).click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        assert_accessible(page)
    page.goto(f"{base}/{open_change.pk}/assessment/")
    page.get_by_role("button", name="Save the assessment").click()
    assert "a change without a value cannot be assessed" in page.locator(".govuk-error-summary").inner_text()
    page.goto(f"{base}/terms/")
    assert_accessible(page)
    page.goto(f"{base}/{approved.pk}/kpis/new/")
    assert_accessible(page)
    page.goto(f"{base}/{approved.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Apply to the charge and targets").click()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, apply CR-1").click()
    expect(page.locator("dd", has_text="Applied on")).to_be_visible()
    assert_accessible(page)
