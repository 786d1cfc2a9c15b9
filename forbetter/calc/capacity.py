"""Arithmetic of the council's client-side capacity (no Django): the team plan's cost per year, actuals
against the plan, the procurement budget, adviser spend, and the client team's cost as a share of the
contract's annual value.

Years are financial years, each named by the calendar year it starts in (2025 is 2025/26). Money is
``Decimal`` pounds; shares are fractions (0.03 is 3%).

===================  ==================================================================================
rule                 what it says
===================  ==================================================================================
CAP-PLAN-COST        the planned team cost of a financial year is the sum of the cost per year of every
                     role planned in that year (first to last year, both included); the planned FTE is the
                     sum of their full-time equivalents
CAP-SKILL-GAP        a role's skill gaps are the skills needed that are not among the skills held (one a
                     line, or separated by commas or semicolons; compared without regard to case)
CAP-VARIANCE         an actual compared with what was expected (a plan, a budget, a business-case line):
                     variance = actual − expected (positive: over), and as a share of the expected amount
                     when that is above zero; a year missing either side has no variance
CAP-ADVISER          adviser spend: total fees by type of adviser; cost per day = fees ÷ days (none when no
                     days are recorded); the in-house share = in-house fees ÷ all fees, the external share
                     the rest
CAP-COST-SHARE       the client team's cost as a share of the annual contract value = the team's actual
                     cost in a financial year ÷ the payable amounts of the approved payment statements of
                     that year. A year with no approved statement is missing (not zero); a year with fewer
                     than 12 approved statements is a part year, shown but not judged; a full year below
                     the council's minimum share (or above its maximum) misses the target
===================  ==================================================================================
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from forbetter.calc.dates import year_label
from forbetter.calc.errors import InputError

ZERO = Decimal(0)
MONTHS_IN_A_YEAR = 12
_SEPARATORS = re.compile(r"[\n;,]+")


# ------------------------------------------------------------------------------------------------------
# The team plan
# ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedRole:
    """One role of the client team plan: what it costs a year (at its FTE) and the years it is needed."""

    cost_per_year_gbp: Decimal
    fte: Decimal
    first_year: int
    last_year: int


@dataclass(frozen=True)
class PlanYear:
    year: int
    cost_gbp: Decimal
    fte: Decimal
    roles: int

    @property
    def label(self) -> str:
        return year_label(self.year)


def planned_by_year(roles: Iterable[PlannedRole]) -> list[PlanYear]:
    """Rule CAP-PLAN-COST: the plan's cost, FTE and number of roles in each financial year from the first
    role's first year to the last role's last year (a year inside that span with no role shows zero).

    >>> plan = planned_by_year([
    ...     PlannedRole(Decimal(60000), Decimal(1), 2025, 2026),
    ...     PlannedRole(Decimal(30000), Decimal("0.5"), 2026, 2026),
    ... ])
    >>> [(p.label, p.cost_gbp, p.fte) for p in plan]
    [('2025/26', Decimal('60000'), Decimal('1')), ('2026/27', Decimal('90000'), Decimal('1.5'))]
    """
    roles = list(roles)
    for index, role in enumerate(roles):
        if role.cost_per_year_gbp < 0:
            raise InputError(f"roles[{index}].cost_per_year_gbp", "a role's cost cannot be negative")
        if role.last_year < role.first_year:
            raise InputError(f"roles[{index}].last_year", "the last year is before the first year")
    if not roles:
        return []
    first = min(role.first_year for role in roles)
    last = max(role.last_year for role in roles)
    years = []
    for year in range(first, last + 1):
        planned = [role for role in roles if role.first_year <= year <= role.last_year]
        years.append(
            PlanYear(
                year,
                sum((role.cost_per_year_gbp for role in planned), ZERO),
                sum((role.fte for role in planned), ZERO),
                len(planned),
            )
        )
    return years


def skills(text: str) -> list[str]:
    """The skills listed in ``text`` (one a line, or separated by commas or semicolons), blanks dropped."""
    return [skill.strip() for skill in _SEPARATORS.split(text or "") if skill.strip()]


def skill_gaps(needed: str, held: str) -> list[str]:
    """Rule CAP-SKILL-GAP: the skills needed that nobody in the role holds, in the order needed.

    >>> skill_gaps("Contract law\\nPayment mechanisms; Negotiation", "negotiation")
    ['Contract law', 'Payment mechanisms']
    """
    have = {skill.casefold() for skill in skills(held)}
    return [skill for skill in skills(needed) if skill.casefold() not in have]


# ------------------------------------------------------------------------------------------------------
# Actuals against what was expected
# ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variance:
    """An actual against the amount expected (rule CAP-VARIANCE)."""

    expected_gbp: Decimal | None
    actual_gbp: Decimal | None

    @property
    def variance_gbp(self) -> Decimal | None:
        """Actual − expected (positive: over); None when either is missing."""
        if self.expected_gbp is None or self.actual_gbp is None:
            return None
        return self.actual_gbp - self.expected_gbp

    @property
    def variance_share(self) -> Decimal | None:
        """The variance as a share of the expected amount; None when there is no variance or nothing was
        expected."""
        variance = self.variance_gbp
        if variance is None or self.expected_gbp is None or self.expected_gbp <= 0:
            return None
        return variance / self.expected_gbp

    @property
    def words(self) -> str:
        """'over', 'under' or 'on' (the expected amount), or '' when there is no variance."""
        variance = self.variance_gbp
        if variance is None:
            return ""
        return "over" if variance > 0 else "under" if variance < 0 else "on"

    @property
    def size_gbp(self) -> Decimal | None:
        variance = self.variance_gbp
        return None if variance is None else abs(variance)


@dataclass(frozen=True)
class YearVariance(Variance):
    year: int = 0

    @property
    def label(self) -> str:
        return year_label(self.year)


def variance(expected_gbp: Decimal | None, actual_gbp: Decimal | None) -> Variance:
    """Rule CAP-VARIANCE for one amount.

    >>> v = variance(Decimal(100000), Decimal(110000))
    >>> v.variance_gbp, v.variance_share, v.words
    (Decimal('10000'), Decimal('0.1'), 'over')
    """
    return Variance(expected_gbp, actual_gbp)


def by_year(expected: Mapping[int, Decimal], actual: Mapping[int, Decimal]) -> list[YearVariance]:
    """Rule CAP-VARIANCE year by year, over every year either side has, in order.

    >>> rows = by_year({2025: Decimal(10)}, {2025: Decimal(12), 2026: Decimal(5)})
    >>> [(v.label, v.variance_gbp) for v in rows]
    [('2025/26', Decimal('2')), ('2026/27', None)]
    """
    years = sorted(set(expected) | set(actual))
    return [YearVariance(expected.get(year), actual.get(year), year=year) for year in years]


def total_variance(rows: Sequence[Variance]) -> Variance:
    """The totals of the rows that have both sides (so a missing year does not show as an under-spend)."""
    paired = [row for row in rows if row.expected_gbp is not None and row.actual_gbp is not None]
    if not paired:
        return Variance(None, None)
    return Variance(
        sum((row.expected_gbp or ZERO for row in paired), ZERO),
        sum((row.actual_gbp or ZERO for row in paired), ZERO),
    )


# ------------------------------------------------------------------------------------------------------
# Advisers
# ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdviserSpend:
    adviser_type: str
    in_house: bool
    fees_gbp: Decimal
    days: Decimal | None


@dataclass(frozen=True)
class AdviserFigures:
    total_gbp: Decimal
    by_type_gbp: dict[str, Decimal]
    in_house_gbp: Decimal
    external_gbp: Decimal
    days: Decimal
    """The days recorded, over the advisers whose days are recorded."""
    costed_fees_gbp: Decimal
    """The fees of the advisers whose days are recorded (the numerator of the cost per day)."""

    @property
    def in_house_share(self) -> Decimal | None:
        return None if self.total_gbp <= 0 else self.in_house_gbp / self.total_gbp

    @property
    def external_share(self) -> Decimal | None:
        return None if self.total_gbp <= 0 else self.external_gbp / self.total_gbp

    @property
    def cost_per_day_gbp(self) -> Decimal | None:
        return None if self.days <= 0 else self.costed_fees_gbp / self.days


def cost_per_day(fees_gbp: Decimal, days: Decimal | None) -> Decimal | None:
    """Rule CAP-ADVISER: fees ÷ days, or None when no days are recorded.

    >>> cost_per_day(Decimal(24000), Decimal(20))
    Decimal('1200')
    """
    if days is None or days <= 0:
        return None
    return fees_gbp / days


def adviser_figures(advisers: Iterable[AdviserSpend]) -> AdviserFigures:
    """Rule CAP-ADVISER over every adviser: totals by type, in-house against external, cost per day.

    >>> f = adviser_figures([
    ...     AdviserSpend("legal", False, Decimal(90000), Decimal(60)),
    ...     AdviserSpend("financial", True, Decimal(30000), Decimal(40)),
    ... ])
    >>> f.total_gbp, f.in_house_share, f.cost_per_day_gbp
    (Decimal('120000'), Decimal('0.25'), Decimal('1200'))
    """
    by_type: dict[str, Decimal] = {}
    total = in_house = days = costed = ZERO
    for index, adviser in enumerate(advisers):
        if adviser.fees_gbp < 0:
            raise InputError(f"advisers[{index}].fees_gbp", "fees cannot be negative")
        by_type[adviser.adviser_type] = by_type.get(adviser.adviser_type, ZERO) + adviser.fees_gbp
        total += adviser.fees_gbp
        if adviser.in_house:
            in_house += adviser.fees_gbp
        if adviser.days is not None and adviser.days > 0:
            days += adviser.days
            costed += adviser.fees_gbp
    return AdviserFigures(total, by_type, in_house, total - in_house, days, costed)


# ------------------------------------------------------------------------------------------------------
# The client team's cost as a share of the annual contract value
# ------------------------------------------------------------------------------------------------------


class ShareStatus(StrEnum):
    MET = "met"
    BELOW_MINIMUM = "below_minimum"
    ABOVE_MAXIMUM = "above_maximum"
    NO_TARGET = "no_target"
    PART_YEAR = "part_year"
    NO_STATEMENTS = "no_statements"
    NO_COST = "no_cost"


@dataclass(frozen=True)
class ShareYear:
    year: int
    team_cost_gbp: Decimal | None
    contract_value_gbp: Decimal | None
    months: int
    share: Decimal | None
    status: ShareStatus

    @property
    def label(self) -> str:
        return year_label(self.year)

    @property
    def missed(self) -> bool:
        return self.status in (ShareStatus.BELOW_MINIMUM, ShareStatus.ABOVE_MAXIMUM)


def cost_shares(
    *,
    team_cost_gbp: Mapping[int, Decimal],
    contract_value_gbp: Mapping[int, Decimal],
    approved_months: Mapping[int, int],
    minimum_share: Decimal | None = None,
    maximum_share: Decimal | None = None,
) -> list[ShareYear]:
    """Rule CAP-COST-SHARE for every financial year from the first to the last that has a team cost or an
    approved statement.

    ``contract_value_gbp`` holds the sum of the approved statements' payable amounts of each year that has
    any, and ``approved_months`` how many approved statements each year has.

    >>> [(y.label, y.share, y.status.value) for y in cost_shares(
    ...     team_cost_gbp={2024: Decimal(600000), 2025: Decimal(750000)},
    ...     contract_value_gbp={2024: Decimal(24000000), 2025: Decimal(25000000)},
    ...     approved_months={2024: 12, 2025: 12}, minimum_share=Decimal("0.03"))]
    [('2024/25', Decimal('0.025'), 'below_minimum'), ('2025/26', Decimal('0.03'), 'met')]
    """
    if minimum_share is not None and minimum_share < 0:
        raise InputError("minimum_share", "the minimum share cannot be negative")
    if minimum_share is not None and maximum_share is not None and maximum_share < minimum_share:
        raise InputError("maximum_share", "the maximum share is below the minimum share")
    known = set(team_cost_gbp) | set(contract_value_gbp)
    if not known:
        return []
    years = []
    for year in range(min(known), max(known) + 1):
        cost = team_cost_gbp.get(year)
        value = contract_value_gbp.get(year)
        months = approved_months.get(year, 0)
        share = cost / value if cost is not None and value is not None and value > 0 else None
        if value is None or value <= 0 or months == 0:
            status = ShareStatus.NO_STATEMENTS
        elif cost is None:
            status = ShareStatus.NO_COST
        elif months < MONTHS_IN_A_YEAR:
            status = ShareStatus.PART_YEAR
        elif minimum_share is None and maximum_share is None:
            status = ShareStatus.NO_TARGET
        elif minimum_share is not None and share is not None and share < minimum_share:
            status = ShareStatus.BELOW_MINIMUM
        elif maximum_share is not None and share is not None and share > maximum_share:
            status = ShareStatus.ABOVE_MAXIMUM
        else:
            status = ShareStatus.MET
        years.append(ShareYear(year, cost, value, months, share, status))
    return years
