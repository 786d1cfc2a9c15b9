"""A contract's payment mechanism, relief events, monthly payment statements and the roles register."""

from __future__ import annotations

import calendar
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from forbetter.calc.dates import year_label
from forbetter.core.versioning import VersionedModel
from forbetter.partnerships.models import Partnership
from forbetter.performance.models import Kpi

FRACTION = [MinValueValidator(0), MaxValueValidator(1)]


class ThresholdScope(models.TextChoices):
    ALL_KPIS = "all_kpis", "Every KPI's points, monthly or not"
    MONTHLY_KPIS = "monthly_kpis", "Monthly KPIs' points only (points of quarterly and annual KPIs all count)"


class MissingReturnRule(models.TextChoices):
    PROVISIONAL = "provisional", "Held as provisional: no points now, an adjustment later if it fails"
    FAIL = "fail", "Treated as failed"


class PaymentMechanism(VersionedModel):
    """How the council pays the partner each month, and how performance moves the payment."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="payment_mechanism"
    )
    effective_from = models.DateField(help_text="The first month the mechanism pays for.")
    monthly_charge_gbp = models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    indexed_share = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=0,
        validators=FRACTION,
        help_text="The share of the charge uprated by the index, as a fraction: 0.3 for 30%.",
    )
    index_name = models.CharField(max_length=100, blank=True, help_text="For example CPI or RPIX.")
    index_base = models.DecimalField(
        max_digits=10,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="The index value the charge was priced at.",
    )
    points_threshold = models.PositiveIntegerField(help_text="Points a month that cost nothing.")
    point_value_gbp = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    cap = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=FRACTION,
        help_text="The most that can be deducted in a month, as a fraction of the month's charge: "
        "0.1 for 10%.",
    )
    ratchet_consecutive = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="From this many consecutive failed months of one KPI, its points are multiplied.",
    )
    ratchet_multiplier = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(1)]
    )
    indexation_month = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="The month of the year the indexed share is uprated (1 = January). Blank: the anniversary "
        "month of the first month paid.",
    )
    threshold_scope = models.CharField(
        max_length=20, choices=ThresholdScope.choices, default=ThresholdScope.ALL_KPIS
    )
    missing_return_rule = models.CharField(
        max_length=20, choices=MissingReturnRule.choices, default=MissingReturnRule.PROVISIONAL
    )
    missing_return_points = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Points a KPI with no validated value earns when treated as failed. Blank: its own "
        "severity points.",
    )
    gainshare_baseline_gbp = models.DecimalField(
        "gainshare baseline (£ a year)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="The annual cost savings and overruns are measured against.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Payment mechanism of {self.partnership}"

    @property
    def indexation_month_name(self) -> str:
        """The month the indexed share is uprated each year (rule PAY-INDEX-ANNUAL)."""
        return calendar.month_name[self.indexation_month or self.effective_from.month]


class ChargeChange(models.Model):
    """From ``effective_from`` on, the monthly charge (before indexation) is ``monthly_charge_gbp``: a
    change-control variation, for example. Earlier months keep the charge in force then."""

    mechanism = models.ForeignKey(PaymentMechanism, on_delete=models.CASCADE, related_name="charge_changes")
    effective_from = models.DateField(help_text="The first month the new charge is paid.")
    monthly_charge_gbp = models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    reason = models.CharField(max_length=300, help_text="For example the change-control variation number.")
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["effective_from"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["mechanism", "effective_from"], name="one_charge_change_per_month"
            )
        ]

    def __str__(self) -> str:
        return f"£{self.monthly_charge_gbp:,.2f} a month from {self.effective_from:%B %Y}"


class DeductionBand(models.Model):
    """Points from ``from_point`` to ``to_point`` (blank = no upper end) cost ``multiplier`` x a point."""

    mechanism = models.ForeignKey(PaymentMechanism, on_delete=models.CASCADE, related_name="bands")
    from_point = models.PositiveIntegerField()
    to_point = models.PositiveIntegerField(null=True, blank=True)
    multiplier = models.DecimalField(max_digits=6, decimal_places=3, validators=[MinValueValidator(0)])
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["from_point"]

    def __str__(self) -> str:
        upper = "+" if self.to_point is None else f" to {self.to_point}"
        return f"{self.from_point}{upper} x{self.multiplier}"


class IndexValue(models.Model):
    """The index's value for a month."""

    mechanism = models.ForeignKey(PaymentMechanism, on_delete=models.CASCADE, related_name="index_values")
    month = models.DateField()
    value = models.DecimalField(max_digits=10, decimal_places=4, validators=[MinValueValidator(0)])
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["month"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["mechanism", "month"], name="one_index_value_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.value}"


class ShareKind(models.TextChoices):
    GAIN = "gain", "Gainshare (savings)"
    PAIN = "pain", "Painshare (overruns)"


class ShareBand(models.Model):
    """Savings (gain) or overruns (pain) from ``from_gbp`` to ``to_gbp`` split with ``council_share``."""

    mechanism = models.ForeignKey(PaymentMechanism, on_delete=models.CASCADE, related_name="share_bands")
    kind = models.CharField(max_length=4, choices=ShareKind.choices)
    from_gbp = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    to_gbp = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    council_share = models.DecimalField(max_digits=5, decimal_places=4, validators=FRACTION)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["kind", "from_gbp"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from £{self.from_gbp:,.0f}"


class GainshareYear(models.Model):
    """The partner's actual cost in a financial year (open book), to share against the baseline."""

    mechanism = models.ForeignKey(PaymentMechanism, on_delete=models.CASCADE, related_name="gainshare_years")
    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    actual_cost_gbp = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["year"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["mechanism", "year"], name="one_gainshare_per_year")
        ]

    def __str__(self) -> str:
        return year_label(self.year)


class ReliefEvent(VersionedModel):
    """A KPI failure in a month excused, with the reason and who approved it."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="relief_events")
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="relief_events")
    month = models.DateField(help_text="The month whose failure is excused.")
    reason = models.TextField()
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_on = models.DateField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["-month", "kpi__reference"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["kpi", "month"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_relief_per_kpi_month",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True) | ~models.Q(withdrawal_reason=""),
                name="relief_withdrawal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Relief for {self.kpi.reference}, {self.month:%B %Y}"

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class StatementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved and frozen"


class PaymentStatement(models.Model):
    """One month's payment statement. A draft is recomputed from the validated returns each time it is
    shown; approving it freezes the computed figures and explanation lines, which never change after."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="payment_statements")
    month = models.DateField()
    status = models.CharField(max_length=10, choices=StatementStatus.choices, default=StatementStatus.DRAFT)
    charge_gbp = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    points = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    relieved_points = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    deduction_before_cap_gbp = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    deduction_gbp = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    capped = models.BooleanField(null=True, blank=True)
    payable_gbp = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    lines = models.JSONField(default=list, blank=True, help_text="The explanation lines, frozen on approval.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    adjustment_total_gbp = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="Late failures of frozen months."
    )
    override_reason = models.TextField(
        blank=True, help_text="Why the statement was approved while returns for its month were not validated."
    )
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_at = models.DateTimeField(null=True, blank=True)
    runs_stored = models.BooleanField(
        default=False, help_text="The ratchet state was stored on approval, so later drafts start from it."
    )
    override_pending = models.JSONField(
        default=list, blank=True, help_text="The returns not validated when the override was given, as shown."
    )
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["-month"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["partnership", "month"], name="one_statement_per_month"),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(payable_gbp__isnull=False),
                name="approved_statement_has_figures",
            ),
        ]

    def __str__(self) -> str:
        return f"Payment statement for {self.month:%B %Y}"

    @property
    def frozen(self) -> bool:
        return self.status == StatementStatus.APPROVED


class StatementItem(models.Model):
    """A KPI failure counted (or relieved) in an approved statement, as it stood when it was frozen."""

    statement = models.ForeignKey(PaymentStatement, on_delete=models.CASCADE, related_name="items")
    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="+")
    kpi_label = models.CharField(max_length=250)
    value = models.DecimalField(
        max_digits=14, decimal_places=4, null=True, blank=True, help_text="Blank: no validated value."
    )
    target = models.DecimalField(max_digits=14, decimal_places=4)
    points = models.PositiveIntegerField()
    relieved = models.BooleanField(default=False)
    relief_reason = models.TextField(blank=True)
    deemed = models.BooleanField(
        default=False, help_text="No validated value by the statement date: treated as failed by the rule."
    )
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["kpi_label"]

    def __str__(self) -> str:
        return f"{self.kpi_label}: {self.points} points"


class StatementAdjustment(models.Model):
    """A failure of an earlier, frozen month deducted in this statement (rule PAY-LATE-ADJUSTMENT)."""

    statement = models.ForeignKey(PaymentStatement, on_delete=models.CASCADE, related_name="adjustments")
    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="+")
    kpi_label = models.CharField(max_length=250)
    original_month = models.DateField(help_text="The frozen month the failure belongs to.")
    points = models.DecimalField(max_digits=12, decimal_places=4)
    amount_gbp = models.DecimalField(max_digits=14, decimal_places=2)
    validated_on = models.DateField(
        help_text="When the failure became known (validated, or relief withdrawn)."
    )
    reason = models.CharField(max_length=300)
    line = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["original_month", "kpi_label"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["kpi", "original_month"], name="one_adjustment_per_kpi_month")
        ]

    def __str__(self) -> str:
        return f"Adjustment for {self.kpi_label}, {self.original_month:%B %Y}"


class RatchetRun(models.Model):
    """A KPI's ratchet state when a statement was approved: failed ``run`` periods running, the last
    assessed in ``last_period``. The next draft carries on from it instead of recomputing from the start."""

    statement = models.ForeignKey(PaymentStatement, on_delete=models.CASCADE, related_name="ratchet_runs")
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="+")
    run = models.PositiveSmallIntegerField()
    last_period = models.DateField()

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["statement", "kpi"], name="one_ratchet_run_per_statement_kpi")
        ]

    def __str__(self) -> str:
        return f"{self.kpi_id}: {self.run} running to {self.last_period:%Y-%m}"


class Responsibility(VersionedModel):
    """Who is responsible, accountable, consulted and informed for one obligation of the contract."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="responsibilities")
    obligation = models.CharField(max_length=300)
    clause_reference = models.CharField("contract clause", max_length=100, blank=True)
    responsible = models.CharField(max_length=200, help_text="Who does the work.")
    accountable = models.CharField(max_length=200, help_text="The one person or body who answers for it.")
    consulted = models.CharField(max_length=300, blank=True, help_text="Whose views are sought before.")
    informed = models.CharField(max_length=300, blank=True, help_text="Who is told after.")
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["clause_reference", "obligation"]
        verbose_name_plural = "responsibilities"

    def __str__(self) -> str:
        return self.obligation
