"""The partnership survey: rounds, anonymous answers (one per respondent per round), paper forms, results per
principle per side (five or more), gaps, the trend, at a glance and evidence."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forbetter.accounts.models import Role
from forbetter.partnerships.evidence import candidates_for, matching_candidates
from forbetter.survey import selectors, services
from forbetter.survey.models import AnswerSource, Participation, Statement, SurveyResponse, SurveyRound
from tests.conftest import World
from tests.factories import client_for
from tests.web.edit_versions import opened_at

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def _round(
    world: World, name: str = "Spring", *, opens: int = -5, closes: int = 5, partnership: Any = None
) -> SurveyRound:
    return services.round_save(
        user=world.users[Role.COUNCIL_EDITOR],
        partnership=partnership or world.ours,
        data={
            "name": name,
            "opens_on": TODAY + dt.timedelta(days=opens),
            "closes_on": TODAY + dt.timedelta(days=closes),
        },
    )


def _answers(value: int = 4, **overrides: int) -> dict[str, int]:
    answers = dict.fromkeys(Statement.objects.values_list("key", flat=True), value)
    answers.update({key.replace("_", "-"): given for key, given in overrides.items()})
    return answers


def _paper(
    world: World, survey_round: SurveyRound, side: str, count: int, value: int = 4, start: int = 0
) -> None:
    for n in range(start, start + count):
        services.enter_paper_form(
            user=world.users[Role.COUNCIL_EDITOR],
            survey_round=survey_round,
            side=side,
            paper_reference=f"{side}-{n}",
            answers=_answers(value),
        )


def _stored() -> tuple[int, int]:
    return SurveyResponse.objects.count(), Participation.objects.count()


# ---------------------------------------------------------------------------------------------------------
# The reference data


def test_the_six_principles_are_loaded_with_three_or_four_statements_each() -> None:
    principles = selectors.principles()
    assert [p.name for p in principles] == [
        "Recognise and accept the need for partnership",
        "Develop clarity and realism of purpose",
        "Ensure commitment and ownership",
        "Develop and maintain trust",
        "Create clear and robust partnership arrangements",
        "Monitor, measure and learn",
    ]
    assert all(3 <= len(p.statements.all()) <= 4 for p in principles)


# ---------------------------------------------------------------------------------------------------------
# Answering


@pytest.mark.parametrize(("role", "side"), [(Role.COUNCIL_EDITOR, "council"), (Role.PARTNER_USER, "partner")])
def test_a_party_answers_anonymously_for_their_side(world: World, role: Role, side: str) -> None:
    survey_round = _round(world)
    user = world.users[role]
    url = reverse("survey:answer", args=[world.ours.pk, survey_round.pk])
    page = client_for(user).get(url).content.decode()
    assert "Answers are anonymous" in page
    assert f"You answer for the <strong>{side}</strong> side" in page
    response = client_for(user).post(url, {key: str(value) for key, value in _answers(5).items()})
    assert response.status_code == 302
    stored = SurveyResponse.objects.get()
    assert (stored.side, stored.source, stored.round_id) == (side, AnswerSource.ONLINE, survey_round.pk)
    assert stored.answers == _answers(5)
    assert Participation.objects.get().user == user
    assert selectors.has_answered(user, survey_round)
    detail = client_for(user).get(reverse("survey:round", args=[world.ours.pk, survey_round.pk]))
    assert "You have answered this round" in detail.content.decode()


def test_the_answers_hold_nothing_that_leads_back_to_a_person() -> None:
    fields = {field.name for field in SurveyResponse._meta.get_fields()}
    assert fields == {"id", "round", "side", "source", "answers"}
    assert not hasattr(SurveyResponse, "history")
    assert SurveyResponse._meta.pk is not None
    assert SurveyResponse._meta.pk.get_internal_type() == "UUIDField"  # its order says nothing of when


def test_a_second_answer_in_the_round_is_refused_and_nothing_saved(world: World) -> None:
    survey_round = _round(world)
    user = world.users[Role.PARTNER_USER]
    services.answer_round(user=user, survey_round=survey_round, answers=_answers(3))
    before = _stored()
    with pytest.raises(ValidationError) as refused:
        services.answer_round(user=user, survey_round=survey_round, answers=_answers(5))
    assert refused.value.messages == [
        "You have already answered this round: each person answers a round once"
    ]
    assert _stored() == before
    # through the page too: the form says so and nothing is saved
    url = reverse("survey:answer", args=[world.ours.pk, survey_round.pk])
    response = client_for(user).post(url, {key: str(value) for key, value in _answers(5).items()})
    assert response.status_code == 200
    assert "You have already answered this round" in response.content.decode()
    assert _stored() == before
    # another round is another matter
    services.answer_round(user=user, survey_round=_round(world, "Autumn"), answers=_answers(3))


@pytest.mark.parametrize("value", ["0", "6", "seven", ""])
def test_an_answer_outside_the_scale_names_the_statement_and_saves_nothing(world: World, value: str) -> None:
    survey_round = _round(world)
    data = dict.fromkeys(_answers(), "4")
    data["trust-2"] = value
    response = client_for(world.users[Role.COUNCIL_EDITOR]).post(
        reverse("survey:answer", args=[world.ours.pk, survey_round.pk]), data
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["trust-2"]
    text = Statement.objects.get(key="trust-2").text
    expected = "Choose how far you agree" if value == "" else "is outside the scale"
    assert expected in errors["trust-2"][0]
    assert text in errors["trust-2"][0]
    assert _stored() == (0, 0)


def test_the_service_refuses_answers_outside_the_scale_by_statement(world: World) -> None:
    survey_round = _round(world)
    with pytest.raises(ValidationError) as refused:
        services.answer_round(
            user=world.users[Role.COUNCIL_EDITOR], survey_round=survey_round, answers=_answers(4, trust_1=9)
        )
    assert list(refused.value.message_dict) == ["trust-1"]
    assert (
        "outside the scale: it must be from 1 (strongly disagree) to 5 (strongly agree), not 9"
        in (refused.value.message_dict["trust-1"][0])
    )
    missing = _answers()
    del missing["monitor-learn-3"]
    with pytest.raises(ValidationError) as refused:
        services.answer_round(
            user=world.users[Role.COUNCIL_EDITOR], survey_round=survey_round, answers=missing
        )
    assert list(refused.value.message_dict) == ["monitor-learn-3"]
    assert _stored() == (0, 0)


@pytest.mark.parametrize(
    ("opens", "closes", "message"),
    [(-20, -1, "This round closed on"), (2, 20, "This round is not open yet: it opens on")],
)
def test_an_answer_to_a_round_that_is_not_open_is_refused(
    world: World, opens: int, closes: int, message: str
) -> None:
    survey_round = _round(world, opens=opens, closes=closes)
    for role in (Role.COUNCIL_EDITOR, Role.PARTNER_USER):
        with pytest.raises(ValidationError) as refused:
            services.answer_round(user=world.users[role], survey_round=survey_round, answers=_answers())
        assert refused.value.messages[0].startswith(message)
    url = reverse("survey:answer", args=[world.ours.pk, survey_round.pk])
    response = client_for(world.users[Role.PARTNER_USER]).post(url, dict.fromkeys(_answers(), "4"))
    assert message in response.content.decode()
    assert _stored() == (0, 0)


@pytest.mark.parametrize("role", [Role.COUNCIL_VIEWER, Role.AUDITOR, Role.ADMINISTRATOR])
def test_viewers_auditors_and_administrators_read_but_do_not_answer(world: World, role: Role) -> None:
    survey_round = _round(world)
    url = reverse("survey:answer", args=[world.ours.pk, survey_round.pk])
    client = client_for(world.users[role])
    page = client.get(url)
    assert page.status_code == 200
    assert "Only the parties to the partnership answer the survey" in page.content.decode()
    assert 'type="radio"' not in page.content.decode()
    assert client.post(url, dict.fromkeys(_answers(), "4")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.answer_round(user=world.users[role], survey_round=survey_round, answers=_answers())
    assert _stored() == (0, 0)


def test_a_round_of_another_partnership_cannot_be_answered(world: World) -> None:
    theirs = _round(world, partnership=world.theirs)
    url = reverse("survey:answer", args=[world.ours.pk, theirs.pk])
    assert (
        client_for(world.users[Role.COUNCIL_EDITOR]).post(url, dict.fromkeys(_answers(), "4")).status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        services.answer_round(user=world.users[Role.PARTNER_USER], survey_round=theirs, answers=_answers())
    assert _stored() == (0, 0)


# ---------------------------------------------------------------------------------------------------------
# Paper forms


def test_an_editor_enters_paper_forms_once_each(world: World) -> None:
    survey_round = _round(world)
    editor = world.users[Role.COUNCIL_EDITOR]
    url = reverse("survey:paper-entry", args=[world.ours.pk, survey_round.pk])
    data = {"side": "partner", "paper_reference": "P-001", **dict.fromkeys(_answers(), "2")}
    assert client_for(editor).post(url, data).status_code == 302
    stored = SurveyResponse.objects.get()
    assert (stored.side, stored.source) == ("partner", AnswerSource.PAPER)
    participation = Participation.objects.get()
    assert (participation.user, participation.paper_reference, participation.recorded_by) == (
        None,
        "P-001",
        editor,
    )
    again = client_for(editor).post(url, {**data, "paper_reference": " P-001 "})
    assert again.status_code == 200
    assert again.context["form"].errors["paper_reference"] == [
        "Paper form P-001 has already been entered for this round: each form is entered once"
    ]
    assert _stored() == (1, 1)


def test_a_paper_form_needs_a_side_and_a_reference(world: World) -> None:
    survey_round = _round(world)
    url = reverse("survey:paper-entry", args=[world.ours.pk, survey_round.pk])
    response = client_for(world.users[Role.COUNCIL_EDITOR]).post(url, dict.fromkeys(_answers(), "2"))
    errors = response.context["form"].errors
    assert errors["side"] == ["Choose whether the council or the partner side filled in the form"]
    assert errors["paper_reference"] == ["Enter the reference printed on the paper form"]
    with pytest.raises(ValidationError) as refused:
        services.enter_paper_form(
            user=world.users[Role.COUNCIL_EDITOR],
            survey_round=survey_round,
            side="auditor",
            paper_reference=" ",
            answers=_answers(),
        )
    assert set(refused.value.message_dict) == {"side", "paper_reference"}
    assert _stored() == (0, 0)


def test_a_paper_form_for_a_closed_round_is_refused(world: World) -> None:
    survey_round = _round(world, opens=-30, closes=-2)
    with pytest.raises(ValidationError, match="This round closed on"):
        _paper(world, survey_round, "council", 1)
    assert _stored() == (0, 0)


# ---------------------------------------------------------------------------------------------------------
# Rounds


def test_an_editor_adds_and_changes_a_round(world: World) -> None:
    editor = world.users[Role.COUNCIL_EDITOR]
    client = client_for(editor)
    created = client.post(
        reverse("survey:round-create", args=[world.ours.pk]),
        {"name": "Spring 2026", "opens_on": "2026-03-01", "closes_on": "2026-03-31"},
    )
    survey_round = SurveyRound.objects.get(partnership=world.ours)
    assert created["Location"] == reverse("survey:round", args=[world.ours.pk, survey_round.pk])
    edit = reverse("survey:round-edit", args=[world.ours.pk, survey_round.pk])
    data = {
        "name": "Spring 2026",
        "opens_on": "2026-03-01",
        "closes_on": "2026-04-15",
        **opened_at(survey_round),
    }
    assert client.post(edit, data).status_code == 302
    survey_round.refresh_from_db()
    assert survey_round.closes_on == dt.date(2026, 4, 15)
    assert survey_round.history.count() == 2


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"name": "B", "opens_on": "2026-03-10", "closes_on": "2026-03-01"},
            "closes_on",
            "on or after the opening date",
        ),
        (
            {"name": "spring", "opens_on": "2026-03-01", "closes_on": "2026-03-31"},
            "name",
            "already has a survey round",
        ),
        (
            {"name": "", "opens_on": "2026-03-01", "closes_on": "2026-03-31"},
            "name",
            "Enter a name for the round",
        ),
        (
            {"name": "C", "opens_on": "", "closes_on": "2026-03-31"},
            "opens_on",
            "Enter the date the round opens",
        ),
    ],
)
def test_bad_rounds_are_refused_naming_the_field(
    world: World, data: dict[str, str], field: str, message: str
) -> None:
    _round(world, "Spring")
    response = client_for(world.users[Role.COUNCIL_EDITOR]).post(
        reverse("survey:round-create", args=[world.ours.pk]), data
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert SurveyRound.objects.filter(partnership=world.ours).count() == 1


# ---------------------------------------------------------------------------------------------------------
# Results


def test_a_side_with_fewer_than_five_answers_shows_no_mean(world: World) -> None:
    survey_round = _round(world)
    _paper(world, survey_round, "council", 5, value=5)
    _paper(world, survey_round, "partner", 4, value=2)
    url = reverse("survey:round", args=[world.ours.pk, survey_round.pk])
    page = client_for(world.users[Role.PARTNER_USER]).get(url).content.decode()
    assert "5.00" in page
    assert "Fewer than five answered on this side (4)" in page
    assert "Large gap</strong>" not in page
    _paper(world, survey_round, "partner", 1, value=2, start=10)
    page = client_for(world.users[Role.PARTNER_USER]).get(url).content.decode()
    assert "Fewer than five answered on this side" not in page
    assert "+3.00" in page.split("Show the data behind")[0]  # the table, not only the chart's data
    assert "Large gap</strong>" in page
    assert 'alt="Mean answers of each side on each principle in Spring.' in page


def test_results_across_rounds_show_the_widening_gap(world: World) -> None:
    first = _round(world, "First")
    _paper(world, first, "council", 5, value=4)
    _paper(world, first, "partner", 5, value=4)
    second = _round(world, "Second", opens=-1)
    _paper(world, second, "council", 5, value=5)
    _paper(world, second, "partner", 5, value=3)
    found = selectors.results(world.ours)
    assert [r.round for r in found.result.rounds] == ["First", "Second"]
    assert {t.direction for t in found.result.trend} == {"widening"}
    page = (
        client_for(world.users[Role.AUDITOR])
        .get(reverse("survey:results", args=[world.ours.pk]))
        .content.decode()
    )
    assert "Widening" in page
    assert "In Second the sides are 2.00 apart on “Develop and maintain trust”" in page
    assert "Gap between the sides, by round" in page


def test_list_and_results_pages_run_a_fixed_number_of_queries(world: World) -> None:
    client = client_for(world.users[Role.COUNCIL_VIEWER])
    counts = []
    for extra in (0, 1):
        survey_round = _round(world, f"Round {extra}", opens=-10 + extra)
        _paper(world, survey_round, "council", 5 + 3 * extra)
        with CaptureQueriesContext(connection) as queries:
            for name in ("survey:rounds", "survey:results"):
                assert client.get(reverse(name, args=[world.ours.pk])).status_code == 200
            with_glance = selectors.at_a_glance(world.ours)
        counts.append(len(queries))
        assert with_glance is None  # no partner answers: no gap
    assert counts[0] == counts[1]


def test_at_a_glance_gives_the_latest_rounds_largest_gap(world: World) -> None:
    assert selectors.at_a_glance(world.ours) is None
    old = _round(world, "Old", opens=-40, closes=-35)
    SurveyRound.objects.filter(pk=old.pk).update(opens_on=TODAY - dt.timedelta(days=40))
    latest = _round(world, "Latest")
    assert selectors.at_a_glance(world.ours) is None  # no answers yet
    for n in range(5):
        services.enter_paper_form(
            user=world.users[Role.COUNCIL_EDITOR],
            survey_round=latest,
            side="council",
            paper_reference=f"c{n}",
            answers=_answers(4),
        )
        services.enter_paper_form(
            user=world.users[Role.COUNCIL_EDITOR],
            survey_round=latest,
            side="partner",
            paper_reference=f"p{n}",
            answers=_answers(4, trust_1=1, trust_2=1, arrangements_1=3),
        )
    with CaptureQueriesContext(connection) as queries:
        glance = selectors.at_a_glance(world.ours)
    assert len(queries) == 4
    assert glance == {
        "round": "Latest",
        "round_pk": latest.pk,
        "principle": "Develop and maintain trust",
        "gap": 1.5,
        "size": 1.5,
        "flagged": True,
        "threshold": 1.0,
        "more_positive": "council",
    }


# ---------------------------------------------------------------------------------------------------------
# Evidence


def test_rounds_evidence_the_survey_kind_without_figures(world: World) -> None:
    survey_round = _round(world)
    found = matching_candidates(candidates_for(world.ours), ["survey"])
    assert [c.record for c in found] == [survey_round]
    assert found[0].label.startswith("Partnership survey “Spring”, ")
    assert matching_candidates(candidates_for(world.theirs), ["survey"]) == []


def test_the_round_page_reads_for_every_role(world: World) -> None:
    survey_round = _round(world)
    url = reverse("survey:round", args=[world.ours.pk, survey_round.pk])
    for role, user in world.users.items():
        page = client_for(user).get(url)
        assert page.status_code == 200, role
        answers = "Answer this round" in page.content.decode()
        assert answers == (role in (Role.COUNCIL_EDITOR, Role.PARTNER_USER)), role


def test_gaps_are_shown_with_their_sign() -> None:
    from forbetter.survey.templatetags.survey import signed

    assert [signed(1.6), signed(-0.4), signed(0.001), signed(-0.004), signed(None)] == [
        "+1.60",
        "−0.40",
        "0.00",
        "0.00",
        "",
    ]
