"""Rules KEYDATE-MONTHS, KEYDATE-NOTICE, KEYDATE-REMINDER, KEYDATE-CONTRACT-END and KEYDATE-STATE
(forbetter.calc.key_dates): month arithmetic at month ends and in leap years, with worked examples."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forbetter.calc import key_dates as calc
from forbetter.calc.errors import InputError

D = dt.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year: clamped to the 29th
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2023, 8, 31), -6, D(2023, 2, 28)),
        (D(2024, 8, 31), -6, D(2024, 2, 29)),
        (D(2024, 3, 31), -1, D(2024, 2, 29)),
        (D(2024, 5, 31), 1, D(2024, 6, 30)),
        (D(2024, 12, 15), 1, D(2025, 1, 15)),
        (D(2025, 1, 15), -1, D(2024, 12, 15)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2030, 3, 31), 0, D(2030, 3, 31)),
    ],
)
def test_months_keep_the_day_or_fall_on_the_month_end(day: dt.date, months: int, expected: dt.date) -> None:
    assert calc.add_months(day, months) == expected


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2100, 12, 31)), st.integers(-240, 240))
def test_adding_months_moves_the_month_exactly_and_never_past_its_end(day: dt.date, months: int) -> None:
    moved = calc.add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == day.day or moved.day < day.day


def test_the_notice_deadline_is_the_date_less_the_notice_period() -> None:
    assert calc.notice_deadline(D(2030, 3, 31), 6) == D(2029, 9, 30)
    assert calc.notice_deadline(D(2028, 8, 31), 6) == D(2028, 2, 29)
    assert calc.notice_deadline(D(2030, 3, 31), 0) == D(2030, 3, 31)
    assert calc.notice_deadline(D(2030, 3, 31), None) is None
    with pytest.raises(InputError):
        calc.notice_deadline(D(2030, 3, 31), 61)


def test_default_reminders_by_kind() -> None:
    # A break point: three months before the last day to give notice (31 March 2030 less 6 months is 30
    # September 2029; less 3 more, 30 June 2029).
    assert calc.default_reminder("break_point", D(2030, 3, 31), 6) == D(2029, 6, 30)
    assert calc.default_reminder("extension_option", D(2030, 3, 31), 24) == D(2027, 12, 31)
    # Without a notice period, the kind's lead time.
    assert calc.default_reminder("break_point", D(2030, 3, 31), None) == D(2029, 3, 31)
    assert calc.default_reminder("insurance_expiry", D(2026, 4, 30)) == D(2026, 2, 28)
    assert calc.default_reminder("bond_expiry", D(2028, 4, 30)) == D(2028, 2, 29)
    assert calc.default_reminder("review_point", D(2026, 5, 31)) == D(2026, 2, 28)
    assert calc.default_reminder("contract_expiry", D(2032, 3, 31)) == D(2030, 3, 31)
    assert calc.default_reminder("other", D(2026, 3, 31)) == D(2026, 2, 28)
    # A notice period on a kind without one is not used.
    assert calc.default_reminder("review_point", D(2026, 5, 31), 12) == D(2026, 2, 28)


def test_a_default_reminder_is_never_after_the_date() -> None:
    for kind in calc.LEAD_MONTHS:
        for notice in (None, 0, 6):
            assert calc.default_reminder(kind, D(2030, 2, 28), notice) <= D(2030, 2, 28)


def test_contract_end_is_the_day_before_the_anniversary() -> None:
    assert calc.contract_end(D(2020, 4, 1), 12) == D(2032, 3, 31)
    assert calc.contract_end(D(2023, 3, 1), 1) == D(2024, 2, 29)  # ends on a leap day
    assert calc.contract_end(D(2024, 2, 29), 1) == D(2025, 2, 28)  # no 29th: the 28th
    assert calc.contract_end(D(2024, 2, 29), 4) == D(2028, 2, 28)
    assert calc.contract_end(D(2022, 12, 1), 5) == D(2027, 11, 30)
    with pytest.raises(InputError):
        calc.contract_end(D(2020, 4, 1), 0)


def test_state_of_a_date() -> None:
    today = D(2026, 4, 10)
    assert calc.state(D(2026, 5, 1), D(2026, 4, 1), today) is calc.State.REMINDER_DUE
    assert calc.state(D(2026, 5, 1), D(2026, 4, 10), today) is calc.State.REMINDER_DUE  # from that day
    assert calc.state(D(2026, 4, 10), D(2026, 4, 1), today) is calc.State.REMINDER_DUE  # up to the date
    assert calc.state(D(2026, 5, 1), D(2026, 4, 11), today) is calc.State.UPCOMING
    assert calc.state(D(2026, 5, 1), None, today) is calc.State.UPCOMING
    assert calc.state(D(2026, 4, 9), D(2026, 4, 1), today) is calc.State.PAST
    assert calc.state(D(2026, 5, 1), D(2026, 4, 1), today, closed=True) is calc.State.CLOSED


def test_the_next_date_is_the_earliest_open_one_from_today() -> None:
    today = D(2026, 3, 1)
    dates = [(D(2026, 1, 1), False), (D(2026, 3, 1), True), (D(2026, 7, 1), False), (D(2026, 6, 1), False)]
    assert calc.next_index(dates, today) == 3
    assert calc.next_index([(D(2026, 3, 1), False)], today) == 0
    assert calc.next_index([(D(2026, 1, 1), False)], today) is None
    assert calc.next_index([], today) is None


def test_windows() -> None:
    assert calc.window_end(D(2026, 1, 1), "90") == D(2026, 4, 1)
    assert calc.window_end(D(2024, 2, 29), "year") == D(2025, 2, 28)
    assert calc.window_end(D(2026, 1, 1), "all") is None
    with pytest.raises(InputError):
        calc.window_end(D(2026, 1, 1), "decade")
