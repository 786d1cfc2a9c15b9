"""Rules MT-QUOTES-AS-TYPED, MT-MARKET-PRICE, MT-SAVING, MT-FEW-QUOTES and MT-SPEND-CHECK
(forbetter.calc.market_testing), with worked examples."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forbetter.calc import market_testing as mt
from forbetter.calc.errors import InputError


def test_quotes_are_read_one_a_line_as_supplier_colon_price() -> None:
    quotes = mt.parse_quotes("Tarmac: £55.10\n\n  Breedon Group : 1,057.40  \nA: B Ltd: 3")
    assert [(q.supplier, q.price_gbp) for q in quotes] == [
        ("Tarmac", Decimal("55.10")),
        ("Breedon Group", Decimal("1057.40")),
        ("A: B Ltd", Decimal("3")),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "give at least one quote"),
        ("Tarmac 55", "line 1 (“Tarmac 55”) needs the supplier, a colon and the price"),
        ("Tarmac: 55\n: 12", "line 2 needs the supplier's name before the colon"),
        ("Tarmac: lots", "line 1 (Tarmac): “lots” is not a price in pounds"),
        ("Tarmac:", "line 1 (Tarmac): give a price"),
        ("Tarmac: 0", "line 1 (Tarmac): the price must be more than £0"),
        ("Tarmac: -3", "line 1 (Tarmac): the price must be more than £0"),
        ("Tarmac: 1.23456", "at most 4 decimal places"),
        ("Tarmac: NaN", "is not a price in pounds"),
        ("Tarmac: 1e99", "the price is too large"),
        ("Tarmac: 5\ntarmac: 6", "line 2: tarmac is quoted twice"),
        ("x" * 201 + ": 5", "line 1: the supplier's name is too long (200 characters at most)"),
    ],
)
def test_bad_quotes_are_refused_naming_the_line(text: str, message: str) -> None:
    with pytest.raises(InputError) as refused:
        mt.parse_quotes(text)
    assert refused.value.field == "quotes"
    assert message in refused.value.message


def test_market_price_is_the_lowest_or_the_median() -> None:
    prices = [Decimal(5), Decimal(1), Decimal(3), Decimal(4)]
    assert mt.market_price(prices, "lowest") == Decimal(1)
    assert mt.market_price(prices, "median") == Decimal("3.5")  # halfway between 3 and 4
    assert mt.market_price(prices[:3], "median") == Decimal(3)
    with pytest.raises(InputError):
        mt.market_price([], "lowest")
    with pytest.raises(InputError, match="lowest or median"):
        mt.market_price(prices, "mean")  # type: ignore[arg-type]


def test_worked_example_an_overpayment_against_the_lowest_quote() -> None:
    """£58.00 a tonne against the lowest of three quotes, £55.10: £2.90 a tonne x 12,000 tonnes a year."""
    result = mt.compare(
        partner_price_gbp=Decimal("58.00"),
        quotes=mt.parse_quotes("Tarmac: 55.10\nBreedon: 57.40\nAggregate Industries: 60.20"),
        comparator="lowest",
        annual_volume=Decimal(12_000),
        unit="tonne",
        annual_spend_gbp=Decimal(696_000),
    )
    assert result.market_price_gbp == Decimal("55.10")
    assert result.saving_per_unit_gbp == Decimal("-2.90")
    assert result.saving_a_year_gbp == Decimal("-34800.00")
    assert result.outcome == "overpayment"
    assert "an overpayment of £2.90 x 12,000 tonnes a year = £34,800.00 a year" in result.lines[-1]
    assert result.warnings == ()


def test_worked_example_a_saving_against_the_median() -> None:
    """Median of 219.90, 228.50, 235.00, 241.75 is (228.50 + 235.00) / 2 = 231.75; the partner pays 212."""
    result = mt.compare(
        partner_price_gbp=Decimal(212),
        quotes=mt.parse_quotes("A: 228.50\nB: 235\nC: 241.75\nD: 219.90"),
        comparator="median",
        annual_volume=Decimal(1_800),
        unit="lantern",
        method="benchmark",
    )
    assert result.market_price_gbp == Decimal("231.75")
    assert result.saving_a_year_gbp == Decimal("35550.00")
    assert result.outcome == "saving"
    assert "the median of 4 quotes" in result.lines[0]
    assert f"{result.saving_share:.1%}" == "8.5%"


def test_at_the_market_price_there_is_neither() -> None:
    result = mt.compare(
        partner_price_gbp=Decimal(10),
        quotes=[mt.Quote("A", Decimal(10))],
        comparator="lowest",
        annual_volume=Decimal(5),
        method="catalogue",
    )
    assert result.outcome == "at market"
    assert result.warnings == ()


def test_few_quotes_and_a_spend_that_does_not_match_the_volume_are_warned_not_refused() -> None:
    result = mt.compare(
        partner_price_gbp=Decimal(10),
        quotes=[mt.Quote("A", Decimal(9))],
        comparator="lowest",
        annual_volume=Decimal(100),
        method="quotes",
        annual_spend_gbp=Decimal(2_000),
    )
    assert "Only 1 quote" in result.warnings[0]
    assert "(£1,000.00) is 50% away from the category's annual spend (£2,000.00)" in result.warnings[1]


@pytest.mark.parametrize(
    ("price", "volume", "field"),
    [(Decimal(0), Decimal(1), "partner_price_gbp"), (Decimal(1), Decimal(0), "annual_volume")],
)
def test_a_price_or_volume_of_nothing_is_refused(price: Decimal, volume: Decimal, field: str) -> None:
    with pytest.raises(InputError) as refused:
        mt.compare(
            partner_price_gbp=price,
            quotes=[mt.Quote("A", Decimal(1))],
            comparator="lowest",
            annual_volume=volume,
        )
    assert refused.value.field == field


@settings(deadline=None)
@given(
    prices=st.lists(st.decimals(min_value=1, max_value=10_000, places=2), min_size=1, max_size=8),
    partner=st.decimals(min_value=1, max_value=10_000, places=2),
    volume=st.integers(min_value=1, max_value=100_000),
)
def test_the_saving_is_the_price_gap_times_the_volume(
    prices: list[Decimal], partner: Decimal, volume: int
) -> None:
    quotes = [mt.Quote(f"S{i}", p) for i, p in enumerate(prices)]
    for comparator in ("lowest", "median"):
        result = mt.compare(
            partner_price_gbp=partner, quotes=quotes, comparator=comparator, annual_volume=Decimal(volume)
        )
        assert min(prices) <= result.market_price_gbp <= max(prices)
        gap = (result.market_price_gbp - partner) * volume
        expected = gap.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert result.saving_a_year_gbp == expected
        assert (result.outcome == "saving") == (result.market_price_gbp > partner)
