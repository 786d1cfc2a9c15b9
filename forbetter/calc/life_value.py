"""Value for money over the life: the business case's expected costs and benefits against the actuals to date.

Rules:

=====================  ===========================================================================
rule                   what it says
=====================  ===========================================================================
LIFE-YEARS             years are financial years (April to March), named by the calendar year they
                       start in; business-case year t is financial year base + t. The comparison runs
                       from the first year either side has a figure to the last year to date
                       (:func:`compare`, ``to_year``); later expected years are left out
LIFE-PRICES            actuals are cash (nominal). A business-case line in real base-year prices is
                       turned into cash with the version's deflator: cash_t = real_t x P_t, with
                       P_t = (1 + g_1) ... (1 + g_t) (:func:`price_index`). Each year's actual is also
                       shown in base-year prices, actual_t / P_t. Without a deflator real lines are
                       compared as they are, and a note says so
LIFE-TOTALS            only rows that count are added up; a row that explains a variance but is inside
                       another (approved changes, inside the charges paid) is shown, not added
LIFE-VARIANCE          variance = actual - expected, for costs and for benefits, year by year and in
                       total; for costs a positive variance is an overspend, for benefits a positive
                       variance is more realised than expected. Net cost = costs - benefits
LIFE-EXPLAIN           each business-case category is explained in words: actual against expected, the
                       years with the largest variances, and the actual rows that make it up (a
                       deduction, a changed charge, gainshare, a benefit not yet realised, in the
                       areas' own words)
=====================  ===========================================================================

Pure Python, Decimal pounds, no Django.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from forbetter.calc.dates import year_label

Kind = Literal["cost", "benefit"]
ZERO = Decimal(0)
LARGEST_YEARS = 2
CATEGORY_LABELS = {
    "operating": "Operating and contract charges",
    "capital": "Capital",
    "transition": "Transition and staff transfer",
    "procurement": "Procurement",
    "client_side": "Client-side management",
    "risk": "Risk",
    "benefits": "Benefits",
    "": "Not in the business case",
}


def money(value: Decimal) -> str:
    """Pounds to the pound, the sign decided after rounding: -1234.5 -> '−£1,235', -0.4 -> '£0'."""
    rounded = value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    sign = "−" if rounded < 0 else ""
    return f"{sign}£{abs(rounded):,.0f}"


@dataclass(frozen=True)
class Expected:
    """One line of the business case's option, by financial year, in the prices it was entered in."""

    label: str
    kind: Kind
    category: str
    prices: Literal["real", "nominal"]
    by_year: Mapping[int, Decimal]


@dataclass(frozen=True)
class Actual:
    """One row of actual costs or benefits to date, cash, by financial year."""

    label: str
    kind: Kind
    category: str
    by_year: Mapping[int, Decimal]
    explanation: str = ""
    counts: bool = True
    notes: tuple[str, ...] = ()
    source_url: str = ""

    @property
    def total(self) -> Decimal:
        return sum(self.by_year.values(), ZERO)


def price_index(
    years: Sequence[int], *, base_year: int, rates: Sequence[Decimal] | Decimal | None
) -> tuple[dict[int, Decimal], tuple[str, ...]]:
    """Rule LIFE-PRICES: P_t for each financial year, relative to the base year (P = 1 there).

    ``rates`` is the GDP deflator growth: one rate for every year, or a list [g1, g2, ...]; a list shorter
    than needed repeats its last rate (a note says so). Years before the base year are deflated backwards
    by the first rate. Without rates every P_t is 1 and a note says real lines are taken as cash.

    >>> price_index([2024, 2025, 2026], base_year=2024, rates=[Decimal("0.02")])[0][2026]
    Decimal('1.0404')
    """
    notes: list[str] = []
    if rates is None or (not isinstance(rates, Decimal) and not rates):
        if years:
            notes.append(
                "The business case gives no GDP deflator, so its real (base-year) figures are compared with "
                "cash actuals as they stand."
            )
        return {year: Decimal(1) for year in years}, tuple(notes)
    listed = [rates] if isinstance(rates, Decimal) else list(rates)
    single = isinstance(rates, Decimal)

    def growth(k: int) -> Decimal:
        return listed[min(k, len(listed)) - 1] if not single else listed[0]

    index: dict[int, Decimal] = {}
    beyond = False
    for year in years:
        t = year - base_year
        level = Decimal(1)
        if t > 0:
            for k in range(1, t + 1):
                level *= 1 + growth(k)
            beyond = beyond or (not single and t > len(listed))
        elif t < 0:
            for _ in range(-t):
                level /= 1 + growth(1)
        index[year] = level
    if beyond:
        notes.append(
            f"The business case lists deflator rates for {len(listed)} year(s) after the base year; later "
            f"years repeat the last rate ({listed[-1]:.2%})."
        )
    return index, tuple(notes)


@dataclass(frozen=True)
class YearRow:
    year: int
    expected_cost: Decimal
    actual_cost: Decimal
    expected_benefit: Decimal
    actual_benefit: Decimal
    actual_cost_real: Decimal
    expected_cost_real: Decimal
    cumulative_expected_cost: Decimal
    cumulative_actual_cost: Decimal

    @property
    def label(self) -> str:
        return year_label(self.year)

    @property
    def cost_variance(self) -> Decimal:
        return self.actual_cost - self.expected_cost

    @property
    def benefit_variance(self) -> Decimal:
        return self.actual_benefit - self.expected_benefit

    @property
    def net_variance(self) -> Decimal:
        """Actual net cost - expected net cost (positive: worse than the business case)."""
        return self.cost_variance - self.benefit_variance


@dataclass(frozen=True)
class CategoryRow:
    """One business-case category (or actual rows with no category), expected against actual."""

    category: str
    kind: Kind
    expected_by_year: dict[int, Decimal]
    actual_by_year: dict[int, Decimal]
    expected_labels: tuple[str, ...]
    actuals: tuple[Actual, ...]
    explanation: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return CATEGORY_LABELS.get(self.category, self.category.replace("_", " ").capitalize())

    @property
    def expected(self) -> Decimal:
        return sum(self.expected_by_year.values(), ZERO)

    @property
    def actual(self) -> Decimal:
        return sum(self.actual_by_year.values(), ZERO)

    @property
    def variance(self) -> Decimal:
        return self.actual - self.expected


@dataclass(frozen=True)
class LifeComparison:
    years: tuple[YearRow, ...]
    categories: tuple[CategoryRow, ...]
    not_counted: tuple[Actual, ...]
    notes: tuple[str, ...]
    base_year: int
    to_year: int
    index: Mapping[int, Decimal] = field(default_factory=dict)

    @property
    def base_label(self) -> str:
        return year_label(self.base_year)

    @property
    def expected_cost(self) -> Decimal:
        return sum((y.expected_cost for y in self.years), ZERO)

    @property
    def actual_cost(self) -> Decimal:
        return sum((y.actual_cost for y in self.years), ZERO)

    @property
    def expected_benefit(self) -> Decimal:
        return sum((y.expected_benefit for y in self.years), ZERO)

    @property
    def actual_benefit(self) -> Decimal:
        return sum((y.actual_benefit for y in self.years), ZERO)

    @property
    def cost_variance(self) -> Decimal:
        return self.actual_cost - self.expected_cost

    @property
    def benefit_variance(self) -> Decimal:
        return self.actual_benefit - self.expected_benefit

    @property
    def net_variance(self) -> Decimal:
        return self.cost_variance - self.benefit_variance

    @property
    def summary(self) -> str:
        """The whole comparison in one sentence."""
        if not self.years:
            return "There are no expected or actual figures to date to compare."
        span = f"{year_label(self.years[0].year)} to {year_label(self.years[-1].year)}"
        cost = _direction(self.cost_variance, "more", "less")
        benefit = _direction(self.benefit_variance, "more", "less")
        net = (
            f"the net cost is {money(abs(self.net_variance))} "
            f"{'worse' if self.net_variance > 0 else 'better'} than the business case expected"
            if self.net_variance
            else "the net cost is as the business case expected"
        )
        return (
            f"From {span}, costs were {money(self.actual_cost)} against {money(self.expected_cost)} expected "
            f"({cost}) and benefits {money(self.actual_benefit)} against {money(self.expected_benefit)} "
            f"({benefit}): {net}. All in cash."
        )


def _direction(variance: Decimal, up: str, down: str) -> str:
    if variance > 0:
        return f"{money(variance)} {up}"
    if variance < 0:
        return f"{money(-variance)} {down}"
    return "as expected"


def _add(target: dict[int, Decimal], values: Mapping[int, Decimal], years: set[int]) -> None:
    for year, amount in values.items():
        if year in years:
            target[year] = target.get(year, ZERO) + amount


def _explain(row: CategoryRow, years: Sequence[int]) -> tuple[str, ...]:
    """Rule LIFE-EXPLAIN for one category."""
    lines: list[str] = []
    what = "realised" if row.kind == "benefit" else "spent"
    if not row.expected_labels:
        lines.append(
            f"{row.label}: {money(row.actual)} {what}; the business case has no line of this kind to compare."
        )
    elif not row.actuals:
        lines.append(
            f"{row.label}: {money(row.expected)} expected ({', '.join(row.expected_labels)}), but no area "
            "records actuals of this kind yet, so the whole amount shows as a variance."
        )
    else:
        if row.variance == 0:
            lines.append(f"{row.label}: {money(row.actual)} {what}, exactly as expected.")
        else:
            if row.kind == "benefit":
                word = "more than" if row.variance > 0 else "less than"
            else:
                word = "over" if row.variance > 0 else "under"
            share = f" ({abs(row.variance) / row.expected:.1%})" if row.expected else ""
            lines.append(
                f"{row.label}: {money(row.actual)} {what} against {money(row.expected)} expected, "
                f"{money(abs(row.variance))}{share} {word} the business case."
            )
        by_year = {
            year: row.actual_by_year.get(year, ZERO) - row.expected_by_year.get(year, ZERO) for year in years
        }
        largest = sorted((y for y in by_year if by_year[y]), key=lambda y: (-abs(by_year[y]), y))
        if row.variance and largest:
            parts = [
                f"{year_label(y)} ({'+' if by_year[y] > 0 else '−'}{money(abs(by_year[y]))})" for y in largest
            ]
            lines.append(f"Largest variances: {', '.join(parts[:LARGEST_YEARS])}.")
    for actual in row.actuals:
        compared = sum((actual.by_year.get(year, ZERO) for year in years), ZERO)
        part = f"Of which {actual.label}: {money(compared)}"
        if compared != actual.total:
            part += f" in the years compared ({money(actual.total)} in all, counting years outside them)"
        if actual.explanation:
            part += f". {actual.explanation}"
        lines.append(part.rstrip(".") + ".")
        lines.extend(actual.notes)
    return tuple(lines)


def compare(
    *,
    expected: Sequence[Expected],
    actuals: Sequence[Actual],
    base_year: int,
    to_year: int,
    rates: Sequence[Decimal] | Decimal | None,
) -> LifeComparison:
    """Rules LIFE-YEARS, LIFE-PRICES, LIFE-TOTALS, LIFE-VARIANCE and LIFE-EXPLAIN.

    ``expected`` are the business case's lines by financial year, ``actuals`` every area's rows (cash),
    ``to_year`` the last financial year to compare (the current one), ``rates`` the version's deflator.
    """
    counted = [a for a in actuals if a.counts]
    first_candidates = [y for line in expected for y, v in line.by_year.items() if v] + [
        y for a in counted for y, v in a.by_year.items() if v
    ]
    if not first_candidates or min(first_candidates) > to_year:
        years: list[int] = []
    else:
        years = list(range(min(first_candidates), to_year + 1))
    in_range = set(years)
    index, notes = price_index(years, base_year=base_year, rates=rates)
    index = {y: index[y] for y in years}
    if any(line.prices == "real" for line in expected) and rates:
        notes = (
            f"The business case's real lines are in {year_label(base_year)} prices; "
            "they are turned into cash with its GDP deflator to compare with the actuals, which are cash.",
            *notes,
        )

    def cash(line: Expected) -> dict[int, Decimal]:
        if line.prices == "nominal":
            return {y: v for y, v in line.by_year.items() if y in in_range}
        return {y: v * index[y] for y, v in line.by_year.items() if y in in_range}

    order: list[tuple[str, Kind]] = []
    expected_by: dict[tuple[str, Kind], dict[int, Decimal]] = {}
    labels: dict[tuple[str, Kind], list[str]] = {}
    for line in expected:
        key = (line.category, line.kind)
        if key not in expected_by:
            order.append(key)
            expected_by[key], labels[key] = {}, []
        _add(expected_by[key], cash(line), in_range)
        labels[key].append(line.label)
    actual_by: dict[tuple[str, Kind], dict[int, Decimal]] = {}
    rows_by: dict[tuple[str, Kind], list[Actual]] = {}
    for actual in counted:
        key = (actual.category, actual.kind)
        if key not in expected_by and key not in actual_by:
            order.append(key)
        actual_by.setdefault(key, {})
        rows_by.setdefault(key, []).append(actual)
        _add(actual_by[key], actual.by_year, in_range)

    categories = []
    for key in order:
        row = CategoryRow(
            category=key[0],
            kind=key[1],
            expected_by_year=expected_by.get(key, {}),
            actual_by_year=actual_by.get(key, {}),
            expected_labels=tuple(labels.get(key, ())),
            actuals=tuple(rows_by.get(key, ())),
        )
        categories.append(
            CategoryRow(
                row.category,
                row.kind,
                row.expected_by_year,
                row.actual_by_year,
                row.expected_labels,
                row.actuals,
                _explain(row, years),
            )
        )

    rows = []
    cumulative_expected = cumulative_actual = ZERO
    for year in years:
        expected_cost = sum(
            (c.expected_by_year.get(year, ZERO) for c in categories if c.kind == "cost"), ZERO
        )
        actual_cost = sum((c.actual_by_year.get(year, ZERO) for c in categories if c.kind == "cost"), ZERO)
        cumulative_expected += expected_cost
        cumulative_actual += actual_cost
        rows.append(
            YearRow(
                year=year,
                expected_cost=expected_cost,
                actual_cost=actual_cost,
                expected_benefit=sum(
                    (c.expected_by_year.get(year, ZERO) for c in categories if c.kind == "benefit"), ZERO
                ),
                actual_benefit=sum(
                    (c.actual_by_year.get(year, ZERO) for c in categories if c.kind == "benefit"), ZERO
                ),
                actual_cost_real=actual_cost / index[year],
                expected_cost_real=expected_cost / index[year],
                cumulative_expected_cost=cumulative_expected,
                cumulative_actual_cost=cumulative_actual,
            )
        )
    return LifeComparison(
        years=tuple(rows),
        categories=tuple(categories),
        not_counted=tuple(a for a in actuals if not a.counts),
        notes=tuple(notes),
        base_year=base_year,
        to_year=to_year,
        index=index,
    )
