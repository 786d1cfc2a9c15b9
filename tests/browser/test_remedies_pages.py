"""The remedies and exit pages in real Chromium, each checked by axe-core against WCAG 2.2 AA with zero
violations: every page as a council editor (with its forms, and a rectification plan refused for want of a
due date), and every page as a partner user."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from forbetter.accounts.models import Role
from forbetter.remedies.area import examples
from forbetter.remedies.models import PlanAction, RectificationPlan
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.factories import PASSWORD, make_exit_analysis, make_kpi, make_kpi_return

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("Remedies ladder", "Remedies ladder"),
    ("Persistent breaches", "Persistent breaches"),
    ("Warning notices", "Warning notices"),
    ("Rectification plans", "Rectification plans"),
    ("Failures not improved", "Failures not improved after a proper opportunity"),
    ("Remedial advisers and step-in", "Remedial advisers and step-in"),
    ("Disputes", "Disputes"),
    ("Exit plan", "Exit plan"),
]


def _records(world: World) -> None:
    editor = world.users[Role.COUNCIL_EDITOR]
    kpi = make_kpi(world.ours)
    for month, value in enumerate(["85", "96", "85", "85"]):
        make_kpi_return(kpi, dt.date(2024, 1 + month, 1), value, user=editor)
    examples(world.ours, editor)
    make_exit_analysis(world.ours, editor)


def _walk(page: Any, world: World) -> None:
    page.goto(f"/partnerships/{world.ours.pk}/")
    page.get_by_role("link", name="Remedies and exit", exact=True).click()
    for link, heading in PAGES:
        page.get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        assert_accessible(page)
    page.get_by_role("link", name="Rectification plans", exact=True).click()
    page.get_by_role("link", name="RP-01").click()
    expect(page.get_by_role("heading", name="Rectification plan RP-01")).to_be_visible()
    assert_accessible(page)


def test_partner_user_reads_every_remedies_page(page: Any, world: World) -> None:
    _records(world)
    sign_in(page, "partner@p.test", PASSWORD)
    _walk(page, world)
    page.goto(f"/partnerships/{world.ours.pk}/remedies/exit-plan/")
    expect(page.get_by_text("Exit costs (council only)")).to_have_count(0)


def test_editor_walks_every_page_and_form(page: Any, world: World) -> None:
    _records(world)
    sign_in(page, "editor@a.test", PASSWORD)
    _walk(page, world)
    plan = RectificationPlan.objects.get()
    action = PlanAction.objects.get()
    pk = world.ours.pk
    forms = [
        reverse("remedies:settings-edit", args=[pk]),
        reverse("remedies:notice-create", args=[pk]),
        reverse("remedies:plan-edit", args=[pk, plan.pk]),
        reverse("remedies:action-create", args=[pk, plan.pk]),
        reverse("remedies:action-edit", args=[pk, plan.pk, action.pk]),
        reverse("remedies:failure-create", args=[pk]),
        reverse("remedies:intervention-create", args=[pk]),
        reverse("remedies:dispute-create", args=[pk]),
        reverse("remedies:exit-plan-edit", args=[pk]),
    ]
    for url in forms:
        page.goto(url)
        assert_accessible(page)
    page.goto(reverse("remedies:plan-create", args=[pk]))
    assert_accessible(page)
    page.get_by_label("Reference").fill("RP-02")
    page.get_by_label("What the plan must put right").fill("Clear the backlog")
    page.get_by_label("Date requested").fill("2025-06-02")
    page.get_by_role("button", name="Save the rectification plan").click()
    assert (
        "a rectification plan without a due date cannot be saved"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)
    assert RectificationPlan.objects.count() == 1
    page.get_by_label("Due date").fill("2025-08-01")
    page.get_by_role("button", name="Save the rectification plan").click()
    expect(page.get_by_role("heading", name="Rectification plans", exact=True)).to_be_visible()
    assert RectificationPlan.objects.count() == 2
