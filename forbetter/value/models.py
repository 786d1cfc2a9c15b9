"""Market testing of what the partner buys on the council's behalf (framework action C-VFM-4).

A purchasing category is something the partner buys for the council (road materials, say), with the annual
spend and volume; each market test compares the partner's price per unit with quotes from the market. The
saving or overpayment is computed from these inputs (:mod:`forbetter.calc.market_testing`), never stored.

Council-confidential: the tests judge the partner's prices (decision record 0028). Money is ``Decimal``
pounds; prices per unit have up to 4 decimal places.
"""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from forbetter.core.versioning import VersionedModel
from forbetter.partnerships.models import Partnership

POSITIVE = [MinValueValidator(0)]


class PurchasingCategory(VersionedModel):
    """Something the partner buys on the council's behalf, with how much a year."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="purchasing_categories"
    )
    name = models.CharField(max_length=200, help_text="What is bought, for example road surfacing materials.")
    description = models.TextField(blank=True)
    annual_spend_gbp = models.DecimalField(
        max_digits=14, decimal_places=2, validators=POSITIVE, help_text="What the council pays for it a year."
    )
    unit = models.CharField(max_length=60, help_text="What one is: tonne, hour, licence.")
    annual_volume = models.DecimalField(
        max_digits=14, decimal_places=2, validators=POSITIVE, help_text="How many units a year."
    )
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]
        verbose_name_plural = "purchasing categories"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["partnership", "name"], name="one_purchasing_category_per_name")
        ]

    def __str__(self) -> str:
        return self.name


class PriceMethod(models.TextChoices):
    QUOTES = "quotes", "Quotes from suppliers"
    TENDER = "tender", "A tender"
    BENCHMARK = "benchmark", "Benchmark prices"
    CATALOGUE = "catalogue", "A framework or catalogue price list"


class Comparator(models.TextChoices):
    LOWEST = "lowest", "The lowest quote"
    MEDIAN = "median", "The median of the quotes"


class MarketTest(VersionedModel):
    """One test of a category's price against the market, with its quotes."""

    category = models.ForeignKey(PurchasingCategory, on_delete=models.CASCADE, related_name="tests")
    tested_on = models.DateField()
    method = models.CharField(max_length=20, choices=PriceMethod.choices)
    partner_price_gbp = models.DecimalField(
        max_digits=14, decimal_places=4, validators=POSITIVE, help_text="The partner's price per unit."
    )
    comparator = models.CharField(max_length=10, choices=Comparator.choices, default=Comparator.LOWEST)
    findings = models.TextField(blank=True, help_text="What the test found and what follows.")
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["-tested_on", "-pk"]

    def __str__(self) -> str:
        return f"Market test of {self.category}, {self.tested_on:%-d %B %Y}"


class MarketQuote(models.Model):
    """A supplier's price per unit in a market test. Replaced as a set when the test is changed."""

    test = models.ForeignKey(MarketTest, on_delete=models.CASCADE, related_name="quotes")
    supplier = models.CharField(max_length=200)
    price_gbp = models.DecimalField(max_digits=14, decimal_places=4, validators=POSITIVE)
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["price_gbp", "supplier"]

    def __str__(self) -> str:
        return f"{self.supplier}: £{self.price_gbp}"
