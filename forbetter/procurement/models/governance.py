"""Records of the procurement area's governance part: the governance options compared and the one chosen,
the key people named in each bid (and whether each is in the delivery team), meetings between bidders and
council staff, heads-of-service briefings with the concerns raised, and bidders' positions on the formal
review points and on the allocation of each risk category beside the council's."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from forbetter.core.versioning import VersionedModel
from forbetter.partnerships.models import Partnership, ServiceArea
from forbetter.procurement.models.competition import Bidder
from forbetter.risks.models import Allocation, RiskCategory

__all__ = [
    "BidderMeeting",
    "BriefingConcern",
    "CouncilRiskAllocation",
    "GovernanceChoice",
    "GovernanceKind",
    "GovernanceOption",
    "HeadsOfServiceBriefing",
    "KeyPerson",
    "ReviewPoint",
    "ReviewPointPosition",
    "RiskAllocationPosition",
]


def _money(**options: Any) -> Any:
    """Pounds and pence, not negative."""
    return models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal(0))], **options
    )


class GovernanceKind(models.TextChoices):
    CONTRACT = "contract", "Contract"
    JOINT_VENTURE = "joint_venture", "Joint-venture company"
    OTHER = "other", "Other"


class GovernanceOption(VersionedModel):
    """A way of governing the partnership that the council is weighing: a contract, a joint-venture company
    or another structure, perhaps proposed by a bidder (Audit Commission, P-GOV-1)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="governance_options")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=GovernanceKind.choices)
    proposed_by = models.ForeignKey(
        Bidder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="governance_options",
        help_text="The bidder that proposed this option, if a bidder did.",
    )
    setup_cost_gbp = _money(help_text="One-off cost of setting the structure up, in pounds.")
    annual_running_cost_gbp = _money(help_text="Cost of running the structure each year, in pounds.")
    benefits = models.TextField()
    risks = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["partnership", "name"], name="procurement_governance_option_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class GovernanceChoice(VersionedModel):
    """The governance option the council chose: at most one a partnership, with who chose, when and why."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="governance_choice"
    )
    option = models.ForeignKey(GovernanceOption, on_delete=models.PROTECT, related_name="choices")
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    chosen_on = models.DateField()
    reason = models.TextField()
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Governance choice: {self.option}"


class KeyPerson(VersionedModel):
    """Someone a bid names as key to delivering the contract, and whether they are in the delivery team."""

    bidder = models.ForeignKey(Bidder, on_delete=models.CASCADE, related_name="key_people")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200)
    in_delivery_team = models.BooleanField(
        null=True,
        blank=True,
        help_text="Whether the person is in the team delivering the contract (blank until known).",
    )
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["bidder__name", "pk"]
        verbose_name_plural = "key people"

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"


class BidderMeeting(VersionedModel):
    """A meeting between a bidder and council staff (P-TR-2), logged so every bidder is treated equally."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="bidder_meetings")
    bidder = models.ForeignKey(Bidder, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    purpose = models.CharField(max_length=300)
    council_attendees = models.TextField(help_text="Who attended for the council, one name a line.")
    bidder_attendees = models.TextField(help_text="Who attended for the bidder, one name a line.")
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"Meeting with {self.bidder} on {self.held_on:%-d %b %Y}"


class HeadsOfServiceBriefing(VersionedModel):
    """A briefing of the council's heads of service on the aims and implications of the partnership
    (P-INC-1)."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="heads_of_service_briefings"
    )
    held_on = models.DateField()
    attendees = models.TextField(help_text="The heads of service who attended, one a line.")
    services = models.ManyToManyField(ServiceArea, related_name="+", blank=True)
    covered = models.TextField(help_text="What the briefing covered.")
    history = HistoricalRecords(m2m_fields=[services])

    class Meta:
        ordering: ClassVar[list[str]] = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"Heads-of-service briefing on {self.held_on:%-d %b %Y}"


class BriefingConcern(VersionedModel):
    """A concern raised at a briefing, and how it was answered (open until it is)."""

    briefing = models.ForeignKey(HeadsOfServiceBriefing, on_delete=models.CASCADE, related_name="concerns")
    raised_by = models.CharField(max_length=200, blank=True)
    concern = models.TextField()
    answer = models.TextField(blank=True, help_text="How the concern was answered. Leave blank while open.")
    answered_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["pk"]

    def __str__(self) -> str:
        return f"Concern raised at the briefing on {self.briefing.held_on:%-d %b %Y}"

    @property
    def is_open(self) -> bool:
        return not self.answer.strip()


class ReviewPoint(VersionedModel):
    """A formal review point the council wants in the contract (P-FLX-2), with the council's position."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="review_points")
    title = models.CharField(max_length=200, help_text="For example, review of the bundle of services.")
    contract_year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)], help_text="The contract year of the review."
    )
    council_position = models.TextField(help_text="What the council wants from the review.")
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["contract_year", "pk"]

    def __str__(self) -> str:
        return f"{self.title} (year {self.contract_year})" if self.contract_year else self.title


class ReviewPointPosition(VersionedModel):
    """A bidder's position on a review point, and whether it is agreed."""

    review_point = models.ForeignKey(ReviewPoint, on_delete=models.CASCADE, related_name="positions")
    bidder = models.ForeignKey(Bidder, on_delete=models.CASCADE, related_name="review_positions")
    position = models.TextField()
    agreed = models.BooleanField(default=False, help_text="Whether the council has agreed this position.")
    history = HistoricalRecords()

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["review_point", "bidder"], name="procurement_review_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.bidder} on {self.review_point}"


class CouncilRiskAllocation(VersionedModel):
    """The council's proposed allocation of a risk category, recorded for categories the partnership's risk
    register has no risks in (where it has, the register's allocation is used)."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="council_risk_allocations"
    )
    category = models.ForeignKey(RiskCategory, on_delete=models.PROTECT, related_name="+")
    allocation = models.CharField(max_length=20, choices=Allocation.choices)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["partnership", "category"], name="procurement_council_allocation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Council's allocation of {self.category}"


class RiskAllocationPosition(VersionedModel):
    """A bidder's position on who carries the risks of a category, and whether it is agreed (P-RM-1)."""

    bidder = models.ForeignKey(Bidder, on_delete=models.CASCADE, related_name="risk_positions")
    category = models.ForeignKey(RiskCategory, on_delete=models.PROTECT, related_name="+")
    allocation = models.CharField(max_length=20, choices=Allocation.choices)
    comment = models.TextField(blank=True)
    agreed = models.BooleanField(default=False, help_text="Whether the council has agreed this position.")
    history = HistoricalRecords()

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["bidder", "category"], name="procurement_risk_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.bidder} on {self.category}"
