"""Records of the procurement area's incentives part: each bidder's priced offer per round (priced into a new
draft business-case version in one step) and each bidder's proposed payment mechanism (simulated on
scenarios with the contract payment engine)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from forbetter.appraisal.models import MAX_OPTION_YEARS, BusinessCaseVersion, PriceBase
from forbetter.core.versioning import VersionedModel
from forbetter.partnerships.models import Partnership
from forbetter.procurement.models.competition import Bidder, DialogueRound

__all__ = [
    "BidPriceYear",
    "BidderMechanism",
    "BidderMechanismBand",
    "PricedOffer",
    "PricingType",
    "ScenarioKind",
    "ScenarioMonth",
]

FRACTION = [MinValueValidator(0), MaxValueValidator(1)]


class PricedOffer(VersionedModel):
    """A bidder's prices in one round for one contract length: a yearly charge for each contract year and
    its one-off (transition) costs. A bidder may price several lengths, each its own offer."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="priced_offers")
    bidder = models.ForeignKey(Bidder, on_delete=models.CASCADE, related_name="priced_offers")
    round = models.ForeignKey(DialogueRound, on_delete=models.CASCADE, related_name="priced_offers")
    contract_years = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_OPTION_YEARS)],
        help_text="The contract length the bidder priced, in years.",
    )
    prices = models.CharField(max_length=10, choices=PriceBase.choices, default=PriceBase.REAL)
    one_off_costs_gbp = models.DecimalField(
        "one-off (transition) costs (£)",
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text="Transition and mobilisation costs the bidder charges once, in year 0.",
    )
    notes = models.TextField(blank=True)
    built_version = models.ForeignKey(
        BusinessCaseVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The business-case version last built from this offer.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["round__number", "bidder__name", "contract_years"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["bidder", "round", "contract_years"], name="procurement_one_offer_per_length"
            )
        ]

    def __str__(self) -> str:
        return f"{self.bidder}: {self.contract_years}-year offer in round {self.round.number}"

    @property
    def total_charges_gbp(self) -> Decimal:
        """The yearly charges added up, undiscounted (from the prefetched years)."""
        return sum((row.charge_gbp for row in self.years.all()), Decimal(0))


class BidPriceYear(models.Model):
    """The offer's yearly charge for one contract year (year 0 is the first, as in the business case)."""

    offer = models.ForeignKey(PricedOffer, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField()
    charge_gbp = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["year"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["offer", "year"], name="procurement_one_bid_price_per_year")
        ]

    def __str__(self) -> str:
        return f"Year {self.year}: £{self.charge_gbp}"


class PricingType(models.TextChoices):
    """The pricing mechanisms explained in ``procurement/data/pricing_mechanisms.json``."""

    FIXED_PRICE = "fixed_price", "Fixed price"
    UNIT_RATES = "unit_rates", "Unit rates"
    COST_PLUS = "cost_plus", "Cost-plus"
    GAINSHARE_LED = "gainshare_led", "Gainshare-led"


class BidderMechanism(VersionedModel):
    """The payment mechanism a bidder proposes: the same terms as the contract's mechanism (monthly charge,
    indexed share, free points, value of a point, bands, cap), so it can be simulated by the same engine."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="bidder_mechanisms")
    bidder = models.OneToOneField(Bidder, on_delete=models.CASCADE, related_name="mechanism")
    pricing_type = models.CharField(max_length=20, choices=PricingType.choices)
    monthly_charge_gbp = models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    indexed_share = models.DecimalField(max_digits=5, decimal_places=4, default=0, validators=FRACTION)
    points_threshold = models.PositiveIntegerField()
    point_value_gbp = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    cap = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True, validators=FRACTION)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["bidder__name"]

    def __str__(self) -> str:
        return f"Payment mechanism proposed by {self.bidder}"


class BidderMechanismBand(models.Model):
    """Points ``from_point`` to ``to_point`` (blank = no upper end) cost ``multiplier`` x a point."""

    mechanism = models.ForeignKey(BidderMechanism, on_delete=models.CASCADE, related_name="bands")
    from_point = models.PositiveIntegerField()
    to_point = models.PositiveIntegerField(null=True, blank=True)
    multiplier = models.DecimalField(max_digits=6, decimal_places=3, validators=[MinValueValidator(0)])
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["from_point"]

    def __str__(self) -> str:
        upper = "+" if self.to_point is None else f" to {self.to_point}"
        return f"{self.from_point}{upper} x{self.multiplier}"


class ScenarioKind(models.TextChoices):
    STEADY = "steady", "Steady performance"
    BAD_QUARTER = "bad_quarter", "A bad quarter"
    PERSISTENT_FAILURE = "persistent_failure", "Persistent failure"


class ScenarioMonth(models.Model):
    """Points the council set for one month of one scenario of a bidder's mechanism (no rows: the
    defaults derived from the mechanism's threshold)."""

    mechanism = models.ForeignKey(BidderMechanism, on_delete=models.CASCADE, related_name="scenario_months")
    scenario = models.CharField(max_length=20, choices=ScenarioKind.choices)
    month = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(12)])
    points = models.PositiveIntegerField()
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["scenario", "month"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["mechanism", "scenario", "month"], name="procurement_one_scenario_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_scenario_display()}, month {self.month}: {self.points} points"
