"""Contract changes of a partnership: change requests (request, impact assessment, decision), groups of
related changes, and the partnership's change-control terms (works contract or not, thresholds).

Both sides read change requests (the partner is a party to every change); council editors change them. The
business-case effect (``business_case_effect`` and ``business_case_version``) is the council's own and is
hidden from partner users (decision record 0027).
Money is ``Decimal`` in pounds (fields end ``_gbp``); thresholds are fractions (0.10 is 10%).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from forbetter.core.versioning import VersionedModel
from forbetter.partnerships.models import Partnership

COUNCIL_ONLY_FIELDS = frozenset({"business_case_effect", "business_case_version"})
"""Fields partner users never see, on pages or in the history."""


class Side(models.TextChoices):
    COUNCIL = "council", "Council"
    PARTNER = "partner", "Partner"


class ChangeStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    ASSESSED = "assessed", "Assessed"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STATUSES = (ChangeStatus.REQUESTED, ChangeStatus.ASSESSED)


class ValueBasis(models.TextChoices):
    ONE_OFF = "one_off", "One-off"
    PER_YEAR = "per_year", "Per year"


class Decision(models.TextChoices):
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ChangeTerms(VersionedModel):
    """What change control needs to know of the contract besides the partnership's details: whether it is a
    works contract (15% rather than 10% before a contract change notice) and, if the council sets its own,
    the thresholds the cumulative value is reported against (otherwise ``settings.CHANGE_THRESHOLDS``)."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="change_terms")
    works_contract = models.BooleanField(
        default=False, help_text="A contract for works (building or civil engineering) rather than services."
    )
    first_threshold = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    second_threshold = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "change terms"

    def __str__(self) -> str:
        return f"Change-control terms of {self.partnership}"


class ChangeGroup(VersionedModel):
    """Related changes that could reasonably have been made together: counted as one for the contract
    change notice (Procurement Act 2023, s.75(4)-(5))."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="change_groups")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["partnership", "name"], name="one_change_group_per_name")
        ]

    def __str__(self) -> str:
        return self.name


class ChangeRequest(VersionedModel):
    """A request to change the contract, its impact assessment and the decision on it."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="change_requests")
    reference = models.CharField(max_length=30)
    title = models.CharField(max_length=200)
    description = models.TextField()
    raised_by = models.CharField(max_length=200, help_text="Who raised the request.")
    raised_by_side = models.CharField(max_length=10, choices=Side.choices)
    raised_on = models.DateField()
    group = models.ForeignKey(
        ChangeGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    status = models.CharField(max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.REQUESTED)
    # Impact assessment
    value_gbp = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="Negative for a saving."
    )
    value_basis = models.CharField(max_length=10, choices=ValueBasis.choices, blank=True)
    effective_from = models.DateField(null=True, blank=True, help_text="The first month the change applies.")
    new_monthly_charge_gbp = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="The monthly charge (before indexation) from the change's date; blank if it stays.",
    )
    term_change_months = models.IntegerField(
        default=0, help_text="Months added to the term (negative if it is shortened)."
    )
    risks_affected = models.TextField(blank=True)
    novation = models.BooleanField(
        default=False, help_text="A novation or assignment on a corporate restructuring."
    )
    business_case_effect = models.TextField(blank=True)
    business_case_version = models.ForeignKey(
        "appraisal.BusinessCaseVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assessed_on = models.DateField(null=True, blank=True)
    # Decision
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.CharField(max_length=200, blank=True, help_text="Who decided, for example a board.")
    decision_reason = models.TextField(blank=True)
    # Contract change notice (UK10)
    notice_published_on = models.DateField(null=True, blank=True)
    notice_reference = models.CharField(max_length=100, blank=True)
    # Applied to the payment mechanism and KPI targets
    applied_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["raised_on", "pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["partnership", "reference"], name="one_change_per_reference")
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class KpiEffect(VersionedModel):
    """A KPI the change affects, with its new target (and failure threshold) from the change's date."""

    change = models.ForeignKey(ChangeRequest, on_delete=models.CASCADE, related_name="kpi_effects")
    kpi = models.ForeignKey("performance.Kpi", on_delete=models.CASCADE, related_name="+")
    new_target = models.DecimalField(max_digits=14, decimal_places=4)
    new_failure_threshold = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["kpi__reference"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["change", "kpi"], name="one_effect_per_change_kpi")
        ]

    def __str__(self) -> str:
        return f"{self.kpi.reference} target {self.new_target.normalize():f}"
