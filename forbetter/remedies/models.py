"""The remedies ladder of a live contract and its exit plan.

Each rung is a record with its dates and a link to what caused it: a warning notice names the failure and
the KPIs concerned; a rectification plan may answer a warning notice; a failure not improved names the
notice or plan that was the partner's proper opportunity; a remedial adviser or step-in names the notice,
plan or failure behind it. Persistent breaches are not stored: they are found from the KPI returns the
performance area holds (see :mod:`forbetter.remedies.selectors`), against thresholds kept per partnership
(:class:`RemedySettings`).

The partner is a party to every record here, so its users read them; council editors write them. The
``council_notes`` fields, and the exit-cost figures shown beside the exit plan, are the council's own and are
never shown to partner users. Money is ``Decimal`` in pounds (fields end ``_gbp``).
"""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from forbetter.calc.remedies import DEFAULT_FAILURES, DEFAULT_WINDOW
from forbetter.core.versioning import VersionedModel
from forbetter.partnerships.models import Partnership
from forbetter.performance.models import Kpi

NOT_NEGATIVE = [MinValueValidator(0)]
COUNCIL_NOTES_HELP = "The council's own notes: never shown to the partner's users."


def council_notes() -> models.TextField:
    return models.TextField("council's internal notes", blank=True, help_text=COUNCIL_NOTES_HELP)


class RemedySettings(VersionedModel):
    """The partnership's own persistent-breach threshold (rule REMEDY-PERSISTENT): ``failures`` failed
    periods among a KPI's last ``window`` assessed periods. Without a row the defaults (3 in 6) apply."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="remedy_settings")
    failures = models.PositiveSmallIntegerField(
        "failures that make a persistent breach",
        default=DEFAULT_FAILURES,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    window = models.PositiveSmallIntegerField(
        "periods in the window",
        default=DEFAULT_WINDOW,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="How many of the KPI's latest consecutive reporting periods are counted.",
    )
    contract_clause = models.CharField(
        max_length=300, blank=True, help_text="Where the contract defines persistent breach, if it does."
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "remedy settings"

    def __str__(self) -> str:
        return f"Persistent breach: {self.failures} failures in {self.window} periods"


class NoticeStatus(models.TextChoices):
    OPEN = "open", "Open"
    REMEDIED = "remedied", "Remedied"
    NOT_REMEDIED = "not_remedied", "Not remedied"
    WITHDRAWN = "withdrawn", "Withdrawn"


class WarningNotice(VersionedModel):
    """A warning notice served on the partner: the failure or obligation, the KPIs concerned and the date
    by which it must be remedied (the cure period)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="warning_notices")
    reference = models.CharField(max_length=30, help_text="The council's reference, for example WN-01.")
    served_on = models.DateField("date served")
    failure = models.TextField("the failure or obligation", help_text="What the partner failed to do.")
    kpis = models.ManyToManyField(Kpi, blank=True, related_name="warning_notices", verbose_name="KPIs")
    remedy_by = models.DateField("date to remedy by", help_text="The end of the cure period.")
    status = models.CharField(max_length=20, choices=NoticeStatus.choices, default=NoticeStatus.OPEN)
    closed_on = models.DateField("date closed", null=True, blank=True)
    outcome = models.TextField(blank=True, help_text="What happened by the date to remedy by.")
    council_notes = council_notes()
    history = HistoricalRecords(m2m_fields=[kpis])

    class Meta:
        ordering: ClassVar[list[str]] = ["-served_on", "-pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["partnership", "reference"], name="one_warning_notice_per_reference"
            )
        ]

    def __str__(self) -> str:
        return f"Warning notice {self.reference} of {self.served_on:%-d %B %Y}"

    @property
    def is_open(self) -> bool:
        return self.status == NoticeStatus.OPEN

    @property
    def cure_days(self) -> int:
        """Days from the date served to the date to remedy by."""
        return (self.remedy_by - self.served_on).days


class PlanStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    SUBMITTED = "submitted", "Submitted by the partner"
    ACCEPTED = "accepted", "Accepted"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


OPEN_PLAN_STATUSES = (PlanStatus.REQUESTED, PlanStatus.SUBMITTED, PlanStatus.ACCEPTED)


class RectificationPlan(VersionedModel):
    """A plan the partner was asked for to put a failure right, with its due date and its actions."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="rectification_plans")
    reference = models.CharField(max_length=30, help_text="The council's reference, for example RP-01.")
    warning_notice = models.ForeignKey(
        WarningNotice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rectification_plans",
        help_text="The warning notice the plan answers, if any.",
    )
    failure = models.TextField("what the plan must put right")
    kpis = models.ManyToManyField(Kpi, blank=True, related_name="rectification_plans", verbose_name="KPIs")
    requested_on = models.DateField("date requested")
    due_on = models.DateField(
        "due date", null=True, blank=True, help_text="The date by which the plan must be carried out."
    )
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.REQUESTED)
    submitted_on = models.DateField("date the partner submitted it", null=True, blank=True)
    accepted_on = models.DateField("date the council accepted it", null=True, blank=True)
    closed_on = models.DateField("date completed or failed", null=True, blank=True)
    partner_response = models.TextField("the partner's plan", blank=True)
    council_notes = council_notes()
    history = HistoricalRecords(m2m_fields=[kpis])

    class Meta:
        ordering: ClassVar[list[str]] = ["-requested_on", "-pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["partnership", "reference"], name="one_rectification_plan_per_reference"
            )
        ]

    def __str__(self) -> str:
        return f"Rectification plan {self.reference}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_PLAN_STATUSES


class PlanAction(VersionedModel):
    """One action of a rectification plan, with who does it and by when."""

    plan = models.ForeignKey(RectificationPlan, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.CharField(
        max_length=200, help_text="Who does it, for example the partner's depot manager."
    )
    due_on = models.DateField("due date")
    done_on = models.DateField("date done", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"Action due {self.due_on:%-d %B %Y}"


class UnimprovedFailure(VersionedModel):
    """A failure the partner did not improve after a proper opportunity (the warning notice or rectification
    plan that gave it), with the date the council found it: what a Procurement Act 2023 contract performance
    notice rests on (rule PA23-S71-NOTICE)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="unimproved_failures")
    found_on = models.DateField(
        "date found", help_text="The date the council found the partner had not improved."
    )
    warning_notice = models.ForeignKey(
        WarningNotice, on_delete=models.PROTECT, null=True, blank=True, related_name="unimproved_failures"
    )
    rectification_plan = models.ForeignKey(
        RectificationPlan, on_delete=models.PROTECT, null=True, blank=True, related_name="unimproved_failures"
    )
    not_improved = models.TextField("what was not improved")
    notice_published_on = models.DateField("date the notice was published", null=True, blank=True)
    notice_reference = models.CharField(
        "notice reference", max_length=100, blank=True, help_text="The published notice's identifier."
    )
    council_notes = council_notes()
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["-found_on", "-pk"]

    def __str__(self) -> str:
        return f"Failure not improved, found {self.found_on:%-d %B %Y}"

    @property
    def opportunity(self) -> WarningNotice | RectificationPlan | None:
        return self.rectification_plan or self.warning_notice


class InterventionKind(models.TextChoices):
    REMEDIAL_ADVISER = "remedial_adviser", "Remedial adviser"
    STEP_IN = "step_in", "Step-in"


class Intervention(VersionedModel):
    """A remedial adviser appointed, or the council (or its nominee) stepping in, with its cost."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="interventions")
    kind = models.CharField(max_length=20, choices=InterventionKind.choices)
    started_on = models.DateField("date appointed or started")
    ended_on = models.DateField("date ended", null=True, blank=True)
    reason = models.TextField()
    cost_gbp = models.DecimalField(
        "cost", max_digits=14, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )
    warning_notice = models.ForeignKey(
        WarningNotice, on_delete=models.PROTECT, null=True, blank=True, related_name="interventions"
    )
    rectification_plan = models.ForeignKey(
        RectificationPlan, on_delete=models.PROTECT, null=True, blank=True, related_name="interventions"
    )
    council_notes = council_notes()
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["-started_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.started_on:%-d %B %Y}"


class Side(models.TextChoices):
    COUNCIL = "council", "The council"
    PARTNER = "partner", "The partner"


class DisputeStage(models.TextChoices):
    NEGOTIATION = "negotiation", "Negotiation"
    MEDIATION = "mediation", "Mediation"
    EXPERT = "expert", "Expert determination"
    ADJUDICATION = "adjudication", "Adjudication"
    ARBITRATION = "arbitration", "Arbitration"
    COURT = "court", "Court"


class Dispute(VersionedModel):
    """A dispute under the contract: who raised it, about what, how far it has gone and how it ended."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="disputes")
    raised_on = models.DateField("date raised")
    raised_by = models.CharField(max_length=10, choices=Side.choices)
    subject = models.CharField(max_length=300)
    stage = models.CharField(max_length=20, choices=DisputeStage.choices, default=DisputeStage.NEGOTIATION)
    outcome = models.TextField(blank=True)
    closed_on = models.DateField("date closed", null=True, blank=True)
    council_notes = council_notes()
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["-raised_on", "-pk"]

    def __str__(self) -> str:
        return f"Dispute: {self.subject}"


class Readiness(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    PARTIAL = "partial", "Partly ready"
    READY = "ready", "Ready"


def readiness_field() -> models.CharField:
    return models.CharField(max_length=20, choices=Readiness.choices, default=Readiness.NOT_STARTED)


class ExitPlan(VersionedModel):
    """The exit plan, kept current: what would pass back or on at the end of the contract and how ready
    each part is. One per partnership; every change is kept in its history."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="exit_plan")
    assets = models.TextField(
        blank=True, help_text="Each asset and who owns it at exit (the council, the partner, to transfer)."
    )
    assets_readiness = readiness_field()
    data = models.TextField(blank=True, help_text="What data is handed back, in what format, from where.")
    data_readiness = readiness_field()
    staff = models.TextField(
        "staff lists and TUPE information", blank=True, help_text="What staff information the partner gives."
    )
    staff_list_provided_on = models.DateField("date the staff list was last provided", null=True, blank=True)
    staff_readiness = readiness_field()
    knowledge_transfer = models.TextField(blank=True, help_text="How know-how and documents are handed over.")
    knowledge_readiness = readiness_field()
    last_reviewed_on = models.DateField("date last reviewed", null=True, blank=True)
    council_notes = council_notes()
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Exit plan of {self.partnership}"

    @property
    def readiness_values(self) -> list[str]:
        return [self.assets_readiness, self.data_readiness, self.staff_readiness, self.knowledge_readiness]
