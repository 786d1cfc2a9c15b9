"""The survey engine (:mod:`forbetter.calc.survey`): worked examples computed by hand, the rules on bad
input, and hypothesis properties of means, gaps and the five-respondent rule."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forbetter.calc.errors import InputError
from forbetter.calc.survey import Principle, Response, Statement, analyse

PRINCIPLES = [Principle("trust", "Develop and maintain trust"), Principle("purpose", "Clarity of purpose")]
STATEMENTS = [Statement("t1", "trust"), Statement("t2", "trust"), Statement("p1", "purpose")]


def _responses(round_name: str, side: str, answers: list[dict[str, Any]]) -> list[Response]:
    return [Response(f"{round_name}-{side}-{n}", side, round_name, given) for n, given in enumerate(answers)]


def _worked() -> list[Response]:
    """2025: council trust scores 4.5, 4, 5, 3.5, 3.5 (mean 4.1); partner 3, 2.5, 3.5, 2, 3 (mean 2.8); gap
    1.3. Purpose: council 4 × 5 (mean 4), only four partner respondents answered it. 2026: trust council 5,
    partner 2, gap 3."""
    council_2025 = [(5, 4), (4, 4), (5, 5), (3, 4), (4, 3)]
    partner_2025 = [(3, 3), (2, 3), (3, 4), (2, 2), (3, 3)]
    responses = _responses(
        "2025", "council", [{"t1": a, "t2": b, "p1": 4} for a, b in council_2025]
    ) + _responses(
        "2025",
        "partner",
        [{"t1": a, "t2": b, **({"p1": 3} if n < 4 else {})} for n, (a, b) in enumerate(partner_2025)],
    )
    responses += _responses("2026", "council", [{"t1": 5, "t2": 5, "p1": 4}] * 5)
    responses += _responses("2026", "partner", [{"t1": 2, "t2": 2, "p1": 4}] * 5)
    return responses


def test_worked_example_means_gap_flag_and_the_five_respondent_rule() -> None:
    result = analyse(principles=PRINCIPLES, statements=STATEMENTS, responses=_worked())
    first = result.rounds[0]
    assert first.round == "2025"
    assert first.respondents == {"council": 5, "partner": 5}
    trust, purpose = first.principles
    assert trust.council.mean == pytest.approx(4.1)
    assert trust.partner.mean == pytest.approx(2.8)
    assert trust.gap == pytest.approx(1.3)
    assert trust.flagged
    assert purpose.council.mean == 4.0
    assert purpose.partner.mean is None
    assert purpose.partner.respondents == 4
    assert purpose.partner.reason == "fewer than five partner respondents answered (4), so no mean is shown"
    assert purpose.gap is None
    assert not purpose.flagged
    assert purpose.gap_reason == "no gap: the partner side had no mean"
    assert [(f.round, f.principle) for f in result.flags] == [("2025", "trust"), ("2026", "trust")]
    assert "1.30 apart" in result.flags[0].explanation
    assert "council is the more positive" in result.flags[0].explanation


def test_worked_example_trend_widens_on_trust() -> None:
    result = analyse(principles=PRINCIPLES, statements=STATEMENTS, responses=_worked())
    trust, purpose = result.trend
    assert (trust.principle, trust.previous_round, trust.round) == ("trust", "2025", "2026")
    assert trust.gap == 3.0
    assert trust.previous_gap == pytest.approx(1.3)
    assert trust.change == pytest.approx(1.7)
    assert trust.direction == "widening"
    assert (
        trust.explanation
        == "The gap on “Develop and maintain trust” is widening from 1.30 in 2025 to 3.00 in 2026."
    )
    assert purpose.direction is None
    assert purpose.change is None
    assert "a gap is missing" in purpose.explanation


def test_narrowing_and_unchanged_and_the_sign_of_the_gap() -> None:
    responses = _responses("A", "council", [{"t1": 2}] * 5) + _responses("A", "partner", [{"t1": 4}] * 5)
    responses += _responses("B", "council", [{"t1": 3}] * 5) + _responses("B", "partner", [{"t1": 4}] * 5)
    responses += _responses("C", "council", [{"t1": 5}] * 5) + _responses("C", "partner", [{"t1": 4}] * 5)
    result = analyse(principles=PRINCIPLES[:1], statements=STATEMENTS[:1], responses=responses)
    assert [r.principles[0].gap for r in result.rounds] == [-2.0, -1.0, 1.0]
    assert [t.direction for t in result.trend] == ["narrowing", "unchanged"]
    assert [t.change for t in result.trend] == [1.0, 2.0]
    # a gap of exactly the threshold is flagged; the partner is the more positive side in A
    assert [f.round for f in result.flags] == ["A", "B", "C"]
    assert "partner is the more positive" in result.flags[0].explanation


def test_threshold_and_scale_are_inputs() -> None:
    responses = _responses("A", "council", [{"t1": 7}] * 5) + _responses("A", "partner", [{"t1": 5}] * 5)
    seven = analyse(principles=PRINCIPLES[:1], statements=STATEMENTS[:1], responses=responses, scale=(1, 7))
    assert seven.gap_threshold == 1.5  # a quarter of the 1-7 scale's width
    assert seven.rounds[0].principles[0].flagged
    strict = analyse(
        principles=PRINCIPLES[:1],
        statements=STATEMENTS[:1],
        responses=responses,
        scale=(1, 7),
        gap_threshold=2.5,
    )
    assert not strict.rounds[0].principles[0].flagged
    assert not strict.flags


def test_rounds_order_can_be_given() -> None:
    responses = _worked()
    result = analyse(
        principles=PRINCIPLES, statements=STATEMENTS, responses=responses, rounds=["2026", "2025"]
    )
    assert [r.round for r in result.rounds] == ["2026", "2025"]
    assert result.trend[0].direction == "narrowing"


def test_a_round_with_no_responses_gives_no_means() -> None:
    result = analyse(principles=PRINCIPLES, statements=STATEMENTS, responses=[], rounds=["Empty"])
    assert result.rounds[0].respondents == {"council": 0, "partner": 0}
    assert all(p.council.mean is None and p.gap is None for p in result.rounds[0].principles)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"answers": {"t1": 6}},
            "responses[0].answers.t1",
            "is outside the scale: it must be from 1 to 5; got 6",
        ),
        ({"answers": {"t1": 0}}, "responses[0].answers.t1", "is outside the scale"),
        ({"answers": {"t1": 2.5}}, "responses[0].answers.t1", "must be a whole number from 1 to 5"),
        ({"answers": {"t1": True}}, "responses[0].answers.t1", "must be a whole number"),
        ({"answers": {"t1": "4"}}, "responses[0].answers.t1", "must be a whole number"),
        ({"answers": {"zz": 4}}, "responses[0].answers.zz", "is not one of the statements"),
        ({"side": "auditor"}, "responses[0].side", 'must be "council" or "partner"'),
        ({"respondent": ""}, "responses[0].respondent", "must be a non-empty text"),
        ({"round": 3}, "responses[0].round", "must be a non-empty text"),
    ],
)
def test_bad_responses_are_refused_naming_the_field(change: dict[str, Any], field: str, message: str) -> None:
    base = {"respondent": "r1", "side": "council", "round": "A", "answers": {"t1": 3}}
    response = Response(**{**base, **change})
    with pytest.raises(InputError) as refused:
        analyse(principles=PRINCIPLES, statements=STATEMENTS, responses=[response])
    assert refused.value.field == field
    assert message in refused.value.message


def test_a_second_answer_from_a_respondent_in_a_round_is_refused() -> None:
    first = Response("r1", "council", "A", {"t1": 3})
    again = Response("r1", "council", "A", {"t2": 4})
    with pytest.raises(InputError) as refused:
        analyse(principles=PRINCIPLES, statements=STATEMENTS, responses=[first, again])
    assert refused.value.field == "responses[1].respondent"
    assert (
        "has already answered round 'A' (responses[0]): one answer per respondent per round"
        in refused.value.message
    )
    # the same respondent may answer another round
    analyse(
        principles=PRINCIPLES,
        statements=STATEMENTS,
        responses=[first, Response("r1", "council", "B", {"t1": 3})],
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"scale": (5, 1)}, "scale.max"),
        ({"scale": (1.5, 5)}, "scale.min"),
        ({"scale": (1, 500)}, "scale.max"),
        ({"gap_threshold": 0}, "gap_threshold"),
        ({"gap_threshold": 9}, "gap_threshold"),
        ({"gap_threshold": "1"}, "gap_threshold"),
        ({"principles": []}, "principles"),
        ({"principles": [Principle("trust"), Principle("trust")]}, "principles[1].id"),
        ({"statements": []}, "statements"),
        ({"statements": [Statement("t1", "nope")]}, "statements[0].principle"),
        ({"statements": [Statement("t1", "trust"), Statement("t1", "trust")]}, "statements[1].id"),
        ({"rounds": ["B"]}, "responses[0].round"),
        ({"rounds": ["A", "A"]}, "rounds[1]"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(kwargs: dict[str, Any], field: str) -> None:
    arguments: dict[str, Any] = {
        "principles": PRINCIPLES,
        "statements": STATEMENTS,
        "responses": [Response("r1", "council", "A", {"t1": 3})],
        **kwargs,
    }
    with pytest.raises(InputError) as refused:
        analyse(**arguments)
    assert refused.value.field == field


# ---------------------------------------------------------------------------------------------------------
# Properties

PROPERTY = settings(max_examples=100, deadline=None)
SIDES = ("council", "partner")


@st.composite
def surveys(draw: Any) -> dict[str, Any]:
    low = draw(st.integers(0, 3))
    high = low + draw(st.integers(1, 6))
    rounds = draw(st.lists(st.sampled_from(["R1", "R2", "R3"]), min_size=1, max_size=3, unique=True))
    responses = []
    for round_name in rounds:
        for side in SIDES:
            for n in range(draw(st.integers(0, 8))):
                keys = draw(st.lists(st.sampled_from(["t1", "t2", "p1"]), min_size=1, unique=True))
                answers = {key: draw(st.integers(low, high)) for key in keys}
                responses.append(Response(f"{side}-{n}", side, round_name, answers))
    return {"principles": PRINCIPLES, "statements": STATEMENTS, "responses": responses, "scale": (low, high)}


def _swapped(survey: dict[str, Any]) -> dict[str, Any]:
    flipped = [
        Response(r.respondent, "partner" if r.side == "council" else "council", r.round, r.answers)
        for r in survey["responses"]
    ]
    return {**survey, "responses": flipped}


@PROPERTY
@given(survey=surveys())
def test_means_lie_within_the_scale(survey: dict[str, Any]) -> None:
    low, high = survey["scale"]
    for round_result in analyse(**survey).rounds:
        for item in round_result.principles:
            for side in SIDES:
                mean = item.side(side).mean
                assert mean is None or low <= mean <= high
            assert item.gap is None or abs(item.gap) <= high - low


@PROPERTY
@given(survey=surveys())
def test_a_side_with_fewer_than_five_answering_has_no_mean_and_no_gap(survey: dict[str, Any]) -> None:
    for round_result in analyse(**survey).rounds:
        for item in round_result.principles:
            for side in SIDES:
                result = item.side(side)
                assert (result.mean is None) == (result.respondents < 5)
                assert (result.reason is None) == (result.respondents >= 5)
            assert (item.gap is None) == (item.council.mean is None or item.partner.mean is None)


@PROPERTY
@given(survey=surveys())
def test_the_gap_is_antisymmetric_when_the_sides_swap(survey: dict[str, Any]) -> None:
    result, swapped = analyse(**survey), analyse(**_swapped(survey))
    for ours, theirs in zip(result.rounds, swapped.rounds, strict=True):
        for a, b in zip(ours.principles, theirs.principles, strict=True):
            for side, other in (("council", "partner"), ("partner", "council")):
                assert (a.side(side).mean, a.side(side).respondents) == (
                    b.side(other).mean,
                    b.side(other).respondents,
                )
            assert (a.gap is None and b.gap is None) or a.gap == -b.gap  # type: ignore[operator]
            assert a.flagged == b.flagged
    assert [t.direction for t in result.trend] == [t.direction for t in swapped.trend]


@PROPERTY
@given(survey=surveys())
def test_flags_are_exactly_the_gaps_at_least_the_threshold(survey: dict[str, Any]) -> None:
    result = analyse(**survey)
    flagged = {
        (r.round, p.principle)
        for r in result.rounds
        for p in r.principles
        if p.gap is not None and abs(p.gap) >= result.gap_threshold - 1e-9
    }
    assert {(f.round, f.principle) for f in result.flags} == flagged


@PROPERTY
@given(survey=surveys())
def test_the_trend_follows_the_gaps_size(survey: dict[str, Any]) -> None:
    result = analyse(**survey)
    assert len(result.trend) == len(PRINCIPLES) * max(0, len(result.rounds) - 1)
    for step in result.trend:
        if step.gap is None or step.previous_gap is None:
            assert step.direction is None
            continue
        assert step.change == pytest.approx(step.gap - step.previous_gap)
        size_change = abs(step.gap) - abs(step.previous_gap)
        expected = "widening" if size_change > 1e-9 else "narrowing" if size_change < -1e-9 else "unchanged"
        assert step.direction == expected
