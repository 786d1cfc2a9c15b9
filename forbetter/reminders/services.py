"""Writes of reminders: a user's email choice (with history) and the daily digest run.

The digest (``manage.py send_reminders``, or the task :func:`forbetter.reminders.tasks.send_reminders_task`)
works out every partnership's reminders once, then for each active user who has not turned the email off
sends one email listing the reminders of the partnerships they see (never council-only ones to partner users)
that they have not been sent before at the same stage (coming due, then overdue). What was sent is recorded
in :class:`~forbetter.reminders.models.ReminderSent`, in the same transaction as the sending, so a second run
the same day sends nothing new.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from forbetter.accounts.models import User
from forbetter.accounts.permissions import can_see_confidential
from forbetter.core.history import save_as
from forbetter.core.reminders import Reminder, collect
from forbetter.partnerships.models import Partnership
from forbetter.partnerships.selectors import partnerships_visible_to
from forbetter.reminders.models import ReminderPreference, ReminderSent
from forbetter.reminders.selectors import preference_of


def preference_save(*, user: Any, email_digest: bool) -> ReminderPreference:
    """Turn the user's reminder email on or off; the change is kept in the preference's history."""
    with transaction.atomic():
        preference = preference_of(user)
        if preference.pk is not None and preference.email_digest == email_digest:
            return preference
        preference.email_digest = email_digest
        save_as(preference, user, "Reminder email turned " + ("on" if email_digest else "off"))
        return preference


@dataclass(frozen=True)
class Digest:
    """One user's email: the reminders new to them at their stage."""

    user: Any
    reminders: list[Reminder]

    @property
    def overdue(self) -> list[Reminder]:
        return [r for r in self.reminders if r.overdue]

    @property
    def coming_due(self) -> list[Reminder]:
        return [r for r in self.reminders if not r.overdue]

    @property
    def subject(self) -> str:
        parts = []
        if self.overdue:
            parts.append(f"{len(self.overdue)} overdue")
        if self.coming_due:
            parts.append(f"{len(self.coming_due)} coming due")
        return "ForBetter reminders: " + " and ".join(parts)


def digests(today: dt.date) -> list[Digest]:
    """Each active user's unsent reminders on ``today``, for users with an email address who have not
    turned the email off; users with nothing new are left out. Reads every partnership's reminders once
    (each area's provider's queries), then one query per user for the partnerships they see."""
    partnerships = list(Partnership.objects.order_by("name"))
    everything = collect(partnerships, today, council=True)
    if not everything:
        return []
    keys = {reminder.key for reminder in everything}
    sent = set(
        ReminderSent.objects.filter(reminder_key__in=keys).values_list("user_id", "reminder_key", "stage")
    )
    opted_out = set(ReminderPreference.objects.filter(email_digest=False).values_list("user_id", flat=True))
    found = []
    users = User.objects.filter(is_active=True).exclude(email="").exclude(pk__in=opted_out).order_by("email")
    for user in users:
        visible = set(partnerships_visible_to(user).values_list("pk", flat=True))
        council = can_see_confidential(user)
        mine = [
            reminder
            for reminder in everything
            if reminder.partnership_id in visible
            and (council or not reminder.council_only)
            and (user.pk, reminder.key, reminder.stage) not in sent
        ]
        if mine:
            found.append(Digest(user=user, reminders=mine))
    return found


def _send(digest: Digest, today: dt.date) -> None:
    context = {
        "digest": digest,
        "today": today,
        "site_url": settings.SITE_URL,
        "user": digest.user,
    }
    body = render_to_string("reminders/email.txt", context)
    with transaction.atomic():
        now = timezone.now()
        ReminderSent.objects.bulk_create(
            [
                ReminderSent(user=digest.user, reminder_key=r.key, stage=r.stage, sent_at=now)
                for r in digest.reminders
            ],
            ignore_conflicts=True,
        )
        # Sent last, inside the transaction: if sending fails, nothing is recorded and the next run retries.
        send_mail(digest.subject, body, None, [digest.user.email], fail_silently=False)


def send_reminders(*, today: dt.date, dry_run: bool = False) -> list[Digest]:
    """Send each user their digest for ``today`` (none if ``dry_run``); returns the digests."""
    found = digests(today)
    if not dry_run:
        for digest in found:
            _send(digest, today)
    return found
