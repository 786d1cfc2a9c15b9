"""Key dates of a partnership, each with a reminder date.

A key date is a joint record: everyone who sees the partnership reads it (the partner is a party to break
points, insurance and bonds); council editors change it. Dates other records already hold (the contract's
expiry from the partnership's details, say) are not stored here: they are derived for the timeline (see
:mod:`forbetter.core.key_dates`).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from forbetter.calc import key_dates as calc
from forbetter.core.versioning import VersionedModel
from forbetter.partnerships.models import Partnership


class Kind(models.TextChoices):
    BREAK_POINT = calc.BREAK_POINT, "Break point"
    REVIEW_POINT = calc.REVIEW_POINT, "Review point"
    EXTENSION_OPTION = calc.EXTENSION_OPTION, "Extension option"
    NOTICE_DEADLINE = calc.NOTICE_DEADLINE, "Notice deadline"
    INSURANCE_EXPIRY = calc.INSURANCE_EXPIRY, "Insurance expiry"
    BOND_EXPIRY = calc.BOND_EXPIRY, "Bond expiry"
    CONTRACT_EXPIRY = calc.CONTRACT_EXPIRY, "Contract expiry"
    REMEDY_DEADLINE = calc.REMEDY_DEADLINE, "Remedy deadline"
    OTHER = calc.OTHER, "Other"


class Status(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DISMISSED = "dismissed", "Dismissed"


class KeyDate(VersionedModel):
    """A date that matters to the partnership, with when to be reminded of it."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="key_dates")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    falls_on = models.DateField("date", help_text="The date itself: the break, the review, the expiry.")
    title = models.CharField("what it is", max_length=200)
    details = models.TextField(blank=True, help_text="The clause, conditions or anything else to know.")
    owner = models.CharField(
        max_length=200, blank=True, help_text="Who acts on it: a person or a post, on either side."
    )
    remind_on = models.DateField(
        "reminder date", help_text="When to be reminded; by default a lead time set by the kind."
    )
    notice_months = models.PositiveSmallIntegerField(
        "notice period in months",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(calc.MAX_NOTICE_MONTHS)],
        help_text="Break points and extension options only: the notice the contract requires.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_note = models.TextField("note", blank=True, help_text="What was done, or why it was dismissed.")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering: ClassVar[list[str]] = ["falls_on", "pk"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["partnership", "falls_on"], name="keydate_partnership_date"),
            models.Index(fields=["status", "remind_on"], name="keydate_status_reminder"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}, {self.falls_on:%-d %B %Y}"

    @property
    def notice_deadline(self) -> dt.date | None:
        """Rule KEYDATE-NOTICE: the last day to give notice, for a break point or extension option."""
        if self.kind not in calc.WITH_NOTICE or self.falls_on is None:
            return None
        return calc.notice_deadline(self.falls_on, self.notice_months)

    @property
    def closed(self) -> bool:
        return self.status != Status.OPEN
