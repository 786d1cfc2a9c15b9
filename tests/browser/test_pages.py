"""Sign-in, portfolio, matrix, task list, task and gate pages in real Chromium, each checked by axe-core
against WCAG 2.2 AA with zero violations allowed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from forbetter.partnerships.models import Stage
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_page_and_its_error_summary_are_accessible(page: Any, world: World) -> None:
    page.goto("/accounts/sign-in/")
    assert_accessible(page)
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter your email address" in summary.inner_text()
    assert_accessible(page)
    # GOV.UK Frontend's JavaScript runs (CSP allows our module) and focuses the error summary.
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")


def test_editor_works_through_portfolio_matrix_task_list_and_gate(page: Any, world: World) -> None:
    sign_in(page, "editor@a.test", PASSWORD)
    expect(page.get_by_role("heading", name="Partnerships")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Ashby Partnership").click()
    page.get_by_role("link", name="Framework matrix").click()
    assert page.locator("table.fb-matrix tbody tr").count() == 8
    assert_accessible(page)

    page.get_by_role("link", name="Task list").click()
    expect(page.get_by_role("heading", name="Initiation: task list")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Appraise the SSP against other ways of delivering the services").click()
    assert_accessible(page)
    page.get_by_role("link", name="Update this action").click()
    page.get_by_label("Not applicable").check()
    page.get_by_role("button", name="Save").click()
    assert "Enter why this action does not apply" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Done", exact=True).check()
    page.get_by_label("Evidence notes").fill("Options appraisal approved by Cabinet")
    page.get_by_role("button", name="Save").click()
    assert "Action I-VFM-1 saved" in page.locator(".govuk-notification-banner").inner_text()
    assert "<del>Not started</del>" in page.content()
    assert_accessible(page)

    page.get_by_role("link", name="Overview").click()
    page.get_by_role("link", name="Start procurement").click()
    assert "14 actions of this stage are still open" in page.locator(".govuk-warning-text").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Date of the decision").fill(dt.date.today().isoformat())
    page.get_by_label("Amber/Green").check()
    page.get_by_label("Commentary").fill("Outline business case approved")
    page.get_by_role("button", name="Record decision").click()
    assert "cannot be undone" in page.locator(".govuk-warning-text").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, record the decision").click()
    assert "now in Procurement and contract award" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)
    world.ours.refresh_from_db()
    assert world.ours.stage == Stage.PROCUREMENT


def test_overdue_list_and_framework_pages_are_accessible(page: Any, world: World) -> None:
    sign_in(page, "viewer@a.test", PASSWORD)
    page.get_by_role("link", name="Overdue and due soon").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="The framework").click()
    assert page.locator("#references + ol li").count() == 19
    assert_accessible(page)


def test_partner_user_sees_only_its_partnership_and_no_edit_controls(page: Any, world: World) -> None:
    sign_in(page, "partner@p.test", PASSWORD)
    expect(page.get_by_role("link", name="Ashby Partnership")).to_be_visible()
    assert page.get_by_role("link", name="Brindle Partnership").count() == 0
    page.get_by_role("link", name="Ashby Partnership").click()
    assert page.get_by_role("link", name="Change details").count() == 0
    assert page.get_by_role("link", name="Start procurement").count() == 0
    response = page.goto(f"/partnerships/{world.theirs.pk}/")
    assert response is not None
    assert response.status == 404
    assert_accessible(page)


def test_administration_pages_are_accessible(page: Any, world: World) -> None:
    sign_in(page, "admin@a.test", PASSWORD)
    page.get_by_role("link", name="Users and organisations").click()
    assert_accessible(page)
    page.get_by_role("link", name="Add a user").click()
    page.get_by_role("button", name="Save user").click()
    assert "Enter the user's email address" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.goto("/accounts/organisations/")
    assert_accessible(page)
    page.get_by_role("link", name="Add an organisation").click()
    assert_accessible(page)


def test_editor_corrects_and_withdraws_a_document_and_removes_evidence(page: Any, world: World) -> None:
    """The confirmation pages of irreversible actions (warning text, red button) are accessible."""
    sign_in(page, "editor@a.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/documents/")
    page.get_by_label("Title").fill("Cabinet report")
    page.get_by_label("Location").fill("File 12/2026")
    page.get_by_label("Date of the document").fill("2026-03-12")
    page.get_by_role("button", name="Record document").click()
    page.get_by_role("link", name="Cabinet report").click()
    assert_accessible(page)
    page.get_by_role("link", name="Correct this record").click()
    page.get_by_label("Title").fill("Cabinet report, 12 March")
    page.get_by_role("button", name="Save the correction").click()
    assert "Enter what was corrected and why" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("What was corrected and why?").fill("Title gave no date")
    page.get_by_role("button", name="Save the correction").click()
    assert "Corrected: Title gave no date" in page.content()
    assert_accessible(page)

    task = world.ours.tasks.get(action__code="I-VFM-1")
    page.goto(f"/partnerships/{world.ours.pk}/tasks/{task.pk}/evidence/")
    page.get_by_label("Record to link").select_option(
        label="Document: Cabinet report, 12 March (12 Mar 2026)"
    )
    page.get_by_role("button", name="Link record").click()
    page.get_by_role("link", name="Remove").click()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, remove the link").click()
    assert "Evidence unlinked" in page.content()

    page.goto(f"/partnerships/{world.ours.pk}/documents/")
    page.get_by_role("link", name="Cabinet report, 12 March").click()
    page.get_by_role("link", name="Withdraw this document").click()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, withdraw the document").click()
    assert "Enter why the document is withdrawn" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Why is the document withdrawn?").fill("Superseded by version 3")
    page.get_by_role("button", name="Yes, withdraw the document").click()
    assert "Withdrawn on" in page.content()
