"""When each Procurement Act 2023 notice of a contract in force is due: the calendar of its notices.

=====================  ==================================================================================
rule                   what it says
=====================  ==================================================================================
PA23-S53-DETAILS       a contract details notice (UK7) within 30 days of entering into the contract
                       (Procurement Act 2023, s. 53(1))
PA23-S71-ANNUAL        a contract performance notice (UK9) assessing the KPIs at least once in every 12
                       months of the contract and on its termination (s. 71(2)); ForBetter takes each
                       contract year as the period assessed and gives 30 days after it ends to publish, and
                       30 days after termination for the final one (an assumption: see docs/notices.md)
PA23-S75-BEFORE        a contract change notice (UK10) before the change is made (s. 75(1)): by the day
                       before the change takes effect
PA23-S80-TERMINATION   a contract termination notice (UK11) within 30 days of the contract ending (s. 80(1))
PA23-S69-PAYMENTS      a payments compliance notice within 30 days of the end of each six-month reporting
                       period (1 April to 30 September, 1 October to 31 March) in which a payment was made
                       or became payable (s. 69(1)); the duty began on 1 January 2026, so the first period
                       is 1 January to 31 March 2026 (an assumption from the commencement regulations)
=====================  ==================================================================================

Nothing here imports Django; dates in, dates out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from dateutil.relativedelta import relativedelta

from forbetter.calc.dates import long_date
from forbetter.calc.payments_compliance import reporting_period

NOTICE_DAYS = 30
"""Days allowed after the event for the contract details, termination and payments compliance notices."""
PAYMENTS_COMMENCEMENT = dt.date(2026, 1, 1)
"""The first day the payments compliance duty applies (assumption recorded in the decision record)."""


class Notice(StrEnum):
    """The notices of a contract in force, as Find a Tender numbers them (``documents[].noticeType``)."""

    CONTRACT_DETAILS = "UK7"
    CONTRACT_PERFORMANCE = "UK9"
    CONTRACT_CHANGE = "UK10"
    CONTRACT_TERMINATION = "UK11"
    PAYMENTS_COMPLIANCE = "UK17"


TITLES: dict[str, str] = {
    Notice.CONTRACT_DETAILS: "Contract details notice",
    Notice.CONTRACT_PERFORMANCE: "Contract performance notice",
    Notice.CONTRACT_CHANGE: "Contract change notice",
    Notice.CONTRACT_TERMINATION: "Contract termination notice",
    Notice.PAYMENTS_COMPLIANCE: "Payments compliance notice",
}


class State(StrEnum):
    PUBLISHED = "published"
    PUBLISHED_LATE = "published_late"
    DUE = "due"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class DueNotice:
    """One notice the contract needs, and by when."""

    notice: Notice
    key: str
    """Which occurrence: the ISO date it rests on (contract start, year or period start, end date), or a
    change's key for a contract change notice."""
    title: str
    due_on: dt.date
    rule: str
    """Why it is due then, in words, citing the Act."""
    period_start: dt.date | None = None
    period_end: dt.date | None = None


def contract_details_due(entered_on: dt.date) -> DueNotice:
    """Rule PA23-S53-DETAILS.

    >>> contract_details_due(dt.date(2025, 4, 1)).due_on
    datetime.date(2025, 5, 1)
    """
    return DueNotice(
        Notice.CONTRACT_DETAILS,
        entered_on.isoformat(),
        f"{TITLES[Notice.CONTRACT_DETAILS]} for the contract entered into on {long_date(entered_on)}",
        entered_on + dt.timedelta(days=NOTICE_DAYS),
        "Within 30 days of entering into the contract (Procurement Act 2023, section 53)",
        period_start=entered_on,
    )


def performance_notices_due(
    year_one_start: dt.date, *, today: dt.date, ended_on: dt.date | None = None
) -> list[DueNotice]:
    """Rule PA23-S71-ANNUAL: one notice per contract year begun by ``today`` (the last year cut at the end
    date), each due 30 days after the year it assesses ends; oldest first.

    >>> [n.due_on for n in performance_notices_due(dt.date(2025, 4, 1), today=dt.date(2026, 5, 1))]
    [datetime.date(2026, 4, 30), datetime.date(2027, 4, 30)]
    >>> last = performance_notices_due(
    ...     dt.date(2025, 4, 1), today=dt.date(2027, 1, 1), ended_on=dt.date(2026, 6, 30)
    ... )
    >>> last[-1].period_end, last[-1].due_on
    (datetime.date(2026, 6, 30), datetime.date(2026, 7, 30))
    """
    last_day = min(today, ended_on) if ended_on else today
    rows = []
    number = 1
    while True:
        start = year_one_start + relativedelta(years=number - 1)
        if start > last_day:
            break
        end = year_one_start + relativedelta(years=number) - dt.timedelta(days=1)
        final = ended_on is not None and end >= ended_on
        if final:
            assert ended_on is not None
            end = ended_on
        rule = (
            "On termination, within 30 days of the contract ending (Procurement Act 2023, section 71(2))"
            if final
            else "At least once in every 12 months: 30 days after the contract year ends (Procurement Act "
            "2023, section 71(2))"
        )
        rows.append(
            DueNotice(
                Notice.CONTRACT_PERFORMANCE,
                start.isoformat(),
                f"{TITLES[Notice.CONTRACT_PERFORMANCE]}: contract year {number} "
                f"({long_date(start)} to {long_date(end)})",
                end + dt.timedelta(days=NOTICE_DAYS),
                rule,
                period_start=start,
                period_end=end,
            )
        )
        if final:
            break
        number += 1
    return rows


def change_notice_due(key: str, title: str, takes_effect_on: dt.date) -> DueNotice:
    """Rule PA23-S75-BEFORE: by the day before the change takes effect.

    >>> change_notice_due("CR-1", "Extra routes", dt.date(2025, 7, 1)).due_on
    datetime.date(2025, 6, 30)
    """
    return DueNotice(
        Notice.CONTRACT_CHANGE,
        key,
        f"{TITLES[Notice.CONTRACT_CHANGE]} for change {key}: {title}",
        takes_effect_on - dt.timedelta(days=1),
        f"Before the change is made, so by the day before it takes effect on {long_date(takes_effect_on)} "
        "(Procurement Act 2023, section 75)",
        period_start=takes_effect_on,
    )


def termination_due(ended_on: dt.date) -> DueNotice:
    """Rule PA23-S80-TERMINATION.

    >>> termination_due(dt.date(2026, 6, 30)).due_on
    datetime.date(2026, 7, 30)
    """
    return DueNotice(
        Notice.CONTRACT_TERMINATION,
        ended_on.isoformat(),
        f"{TITLES[Notice.CONTRACT_TERMINATION]}: the contract ended on {long_date(ended_on)}",
        ended_on + dt.timedelta(days=NOTICE_DAYS),
        "Within 30 days of the contract ending (Procurement Act 2023, section 80)",
        period_end=ended_on,
    )


def payments_compliance_due(payment_days: Iterable[dt.date], *, today: dt.date) -> list[DueNotice]:
    """Rule PA23-S69-PAYMENTS: one notice per reporting period begun by ``today`` in which an invoice was
    received or paid (``payment_days``), from 1 January 2026; oldest first.

    >>> rows = payments_compliance_due([dt.date(2026, 2, 1), dt.date(2026, 5, 3)], today=dt.date(2026, 6, 1))
    >>> [(r.period_start, r.period_end, r.due_on) for r in rows]  # doctest: +NORMALIZE_WHITESPACE
    [(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31), datetime.date(2026, 4, 30)),
     (datetime.date(2026, 4, 1), datetime.date(2026, 9, 30), datetime.date(2026, 10, 30))]
    >>> payments_compliance_due([dt.date(2025, 11, 1)], today=dt.date(2026, 6, 1))
    []
    """
    periods = {reporting_period(day) for day in payment_days if PAYMENTS_COMMENCEMENT <= day <= today}
    rows = []
    for start, end in sorted(periods):
        start = max(start, PAYMENTS_COMMENCEMENT)
        rows.append(
            DueNotice(
                Notice.PAYMENTS_COMPLIANCE,
                start.isoformat(),
                f"{TITLES[Notice.PAYMENTS_COMPLIANCE]}: {long_date(start)} to {long_date(end)}",
                end + dt.timedelta(days=NOTICE_DAYS),
                "Within 30 days of the end of the six-month reporting period (Procurement Act 2023, "
                "section 69)",
                period_start=start,
                period_end=end,
            )
        )
    return rows


def state(due_on: dt.date, published_on: dt.date | None, *, today: dt.date) -> State:
    """Published (on time or late), due (not yet past its date) or overdue.

    >>> [str(state(dt.date(2026, 5, 1), p, today=t)) for p, t in (
    ...     (None, dt.date(2026, 5, 1)), (None, dt.date(2026, 5, 2)),
    ...     (dt.date(2026, 5, 1), dt.date(2026, 6, 1)), (dt.date(2026, 5, 2), dt.date(2026, 6, 1)))]
    ['due', 'overdue', 'published', 'published_late']
    """
    if published_on is not None:
        return State.PUBLISHED if published_on <= due_on else State.PUBLISHED_LATE
    return State.DUE if today <= due_on else State.OVERDUE
