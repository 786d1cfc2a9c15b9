"""Reads of the partnership survey: rounds, the statements, results from the engine, and at a glance.

Every function runs a fixed number of queries whatever the number of rounds or answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from forbetter.calc import survey as engine
from forbetter.partnerships.models import Partnership
from forbetter.survey.models import Participation, Principle, Side, SurveyResponse, SurveyRound


def rounds(partnership: Partnership) -> QuerySet[SurveyRound]:
    """The partnership's rounds, newest first, each with ``council_count`` and ``partner_count`` answers."""
    return (
        SurveyRound.objects.filter(partnership=partnership)
        .annotate(
            council_count=Count("responses", filter=Q(responses__side=Side.COUNCIL)),
            partner_count=Count("responses", filter=Q(responses__side=Side.PARTNER)),
        )
        .order_by("-opens_on", "-pk")
    )


def round_detail(partnership: Partnership, round_pk: int) -> SurveyRound:
    """The round with its answer counts; SurveyRound.DoesNotExist if it is not this partnership's."""
    return rounds(partnership).get(pk=round_pk)


def principles() -> list[Principle]:
    """The six principles with their statements (two queries)."""
    return list(Principle.objects.prefetch_related("statements"))


def has_answered(user: Any, survey_round: SurveyRound) -> bool:
    """Whether this user has answered the round (from the "has answered" record alone)."""
    return bool(
        user.is_authenticated and Participation.objects.filter(round=survey_round, user=user).exists()
    )


@dataclass(frozen=True)
class SurveyResults:
    result: engine.SurveyResult
    rounds: list[SurveyRound]
    principles: list[Principle]

    def round_result(self, survey_round: SurveyRound) -> engine.RoundResult:
        return self.result.rounds[[r.pk for r in self.rounds].index(survey_round.pk)]


def results(partnership: Partnership, only: SurveyRound | None = None) -> SurveyResults:
    """The engine's results over the partnership's rounds in date order (or one round), in four queries: the
    rounds, the principles, their statements and the answers (side, round and answers only)."""
    found = [only] if only is not None else list(SurveyRound.objects.filter(partnership=partnership))
    listed = principles()
    responses = SurveyResponse.objects.filter(round__in=[r.pk for r in found]).values_list(
        "pk", "side", "round_id", "answers"
    )
    names = {r.pk: r.name for r in found}
    result = engine.analyse(
        principles=[engine.Principle(p.key, p.name) for p in listed],
        statements=[engine.Statement(s.key, p.key) for p in listed for s in p.statements.all()],
        responses=[
            engine.Response(str(pk), side, names[round_id], answers)
            for pk, side, round_id, answers in responses
        ],
        rounds=[r.name for r in found],
    )
    return SurveyResults(result=result, rounds=found, principles=listed)


def at_a_glance(partnership: Partnership) -> dict[str, Any] | None:
    """The latest round's largest gap between the sides, for the partnership overview, or None when there is
    no round or no principle had five or more answers on both sides. Four queries.

    Keys: ``round`` (the round's name), ``round_pk``, ``principle`` (its name), ``gap`` (council mean −
    partner mean, on the 1–5 scale), ``size`` (the gap's size), ``flagged`` (True when the size is at least
    ``threshold``, 1.0), ``more_positive`` ("council" or "partner").
    """
    latest = SurveyRound.objects.filter(partnership=partnership).order_by("-opens_on", "-pk").first()
    if latest is None:
        return None
    found = results(partnership, only=latest)
    gaps = [p for p in found.result.rounds[0].principles if p.gap is not None]
    if not gaps:
        return None
    largest = max(gaps, key=lambda p: abs(p.gap or 0))
    gap = largest.gap or 0.0
    return {
        "round": latest.name,
        "round_pk": latest.pk,
        "principle": largest.name,
        "gap": gap,
        "size": abs(gap),
        "flagged": largest.flagged,
        "threshold": found.result.gap_threshold,
        "more_positive": "council" if gap > 0 else "partner",
    }
