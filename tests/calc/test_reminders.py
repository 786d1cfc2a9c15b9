"""Rule REMINDER-STATUS: when an open item with a due date is coming due, due or overdue."""

from __future__ import annotations

import datetime as dt
import doctest

import pytest

from forbetter.calc import reminders
from forbetter.calc.reminders import ReminderStatus, Stage, reminder_status, stage_of

DUE = dt.date(2026, 5, 15)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2026, 4, 30), ReminderStatus.NOT_YET),  # 15 days before: not yet
        (dt.date(2026, 5, 1), ReminderStatus.COMING_DUE),  # 14 days before: the reminder starts
        (dt.date(2026, 5, 14), ReminderStatus.COMING_DUE),
        (dt.date(2026, 5, 15), ReminderStatus.DUE),
        (dt.date(2026, 5, 16), ReminderStatus.OVERDUE),
        (dt.date(2027, 1, 1), ReminderStatus.OVERDUE),
    ],
)
def test_reminder_status_with_the_default_lead_time(today: dt.date, expected: ReminderStatus) -> None:
    assert reminder_status(DUE, today, 14) == expected


def test_reminder_status_uses_the_records_own_reminder_date() -> None:
    remind = dt.date(2026, 2, 1)
    assert reminder_status(DUE, dt.date(2026, 1, 31), 14, remind_from=remind) == ReminderStatus.NOT_YET
    assert reminder_status(DUE, remind, 14, remind_from=remind) == ReminderStatus.COMING_DUE
    # A reminder date after the due date cannot hold the reminder back past the due date.
    assert reminder_status(DUE, DUE, 14, remind_from=dt.date(2026, 6, 1)) == ReminderStatus.DUE


def test_zero_lead_time_means_due_on_the_day_only() -> None:
    assert reminder_status(DUE, DUE - dt.timedelta(days=1), 0) == ReminderStatus.NOT_YET
    assert reminder_status(DUE, DUE, 0) == ReminderStatus.DUE


def test_negative_lead_time_is_refused() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        reminder_status(DUE, DUE, -1)


def test_email_stages() -> None:
    assert stage_of(ReminderStatus.COMING_DUE) == Stage.COMING_DUE
    assert stage_of(ReminderStatus.DUE) == Stage.COMING_DUE
    assert stage_of(ReminderStatus.OVERDUE) == Stage.OVERDUE
    assert stage_of(ReminderStatus.NOT_YET) is None


def test_docstring_examples() -> None:
    outcome = doctest.testmod(reminders)
    assert outcome.failed == 0
    assert outcome.attempted >= 14
