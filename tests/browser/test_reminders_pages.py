"""The reminders page in real Chromium, checked by axe-core against WCAG 2.2 AA with zero violations: the
list from the top navigation, its filters, the email choice and the choice's history."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from forbetter.accounts.models import Role
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.factories import PASSWORD
from tests.web.test_reminders import records

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_reads_filters_and_turns_off_the_reminders_email(page: Any, world: World) -> None:
    records(world.ours, world.users[Role.COUNCIL_EDITOR], timezone.localdate(), "A")
    sign_in(page, "editor@a.test", PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Reminders").click()
    expect(page.get_by_role("heading", name="Reminders", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Send the figures A")).to_be_visible()
    expect(page.get_by_text("Overdue", exact=True).first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Kind").select_option("risk_review")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("link", name="Flooding A")).to_be_visible()
    expect(page.get_by_role("link", name="Send the figures A")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="See the history of your email choice").click()
    expect(page.get_by_label("Yes, email me what is newly due or overdue")).to_be_checked()
    assert_accessible(page)
    page.get_by_label("No, I will check the page").check()
    page.get_by_role("button", name="Save email choice").click()
    expect(page.get_by_text("You will not get the reminders email")).to_be_visible()
    page.goto("/reminders/email/")
    expect(page.get_by_text("Reminder email turned off")).to_be_visible()
    assert_accessible(page)
