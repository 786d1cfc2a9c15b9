"""Reads for the value-for-money pages, each a fixed number of queries.

The life page reads the business case (the appraisal area, whose frozen versions never change) and takes
the actuals from every area's ``life_actuals`` (:mod:`forbetter.core.life`), so it imports no other domain
app: an area that starts to report actual costs appears on the page without a change here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, cast

from django.db.models import Prefetch, QuerySet

from forbetter.appraisal.models import (
    AppraisalOption,
    BusinessCaseVersion,
    CashflowLine,
    FrozenOptionResult,
    OptionKind,
    VersionStatus,
)
from forbetter.calc import life_value
from forbetter.calc import market_testing as calc
from forbetter.calc.dates import financial_year
from forbetter.calc.errors import InputError
from forbetter.core.areas import areas
from forbetter.core.life import LifeActual
from forbetter.partnerships.models import Partnership
from forbetter.value.models import MarketQuote, MarketTest, PurchasingCategory

# ------------------------------------------------------------------------------------------------------
# Market testing
# ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MarketTestRow:
    test: MarketTest
    quotes: list[MarketQuote]
    comparison: calc.Comparison | None
    error: str = ""


@dataclass(frozen=True)
class CategoryRow:
    category: PurchasingCategory
    tests: list[MarketTestRow]

    @property
    def latest(self) -> MarketTestRow | None:
        return self.tests[0] if self.tests else None


def categories(partnership: Partnership) -> QuerySet[PurchasingCategory]:
    return PurchasingCategory.objects.filter(partnership=partnership).prefetch_related(
        Prefetch("tests", queryset=MarketTest.objects.prefetch_related("quotes"))
    )


def market_test_row(test: MarketTest, category: PurchasingCategory) -> MarketTestRow:
    """The test's comparison (rules MT-MARKET-PRICE, MT-SAVING...), from its prefetched quotes."""
    quotes = list(test.quotes.all())
    try:
        comparison = calc.compare(
            partner_price_gbp=test.partner_price_gbp,
            quotes=[calc.Quote(q.supplier, q.price_gbp) for q in quotes],
            comparator=cast(calc.Comparator, test.comparator),
            annual_volume=category.annual_volume,
            unit=category.unit,
            method=test.method,
            annual_spend_gbp=category.annual_spend_gbp,
        )
    except InputError as error:
        return MarketTestRow(test, quotes, None, error.message)
    return MarketTestRow(test, quotes, comparison)


def category_rows(partnership: Partnership) -> list[CategoryRow]:
    """Every category with its tests, newest first, in three queries."""
    return [
        CategoryRow(category, [market_test_row(test, category) for test in category.tests.all()])
        for category in categories(partnership)
    ]


def market_totals(rows: list[CategoryRow]) -> dict[str, Decimal]:
    """The latest test of each category: savings and overpayments a year, added up."""
    saving = overpayment = Decimal(0)
    for row in rows:
        latest = row.latest
        if latest is None or latest.comparison is None:
            continue
        amount = latest.comparison.saving_a_year_gbp
        if amount > 0:
            saving += amount
        else:
            overpayment -= amount
    return {"saving": saving, "overpayment": overpayment}


# ------------------------------------------------------------------------------------------------------
# Value for money over the life
# ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LifePage:
    version: BusinessCaseVersion | None
    option: AppraisalOption | None
    comparison: life_value.LifeComparison
    notes: tuple[str, ...] = ()
    actual_rows: tuple[LifeActual, ...] = field(default_factory=tuple)
    appraised_cost_real: Decimal | None = None


def latest_frozen(partnership: Partnership) -> BusinessCaseVersion | None:
    """The partnership's latest frozen business-case version (the last frozen), or None."""
    return (
        BusinessCaseVersion.objects.filter(
            business_case__partnership=partnership, status=VersionStatus.FROZEN
        )
        .select_related("business_case", "frozen_result")
        .prefetch_related(
            "deflator_rates",
            Prefetch(
                "options",
                queryset=AppraisalOption.objects.prefetch_related(
                    Prefetch("lines", queryset=CashflowLine.objects.prefetch_related("values"))
                ),
            ),
        )
        .order_by("-frozen_at", "-pk")
        .first()
    )


def chosen_option(version: BusinessCaseVersion) -> tuple[AppraisalOption | None, str]:
    """The option the partnership is delivering: the preferred option if it is a strategic partnership,
    else the version's first SSP option, else the preferred option; with a note saying which and why."""
    options = list(version.options.all())
    preferred_name = getattr(getattr(version, "frozen_result", None), "preferred", "")
    preferred = next((o for o in options if o.name == preferred_name), None)
    ssp = [o for o in options if o.kind == OptionKind.SSP]
    if preferred is not None and preferred.kind == OptionKind.SSP:
        return preferred, f"Compared with “{preferred.name}”, the business case's preferred option."
    if ssp:
        why = f"the preferred option was “{preferred.name}”" if preferred else "no option was preferred"
        return ssp[0], f"Compared with “{ssp[0].name}”, the strategic partnership option ({why})."
    if preferred is not None:
        return preferred, (
            f"The business case has no strategic partnership option: compared with its preferred option, "
            f"“{preferred.name}”."
        )
    return (options[0], f"Compared with “{options[0].name}”.") if options else (None, "")


def life_actuals(partnership: Partnership) -> list[LifeActual]:
    """Every area's actual costs and benefits to date, area by area."""
    rows: list[LifeActual] = []
    for area in areas():
        if area.life_actuals is not None:
            rows.extend(area.life_actuals(partnership))
    return rows


def _appraised_cost_real(
    version: BusinessCaseVersion, option: AppraisalOption, to_year: int
) -> Decimal | None:
    """The frozen appraisal's real costs of the option to date (with optimism bias and risk), for a note."""
    result = FrozenOptionResult.objects.filter(result__version=version, option=option).first()
    if result is None:
        return None
    last = to_year - version.price_base_year
    return sum((flow.costs_real_gbp for flow in result.flows.filter(year__lte=last)), Decimal(0))


def life_page(partnership: Partnership, today: dt.date | None = None) -> LifePage:
    """The business case against the actuals to date (rules LIFE-*), with notes on the basis used."""
    current = financial_year(today or dt.date.today())
    to_year = current - 1
    rows = life_actuals(partnership)
    actuals = [
        life_value.Actual(
            label=row.label,
            kind=row.kind,
            category=row.category,
            by_year=dict(row.by_year),
            explanation=row.explanation,
            counts=row.counts,
            notes=tuple(row.notes),
            source_url=row.source_url,
        )
        for row in rows
    ]
    version = latest_frozen(partnership)
    option, choice = chosen_option(version) if version is not None else (None, "")
    expected: list[life_value.Expected] = []
    rates: list[Decimal] | Decimal | None = None
    base_year = to_year
    notes: list[str] = []
    appraised = None
    if version is not None and option is not None:
        base_year = version.price_base_year
        listed = [rate.rate for rate in version.deflator_rates.all()]
        rates = listed or version.deflator_rate
        for line in option.lines.all():
            expected.append(
                life_value.Expected(
                    label=line.label,
                    kind=cast(Literal["cost", "benefit"], line.kind),
                    category=line.category,
                    prices=cast(Literal["real", "nominal"], line.prices),
                    by_year={base_year + value.year: value.amount_gbp for value in line.values.all()},
                )
            )
        notes.append(choice)
        appraised = _appraised_cost_real(version, option, to_year)
    so_far = sum(
        (row.by_year.get(current, Decimal(0)) for row in rows if row.counts and row.kind == "cost"),
        Decimal(0),
    )
    notes.append(
        f"Only complete financial years are compared, to {life_value.year_label(to_year)}: "
        f"{life_value.year_label(current)} is under way "
        f"({life_value.money(so_far)} of costs recorded so far), "
        "and part of a year would not compare fairly with the business case's whole year."
    )
    comparison = life_value.compare(
        expected=expected, actuals=actuals, base_year=base_year, to_year=to_year, rates=rates
    )
    return LifePage(version, option, comparison, tuple(notes), tuple(rows), appraised)
