"""Reporting periods of KPIs: months, quarters and financial years, each stored as the date it starts.

A monthly KPI reports every calendar month; a quarterly one for the quarters of the financial year (starting
April, July, October and January); an annual one for the financial year (starting April). A period is
stored as the first day of its first month, so "the quarter July to September 2024" is 2024-07-01.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator

from dateutil.relativedelta import relativedelta

from forbetter.calc.dates import year_label

MONTHS_IN = {"monthly": 1, "quarterly": 3, "annual": 12}
_PERIOD_TEXT = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


class PeriodError(ValueError):
    """A period that is not a valid reporting period; the message says why in plain words."""


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def parse_month(text: str) -> dt.date:
    """'2024-04' as the date 2024-04-01; anything else is a :class:`PeriodError`."""
    match = _PERIOD_TEXT.match(text or "")
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise PeriodError("Enter the period as a year and month, for example 2024-04")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def month_key(period: dt.date) -> str:
    """The period in the engine's ``YYYY-MM`` form."""
    return f"{period.year:04d}-{period.month:02d}"


def period_end(period: dt.date, frequency: str) -> dt.date:
    """The last day of the period that starts on ``period``."""
    last_month = period + relativedelta(months=MONTHS_IN[frequency] - 1)
    return last_month.replace(day=calendar.monthrange(last_month.year, last_month.month)[1])


def last_month_of(period: dt.date, frequency: str) -> dt.date:
    """The first day of the period's last month: the month in which the period is assessed for payment."""
    return period + relativedelta(months=MONTHS_IN[frequency] - 1)


def is_period_start(period: dt.date, frequency: str) -> bool:
    """Quarters start in April, July, October and January; financial years in April."""
    if period.day != 1:
        return False
    if frequency == "quarterly":
        return period.month in (1, 4, 7, 10)
    if frequency == "annual":
        return period.month == 4
    return True


def period_label(period: dt.date, frequency: str = "monthly") -> str:
    """'April 2024', 'Apr to Jun 2024' or '2024/25'."""
    if frequency == "annual":
        return year_label(period.year)
    if frequency == "quarterly":
        end = last_month_of(period, frequency)
        return f"{period:%b} to {end:%b %Y}"
    return f"{period:%B %Y}"


def frequency_rule(frequency: str) -> str:
    if frequency == "quarterly":
        return "quarters start in January, April, July and October"
    if frequency == "annual":
        return "financial years start in April"
    return "any month"


def months(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    """Every month from ``first`` to ``last`` inclusive (both first days of months)."""
    month = month_start(first)
    while month <= last:
        yield month
        month += relativedelta(months=1)


def financial_year_label(year: int) -> str:
    return f"April {year} to March {year + 1}"
