"""The dates a partnership's records can fall on: from initiation to the contract's end.

Used by forms across apps with :func:`forbetter.core.forms.check_date` (rule INPUT-DATE-PLAUSIBLE), so a
relief event in 2020 for a contract that began in 2023, or a return for 2099, is refused with a message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta

from forbetter.partnerships.models import Partnership


def _long(date: dt.date) -> str:
    return f"{date.day} {date:%B} {date.year}"


@dataclass(frozen=True)
class Window:
    """A span of dates and why it starts and ends where it does (for the error message)."""

    earliest: dt.date | None
    latest: dt.date | None
    earliest_because: str
    latest_because: str


def contract_end(partnership: Partnership) -> tuple[dt.date | None, str]:
    """The last day the contract can run: its end if it has ended, else start + term + extension options."""
    if partnership.ended_on is not None:
        return partnership.ended_on, f"the partnership ended on {_long(partnership.ended_on)}"
    start = partnership.contract_management_began_on or partnership.planned_start_on
    if start is None or not partnership.term_years:
        return None, ""
    years = partnership.term_years + (partnership.extension_years or 0)
    end = start + relativedelta(years=years) - dt.timedelta(days=1)
    extension = " including extension options" if partnership.extension_years else ""
    return end, f"the contract's {years}-year term{extension} ends on {_long(end)}"


def partnership_life(partnership: Partnership) -> Window:
    """From the day initiation began to the contract's last possible day."""
    end, because = contract_end(partnership)
    return Window(
        earliest=partnership.initiation_began_on,
        latest=end,
        earliest_because=f"the partnership began on {_long(partnership.initiation_began_on)}",
        latest_because=because,
    )


def contract_life(partnership: Partnership) -> Window:
    """From the first month of the service (the contract start, or the planned start) to the contract's end:
    the months a payment, a return or a relief event can be for."""
    start = partnership.contract_management_began_on or partnership.planned_start_on
    end, because = contract_end(partnership)
    if start is None:
        life = partnership_life(partnership)
        return Window(life.earliest, end, life.earliest_because, because)
    first = start.replace(day=1)
    return Window(
        earliest=first,
        latest=end,
        earliest_because=f"the service began in {first:%B} {first.year}",
        latest_because=because,
    )


def window_limits(window: Window) -> dict[str, Any]:
    """The window as keyword options of :func:`forbetter.core.forms.check_date`."""
    return {
        "earliest": window.earliest,
        "latest": window.latest,
        "earliest_because": window.earliest_because,
        "latest_because": window.latest_because,
    }
