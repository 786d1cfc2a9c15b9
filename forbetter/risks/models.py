"""Risk management records: the register, its actions and reviews, the partner's change-of-ownership plan,
Monte Carlo runs with their inputs and results, and the exit-cost analysis.

Money is ``Decimal`` in pounds (fields end ``_gbp``); fractions are ``Decimal`` with four places, 0 to 1.
Every business model keeps its field-level history.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from forbetter.calc.risk import IMPACT_LABELS, LIKELIHOOD_LABELS
from forbetter.core.versioning import VersionedModel
from forbetter.partnerships.models import Partnership


def fraction_field(**options: Any) -> Any:
    """A fraction from 0 to 1 with four decimal places (0.2500 is a quarter)."""
    return models.DecimalField(
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        **options,
    )


def money_field(*, negative: bool = False, **options: Any) -> Any:
    """Pounds and pence, up to £999,999,999,999.99; not negative unless ``negative``."""
    validators = [] if negative else [MinValueValidator(Decimal(0))]
    return models.DecimalField(max_digits=14, decimal_places=2, validators=validators, **options)


def result_field() -> Any:
    """A simulated amount in pounds, empty until the run finishes."""
    return models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)


SCALE = [MinValueValidator(1), MaxValueValidator(5)]
LIKELIHOOD_CHOICES = [(value, f"{value} – {label}") for value, label in LIKELIHOOD_LABELS.items()]
IMPACT_CHOICES = [(value, f"{value} – {label}") for value, label in IMPACT_LABELS.items()]


# ------------------------------------------------------------------------------------------------------
# Reference data
# ------------------------------------------------------------------------------------------------------


class RiskCategoryVersion(models.Model):
    """A version of the category reference data that has been loaded (see ``reference.py``)."""

    version = models.CharField(max_length=20, unique=True)
    source = models.TextField()
    loaded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.version


class CategoryScheme(models.TextChoices):
    SSP = "ssp", "Service-delivery partnership"
    OCDS_PPP = "ocds_ppp", "OCDS for PPPs"


class RiskCategory(models.Model):
    code = models.CharField(max_length=50, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField()
    scheme = models.CharField(max_length=20, choices=CategoryScheme.choices)
    ocds_code = models.CharField(
        max_length=50, help_text="The nearest category of the OCDS riskCategory codelist, for OCDS export."
    )
    order = models.PositiveSmallIntegerField()
    data_version = models.CharField(max_length=20)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["order"]
        verbose_name_plural = "risk categories"

    def __str__(self) -> str:
        return self.title


# ------------------------------------------------------------------------------------------------------
# The register
# ------------------------------------------------------------------------------------------------------


class Allocation(models.TextChoices):
    COUNCIL = "council", "Council"
    PARTNER = "partner", "Partner"
    SHARED = "shared", "Shared"


class Transferability(models.TextChoices):
    RETAINED = "retained", "Retained by the council"
    TRANSFERABLE = "transferable", "Transferable to the partner"
    NEGOTIABLE = "negotiable", "Negotiable"


class ReviewFrequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    SIX_MONTHLY = "six_monthly", "Every six months"
    ANNUAL = "annual", "Annually"


REVIEW_MONTHS: dict[str, int] = {
    ReviewFrequency.MONTHLY: 1,
    ReviewFrequency.QUARTERLY: 3,
    ReviewFrequency.SIX_MONTHLY: 6,
    ReviewFrequency.ANNUAL: 12,
}


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    MATERIALISED = "materialised", "Materialised"


class ImpactDistribution(models.TextChoices):
    PERT = "pert", "PERT"
    TRIANGULAR = "triangular", "Triangular"


class Risk(VersionedModel):
    """One risk in a partnership's register."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="risks")
    number = models.PositiveIntegerField(help_text="Numbered from 1 within the partnership.")
    title = models.CharField(max_length=200)
    category = models.ForeignKey(RiskCategory, on_delete=models.PROTECT, related_name="risks")
    description = models.TextField()
    cause = models.TextField(blank=True)
    effect = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="risks"
    )
    allocation = models.CharField(max_length=20, choices=Allocation.choices)
    council_share = fraction_field(null=True, blank=True)
    transferability = models.CharField(max_length=20, choices=Transferability.choices)
    inherent_likelihood = models.PositiveSmallIntegerField(choices=LIKELIHOOD_CHOICES, validators=SCALE)
    inherent_impact = models.PositiveSmallIntegerField(choices=IMPACT_CHOICES, validators=SCALE)
    residual_likelihood = models.PositiveSmallIntegerField(choices=LIKELIHOOD_CHOICES, validators=SCALE)
    residual_impact = models.PositiveSmallIntegerField(choices=IMPACT_CHOICES, validators=SCALE)
    controls = models.TextField(blank=True)
    council_notes = models.TextField(
        "council-only notes",
        blank=True,
        help_text="The council's own view of the risk: never shown to partner users, nor in their history.",
    )
    review_frequency = models.CharField(max_length=20, choices=ReviewFrequency.choices)
    next_review_on = models.DateField()
    status = models.CharField(max_length=20, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    actual_cost_gbp = money_field(null=True, blank=True)
    probability = fraction_field(null=True, blank=True)
    distribution = models.CharField(max_length=20, choices=ImpactDistribution.choices, blank=True)
    impact_minimum_gbp = money_field(null=True, blank=True)
    impact_most_likely_gbp = money_field(null=True, blank=True)
    impact_maximum_gbp = money_field(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["partnership", "number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["partnership", "number"], name="risk_number_unique"),
            models.CheckConstraint(
                condition=~Q(allocation="shared") | Q(council_share__isnull=False),
                name="shared_risk_has_council_share",
            ),
            models.CheckConstraint(
                condition=~Q(status="materialised") | Q(actual_cost_gbp__isnull=False),
                name="materialised_risk_has_actual_cost",
            ),
            models.CheckConstraint(
                condition=(
                    Q(probability__isnull=True)
                    & Q(impact_minimum_gbp__isnull=True)
                    & Q(impact_most_likely_gbp__isnull=True)
                    & Q(impact_maximum_gbp__isnull=True)
                    & Q(distribution="")
                )
                | (
                    Q(probability__isnull=False)
                    & Q(impact_minimum_gbp__lte=F("impact_most_likely_gbp"))
                    & Q(impact_most_likely_gbp__lte=F("impact_maximum_gbp"))
                    & ~Q(distribution="")
                ),
                name="quantification_complete_and_ordered",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["partnership", "status", "next_review_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"R{self.number:03d}"

    @property
    def inherent_score(self) -> int:
        return self.inherent_likelihood * self.inherent_impact

    @property
    def residual_score(self) -> int:
        return self.residual_likelihood * self.residual_impact

    @property
    def is_quantified(self) -> bool:
        return self.probability is not None


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class RiskAction(VersionedModel):
    """Something someone will do to reduce a risk, by a date."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description[:80]


# ------------------------------------------------------------------------------------------------------
# Reviews
# ------------------------------------------------------------------------------------------------------


class RiskReview(models.Model):
    """A review meeting or desk review of some of the register's risks."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="risk_reviews")
    reviewed_on = models.DateField()
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["-reviewed_on", "-pk"]

    def __str__(self) -> str:
        return f"Risk review on {self.reviewed_on:%-d %b %Y}"


class RiskReviewItem(models.Model):
    """One risk looked at in a review: its residual score before and after, and the next review date set."""

    review = models.ForeignKey(RiskReview, on_delete=models.CASCADE, related_name="items")
    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="review_items")
    previous_likelihood = models.PositiveSmallIntegerField(choices=LIKELIHOOD_CHOICES, validators=SCALE)
    previous_impact = models.PositiveSmallIntegerField(choices=IMPACT_CHOICES, validators=SCALE)
    new_likelihood = models.PositiveSmallIntegerField(choices=LIKELIHOOD_CHOICES, validators=SCALE)
    new_impact = models.PositiveSmallIntegerField(choices=IMPACT_CHOICES, validators=SCALE)
    comment = models.TextField(blank=True)
    next_review_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["risk__number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["review", "risk"], name="one_item_per_risk_per_review"),
        ]

    def __str__(self) -> str:
        return f"{self.risk} in {self.review}"

    @property
    def previous_score(self) -> int:
        return self.previous_likelihood * self.previous_impact

    @property
    def new_score(self) -> int:
        return self.new_likelihood * self.new_impact

    @property
    def score_changed(self) -> bool:
        return (self.previous_likelihood, self.previous_impact) != (self.new_likelihood, self.new_impact)


# ------------------------------------------------------------------------------------------------------
# Change-of-ownership and restructuring plan
# ------------------------------------------------------------------------------------------------------


class OwnershipPlan(VersionedModel):
    """What the council will do if the partner is restructured, sold or fails (one per partnership).

    Council-confidential, with its triggers, actions, contacts and history: it is the council's contingency
    against the partner, so partner users never see it (docs/decisions/0008).
    """

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="ownership_plan")
    summary = models.TextField(help_text="The plan in a few sentences: what the council would aim to do.")
    contract_provisions = models.TextField(
        blank=True,
        help_text="What the contract says about change of control, parent company guarantees and step-in.",
    )
    last_reviewed_on = models.DateField()
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Change-of-ownership plan for {self.partnership}"


class OwnershipTrigger(VersionedModel):
    plan = models.ForeignKey(OwnershipPlan, on_delete=models.CASCADE, related_name="triggers")
    description = models.CharField(max_length=300, help_text="The event or sign that sets the plan going.")
    how_monitored = models.TextField(
        blank=True, help_text="Where the council would first see it: filings, credit alerts, the press..."
    )
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["pk"]

    def __str__(self) -> str:
        return self.description


class OwnershipAction(VersionedModel):
    plan = models.ForeignKey(OwnershipPlan, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    responsible = models.CharField(max_length=200, help_text="The person or team who does it.")
    timescale = models.CharField(max_length=200, help_text="For example, 'within 48 hours of the trigger'.")
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["pk"]

    def __str__(self) -> str:
        return self.description[:80]


class OwnershipContact(VersionedModel):
    plan = models.ForeignKey(OwnershipPlan, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200)
    role = models.CharField(max_length=200, help_text="Their part in the plan.")
    email = models.EmailField(blank=True)
    telephone = models.CharField(max_length=40, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["pk"]

    def __str__(self) -> str:
        return f"{self.name}, {self.organisation}"


# ------------------------------------------------------------------------------------------------------
# Monte Carlo runs
# ------------------------------------------------------------------------------------------------------


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class SimulationRun(models.Model):
    """A Monte Carlo simulation of the register's quantified open risks, with its inputs and results.

    The inputs are copied into :class:`SimulationInput` rows when the run is requested, so the results can
    always be read against exactly what was simulated. Summary results are typed fields; the tornado is
    child rows. The S-curve (101 percentiles) and the histogram (bin edges and counts) are stored as small
    JSON arrays of numbers: they are outputs drawn on charts and tabled beside them, never edited, filtered
    or joined, and 101 + 81 child rows per run would add nothing but rows. No business input is JSON.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="simulation_runs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    iterations = models.PositiveIntegerField()
    seed = models.PositiveBigIntegerField()
    correlation = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(-1)), MaxValueValidator(Decimal(1))],
    )
    status = models.CharField(max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = fraction_field(default=Decimal(0))
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="When the worker last reported progress on this run."
    )
    error_message = models.TextField(blank=True)
    retry_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="retries"
    )
    mean_gbp = result_field()
    sd_gbp = result_field()
    p10_gbp = result_field()
    p50_gbp = result_field()
    p80_gbp = result_field()
    p90_gbp = result_field()
    p95_gbp = result_field()
    analytic_mean_gbp = result_field()
    council_mean_gbp = result_field()
    council_p50_gbp = result_field()
    council_p80_gbp = result_field()
    council_analytic_mean_gbp = result_field()
    partner_mean_gbp = result_field()
    partner_p50_gbp = result_field()
    partner_p80_gbp = result_field()
    partner_analytic_mean_gbp = result_field()
    achieved_rank_correlation = models.DecimalField(max_digits=6, decimal_places=4, null=True, blank=True)
    reservoir_iterations = models.PositiveIntegerField(null=True, blank=True)
    s_curve_gbp = models.JSONField(
        default=list, blank=True, help_text="Total cost at percentiles 0, 1, ..., 100 (output only)."
    )
    histogram_edges_gbp = models.JSONField(default=list, blank=True)
    histogram_counts = models.JSONField(default=list, blank=True)
    history = HistoricalRecords(
        excluded_fields=["progress", "heartbeat_at", "s_curve_gbp", "histogram_edges_gbp", "histogram_counts"]
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return (
            f"Monte Carlo run {self.pk}: {self.iterations:,} iterations, seed {self.seed}, "
            f"correlation {self.correlation}"
        )

    @property
    def is_pending(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)


class SimulationInput(models.Model):
    """One risk as it was simulated: a snapshot of its quantification when the run was requested."""

    run = models.ForeignKey(SimulationRun, on_delete=models.CASCADE, related_name="inputs")
    risk = models.ForeignKey(Risk, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reference = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    probability = fraction_field()
    distribution = models.CharField(max_length=20, choices=ImpactDistribution.choices)
    minimum_gbp = money_field()
    most_likely_gbp = money_field()
    maximum_gbp = money_field()
    allocation = models.CharField(max_length=20, choices=Allocation.choices)
    council_share = fraction_field(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["run", "reference"], name="one_input_per_risk_per_run"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class SimulationTornadoBar(models.Model):
    """How strongly one risk drives the total: Spearman rank correlation of its cost with the total."""

    run = models.ForeignKey(SimulationRun, on_delete=models.CASCADE, related_name="tornado")
    input = models.ForeignKey(SimulationInput, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveIntegerField()
    rank_correlation = models.DecimalField(max_digits=6, decimal_places=4)

    class Meta:
        ordering: ClassVar[list[str]] = ["rank"]

    def __str__(self) -> str:
        return f"{self.input.reference}: {self.rank_correlation}"


# ------------------------------------------------------------------------------------------------------
# Exit analysis
# ------------------------------------------------------------------------------------------------------


class ExitRoute(models.TextChoices):
    COUNCIL_VOLUNTARY_TERMINATION = "council_voluntary_termination", "Council voluntary termination"
    PARTNER_DEFAULT = "partner_default", "Partner default"
    COUNCIL_DEFAULT = "council_default", "Council default"
    FORCE_MAJEURE = "force_majeure", "Force majeure"
    BREAK_CLAUSE = "break_clause", "Break clause"
    EXPIRY = "expiry", "Expiry"


class ExitDiscounting(models.TextChoices):
    STANDARD = "standard", "The Green Book standard schedule (3.5% a year for years 1 to 30, then 3%)"
    FLAT = "flat", "A flat rate every year"
    NONE = "none", "Not discounted: the years left at face value (cash)"


class ExitAnalysis(VersionedModel):
    """What it would cost the council to end the partnership in each contract year, by each route."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="exit_analysis")
    term_years = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(50)])
    annual_charge_gbp = money_field()
    replacement_annual_cost_gbp = money_field(default=Decimal(0))
    partner_investment_gbp = money_field(default=Decimal(0))
    amortisation_years = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    tupe_costs_gbp = money_field(default=Decimal(0))
    redundancy_costs_gbp = money_field(default=Decimal(0))
    transition_costs_gbp = money_field(default=Decimal(0))
    reprocurement_costs_gbp = money_field(default=Decimal(0))
    discount_schedule = models.CharField(
        max_length=10, choices=ExitDiscounting.choices, default=ExitDiscounting.STANDARD
    )
    discount_rate = fraction_field(default=Decimal(0))
    notes = models.TextField(blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "exit analyses"

    def __str__(self) -> str:
        return f"Exit-cost analysis for {self.partnership}"


class ExitBreakYear(models.Model):
    """A contract year at whose end the break clause may be used."""

    analysis = models.ForeignKey(ExitAnalysis, on_delete=models.CASCADE, related_name="break_years")
    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(50)])
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["year"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["analysis", "year"], name="one_break_per_year"),
        ]

    def __str__(self) -> str:
        return f"Break at the end of year {self.year}"


class ExitRouteTerms(models.Model):
    """What the contract says for one way of ending: the council's share of the partner's unamortised
    investment it must pay."""

    analysis = models.ForeignKey(ExitAnalysis, on_delete=models.CASCADE, related_name="route_terms")
    route = models.CharField(max_length=40, choices=ExitRoute.choices)
    investment_share = fraction_field(default=Decimal(0))
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["analysis", "route"], name="one_terms_row_per_route"),
        ]

    def __str__(self) -> str:
        return f"{self.get_route_display()}: {self.investment_share} of the unamortised investment"


class ExitCompensation(models.Model):
    """Contractual compensation the council would pay if the partnership ended by a route in a year."""

    analysis = models.ForeignKey(ExitAnalysis, on_delete=models.CASCADE, related_name="compensation")
    route = models.CharField(max_length=40, choices=ExitRoute.choices)
    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(50)])
    compensation_gbp = money_field(
        negative=True,
        help_text="A negative amount is a payment to the council (for example damages on partner default).",
    )
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["route", "year"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["analysis", "route", "year"], name="one_compensation_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.get_route_display()}, year {self.year}: £{self.compensation_gbp}"
