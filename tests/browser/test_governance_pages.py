"""Governance pages in real Chromium, each checked by axe-core against WCAG 2.2 AA with zero violations:
the overview with its flags and the board, a forum, a meeting, actions, escalations, reviews and forms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from playwright.sync_api import expect

from forbetter.accounts.models import Role
from forbetter.governance.area import examples
from forbetter.governance.models import Forum, ForumMember, Meeting, Side
from forbetter.partnerships.models import Vehicle
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _governance(world: World) -> None:
    world.ours.vehicle = Vehicle.JOINT_VENTURE
    world.ours.council_equity_share = Decimal("0.2")
    world.ours.save()
    examples(world.ours, world.users[Role.COUNCIL_EDITOR])
    forum = Forum.objects.filter(partnership=world.ours, tier="operational").get()
    partner = ForumMember.objects.create(forum=forum, name="Pat Partner", side=Side.PARTNER, organisation="P")
    old = Meeting.objects.create(
        partnership=world.ours, forum=forum, held_on=dt.date.today() - relativedelta(months=2)
    )
    old.attendees.set([partner])


def test_editor_reads_and_edits_governance_pages(page: Any, world: World) -> None:
    _governance(world)
    sign_in(page, "editor@a.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/")
    page.get_by_role("link", name="Governance", exact=True).click()
    expect(page.get_by_role("heading", name="Governance", exact=True)).to_be_visible()
    expect(page.get_by_text("Joint-venture company governance")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Operations group", exact=False).first.click()
    expect(page.locator("caption", has_text="Meetings, newest first")).to_be_visible()
    assert_accessible(page)

    page.locator("tbody th a").first.click()
    expect(page.locator("caption", has_text="Agenda")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("Action", exact=True).fill("Write the report")
    page.get_by_role("button", name="Add the action").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Select who owns the action" in summary
    assert "Enter the date the action is due" in summary
    assert_accessible(page)

    for path in ("actions/", "escalations/", "reviews/", "forums/new/", "meetings/new/"):
        page.goto(f"/partnerships/{world.ours.pk}/governance/{path}")
        assert_accessible(page)


def test_partner_user_reads_the_overview_and_a_meeting(page: Any, world: World) -> None:
    _governance(world)
    sign_in(page, "partner@p.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/governance/")
    expect(page.get_by_text("Forums flagged")).to_be_visible()
    expect(page.get_by_role("link", name="Add a forum")).to_have_count(0)
    assert_accessible(page)
    meeting = Meeting.objects.filter(partnership=world.ours).order_by("pk").first()
    assert meeting is not None
    page.goto(f"/partnerships/{world.ours.pk}/governance/meetings/{meeting.pk}/")
    expect(page.locator("caption", has_text="Decisions")).to_be_visible()
    assert_accessible(page)
