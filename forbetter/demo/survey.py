"""Demo partnership survey for the highways and property partnership: two rounds a year apart, answered on
paper forms entered by the council's editor (the demo has too few people to answer online, and councils do
enter paper forms), showing a widening trust gap: on "Develop and maintain trust" the sides were 0.6 apart
in the first round and about 1.6 apart in the second, where the gap is flagged as large. The second round is
still open, so the demo's council editor and partner user can answer it themselves.

Everything is fictional and fixed; the rounds are created only when the partnership has none, so seeding
twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta

from forbetter.demo.partnerships import CONTRACT_MANAGEMENT
from forbetter.partnerships.models import Partnership
from forbetter.survey import services
from forbetter.survey.models import Principle, SurveyRound
from forbetter.survey.reference import load_survey_principles

# Per round, side and principle: the answers respondents give in turn (each respondent starts one step
# further along, and each statement one more), so a side's mean on the principle is close to these lists'.
STEADY_COUNCIL = [4, 4, 3, 4, 4]
STEADY_PARTNER = [4, 3, 4, 4, 3]
PATTERNS: dict[tuple[int, str, str], list[int]] = {
    (0, "council", "trust"): [4, 4, 5, 3, 4],  # mean 4.0
    (0, "partner", "trust"): [3, 4, 3, 4, 3],  # mean 3.4: gap 0.6
    (1, "council", "trust"): [4, 5, 4, 4, 4],  # mean 4.2
    (1, "partner", "trust"): [3, 2, 3, 2, 3],  # mean 2.6: gap 1.6, widening and flagged
}
RESPONDENTS = ({"council": 7, "partner": 6}, {"council": 8, "partner": 6})


def _answers(round_index: int, side: str, respondent: int, principles: list[Principle]) -> dict[str, int]:
    answers = {}
    for principle in principles:
        steady = STEADY_COUNCIL if side == "council" else STEADY_PARTNER
        pattern = PATTERNS.get((round_index, side, principle.key), steady)
        for number, statement in enumerate(principle.statements.all()):
            answers[statement.key] = pattern[(respondent + number) % len(pattern)]
    return answers


def seed(
    people: dict[str, Any], partnerships_by_name: dict[str, Partnership], *, today: dt.date | None = None
) -> None:
    """Seed the two demo survey rounds where the partnership has none."""
    today = today or dt.date.today()
    partnership = partnerships_by_name.get(CONTRACT_MANAGEMENT)
    if partnership is None or SurveyRound.objects.filter(partnership=partnership).exists():
        return
    if not Principle.objects.exists():
        load_survey_principles()
    editor = people["editor@ashcombe.example"]
    principles = list(Principle.objects.prefetch_related("statements"))
    second_opens = today - dt.timedelta(days=20)
    windows = [
        (
            second_opens - relativedelta(years=1),
            second_opens - relativedelta(years=1) + dt.timedelta(days=30),
        ),
        (second_opens, today + dt.timedelta(days=10)),
    ]
    for index, (opens_on, closes_on) in enumerate(windows):
        survey_round = services.round_save(
            user=editor,
            partnership=partnership,
            data={
                "name": f"{opens_on:%B %Y} survey",
                "opens_on": opens_on,
                "closes_on": closes_on,
                "notes": "Paper forms handed out at the partnership board and team meetings; the council's "
                "editor enters them.",
            },
        )
        entered_on = opens_on + dt.timedelta(days=7)
        for side, count in RESPONDENTS[index].items():
            for respondent in range(count):
                services.enter_paper_form(
                    user=editor,
                    survey_round=survey_round,
                    side=side,
                    paper_reference=f"{side[0].upper()}{index + 1}-{respondent + 1:03d}",
                    answers=_answers(index, side, respondent, principles),
                    today=entered_on,
                )
