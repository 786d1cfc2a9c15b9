"""Responsiveness to change (forbetter.calc.responsiveness) and the partnership review due date
(forbetter.calc.partnership_review): the worked examples of each rule, bad input refused by name, and
properties that hold for any contract."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forbetter.calc import partnership_review as review
from forbetter.calc import responsiveness as calc
from forbetter.calc.errors import InputError

D = Decimal
HIGHWAYS = calc.ServiceTerms("Highways", D(1_000_000), D("0.6"), D("0.05"))
PROPERTY = calc.ServiceTerms(
    "Property", D(2_400_000), notice_months=6, compensation_share=D("0.25"), compensation_fixed_gbp=D(0)
)


def test_resp_demand_within_the_band_costs_nothing() -> None:
    moved, lines = calc.demand_change_price(HIGHWAYS, D("0.05"))
    assert moved == 0
    assert "within the 5% tolerance band" in lines[1]


def test_resp_demand_beyond_the_band_moves_the_variable_part_by_the_excess() -> None:
    moved, lines = calc.demand_change_price(HIGHWAYS, D("0.15"))
    assert moved == D(60_000)
    assert lines[-1] == "The charge rises by £600,000 × 10% × 1 (increase rate) = £60,000 a year."


def test_resp_demand_down_is_credited_at_the_decrease_rate() -> None:
    terms = calc.ServiceTerms("Property", D(7_200_000), D("0.35"), D("0.10"), decrease_rate=D("0.9"))
    moved, lines = calc.demand_change_price(terms, D("-0.20"))
    assert moved == D(-226_800)
    assert "falls by £2,520,000 × 10% × 0.9 (decrease rate) = £226,800" in lines[-1]


def test_resp_demand_up_is_priced_at_the_increase_rate() -> None:
    terms = calc.ServiceTerms("Highways", D(1_000_000), D("0.5"), D(0), increase_rate=D("1.1"))
    assert calc.demand_change_price(terms, D("0.2"))[0] == D(110_000)


def test_resp_withdraw_worked_example() -> None:
    priced = calc.price_scenario(
        [PROPERTY], calc.Withdrawal("Property", D(2_100_000)), years=3, starts_in_year=1
    )
    assert [year.with_change_gbp for year in priced.years] == [D(2_850_000), D(2_100_000), D(2_100_000)]
    assert [year.difference_gbp for year in priced.years] == [D(450_000), D(-300_000), D(-300_000)]
    assert "Compensation of 25% of the lost annual charge = £600,000" in " ".join(priced.lines)
    assert (
        "In the year of withdrawal Property costs £2,850,000 against £2,400,000 with no change (£450,000)."
        in (priced.lines)
    )


def test_resp_withdraw_notice_longer_than_a_year_runs_into_the_next() -> None:
    terms = calc.ServiceTerms("IT", D(1_200_000), notice_months=18)
    costs = [calc.withdrawal_year_cost(terms, since, D(0)) for since in range(3)]
    assert costs == [D(1_200_000), D(600_000), D(0)]


def test_resp_withdraw_compensation_is_share_plus_fixed() -> None:
    terms = calc.ServiceTerms("IT", D(800_000), compensation_share=D("0.5"), compensation_fixed_gbp=D(50_000))
    assert calc.compensation(terms) == D(450_000)


def test_resp_add_cost_plus_and_quoted() -> None:
    assert calc.added_service_price(calc.AddedService("Parking", D(500_000), "cost_plus", D("0.08"))) == D(
        540_000
    )
    assert calc.added_service_price(calc.AddedService("Parking", D(520_000), "quoted", D("0.08"))) == D(
        520_000
    )


def test_resp_policy_is_shared() -> None:
    priced = calc.price_scenario([HIGHWAYS], calc.PolicyChange(D(300_000), D("0.5")), years=2)
    assert priced.total_difference_gbp == D(300_000)
    assert (
        "The council bears 50% of it (£150,000); the partner absorbs the rest (£150,000)." in priced.lines[-1]
    )


def test_resp_compare_worked_example() -> None:
    priced = calc.price_scenario(
        [HIGHWAYS, PROPERTY], calc.DemandChange("Highways", D("0.15")), years=3, starts_in_year=2
    )
    assert [year.without_change_gbp for year in priced.years] == [D(3_400_000)] * 3
    assert [year.with_change_gbp for year in priced.years] == [D(3_400_000), D(3_460_000), D(3_460_000)]
    assert priced.total_difference_gbp == D(120_000)
    assert priced.lines[0].startswith("With no change the contract costs £3,400,000 a year")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (calc.DemandChange("Highways", D("-1.5")), "change"),
        (calc.DemandChange("Highways", D(6)), "change"),
        (calc.DemandChange("Nowhere", D("0.1")), "service"),
        (calc.Withdrawal("Highways", D(-1)), "in_house_annual_cost_gbp"),
        (calc.AddedService("X", D(-1)), "cost_gbp"),
        (calc.AddedService("X", D(1), "guessed"), "price_basis"),
        (calc.AddedService("X", D(1), "cost_plus", D(2)), "margin"),
        (calc.PolicyChange(D(-1), D("0.5")), "annual_cost_gbp"),
        (calc.PolicyChange(D(1), D("1.5")), "council_share"),
    ],
)
def test_bad_changes_are_refused_naming_the_field(change: calc.Change, field: str) -> None:
    with pytest.raises(InputError) as refused:
        calc.price_scenario([HIGHWAYS], change, years=3)
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        (calc.ServiceTerms("A", D(-1)), "annual_charge_gbp"),
        (calc.ServiceTerms("A", D(1), variable_share=D("1.2")), "variable_share"),
        (calc.ServiceTerms("A", D(1), tolerance_band=D("-0.1")), "tolerance_band"),
        (calc.ServiceTerms("A", D(1), increase_rate=D(6)), "increase_rate"),
        (calc.ServiceTerms("A", D(1), notice_months=-1), "notice_months"),
        (calc.ServiceTerms("A", D(1), compensation_fixed_gbp=D(-5)), "compensation_fixed_gbp"),
    ],
)
def test_impossible_terms_are_refused_naming_the_field(terms: calc.ServiceTerms, field: str) -> None:
    with pytest.raises(InputError) as refused:
        calc.price_scenario([terms], calc.PolicyChange(D(0), D(0)), years=1)
    assert refused.value.field == field


def test_years_and_start_are_checked_and_services_named_once() -> None:
    change = calc.PolicyChange(D(1), D(1))
    with pytest.raises(InputError, match="years"):
        calc.price_scenario([HIGHWAYS], change, years=0)
    with pytest.raises(InputError, match="starts_in_year"):
        calc.price_scenario([HIGHWAYS], change, years=3, starts_in_year=4)
    with pytest.raises(InputError, match="services"):
        calc.price_scenario([HIGHWAYS, HIGHWAYS], change, years=3)


money = st.decimals(min_value=0, max_value=50_000_000, places=2, allow_nan=False, allow_infinity=False)
fraction = st.decimals(min_value=0, max_value=1, places=4, allow_nan=False, allow_infinity=False)
rate = st.decimals(min_value=0, max_value=5, places=4, allow_nan=False, allow_infinity=False)
terms_strategy = st.builds(
    calc.ServiceTerms,
    name=st.just("S"),
    annual_charge_gbp=money,
    variable_share=fraction,
    tolerance_band=fraction,
    increase_rate=rate,
    decrease_rate=rate,
    notice_months=st.integers(0, 60),
    compensation_share=fraction,
    compensation_fixed_gbp=money,
)


@given(terms_strategy, st.decimals(min_value=-1, max_value=5, places=4))
def test_demand_never_moves_the_charge_against_the_demand_or_beyond_its_variable_part(
    terms: calc.ServiceTerms, change: Decimal
) -> None:
    moved, _ = calc.demand_change_price(terms, change)
    if abs(change) <= terms.tolerance_band:
        assert moved == 0
    elif change > 0:
        assert moved >= 0
    else:
        assert moved <= 0
        # a fall can never credit more than the variable part times the decrease rate
        assert -moved <= terms.annual_charge_gbp * terms.variable_share * terms.decrease_rate


@given(
    terms_strategy,
    st.decimals(min_value=0, max_value=1, places=4),
    st.decimals(min_value=0, max_value=1, places=4),
)
def test_more_demand_never_costs_less(terms: calc.ServiceTerms, first: Decimal, second: Decimal) -> None:
    low, high = sorted((first, second))
    assert calc.demand_change_price(terms, low)[0] <= calc.demand_change_price(terms, high)[0]


@given(terms_strategy, money, st.integers(1, 15), st.data())
def test_years_before_the_change_cost_the_same_and_totals_add_up(
    terms: calc.ServiceTerms, in_house: Decimal, years: int, data: st.DataObject
) -> None:
    start = data.draw(st.integers(1, years))
    priced = calc.price_scenario([terms], calc.Withdrawal("S", in_house), years=years, starts_in_year=start)
    assert len(priced.years) == years
    for year in priced.years[: start - 1]:
        assert year.difference_gbp == 0
    assert priced.total_difference_gbp == sum(year.difference_gbp for year in priced.years)


@given(terms_strategy, money)
def test_withdrawal_after_the_notice_costs_only_the_in_house_service(
    terms: calc.ServiceTerms, in_house: Decimal
) -> None:
    years_after = terms.notice_months // 12 + 1
    assert calc.withdrawal_year_cost(terms, years_after, in_house) == in_house


def test_review_due_counts_from_the_last_completed_review_or_the_service_start() -> None:
    assert review.next_review_due(
        last_completed_on=dt.date(2025, 3, 31), service_started_on=dt.date(2022, 4, 1), interval_years=3
    ) == dt.date(2028, 3, 31)
    assert review.next_review_due(
        last_completed_on=None, service_started_on=dt.date(2022, 4, 1), interval_years=3
    ) == dt.date(2025, 4, 1)
    assert review.next_review_due(last_completed_on=None, service_started_on=None, interval_years=3) is None
    with pytest.raises(InputError, match="interval_years"):
        review.next_review_due(last_completed_on=None, service_started_on=None, interval_years=0)


def test_review_overdue_only_after_the_due_date() -> None:
    due = dt.date(2025, 6, 1)
    assert not review.is_overdue(due, due)
    assert review.is_overdue(due, due + dt.timedelta(days=1))
    assert not review.is_overdue(None, due)
