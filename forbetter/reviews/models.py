"""Partnership reviews and responsiveness to change.

A **partnership review** looks at the whole partnership and its bundle of services (framework action C-FLX-1):
period covered, planned date, status, scope, who took part, findings and a **decision per service** (keep,
change scope, add, remove, bring back in house), each with a reason. The council sets how often reviews fall
due (:class:`ReviewSchedule`, 3 years unless it says otherwise).

**Responsiveness to change**: the contract's change mechanisms per service (:class:`ServiceMechanism`), its
terms for added services and policy changes (:class:`PricingTerms`), and scenarios (:class:`Scenario`) priced
through them by :mod:`forbetter.calc.responsiveness`.

Completed reviews are shared with the partner; planned and in-progress reviews, the change mechanisms and the
scenarios are council-confidential (decision record 0030).
Money is ``Decimal`` pounds (fields end ``_gbp``); shares, bands and rates are fractions (0.05 is 5%).
"""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from forbetter.calc.dates import year_label
from forbetter.calc.partnership_review import DEFAULT_INTERVAL_YEARS
from forbetter.core.versioning import VersionedModel
from forbetter.partnerships.models import Partnership, ServiceArea

FRACTION = [MinValueValidator(0), MaxValueValidator(1)]
RATE = [MinValueValidator(0), MaxValueValidator(5)]
NOT_NEGATIVE = [MinValueValidator(0)]


def _money(help_text: str = "", *, null: bool = False) -> models.DecimalField:
    return models.DecimalField(
        max_digits=14,
        decimal_places=2,
        validators=NOT_NEGATIVE,
        null=null,
        blank=null,
        help_text=help_text,
    )


# ------------------------------------------------------------------------------------------------------
# Partnership reviews
# ------------------------------------------------------------------------------------------------------


class ReviewSchedule(VersionedModel):
    """How often the council reviews the whole partnership (rule REVIEW-DUE). One per partnership; without
    one the interval is 3 years."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="review_schedule")
    interval_years = models.PositiveSmallIntegerField(
        default=DEFAULT_INTERVAL_YEARS,
        validators=[MinValueValidator(1), MaxValueValidator(15)],
        help_text="Years between reviews of the whole partnership.",
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Review every {self.interval_years} years"


class ReviewStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"


class PartnershipReview(VersionedModel):
    """A review of the whole partnership and its bundle of services (framework action C-FLX-1)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="partnership_reviews")
    period_from = models.DateField(help_text="The first day of the period the review covers.")
    period_to = models.DateField(help_text="The last day of the period the review covers.")
    planned_on = models.DateField(help_text="When the review is planned to take place.")
    status = models.CharField(max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.PLANNED)
    completed_on = models.DateField(null=True, blank=True, help_text="The date the review was completed.")
    scope = models.TextField(help_text="What the review looks at.")
    participants = models.TextField(blank=True, help_text="Who took part, on each side.")
    findings = models.TextField(blank=True, help_text="What the review found.")
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["-planned_on", "-pk"]

    def __str__(self) -> str:
        return f"Partnership review of {self.period_from:%B %Y} to {self.period_to:%B %Y}"

    @property
    def is_completed(self) -> bool:
        return self.status == ReviewStatus.COMPLETED


class DecisionKind(models.TextChoices):
    KEEP = "keep", "Keep as it is"
    CHANGE_SCOPE = "change_scope", "Change its scope"
    ADD = "add", "Add the service to the partnership"
    REMOVE = "remove", "Remove the service from the partnership"
    IN_HOUSE = "in_house", "Bring the service back in house"


class ServiceDecision(VersionedModel):
    """A review's decision about one service: a service in the bundle, or (to add) a new one."""

    review = models.ForeignKey(PartnershipReview, on_delete=models.CASCADE, related_name="decisions")
    service = models.ForeignKey(
        ServiceArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="A service in the partnership's bundle, or one to add.",
    )
    new_service_name = models.CharField(
        max_length=100, blank=True, help_text="A new service, not yet on the list, to add to the bundle."
    )
    decision = models.CharField(max_length=20, choices=DecisionKind.choices)
    reason = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["pk"]

    def __str__(self) -> str:
        return f"{self.service_name}: {self.get_decision_display().lower()}"

    @property
    def service_name(self) -> str:
        return self.service.name if self.service_id and self.service else self.new_service_name


# ------------------------------------------------------------------------------------------------------
# Responsiveness to change
# ------------------------------------------------------------------------------------------------------


class ServiceMechanism(VersionedModel):
    """One service's change mechanisms as the contract sets them (:mod:`forbetter.calc.responsiveness`)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="service_mechanisms")
    service = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="+")
    annual_charge_gbp = _money("The service's annual charge, in today's prices.")
    variable_share = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        validators=FRACTION,
        help_text="The share of the charge that varies with demand.",
    )
    tolerance_band = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        validators=FRACTION,
        help_text="Demand changes up to this share either way are absorbed in the price.",
    )
    increase_rate = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=1,
        validators=RATE,
        help_text="Demand above the band is priced at this multiple of pro rata (1 is pro rata).",
    )
    decrease_rate = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=1,
        validators=RATE,
        help_text="Demand below the band is credited at this multiple of pro rata (1 is pro rata).",
    )
    notice_months = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(60)], help_text="Months' notice to withdraw the service."
    )
    compensation_share = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        validators=FRACTION,
        help_text="Compensation on withdrawal, as a share of the lost annual charge.",
    )
    compensation_fixed_gbp = _money("A fixed sum of compensation on withdrawal, on top of the share.")
    notes = models.TextField(
        blank=True, help_text="Where in the contract these terms are, and anything else."
    )
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["service__name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["partnership", "service"], name="one_mechanism_per_service")
        ]

    def __str__(self) -> str:
        return f"Change mechanisms for {self.service}"


class PriceBasis(models.TextChoices):
    COST_PLUS = "cost_plus", "Cost plus the contract's margin"
    QUOTED = "quoted", "The partner's quoted price"


class PricingTerms(VersionedModel):
    """The contract's terms for changes not tied to one existing service: how an added service is priced and
    how the cost of a policy change is shared. One per partnership."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="pricing_terms")
    price_basis = models.CharField(
        max_length=20, choices=PriceBasis.choices, help_text="How a service added to the bundle is priced."
    )
    margin = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        validators=FRACTION,
        default=0,
        help_text="The margin added to the cost of an added service (cost plus only).",
    )
    policy_council_share = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        validators=FRACTION,
        help_text="The council's share of the cost of a change in policy or law.",
    )
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Change terms of {self.partnership}"


class ScenarioKind(models.TextChoices):
    DEMAND_UP = "demand_up", "Demand for a service goes up"
    DEMAND_DOWN = "demand_down", "Demand for a service goes down"
    SERVICE_ADDED = "service_added", "A service is added"
    SERVICE_WITHDRAWN = "service_withdrawn", "A service is withdrawn"
    POLICY_CHANGE = "policy_change", "A change in policy or law"


class Scenario(VersionedModel):
    """A change the council wants to price: what the contract costs each year with it, against no change."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="change_scenarios")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=ScenarioKind.choices)
    description = models.TextField(blank=True)
    service = models.ForeignKey(
        ServiceArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The service whose demand changes, or which is withdrawn.",
    )
    demand_change = models.DecimalField(
        max_digits=6,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(5)],
        help_text="How far demand moves, as a fraction: 0.15 for 15%.",
    )
    in_house_annual_cost_gbp = _money(
        "What running a withdrawn service in house would cost a year.", null=True
    )
    new_service_name = models.CharField(max_length=100, blank=True)
    new_service_cost_gbp = _money("An added service's annual cost (or quoted price).", null=True)
    policy_annual_cost_gbp = _money("The policy change's estimated cost a year.", null=True)
    first_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text="The year the scenario's first financial year starts in (April to March).",
    )
    years = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(15)],
        help_text="How many years to show.",
    )
    starts_in_year = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(15)],
        help_text="The year the change starts.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["partnership", "name"], name="one_scenario_per_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def year_label_first(self) -> str:
        return self.year_label(1)

    def year_label(self, year: int) -> str:
        return year_label(self.first_year + year - 1)
