"""A partnership's governance (framework tasks I-GOV-1, reviewed under C-GOV-1): three tiers of forums with
their members, meetings with attendance, agenda items linked to the records they discuss, decisions,
actions, escalations up a tier, reviews of the governance model, and the joint-venture company's board.

Governance is joint: council and partner users of the partnership read all of it; editors change it.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from forbetter.calc.governance import is_overdue
from forbetter.core.versioning import VersionedModel
from forbetter.partnerships.models import Partnership


class Tier(models.TextChoices):
    """The three tiers, top down. Escalation goes one tier up (rule GOV-ESCALATE-UP)."""

    STRATEGIC = "strategic", "Strategic"
    SENIOR_MANAGEMENT = "senior_management", "Senior management"
    OPERATIONAL = "operational", "Operational"


class Side(models.TextChoices):
    COUNCIL = "council", "Council"
    PARTNER = "partner", "Partner"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class AppointedBy(models.TextChoices):
    COUNCIL = "council", "The council"
    PARTNER = "partner", "The partner"
    JOINTLY = "jointly", "Both shareholders jointly (independent)"


class GovernanceModel(VersionedModel):
    """The partnership's governance model as a whole: how it is meant to work and, for a joint-venture
    company, the matters the shareholders reserve to themselves."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="governance_model")
    summary = models.TextField(help_text="How the tiers work together, in a few sentences.")
    reserved_matters = models.TextField(
        blank=True,
        help_text="For a joint-venture company: the shareholder reserved matters, one a line.",
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Governance model of {self.partnership}"

    @property
    def reserved_matter_list(self) -> list[str]:
        return [line.strip() for line in self.reserved_matters.splitlines() if line.strip()]


class Forum(VersionedModel):
    """A board or group in one tier: what it is for, who sits on it, how often it meets and its quorum."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="governance_forums")
    tier = models.CharField(max_length=20, choices=Tier.choices)
    name = models.CharField(max_length=200)
    remit = models.TextField(help_text="Its remit or terms of reference.")
    frequency_months = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="How often it meets: every this many months.",
    )
    quorum = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)], help_text="How many members must attend; at most the members."
    )
    set_up_on = models.DateField(help_text="When it was set up (its first meeting is due from here).")
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["partnership", "name"], name="governance_forum_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ForumMember(VersionedModel):
    """A member of a forum: a ForBetter user of the partnership's organisations, or a named person."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=200, help_text="The person's name (taken from the user if one).")
    side = models.CharField(max_length=10, choices=Side.choices)
    organisation = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True, help_text="For example chair, secretary.")
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["side", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class Meeting(VersionedModel):
    """A meeting of a forum, with who attended and who sent apologies."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="governance_meetings")
    forum = models.ForeignKey(Forum, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField()
    attendees = models.ManyToManyField(ForumMember, related_name="attended", blank=True)
    apologies = models.ManyToManyField(ForumMember, related_name="apologised", blank=True)
    minutes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.forum.name}, {self.held_on.day} {self.held_on:%B %Y}"


class GovernanceAction(VersionedModel):
    """An action agreed at a meeting: who owns it, when it is due, and where it stands."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="governance_actions")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description if len(self.description) <= 80 else self.description[:77] + "..."

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return is_overdue(status=self.status, due_on=self.due_on, today=today or dt.date.today())


class AgendaItem(VersionedModel):
    """An item on a meeting's agenda, linked (optionally) to the record it discusses: a KPI, a risk, a
    payment statement or a governance action of the same partnership (see
    :mod:`forbetter.governance.links`)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(max_length=300)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    record = GenericForeignKey("content_type", "object_id")
    record_label = models.CharField(max_length=300, blank=True, help_text="The linked record, as described.")
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["pk"]

    def __str__(self) -> str:
        return self.title


class Decision(VersionedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField()
    decided_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["decided_on", "pk"]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 80 else self.text[:77] + "..."


class Escalation(VersionedModel):
    """An agenda item or action taken from one forum to a forum of the next tier up, and what came of it."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="governance_escalations"
    )
    from_forum = models.ForeignKey(Forum, on_delete=models.PROTECT, related_name="escalated_from")
    to_forum = models.ForeignKey(Forum, on_delete=models.PROTECT, related_name="escalated_to")
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    action = models.ForeignKey(
        GovernanceAction, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    escalated_on = models.DateField()
    reason = models.TextField()
    outcome = models.TextField(blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["-escalated_on", "-pk"]

    def __str__(self) -> str:
        return f"Escalation from {self.from_forum} to {self.to_forum}"

    @property
    def subject(self) -> str:
        return str(self.item or self.action or "")


class GovernanceReview(VersionedModel):
    """A review of the governance model (C-GOV-1): when, by whom, what it found and decided."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="governance_reviews")
    reviewed_on = models.DateField()
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    findings = models.TextField()
    decisions = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["-reviewed_on", "-pk"]

    def __str__(self) -> str:
        return f"Governance model review of {self.reviewed_on.day} {self.reviewed_on:%B %Y}"


class BoardDirector(VersionedModel):
    """A director of the joint-venture company's board and which shareholder appointed them."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="board_directors")
    name = models.CharField(max_length=200)
    appointed_by = models.CharField(max_length=10, choices=AppointedBy.choices)
    role = models.CharField(max_length=200, blank=True, help_text="For example chair, finance director.")
    appointed_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["appointed_by", "name"]

    def __str__(self) -> str:
        return self.name
