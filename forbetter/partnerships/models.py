"""A strategic service-delivery partnership, its framework task list, evidence and stage gates."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from forbetter.accounts.models import Organisation, OrganisationKind
from forbetter.core.versioning import VersionedModel


class Stage(models.TextChoices):
    """The partnership lifecycle. The first three keys match the framework fixture's stage keys."""

    INITIATION = "initiation", "Initiation"
    PROCUREMENT = "procurement", "Procurement and contract award"
    CONTRACT_MANAGEMENT = "contract_management", "Contract management"
    ENDED = "ended", "Ended"


class PartnershipStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    TERMINATED_EARLY = "terminated_early", "Terminated early"


class Vehicle(models.TextChoices):
    CONTRACT = "contract", "Contract"
    JOINT_VENTURE = "joint_venture", "Joint-venture company"


class ValueBasis(models.TextChoices):
    TOTAL_CONTRACT_VALUE = "total_contract_value", "Total contract value"
    ANNUAL_CHARGE = "annual_charge", "Annual charge"


class ProcurementRegime(models.TextChoices):
    """The law the partnership was procured under (rule PA23-COMMENCEMENT decides which is possible)."""

    PCR_2006 = "pcr2006", "Public Contracts Regulations 2006"
    PCR_2015 = "pcr2015", "Public Contracts Regulations 2015"
    PA_2023 = "pa2023", "Procurement Act 2023"


class ServiceArea(models.Model):
    """A service that can be in a partnership's scope (IT, revenues and benefits, HR...)."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name


class Partnership(VersionedModel):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    councils = models.ManyToManyField(
        Organisation, related_name="council_partnerships", limit_choices_to={"kind": OrganisationKind.COUNCIL}
    )
    partner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="partner_partnerships",
        null=True,
        blank=True,
        limit_choices_to={"kind": OrganisationKind.PARTNER},
        help_text="Leave blank until the contract is awarded.",
    )
    vehicle = models.CharField(max_length=20, choices=Vehicle.choices, default=Vehicle.CONTRACT)
    joint_venture_company = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="vehicle_partnerships",
        null=True,
        blank=True,
        limit_choices_to={"kind": OrganisationKind.JOINT_VENTURE},
    )
    council_equity_share = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="For a joint-venture company: the councils' share of the equity, as a fraction.",
    )
    services = models.ManyToManyField(ServiceArea, related_name="partnerships", blank=True)
    stage = models.CharField(max_length=30, choices=Stage.choices, default=Stage.INITIATION)
    initiation_began_on = models.DateField()
    procurement_began_on = models.DateField(null=True, blank=True)
    contract_management_began_on = models.DateField(null=True, blank=True)
    planned_start_on = models.DateField(
        null=True, blank=True, help_text="When the service is planned to start."
    )
    term_years = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    extension_options = models.CharField(max_length=300, blank=True)
    extension_years = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(50)],
        help_text="The most the term could be extended by, in years, counting every extension option.",
    )
    procurement_regime = models.CharField(
        max_length=10,
        choices=ProcurementRegime.choices,
        blank=True,
        help_text="The law the contract was procured under. Blank until it is decided.",
    )
    estimated_value_gbp = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    value_basis = models.CharField(
        max_length=30, choices=ValueBasis.choices, default=ValueBasis.TOTAL_CONTRACT_VALUE
    )
    status = models.CharField(
        max_length=20, choices=PartnershipStatus.choices, default=PartnershipStatus.ACTIVE
    )
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[councils, services])

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Rule PA23-COMMENCEMENT: the recorded regime must be possible for the procurement's start date."""
        from forbetter.partnerships.procurement import regime_error  # the rules module imports this one

        problem = regime_error(self.procurement_regime, procurement_began_on=self.procurement_began_on)
        if problem:
            raise ValidationError({"procurement_regime": problem})

    def stage_began_on(self, stage: str | None = None) -> dt.date | None:
        """The date the given stage (by default the current one) began, if it has."""
        began: dict[str, dt.date | None] = {
            Stage.INITIATION: self.initiation_began_on,
            Stage.PROCUREMENT: self.procurement_began_on,
            Stage.CONTRACT_MANAGEMENT: self.contract_management_began_on,
            Stage.ENDED: self.ended_on,
        }
        return began.get(stage or self.stage)


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


CLOSED_TASK_STATUSES = (TaskStatus.DONE, TaskStatus.NOT_APPLICABLE)


class Task(VersionedModel):
    """One framework action as this partnership is doing it."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="tasks")
    action = models.ForeignKey("framework.Action", on_delete=models.PROTECT, related_name="tasks")
    status = models.CharField(max_length=20, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks"
    )
    due_on = models.DateField(null=True, blank=True)
    evidence_notes = models.TextField(
        blank=True, help_text="What was done and where the evidence is. The partner can read these notes."
    )
    council_notes = models.TextField(
        "council-only notes",
        blank=True,
        help_text="Notes for council staff only: never shown to partner users, nor in the history they see.",
    )
    not_applicable_reason = models.TextField(blank=True)
    no_evidence_reason = models.TextField(
        "why it is done without evidence",
        blank=True,
        help_text="When an action that asks for evidence is marked done with no record or note linked.",
    )
    completed_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["action__stage__order", "action__theme__order", "action__order"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["partnership", "action"], name="one_task_per_action"),
            models.CheckConstraint(
                condition=~models.Q(status=TaskStatus.NOT_APPLICABLE) | ~models.Q(not_applicable_reason=""),
                name="not_applicable_needs_reason",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["due_on", "status"])]

    def __str__(self) -> str:
        return f"{self.action.code} {self.action.title}"

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_TASK_STATUSES


class Document(VersionedModel):
    """A piece of evidence held outside ForBetter: a report, minutes, a signed agreement."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    location = models.CharField(
        max_length=500, help_text="Where the document is held: a web address or a file reference."
    )
    document_date = models.DateField()
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField("date withdrawn", null=True, blank=True)
    withdrawn_reason = models.TextField("reason for withdrawal", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["-document_date", "title"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(withdrawn_on__isnull=True) | ~models.Q(withdrawn_reason=""),
                name="withdrawn_document_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_on is not None


class EvidenceLink(models.Model):
    """A link from a task to any ForBetter record that evidences it."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="evidence_links")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    label = models.CharField(max_length=300, help_text="How the record was described when it was linked.")
    council_only = models.BooleanField(
        default=False,
        help_text="Links to council-confidential records (business cases, Monte Carlo runs, exit costs, the "
        "change-of-ownership plan) and links the council chose to keep to itself: partner users never see "
        "them, nor their history.",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["task", "content_type", "object_id"], name="one_link_per_record")
        ]

    def __str__(self) -> str:
        return self.label


class DeliveryConfidence(models.TextChoices):
    GREEN = "green", "Green"
    AMBER_GREEN = "amber_green", "Amber/Green"
    AMBER = "amber", "Amber"
    AMBER_RED = "amber_red", "Amber/Red"
    RED = "red", "Red"


class StageGate(models.Model):
    """The recorded decision to move a partnership from one stage to the next."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="gates")
    from_stage = models.CharField(max_length=30, choices=Stage.choices)
    to_stage = models.CharField(max_length=30, choices=Stage.choices)
    decided_on = models.DateField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    delivery_confidence = models.CharField(max_length=20, choices=DeliveryConfidence.choices)
    commentary = models.TextField()
    open_actions = models.JSONField(
        default=list, help_text="The actions still open when the decision was made: code, title, status."
    )
    end_status = models.CharField(max_length=20, choices=PartnershipStatus.choices, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["decided_on", "recorded_at"]

    def __str__(self) -> str:
        return (
            f"{self.get_from_stage_display()} to {self.get_to_stage_display()} on "
            f"{self.decided_on.day} {self.decided_on:%B %Y}"
        )
