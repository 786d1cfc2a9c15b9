"""Rules LIFE-YEARS, LIFE-PRICES, LIFE-TOTALS, LIFE-VARIANCE and LIFE-EXPLAIN (forbetter.calc.life_value),
with the worked example of docs/value.md."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from forbetter.calc import life_value as lv

D = Decimal


def _example() -> lv.LifeComparison:
    """Base year 2022, deflator 2%: a charge of £24m a year real, a client side of £0.6m, benefits £1m cash
    a year; actuals to 2024/25: charges, deductions and benefits, one year of benefit not realised."""
    expected = [
        lv.Expected(
            "Contract charge",
            "cost",
            "operating",
            "real",
            {2022: D(24_000_000), 2023: D(24_000_000), 2024: D(24_000_000), 2025: D(24_000_000)},
        ),
        lv.Expected(
            "Client side",
            "cost",
            "client_side",
            "real",
            {2022: D(600_000), 2023: D(600_000), 2024: D(600_000), 2025: D(600_000)},
        ),
        lv.Expected(
            "Benefits",
            "benefit",
            "benefits",
            "nominal",
            {2022: D(1_000_000), 2023: D(1_000_000), 2024: D(1_000_000), 2025: D(1_000_000)},
        ),
    ]
    actuals = [
        lv.Actual(
            "Monthly charges paid",
            "cost",
            "operating",
            {2022: D(24_000_000), 2023: D(24_600_000), 2024: D(25_000_000)},
            "From statements.",
        ),
        lv.Actual("Deductions", "cost", "operating", {2022: D(-100_000), 2023: D(-300_000)}),
        lv.Actual(
            "Savings",
            "benefit",
            "benefits",
            {2022: D(900_000), 2023: D(1_100_000)},
            notes=("Savings: not yet realised in 2024/25.",),
        ),
        lv.Actual(
            "Approved changes", "cost", "operating", {2023: D(500_000)}, "Inside the charges.", counts=False
        ),
    ]
    return lv.compare(expected=expected, actuals=actuals, base_year=2022, to_year=2024, rates=[D("0.02")])


def test_price_index_compounds_the_deflator_and_repeats_the_last_rate() -> None:
    index, notes = lv.price_index(
        [2021, 2022, 2023, 2024, 2025], base_year=2022, rates=[D("0.02"), D("0.03")]
    )
    assert index[2022] == 1
    assert index[2023] == D("1.02")
    assert index[2024] == D("1.02") * D("1.03")
    assert index[2025] == D("1.02") * D("1.03") * D("1.03")  # the last rate repeated, and said
    assert index[2021] == 1 / D("1.02")
    assert "later years repeat the last rate (3.00%)" in notes[0]
    single, none = (
        lv.price_index([2024], base_year=2022, rates=D("0.02")),
        lv.price_index([2024], base_year=2022, rates=None),
    )
    assert single[0][2024] == D("1.0404")
    assert single[1] == ()
    assert none[0][2024] == 1
    assert "no GDP deflator" in none[1][0]


def test_worked_example_years_totals_and_variance() -> None:
    result = _example()
    assert [row.label for row in result.years] == ["2022/23", "2023/24", "2024/25"]  # 2025 is after to_year
    first, second, third = result.years
    # expected cost: (24m + 0.6m) x P_t, P = 1, 1.02, 1.0404
    assert first.expected_cost == D(24_600_000)
    assert second.expected_cost == D(24_600_000) * D("1.02")
    assert third.expected_cost == D(24_600_000) * D("1.0404")
    # actual cost: charges + deductions; approved changes are not added (rule LIFE-TOTALS)
    assert [row.actual_cost for row in result.years] == [D(23_900_000), D(24_300_000), D(25_000_000)]
    assert second.actual_cost_real == D(24_300_000) / D("1.02")
    assert second.expected_cost_real == D(24_600_000)
    assert third.actual_benefit == 0
    assert third.benefit_variance == D(-1_000_000)
    assert result.actual_cost == D(73_200_000)
    assert result.cost_variance == result.actual_cost - result.expected_cost
    assert result.net_variance == result.cost_variance - result.benefit_variance
    assert third.cumulative_actual_cost == D(73_200_000)
    assert [a.label for a in result.not_counted] == ["Approved changes"]
    assert "turned into cash with its GDP deflator" in result.notes[0]


def test_the_variance_is_explained_line_by_line_in_words() -> None:
    by = {c.category: c for c in _example().categories}
    operating = by["operating"].explanation
    assert operating[0].startswith(
        "Operating and contract charges: £73,200,000 spent against £73,449,600 expected, "
        "£249,600 (0.3%) under"
    )
    assert operating[1] == "Largest variances: 2023/24 (−£180,000), 2022/23 (−£100,000)."
    assert "Of which Monthly charges paid: £73,600,000. From statements." in operating
    assert "Of which Deductions: −£400,000." in operating
    client = by["client_side"].explanation
    assert "no area records actuals of this kind yet" in client[0]
    assert client[0].startswith("Client-side management: £1,836,240 expected (Client side)")
    benefits = by["benefits"].explanation
    assert "£2,000,000 realised against £3,000,000 expected, £1,000,000 (33.3%) less than" in benefits[0]
    assert "Savings: not yet realised in 2024/25." in benefits


def test_an_actual_with_no_business_case_line_is_shown_on_its_own() -> None:
    result = lv.compare(
        expected=[],
        actuals=[lv.Actual("Team", "cost", "client_side", {2024: D(10)})],
        base_year=2024,
        to_year=2024,
        rates=None,
    )
    assert result.categories[0].explanation[0] == (
        "Client-side management: £10 spent; the business case has no line of this kind to compare."
    )
    assert result.cost_variance == D(10)
    assert "2024/25 to 2024/25, costs were £10 against £0 expected (£10 more)" in result.summary


def test_nothing_to_compare() -> None:
    result = lv.compare(expected=[], actuals=[], base_year=2024, to_year=2024, rates=None)
    assert result.years == ()
    assert result.categories == ()
    assert result.summary == "There are no expected or actual figures to date to compare."


@settings(deadline=None)
@given(
    values=st.lists(st.integers(min_value=-(10**7), max_value=10**8), min_size=1, max_size=6),
    expected=st.lists(st.integers(min_value=0, max_value=10**8), min_size=1, max_size=6),
)
def test_totals_add_up_whatever_the_rows(values: list[int], expected: list[int]) -> None:
    actual = lv.Actual("A", "cost", "operating", {2020 + i: D(v) for i, v in enumerate(values)})
    line = lv.Expected("E", "cost", "operating", "nominal", {2020 + i: D(v) for i, v in enumerate(expected)})
    result = lv.compare(expected=[line], actuals=[actual], base_year=2020, to_year=2030, rates=D("0.02"))
    assert result.actual_cost == sum(D(v) for v in values)
    assert result.expected_cost == sum(D(v) for v in expected)  # nominal lines are not inflated
    assert sum(row.cost_variance for row in result.years) == result.cost_variance
    assert result.years[-1].cumulative_actual_cost == result.actual_cost if result.years else True


def test_an_actuals_part_counts_the_years_compared_and_says_what_it_is_in_all() -> None:
    """A year under way is left out of the comparison, so each part of a line gives its amount in the years
    compared (which is what the line's total adds up), and its amount in all beside it."""
    charges = lv.Actual(
        "Monthly charges paid",
        "cost",
        "operating",
        {2022: D(24_000_000), 2023: D(6_000_000)},
        "From statements.",
    )
    result = lv.compare(
        expected=[lv.Expected("Charge", "cost", "operating", "nominal", {2022: D(24_000_000)})],
        actuals=[charges],
        base_year=2022,
        to_year=2022,
        rates=None,
    )
    (operating,) = result.categories
    assert (
        "Of which Monthly charges paid: £24,000,000 in the years compared "
        "(£30,000,000 in all, counting years outside them). From statements."
    ) in operating.explanation
    assert (
        operating.explanation[0] == "Operating and contract charges: £24,000,000 spent, exactly as expected."
    )
