"""What each user chose about reminder emails, and which reminders each user has been sent.

The reminders themselves are not stored: every area works them out from its own records when asked (see
:mod:`forbetter.core.reminders`), so a reminder disappears the moment its record is done.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from forbetter.calc.reminders import Stage


class ReminderPreference(models.Model):
    """A user's choice about the daily reminder email (no row: they get it)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    email_digest = models.BooleanField(
        "send me the reminders email",
        default=True,
        help_text="One email a day at most, listing what has newly come due or become overdue.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Reminder emails for {self.user}: {'on' if self.email_digest else 'off'}"


class ReminderSent(models.Model):
    """One reminder emailed to one user at one stage, so the same reminder is never sent twice at a stage."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reminder_key = models.CharField(
        max_length=300, help_text="The reminder's kind, record and due date (a new due date is a new one)."
    )
    stage = models.CharField(
        max_length=20, choices=[(Stage.COMING_DUE, "Coming due"), (Stage.OVERDUE, "Overdue")]
    )
    sent_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["-sent_at", "pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["user", "reminder_key", "stage"], name="one_reminder_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.reminder_key} ({self.stage}) to {self.user_id}"
