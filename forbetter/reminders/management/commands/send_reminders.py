"""``manage.py send_reminders [--date YYYY-MM-DD] [--dry-run]``: email each user one digest of their
reminders that are new to them (overdue and coming due); run it once a day from cron."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from forbetter.calc.dates import long_date
from forbetter.reminders.services import send_reminders


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--date: enter the date as YYYY-MM-DD, for example 2026-05-01, not {text!r}"
        ) from None


class Command(BaseCommand):
    help = (
        "Email each user one digest of the reminders newly due or overdue in the partnerships they see "
        "(each reminder once per stage; users who turned the email off are skipped)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="The day to remind for, YYYY-MM-DD (default: today).")
        parser.add_argument("--dry-run", action="store_true", help="Say who would get what; send nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = _date(options["date"]) if options["date"] else timezone.localdate()
        dry_run = bool(options["dry_run"])
        digests = send_reminders(today=today, dry_run=dry_run)
        verb = "Would send" if dry_run else "Sent"
        for digest in digests:
            self.stdout.write(
                f"{verb} to {digest.user.email}: {len(digest.overdue)} overdue, "
                f"{len(digest.coming_due)} coming due"
            )
        self.stdout.write(
            f"{verb} {len(digests)} reminder email{'s' if len(digests) != 1 else ''} for {long_date(today)}."
        )
