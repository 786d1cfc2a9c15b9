"""A partnership's business case: versions of an options appraisal, and the service baselines it starts from.

Every business input is a column or a child row (no JSON): a version's discounting and deflator settings,
its budget envelope per year, its options, each option's cash-flow lines and their values per year, the
optimism-bias mitigation table, and who bears each risk of the register under each option (a default per
option and per-risk or per-category overrides). A draft version's figures are computed by
:mod:`forbetter.calc.appraisal` from these inputs; when a version is frozen its figures are stored in the
``Frozen*`` rows below (results, discount factors, the engine version) and its pages show those, so they never
change when the engine, the rates or the risk register change later (decision record 0010).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from forbetter.calc.appraisal import optimism_bias_table
from forbetter.calc.dates import year_label
from forbetter.core.versioning import VersionedModel
from forbetter.partnerships.models import Partnership, ServiceArea
from forbetter.risks.models import Risk, RiskCategory

MAX_OPTION_YEARS = 50
FRACTION = {"max_digits": 5, "decimal_places": 4, "validators": [MinValueValidator(0), MaxValueValidator(1)]}
MONEY = {"max_digits": 14, "decimal_places": 2}


def optimism_bias_choices() -> list[tuple[str, str]]:
    """Project types of the Green Book optimism-bias table shipped with the engine."""
    return [
        (c.key, f"{c.label} ({c.applies_to}, upper bound {c.upper_bound:.0%})")
        for c in optimism_bias_table().categories
    ]


class BusinessCase(models.Model):
    """One business case of a partnership (usually there is one), kept as numbered versions."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="business_cases")
    title = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    FROZEN = "frozen", "Frozen"


class DiscountSchedule(models.TextChoices):
    STANDARD = "standard", "Green Book standard schedule (3.5% for years 1 to 30, then declining)"
    FLAT = "flat", "A flat rate every year"


class PriceBase(models.TextChoices):
    REAL = "real", "Real (prices of the base year)"
    NOMINAL = "nominal", "Nominal (cash, including inflation)"


class RiskPercentile(models.IntegerChoices):
    P50 = 50, "P50 (the median)"
    P80 = 80, "P80"
    P90 = 90, "P90"
    P95 = 95, "P95"


class BusinessCaseVersion(VersionedModel):
    """One version of a business case. A frozen version is read-only; changes go into a new version."""

    business_case = models.ForeignKey(BusinessCase, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", help_text="Copied from."
    )
    change_note = models.TextField(
        blank=True, help_text="What this version changes from the one it was created from, and why."
    )
    status = models.CharField(max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    frozen_at = models.DateTimeField(null=True, blank=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    freeze_reason = models.TextField(blank=True)
    price_base_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
        help_text="The financial year that is year 0: real prices are this year's prices.",
    )
    discount_schedule = models.CharField(
        max_length=10, choices=DiscountSchedule.choices, default=DiscountSchedule.STANDARD
    )
    discount_rate = models.DecimalField(null=True, blank=True, **FRACTION)  # type: ignore[arg-type]
    deflator_rate = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(-0.5), MaxValueValidator(1)],
        help_text="One GDP deflator growth rate for every year (used when no yearly rates are listed).",
    )
    budget_prices = models.CharField(max_length=10, choices=PriceBase.choices, default=PriceBase.NOMINAL)
    include_register_risks = models.BooleanField(
        default=True,
        help_text="Each option's risk adjustment is the expected value of the register's open quantified "
        "risks that the option retains.",
    )
    risk_percentile = models.PositiveSmallIntegerField(
        choices=RiskPercentile.choices,
        default=RiskPercentile.P80,
        help_text="The P-value shown beside each option's risk adjustment as a sensitivity.",
    )
    risk_iterations = models.PositiveIntegerField(
        default=20_000, validators=[MinValueValidator(1_000), MaxValueValidator(200_000)]
    )
    risk_seed = models.PositiveBigIntegerField(default=1)
    risk_note = models.TextField(
        blank=True, help_text="Where the risk settings come from, for example a Monte Carlo run."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["business_case_id", "number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["business_case", "number"], name="one_number_per_version"),
            models.CheckConstraint(
                condition=~models.Q(status=VersionStatus.FROZEN) | ~models.Q(freeze_reason=""),
                name="frozen_version_needs_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(discount_schedule=DiscountSchedule.FLAT)
                | models.Q(discount_rate__isnull=False),
                name="flat_schedule_needs_rate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.business_case.title}, version {self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.status == VersionStatus.FROZEN

    @property
    def base_year_label(self) -> str:
        return self.year_label(0)

    def year_label(self, year: int) -> str:
        """Year t as a financial year: year 0 of a 2026 base is '2026/27'."""
        return year_label(self.price_base_year + year)


class DeflatorRate(models.Model):
    """GDP deflator growth g_k from year k - 1 to year k, when the version lists one rate per year."""

    version = models.ForeignKey(BusinessCaseVersion, on_delete=models.CASCADE, related_name="deflator_rates")
    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    rate = models.DecimalField(
        max_digits=5, decimal_places=4, validators=[MinValueValidator(-0.5), MaxValueValidator(1)]
    )
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["year"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["version", "year"], name="one_deflator_rate_per_year")
        ]

    def __str__(self) -> str:
        return f"g{self.year} = {self.rate}"


class BudgetYear(models.Model):
    """The budget envelope the council can afford in one year of the appraisal."""

    version = models.ForeignKey(BusinessCaseVersion, on_delete=models.CASCADE, related_name="budget_years")
    year = models.PositiveSmallIntegerField()
    amount_gbp = models.DecimalField(validators=[MinValueValidator(0)], **MONEY)  # type: ignore[arg-type]
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["year"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["version", "year"], name="one_budget_per_year")
        ]

    def __str__(self) -> str:
        return f"Year {self.year}: £{self.amount_gbp}"


class OptionKind(models.TextChoices):
    IN_HOUSE_AS_NOW = "in_house_as_now", "In-house as now"
    PUBLIC_SECTOR_COMPARATOR = (
        "public_sector_comparator",
        "In-house improved to the future specification (public sector comparator)",
    )
    SSP = "ssp", "Strategic service-delivery partnership (SSP)"
    SHARED_SERVICE = "shared_service", "Shared service with another council"
    OTHER = "other", "Another way of delivering the services"


class RiskBearer(models.TextChoices):
    COUNCIL = "council", "The council bears every risk (delivering the services itself)"
    REGISTER = "register", "As the risk register allocates them (the partner takes what it is allocated)"


def default_risk_bearer(kind: str) -> str:
    """A strategic partnership follows the register's allocation (the partner takes what it is allocated);
    every other kind starts with the council bearing every risk, since the register allocates risks
    between the council and the SSP partner only. Either can be changed per option."""
    return RiskBearer.REGISTER if kind == OptionKind.SSP else RiskBearer.COUNCIL


class AppraisalOption(VersionedModel):
    """One way of delivering the services, appraised over years 0 ... years - 1."""

    version = models.ForeignKey(BusinessCaseVersion, on_delete=models.CASCADE, related_name="options")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=30, choices=OptionKind.choices)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    years = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_OPTION_YEARS)]
    )
    risk_bearer = models.CharField(
        max_length=10,
        choices=RiskBearer.choices,
        default=RiskBearer.COUNCIL,
        help_text="Who bears the register's risks under this option, unless a risk or category says "
        "otherwise.",
    )
    optimism_bias_category = models.CharField(max_length=40, blank=True, choices=optimism_bias_choices)
    optimism_bias_upper_bound = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(2)],
        help_text="Copied from the Green Book table when the project type is chosen, so a frozen version "
        "keeps the bound it was appraised with.",
    )
    optimism_bias_lower_bound = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(2)],
        help_text="The guidance's lower bound for the project type: mitigation cannot go below it.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["order", "pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["version", "name"], name="one_option_name_per_version")
        ]

    def __str__(self) -> str:
        return self.name


class OptionRiskShare(models.Model):
    """Under one option, the share of one risk, or of every risk of one category, that the council keeps,
    overriding the option's ``risk_bearer``; optionally the years the risk falls in under this option."""

    option = models.ForeignKey(AppraisalOption, on_delete=models.CASCADE, related_name="risk_shares")
    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    category = models.ForeignKey(
        RiskCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    council_share = models.DecimalField(**FRACTION)  # type: ignore[arg-type]
    first_year = models.PositiveSmallIntegerField(null=True, blank=True)
    last_year = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.TextField(max_length=2000)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["category__order", "risk__number", "pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=(models.Q(risk__isnull=True) & models.Q(category__isnull=False))
                | (models.Q(risk__isnull=False) & models.Q(category__isnull=True)),
                name="risk_share_names_a_risk_or_a_category",
            ),
            models.UniqueConstraint(fields=["option", "risk"], name="one_share_per_option_risk"),
            models.UniqueConstraint(fields=["option", "category"], name="one_share_per_option_category"),
        ]

    def __str__(self) -> str:
        return f"{self.risk or self.category}: council keeps {self.council_share}"


class OptimismBiasContribution(models.Model):
    """One row of the mitigation table: a contributory factor's share of the upper bound, and how much of
    it the project has mitigated."""

    option = models.ForeignKey(AppraisalOption, on_delete=models.CASCADE, related_name="contributions")
    factor = models.CharField(max_length=200)
    contribution = models.DecimalField(**FRACTION)  # type: ignore[arg-type]
    mitigation = models.DecimalField(**FRACTION)  # type: ignore[arg-type]
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["pk"]

    def __str__(self) -> str:
        return self.factor


class LineCategory(models.TextChoices):
    OPERATING = "operating", "Operating"
    CAPITAL = "capital", "Capital"
    TRANSITION = "transition", "Transition and staff transfer"
    PROCUREMENT = "procurement", "Procurement"
    CLIENT_SIDE = "client_side", "Client-side management"
    RISK = "risk", "Risk"
    BENEFITS = "benefits", "Benefits"


BENEFIT_CATEGORIES = frozenset({LineCategory.BENEFITS})


class CashflowLine(VersionedModel):
    """One line of an option's cash flow: pounds a year from year 0, in one category."""

    option = models.ForeignKey(AppraisalOption, on_delete=models.CASCADE, related_name="lines")
    label = models.CharField(max_length=100)
    category = models.CharField(max_length=20, choices=LineCategory.choices)
    prices = models.CharField(max_length=10, choices=PriceBase.choices, default=PriceBase.REAL)
    optimism_bias_applies = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["order", "pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["option", "label"], name="one_line_label_per_option")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def kind(self) -> str:
        """'cost' or 'benefit', from the category."""
        return "benefit" if self.category in BENEFIT_CATEGORIES else "cost"


class CashflowValue(models.Model):
    """A line's amount in one year, in pounds (real or nominal as the line says)."""

    line = models.ForeignKey(CashflowLine, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField()
    amount_gbp = models.DecimalField(validators=[MinValueValidator(0)], **MONEY)  # type: ignore[arg-type]
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["year"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["line", "year"], name="one_value_per_line_year")
        ]

    def __str__(self) -> str:
        return f"Year {self.year}: £{self.amount_gbp}"


class ServiceBaseline(VersionedModel):
    """What a service in scope costs today, before any transfer, with where the figure comes from."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="service_baselines")
    service = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="+")
    annual_cost_gbp = models.DecimalField(validators=[MinValueValidator(0)], **MONEY)  # type: ignore[arg-type]
    cost_source = models.CharField(max_length=300)
    cost_as_at = models.DateField()
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["service__name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["partnership", "service"], name="one_baseline_per_service")
        ]

    def __str__(self) -> str:
        return f"{self.service.name} baseline"


class MeasureKind(models.TextChoices):
    VOLUME = "volume", "Volume"
    UNIT_COST = "unit_cost", "Unit cost"
    PERFORMANCE = "performance", "Performance measure"


class BaselineMeasure(VersionedModel):
    """A volume, unit cost or key performance measure of a service before transfer."""

    baseline = models.ForeignKey(ServiceBaseline, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(max_length=20, choices=MeasureKind.choices)
    name = models.CharField(max_length=200)
    value = models.DecimalField(max_digits=16, decimal_places=4)
    unit = models.CharField(max_length=60, help_text="For example 'calls a year', '£ per payslip', '%'.")
    source = models.CharField(max_length=300)
    as_at = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


# --- figures stored when a version is frozen ---------------------------------------------------------------

STORED_MONEY = {"max_digits": 18, "decimal_places": 2}


class FrozenResult(models.Model):
    """The figures of a frozen version, stored at freezing with the engine that made them."""

    version = models.OneToOneField(
        BusinessCaseVersion, on_delete=models.CASCADE, related_name="frozen_result"
    )
    engine_version = models.CharField(max_length=200)
    stored_at = models.DateTimeField(auto_now_add=True)
    discount_schedule = models.CharField(max_length=10, choices=DiscountSchedule.choices)
    discount_rate = models.DecimalField(null=True, blank=True, **FRACTION)  # type: ignore[arg-type]
    ranking_rule = models.CharField(max_length=3)
    preferred = models.CharField(max_length=100)
    risk_percentile = models.PositiveSmallIntegerField(null=True, blank=True)
    risk_iterations = models.PositiveIntegerField(null=True, blank=True)
    risk_seed = models.PositiveBigIntegerField(null=True, blank=True)
    warnings = models.TextField(blank=True, help_text="One warning a line, as shown when it was frozen.")
    notes = models.TextField(blank=True, help_text="One note a line, as shown when it was frozen.")

    def __str__(self) -> str:
        return f"Stored figures of {self.version}"


class FrozenOptionResult(models.Model):
    """One option's figures as frozen."""

    result = models.ForeignKey(FrozenResult, on_delete=models.CASCADE, related_name="options")
    option = models.ForeignKey(AppraisalOption, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    years = models.PositiveSmallIntegerField()
    net_present_cost_gbp = models.DecimalField(**STORED_MONEY)  # type: ignore[arg-type]
    present_value_benefits_gbp = models.DecimalField(**STORED_MONEY)  # type: ignore[arg-type]
    net_present_value_gbp = models.DecimalField(**STORED_MONEY)  # type: ignore[arg-type]
    equivalent_annual_cost_gbp = models.DecimalField(**STORED_MONEY)  # type: ignore[arg-type]
    annuity_equivalent_annual_cost_gbp = models.DecimalField(**STORED_MONEY)  # type: ignore[arg-type]
    optimism_bias = models.DecimalField(max_digits=12, decimal_places=10)
    uplifted_labels = models.TextField(blank=True, help_text="One line label a line.")
    rank = models.PositiveSmallIntegerField()
    rank_by_net_present_cost = models.PositiveSmallIntegerField()
    rank_by_net_present_value = models.PositiveSmallIntegerField()
    rank_by_equivalent_annual_cost = models.PositiveSmallIntegerField()
    risk_expected_value_gbp = models.DecimalField(null=True, blank=True, **STORED_MONEY)  # type: ignore[arg-type]
    risk_present_value_gbp = models.DecimalField(null=True, blank=True, **STORED_MONEY)  # type: ignore[arg-type]
    risk_p_value_gbp = models.DecimalField(null=True, blank=True, **STORED_MONEY)  # type: ignore[arg-type]
    affordability_problem = models.TextField(blank=True)
    affordability_price_base = models.CharField(max_length=10, blank=True)
    affordability_unassessed_years = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering: ClassVar[list[str]] = ["order"]

    def __str__(self) -> str:
        return self.name


class FrozenLineResult(models.Model):
    """A line's present value as frozen."""

    option_result = models.ForeignKey(FrozenOptionResult, on_delete=models.CASCADE, related_name="lines")
    order = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=100)
    kind = models.CharField(max_length=10)
    present_value_gbp = models.DecimalField(**STORED_MONEY)  # type: ignore[arg-type]

    class Meta:
        ordering: ClassVar[list[str]] = ["order"]

    def __str__(self) -> str:
        return f"{self.label}: {self.present_value_gbp}"


class FrozenYearFlow(models.Model):
    """One year of an option's discounted cash flow as frozen, with that year's discount factor."""

    option_result = models.ForeignKey(FrozenOptionResult, on_delete=models.CASCADE, related_name="flows")
    year = models.PositiveSmallIntegerField()
    costs_real_gbp = models.DecimalField(**STORED_MONEY)  # type: ignore[arg-type]
    benefits_real_gbp = models.DecimalField(**STORED_MONEY)  # type: ignore[arg-type]
    discount_factor = models.DecimalField(max_digits=14, decimal_places=12)

    class Meta:
        ordering: ClassVar[list[str]] = ["year"]

    def __str__(self) -> str:
        return f"Year {self.year}"


class FrozenRetainedRisk(models.Model):
    """One risk's part of an option's risk adjustment as frozen."""

    option_result = models.ForeignKey(FrozenOptionResult, on_delete=models.CASCADE, related_name="risks")
    reference = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    retained_share = models.DecimalField(**FRACTION)  # type: ignore[arg-type]
    expected_value_gbp = models.DecimalField(**STORED_MONEY)  # type: ignore[arg-type]
    first_year = models.PositiveSmallIntegerField()
    last_year = models.PositiveSmallIntegerField()
    basis = models.CharField(max_length=300)

    class Meta:
        ordering: ClassVar[list[str]] = ["pk"]

    def __str__(self) -> str:
        return self.reference


class FrozenAffordabilityYear(models.Model):
    """One year of an option's affordability check as frozen."""

    option_result = models.ForeignKey(
        FrozenOptionResult, on_delete=models.CASCADE, related_name="affordability"
    )
    year = models.PositiveSmallIntegerField()
    charge_gbp = models.DecimalField(**STORED_MONEY)  # type: ignore[arg-type]
    budget_gbp = models.DecimalField(**STORED_MONEY)  # type: ignore[arg-type]

    class Meta:
        ordering: ClassVar[list[str]] = ["year"]

    def __str__(self) -> str:
        return f"Year {self.year}"


class FrozenSwitchingValue(models.Model):
    """A switching value as frozen."""

    result = models.ForeignKey(FrozenResult, on_delete=models.CASCADE, related_name="switching_values")
    order = models.PositiveSmallIntegerField()
    option = models.CharField(max_length=100)
    label = models.CharField(max_length=100)
    change = models.DecimalField(max_digits=20, decimal_places=10, null=True, blank=True)
    note = models.TextField()

    class Meta:
        ordering: ClassVar[list[str]] = ["order"]

    def __str__(self) -> str:
        return f"{self.option}: {self.label}"
