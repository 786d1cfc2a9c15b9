"""Calendar rules the engine and the app share: financial years (April to March), their labels, whole
months added to a date, and a date in words. One definition each, so a financial year or "a month later"
cannot mean two things in two places.
"""

from __future__ import annotations

import calendar
import datetime as dt

from forbetter.calc.errors import InputError


def financial_year(day: dt.date) -> int:
    """The calendar year a date's financial year (April to March) starts in.

    >>> financial_year(dt.date(2026, 3, 31)), financial_year(dt.date(2026, 4, 1))
    (2025, 2026)
    """
    return day.year if day.month >= 4 else day.year - 1


def year_label(year: int) -> str:
    """A financial year, by the year it starts in, as it is written: 2025 is '2025/26'.

    >>> year_label(2025), year_label(1999)
    ('2025/26', '1999/00')
    """
    return f"{year}/{(year + 1) % 100:02d}"


def add_months(day: dt.date, months: int) -> dt.date:
    """Rule KEYDATE-MONTHS: ``day`` moved by whole ``months`` (negative for earlier), clamped to month end.

    >>> add_months(dt.date(2024, 1, 31), 1), add_months(dt.date(2023, 8, 31), -6)
    (datetime.date(2024, 2, 29), datetime.date(2023, 2, 28))
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise InputError("months", f"moving {day.isoformat()} by {months} months leaves the calendar")
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def long_date(day: dt.date) -> str:
    """A date in words, without a leading zero.

    >>> long_date(dt.date(2026, 3, 5))
    '5 March 2026'
    """
    return f"{day.day} {day:%B %Y}"
