"""Named rules of performance management, each with its source. Tests are named after the rule ids.

=====================  ==================================================================================
rule                   what it says
=====================  ==================================================================================
PA23-S52-THREE-KPIS    a contract over £5m must set (and publish) at least three KPIs
KPI-RETURN-LATE        a return is late when it arrives more than the allowed days after the period ends
KPI-REVIEW-OVERDUE     an indicator review not done by its due date is overdue
=====================  ==================================================================================
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from forbetter.partnerships.models import Partnership, ValueBasis
from forbetter.performance.periods import period_end

PA23_THRESHOLD_GBP = Decimal("5000000")
PA23_MINIMUM_KPIS = 3


@dataclass(frozen=True)
class PublicationCheck:
    """The outcome of rule PA23-S52-THREE-KPIS for a partnership."""

    applies: bool
    contract_value_gbp: Decimal | None
    value_explained: str
    published: int
    met: bool

    @property
    def rule(self) -> str:
        return "PA23-S52-THREE-KPIS"

    @property
    def citation(self) -> str:
        return "Procurement Act 2023, section 52"

    @property
    def shortfall(self) -> int:
        return max(0, PA23_MINIMUM_KPIS - self.published) if self.applies else 0


def contract_value(partnership: Partnership) -> tuple[Decimal | None, str]:
    """The total contract value and how it was worked out: an annual charge is multiplied by the term."""
    value = partnership.estimated_value_gbp
    if value is None:
        return None, "no estimated value is recorded for the partnership"
    if partnership.value_basis == ValueBasis.ANNUAL_CHARGE:
        if partnership.term_years:
            total = value * partnership.term_years
            return total, f"annual charge £{value:,.0f} × {partnership.term_years} years = £{total:,.0f}"
        return value, f"annual charge £{value:,.0f} (no term recorded, so one year is counted)"
    return value, f"estimated total contract value £{value:,.0f}"


def publication_check(partnership: Partnership, *, published: int) -> PublicationCheck:
    """Rule PA23-S52-THREE-KPIS: contracts over £5m set and publish at least three KPIs.

    Procurement Act 2023 s. 52(1): before entering into a public contract with an estimated value of more
    than £5 million, a contracting authority must set at least three key performance indicators, and
    s. 52(3) has them published. (The Act lets an authority decide that performance could not be
    appropriately assessed by KPIs; ForBetter still warns, and the officer records why.)
    """
    value, explained = contract_value(partnership)
    applies = value is not None and value > PA23_THRESHOLD_GBP
    return PublicationCheck(
        applies=applies,
        contract_value_gbp=value,
        value_explained=explained,
        published=published,
        met=(not applies) or published >= PA23_MINIMUM_KPIS,
    )


def return_due_on(period: dt.date, *, frequency: str, due_days: int) -> dt.date:
    """Rule KPI-RETURN-LATE (due date): ``due_days`` calendar days after the period's last day.

    Contracts usually give the partner a few working days after month end to report; ForBetter keeps the
    rule simple and counts calendar days, set per KPI.
    """
    return period_end(period, frequency) + dt.timedelta(days=due_days)


def is_late(submitted_on: dt.date, *, due_on: dt.date) -> bool:
    """Rule KPI-RETURN-LATE: a return submitted after its due date is late (on the due date is on time)."""
    return submitted_on > due_on


def review_overdue(*, due_on: dt.date, reviewed_on: dt.date | None, today: dt.date) -> bool:
    """Rule KPI-REVIEW-OVERDUE: a review not done by its due date is overdue (framework action C-PM-2)."""
    return reviewed_on is None and due_on < today
