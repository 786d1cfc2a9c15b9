"""The procurement plan (procedure, milestones, notices, standstill), the conflicts-of-interest register, and
the bidders with the rounds that narrow them down."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from forbetter.accounts.models import Organisation
from forbetter.core.versioning import VersionedModel
from forbetter.partnerships.models import Partnership

__all__ = [
    "Bidder",
    "ConflictDeclaration",
    "ConflictOutcome",
    "DialogueRound",
    "Milestone",
    "NoticeType",
    "Procedure",
    "ProcurementNotice",
    "ProcurementPlan",
    "RoundEntry",
    "RoundKind",
    "RoundOutcome",
]


class Procedure(models.TextChoices):
    """Procedures under the Procurement Act 2023 (s.20) and the Public Contracts Regulations 2015 (regs
    27 to 31). Which ones a plan may use depends on the partnership's procurement regime."""

    ACT_OPEN = "act_open", "Open procedure (Procurement Act 2023)"
    ACT_COMPETITIVE_FLEXIBLE = (
        "act_competitive_flexible",
        "Competitive flexible procedure (Procurement Act 2023)",
    )
    ACT_DIRECT_AWARD = "act_direct_award", "Direct award (Procurement Act 2023)"
    PCR_OPEN = "pcr_open", "Open procedure (Public Contracts Regulations)"
    PCR_RESTRICTED = "pcr_restricted", "Restricted procedure (Public Contracts Regulations)"
    PCR_NEGOTIATION = (
        "pcr_negotiation",
        "Competitive procedure with negotiation (Public Contracts Regulations)",
    )
    PCR_DIALOGUE = "pcr_dialogue", "Competitive dialogue (Public Contracts Regulations)"
    PCR_INNOVATION = "pcr_innovation", "Innovation partnership (Public Contracts Regulations)"


class ProcurementPlan(VersionedModel):
    """How the partnership is being procured: the procedure and the standstill before the contract is
    entered into. Milestones and notices hang off the partnership."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="procurement_plan")
    procedure = models.CharField(max_length=40, choices=Procedure.choices)
    procedure_reason = models.TextField(
        blank=True,
        help_text="Why this procedure suits the partnership (for example, why dialogue is needed).",
    )
    standstill_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Length of the standstill period in days (8 working days under the Act; 10 calendar days "
        "under the Regulations when notices are sent electronically).",
    )
    standstill_starts_on = models.DateField(null=True, blank=True)
    standstill_ends_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Procurement plan for {self.partnership}"


class Milestone(VersionedModel):
    """A step of the procurement timetable, planned and (once it happens) actual."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="procurement_milestones"
    )
    name = models.CharField(max_length=200)
    planned_on = models.DateField()
    actual_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["planned_on", "pk"]

    def __str__(self) -> str:
        return self.name


class NoticeType(models.TextChoices):
    """Notices published on Find a Tender. The UK1 to UK7 names are the Procurement Act 2023's
    (Procurement Regulations 2024); the others are the Public Contracts Regulations' notices."""

    UK1 = "UK1", "UK1 Pipeline notice"
    UK2 = "UK2", "UK2 Preliminary market engagement notice"
    UK3 = "UK3", "UK3 Planned procurement notice"
    UK4 = "UK4", "UK4 Tender notice"
    UK5 = "UK5", "UK5 Transparency notice"
    UK6 = "UK6", "UK6 Contract award notice"
    UK7 = "UK7", "UK7 Contract details notice"
    PCR_PRIOR_INFORMATION = "pcr_prior_information", "Prior information notice (Regulations)"
    PCR_CONTRACT = "pcr_contract", "Contract notice (Regulations)"
    PCR_AWARD = "pcr_award", "Contract award notice (Regulations)"
    OTHER = "other", "Other notice"


class ProcurementNotice(VersionedModel):
    """A notice planned for, and then published on, Find a Tender."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="procurement_notices")
    notice_type = models.CharField(max_length=30, choices=NoticeType.choices)
    planned_on = models.DateField()
    published_on = models.DateField(null=True, blank=True)
    reference = models.CharField(
        max_length=100, blank=True, help_text="The notice's Find a Tender reference once published."
    )
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["planned_on", "pk"]

    def __str__(self) -> str:
        return self.get_notice_type_display()


class Bidder(VersionedModel):
    """A supplier that expressed interest in the partnership (whether or not it is a user's organisation)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="bidders")
    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bids_made",
        help_text="The organisation in ForBetter, if the bidder has one.",
    )
    expressed_interest_on = models.DateField()
    contact = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["partnership", "name"], name="procurement_bidder_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class RoundKind(models.TextChoices):
    SELECTION = "selection", "Selection (conditions of participation)"
    DIALOGUE = "dialogue", "Dialogue or negotiation round"
    FINAL_TENDERS = "final_tenders", "Final tenders"


class DialogueRound(VersionedModel):
    """One stage of the competition: selection, a dialogue or negotiation round, or final tenders."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="procurement_rounds")
    number = models.PositiveSmallIntegerField(
        help_text="1 for the first stage of the competition, and so on."
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=RoundKind.choices, default=RoundKind.DIALOGUE)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["partnership", "number"], name="procurement_round_unique_number")
        ]

    def __str__(self) -> str:
        return f"Round {self.number}: {self.name}"


class RoundOutcome(models.TextChoices):
    TAKING_PART = "taking_part", "Taking part (outcome not decided yet)"
    SHORTLISTED = "shortlisted", "Shortlisted for the next round"
    DESELECTED = "deselected", "Deselected"
    WITHDREW = "withdrew", "Withdrew"
    PREFERRED = "preferred", "Preferred bidder"


class RoundEntry(VersionedModel):
    """A bidder's part in a round and what came of it (a deselection or withdrawal says why)."""

    round = models.ForeignKey(DialogueRound, on_delete=models.CASCADE, related_name="entries")
    bidder = models.ForeignKey(Bidder, on_delete=models.CASCADE, related_name="round_entries")
    outcome = models.CharField(max_length=20, choices=RoundOutcome.choices, default=RoundOutcome.TAKING_PART)
    reason = models.TextField(
        blank=True, help_text="Why the bidder was deselected or withdrew (needed for those outcomes)."
    )
    decided_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["round__number", "bidder__name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["round", "bidder"], name="procurement_round_entry_unique")
        ]

    def __str__(self) -> str:
        return f"{self.bidder} in {self.round}"


class ConflictOutcome(models.TextChoices):
    """What the assessment of a declared interest concluded (Procurement Act 2023, Part 5, ss.81 to 83)."""

    NOT_ASSESSED = "not_assessed", "Not assessed yet"
    CONFLICT_EXCLUDED = "conflict_excluded", "Conflict: the person takes no part in evaluating that bidder"
    CONFLICT_MITIGATED = "conflict_mitigated", "Conflict: mitigated by other steps (see mitigation)"
    NO_CONFLICT = "no_conflict", "No conflict found"


class ConflictDeclaration(VersionedModel):
    """An interest declared by someone involved in the procurement. Until it is assessed as no conflict,
    the person may not score the bidder it names."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="conflict_declarations"
    )
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    bidder = models.ForeignKey(
        Bidder,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conflicts",
        help_text="The bidder the interest concerns, if it concerns one.",
    )
    interest = models.TextField(help_text="What the interest is, in the person's words.")
    declared_on = models.DateField()
    assessed_on = models.DateField(null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(
        max_length=30, choices=ConflictOutcome.choices, default=ConflictOutcome.NOT_ASSESSED
    )
    mitigation = models.TextField(blank=True)
    last_reviewed_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["declared_on", "pk"]

    def __str__(self) -> str:
        return f"Interest declared by {self.person} on {self.declared_on:%-d %b %Y}"

    @property
    def bars_scoring(self) -> bool:
        """True when the person may not score the named bidder: any outcome but 'no conflict'."""
        return self.bidder_id is not None and self.outcome != ConflictOutcome.NO_CONFLICT
