"""Exit-cost arithmetic (forbetter.calc.exit_costs): worked examples, route availability, bad input and
properties.

Sources: the module docstring's formula; HM Treasury SoPC4 (2007) ch. 21 for what compensation covers;
Green Book discounting for the annuity factor.
"""

from __future__ import annotations

import doctest
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forbetter.calc import exit_costs
from forbetter.calc.errors import InputError
from forbetter.calc.exit_costs import (
    ROUTES,
    ExitCostInputs,
    annuity_factor,
    compensation_overlaps,
    costliest_exit,
    exit_cost,
    exit_cost_table,
    route_available,
    unamortised_investment_gbp,
)

WORKED = ExitCostInputs(
    term_years=10,
    annual_charge_gbp=2_000_000,
    replacement_annual_cost_gbp=1_800_000,
    partner_investment_gbp=5_000_000,
    amortisation_years=5,
    tupe_costs_gbp=100_000,
    redundancy_costs_gbp=50_000,
    transition_costs_gbp=300_000,
    reprocurement_costs_gbp=250_000,
    break_years=(5,),
    compensation_gbp={
        "council_voluntary_termination": {3: 1_000_000, 5: 800_000},
        "partner_default": {3: -400_000},
        "break_clause": {5: 250_000},
    },
    investment_share={"council_voluntary_termination": 1.0, "break_clause": 0.5},
    discount_schedule="none",  # the hand calculations below are in cash
)


def test_worked_example_voluntary_termination_in_year_three() -> None:
    """1,000,000 + 5,000,000 × (1 − 3/5) + 150,000 + 550,000 − 2,000,000 × 7 + 1,800,000 × 7 = 2,300,000."""
    cost = exit_cost(WORKED, route="council_voluntary_termination", year=3)
    assert cost.available
    assert cost.compensation_gbp == 1_000_000
    assert cost.investment_gbp == pytest.approx(2_000_000)
    assert cost.staff_costs_gbp == 150_000
    assert cost.transition_costs_gbp == 550_000
    assert cost.charges_saved_gbp == 14_000_000
    assert cost.replacement_costs_gbp == 12_600_000
    assert cost.net_cost_gbp == pytest.approx(2_300_000)


def test_worked_example_partner_default_pays_no_investment_and_damages_reduce_the_cost() -> None:
    """−400,000 + 0 + 150,000 + 550,000 − 14,000,000 + 12,600,000 = −1,100,000 (a net saving)."""
    cost = exit_cost(WORKED, route="partner_default", year=3)
    assert cost.investment_gbp == 0
    assert cost.net_cost_gbp == pytest.approx(-1_100_000)


def test_worked_example_break_clause_in_year_five_after_the_investment_is_written_off() -> None:
    """Year 5: the investment is written off (5/5), so the break pays half of nothing:
    250,000 + 0 + 700,000 − 2,000,000 × 5 + 1,800,000 × 5 = −50,000."""
    cost = exit_cost(WORKED, route="break_clause", year=5)
    assert cost.investment_gbp == 0
    assert cost.net_cost_gbp == pytest.approx(-50_000)


def test_expiry_costs_only_the_one_off_costs_and_is_available_only_at_the_end() -> None:
    table = exit_cost_table(WORKED)
    expiry = table["expiry"]
    assert [cost.available for cost in expiry] == [False] * 9 + [True]
    assert expiry[-1].net_cost_gbp == pytest.approx(700_000)
    assert all(cost.net_cost_gbp is None for cost in expiry[:-1])


def test_break_clause_only_in_its_break_years() -> None:
    table = exit_cost_table(WORKED)
    assert [cost.year for cost in table["break_clause"] if cost.available] == [5]


def test_the_table_has_every_route_and_every_year() -> None:
    table = exit_cost_table(WORKED)
    assert tuple(table) == ROUTES
    assert all([cost.year for cost in costs] == list(range(1, 11)) for costs in table.values())


def test_discounted_charges_use_the_annuity_factor() -> None:
    """Two remaining years at 3.5%: 1/1.035 + 1/1.035² = 1.899694; saved = 1,000 × 1.899694."""
    inputs = ExitCostInputs(term_years=3, annual_charge_gbp=1_000, discount_rate=0.035)
    cost = exit_cost(inputs, route="force_majeure", year=1)
    assert cost.charges_saved_gbp == pytest.approx(1_899.694, abs=1e-3)
    assert cost.net_cost_gbp == pytest.approx(-1_899.694, abs=1e-3)
    assert annuity_factor(years=0, rate=0.035) == 0


def test_unamortised_investment_is_straight_line_and_never_negative() -> None:
    assert unamortised_investment_gbp(investment_gbp=8_000, amortisation_years=4, year=0) == 8_000
    assert unamortised_investment_gbp(investment_gbp=8_000, amortisation_years=4, year=1) == 6_000
    assert unamortised_investment_gbp(investment_gbp=8_000, amortisation_years=4, year=4) == 0
    assert unamortised_investment_gbp(investment_gbp=8_000, amortisation_years=4, year=7) == 0


def test_costliest_exit_is_the_highest_available_net_cost() -> None:
    worst = costliest_exit(exit_cost_table(WORKED))
    assert worst is not None
    assert (worst.route, worst.year) == ("council_voluntary_termination", 1)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"term_years": 0}, "term_years"),
        ({"annual_charge_gbp": -1}, "annual_charge_gbp"),
        ({"discount_rate": 1.2}, "discount_rate"),
        ({"amortisation_years": 0}, "amortisation_years"),
        ({"break_years": (10,)}, "break_years[0]"),
        ({"break_years": (4, 4)}, "break_years"),
        ({"compensation_gbp": {"walk_away": {1: 5}}}, "compensation_gbp"),
        ({"compensation_gbp": {"partner_default": {11: 5}}}, "compensation_gbp.partner_default.year"),
        ({"investment_share": {"council_default": 1.5}}, "investment_share.council_default"),
        ({"tupe_costs_gbp": float("nan")}, "tupe_costs_gbp"),
    ],
)
def test_bad_input_names_the_field(changes: dict[str, object], field: str) -> None:
    base: dict[str, object] = {"term_years": 10, "annual_charge_gbp": 1_000}
    with pytest.raises(InputError) as raised:
        ExitCostInputs(**{**base, **changes})  # type: ignore[arg-type]
    assert raised.value.field == field


def test_unknown_route_and_year_outside_the_term_are_refused() -> None:
    with pytest.raises(InputError, match="unknown route"):
        route_available(route="walk_away", year=1, term_years=5)
    with pytest.raises(InputError) as raised:
        exit_cost(WORKED, route="expiry", year=11)
    assert raised.value.field == "year"


@given(
    term=st.integers(min_value=2, max_value=30),
    charge=st.floats(min_value=0, max_value=1e8),
    one_off=st.floats(min_value=0, max_value=1e7),
)
def test_each_year_later_costs_exactly_one_more_years_charge_when_nothing_else_changes(
    term: int, charge: float, one_off: float
) -> None:
    """Undiscounted, with no investment, replacement or compensation: leaving a year later saves one fewer
    year of charges, so the net cost rises by exactly one annual charge."""
    inputs = ExitCostInputs(
        term_years=term, annual_charge_gbp=charge, transition_costs_gbp=one_off, discount_schedule="none"
    )
    costs = exit_cost_table(inputs)["council_default"]
    for earlier, later in itertools.pairwise(costs):
        assert later.net_cost_gbp is not None
        assert earlier.net_cost_gbp is not None
        assert later.net_cost_gbp - earlier.net_cost_gbp == pytest.approx(charge, rel=1e-9, abs=1e-6)


@given(rate=st.floats(min_value=0, max_value=0.2), years=st.integers(min_value=0, max_value=50))
def test_discounting_never_increases_the_charges_saved(rate: float, years: int) -> None:
    assert annuity_factor(years=years, rate=rate) <= years + 1e-9


def test_exit_costs_doctests_pass() -> None:
    result = doctest.testmod(exit_costs)
    assert result.attempted >= 10
    assert result.failed == 0


def test_exit_costs_are_discounted_by_default_on_the_green_book_schedule() -> None:
    """Rule EXIT-DISCOUNTED (HM Treasury Green Book (2022), Annex A6): with no schedule given, the years left
    after an exit are discounted at the standard 3.5%; cash and present value are shown beside it.
    Hand calculation, 3-year term, £1,000 a year, exit at the end of year 1: two years left,
    A = 1/1.035 + 1/1.035^2 = 1.899694, so the charges saved are £1,899.69 at the exit date against £2,000
    in cash, and the present value is that figure × DF_1 = 1/1.035."""
    inputs = ExitCostInputs(term_years=3, annual_charge_gbp=1_000)
    cost = exit_cost(inputs, route="council_default", year=1)
    assert inputs.discount_schedule == "standard"
    assert cost.charges_saved_gbp == pytest.approx(1_899.694, abs=0.001)
    assert cost.net_cash_gbp == pytest.approx(-2_000)
    assert cost.net_cost_gbp == pytest.approx(-1_899.694, abs=0.001)
    assert cost.present_value_gbp == pytest.approx(-1_899.694 / 1.035, abs=0.001)


def test_compensation_and_unamortised_investment_overlap_is_flagged() -> None:
    """Rule EXIT-NO-DOUBLE-COUNT (HM Treasury, Standardisation of PFI Contracts v4 (2007), ch. 21):
    compensation on voluntary termination already repays the partner's investment, so a year with both a
    compensation amount and a share of the unamortised investment is flagged. In the worked example the
    council pays compensation in years 3 and 5 and all of the investment (written off by year 5): only
    year 3 overlaps; the break clause's year-5 compensation comes after the investment is written off."""
    found = {overlap.route: overlap.years for overlap in compensation_overlaps(WORKED)}
    assert found == {"council_voluntary_termination": (3,)}
