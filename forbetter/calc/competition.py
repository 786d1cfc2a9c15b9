"""Competition arithmetic for the procurement area: competitive pressure per round and standstill dates.

=====================  ==================================================================================
rule                   what it says
=====================  ==================================================================================
PRESSURE-LEVELS        a round with one bidder taking part (or none) is an alarm: there is no competition
                       left; fewer than three is a warning (pressure on price and quality is weak); three or
                       more is fine. Bidders who withdrew from the round are not counted as taking part.
STANDSTILL-ACT         Procurement Act 2023 s.51: the standstill is 8 working days beginning with the day
                       the contract award notice is published; Saturdays and Sundays are skipped (bank
                       holidays are not counted in here: check them yourself)
STANDSTILL-PCR         Public Contracts Regulations 2015 reg 87: 10 calendar days after the day the award
                       decision is sent electronically (the standstill ends at midnight of the 10th day)
=====================  ==================================================================================

Pure Python: no Django, so the command line and the tests use it directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from forbetter.calc.errors import InputError

FEWEST_FOR_PRESSURE = 3
"""Below this many bidders in a round, competitive pressure is weak (a warning)."""

ACT_STANDSTILL_WORKING_DAYS = 8
PCR_STANDSTILL_CALENDAR_DAYS = 10


class PressureLevel(StrEnum):
    ALARM = "alarm"
    WARNING = "warning"
    FINE = "fine"


@dataclass(frozen=True)
class RoundCount:
    """What a round had: its number and name, bidders taking part, and bidders who withdrew from it."""

    number: int
    name: str
    taking_part: int
    withdrew: int = 0


@dataclass(frozen=True)
class RoundPressure:
    number: int
    name: str
    taking_part: int
    withdrew: int
    level: PressureLevel
    sentence: str


def pressure_level(taking_part: int) -> PressureLevel:
    """Rule PRESSURE-LEVELS: alarm at one bidder or none, warning below three, fine otherwise."""
    if taking_part < 0:
        raise InputError("taking_part", "the number of bidders cannot be negative")
    if taking_part <= 1:
        return PressureLevel.ALARM
    if taking_part < FEWEST_FOR_PRESSURE:
        return PressureLevel.WARNING
    return PressureLevel.FINE


def _bidders(count: int) -> str:
    return f"{count} bidder" if count == 1 else f"{count} bidders"


def _sentence(count: RoundCount, level: PressureLevel) -> str:
    took = (
        "No bidder is taking part" if count.taking_part == 0 else f"{_bidders(count.taking_part)} taking part"
    )
    withdrew = f" ({_bidders(count.withdrew)} withdrew)" if count.withdrew else ""
    if level is PressureLevel.ALARM:
        verdict = (
            "there is no competition left in this round, so nothing presses on price or quality: "
            "consider whether the procedure should continue"
        )
    elif level is PressureLevel.WARNING:
        verdict = (
            f"fewer than {FEWEST_FOR_PRESSURE}, so competitive pressure is weak: keep the remaining bidders "
            "engaged and watch price and quality closely"
        )
    else:
        verdict = f"at least {FEWEST_FOR_PRESSURE}, so the round keeps competitive pressure on the bidders"
    return f"Round {count.number}: {took}{withdrew}; {verdict}."


def competitive_pressure(rounds: Iterable[RoundCount]) -> list[RoundPressure]:
    """Per round, in round order: the bidders taking part, the level (rule PRESSURE-LEVELS) and a sentence
    saying what it means."""
    result = []
    for count in sorted(rounds, key=lambda c: c.number):
        if count.withdrew < 0:
            raise InputError("withdrew", "the number of bidders cannot be negative")
        level = pressure_level(count.taking_part)
        result.append(
            RoundPressure(
                count.number, count.name, count.taking_part, count.withdrew, level, _sentence(count, level)
            )
        )
    return result


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday (bank holidays are not known here)."""
    return day.weekday() < 5


def act_standstill_end(starts_on: dt.date, working_days: int = ACT_STANDSTILL_WORKING_DAYS) -> dt.date:
    """Rule STANDSTILL-ACT: the last day of a standstill of ``working_days`` working days beginning with
    ``starts_on`` (counted as the first day when it is a working day).

    >>> act_standstill_end(dt.date(2026, 3, 2))  # a Monday: Mon to Fri, then Mon to Wed
    datetime.date(2026, 3, 11)
    """
    if working_days < 1:
        raise InputError("working_days", "the standstill must last at least one working day")
    day = starts_on
    counted = 0
    while True:
        if is_working_day(day):
            counted += 1
            if counted == working_days:
                return day
        day += dt.timedelta(days=1)


def pcr_standstill_end(starts_on: dt.date, calendar_days: int = PCR_STANDSTILL_CALENDAR_DAYS) -> dt.date:
    """Rule STANDSTILL-PCR: the last day of a standstill of ``calendar_days`` days after ``starts_on``.

    >>> pcr_standstill_end(dt.date(2026, 3, 2))
    datetime.date(2026, 3, 12)
    """
    if calendar_days < 1:
        raise InputError("calendar_days", "the standstill must last at least one day")
    return starts_on + dt.timedelta(days=calendar_days)
