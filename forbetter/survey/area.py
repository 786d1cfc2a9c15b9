"""The survey area: survey rounds, anonymous answers, paper forms and results. Joint: partner users of the
partnership read every page and answer; council editors run the rounds. Declared once for navigation,
evidence, the demo and the permission matrix (see :mod:`forbetter.core.areas`).

The answer page is read by anyone who sees the partnership (it shows the statements, and tells a council
viewer, auditor or administrator why they do not answer); only council editors and partner users may post
to it, which ``Who`` has no word for, so it is declared as a page without ``writes`` and the posting rules
are tested in tests/web/test_survey.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from forbetter.core.areas import Area, Section, first_pk, form, page
from forbetter.partnerships.models import Partnership
from forbetter.survey import selectors, services
from forbetter.survey.evidence_providers import survey_rounds
from forbetter.survey.models import Principle, SurveyRound
from forbetter.survey.reference import load_survey_principles


def _round(partnership: Partnership) -> dict[str, int]:
    return {"round_pk": first_pk(SurveyRound.objects.filter(partnership=partnership), "survey round")}


def examples(partnership: Partnership, user: Any, today: dt.date | None = None) -> None:
    """An open survey round (open from today for a month)."""
    today = today or dt.date.today()
    if not Principle.objects.exists():
        load_survey_principles()
    if not SurveyRound.objects.filter(partnership=partnership).exists():
        services.round_save(
            user=user,
            partnership=partnership,
            data={"name": "Example round", "opens_on": today, "closes_on": today + dt.timedelta(days=30)},
        )


AREA = Area(
    glance=selectors.at_a_glance,
    glance_template="survey/_glance.html",
    app="survey",
    routes=(
        page("rounds"),
        form("round-create"),
        page("round", kwargs=_round),
        form("round-edit", kwargs=_round),
        page("answer", kwargs=_round),
        form("paper-entry", kwargs=_round),
        page("results"),
    ),
    sections=(Section("survey", "Survey", "survey:rounds", 85),),
    evidence=(survey_rounds,),
    demo="forbetter.demo.survey",
    examples=examples,
)
