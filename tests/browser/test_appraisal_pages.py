"""Business-case pages in real Chromium, each checked by axe-core against WCAG 2.2 AA with zero violations:
the list of business cases, a version and its results, the option and line forms with an error, the
comparison of two versions, and the service baselines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from forbetter.accounts.models import Role
from forbetter.appraisal import services
from forbetter.appraisal.models import CashflowLine
from forbetter.partnerships.models import ServiceArea
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.factories import PASSWORD
from tests.web.test_appraisal_services import build_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_versions(world: World) -> None:
    editor = world.users[Role.COUNCIL_EDITOR]
    first = build_version(editor, world.ours, options=3, years=4)
    services.version_freeze(user=editor, version=first, reason="Outline business case approved by Cabinet")
    second = services.version_create_from(user=editor, version=first)
    line = CashflowLine.objects.get(option__version=second, option__name="Option 1", label="Running cost")
    services.line_update(user=editor, line=line, data={}, values=[Decimal(95)] * 4)
    # A transactional test flushes the service areas the migration loaded.
    service, _ = ServiceArea.objects.get_or_create(name="Information technology")
    world.ours.services.add(service)
    baseline = services.baseline_create(
        user=editor,
        partnership=world.ours,
        data={
            "service": service,
            "annual_cost_gbp": Decimal(7400000),
            "cost_source": "2025/26 outturn",
            "cost_as_at": dt.date(2026, 3, 31),
        },
    )
    services.measure_add(
        user=editor,
        baseline=baseline,
        data={
            "kind": "performance",
            "name": "Tickets resolved at first contact",
            "value": Decimal(68),
            "unit": "%",
            "source": "Service desk report",
            "as_at": dt.date(2026, 3, 31),
        },
    )


def test_editor_works_through_the_business_case(page: Any, world: World, two_versions: None) -> None:
    sign_in(page, "editor@a.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/")
    page.get_by_role("link", name="Business case", exact=True).click()
    expect(page.get_by_role("heading", name="Business case", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Results of version 2").click()
    expect(page.get_by_role("heading", name="Ranking of the options")).to_be_visible()
    assert "stays preferred unless" in page.locator("#switching + p + ul").inner_text()
    assert "How the options are ranked" in page.locator("#ranking-rule").inner_text()
    assert_accessible(page)

    page.get_by_label("Contract lengths to compare, in years").fill("5, ten")
    page.get_by_role("button", name="Show this option").click()
    assert "“ten” is not a contract length" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Inputs of version 2").click()
    assert_accessible(page)
    page.get_by_role("link", name="Change risk settings").click()
    expect(page.get_by_role("heading", name="Risk adjustment of version 2")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Back to version 2").click()
    page.get_by_role("link", name="Change “Option 1” and its lines").click()
    expect(page.get_by_role("heading", name="Option: Option 1")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Years appraised").fill("0")
    page.get_by_role("button", name="Save option").click()
    assert "Years must be at least 1" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Say who bears a risk or a category").click()
    page.get_by_role("button", name="Save").click()
    assert "Select a risk or a category" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.go_back()
    page.go_back()

    page.get_by_role("link", name="Remove “Option 1” and its lines").click()
    assert "3 cash-flow lines" in page.locator("#what-goes").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Remove the option and its 3 lines").click()
    assert "Enter why the option is being removed" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Back to the option").click()

    page.get_by_role("link", name="Change Running cost").click()
    page.get_by_label("Values for years 0 to 3").fill("95, 95, ninety, 95")
    page.get_by_role("button", name="Save line").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Year 2: “ninety” is not an amount in pounds" in summary
    assert_accessible(page)

    page.goto(f"/partnerships/{world.ours.pk}/business-case/")
    page.get_by_role("link", name="Compare versions of “Options appraisal” side by side").click()
    assert "Changed" in page.locator("main").inner_text()
    assert page.locator("mark").count() > 0
    assert_accessible(page)

    page.get_by_role("link", name="Business case", exact=True).click()
    page.get_by_role("link", name="See the service baselines and their measures").click()
    expect(page.get_by_role("heading", name="Information technology")).to_be_visible()
    assert_accessible(page)


def test_frozen_version_offers_a_new_version(page: Any, world: World, two_versions: None) -> None:
    sign_in(page, "editor@a.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/business-case/")
    page.get_by_role("link", name="Version 1", exact=True).click()
    assert "It cannot be changed" in page.locator(".govuk-inset-text").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Create a new version from this one").click()
    assert "Version 3 created from version 1" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)


def test_partner_user_cannot_open_the_business_case(page: Any, world: World, two_versions: None) -> None:
    sign_in(page, "partner@p.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/")
    assert page.get_by_role("link", name="Business case", exact=True).count() == 0
    response = page.goto(f"/partnerships/{world.ours.pk}/business-case/")
    assert response is not None
    assert response.status == 403
    assert_accessible(page)
