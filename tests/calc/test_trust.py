"""Rules TRUST-ATTENDANCE, TRUST-TREND and OPEN-BOOK-VARIANCE (forbetter.calc.trust), with worked examples."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forbetter.calc import trust
from forbetter.calc.errors import InputError


def test_names_are_split_on_lines_commas_and_semicolons_and_blanks_dropped() -> None:
    assert trust.names("Priya Shah\nChris Morgan, Fatima Begum;; \n") == [
        "Priya Shah",
        "Chris Morgan",
        "Fatima Begum",
    ]
    assert trust.names("") == []


def test_attendance_is_the_count_given_or_else_the_names_listed() -> None:
    assert trust.attendance(None, "A\nB\nC") == 3
    assert trust.attendance(7, "A, B") == 7
    assert trust.attendance(0, "") == 0
    assert trust.attendance(None, "") == 0


def test_attendance_below_the_names_listed_is_refused_naming_both() -> None:
    with pytest.raises(InputError) as refused:
        trust.attendance(1, "A\nB", field="council_count")
    assert refused.value.field == "council_count"
    assert "(1) is fewer than the 2 names listed" in refused.value.message
    with pytest.raises(InputError, match="negative"):
        trust.attendance(-1, "")


@pytest.mark.parametrize(
    ("values", "higher_is_better", "direction", "explanation"),
    [
        ([], True, "no trend yet", "No values recorded yet, so there is no trend."),
        (["3"], True, "no trend yet", "Only one value recorded, so there is no trend yet."),
        (
            ["3.0", "3.5"],
            True,
            "improving",
            "The latest value, 3.5, is up 0.5 on the one before (3): improving.",
        ),
        (
            ["3.5", "3.0"],
            True,
            "worsening",
            "The latest value, 3, is down 0.5 on the one before (3.5): worsening.",
        ),
        (
            ["6.0", "4.5"],
            False,
            "improving",
            "The latest value, 4.5, is down 1.5 on the one before (6): improving.",
        ),
        (["4", "4.00"], False, "no change", "The latest value, 4, is the same as the one before."),
    ],
)
def test_trend_compares_the_latest_value_with_the_one_before(
    values: list[str], higher_is_better: bool, direction: str, explanation: str
) -> None:
    found = trust.trend([Decimal(v) for v in values], higher_is_better=higher_is_better)
    assert found.direction == direction
    assert found.explanation == explanation


@given(
    st.lists(st.decimals(min_value=-1000, max_value=1000, places=2), min_size=2, max_size=8),
    st.booleans(),
)
def test_trend_flips_when_better_is_the_other_way_and_ignores_older_values(
    values: list[Decimal], higher_is_better: bool
) -> None:
    one = trust.trend(values, higher_is_better=higher_is_better)
    other = trust.trend(values, higher_is_better=not higher_is_better)
    assert one.change == values[-1] - values[-2]
    assert trust.trend(values[-2:], higher_is_better=higher_is_better) == one
    if one.change == 0:
        assert one.direction == other.direction == "no change"
    else:
        assert {one.direction, other.direction} == {"improving", "worsening"}


def test_variance_worked_example() -> None:
    """£24.5m agreed, £24.68m in the books: £180,000 over (0.73%); margin 8.5% against 8%: 0.5 points."""
    found = trust.variance(
        agreed_cost_gbp=Decimal("24500000"),
        submitted_cost_gbp=Decimal("24680000"),
        agreed_margin=Decimal("0.08"),
        actual_margin=Decimal("0.085"),
    )
    assert found.cost_gbp == Decimal("180000")
    assert found.cost_share == Decimal("0.0073")
    assert found.margin_points == Decimal("0.50")


def test_variance_without_margins_or_agreed_cost_says_nothing_it_cannot() -> None:
    found = trust.variance(agreed_cost_gbp=Decimal(0), submitted_cost_gbp=Decimal(10))
    assert (found.cost_gbp, found.cost_share, found.margin_points) == (Decimal(10), None, None)
    with pytest.raises(InputError, match="agreed cost cannot be negative"):
        trust.variance(agreed_cost_gbp=Decimal(-1), submitted_cost_gbp=Decimal(0))


def test_variance_says_over_or_under_with_the_size_unsigned() -> None:
    under = trust.variance(agreed_cost_gbp=Decimal(200), submitted_cost_gbp=Decimal(150))
    assert (under.cost_words, under.cost_size_gbp, under.cost_share_size) == (
        "under",
        Decimal(50),
        Decimal("0.25"),
    )
    over = trust.variance(agreed_cost_gbp=Decimal(200), submitted_cost_gbp=Decimal(250))
    assert (over.cost_words, over.cost_size_gbp) == ("over", Decimal(50))
    assert (
        trust.variance(agreed_cost_gbp=Decimal(1), submitted_cost_gbp=Decimal(1)).cost_words == "the same as"
    )
