"""Trust records of a partnership: the charter (in versions), trust-building activities, non-technical
partnership measures with their values, the open-book protocol and its yearly reviews, and key posts on
both sides with their successors.

All are joint records: council and partner users of the partnership read them; council editors change them.
Money is ``Decimal`` in pounds (fields end ``_gbp``); margins are fractions (0.0800 is 8%).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from forbetter.calc.dates import long_date, year_label
from forbetter.core.versioning import VersionedModel
from forbetter.partnerships.models import Partnership
from forbetter.payments.models import GainshareYear

FRACTION = [MinValueValidator(0), MaxValueValidator(1)]
NOT_NEGATIVE = [MinValueValidator(0)]


class Side(models.TextChoices):
    COUNCIL = "council", "Council"
    PARTNER = "partner", "Partner"


# ------------------------------------------------------------------------------------------------------
# Charter
# ------------------------------------------------------------------------------------------------------


class CharterVersion(VersionedModel):
    """One agreed version of the partnership charter. The current charter is the latest by date; earlier
    versions are kept. A version is never edited: a change is a new version."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="charter_versions")
    version_date = models.DateField(help_text="The date both sides agreed this version.")
    text = models.TextField(help_text="The charter's words: shared aims, values and behaviours.")
    agreed_by_council = models.CharField(max_length=300, help_text="Who agreed it for the council.")
    agreed_by_partner = models.CharField(max_length=300, help_text="Who agreed it for the partner.")
    summary_of_changes = models.TextField(blank=True, help_text="What changed from the version before.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["-version_date", "-pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["partnership", "version_date"], name="one_charter_version_a_day")
        ]

    def __str__(self) -> str:
        return f"Charter of {long_date(self.version_date)}"


# ------------------------------------------------------------------------------------------------------
# Trust-building activities and non-technical measures
# ------------------------------------------------------------------------------------------------------


class ActivityKind(models.TextChoices):
    AWAY_DAY = "away_day", "Joint away day"
    WORKSHOP = "workshop", "Joint workshop"
    TRAINING = "training", "Joint training"
    SITE_VISIT = "site_visit", "Joint site visit"
    SOCIAL = "social", "Team event"
    OTHER = "other", "Other"


class TrustActivity(VersionedModel):
    """A trust-building activity with attendance from each side: a count, or names, or both."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="trust_activities")
    held_on = models.DateField()
    kind = models.CharField(max_length=20, choices=ActivityKind.choices)
    title = models.CharField(max_length=200)
    purpose = models.TextField()
    council_count = models.PositiveIntegerField(null=True, blank=True)
    council_names = models.TextField(blank=True)
    partner_count = models.PositiveIntegerField(null=True, blank=True)
    partner_names = models.TextField(blank=True)
    council_attended = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="The count given, or else the names listed (rule TRUST-ATTENDANCE).",
    )
    partner_attended = models.PositiveIntegerField(default=0, editable=False)
    outcome = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["-held_on", "-pk"]
        verbose_name_plural = "trust activities"

    def __str__(self) -> str:
        return f"{self.title} ({long_date(self.held_on)})"

    @property
    def one_sided(self) -> bool:
        """Nobody came from one side (or either)."""
        return self.council_attended == 0 or self.partner_attended == 0


class PartnershipMeasure(VersionedModel):
    """A non-technical partnership measure ("joint problem-solving", "responsiveness"), valued each period."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="trust_measures")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="What it measures and why it matters.")
    how_measured = models.TextField(help_text="How a value is arrived at, and on what scale.")
    higher_is_better = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["partnership", "name"], name="one_trust_measure_per_name")
        ]

    def __str__(self) -> str:
        return self.name


class MeasureValue(VersionedModel):
    """A measure's value for one period (identified by the period's last day). Values are only added."""

    measure = models.ForeignKey(PartnershipMeasure, on_delete=models.CASCADE, related_name="values")
    period_end = models.DateField(help_text="The last day of the period the value is for.")
    value = models.DecimalField(max_digits=10, decimal_places=2)
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["period_end"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["measure", "period_end"], name="one_measure_value_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.value} to {long_date(self.period_end)}"


# ------------------------------------------------------------------------------------------------------
# Open book
# ------------------------------------------------------------------------------------------------------


class OpenBookFrequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    SIX_MONTHLY = "six_monthly", "Every six months"
    ANNUAL = "annual", "Annually"


class OpenBookDepth(models.TextChoices):
    SUMMARY = "summary", "Summary: totals by cost category"
    LINE_ITEM = "line_item", "Line item: each cost line within a category"
    FULL_LEDGER = "full_ledger", "Full ledger: every transaction, with its evidence"


class OpenBookProtocol(VersionedModel):
    """What the partner opens its books on, how often, how deep and to whom (framework action I-TR-2).
    One per partnership; each change is kept in its history."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="open_book_protocol"
    )
    cost_categories = models.TextField(help_text="The cost categories shared, one a line.")
    margins_shared = models.BooleanField(default=True, help_text="Whether the partner's margins are shared.")
    margin_detail = models.TextField(blank=True, help_text="Which margins, for example by service line.")
    frequency = models.CharField(max_length=20, choices=OpenBookFrequency.choices)
    depth = models.CharField(max_length=20, choices=OpenBookDepth.choices)
    reviewers = models.TextField(help_text="Who may review the books, on each side.")
    agreed_on = models.DateField()
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Open-book protocol of {self.partnership}"


class OpenBookReview(VersionedModel):
    """A year's open-book review: costs and margin examined against the agreed figures, findings, and the
    agreed actual cost, which becomes that financial year's gainshare actual cost."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="open_book_reviews")
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text="The year the financial year reviewed starts in (April to March).",
    )
    reviewed_on = models.DateField()
    reviewed_by = models.CharField(max_length=300)
    agreed_cost_gbp = models.DecimalField(
        max_digits=14, decimal_places=2, validators=NOT_NEGATIVE, help_text="The cost agreed for the year."
    )
    submitted_cost_gbp = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        validators=NOT_NEGATIVE,
        help_text="The cost the partner's books show.",
    )
    agreed_margin = models.DecimalField(
        max_digits=5, decimal_places=4, null=True, blank=True, validators=FRACTION
    )
    actual_margin = models.DecimalField(
        max_digits=5, decimal_places=4, null=True, blank=True, validators=FRACTION
    )
    findings = models.TextField()
    agreed_actual_cost_gbp = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
        help_text="The actual cost both sides agreed after the review; blank until agreed.",
    )
    gainshare_year = models.OneToOneField(
        GainshareYear,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="open_book_review",
        help_text="The gainshare year this review's agreed actual cost became.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["-year"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["partnership", "year"], name="one_open_book_review_a_year")
        ]

    def __str__(self) -> str:
        return f"Open-book review of {self.year_label}"

    @property
    def year_label(self) -> str:
        return year_label(self.year)


# ------------------------------------------------------------------------------------------------------
# Key people and succession
# ------------------------------------------------------------------------------------------------------


class Criticality(models.TextChoices):
    CRITICAL = "critical", "Critical: the partnership stalls without it"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"


class KeyPost(VersionedModel):
    """A key post on one side, its holder and its succession plan (framework action C-TR-2)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="key_posts")
    post = models.CharField(max_length=200)
    holder = models.CharField(max_length=200, blank=True, help_text="Blank if the post is vacant.")
    side = models.CharField(max_length=10, choices=Side.choices)
    criticality = models.CharField(max_length=10, choices=Criticality.choices)
    partner_involvement = models.TextField(
        blank=True, help_text="How the other side was involved in planning this post's succession."
    )
    plan_reviewed_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["side", "post"]

    def __str__(self) -> str:
        return f"{self.post} ({self.get_side_display().lower()})"


class Readiness(models.TextChoices):
    READY_NOW = "ready_now", "Ready now"
    ONE_TO_TWO_YEARS = "one_to_two", "Ready in one to two years"
    LONGER = "longer", "Ready in more than two years"


class Successor(VersionedModel):
    """Someone who could take over a key post, and how ready they are."""

    post = models.ForeignKey(KeyPost, on_delete=models.CASCADE, related_name="successors")
    name = models.CharField(max_length=200)
    readiness = models.CharField(max_length=20, choices=Readiness.choices)
    development = models.TextField(blank=True, help_text="What would make them ready.")
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return f"{self.name} for {self.post.post}"
