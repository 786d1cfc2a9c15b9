"""The procurement overview, plan, bidders and rounds, and conflicts of interest pages in real Chromium, each
checked by axe-core against WCAG 2.2 AA with zero violations allowed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from forbetter.accounts.models import Role
from forbetter.partnerships.models import Partnership, ProcurementRegime
from forbetter.procurement.competition import services
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = dt.date.today()


def _competition(world: World) -> None:
    Partnership.objects.filter(pk=world.ours.pk).update(
        procurement_regime=ProcurementRegime.PA_2023, procurement_began_on=dt.date(2025, 6, 2)
    )
    partnership = Partnership.objects.get(pk=world.ours.pk)
    editor = world.users[Role.COUNCIL_EDITOR]
    services.milestone_save(
        user=editor,
        partnership=partnership,
        data={"name": "Final tenders received", "planned_on": TODAY - dt.timedelta(days=3)},
    )
    services.notice_save(
        user=editor,
        partnership=partnership,
        data={
            "notice_type": "UK4",
            "planned_on": dt.date(2025, 7, 1),
            "published_on": dt.date(2025, 7, 1),
            "reference": "2025/S 000-123456",
        },
    )
    first = services.round_save(
        user=editor,
        partnership=partnership,
        data={"number": 1, "name": "Outline solutions", "kind": "dialogue", "starts_on": dt.date(2025, 8, 1)},
    )
    for name in ("North Ltd", "South Ltd"):
        bidder = services.bidder_save(
            user=editor,
            partnership=partnership,
            data={"name": name, "expressed_interest_on": dt.date(2025, 7, 5)},
        )
        services.entry_save(
            user=editor, dialogue_round=first, data={"bidder": bidder, "outcome": "taking_part"}
        )
    services.conflict_declare(
        user=editor,
        partnership=partnership,
        data={
            "person": editor,
            "bidder": bidder,
            "interest": "A former employer",
            "declared_on": dt.date(2025, 6, 20),
        },
    )


def test_editor_works_through_the_competition_pages(page: Any, world: World) -> None:
    _competition(world)
    sign_in(page, "editor@a.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/procurement/")
    expect(page.get_by_role("heading", name="Procurement and contract award")).to_be_visible()
    expect(page.get_by_text("1 overdue")).to_be_visible()
    expect(page.get_by_role("table", name="Competitive pressure per round")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Plan", exact=True).click()
    expect(page.get_by_role("heading", name="Procurement plan")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Record the plan").click()
    page.get_by_label("Procedure", exact=True).select_option("act_competitive_flexible")
    page.get_by_label("Standstill starts on").fill("2026-03-10")
    page.get_by_label("Standstill ends on").fill("2026-03-09")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_role("alert")).to_contain_text("The standstill's end must be on or after its start")
    assert_accessible(page)
    page.get_by_label("Standstill ends on").fill("")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_text("to 19 March 2026 (8 working days)")).to_be_visible()

    page.get_by_role("link", name="Bidders and rounds").click()
    expect(page.get_by_role("heading", name="Bidders and rounds")).to_be_visible()
    expect(page.get_by_text("Round 1: 2 bidders taking part")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Conflicts of interest").click()
    expect(page.get_by_role("heading", name="Conflicts of interest")).to_be_visible()
    expect(page.get_by_text("Not assessed before the tender notice").last).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Assess").first.click()
    page.get_by_label("Conflict: mitigated by other steps (see mitigation)").check()
    page.get_by_label("Assessed by").select_option(index=1)
    page.get_by_label("Assessed on").fill(TODAY.isoformat())
    page.get_by_role("button", name="Save the assessment").click()
    expect(page.get_by_role("alert")).to_contain_text("Say how the conflict is mitigated")
    assert_accessible(page)
