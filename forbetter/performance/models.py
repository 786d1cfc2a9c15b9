"""KPIs of a partnership, the partner's returns against them, indicator reviews, benchmarks and benefits."""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from forbetter.calc.dates import year_label
from forbetter.calc.performance import Rating
from forbetter.core.versioning import VersionedModel
from forbetter.partnerships.models import Partnership
from forbetter.performance.periods import period_label

FRACTION = [MinValueValidator(0), MaxValueValidator(1)]


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class KpiType(models.TextChoices):
    OUTCOME = "outcome", "Outcome: a result for residents"
    OUTPUT = "output", "Output: what the service delivers"
    PROCESS = "process", "Process: how the service works"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUAL = "annual", "Annual"


class KpiAgreement(models.TextChoices):
    """Where the KPI stands in negotiation with the partner (or bidders): proposed, negotiated, agreed.
    Returns start only for an agreed KPI of a live contract (rule KPI-RETURNS-AGREED)."""

    PROPOSED = "proposed", "Proposed"
    NEGOTIATED = "negotiated", "Negotiated"
    AGREED = "agreed", "Agreed"


class KpiState(models.TextChoices):
    ACTIVE = "active", "In use"
    RETIRED = "retired", "Retired"


class Kpi(VersionedModel):
    """One key performance indicator of a partnership: what it measures, how, and what counts as good."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="kpis")
    reference = models.CharField(max_length=20, help_text="A short code, for example HW-01.")
    name = models.CharField(max_length=200)
    definition = models.TextField(help_text="Exactly what is counted, and what is left out.")
    measurement_method = models.TextField("how it is measured")
    measured_by = models.CharField("who measures it", max_length=200)
    unit = models.CharField(max_length=30, help_text="For example %, days, hours or number.")
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    percent_beyond_range = models.BooleanField(
        "values can be below 0% or above 100%",
        default=False,
        help_text="Only for a KPI in % that can go past the ends of the scale, such as a percentage change "
        "or a collection rate that includes arrears.",
    )
    kpi_type = models.CharField("type of indicator", max_length=10, choices=KpiType.choices)
    baseline_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    baseline_method = models.TextField("how the baseline was measured", blank=True)
    baseline_measured_on = models.DateField("when the baseline was measured", null=True, blank=True)
    target = models.DecimalField(max_digits=14, decimal_places=4)
    failure_threshold = models.DecimalField(
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="Between the target and this value the KPI is amber (approaching target); beyond it, "
        "red (failed). Leave blank if any miss of the target is a failure.",
    )
    frequency = models.CharField(
        "reporting frequency", max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    first_period = models.DateField(help_text="The first period the partner reports for.")
    weight = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=0,
        validators=FRACTION,
        help_text="Share of the KPI set, 0 to 1.",
    )
    severity_points = models.PositiveIntegerField(
        "severity points per failure", default=0, help_text="Points the partner earns each failed period."
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published = models.BooleanField(
        "published under the Procurement Act 2023",
        default=False,
        help_text="One of the key performance indicators set and published for the contract.",
    )
    return_due_days = models.PositiveSmallIntegerField(
        "days allowed for the return",
        default=10,
        validators=[MaxValueValidator(90)],
        help_text="A return is late if it arrives more than this many days after the period ends.",
    )
    state = models.CharField(max_length=10, choices=KpiState.choices, default=KpiState.ACTIVE)
    agreement = models.CharField(
        "agreement state", max_length=10, choices=KpiAgreement.choices, default=KpiAgreement.PROPOSED
    )
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agreed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["reference", "name"]
        verbose_name = "KPI"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["partnership", "reference"], name="one_kpi_per_reference")
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"

    @property
    def higher_is_better(self) -> bool:
        return self.direction == Direction.HIGHER


class KpiTarget(models.Model):
    """The target and failure threshold of a KPI from a date (rule KPI-TARGET-IN-FORCE).

    A target changed at an indicator review applies to periods starting on or after ``effective_from``;
    earlier periods, their statuses, ratings and payment statements keep the target in force then.
    """

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="targets")
    effective_from = models.DateField(help_text="The first period this target applies to.")
    target = models.DecimalField(max_digits=14, decimal_places=4)
    failure_threshold = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["kpi", "effective_from"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["kpi", "effective_from"], name="one_target_per_kpi_date")
        ]

    def __str__(self) -> str:
        return f"{self.kpi.reference} target {self.target.normalize():f} from {self.effective_from:%B %Y}"


class ReturnStatus(models.TextChoices):
    SUBMITTED = "submitted", "Awaiting validation"
    VALIDATED = "validated", "Validated"
    DISPUTED = "disputed", "Disputed"


def evidence_path(instance: Any, filename: str) -> str:
    """A random stored name under the partnership's folder; the uploaded name is kept separately."""
    suffix = PurePath(filename).suffix.lower()
    return f"kpi-evidence/{instance.kpi.partnership_id}/{uuid.uuid4().hex}{suffix}"


class KpiReturn(models.Model):
    """The partner's value for one KPI and period, with its evidence and the council's decision on it."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="returns")
    period = models.DateField(help_text="The first day of the period reported.")
    value = models.DecimalField(max_digits=14, decimal_places=4)
    commentary = models.TextField(blank=True)
    evidence_file = models.FileField(upload_to=evidence_path, max_length=200, blank=True)
    evidence_name = models.CharField("evidence file name", max_length=200, blank=True)
    evidence_type = models.CharField(max_length=10, blank=True)
    evidence_size = models.PositiveIntegerField(null=True, blank=True)
    evidence_reference = models.CharField(
        max_length=300, blank=True, help_text="Where evidence held outside ForBetter can be found."
    )
    status = models.CharField(max_length=10, choices=ReturnStatus.choices, default=ReturnStatus.SUBMITTED)
    due_on = models.DateField()
    late = models.BooleanField(default=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    dispute_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["-period", "kpi__reference"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["kpi", "period"], name="one_return_per_kpi_period"),
            models.CheckConstraint(
                condition=~models.Q(status="disputed") | ~models.Q(dispute_reason=""),
                name="dispute_needs_reason",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["kpi", "status", "period"])]

    def __str__(self) -> str:
        return f"{self.kpi.reference}, {self.period_label}"

    @property
    def period_label(self) -> str:
        return period_label(self.period, self.kpi.frequency)


class ReviewOutcome(models.TextChoices):
    KEEP = "keep", "Keep as it is"
    CHANGE_TARGET = "change_target", "Change the target"
    REPLACE = "replace", "Replace with a better indicator"
    RETIRE = "retire", "Retire it"


class IndicatorReview(models.Model):
    """A scheduled look at whether a KPI still measures the right thing, and what was decided."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="reviews")
    due_on = models.DateField("review due on")
    reviewed_on = models.DateField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices, blank=True)
    new_target = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    new_failure_threshold = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    new_target_from = models.DateField(
        "new target applies from",
        null=True,
        blank=True,
        help_text="The first period the new target applies to.",
    )
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["due_on", "kpi__reference"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(reviewed_on__isnull=True) | ~models.Q(outcome=""),
                name="completed_review_has_outcome",
            )
        ]

    def __str__(self) -> str:
        when = f"done {self.reviewed_on:%-d %b %Y}" if self.reviewed_on else f"due {self.due_on:%-d %b %Y}"
        return f"Review of {self.kpi.reference} {self.kpi.name}, {when}"


RATING_CHOICES = [(rating.value, rating.value) for rating in Rating]


class PublishedRating(models.Model):
    """The rating the council published for a KPI and a completed contract year, or why none was.

    Procurement Act 2023 s. 71 has the assessment published in a contract performance notice with one of
    the ratings of the Procurement Regulations 2024 reg. 39; ForBetter proposes a rating (rule
    KPI-ANNUAL-RATING) and keeps here what the officer decided.
    """

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="published_ratings")
    year_start = models.DateField(help_text="The first day of the contract year assessed.")
    year_end = models.DateField(help_text="The last day of the contract year assessed.")
    rating = models.CharField(max_length=30, choices=RATING_CHOICES, blank=True)
    explanation = models.TextField(
        blank=True, help_text="Why the rating is Other, or why it differs from ForBetter's proposal."
    )
    exemption_reason = models.TextField(
        blank=True, help_text="Why no rating was published for this KPI and year."
    )
    published_on = models.DateField("date the notice was published", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["-year_start", "kpi__reference"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["kpi", "year_start"], name="one_published_rating_per_kpi_year"),
            models.CheckConstraint(
                condition=~models.Q(rating="") | ~models.Q(exemption_reason=""),
                name="published_rating_or_exemption",
            ),
        ]

    def __str__(self) -> str:
        outcome = self.rating or "no rating (exempt)"
        return f"{self.kpi.reference}, year from {self.year_start.day} {self.year_start:%B %Y}: {outcome}"


class BenchmarkImport(models.Model):
    """One CSV of comparator councils' values for a KPI, as imported."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="benchmark_imports")
    file_name = models.CharField(max_length=200)
    row_count = models.PositiveIntegerField()
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["-imported_at"]

    def __str__(self) -> str:
        return f"Benchmark for {self.kpi.reference}: {self.file_name} ({self.row_count} rows)"


class BenchmarkValue(models.Model):
    """A comparator council's value of a KPI for a period."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="benchmark_values")
    source_import = models.ForeignKey(BenchmarkImport, on_delete=models.CASCADE, related_name="values")
    council = models.CharField(max_length=200)
    period = models.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=4)
    source = models.CharField(max_length=300)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["period", "council"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["kpi", "council", "period"], name="one_benchmark_per_council")
        ]

    def __str__(self) -> str:
        return f"{self.council} {self.period:%Y-%m}: {self.value}"


class BenefitCategory(models.TextChoices):
    CASHABLE = "cashable", "Cashable saving"
    NON_CASHABLE = "non_cashable", "Non-cashable efficiency"
    INCOME = "income", "New income"
    SOCIAL = "social", "Social value"


class Benefit(VersionedModel):
    """A benefit the partnership promised, valued in pounds year by year."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="benefits")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=20, choices=BenefitCategory.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    evidence = models.TextField(blank=True, help_text="How the realised values were measured and checked.")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name


class BenefitValue(models.Model):
    """A benefit's planned and realised money value in one financial year (April to March)."""

    benefit = models.ForeignKey(Benefit, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField(
        "financial year", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    planned_gbp = models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(0)], default=0
    )
    realised_gbp = models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(0)], null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["year"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["benefit", "year"], name="one_value_per_benefit_year")
        ]

    def __str__(self) -> str:
        return f"{self.benefit}: {self.year_label}"

    @property
    def year_label(self) -> str:
        return year_label(self.year)
