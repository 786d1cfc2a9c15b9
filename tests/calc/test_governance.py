"""Rules GOV-FORUM-STOPPED, GOV-NO-PARTNER-ATTENDANCE, GOV-ACTION-OVERDUE and GOV-ESCALATE-UP, worked by
hand, plus properties over many dates."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forbetter.calc.governance import (
    add_months,
    is_overdue,
    meeting_check,
    next_tier_up,
    partner_attendance_check,
)

D = dt.date


def test_add_months_keeps_within_the_month() -> None:
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2026, 11, 15), 3) == D(2027, 2, 15)


def test_a_quarterly_forum_is_flagged_the_day_after_four_months_from_its_last_meeting() -> None:
    # Last met 3 March 2026; quarterly plus a month's grace: due by 3 July 2026.
    on_time = meeting_check(
        frequency_months=3, last_meeting=D(2026, 3, 3), set_up_on=D(2025, 1, 1), today=D(2026, 7, 3)
    )
    assert not on_time.stopped
    assert on_time.next_due_by == D(2026, 7, 3)
    late = meeting_check(
        frequency_months=3, last_meeting=D(2026, 3, 3), set_up_on=D(2025, 1, 1), today=D(2026, 7, 4)
    )
    assert late.stopped
    assert late.reason == (
        "Last met on 3 March 2026: it should meet every 3 months, so with a month's grace the next meeting "
        "was due by 3 July 2026. It has stopped meeting."
    )


def test_a_forum_that_never_met_counts_from_the_day_it_was_set_up() -> None:
    check = meeting_check(
        frequency_months=1, last_meeting=None, set_up_on=D(2026, 1, 10), today=D(2026, 3, 11)
    )
    assert check.stopped
    assert check.reason.startswith(
        "No meeting since it was set up on 10 January 2026: it should meet every month"
    )
    assert not meeting_check(
        frequency_months=1, last_meeting=None, set_up_on=D(2026, 1, 10), today=D(2026, 3, 10)
    ).stopped


def test_frequency_must_be_a_month_or_more() -> None:
    with pytest.raises(ValueError, match="frequency_months"):
        meeting_check(frequency_months=0, last_meeting=None, set_up_on=D(2026, 1, 1), today=D(2026, 1, 1))


def test_no_partner_attendance_over_the_last_three_meetings_is_flagged() -> None:
    flagged = partner_attendance_check([0, 0, 0, 2, 2])
    assert flagged.flagged
    assert flagged.meetings_counted == 3
    assert flagged.reason == "Nobody from the partner's side attended the last 3 meetings."
    one_came = partner_attendance_check([0, 1, 0, 0])
    assert not one_came.flagged
    assert one_came.reason == "The partner's side attended 1 of the last 3 meetings."


def test_fewer_meetings_than_the_window_count_all_and_none_is_not_flagged() -> None:
    assert partner_attendance_check([0]).flagged
    assert partner_attendance_check([0]).reason == "Nobody from the partner's side attended the last meeting."
    assert not partner_attendance_check([]).flagged
    with pytest.raises(ValueError, match="negative"):
        partner_attendance_check([-1])


def test_overdue_only_when_open_and_past_due() -> None:
    today = D(2026, 6, 1)
    assert is_overdue(status="open", due_on=D(2026, 5, 31), today=today)
    assert not is_overdue(status="open", due_on=today, today=today)
    assert not is_overdue(status="done", due_on=D(2026, 1, 1), today=today)
    assert not is_overdue(status="cancelled", due_on=D(2026, 1, 1), today=today)


def test_escalation_goes_one_tier_up() -> None:
    assert next_tier_up("operational") == "senior_management"
    assert next_tier_up("senior_management") == "strategic"
    assert next_tier_up("strategic") is None
    with pytest.raises(ValueError, match="Unknown tier"):
        next_tier_up("board")


@given(
    st.integers(1, 12),
    st.dates(D(2000, 1, 1), D(2090, 12, 31)),
    st.integers(0, 800),
)
def test_stopped_exactly_when_today_is_past_the_due_date(frequency: int, last: dt.date, days: int) -> None:
    today = last + dt.timedelta(days=days)
    check = meeting_check(frequency_months=frequency, last_meeting=last, set_up_on=last, today=today)
    assert check.stopped == (today > check.next_due_by)
    assert check.next_due_by > last
    # due within frequency + 1 months: at least 28 days a month, at most 31
    assert 28 * (frequency + 1) <= (check.next_due_by - last).days <= 31 * (frequency + 1)


@given(st.lists(st.integers(0, 5), max_size=10))
def test_flagged_exactly_when_the_recent_counts_are_all_zero(counts: list[int]) -> None:
    check = partner_attendance_check(counts)
    assert check.flagged == (bool(counts) and sum(counts[:3]) == 0)
