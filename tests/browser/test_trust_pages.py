"""The trust pages in real Chromium, each checked by axe-core against WCAG 2.2 AA with zero violations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from forbetter.accounts.models import Role
from forbetter.trust import services
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.factories import PASSWORD, make_payment_mechanism

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = dt.date(2025, 6, 1)


def _records(world: World) -> None:
    editor = world.users[Role.COUNCIL_EDITOR]
    partnership = world.ours
    make_payment_mechanism(partnership)
    for day, text in ((DAY - dt.timedelta(days=365), "First words"), (DAY, "Second words")):
        services.charter_version_add(
            user=editor,
            partnership=partnership,
            data={"version_date": day, "text": text, "agreed_by_council": "CEO", "agreed_by_partner": "MD"},
        )
    services.activity_save(
        user=editor,
        partnership=partnership,
        data={
            "held_on": DAY,
            "kind": "site_visit",
            "title": "Depot visit",
            "purpose": "Agree the backlog",
            "council_count": 2,
            "partner_count": 0,
        },
    )
    measure = services.measure_save(
        user=editor, partnership=partnership, data={"name": "Responsiveness", "how_measured": "Days"}
    )
    services.measure_value_add(user=editor, measure=measure, data={"period_end": DAY, "value": Decimal(3)})
    services.protocol_save(
        user=editor,
        partnership=partnership,
        data={
            "cost_categories": "Staff",
            "frequency": "annual",
            "depth": "summary",
            "reviewers": "Finance",
            "agreed_on": DAY,
        },
    )
    post = services.key_post_save(
        user=editor,
        partnership=partnership,
        data={"post": "Contract manager", "holder": "Priya", "side": "council", "criticality": "critical"},
    )
    services.successor_save(user=editor, post=post, data={"name": "Chris", "readiness": "ready_now"})
    services.key_post_save(
        user=editor,
        partnership=partnership,
        data={"post": "Operations manager", "holder": "Owen", "side": "partner", "criticality": "high"},
    )


def test_partner_user_reads_every_trust_page(page: Any, world: World) -> None:
    _records(world)
    sign_in(page, "partner@p.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/")
    page.get_by_role("link", name="Trust", exact=True).click()
    expect(page.get_by_role("heading", name="Trust", exact=True)).to_be_visible()
    assert_accessible(page)
    for link, heading in (
        ("Partnership charter", "Partnership charter"),
        ("Trust-building activities", "Trust-building activities"),
        ("Partnership measures", "Partnership measures"),
        ("Open book", "Open book"),
        ("Key people and succession", "Key people and succession"),
    ):
        page.get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        assert_accessible(page)
    expect(page.get_by_text("1 key post has no successor")).to_be_visible()


def test_editor_records_an_open_book_review_that_feeds_the_gainshare(page: Any, world: World) -> None:
    _records(world)
    sign_in(page, "editor@a.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/trust/open-book/reviews/new/")
    assert_accessible(page)
    page.get_by_label("Financial year starting").fill("2024")
    page.get_by_role("button", name="Save the review").click()
    assert "Enter the date of the review" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Date of the review").fill("2025-06-01")
    page.get_by_label("Reviewed by").fill("Council finance")
    page.get_by_label("Agreed cost for the year (£)").fill("1,000,000")
    page.get_by_label("Cost in the partner's books (£)").fill("1,050,000")
    page.get_by_label("Findings").fill("Overheads double-counted")
    page.get_by_label("Agreed actual cost (£, optional until agreed)").fill("1,010,000")
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_role("heading", name="Open-book review of 2024/25")).to_be_visible()
    expect(page.get_by_text("This agreed actual cost is the 2024/25 actual cost")).to_be_visible()
    assert_accessible(page)

    page.goto(f"/partnerships/{world.ours.pk}/trust/charter/new/")
    page.get_by_role("button", name="Save the version").click()
    assert (
        "Enter the date this version of the charter was agreed"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)
