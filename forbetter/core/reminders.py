"""Things coming due or overdue, from every area, for one list per user and a daily email digest.

An area whose records fall due (a KPI return, a risk review, a governance or rectification-plan action, a
framework task) declares ``reminders`` on its :class:`~forbetter.core.areas.Area`: a function that, given
a list of partnerships and today's date, returns :class:`Reminder` rows for the open records of those
partnerships whose reminder has started (or may have: :func:`collect` drops any not yet started). Key dates
(recorded by hand and every area's derived ``key_dates``: break points, contract expiry, remedy deadlines,
notice deadlines, the next partnership review) come in through the key-dates area's provider, so a date
offered to the timeline is reminded once.

A provider is called once for all the partnerships of a page or a run and must read them in a fixed number
of queries, whatever their number. This module imports no domain app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings

from forbetter.calc.reminders import ReminderStatus, days_label, reminder_status, stage_of
from forbetter.core.areas import areas


@dataclass(frozen=True)
class Reminder:
    """One open thing with a due date, for one partnership."""

    partnership_id: int
    kind: str
    """What sort of thing it is, a short key (``kpi_return``, ``risk_review``, ``key_date``...)."""
    kind_label: str
    """The kind in words ("KPI return", "Risk review")."""
    record_key: str
    """Which record, stable from one day to the next (``"risk:12"``): with the kind and due date it makes
    the reminder's :attr:`key`."""
    title: str
    due_on: dt.date
    url: str
    remind_from: dt.date | None = None
    """When the reminder starts, if the record says; otherwise ``DUE_SOON_DAYS`` before ``due_on``."""
    council_only: bool = False
    """True if the record is council-confidential: never shown or sent to partner users."""
    concerns_user_id: int | None = None
    """The user the record names as its owner or assignee, if any."""
    detail: str = ""
    """A few words more (who owns it, where the date comes from)."""
    status: ReminderStatus = ReminderStatus.NOT_YET
    partnership_name: str = ""
    when_label: str = ""
    """The due date in words relative to the day asked about ("due in 3 days", "2 days overdue")."""

    @property
    def key(self) -> str:
        """Stable for the same record and due date: a new due date is a new reminder."""
        return f"{self.kind}:{self.record_key}:{self.due_on.isoformat()}"

    @property
    def overdue(self) -> bool:
        return self.status == ReminderStatus.OVERDUE

    @property
    def stage(self) -> str:
        stage = stage_of(self.status)
        return str(stage) if stage else ""


def collect(
    partnerships: Sequence[Any], today: dt.date, *, council: bool = True, soon_days: int | None = None
) -> list[Reminder]:
    """Every area's reminders for ``partnerships`` that have started by ``today``, each with its status and
    partnership name: overdue first (most overdue first), then coming due (soonest first). Council-only
    reminders only if ``council``. Each area's provider's own queries, whatever the number of partnerships."""
    if not partnerships:
        return []
    soon = settings.DUE_SOON_DAYS if soon_days is None else soon_days
    names = {partnership.pk: partnership.name for partnership in partnerships}
    found: list[Reminder] = []
    for area in areas():
        if area.reminders is None:
            continue
        rows: Iterable[Reminder] = area.reminders(partnerships, today)
        for row in rows:
            if row.partnership_id not in names or (row.council_only and not council):
                continue
            status = reminder_status(row.due_on, today, soon, remind_from=row.remind_from)
            if status == ReminderStatus.NOT_YET:
                continue
            found.append(
                replace(
                    row,
                    status=status,
                    partnership_name=names[row.partnership_id],
                    when_label=days_label(row.due_on, today),
                )
            )
    return sorted(found, key=lambda r: (not r.overdue, r.due_on, r.partnership_name, r.kind_label, r.title))


def horizon(today: dt.date, soon_days: int | None = None) -> dt.date:
    """The last due date a provider need read for a reminder that starts ``DUE_SOON_DAYS`` before it."""
    return today + dt.timedelta(days=settings.DUE_SOON_DAYS if soon_days is None else soon_days)
