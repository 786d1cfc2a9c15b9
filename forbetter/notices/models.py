"""Invoices received under a partnership's contract (for the payments compliance figures) and the record of
each Procurement Act 2023 notice published on Find a Tender.

Money is ``Decimal`` in pounds (fields end ``_gbp``). Invoices and unpublished notices are the council's
(partner users see published notices only, decision record 0032).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from forbetter.calc.dates import long_date
from forbetter.calc.notice_calendar import TITLES, Notice
from forbetter.core.versioning import VersionedModel
from forbetter.partnerships.models import Partnership

NOTICE_CHOICES = [(notice.value, f"{notice.value} {TITLES[notice]}") for notice in Notice]


class Invoice(VersionedModel):
    """One invoice from the partner: when it was received and when the council paid it."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="invoices")
    reference = models.CharField(max_length=60, help_text="The partner's invoice number.")
    amount_gbp = models.DecimalField("amount (£)", max_digits=14, decimal_places=2)
    received_on = models.DateField(
        "date received", help_text="The day the council received the invoice (or the invoice's date)."
    )
    paid_on = models.DateField("date paid", null=True, blank=True, help_text="Leave blank until it is paid.")
    payment_statement = models.ForeignKey(
        "payments.PaymentStatement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The monthly payment statement the invoice is for, if any.",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["-received_on", "-pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["partnership", "reference"], name="one_invoice_per_reference"),
            models.CheckConstraint(condition=models.Q(amount_gbp__gt=0), name="invoice_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(paid_on__isnull=True) | models.Q(paid_on__gte=models.F("received_on")),
                name="invoice_paid_after_received",
            ),
        ]

    def __str__(self) -> str:
        return f"Invoice {self.reference}"

    @property
    def days_to_pay(self) -> int | None:
        """Days from receipt to payment (rule PA23-S69-DAYS), or ``None`` while unpaid."""
        return (self.paid_on - self.received_on).days if self.paid_on else None


class Publication(models.Model):
    """A notice published on Find a Tender: which one (type and occurrence), when, and its identifier.

    A contract change notice is recorded on its change request instead (``changes``), so it is not typed
    twice."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="notice_publications")
    notice = models.CharField(max_length=5, choices=NOTICE_CHOICES)
    key = models.CharField(
        max_length=30, help_text="Which occurrence: the date the notice rests on (contract, year or period)."
    )
    published_on = models.DateField("date published")
    notice_id = models.CharField(
        "Find a Tender notice identifier", max_length=100, help_text="For example 012345-2026."
    )
    url = models.URLField("link to the notice", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["published_on", "pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["partnership", "notice", "key"], name="one_publication_per_notice"
            )
        ]

    def __str__(self) -> str:
        return f"{self.notice} {self.key} published {long_date(self.published_on)}"
