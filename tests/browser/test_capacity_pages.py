"""The client-side capacity pages in real Chromium, each checked by axe-core against WCAG 2.2 AA with zero
violations: every page with records (the cost-share chart among them), every form, an error, and the
partner user refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from forbetter.accounts.models import Role
from forbetter.capacity import services
from forbetter.capacity.models import Adviser, ProcurementBudgetLine, ResourceActual, TeamRole
from forbetter.payments.models import PaymentStatement, StatementStatus
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _records(world: World) -> None:
    editor = world.users[Role.COUNCIL_EDITOR]
    partnership = world.ours
    for offset in range(24):
        year, month = divmod(3 + offset, 12)
        PaymentStatement.objects.create(
            partnership=partnership,
            month=dt.date(2024 + year, month + 1, 1),
            status=StatementStatus.APPROVED,
            payable_gbp=Decimal(2000000),
            created_by=editor,
        )
    services.role_save(
        user=editor,
        partnership=partnership,
        data={
            "title": "Contract manager",
            "fte": Decimal(2),
            "cost_per_year_gbp": Decimal(160000),
            "first_year": 2024,
            "last_year": 2026,
            "skills_needed": "Contract law\nNegotiation",
            "skills_held": "Negotiation",
        },
    )
    for year, cost in ((2024, 600000), (2025, 760000)):
        services.actual_save(
            user=editor,
            partnership=partnership,
            data={"year": year, "cost_gbp": Decimal(cost), "fte": Decimal(6)},
        )
    services.target_save(
        user=editor,
        partnership=partnership,
        data={"minimum_share": Decimal("0.03"), "maximum_share": Decimal("0.05")},
    )
    services.budget_line_save(
        user=editor,
        partnership=partnership,
        data={"category": "advisers", "budget_gbp": Decimal(600000), "actual_gbp": Decimal(655000)},
    )
    services.adviser_save(
        user=editor,
        partnership=partnership,
        data={
            "adviser_type": "legal",
            "firm": "Pemberton Clarke",
            "provision": "external",
            "fees_gbp": Decimal(90000),
            "days": Decimal(60),
            "value_note": "Secured the exit terms",
        },
    )


def test_editor_walks_every_capacity_page_and_form(page: Any, world: World) -> None:
    _records(world)
    pk = world.ours.pk
    sign_in(page, "editor@a.test", PASSWORD)
    page.goto(f"/partnerships/{pk}/")
    expect(page.get_by_text("Client team cost share")).to_be_visible()
    page.get_by_role("link", name="Client-side capacity", exact=True).click()
    expect(page.get_by_role("heading", name="Client team plan", exact=True)).to_be_visible()
    assert_accessible(page)
    for link, heading in (
        ("Actual resource against the plan", "Actual resource against the plan"),
        ("Procurement budget", "Procurement budget against actual spend"),
        ("Advisers", "Advisers"),
        ("Cost share of the contract", "Client team cost as a share of the contract"),
    ):
        page.get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        assert_accessible(page)
    expect(page.get_by_text("missed the target in 2024/25")).to_be_visible()
    expect(page.get_by_role("img", name="The client team cost between")).to_be_visible()

    role = TeamRole.objects.get()
    for path in (
        "capacity/roles/new/",
        f"capacity/roles/{role.pk}/edit/",
        f"capacity/roles/{role.pk}/remove/",
        "capacity/actuals/new/",
        f"capacity/actuals/{ResourceActual.objects.first().pk}/edit/",  # type: ignore[union-attr]
        "capacity/procurement/new/",
        f"capacity/procurement/{ProcurementBudgetLine.objects.get().pk}/edit/",
        "capacity/advisers/new/",
        f"capacity/advisers/{Adviser.objects.get().pk}/edit/",
        "capacity/contract/target/",
    ):
        page.goto(f"/partnerships/{pk}/{path}")
        assert_accessible(page)

    page.goto(f"/partnerships/{pk}/capacity/roles/new/")
    page.get_by_label("Role", exact=True).fill("Analyst")
    page.get_by_label("Full-time equivalents").fill("1")
    page.get_by_label("First financial year needed").fill("2025")
    page.get_by_label("Last financial year needed").fill("2026")
    page.get_by_role("button", name="Save the role").click()
    assert "a team role without a cost" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    assert TeamRole.objects.count() == 1
    page.get_by_label("Cost per year").fill("£45,000")
    page.get_by_role("button", name="Save the role").click()
    expect(page.get_by_text("Role added to the team plan")).to_be_visible()
    assert TeamRole.objects.count() == 2


def test_partner_user_is_refused_the_capacity_pages(page: Any, world: World) -> None:
    _records(world)
    sign_in(page, "partner@p.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/")
    expect(page.get_by_role("link", name="Client-side capacity", exact=True)).to_have_count(0)
    expect(page.get_by_text("Client team cost share")).to_have_count(0)
    response = page.goto(f"/partnerships/{world.ours.pk}/capacity/contract/")
    assert response is not None
    assert response.status == 403
    assert_accessible(page)
