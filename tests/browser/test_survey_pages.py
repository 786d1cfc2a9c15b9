"""Survey pages in real Chromium, each checked by axe-core against WCAG 2.2 AA with zero violations allowed:
the rounds, a round's results with its chart and table, answering (with errors), paper forms and results
across rounds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from forbetter.accounts.models import Role
from forbetter.survey import services
from forbetter.survey.models import Statement, SurveyResponse, SurveyRound
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = dt.date.today()


@pytest.fixture
def answered(world: World) -> SurveyRound:
    """Two rounds, five paper forms a side in each, the trust gap widening; the second round open."""
    editor = world.users[Role.COUNCIL_EDITOR]
    keys = list(Statement.objects.values_list("key", flat=True))
    rounds = []
    for index, (opens, closes, partner_trust) in enumerate(((-60, -40, 4), (-5, 5, 2))):
        survey_round = services.round_save(
            user=editor,
            partnership=world.ours,
            data={
                "name": f"Round {index + 1}",
                "opens_on": TODAY + dt.timedelta(days=opens),
                "closes_on": TODAY + dt.timedelta(days=closes),
            },
        )
        for side in ("council", "partner"):
            for n in range(5):
                answers = dict.fromkeys(keys, 4)
                if side == "partner":
                    answers.update({key: partner_trust for key in keys if key.startswith("trust-")})
                services.enter_paper_form(
                    user=editor,
                    survey_round=survey_round,
                    side=side,
                    paper_reference=f"{side}-{n}",
                    answers=answers,
                    today=TODAY + dt.timedelta(days=opens),
                )
        rounds.append(survey_round)
    return rounds[-1]


def test_editor_runs_a_round_and_answers_it(page: Any, world: World, answered: SurveyRound) -> None:
    sign_in(page, "editor@a.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/")
    page.get_by_role("link", name="Survey", exact=True).click()
    assert_accessible(page)
    page.get_by_role("link", name="Add a survey round").click()
    page.get_by_label("Name").fill("Round 3")
    page.get_by_label("Opens on").fill("2026-06-10")
    page.get_by_label("Closes on").fill("2026-06-01")
    page.get_by_role("button", name="Save the round").click()
    assert (
        "The closing date must be on or after the opening date"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)

    page.goto(f"/partnerships/{world.ours.pk}/survey/{answered.pk}/")
    assert "Large gap" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Answer this round").click()
    assert_accessible(page)
    page.get_by_role("button", name="Send my answers").click()
    assert "Choose how far you agree" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    for key in Statement.objects.values_list("key", flat=True):
        page.locator(f"#id_{key}_3").check()  # "Agree"
    page.get_by_role("button", name="Send my answers").click()
    assert "recorded anonymously" in page.locator(".govuk-notification-banner").inner_text()
    assert SurveyResponse.objects.filter(round=answered).count() == 11

    page.goto(f"/partnerships/{world.ours.pk}/survey/{answered.pk}/paper/")
    assert_accessible(page)


def test_partner_reads_the_results_and_the_trend(page: Any, world: World, answered: SurveyRound) -> None:
    sign_in(page, "partner@p.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/survey/results/")
    main = page.locator("main").inner_text()
    assert "Widening" in main
    assert "Gap between the sides, by round" in main
    assert_accessible(page)
    page.get_by_role("link", name="Survey rounds").click()
    page.get_by_role("link", name="Round 2").click()
    assert "Answer this round" in page.locator("main").inner_text()
    assert_accessible(page)
