"""The board-pack pages in real Chromium, each checked by axe-core against WCAG 2.2 AA with zero violations:
the list with its "Generate board pack" button, a finished pack, one still waiting (with its progress), and
the portfolio summary, as an editor and as a partner's user."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from forbetter.accounts.models import Role
from forbetter.reports.models import PackRun
from forbetter.reports.pdf import unavailable_reason
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.factories import PASSWORD
from tests.requirements import require

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_generates_a_board_pack_and_sees_its_progress(page: Any, world: World) -> None:
    require("weasyprint", not unavailable_reason(), unavailable_reason())
    sign_in(page, "editor@a.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/")
    page.get_by_role("link", name="Board pack", exact=True).click()
    expect(page.get_by_role("heading", name="Board pack", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Generate board pack").click()
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible()
    assert_accessible(page)
    waiting = PackRun.objects.create(partnership=world.ours, requested_by=world.users[Role.COUNCIL_EDITOR])
    page.goto(f"/partnerships/{world.ours.pk}/board-pack/{waiting.pk}/")
    expect(page.get_by_text("waiting for the background worker")).to_be_visible()
    assert_accessible(page)
    page.goto(f"/partnerships/{world.ours.pk}/board-pack/")
    expect(page.get_by_role("link", name=f"Board pack {waiting.pk}")).to_be_visible()
    assert_accessible(page)
    page.goto("/partnerships/")
    page.get_by_role("link", name="Portfolio summary as a PDF").click()
    page.get_by_role("button", name="Generate portfolio summary").click()
    expect(page.get_by_role("link", name="Download the latest finished summary")).to_be_visible()
    assert_accessible(page)


def test_partner_user_generates_the_partners_pack(page: Any, world: World) -> None:
    require("weasyprint", not unavailable_reason(), unavailable_reason())
    sign_in(page, "partner@p.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/board-pack/")
    expect(page.get_by_text("Packs you make leave out material confidential to the council")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Generate board pack").click()
    expect(page.get_by_text("the partner's staff included")).to_be_visible()
    assert_accessible(page)
