"""The shared calendar rules: financial years and their labels, whole months added, dates in words."""

from __future__ import annotations

import datetime as dt
import doctest

import pytest

from forbetter.calc import dates
from forbetter.calc.errors import InputError


def test_doctests() -> None:
    assert doctest.testmod(dates).failed == 0


@pytest.mark.parametrize(
    ("day", "year", "label"),
    [
        (dt.date(2026, 3, 31), 2025, "2025/26"),
        (dt.date(2026, 4, 1), 2026, "2026/27"),
        (dt.date(1999, 12, 31), 1999, "1999/00"),
    ],
)
def test_a_financial_year_runs_april_to_march(day: dt.date, year: int, label: str) -> None:
    assert dates.financial_year(day) == year
    assert dates.year_label(dates.financial_year(day)) == label


def test_months_are_added_within_the_calendar_and_clamped_to_the_month_end() -> None:
    assert dates.add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert dates.add_months(dt.date(2025, 1, 31), 13) == dt.date(2026, 2, 28)
    assert dates.add_months(dt.date(2025, 3, 31), -1) == dt.date(2025, 2, 28)
    with pytest.raises(InputError):
        dates.add_months(dt.date(9999, 12, 1), 1)
