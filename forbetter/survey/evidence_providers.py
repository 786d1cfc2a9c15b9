"""Survey rounds as evidence for framework tasks (C-GOV-2, C-TR-1: measuring the health of the relationship).

Labels carry no results, because task pages are read by partner users too and a round's figures are on its
own page.
"""

from __future__ import annotations

from collections.abc import Iterator

from forbetter.partnerships.evidence import EvidenceCandidate
from forbetter.partnerships.models import Partnership
from forbetter.survey.models import SurveyRound


def survey_rounds(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for survey_round in SurveyRound.objects.filter(partnership=partnership):
        yield EvidenceCandidate(
            record=survey_round,
            label=(
                f"Partnership survey “{survey_round.name}”, "
                f"{survey_round.opens_on:%-d %b %Y} to {survey_round.closes_on:%-d %b %Y}"
            ),
            kind="Partnership survey round",
        )
