"""Records of the procurement area's evaluation part: the partnership's lots and what each bidder prices
(lots alone and bundles), and the evaluation of tenders (settings, criteria, bids, evaluators' scores and
their moderation). The scores are computed only by :mod:`forbetter.calc.evaluation` and the bundles'
figures only by :mod:`forbetter.calc.bundles` (see ``forbetter/procurement/evaluation/adapters.py``)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from forbetter.core.versioning import VersionedModel
from forbetter.partnerships.models import Partnership
from forbetter.procurement.models.competition import Bidder, DialogueRound

__all__ = [
    "Bundle",
    "Evaluation",
    "EvaluationCriterion",
    "EvaluationState",
    "EvaluatorScore",
    "Lot",
    "LotPrice",
    "ModeratedScore",
    "PriceMethod",
    "ShouldCostSource",
    "TenderBid",
]

MONEY = {"max_digits": 14, "decimal_places": 2}
FRACTION = {"max_digits": 5, "decimal_places": 4}


class Lot(VersionedModel):
    """A part of the services the council procures, which bidders may price alone or in a bundle."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="procurement_lots")
    name = models.CharField(max_length=200)
    services = models.TextField(help_text="The services the lot covers.")
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["partnership", "name"], name="procurement_lot_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Bundle(VersionedModel):
    """A bidder's offer for several lots together, with the synergy it claims for them."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="procurement_bundles")
    bidder = models.ForeignKey(Bidder, on_delete=models.CASCADE, related_name="bundles")
    name = models.CharField(max_length=200)
    claimed_synergy_gbp = models.DecimalField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="The saving a year the bidder says the bundle gives over buying its lots separately.",
        **MONEY,  # type: ignore[arg-type]
    )
    cross_subsidy_threshold = models.DecimalField(
        default=Decimal("0.25"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("0.99"))],
        help_text="A lot is flagged when its price in the bundle is more than this fraction below its "
        "stand-alone price (0.25 = 25%).",
        **FRACTION,  # type: ignore[arg-type]
    )
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["bidder__name", "name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["bidder", "name"], name="procurement_bundle_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.bidder}: {self.name}"


class LotPrice(VersionedModel):
    """A bidder's annual price for a lot: alone (no bundle) or inside one of its bundles."""

    bidder = models.ForeignKey(Bidder, on_delete=models.CASCADE, related_name="lot_prices")
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="prices")
    bundle = models.ForeignKey(
        Bundle,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="prices",
        help_text="The bundle this price is part of; empty for the lot's stand-alone price.",
    )
    price_gbp = models.DecimalField(validators=[MinValueValidator(Decimal("0.01"))], **MONEY)  # type: ignore[arg-type]
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["bidder__name", "lot__name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["bidder", "lot"],
                condition=models.Q(bundle__isnull=True),
                name="procurement_one_standalone_price",
            ),
            models.UniqueConstraint(fields=["bundle", "lot"], name="procurement_one_price_per_bundle_lot"),
        ]

    def __str__(self) -> str:
        where = f"in {self.bundle.name}" if self.bundle_id and self.bundle else "alone"
        return f"{self.bidder}: {self.lot} {where}"


class PriceMethod(models.TextChoices):
    LOWEST_RATIO = "lowest_ratio", "Lowest price ÷ the bid's price"
    DEVIATION = "deviation", "1 − how far the bid's price is above the lowest, as a fraction of the lowest"


class EvaluationState(models.TextChoices):
    SET_UP = "set_up", "Being set up"
    BIDS_OPENED = "bids_opened", "Bids opened: criteria and weights fixed, evaluators scoring"
    SCORES_LOCKED = "scores_locked", "Scores locked: being moderated"
    COMPLETE = "complete", "Moderation complete"


STATE_ORDER = [s.value for s in EvaluationState]


class ShouldCostSource(models.TextChoices):
    NONE = "none", "No should-cost yet"
    TYPED = "typed", "Typed in"
    BUSINESS_CASE = "business_case", "Taken from the business case"


class Evaluation(VersionedModel):
    """How the tenders of one stage of the competition are scored, and where the evaluation has got to."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="procurement_evaluations"
    )
    round = models.ForeignKey(
        DialogueRound,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evaluations",
        help_text="The stage of the competition whose tenders are evaluated, if any.",
    )
    name = models.CharField(max_length=200)
    price_weight = models.DecimalField(
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="The share of the total score given to price, as a fraction (0.4 = 40%); quality has "
        "the rest.",
        **FRACTION,  # type: ignore[arg-type]
    )
    price_method = models.CharField(
        max_length=20, choices=PriceMethod.choices, default=PriceMethod.LOWEST_RATIO
    )
    scale_max = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Evaluators score each criterion from 0 to this.",
    )
    spread_threshold = models.DecimalField(
        default=Decimal("0.4"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Flag a criterion when evaluators' highest and lowest scores differ by more than this "
        "fraction of the scale (0.4 of a 0 to 4 scale is 1.6 points).",
        **FRACTION,  # type: ignore[arg-type]
    )
    abnormally_low_threshold = models.DecimalField(
        default=Decimal("0.8"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(1)],
        help_text="Flag a bid priced below this fraction of the should-cost (0.8 = 80%).",
        **FRACTION,  # type: ignore[arg-type]
    )
    should_cost_gbp = models.DecimalField(
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="The council's own estimate of the price a year, to test bids for abnormally low prices.",
        **MONEY,  # type: ignore[arg-type]
    )
    should_cost_source = models.CharField(
        max_length=20, choices=ShouldCostSource.choices, default=ShouldCostSource.NONE
    )
    should_cost_basis = models.TextField(
        blank=True, help_text="Where the should-cost came from, in words (a document, a version, a figure)."
    )
    state = models.CharField(max_length=20, choices=EvaluationState.choices, default=EvaluationState.SET_UP)
    bids_opened_on = models.DateField(null=True, blank=True)
    scores_locked_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["pk"]

    def __str__(self) -> str:
        return self.name

    def reached(self, state: str) -> bool:
        """True once the evaluation is at ``state`` or beyond."""
        return STATE_ORDER.index(self.state) >= STATE_ORDER.index(state)

    @property
    def criteria_fixed(self) -> bool:
        return self.reached(EvaluationState.BIDS_OPENED)

    @property
    def scores_locked(self) -> bool:
        return self.reached(EvaluationState.SCORES_LOCKED)


class EvaluationCriterion(VersionedModel):
    """A quality criterion and its weight as a share of the quality score (the weights sum to 100%)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=200)
    weight = models.DecimalField(
        validators=[MinValueValidator(Decimal("0.0001")), MaxValueValidator(1)],
        help_text="The criterion's share of the quality score, as a fraction (0.3 = 30%).",
        **FRACTION,  # type: ignore[arg-type]
    )
    description = models.TextField(blank=True, help_text="What evaluators look for.")
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["evaluation", "name"], name="procurement_criterion_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class TenderBid(VersionedModel):
    """A bidder's tender in an evaluation: its price a year and when it was received."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="bids")
    bidder = models.ForeignKey(Bidder, on_delete=models.CASCADE, related_name="tenders")
    price_gbp = models.DecimalField(validators=[MinValueValidator(Decimal("0.01"))], **MONEY)  # type: ignore[arg-type]
    received_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["bidder__name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["evaluation", "bidder"], name="procurement_one_bid_per_bidder")
        ]

    def __str__(self) -> str:
        return f"{self.bidder}'s bid"


class EvaluatorScore(VersionedModel):
    """One evaluator's own score of a bid on a criterion, with their comment."""

    bid = models.ForeignKey(TenderBid, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(EvaluationCriterion, on_delete=models.CASCADE, related_name="scores")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(max_digits=6, decimal_places=2, validators=[MinValueValidator(0)])
    comment = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["bid__bidder__name", "criterion_id", "evaluator__email"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["bid", "criterion", "evaluator"], name="procurement_one_score_per_evaluator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluator}'s score of {self.bid.bidder} on {self.criterion}"


class ModeratedScore(VersionedModel):
    """The score agreed at moderation for a bid on a criterion, replacing the evaluators' mean; the
    evaluators' own scores are kept."""

    bid = models.ForeignKey(TenderBid, on_delete=models.CASCADE, related_name="moderated_scores")
    criterion = models.ForeignKey(
        EvaluationCriterion, on_delete=models.CASCADE, related_name="moderated_scores"
    )
    score = models.DecimalField(max_digits=6, decimal_places=2, validators=[MinValueValidator(0)])
    reason = models.TextField(help_text="Why the moderated score differs from, or confirms, the evaluators'.")
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    moderated_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["bid__bidder__name", "criterion_id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["bid", "criterion"], name="procurement_one_moderated_score")
        ]

    def __str__(self) -> str:
        return f"Moderated score of {self.bid.bidder} on {self.criterion}"
