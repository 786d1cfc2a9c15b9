"""The partnership survey: means per principle per side per round, the gap between the sides, flags and the
trend (after the Partnership Assessment Tool, ODPM 2003; docs/cli.md ``survey``, docs/survey.md).

==========================  ==================================================================================
rule                        what it does
==========================  ==================================================================================
SURVEY-SCALE                every answer is a whole number on the agreement scale (default 1 = strongly
                            disagree … 5 = strongly agree); anything else is refused, naming the answer
SURVEY-ONE-ANSWER           a respondent answers a round once: a second response from the same respondent
                            in the same round is refused
SURVEY-PRINCIPLE-MEAN       a respondent's score for a principle is the mean of their answers to its
                            statements; the side's mean is the mean of those scores over the side's
                            respondents who answered at least one of them (each person counts once)
SURVEY-FIVE-OR-MORE         a side's mean is given only when at least five of its respondents answered the
                            principle in the round; otherwise it is null, with the reason (so that no one
                            person's answers can be read off the results)
SURVEY-GAP                  gap = council mean − partner mean (positive: the council is more positive)
SURVEY-GAP-FLAG             a gap whose size is at least the threshold is flagged (default 1.0 on a 1–5
                            scale: a quarter of the scale's width, scaled with it)
SURVEY-TREND                from one round to the next, the gap's change; "widening" when its size grew,
                            "narrowing" when it shrank, "unchanged" when equal
==========================  ==================================================================================

Rounds are taken in the order given in ``rounds`` or, without it, in the order they first appear in the
responses. Means and gaps are worked out exactly (fractions) and given as floats; flags and trend words are
decided on the exact figures. This module imports nothing from Django.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Final

from forbetter.calc.errors import InputError

SIDES: Final = ("council", "partner")
MIN_RESPONDENTS: Final = 5
"""The fewest respondents of a side whose mean is shown (SURVEY-FIVE-OR-MORE)."""
DEFAULT_SCALE: Final = (1, 5)
MAX_RESPONSES: Final = 100_000
MAX_STATEMENTS: Final = 1_000
MAX_SCALE_POINTS: Final = 101


@dataclass(frozen=True)
class Principle:
    id: str
    name: str = ""


@dataclass(frozen=True)
class Statement:
    id: str
    principle: str


@dataclass(frozen=True)
class Response:
    respondent: str
    side: str
    round: str
    answers: Mapping[str, object]


@dataclass(frozen=True)
class SideResult:
    mean: float | None
    respondents: int
    reason: str | None
    """Why there is no mean (fewer than five answered), else None."""


@dataclass(frozen=True)
class PrincipleResult:
    principle: str
    name: str
    council: SideResult
    partner: SideResult
    gap: float | None
    gap_reason: str | None
    flagged: bool
    exact_gap: Fraction | None = field(default=None, repr=False, compare=False)

    def side(self, side: str) -> SideResult:
        return self.council if side == "council" else self.partner


@dataclass(frozen=True)
class RoundResult:
    round: str
    respondents: Mapping[str, int]
    principles: tuple[PrincipleResult, ...]


@dataclass(frozen=True)
class Flag:
    round: str
    principle: str
    gap: float
    explanation: str


@dataclass(frozen=True)
class TrendStep:
    principle: str
    round: str
    previous_round: str
    gap: float | None
    previous_gap: float | None
    change: float | None
    """gap − previous gap, or None when either is missing."""
    direction: str | None
    """"widening", "narrowing", "unchanged", or None when either gap is missing."""
    explanation: str


@dataclass(frozen=True)
class SurveyResult:
    scale_min: int
    scale_max: int
    gap_threshold: float
    min_respondents: int
    rounds: tuple[RoundResult, ...]
    flags: tuple[Flag, ...]
    trend: tuple[TrendStep, ...]


def default_threshold(scale_min: int, scale_max: int) -> Fraction:
    """A quarter of the scale's width: 1.0 on a 1–5 scale (SURVEY-GAP-FLAG)."""
    return Fraction(scale_max - scale_min, 4)


def analyse(
    *,
    principles: Sequence[Principle],
    statements: Sequence[Statement],
    responses: Sequence[Response],
    scale: tuple[object, object] = DEFAULT_SCALE,
    gap_threshold: object = None,
    rounds: Sequence[str] | None = None,
) -> SurveyResult:
    """Means per principle per side per round, gaps, flags and the trend. Bad input raises InputError
    naming the field by its path in the ``forbetter survey`` contract."""
    low, high = _scale(scale)
    threshold = (
        default_threshold(low, high) if gap_threshold is None else _threshold(gap_threshold, low, high)
    )
    names = _principles(principles)
    statement_principle = _statements(statements, names)
    order = _rounds(rounds, responses)
    # per round, per side, per principle: each respondent's exact principle score
    scores: dict[str, dict[str, dict[str, list[Fraction]]]] = {
        name: {side: {p: [] for p in names} for side in SIDES} for name in order
    }
    respondents: dict[str, dict[str, int]] = {name: dict.fromkeys(SIDES, 0) for name in order}
    seen: dict[tuple[str, str], int] = {}
    if len(responses) > MAX_RESPONSES:
        raise InputError(
            "responses", f"has {len(responses):,} responses, more than the limit of {MAX_RESPONSES:,}"
        )
    for i, response in enumerate(responses):
        where = f"responses[{i}]"
        respondent = _text(response.respondent, field=f"{where}.respondent")
        if response.side not in SIDES:
            raise InputError(f"{where}.side", f'must be "council" or "partner"; got {response.side!r}')
        round_name = _text(response.round, field=f"{where}.round")
        if round_name not in scores:
            raise InputError(f"{where}.round", f"{round_name!r} is not one of the rounds listed in rounds")
        key = (round_name, respondent)
        if key in seen:
            raise InputError(
                f"{where}.respondent",
                f"{respondent!r} has already answered round {round_name!r} (responses[{seen[key]}]): "
                "one answer per respondent per round",
            )
        seen[key] = i
        if not isinstance(response.answers, Mapping):
            raise InputError(f"{where}.answers", "must be an object of statement id to answer")
        per_principle: dict[str, list[int]] = {}
        for statement, value in response.answers.items():
            field_name = f"{where}.answers.{statement}"
            if statement not in statement_principle:
                raise InputError(field_name, "is not one of the statements listed in statements")
            per_principle.setdefault(statement_principle[statement], []).append(
                _answer(value, field=field_name, low=low, high=high)
            )
        respondents[round_name][response.side] += 1
        for principle, values in per_principle.items():
            scores[round_name][response.side][principle].append(Fraction(sum(values), len(values)))
    round_results = tuple(
        _round_result(name, scores[name], respondents[name], names, threshold) for name in order
    )
    flags = tuple(
        Flag(
            round=result.round,
            principle=item.principle,
            gap=item.gap,
            explanation=(
                f"In {result.round} the sides are {_plain(abs(item.exact_gap))} apart on "
                f"“{item.name or item.principle}”, at least the {_plain(threshold)} that marks a large gap; "
                f"the {'council' if item.exact_gap > 0 else 'partner'} is the more positive side."
            ),
        )
        for result in round_results
        for item in result.principles
        if item.flagged and item.gap is not None and item.exact_gap is not None
    )
    return SurveyResult(
        scale_min=low,
        scale_max=high,
        gap_threshold=float(threshold),
        min_respondents=MIN_RESPONDENTS,
        rounds=round_results,
        flags=flags,
        trend=_trend(round_results),
    )


def _round_result(
    name: str,
    scores: Mapping[str, Mapping[str, list[Fraction]]],
    respondents: Mapping[str, int],
    names: Mapping[str, str],
    threshold: Fraction,
) -> RoundResult:
    items = []
    for principle, label in names.items():
        exact: dict[str, Fraction | None] = {}
        sides: dict[str, SideResult] = {}
        for side in SIDES:
            values = scores[side][principle]
            if len(values) >= MIN_RESPONDENTS:
                mean = sum(values, Fraction(0)) / len(values)
                exact[side] = mean
                sides[side] = SideResult(float(mean), len(values), None)
            else:
                exact[side] = None
                sides[side] = SideResult(
                    None,
                    len(values),
                    f"fewer than {_words(MIN_RESPONDENTS)} {side} respondents answered "
                    f"({len(values)}), so no mean is shown",
                )
        council, partner = exact["council"], exact["partner"]
        if council is not None and partner is not None:
            gap: Fraction | None = council - partner
            reason = None
        else:
            gap = None
            missing = [side for side in SIDES if exact[side] is None]
            reason = f"no gap: the {' and '.join(missing)} side{'s' if len(missing) > 1 else ''} had no mean"
        items.append(
            PrincipleResult(
                principle=principle,
                name=label,
                council=sides["council"],
                partner=sides["partner"],
                gap=None if gap is None else float(gap),
                gap_reason=reason,
                flagged=gap is not None and abs(gap) >= threshold,
                exact_gap=gap,
            )
        )
    return RoundResult(round=name, respondents=dict(respondents), principles=tuple(items))


def _trend(rounds: Sequence[RoundResult]) -> tuple[TrendStep, ...]:
    steps = []
    for previous, current in itertools.pairwise(rounds):
        for before, now in zip(previous.principles, current.principles, strict=True):
            label = now.name or now.principle
            if before.exact_gap is None or now.exact_gap is None:
                steps.append(
                    TrendStep(
                        principle=now.principle,
                        round=current.round,
                        previous_round=previous.round,
                        gap=now.gap,
                        previous_gap=before.gap,
                        change=None,
                        direction=None,
                        explanation=(
                            f"No trend for “{label}” from {previous.round} to {current.round}: "
                            "a gap is missing in one of the rounds."
                        ),
                    )
                )
                continue
            change = now.exact_gap - before.exact_gap
            size_before, size_now = abs(before.exact_gap), abs(now.exact_gap)
            direction = (
                "widening"
                if size_now > size_before
                else "narrowing"
                if size_now < size_before
                else "unchanged"
            )
            explanation = (
                f"The gap on “{label}” is {direction} from {_plain(size_before)} in {previous.round} "
                f"to {_plain(size_now)} in {current.round}."
                if direction != "unchanged"
                else f"The gap on “{label}” is unchanged at {_plain(size_now)} from {previous.round} "
                f"to {current.round}."
            )
            steps.append(
                TrendStep(
                    principle=now.principle,
                    round=current.round,
                    previous_round=previous.round,
                    gap=now.gap,
                    previous_gap=before.gap,
                    change=float(change),
                    direction=direction,
                    explanation=explanation,
                )
            )
    return tuple(steps)


# ---------------------------------------------------------------------------------------------------------
# Checks


def _text(value: object, *, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(field, f"must be a non-empty text; got {value!r}")
    return value


def _whole(value: object, *, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(field, f"must be a whole number; got {value!r}")
    if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
        raise InputError(field, f"must be a whole number; got {value!r}")
    return int(value)


def _scale(scale: tuple[object, object]) -> tuple[int, int]:
    low = _whole(scale[0], field="scale.min")
    high = _whole(scale[1], field="scale.max")
    if high <= low:
        raise InputError("scale.max", f"must be more than scale.min ({low}); got {high}")
    if high - low + 1 > MAX_SCALE_POINTS:
        raise InputError("scale.max", f"the scale may have at most {MAX_SCALE_POINTS} points")
    return low, high


def _threshold(value: object, low: int, high: int) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError("gap_threshold", f"must be a number; got {value!r}")
    threshold = Fraction(str(value))
    if threshold <= 0 or threshold > high - low:
        raise InputError(
            "gap_threshold", f"must be more than 0 and at most the scale's width ({high - low}); got {value}"
        )
    return threshold


def _principles(principles: Sequence[Principle]) -> dict[str, str]:
    if not principles:
        raise InputError("principles", "must list at least one principle")
    names: dict[str, str] = {}
    for i, principle in enumerate(principles):
        key = _text(principle.id, field=f"principles[{i}].id")
        if key in names:
            raise InputError(f"principles[{i}].id", f"{key!r} is listed twice")
        if not isinstance(principle.name, str):
            raise InputError(f"principles[{i}].name", "must be text")
        names[key] = principle.name
    return names


def _statements(statements: Sequence[Statement], principles: Mapping[str, str]) -> dict[str, str]:
    if not statements:
        raise InputError("statements", "must list at least one statement")
    if len(statements) > MAX_STATEMENTS:
        raise InputError("statements", f"has more than the limit of {MAX_STATEMENTS:,} statements")
    found: dict[str, str] = {}
    for i, statement in enumerate(statements):
        key = _text(statement.id, field=f"statements[{i}].id")
        if key in found:
            raise InputError(f"statements[{i}].id", f"{key!r} is listed twice")
        if statement.principle not in principles:
            raise InputError(
                f"statements[{i}].principle", f"{statement.principle!r} is not one of the principles listed"
            )
        found[key] = statement.principle
    return found


def _rounds(rounds: Sequence[str] | None, responses: Sequence[Response]) -> list[str]:
    if rounds is None:
        order: list[str] = []
        for i, response in enumerate(responses):
            name = _text(response.round, field=f"responses[{i}].round")
            if name not in order:
                order.append(name)
        return order
    order = []
    for i, name in enumerate(rounds):
        text = _text(name, field=f"rounds[{i}]")
        if text in order:
            raise InputError(f"rounds[{i}]", f"{text!r} is listed twice")
        order.append(text)
    return order


def _answer(value: object, *, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(field, f"must be a whole number from {low} to {high}; got {value!r}")
    if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
        raise InputError(field, f"must be a whole number from {low} to {high}; got {value!r}")
    if not low <= value <= high:
        raise InputError(field, f"is outside the scale: it must be from {low} to {high}; got {value!r}")
    return int(value)


def _plain(number: Fraction) -> str:
    return f"{float(number):.2f}"


def _words(n: int) -> str:
    return {5: "five"}.get(n, str(n))
