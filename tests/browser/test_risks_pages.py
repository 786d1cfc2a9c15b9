"""Risk register, risk page, heat map, Monte Carlo results and exit costs in real Chromium, each checked by
axe-core against WCAG 2.2 AA with zero violations allowed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from forbetter.accounts.models import Role
from forbetter.risks import services
from forbetter.risks.models import RiskAction
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.factories import PASSWORD, make_risk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _register(world: World) -> None:
    editor = world.users[Role.COUNCIL_EDITOR]
    first = make_risk(
        world.ours, title="Winter service fails", owner=editor, inherent_likelihood=5, inherent_impact=5
    )
    make_risk(
        world.ours, title="Partner sold", allocation="partner", category_code="partnerInsolvencyOrOwnership"
    )
    make_risk(
        world.ours,
        title="Costs rise",
        allocation="shared",
        council_share=Decimal("0.5"),
        distribution="triangular",
    )
    make_risk(
        world.ours,
        title="Late review",
        next_review_on=dt.date.today() - dt.timedelta(days=4),
        quantified=False,
    )
    make_risk(world.ours, title="It happened", status="materialised", actual_cost_gbp=Decimal(12_000))
    RiskAction.objects.create(risk=first, description="Order more salt", owner=editor, due_on=dt.date.today())


def test_editor_works_through_the_register_risk_page_and_heat_map(page: Any, world: World) -> None:
    _register(world)
    sign_in(page, "editor@a.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/")
    page.get_by_role("link", name="Risks", exact=True).click()
    expect(page.get_by_role("heading", name="Risk register")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(5)
    assert_accessible(page)

    page.get_by_text("Filter and sort the risks").click()
    page.get_by_label("Carried by").select_option("partner")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    assert_accessible(page)

    page.get_by_role("link", name="Clear filters").click()
    page.get_by_role("link", name="R001 Winter service fails").click()
    expect(page.get_by_text("Very high 25")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Change this risk").click()
    page.get_by_label("Probability it happens").fill("1.5")
    page.get_by_label("Minimum cost in pounds").fill("90000")
    page.get_by_role("button", name="Save the risk").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Probability must be between 0 and 1" in summary
    assert "The minimum cost must not be more than the most likely cost" in summary
    assert_accessible(page)

    page.goto(f"/partnerships/{world.ours.pk}/risks/heat-map/")
    expect(page.locator("table.fb-heat-map")).to_have_count(2)
    assert_accessible(page)
    page.locator("#heat-map-inherent").get_by_role(
        "link", name="1 risk with likelihood 5 and impact 5"
    ).click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.get_by_role("link", name="R001 Winter service fails")).to_be_visible()


def test_allocation_reviews_and_ownership_plan_are_accessible(page: Any, world: World) -> None:
    _register(world)
    sign_in(page, "viewer@a.test", PASSWORD)
    for path, heading in (
        ("allocation/", "Risk allocation"),
        ("reviews-due/", "Reviews overdue and due soon"),
        ("reviews/", "Risk review records"),
        ("ownership-plan/", "Change-of-ownership and restructuring plan"),
    ):
        page.goto(f"/partnerships/{world.ours.pk}/risks/{path}")
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        assert_accessible(page)


def test_editor_records_a_review(page: Any, world: World) -> None:
    _register(world)
    sign_in(page, "editor@a.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/risks/reviews/new/")
    assert_accessible(page)
    page.get_by_role("button", name="Record the review").click()
    assert "Select at least one risk that was reviewed" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Reviewed R004").check()
    page.get_by_label("Likelihood of R004 now").select_option("2")
    page.get_by_role("button", name="Record the review").click()
    assert "Review recorded: 1 risks reviewed" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)


def test_monte_carlo_results_and_exit_costs_are_accessible(page: Any, world: World) -> None:
    _register(world)
    editor = world.users[Role.COUNCIL_EDITOR]
    sign_in(page, "editor@a.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/risks/simulations/new/")
    assert_accessible(page)
    page.get_by_label("Iterations").fill("3000000")
    page.get_by_role("button", name="Start the run").click()
    assert "that is the most one run may use" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Iterations").fill("5000")
    page.get_by_label("Seed").fill("11")
    page.get_by_role("button", name="Start the run").click()
    expect(page.get_by_role("heading", name="Monte Carlo run").first).to_be_visible()
    assert "There is an 80% chance the council's retained risk costs no more than" in page.content()
    expect(page.locator("img.fb-chart")).to_have_count(4)
    assert_accessible(page)

    services.exit_analysis_save(
        user=editor,
        partnership=world.ours,
        data={
            "term_years": 6,
            "annual_charge_gbp": Decimal(1_000_000),
            "transition_costs_gbp": Decimal(200_000),
        },
        break_years=[3],
    )
    page.goto(f"/partnerships/{world.ours.pk}/risks/exit/")
    expect(page.get_by_role("heading", name="What it would cost to leave")).to_be_visible()
    page.locator(".govuk-details__summary-text", has_text="Council voluntary termination").click()
    assert_accessible(page)
    page.get_by_role("link", name="Change the council voluntary termination compensation").click()
    page.get_by_label("Compensation for leaving at the end of year 2, in pounds").fill("two million")
    page.get_by_role("button", name="Save the schedule").click()
    assert (
        "Compensation for year 2 must be a number of pounds"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)


def test_partner_user_reads_the_register_but_not_the_confidential_pages(page: Any, world: World) -> None:
    _register(world)
    sign_in(page, "partner@p.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/risks/")
    assert page.get_by_role("link", name="Add a risk").count() == 0
    assert page.get_by_role("link", name="Exit costs").count() == 0
    response = page.goto(f"/partnerships/{world.ours.pk}/risks/exit/")
    assert response is not None
    assert response.status == 403
    assert_accessible(page)
    response = page.goto(f"/partnerships/{world.ours.pk}/risks/ownership-plan/")
    assert response is not None
    assert response.status == 403


def test_cancel_and_retry_pages_of_a_monte_carlo_run_are_accessible(page: Any, world: World) -> None:
    """RUN-STOPS-WHEN-CANCELLED and RUN-RETRY-REPEATS-INPUTS through the pages: the run page, the confirmation
    pages and the cancelled run's page pass axe, and the cancelled run shows no results."""
    _register(world)
    editor = world.users[Role.COUNCIL_EDITOR]
    run = services.simulation_run_create(
        user=editor, partnership=world.ours, iterations=5000, seed=11, correlation=Decimal(0)
    )
    sign_in(page, "editor@a.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/risks/simulations/{run.pk}/?refresh=off")
    assert "more than 2 minutes" in page.content()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel this run").click()
    assert "The run will not be started" in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, cancel the run").click()
    expect(page.locator("#run-stopped")).to_contain_text("The run was cancelled")
    assert "There is an 80% chance" not in page.content()
    assert_accessible(page)
    page.get_by_role("link", name="Retry this run").click()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, retry the run").click()
    expect(page.get_by_role("heading", name="Monte Carlo run").first).to_be_visible()
    assert "There is an 80% chance the council's retained risk costs no more than" in page.content()
    page.goto(f"/partnerships/{world.ours.pk}/risks/simulations/")
    assert "No result" in page.content()
    assert_accessible(page)
