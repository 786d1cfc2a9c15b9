"""When something with a due date needs a reminder: coming due, due today or overdue (rule REMINDER-STATUS).

A reminder starts on its *reminder date*: the date the record sets itself (a key date's "remind me on"), or,
if it sets none, ``soon_days`` before the due date (the ``DUE_SOON_DAYS`` setting, two weeks). From then until
the day before the due date the thing is *coming due*; on the due date it is *due*; from the day after, while
it is still open, it is *overdue*. Before the reminder date there is nothing to say yet.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from forbetter.calc.errors import InputError


class ReminderStatus(StrEnum):
    NOT_YET = "not_yet"
    COMING_DUE = "coming_due"
    DUE = "due"
    OVERDUE = "overdue"


class Stage(StrEnum):
    """The two moments a reminder email is sent at most once each: as it comes due, and once overdue."""

    COMING_DUE = "coming_due"
    OVERDUE = "overdue"


def _check(soon_days: int) -> None:
    if soon_days < 0:
        raise InputError("soon_days", "The number of days before a due date must not be negative")


def reminder_starts(due: dt.date, *, remind_from: dt.date | None = None, soon_days: int) -> dt.date:
    """The first day of the reminder: ``remind_from`` if given (never after ``due``), else ``soon_days``
    before ``due``.

    >>> reminder_starts(dt.date(2026, 5, 15), soon_days=14)
    datetime.date(2026, 5, 1)
    >>> reminder_starts(dt.date(2026, 5, 15), remind_from=dt.date(2026, 2, 15), soon_days=14)
    datetime.date(2026, 2, 15)
    >>> reminder_starts(dt.date(2026, 5, 15), remind_from=dt.date(2026, 6, 1), soon_days=14)
    datetime.date(2026, 5, 15)
    """
    _check(soon_days)
    if remind_from is not None:
        return min(remind_from, due)
    return due - dt.timedelta(days=soon_days)


def reminder_status(
    due: dt.date, today: dt.date, soon_days: int, *, remind_from: dt.date | None = None
) -> ReminderStatus:
    """Where an open item due on ``due`` stands on ``today`` (rule REMINDER-STATUS).

    >>> due = dt.date(2026, 5, 15)
    >>> reminder_status(due, dt.date(2026, 4, 30), 14)
    <ReminderStatus.NOT_YET: 'not_yet'>
    >>> reminder_status(due, dt.date(2026, 5, 1), 14)
    <ReminderStatus.COMING_DUE: 'coming_due'>
    >>> reminder_status(due, dt.date(2026, 5, 15), 14)
    <ReminderStatus.DUE: 'due'>
    >>> reminder_status(due, dt.date(2026, 5, 16), 14)
    <ReminderStatus.OVERDUE: 'overdue'>
    >>> reminder_status(due, dt.date(2026, 3, 1), 14, remind_from=dt.date(2026, 2, 15))
    <ReminderStatus.COMING_DUE: 'coming_due'>
    """
    _check(soon_days)
    if today > due:
        return ReminderStatus.OVERDUE
    if today == due:
        return ReminderStatus.DUE
    if today >= reminder_starts(due, remind_from=remind_from, soon_days=soon_days):
        return ReminderStatus.COMING_DUE
    return ReminderStatus.NOT_YET


def stage_of(status: ReminderStatus) -> Stage | None:
    """The email stage of a status: coming due and due today share the first; overdue is the second.

    >>> stage_of(ReminderStatus.DUE)
    <Stage.COMING_DUE: 'coming_due'>
    >>> stage_of(ReminderStatus.NOT_YET) is None
    True
    """
    if status == ReminderStatus.OVERDUE:
        return Stage.OVERDUE
    if status in (ReminderStatus.COMING_DUE, ReminderStatus.DUE):
        return Stage.COMING_DUE
    return None


def days_label(due: dt.date, today: dt.date) -> str:
    """The due date in words relative to today.

    >>> days_label(dt.date(2026, 5, 15), dt.date(2026, 5, 12))
    'due in 3 days'
    >>> days_label(dt.date(2026, 5, 15), dt.date(2026, 5, 15))
    'due today'
    >>> days_label(dt.date(2026, 5, 15), dt.date(2026, 5, 16))
    '1 day overdue'
    """
    gap = (due - today).days
    if gap == 0:
        return "due today"
    if gap > 0:
        return f"due in {gap} day{'s' if gap != 1 else ''}"
    return f"{-gap} day{'s' if gap != -1 else ''} overdue"
