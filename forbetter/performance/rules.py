"""Named rules of performance management, each with its source. Tests are named after the rule ids.

=====================  ==================================================================================
rule                   what it says
=====================  ==================================================================================
PA23-S52-THREE-KPIS    a contract under the Act over £5m (extension options included) must set and publish at
                       least three KPIs
KPI-PERCENT-RANGE      a value in % lies between 0 and 100 unless the KPI says it can go beyond
KPI-RETURN-LATE        a return is late when it arrives more than the allowed days after the period ends
KPI-REVIEW-OVERDUE     an indicator review not done by its due date is overdue
KPI-RETURNS-AGREED     returns start only when the KPI is agreed and the contract is live (the partnership in
                       contract management, or ended): ``services.returns_refusal``
KPI-AGREEMENT-DEFAULT  a new KPI is proposed; one added while the contract is live is agreed by its creator
KPI-AGREED-STAYS       a KPI moves proposed -> negotiated -> agreed one step at a time; an agreed KPI goes
                       back to negotiation (with a reason) only before the contract is live and before any
                       return
=====================  ==================================================================================
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from forbetter.partnerships.models import Partnership, ValueBasis
from forbetter.partnerships.procurement import act_applies, regime_summary
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
    act_applies: bool = True
    regime_explained: str = ""

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
    """The estimated contract value including extension options, and how it was worked out.

    The Procurement Act 2023 (s. 4 and Schedule 3) counts every option, extensions included, in a contract's
    estimated value. An annual charge is multiplied by the term plus the extension years; a total value for
    the initial term is grown by the extension years at the same yearly rate.
    """
    value = partnership.estimated_value_gbp
    if value is None:
        return None, "no estimated value is recorded for the partnership"
    term = partnership.term_years
    extension = partnership.extension_years or 0
    if partnership.value_basis == ValueBasis.ANNUAL_CHARGE:
        if term:
            total = value * (term + extension)
            years = f"({term} + {extension} extension) years" if extension else f"{term} years"
            return total, f"annual charge £{value:,.0f} × {years} = £{total:,.0f}"
        return value, f"annual charge £{value:,.0f} (no term recorded, so one year is counted)"
    if term and extension:
        total = value + value * extension / term
        return total, (
            f"estimated total contract value £{value:,.0f} for {term} years, plus {extension} years of "
            f"extension options at the same yearly rate = £{total:,.0f}"
        )
    return value, f"estimated total contract value £{value:,.0f}"


def publication_check(partnership: Partnership, *, published: int) -> PublicationCheck:
    """Rule PA23-S52-THREE-KPIS: contracts under the Act over £5m set and publish at least three KPIs.

    Only where the Procurement Act 2023 applies (rule PA23-COMMENCEMENT, the partnership's recorded
    regime); a contract procured under the Public Contracts Regulations has no such duty.

    Procurement Act 2023 s. 52(1): before entering into a public contract with an estimated value of more
    than £5 million, a contracting authority must set at least three key performance indicators, and
    s. 52(3) has them published. (The Act lets an authority decide that performance could not be
    appropriately assessed by KPIs; ForBetter still warns, and the officer records why.)
    """
    value, explained = contract_value(partnership)
    under_act = act_applies(partnership)
    applies = under_act and value is not None and value > PA23_THRESHOLD_GBP
    return PublicationCheck(
        applies=applies,
        contract_value_gbp=value,
        value_explained=explained,
        published=published,
        met=(not applies) or published >= PA23_MINIMUM_KPIS,
        act_applies=under_act,
        regime_explained=regime_summary(partnership),
    )


PERCENT_UNITS = frozenset({"%", "percent", "per cent", "percentage"})


def is_percent(unit: str) -> bool:
    return unit.strip().lower() in PERCENT_UNITS


def percent_value_error(
    value: Decimal | None, *, unit: str, beyond_range: bool, label: str = "The value"
) -> str:
    """Rule KPI-PERCENT-RANGE: why a value of a KPI in % is impossible, or ''.

    A share of something (calls answered, invoices paid on time) lies between 0% and 100%; 150 or −5 is a
    typing slip or a value in the wrong unit, and saved as it is it would show a KPI far beyond its target.
    A KPI can say that its values may go beyond the scale (a percentage change), and then any value goes.
    """
    if value is None or beyond_range or not is_percent(unit):
        return ""
    if not Decimal(0) <= value <= Decimal(100):
        return (
            f"{label} is in %, so it must be between 0 and 100, not {value.normalize():f}. If this KPI can "
            "go below 0% or above 100%, the council can say so on the KPI."
        )
    return ""


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
