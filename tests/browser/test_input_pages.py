"""Ratings under the Procurement Act and long text, in real Chromium, each page checked by axe-core."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta

from forbetter.accounts.models import Role
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.factories import PASSWORD, make_kpi, make_kpi_return

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_records_a_published_rating_for_a_completed_contract_year(page: Any, world: World) -> None:
    editor = world.users[Role.COUNCIL_EDITOR]
    start = dt.date.today().replace(day=1) - relativedelta(months=18)
    world.ours.procurement_regime = "pa2023"
    world.ours.contract_management_began_on = start
    world.ours.save()
    kpi = make_kpi(world.ours, "HW-01", name="Potholes repaired within 28 days", published=True)
    for month in range(15):
        make_kpi_return(kpi, start + relativedelta(months=month), "94", user=editor)
    sign_in(page, "editor@a.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/kpis/ratings/")
    assert "Approaching target" in page.locator("table.govuk-table").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Record the rating published for HW-01").click()
    page.get_by_role("button", name="Record the rating").click()
    assert "Select the rating published" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Approaching target").check()
    page.get_by_role("button", name="Record the rating").click()
    assert "recorded" in page.locator(".govuk-notification-banner").inner_text()
    page.get_by_label("Contract year").select_option("2")
    page.get_by_role("button", name="Show year").click()
    assert "Year in progress, no rating yet" in page.locator("table.govuk-table").inner_text()
    assert_accessible(page)


def test_long_unbroken_text_wraps_instead_of_widening_the_page(page: Any, world: World) -> None:
    task = world.ours.tasks.order_by("pk").first()
    assert task is not None
    task.evidence_notes = "x" * 9_000
    task.save()
    sign_in(page, "editor@a.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/tasks/{task.pk}/")
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]
