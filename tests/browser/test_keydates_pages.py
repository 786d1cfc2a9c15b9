"""The key-dates pages in real Chromium, each checked by axe-core against WCAG 2.2 AA with zero violations:
the timeline (with its chart), a key date, the add form with its errors, the state form and the portfolio."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from forbetter.accounts.models import Role
from forbetter.keydates import services
from forbetter.keydates.models import KeyDate
from forbetter.partnerships.models import Partnership
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _records(world: World) -> KeyDate:
    today = timezone.localdate()
    Partnership.objects.filter(pk=world.ours.pk).update(
        planned_start_on=today - dt.timedelta(days=400), term_years=10, extension_years=5
    )
    world.ours.refresh_from_db()
    editor = world.users[Role.COUNCIL_EDITOR]
    services.key_date_save(
        user=editor,
        partnership=world.ours,
        data={
            "kind": "insurance_expiry",
            "falls_on": today + dt.timedelta(days=20),
            "title": "Insurance renews",
            "owner": "Contract manager",
        },
    )
    return services.key_date_save(
        user=editor,
        partnership=world.ours,
        data={
            "kind": "break_point",
            "falls_on": today + dt.timedelta(days=900),
            "title": "Break at the end of year 3",
            "notice_months": 12,
        },
    )


def test_partner_user_reads_the_timeline_a_key_date_and_the_portfolio(page: Any, world: World) -> None:
    key_date = _records(world)
    sign_in(page, "partner@p.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/")
    page.get_by_role("navigation", name="Partnership sections").get_by_role("link", name="Key dates").click()
    expect(page.get_by_role("heading", name="Key dates", exact=True)).to_be_visible()
    expect(page.get_by_text("1 reminder due now")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Kind").select_option("break_point")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("link", name="Break at the end of year 3")).to_be_visible()
    assert_accessible(page)
    page.goto(f"/partnerships/{world.ours.pk}/key-dates/{key_date.pk}/")
    expect(page.get_by_text("Last day to give notice")).to_be_visible()
    assert_accessible(page)
    page.goto("/partnerships/key-dates/")
    expect(page.get_by_role("heading", name="Key dates across your partnerships")).to_be_visible()
    expect(page.get_by_role("link", name="Insurance renews").first).to_be_visible()
    assert_accessible(page)


def test_editor_adds_a_key_date_and_marks_one_done(page: Any, world: World) -> None:
    key_date = _records(world)
    sign_in(page, "editor@a.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/key-dates/new/")
    assert_accessible(page)
    page.get_by_label("Kind of key date").select_option("review_point")
    page.get_by_label("Date", exact=True).fill("2001-01-01")
    page.get_by_label("What it is").fill("Annual review")
    page.get_by_role("button", name="Save the key date").click()
    assert (
        "The date cannot be before the contract starts" in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)
    page.get_by_label("Date", exact=True).fill((timezone.localdate() + dt.timedelta(days=200)).isoformat())
    page.get_by_role("button", name="Save the key date").click()
    expect(page.get_by_text("Key date added")).to_be_visible()
    page.goto(f"/partnerships/{world.ours.pk}/key-dates/{key_date.pk}/state/")
    assert_accessible(page)
    page.get_by_label("Dismissed").check()
    page.get_by_role("button", name="Save").click()
    assert "Say why the key date is dismissed" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Done").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Marked done by")).to_be_visible()
    assert_accessible(page)
