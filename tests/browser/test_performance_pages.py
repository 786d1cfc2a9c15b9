"""KPI pages in real Chromium, each checked by axe-core against WCAG 2.2 AA with zero violations allowed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from playwright.sync_api import expect

from forbetter.accounts.models import Role
from forbetter.performance import services
from forbetter.performance.models import IndicatorReview, KpiReturn, ReturnStatus
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.factories import PASSWORD, PDF, make_contract_live, make_kpi, make_kpi_return

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def this_month_but_one() -> dt.date:
    """Last month: it has ended, and the fixture has no return for it yet."""
    return dt.date.today().replace(day=1) - relativedelta(months=1)


@pytest.fixture
def kpis(world: World, settings: Any, tmp_path: Path) -> Any:
    settings.MEDIA_ROOT = tmp_path
    editor = world.users[Role.COUNCIL_EDITOR]
    first = make_kpi(world.ours, "HW-01", name="Potholes repaired within 28 days", published=True)
    second = make_kpi(world.ours, "PR-01", name="Repairs on time")
    make_contract_live(world.ours)  # returns start when the KPI is agreed and the contract is live
    this_month = dt.date.today().replace(day=1)
    for back, (a, b) in enumerate([("96", "93"), ("91", "97"), ("85", "99"), ("97", "88")], start=2):
        make_kpi_return(first, this_month - relativedelta(months=back), a, user=editor)
        make_kpi_return(second, this_month - relativedelta(months=back), b, user=editor)
    make_kpi_return(first, dt.date(2024, 1, 1), "96", user=editor)  # for the benchmark
    IndicatorReview.objects.create(kpi=first, due_on=dt.date(2024, 1, 1))
    services.benefit_save(
        user=editor,
        partnership=world.ours,
        data={"name": "Energy savings", "category": "cashable"},
        values=[{"year": 2024, "planned_gbp": 100000, "realised_gbp": 90000}],
    )
    services.benchmark_import(
        user=editor,
        kpi=first,
        file_name="club.csv",
        text="council,period,value,source\nHartwell,2024-01,90,Club\nKingsmere,2024-01,97,Club\n",
    )
    return first


def test_editor_reads_the_kpi_pages(page: Any, world: World, kpis: Any) -> None:
    sign_in(page, "editor@a.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/")
    page.get_by_role("link", name="KPIs", exact=True).click()
    expect(page.get_by_role("heading", name="KPIs", exact=True)).to_be_visible()
    assert page.locator("svg.fb-sparkline").count() == 2
    assert_accessible(page)
    page.get_by_role("link", name="HW-01 Potholes repaired within 28 days").click()
    expect(page.locator("img.fb-chart")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Benchmark against comparator councils").click()
    assert_accessible(page)
    page.get_by_role("link", name="Import comparator values").click()
    page.get_by_role("button", name="Check the file").click()
    assert "Choose a CSV file to check" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()
    for name in ("Returns", "Annual ratings", "Indicator reviews", "Benefits register"):
        page.get_by_role("link", name=name, exact=True).click()
        assert_accessible(page)
    page.get_by_role("link", name="Energy savings").click()
    assert_accessible(page)
    page.get_by_role("link", name="Change this benefit").click()
    page.get_by_label("Planned (£), row 2").fill("5000")
    page.get_by_role("button", name="Save benefit").click()
    assert "Enter the financial year for this row" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)


def test_editor_adds_a_kpi_and_records_a_review(page: Any, world: World, kpis: Any) -> None:
    sign_in(page, "editor@a.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/kpis/new/")
    page.get_by_role("button", name="Save KPI").click()
    assert "Enter the KPI's name" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.goto(f"/partnerships/{world.ours.pk}/kpis/reviews/")
    assert "1 review overdue" in page.locator(".govuk-warning-text").inner_text()
    page.get_by_role("link", name="Record the review of HW-01").click()
    page.get_by_role("button", name="Record review").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Date of the review").fill("2024-02-01")
    page.get_by_label("Keep as it is").check()
    page.get_by_role("button", name="Record review").click()
    assert "Review of HW-01 recorded" in page.locator(".govuk-notification-banner").inner_text()


def test_partner_submits_a_return_and_the_editor_validates_it(
    page: Any, browser: Any, live_server: Any, world: World, kpis: Any, tmp_path: Path
) -> None:
    sign_in(page, "partner@p.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/kpis/returns/")
    page.get_by_role("link", name="Submit a return").click()
    bad = tmp_path / "evidence.exe"
    bad.write_bytes(b"MZ")
    page.get_by_label("KPI").select_option(label="HW-01 Potholes repaired within 28 days")
    page.get_by_label("Period").fill(f"{this_month_but_one():%Y-%m}")
    page.get_by_label("Value").fill("ninety")
    page.get_by_label("Evidence").set_input_files(str(bad))
    page.get_by_role("button", name="Submit return").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter the value as a number, for example 94.5" in summary
    assert_accessible(page)
    good = tmp_path / "May pack.pdf"
    good.write_bytes(PDF)
    page.get_by_label("Value").fill("95.5")
    page.get_by_label("Evidence").set_input_files(str(good))
    page.get_by_role("button", name="Submit return").click()
    assert "submitted for validation" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)
    record = KpiReturn.objects.get(period=this_month_but_one(), kpi=kpis)

    context = browser.new_context(base_url=live_server.url)
    council = context.new_page()
    sign_in(council, "editor@a.test", PASSWORD)
    council.goto(f"/partnerships/{world.ours.pk}/kpis/returns/{record.pk}/")
    council.get_by_role("link", name="Validate or dispute").click()
    council.get_by_label("Dispute it").check()
    council.get_by_role("button", name="Record decision").click()
    assert "Enter why the return is disputed" in council.locator(".govuk-error-summary").inner_text()
    assert_accessible(council)
    council.get_by_label("Validate: the value is right and counts").check()
    council.get_by_role("button", name="Record decision").click()
    assert_accessible(council)
    context.close()
    record.refresh_from_db()
    assert record.status == ReturnStatus.VALIDATED
