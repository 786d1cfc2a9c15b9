"""The council's client-side capacity for a partnership, at every stage: the client team plan (roles with
their cost and the skills needed against those held), the team's actual cost and FTE each financial year,
the procurement budget against actual spend by category, the advisers used, and the council's target for
the team's cost as a share of the contract's annual value.

All are council-confidential (the council's own staff costs and advisers): partner users never see them.
Money is ``Decimal`` in pounds (fields end ``_gbp``); shares are fractions (0.0300 is 3%). Financial years
are named by the calendar year they start in (2025 is 2025/26).
"""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from forbetter.calc.capacity import year_label
from forbetter.core.versioning import VersionedModel
from forbetter.partnerships.models import Partnership

NOT_NEGATIVE = [MinValueValidator(0)]
FRACTION = [MinValueValidator(0), MaxValueValidator(1)]
YEAR = [MinValueValidator(1990), MaxValueValidator(2100)]
YEAR_HELP = "The calendar year the financial year starts in: 2025 for 2025/26."


class TeamRole(VersionedModel):
    """One role in the client team plan (framework actions I-CAP-1 and C-CAP-1)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="team_roles")
    title = models.CharField(max_length=200)
    grade = models.CharField(max_length=50, blank=True)
    fte = models.DecimalField(
        "full-time equivalents",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0.01), MaxValueValidator(50)],
        help_text="1 for one full-time post, 0.5 for half a post.",
    )
    cost_per_year_gbp = models.DecimalField(
        "cost per year",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
        help_text="What the role costs the council a year at its FTE: pay, on-costs and overheads.",
    )
    first_year = models.PositiveSmallIntegerField(validators=YEAR, help_text=YEAR_HELP)
    last_year = models.PositiveSmallIntegerField(validators=YEAR, help_text=YEAR_HELP)
    holder = models.CharField(max_length=200, blank=True, help_text="Who holds the role; blank if vacant.")
    responsibilities = models.TextField(blank=True)
    skills_needed = models.TextField(blank=True, help_text="One skill a line.")
    skills_held = models.TextField(blank=True, help_text="One skill a line.")
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["first_year", "title", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def years_label(self) -> str:
        if self.first_year == self.last_year:
            return year_label(self.first_year)
        return f"{year_label(self.first_year)} to {year_label(self.last_year)}"


class ResourceActual(VersionedModel):
    """What the client team actually cost, and its actual FTE, in one financial year (P-CAP-1, C-CAP-2)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="resource_actuals")
    year = models.PositiveSmallIntegerField(validators=YEAR, help_text=YEAR_HELP)
    cost_gbp = models.DecimalField("actual cost", max_digits=14, decimal_places=2, validators=NOT_NEGATIVE)
    fte = models.DecimalField(
        "actual full-time equivalents",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(50)],
    )
    note = models.TextField(blank=True, help_text="Where the figures come from, and anything unusual.")
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["year"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["partnership", "year"], name="one_resource_actual_a_year")
        ]

    def __str__(self) -> str:
        return f"Client-side actuals for {self.year_label}"

    @property
    def year_label(self) -> str:
        return year_label(self.year)


class BudgetCategory(models.TextChoices):
    ADVISERS = "advisers", "Advisers"
    STAFF_TIME = "staff_time", "Council staff time"
    LEGAL = "legal", "Legal"
    PUBLICITY = "publicity", "Publicity and advertising"
    OTHER = "other", "Other"


class ProcurementBudgetLine(VersionedModel):
    """The procurement budget for one category of spend and what was actually spent on it."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="procurement_budget_lines"
    )
    category = models.CharField(max_length=20, choices=BudgetCategory.choices)
    budget_gbp = models.DecimalField("budget", max_digits=14, decimal_places=2, validators=NOT_NEGATIVE)
    actual_gbp = models.DecimalField(
        "actual spend",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
        help_text="Blank until spending starts.",
    )
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["category"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["partnership", "category"], name="one_budget_line_a_category")
        ]

    def __str__(self) -> str:
        return f"Procurement budget: {self.get_category_display()}"


class AdviserType(models.TextChoices):
    FINANCIAL = "financial", "Financial"
    LEGAL = "legal", "Legal"
    TECHNICAL = "technical", "Technical"
    OTHER = "other", "Other"


class Provision(models.TextChoices):
    IN_HOUSE = "in_house", "In-house (the council's own staff)"
    EXTERNAL = "external", "External (a firm engaged)"


class Adviser(VersionedModel):
    """Advice used on the partnership: who gave it, what it cost, and what it was worth (P-CAP-2)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="advisers")
    adviser_type = models.CharField("type of adviser", max_length=20, choices=AdviserType.choices)
    firm = models.CharField(max_length=200, help_text="The firm, or the council team for in-house advice.")
    provision = models.CharField("in-house or external", max_length=20, choices=Provision.choices)
    fees_gbp = models.DecimalField("fees", max_digits=14, decimal_places=2, validators=NOT_NEGATIVE)
    days = models.DecimalField(
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0.5), MaxValueValidator(100000)],
        help_text="Days of advice; blank if not known (then no cost per day is shown).",
    )
    work = models.TextField("what they did", blank=True)
    value_note = models.TextField(
        "value they gave",
        help_text="What the advice was worth, against doing the work in-house or not at all.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["adviser_type", "firm", "pk"]

    def __str__(self) -> str:
        return f"{self.get_adviser_type_display()} adviser: {self.firm}"

    @property
    def in_house(self) -> bool:
        return self.provision == Provision.IN_HOUSE


class CapacityTarget(VersionedModel):
    """The council's own target for the client team's cost as a share of the contract's annual value."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="capacity_target")
    minimum_share = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        validators=FRACTION,
        help_text="The least the council means to spend on managing the contract, as a fraction: "
        "0.03 for 3%.",
    )
    maximum_share = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=FRACTION,
        help_text="Optional: the most, as a fraction.",
    )
    reason = models.TextField(blank=True, help_text="Why this target: a benchmark, a decision.")
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Client-side cost target of {self.partnership}"
