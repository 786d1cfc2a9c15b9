"""Competitive pressure and standstill dates (forbetter.calc.competition): rules PRESSURE-LEVELS,
STANDSTILL-ACT (Procurement Act 2023 s.51) and STANDSTILL-PCR (Public Contracts Regulations 2015 reg 87)."""

from __future__ import annotations

import datetime as dt
import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forbetter.calc import competition
from forbetter.calc.competition import (
    PressureLevel,
    RoundCount,
    act_standstill_end,
    competitive_pressure,
    pcr_standstill_end,
    pressure_level,
)
from forbetter.calc.errors import InputError


def test_doctests() -> None:
    assert doctest.testmod(competition).failed == 0


@pytest.mark.parametrize(
    ("count", "level"),
    [
        (0, PressureLevel.ALARM),
        (1, PressureLevel.ALARM),
        (2, PressureLevel.WARNING),
        (3, PressureLevel.FINE),
        (7, PressureLevel.FINE),
    ],
)
def test_levels_alarm_at_one_warning_below_three(count: int, level: PressureLevel) -> None:
    assert pressure_level(count) is level


def test_rounds_in_order_with_sentences() -> None:
    found = competitive_pressure(
        [RoundCount(2, "Detailed solutions", 2), RoundCount(1, "Outline solutions", 3)]
    )
    assert [p.number for p in found] == [1, 2]
    assert [p.level for p in found] == [PressureLevel.FINE, PressureLevel.WARNING]
    assert found[0].sentence.startswith("Round 1: 3 bidders taking part; at least 3")
    assert "competitive pressure is weak" in found[1].sentence


def test_withdrawn_bidders_are_named_but_not_counted() -> None:
    (only,) = competitive_pressure([RoundCount(3, "Final tenders", 1, withdrew=1)])
    assert only.level is PressureLevel.ALARM
    assert only.sentence.startswith(
        "Round 3: 1 bidder taking part (1 bidder withdrew); there is no competition"
    )


def test_no_bidder_at_all() -> None:
    (only,) = competitive_pressure([RoundCount(1, "Selection", 0)])
    assert only.level is PressureLevel.ALARM
    assert only.sentence.startswith("Round 1: No bidder is taking part")


def test_negative_counts_are_refused() -> None:
    with pytest.raises(InputError) as error:
        competitive_pressure([RoundCount(1, "Selection", -1)])
    assert error.value.field == "taking_part"
    with pytest.raises(InputError) as error:
        competitive_pressure([RoundCount(1, "Selection", 2, withdrew=-2)])
    assert error.value.field == "withdrew"


def test_act_standstill_counts_eight_working_days_from_the_start() -> None:
    # Monday 2 March 2026: Mon-Fri is five days, then Mon, Tue, Wed.
    assert act_standstill_end(dt.date(2026, 3, 2)) == dt.date(2026, 3, 11)
    # Friday 6 March 2026: Fri, then Mon-Fri, then Mon, Tue.
    assert act_standstill_end(dt.date(2026, 3, 6)) == dt.date(2026, 3, 17)
    # Saturday 7 March 2026 is not a working day: counting begins on Monday 9 March.
    assert act_standstill_end(dt.date(2026, 3, 7)) == dt.date(2026, 3, 18)


def test_pcr_standstill_is_ten_calendar_days_after() -> None:
    assert pcr_standstill_end(dt.date(2026, 3, 6)) == dt.date(2026, 3, 16)


def test_standstill_lengths_must_be_positive() -> None:
    with pytest.raises(InputError):
        act_standstill_end(dt.date(2026, 3, 2), 0)
    with pytest.raises(InputError):
        pcr_standstill_end(dt.date(2026, 3, 2), 0)


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1)), st.integers(1, 40))
def test_act_standstill_ends_on_a_working_day_with_exactly_that_many_working_days(
    start: dt.date, days: int
) -> None:
    end = act_standstill_end(start, days)
    assert end.weekday() < 5
    span = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    assert sum(1 for day in span if day.weekday() < 5) == days
