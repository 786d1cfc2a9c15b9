"""Key dates of a partnership: month arithmetic, notice deadlines, default reminders and each date's state
(no Django).

====================  ==================================================================================
rule                  what it says
====================  ==================================================================================
KEYDATE-MONTHS        adding or taking away whole months keeps the day of the month, or, where the month
                      is shorter, falls on its last day (31 August less 6 months is 28 February, or 29th
                      in a leap year); a year is twelve months
KEYDATE-NOTICE        the last day to give notice of a break or an extension is the date itself less the
                      notice period in months (a break on 31 March 2030 with 6 months' notice: notice by
                      30 September 2029)
KEYDATE-REMINDER      the default reminder date depends on the kind: for a break point or an extension
                      option, three months before the last day to give notice (so there is time to decide
                      before notice is due); without a notice period, and for the others, a fixed lead
                      time before the date (:data:`LEAD_MONTHS`); a reminder may be changed, but never
                      set after the date itself
KEYDATE-CONTRACT-END  a contract of ``term`` years starting on ``start`` expires the day before the same
                      day ``term`` years later (1 April 2020 for 12 years: 31 March 2032; 1 March 2023 for
                      one year: 29 February 2024); a start on 29 February with no such day in the last
                      year ends on 28 February; the longest extension ends likewise ``term + extension``
                      years after the start
KEYDATE-STATE         a date marked done or dismissed is closed; otherwise, before today it is past; from
                      its reminder date to the date itself, its reminder is due; before that, upcoming.
                      The next date is the earliest one from today on that is not closed
====================  ==================================================================================
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum

from forbetter.calc.dates import add_months
from forbetter.calc.errors import InputError

BREAK_POINT = "break_point"
REVIEW_POINT = "review_point"
EXTENSION_OPTION = "extension_option"
NOTICE_DEADLINE = "notice_deadline"
INSURANCE_EXPIRY = "insurance_expiry"
BOND_EXPIRY = "bond_expiry"
CONTRACT_EXPIRY = "contract_expiry"
REMEDY_DEADLINE = "remedy_deadline"
OTHER = "other"

WITH_NOTICE = frozenset({BREAK_POINT, EXTENSION_OPTION})
"""Kinds that have a notice period, from which the last day to give notice is worked out."""

DECISION_MONTHS = 3
"""Months before the last day to give notice that the reminder falls, by default (rule KEYDATE-REMINDER)."""

LEAD_MONTHS: dict[str, int] = {
    BREAK_POINT: 12,
    EXTENSION_OPTION: 12,
    REVIEW_POINT: 3,
    NOTICE_DEADLINE: 1,
    INSURANCE_EXPIRY: 2,
    BOND_EXPIRY: 2,
    CONTRACT_EXPIRY: 24,
    REMEDY_DEADLINE: 1,
    OTHER: 1,
}
"""Default months between the reminder and the date, by kind, where no notice period decides it: renewing
insurance or a bond takes weeks; re-procuring or bringing a service back in house at expiry takes years."""

MAX_NOTICE_MONTHS = 60


class State(StrEnum):
    CLOSED = "closed"
    PAST = "past"
    REMINDER_DUE = "reminder_due"
    UPCOMING = "upcoming"


def notice_deadline(falls_on: dt.date, notice_months: int | None) -> dt.date | None:
    """Rule KEYDATE-NOTICE: the last day to give notice, or ``None`` without a notice period.

    >>> notice_deadline(dt.date(2030, 3, 31), 6)
    datetime.date(2029, 9, 30)
    """
    if notice_months is None:
        return None
    if notice_months < 0 or notice_months > MAX_NOTICE_MONTHS:
        raise InputError("notice_months", f"a notice period must be 0 to {MAX_NOTICE_MONTHS} months")
    return add_months(falls_on, -notice_months)


def default_reminder(kind: str, falls_on: dt.date, notice_months: int | None = None) -> dt.date:
    """Rule KEYDATE-REMINDER: when to be reminded of a key date unless someone chooses otherwise.

    >>> default_reminder("break_point", dt.date(2030, 3, 31), 6)
    datetime.date(2029, 6, 30)
    >>> default_reminder("insurance_expiry", dt.date(2026, 4, 30))
    datetime.date(2026, 2, 28)
    """
    deadline = notice_deadline(falls_on, notice_months) if kind in WITH_NOTICE else None
    if deadline is not None:
        return add_months(deadline, -DECISION_MONTHS)
    return add_months(falls_on, -LEAD_MONTHS.get(kind, LEAD_MONTHS[OTHER]))


def contract_end(start: dt.date, years: int) -> dt.date:
    """Rule KEYDATE-CONTRACT-END: the last day of ``years`` years from ``start``.

    >>> contract_end(dt.date(2020, 4, 1), 12), contract_end(dt.date(2024, 2, 29), 1)
    (datetime.date(2032, 3, 31), datetime.date(2025, 2, 28))
    """
    if years < 1:
        raise InputError("years", "a term must be at least one year")
    anniversary = add_months(start, 12 * years)
    if anniversary.day != start.day:  # 29 February with no 29th in the anniversary year
        return anniversary
    return anniversary - dt.timedelta(days=1)


def state(falls_on: dt.date, remind_on: dt.date | None, today: dt.date, *, closed: bool = False) -> State:
    """Rule KEYDATE-STATE for one date.

    >>> state(dt.date(2026, 5, 1), dt.date(2026, 4, 1), dt.date(2026, 4, 10)).value
    'reminder_due'
    """
    if closed:
        return State.CLOSED
    if falls_on < today:
        return State.PAST
    if remind_on is not None and remind_on <= today:
        return State.REMINDER_DUE
    return State.UPCOMING


def next_index(dates: Sequence[tuple[dt.date, bool]], today: dt.date) -> int | None:
    """Rule KEYDATE-STATE: the position of the next date (``(date, closed)`` pairs), the earliest from today
    on that is not closed; ``None`` if there is none. Ties go to the first listed.

    >>> next_index([(dt.date(2026, 1, 1), False), (dt.date(2026, 6, 1), True), (dt.date(2026, 7, 1), False)],
    ...            dt.date(2026, 3, 1))
    2
    """
    best: int | None = None
    for index, (day, closed) in enumerate(dates):
        if closed or day < today:
            continue
        if best is None or day < dates[best][0]:
            best = index
    return best


def window_end(today: dt.date, window: str) -> dt.date | None:
    """The last day a portfolio window covers: ``"90"`` days, a ``"year"`` (twelve months) or ``"all"``
    (no end).

    >>> window_end(dt.date(2026, 1, 1), "90"), window_end(dt.date(2024, 2, 29), "year")
    (datetime.date(2026, 4, 1), datetime.date(2025, 2, 28))
    """
    if window == "90":
        return today + dt.timedelta(days=90)
    if window == "year":
        return add_months(today, 12)
    if window == "all":
        return None
    raise InputError("window", "choose the next 90 days, the next year or all dates")
