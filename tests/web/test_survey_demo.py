"""The demo's survey: two rounds on the contract-management partnership, five or more answers a side, and a
trust gap that widens into a large one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from forbetter.accounts.models import User
from forbetter.demo.partnerships import CONTRACT_MANAGEMENT
from forbetter.partnerships.evidence import EVIDENCE_KIND_MODELS
from forbetter.partnerships.models import EvidenceLink, Partnership
from forbetter.survey import selectors
from tests.factories import client_for

pytestmark = pytest.mark.django_db


def test_the_demo_survey_shows_a_widening_trust_gap(seeded_demo: None) -> None:
    partnership = Partnership.objects.get(name=CONTRACT_MANAGEMENT)
    found = selectors.results(partnership)
    first, second = found.result.rounds
    assert all(count >= 5 for r in (first, second) for count in r.respondents.values())
    trust = [p.principle for p in first.principles].index("trust")
    assert first.principles[trust].gap == pytest.approx(0.5833, abs=1e-3)
    assert not first.principles[trust].flagged
    assert second.principles[trust].gap == pytest.approx(1.6042, abs=1e-3)
    assert second.principles[trust].flagged
    steps = {step.principle: step for step in found.result.trend}
    assert steps["trust"].direction == "widening"
    assert [flag.principle for flag in found.result.flags] == ["trust"]
    glance = selectors.at_a_glance(partnership)
    assert glance is not None
    assert (glance["principle"], glance["flagged"], glance["more_positive"]) == (
        "Develop and maintain trust",
        True,
        "council",
    )


def test_the_demo_rounds_evidence_the_survey_tasks_and_the_pages_read(seeded_demo: None) -> None:
    partnership = Partnership.objects.get(name=CONTRACT_MANAGEMENT)
    assert EVIDENCE_KIND_MODELS["survey"] == ("survey.surveyround",)
    linked = EvidenceLink.objects.filter(task__partnership=partnership, content_type__model="surveyround")
    assert {link.task.action.code for link in linked} >= {"C-GOV-2", "C-TR-1"}
    partner = User.objects.get(email="partner@meridian.example")
    page = client_for(partner).get(reverse("survey:results", args=[partnership.pk])).content.decode()
    assert "Widening" in page
    assert "Large gap" in page
