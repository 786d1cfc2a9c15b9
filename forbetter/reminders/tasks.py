"""Background task of the reminders area, so a scheduler can queue the daily digest (``make worker`` runs
it); ``manage.py send_reminders`` does the same from cron."""

from __future__ import annotations

import datetime as dt

from django_tasks import task


@task()
def send_reminders_task(today: str | None = None, dry_run: bool = False) -> int:
    """Send the reminder digests for ``today`` (ISO date; the local date if not given); returns how many
    emails were sent (or would be, if ``dry_run``)."""
    from django.utils import timezone

    from forbetter.reminders.services import send_reminders

    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    return len(send_reminders(today=day, dry_run=dry_run))
