"""Reads of the client-side capacity records, each a fixed number of queries whatever the number of rows.

Figures come from :mod:`forbetter.calc.capacity`; this module only gathers the stored inputs: the roles,
the actuals, the approved payment statements (the annual contract value) and the frozen business case's
client-side and procurement lines.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.urls import reverse

from forbetter.appraisal.models import (
    AppraisalOption,
    BusinessCaseVersion,
    CashflowLine,
    LineCategory,
    OptionKind,
    PriceBase,
    VersionStatus,
)
from forbetter.calc import capacity as calc
from forbetter.calc.dates import financial_year
from forbetter.capacity.models import (
    Adviser,
    AdviserType,
    CapacityTarget,
    ProcurementBudgetLine,
    ResourceActual,
    TeamRole,
)
from forbetter.core.life import LifeActual
from forbetter.partnerships.models import Partnership
from forbetter.payments.models import PaymentStatement, StatementStatus

# ------------------------------------------------------------------------------------------------------
# The team plan and actuals
# ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleRow:
    role: TeamRole
    gaps: list[str]


def roles(partnership: Partnership) -> list[TeamRole]:
    return list(TeamRole.objects.filter(partnership=partnership))


def role_rows(team: list[TeamRole]) -> list[RoleRow]:
    """Each role with its skill gaps (rule CAP-SKILL-GAP)."""
    return [RoleRow(role, calc.skill_gaps(role.skills_needed, role.skills_held)) for role in team]


def plan_years(team: list[TeamRole]) -> list[calc.PlanYear]:
    """The plan's cost and FTE per financial year (rule CAP-PLAN-COST); roles without a cost are left out
    (the services refuse them, so there are none unless written some other way)."""
    return calc.planned_by_year(
        calc.PlannedRole(role.cost_per_year_gbp, role.fte, role.first_year, role.last_year)
        for role in team
        if role.cost_per_year_gbp is not None
    )


def actuals(partnership: Partnership) -> list[ResourceActual]:
    return list(ResourceActual.objects.filter(partnership=partnership))


@dataclass(frozen=True)
class ActualRow:
    """One financial year of actuals against the plan."""

    year: int
    cost: calc.YearVariance
    planned_fte: Decimal | None
    actual_fte: Decimal | None
    record: ResourceActual | None

    @property
    def label(self) -> str:
        return calc.year_label(self.year)

    @property
    def fte_difference(self) -> Decimal | None:
        if self.planned_fte is None or self.actual_fte is None:
            return None
        return self.actual_fte - self.planned_fte


def actual_rows(plan: list[calc.PlanYear], recorded: list[ResourceActual]) -> list[ActualRow]:
    """Every year with a plan or an actual, with the variance (rule CAP-VARIANCE)."""
    planned = {year.year: year for year in plan}
    by_year = {actual.year: actual for actual in recorded}
    costs = calc.by_year(
        {year: p.cost_gbp for year, p in planned.items()}, {year: a.cost_gbp for year, a in by_year.items()}
    )
    return [
        ActualRow(
            cost.year,
            cost,
            planned[cost.year].fte if cost.year in planned else None,
            by_year[cost.year].fte if cost.year in by_year else None,
            by_year.get(cost.year),
        )
        for cost in costs
    ]


# ------------------------------------------------------------------------------------------------------
# The frozen business case's lines
# ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BusinessCaseLine:
    """A category's lines of the frozen business case's SSP (else preferred) option, by financial year."""

    version: BusinessCaseVersion
    option: AppraisalOption
    why: str
    labels: list[str]
    prices: set[str]
    by_year: dict[int, Decimal] = field(default_factory=dict)

    @property
    def total_gbp(self) -> Decimal:
        return sum(self.by_year.values(), Decimal(0))

    @property
    def years(self) -> list[tuple[str, Decimal]]:
        """(financial year in words, amount) in year order."""
        return [(calc.year_label(year), self.by_year[year]) for year in sorted(self.by_year)]

    @property
    def prices_words(self) -> str:
        base = self.version.base_year_label
        if self.prices == {PriceBase.REAL}:
            return (
                f"real prices of {base} (the business case's base year): actuals are cash, so part of any "
                "difference in later years is inflation"
            )
        if self.prices == {PriceBase.NOMINAL}:
            return "nominal (cash) prices, the same basis as the actuals"
        return (
            f"a mix of real prices of {base} and nominal (cash) prices: read the business case's lines "
            "before comparing"
        )


def frozen_option(partnership: Partnership) -> tuple[BusinessCaseVersion, AppraisalOption, str] | None:
    """The latest frozen business case version and its SSP option (else its preferred option)."""
    version = (
        BusinessCaseVersion.objects.filter(
            business_case__partnership=partnership, status=VersionStatus.FROZEN
        )
        .select_related("business_case", "frozen_result")
        .order_by("-frozen_at", "-pk")
        .first()
    )
    if version is None:
        return None
    options = list(AppraisalOption.objects.filter(version=version).order_by("order", "pk"))
    chosen = next((option for option in options if option.kind == OptionKind.SSP), None)
    if chosen is not None:
        return version, chosen, "its strategic partnership (SSP) option"
    preferred = getattr(version, "frozen_result", None)
    chosen = next((option for option in options if preferred and option.name == preferred.preferred), None)
    if chosen is None:
        return None
    return version, chosen, "its preferred option (it has no SSP option)"


def business_case_line(partnership: Partnership, category: str) -> BusinessCaseLine | None:
    """The frozen business case's lines of ``category`` (year t is financial year base year + t), or None
    if there is no frozen version or its option has no such line."""
    found = frozen_option(partnership)
    if found is None:
        return None
    version, option, why = found
    lines = list(
        CashflowLine.objects.filter(option=option, category=category)
        .prefetch_related("values")
        .order_by("order", "pk")
    )
    if not lines:
        return None
    by_year: dict[int, Decimal] = defaultdict(Decimal)
    for line in lines:
        for value in line.values.all():
            by_year[version.price_base_year + value.year] += value.amount_gbp
    return BusinessCaseLine(
        version, option, why, [line.label for line in lines], {line.prices for line in lines}, dict(by_year)
    )


# ------------------------------------------------------------------------------------------------------
# Procurement budget and advisers
# ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetRow:
    line: ProcurementBudgetLine
    variance: calc.Variance


def budget_rows(partnership: Partnership) -> list[BudgetRow]:
    return [
        BudgetRow(line, calc.variance(line.budget_gbp, line.actual_gbp))
        for line in ProcurementBudgetLine.objects.filter(partnership=partnership)
    ]


def budget_totals(rows: list[BudgetRow]) -> dict[str, Any]:
    """The whole budget, the whole actual spend so far, and the variance over the categories with both."""
    return {
        "budget_gbp": sum((row.line.budget_gbp for row in rows), Decimal(0)),
        "actual_gbp": sum((row.line.actual_gbp or Decimal(0) for row in rows), Decimal(0)),
        "variance": calc.total_variance([row.variance for row in rows]),
    }


@dataclass(frozen=True)
class AdviserRow:
    adviser: Adviser
    cost_per_day_gbp: Decimal | None


def advisers(partnership: Partnership) -> list[Adviser]:
    return list(Adviser.objects.filter(partnership=partnership))


def adviser_rows(found: list[Adviser]) -> list[AdviserRow]:
    return [AdviserRow(adviser, calc.cost_per_day(adviser.fees_gbp, adviser.days)) for adviser in found]


def adviser_figures(found: list[Adviser]) -> tuple[calc.AdviserFigures, list[tuple[str, Decimal]]]:
    """Rule CAP-ADVISER, and the total by type in words, in the order of the types."""
    figures = calc.adviser_figures(
        calc.AdviserSpend(adviser.adviser_type, adviser.in_house, adviser.fees_gbp, adviser.days)
        for adviser in found
    )
    by_type = [
        (label, figures.by_type_gbp[value])
        for value, label in AdviserType.choices
        if value in figures.by_type_gbp
    ]
    return figures, by_type


# ------------------------------------------------------------------------------------------------------
# Cost share of the annual contract value
# ------------------------------------------------------------------------------------------------------


def target(partnership: Partnership) -> CapacityTarget | None:
    return CapacityTarget.objects.filter(partnership=partnership).first()


def contract_value_by_year(partnership: Partnership) -> tuple[dict[int, Decimal], dict[int, int]]:
    """The approved statements' payable amounts summed by financial year, and how many months each year has
    approved (drafts are left out: their figures are not final)."""
    values: dict[int, Decimal] = defaultdict(Decimal)
    months: dict[int, int] = defaultdict(int)
    for month, payable in PaymentStatement.objects.filter(
        partnership=partnership, status=StatementStatus.APPROVED
    ).values_list("month", "payable_gbp"):
        year = financial_year(month)
        values[year] += payable or Decimal(0)
        months[year] += 1
    return dict(values), dict(months)


def cost_shares(
    partnership: Partnership, recorded: list[ResourceActual], found_target: CapacityTarget | None
) -> list[calc.ShareYear]:
    """Rule CAP-COST-SHARE over the years with an actual team cost or approved statements."""
    values, months = contract_value_by_year(partnership)
    return calc.cost_shares(
        team_cost_gbp={actual.year: actual.cost_gbp for actual in recorded},
        contract_value_gbp=values,
        approved_months=months,
        minimum_share=found_target.minimum_share if found_target else None,
        maximum_share=found_target.maximum_share if found_target else None,
    )


def at_a_glance(partnership: Partnership) -> dict[str, Any]:
    """The latest full year's client team cost share against the target, for the overview, in 3 queries.

    Keys: ``target`` (or None), ``latest`` (the latest year judged against the target, or with a share, or
    None), ``missed`` (how many full years missed the target)."""
    found_target = target(partnership)
    shares = cost_shares(partnership, actuals(partnership), found_target)
    with_share = [year for year in shares if year.share is not None]
    full = [year for year in with_share if year.status != calc.ShareStatus.PART_YEAR]
    chosen = full or with_share
    latest = chosen[-1] if chosen else None
    return {"target": found_target, "latest": latest, "missed": sum(1 for year in shares if year.missed)}


# ------------------------------------------------------------------------------------------------------
# Value for money over the life
# ------------------------------------------------------------------------------------------------------


def life_actuals(partnership: Partnership) -> list[LifeActual]:
    """The client team's actual cost by financial year, for the value-for-money-over-the-life page."""
    recorded = actuals(partnership)
    if not recorded:
        return []
    return [
        LifeActual(
            label="Client-side team cost",
            kind="cost",
            category=LineCategory.CLIENT_SIDE,
            by_year={actual.year: actual.cost_gbp for actual in recorded},
            explanation="What the council's client team actually cost each financial year, as recorded on "
            "the client-side capacity pages (pay, on-costs and overheads, in cash).",
            source_url=reverse("capacity:actuals", args=[partnership.pk]),
        )
    ]


def against_business_case(line: BusinessCaseLine, recorded: list[ResourceActual]) -> list[calc.YearVariance]:
    """The business case's client-side line against the actual team cost, year by year (rule CAP-VARIANCE)."""
    return calc.by_year(line.by_year, {actual.year: actual.cost_gbp for actual in recorded})
