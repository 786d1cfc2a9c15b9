"""The partnership survey (after the Partnership Assessment Tool, ODPM 2003): principles and statements as
reference data, survey rounds per partnership, and anonymous answers.

Anonymity, by construction: a :class:`SurveyResponse` holds a side, a round and the answers, and nothing
that leads back to a person. It has no user, no timestamp, a random (UUID) key so its order says nothing
about when it was made, and no history (a history row would record who saved it). One answer per respondent
per round is enforced by a separate :class:`Participation` ("has answered") record of the user and the
round, which is never joined to the answers. See docs/survey.md.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from forbetter.core.versioning import VersionedModel
from forbetter.partnerships.models import Partnership


class Side(models.TextChoices):
    COUNCIL = "council", "Council"
    PARTNER = "partner", "Partner"


class AnswerSource(models.TextChoices):
    ONLINE = "online", "Answered online"
    PAPER = "paper", "Entered from a paper form"


class SurveyDataVersion(models.Model):
    """A version of the principles and statements that has been loaded (see ``reference.py``)."""

    version = models.CharField(max_length=20, unique=True)
    source = models.TextField()

    def __str__(self) -> str:
        return self.version


class Principle(models.Model):
    """One of the six principles of the Partnership Assessment Tool."""

    key = models.SlugField(max_length=50, unique=True)
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    description = models.TextField()
    data_version = models.CharField(max_length=20)

    class Meta:
        ordering: ClassVar[list[str]] = ["number"]

    def __str__(self) -> str:
        return self.name


class Statement(models.Model):
    """A statement respondents agree or disagree with, under one principle."""

    key = models.SlugField(max_length=50, unique=True)
    principle = models.ForeignKey(Principle, on_delete=models.PROTECT, related_name="statements")
    number = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    data_version = models.CharField(max_length=20)

    class Meta:
        ordering: ClassVar[list[str]] = ["principle__number", "number"]

    def __str__(self) -> str:
        return self.text


class SurveyRound(VersionedModel):
    """One round of the survey in a partnership: open for answers from ``opens_on`` to ``closes_on``."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="survey_rounds")
    name = models.CharField(max_length=100, help_text="For example, “Spring 2026”")
    opens_on = models.DateField("opens on")
    closes_on = models.DateField("closes on", help_text="The last day answers are taken")
    notes = models.TextField(blank=True, help_text="Why this round, and anything respondents should know")
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["opens_on", "pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["partnership", "name"], name="survey_round_name_unique"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="survey_round_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_open(self, today: dt.date) -> bool:
        return self.opens_on <= today <= self.closes_on

    def status(self, today: dt.date) -> str:
        if today < self.opens_on:
            return "Not open yet"
        return "Open" if today <= self.closes_on else "Closed"


class SurveyResponse(models.Model):
    """One respondent's answers to a round: the side and the answers only, never who gave them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="responses")
    side = models.CharField(max_length=10, choices=Side.choices)
    source = models.CharField(max_length=10, choices=AnswerSource.choices)
    answers = models.JSONField(help_text="Statement key → answer on the agreement scale")

    def __str__(self) -> str:
        return f"{self.get_side_display()} response to {self.round}"


class Participation(models.Model):
    """That a respondent has answered a round (online: the user; on paper: the form's reference), kept
    apart from the answers, which it does not point to."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_participations",
    )
    paper_reference = models.CharField(max_length=50, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["round", "user"], condition=Q(user__isnull=False), name="survey_one_answer_per_user"
            ),
            models.UniqueConstraint(
                fields=["round", "paper_reference"],
                condition=~Q(paper_reference=""),
                name="survey_one_entry_per_paper_form",
            ),
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(paper_reference=""))
                | (Q(user__isnull=True) & ~Q(paper_reference="")),
                name="survey_participation_user_or_paper",
            ),
        ]

    def __str__(self) -> str:
        return f"Answered {self.round}"
