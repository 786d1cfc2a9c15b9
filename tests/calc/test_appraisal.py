"""Options appraisal engine: worked examples with their sources, properties, and the module's doctests."""

from __future__ import annotations

import doctest
import importlib
import json
import math
import pkgutil
from importlib import resources

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forbetter.calc import appraisal
from forbetter.calc.appraisal import (
    CashflowLine,
    OptimismBiasAdjustment,
    Option,
    affordability,
    annuity_equivalent_annual_cost,
    apply_optimism_bias,
    appraise_options,
    batch_sensitivity,
    deflator_rates_from_index,
    discount_factors,
    discount_rates,
    equivalent_annual_cost,
    equivalent_annual_cost_by_length,
    nominal_from_real,
    optimism_bias,
    optimism_bias_table,
    optimism_bias_upper_bound,
    present_value,
    real_from_nominal,
    rebase_index,
    scale_line,
    sensitivity,
    switching_values,
    tornado,
)
from forbetter.calc.errors import InputError

PROPERTY = settings(database=None, deadline=None, max_examples=150)
money = st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False)
years_strategy = st.integers(min_value=1, max_value=60)


def _cost(label: str, values: list[float], prices: str = "real") -> CashflowLine:
    return CashflowLine(label, "cost", prices, values)  # type: ignore[arg-type]


# --- discounting: worked examples ---------------------------------------------------------------------------


def test_standard_discount_factors_match_the_green_book() -> None:
    """Green Book (2022) Annex A6: 3.5% for years 1-30, so DF_10 = 1/1.035^10 = 0.7089 and DF_30 = 0.3563
    (as in the Green Book discount factor tables); year 31 is the first at 3.0%, so DF_31 = DF_30 / 1.03."""
    factors = discount_factors(127)
    assert factors[0] == 1.0
    assert round(float(factors[10]), 4) == 0.7089
    assert round(float(factors[30]), 4) == 0.3563
    assert factors[31] == pytest.approx(factors[30] / 1.03, rel=1e-15)
    assert round(float(factors[31]), 4) == 0.3459
    assert factors[76] == pytest.approx(factors[75] / 1.025, rel=1e-15)
    assert factors[126] == pytest.approx(factors[125] / 1.02, rel=1e-15)


def test_standard_schedule_bands() -> None:
    """Green Book (2022) Annex A6 declining schedule: 3.5%, 3.0%, 2.5%, 2.0%, 1.5%, then 1.0% after 300."""
    rates = discount_rates(302)
    expected = {0: 0.0, 1: 0.035, 30: 0.035, 31: 0.03, 75: 0.03, 76: 0.025, 125: 0.025, 126: 0.02}
    expected |= {200: 0.02, 201: 0.015, 300: 0.015, 301: 0.01}
    assert {t: float(rates[t]) for t in expected} == expected


def test_flat_rate_discount_factors() -> None:
    """DF_t = 1 / (1 + r)^t for a flat rate (Green Book (2022) Annex A6)."""
    assert discount_factors(4, schedule=0.1).tolist() == pytest.approx([1, 1 / 1.1, 1 / 1.21, 1 / 1.331])


def test_present_value_of_a_constant_stream() -> None:
    """£100 a year for years 0-2 at 3.5%: 100 + 100/1.035 + 100/1.035^2 = 289.9694."""
    assert present_value([100, 100, 100], schedule=0.035) == pytest.approx(289.969427, abs=1e-6)


# --- real and nominal prices --------------------------------------------------------------------------------


def test_gdp_deflator_rebasing_worked_example() -> None:
    """Rebasing a GDP deflator and deflating cash figures, by the method of the Green Book (2022) chapter 5
    (real prices are nominal prices divided by the GDP deflator, rebased so the base year is 100).

    Illustrative figures, not the published series: a deflator with reference year 2019 = 100 reads 120.00,
    123.00 and 125.76 in 2024-25, 2025-26 and 2026-27. Rebased to 2024-25 = 100 it is 100, 102.5 and 104.8.
    A charge of £10,000, £10,250 and £10,480 in cash is therefore £10,000 a year in 2024-25 prices, and
    £12,000 of cash in 2026-27 is 12,000 x 100 / 104.8 = £11,450.38 in 2024-25 prices.
    """
    rebased = rebase_index([120.0, 123.0, 125.76])
    assert rebased.tolist() == pytest.approx([100.0, 102.5, 104.8])
    rates = deflator_rates_from_index([120.0, 123.0, 125.76])
    assert rates.tolist() == pytest.approx([0.025, 104.8 / 102.5 - 1])
    assert real_from_nominal([10_000, 10_250, 10_480], deflator=rates).tolist() == pytest.approx([10_000] * 3)
    assert real_from_nominal([0, 0, 12_000], deflator=rates)[2] == pytest.approx(11_450.38, abs=0.005)
    assert rebase_index([120.0, 123.0, 125.76], base_position=2)[2] == 100.0


def test_a_deflator_list_that_is_too_short_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        real_from_nominal([1, 2, 3, 4], deflator=[0.02, 0.02])
    assert caught.value.field == "deflator"
    assert "3 are needed" in caught.value.message


@PROPERTY
@given(st.lists(money, min_size=1, max_size=40), st.booleans())
def test_real_equals_nominal_when_the_deflator_is_zero(values: list[float], as_list: bool) -> None:
    deflator = [0.0] * (len(values) - 1) if as_list else 0.0
    assert real_from_nominal(values, deflator=deflator).tolist() == values


@PROPERTY
@given(
    st.lists(money, min_size=1, max_size=40),
    st.lists(st.floats(min_value=-0.5, max_value=0.5), min_size=40, max_size=40),
)
def test_nominal_and_real_are_inverses(values: list[float], rates: list[float]) -> None:
    round_trip = real_from_nominal(nominal_from_real(values, deflator=rates), deflator=rates)
    assert round_trip == pytest.approx(values, rel=1e-12, abs=1e-9)


# --- discounting: properties --------------------------------------------------------------------------------


@PROPERTY
@given(st.integers(min_value=2, max_value=appraisal.MAX_YEARS))
def test_standard_discount_factors_strictly_fall(years: int) -> None:
    assert np.all(np.diff(discount_factors(years)) < 0)


@PROPERTY
@given(st.integers(min_value=2, max_value=appraisal.MAX_YEARS), st.floats(min_value=1e-9, max_value=1.0))
def test_flat_rate_discount_factors_strictly_fall(years: int, rate: float) -> None:
    """Any positive rate; below about 1e-15, 1 + r rounds to 1 in double precision, so we start at 1e-9."""
    assert np.all(np.diff(discount_factors(years, schedule=rate)) < 0)


@PROPERTY
@given(st.lists(money, min_size=1, max_size=80), st.sampled_from(["standard", 0.0, 0.035, 0.1]))
def test_eac_times_sum_of_discount_factors_is_npc(values: list[float], schedule: str | float) -> None:
    npc = present_value(values, schedule=schedule)
    eac = equivalent_annual_cost(npc, years=len(values), schedule=schedule)
    total = float(discount_factors(len(values), schedule=schedule).sum())
    assert eac * total == pytest.approx(npc, rel=1e-12, abs=1e-9)


# --- equivalent annual cost ---------------------------------------------------------------------------------


@pytest.mark.parametrize("years", [1, 7, 10, 30, 31, 76, 150])
@pytest.mark.parametrize("schedule", ["standard", 0.035, 0.07])
def test_constant_100_a_year_has_an_eac_of_100(years: int, schedule: str | float) -> None:
    """DESIGN section 5: EAC = NPC / sum_{t=0}^{n-1} DF_t, so a constant real £100 a year has EAC £100."""
    npc = present_value([100.0] * years, schedule=schedule)
    assert equivalent_annual_cost(npc, years=years, schedule=schedule) == pytest.approx(100.0, rel=1e-12)


def test_green_book_annuity_convention_is_eac_times_one_plus_r() -> None:
    """Green Book annuity over years 1..n: at a flat 3.5%, a constant £100 for years 0..9 annuitises to
    £103.50 a year in arrears, i.e. EAC x (1 + r)."""
    npc = present_value([100.0] * 10, schedule=0.035)
    assert annuity_equivalent_annual_cost(npc, years=10, schedule=0.035) == pytest.approx(103.5, rel=1e-12)
    assert annuity_equivalent_annual_cost(npc, years=10) == pytest.approx(103.5, rel=1e-12)  # first band


def test_eac_by_contract_length() -> None:
    """£400 mobilisation in year 0 on top of £100 a year (flat 10%): EAC_n = 100 + 400 / sum_{t<n} DF_t.
    For n = 2 that is 100 + 400 / (1 + 1/1.1) = 309.52; longer contracts spread mobilisation thinner."""
    costs = [500.0] + [100.0] * 14
    result = equivalent_annual_cost_by_length(costs, lengths=[2, 7, 10, 12, 15], schedule=0.1)
    assert [r.years for r in result] == [2, 7, 10, 12, 15]
    assert result[0].equivalent_annual_cost_gbp == pytest.approx(100 + 400 / (1 + 1 / 1.1))
    eacs = [r.equivalent_annual_cost_gbp for r in result]
    assert eacs == sorted(eacs, reverse=True)
    as_function = equivalent_annual_cost_by_length(
        lambda n: [500.0] + [100.0] * (n - 1), lengths=[2, 7, 10, 12, 15], schedule=0.1
    )
    assert as_function == result


def test_eac_by_contract_length_needs_enough_years_of_costs() -> None:
    with pytest.raises(InputError) as caught:
        equivalent_annual_cost_by_length([100.0] * 10, lengths=[7, 15])
    assert caught.value.field == "annual_cost_gbp"


# --- optimism bias ------------------------------------------------------------------------------------------


def test_optimism_bias_worked_example() -> None:
    """Supplementary Green Book Guidance: Optimism Bias (2003), section 3: OB = upper bound x (1 - sum of
    contribution x mitigation). Outsourcing, upper bound 41% of operating cost; two risk areas each
    contributing half, mitigated 60% and 20%: OB = 0.41 x (1 - 0.3 - 0.1) = 0.246, so £1,000,000 of
    operating cost becomes £1,246,000."""
    bias = optimism_bias(upper_bound=0.41, contributions=[(0.5, 0.6), (0.5, 0.2)])
    assert bias == pytest.approx(0.246, abs=1e-12)
    assert apply_optimism_bias([1_000_000.0], optimism_bias=bias)[0] == pytest.approx(1_246_000.0)
    assert optimism_bias(upper_bound=0.41) == 0.41


def test_optimism_bias_table_is_the_green_book_table() -> None:
    """Upper bounds of the Supplementary Green Book Guidance: Optimism Bias (2003), Table 1."""
    expected = {
        "outsourcing": 0.41,
        "standard_buildings": 0.24,
        "non_standard_buildings": 0.51,
        "equipment_development": 2.0,
        "standard_civil_engineering": 0.44,
        "non_standard_civil_engineering": 0.66,
    }
    table = optimism_bias_table()
    assert {c.key: c.upper_bound for c in table.categories} == expected
    assert "Supplementary Green Book Guidance" in table.source
    assert table.version == 1
    assert optimism_bias_upper_bound("outsourcing") == 0.41
    raw = json.loads(resources.files("forbetter.calc.data").joinpath("optimism_bias_v1.json").read_text())
    assert raw["source"] == table.source


@pytest.mark.parametrize(
    ("contributions", "field"),
    [
        ([(1.2, 0.5)], "contributions[0][0]"),
        ([(0.5, -0.1)], "contributions[0][1]"),
        ([(0.6, 0.5), (0.5, 0.5)], "contributions"),
        ([(0.5,)], "contributions[0]"),
    ],
)
def test_optimism_bias_refuses_bad_contributions(contributions: list[tuple[float, ...]], field: str) -> None:
    with pytest.raises(InputError) as caught:
        optimism_bias(upper_bound=0.41, contributions=contributions)
    assert caught.value.field == field


def test_optimism_bias_upper_bound_given_as_a_percentage_is_refused() -> None:
    with pytest.raises(InputError, match=r"0\.41 for 41%"):
        optimism_bias(upper_bound=41)


contribution_pairs = st.lists(
    st.tuples(st.floats(min_value=0, max_value=0.2), st.floats(min_value=0, max_value=1)), max_size=5
)


@PROPERTY
@given(st.lists(money, min_size=1, max_size=30), st.floats(min_value=0, max_value=2), contribution_pairs)
def test_optimism_bias_never_reduces_a_cost(
    values: list[float], upper_bound: float, contributions: list[tuple[float, float]]
) -> None:
    bias = optimism_bias(upper_bound=upper_bound, contributions=contributions)
    assert 0 <= bias <= upper_bound
    assert np.all(apply_optimism_bias(values, optimism_bias=bias) >= np.asarray(values))


def test_optimism_bias_cannot_apply_to_a_benefit_or_an_unknown_line() -> None:
    lines = [_cost("Fee", [100.0]), CashflowLine("Savings", "benefit", "real", [10.0])]
    with pytest.raises(InputError) as unknown:
        Option("A", 1, lines, OptimismBiasAdjustment(0.41, ["Fees"]))
    assert unknown.value.field == "optimism_bias.applies_to[0]"
    with pytest.raises(InputError, match="benefit"):
        Option("A", 1, lines, OptimismBiasAdjustment(0.41, ["Savings"]))


# --- appraisal of options -----------------------------------------------------------------------------------


def _three_options() -> list[Option]:
    """Flat 10%, two years: A's NPC = 200 + 50 = 250, B's = 240 + 30 = 270, C's = 300."""
    return [
        Option("A", 2, [_cost("Staff", [100.0, 110.0]), _cost("IT", [50.0, 0.0])]),
        Option("B", 2, [_cost("Fee", [120.0, 132.0]), _cost("Setup", [30.0, 0.0])]),
        Option(
            "C", 2, [_cost("Fee", [150.0, 165.0]), CashflowLine("Income", "benefit", "real", [0.0, 11.0])]
        ),
    ]


def test_appraisal_of_three_options() -> None:
    result = appraise_options(_three_options(), schedule=0.1)
    assert [o.net_present_cost_gbp for o in result.options] == pytest.approx([250.0, 270.0, 300.0])
    assert [o.rank for o in result.options] == [1, 2, 3]
    assert result.preferred == "A"
    c = result.option("C")
    assert c.present_value_benefits_gbp == pytest.approx(10.0)
    assert c.net_present_value_gbp == pytest.approx(-290.0)
    assert c.equivalent_annual_cost_gbp == pytest.approx(300.0 / (1 + 1 / 1.1))
    assert c.discount_factors == pytest.approx((1.0, 1 / 1.1))


def test_switching_values_worked_example() -> None:
    """Green Book (2022) chapter 5: a switching value is the change in a variable that makes the preferred
    option lose its place. C has benefits (PV 10), so the options are ranked on net present value
    (Green Book 5.3): NPVs A -250 > B -270 > C -290, runner-up B. Hand calculation (flat 10%):
    A's Staff (PV 200) may rise (270 - 250) / 200 = 10%; A's IT (PV 50) 20 / 50 = 40%;
    B's Fee (PV 240) must fall (250 - 270) / 240 = -8.33%; B's Setup (PV 30) -20 / 30 = -66.7%;
    C's Fee (PV 300) must fall (-250 - -290)... i.e. by 40 / 300 = -13.3%."""
    result = appraise_options(_three_options(), schedule=0.1)
    found = {(s.option, s.label): s.change for s in result.switching_values}
    assert found == pytest.approx(
        {
            ("A", "Staff"): 0.1,
            ("A", "IT"): 0.4,
            ("B", "Fee"): -20 / 240,
            ("B", "Setup"): -20 / 30,
            ("C", "Fee"): -40 / 300,
        }
    )
    assert switching_values(result) == result.switching_values


def test_switching_value_is_where_the_ranking_changes() -> None:
    options = _three_options()
    result = appraise_options(options, schedule=0.1)
    for value in result.switching_values:
        assert value.change is not None
        step = 1e-6 if value.option == "A" else -1e-6
        beyond = appraise_options(
            [
                scale_line(o, label=value.label, change=value.change + step) if o.name == value.option else o
                for o in options
            ],
            schedule=0.1,
        )
        assert beyond.preferred != "A"
        short = sensitivity(result, option=value.option, label=value.label, change=value.change - step)
        assert short.preferred == "A"


def test_switching_value_is_none_when_nothing_can_switch() -> None:
    """No finite switching value: a zero line, a cut of more than 100%, or a single option."""
    options = [
        Option("A", 1, [_cost("Staff", [100.0]), _cost("Spare", [0.0])]),
        Option("B", 1, [_cost("Fee", [150.0]), _cost("Setup", [10.0])]),
    ]
    found = {(s.option, s.label): s for s in appraise_options(options).switching_values}
    assert found["A", "Spare"].change is None
    assert "zero" in found["A", "Spare"].note
    assert found["B", "Setup"].change is None  # would need -600%
    assert "600%" in found["B", "Setup"].note
    assert found["B", "Fee"].change == pytest.approx(-60 / 150)
    alone = appraise_options(options[:1]).switching_values
    assert all(s.change is None and "only one option" in s.note for s in alone)


@PROPERTY
@given(
    st.lists(st.lists(money, min_size=5, max_size=5), min_size=1, max_size=4),
    st.integers(min_value=0, max_value=3),
    st.lists(money, min_size=5, max_size=5),
)
def test_npc_rises_weakly_with_any_cost_increase(
    lines: list[list[float]], which: int, increase: list[float]
) -> None:
    which %= len(lines)
    adjustment = OptimismBiasAdjustment(0.41, ["line 0"], [(0.5, 0.5)])
    before = Option("A", 5, [_cost(f"line {j}", v) for j, v in enumerate(lines)], adjustment)
    raised = [
        [a + b for a, b in zip(v, increase, strict=True)] if j == which else v for j, v in enumerate(lines)
    ]
    after = Option("A", 5, [_cost(f"line {j}", v) for j, v in enumerate(raised)], adjustment)
    npc_before = appraise_options([before]).options[0].net_present_cost_gbp
    npc_after = appraise_options([after]).options[0].net_present_cost_gbp
    assert npc_after >= npc_before * (1 - 1e-12)


def test_nominal_lines_are_deflated_and_optimism_bias_uplifted() -> None:
    """Nominal £200, £204, £208.08 at a 2% deflator is £200 a year real (Green Book (2022) chapter 5);
    outsourcing OB 0.246 makes it £249.20 a year; at a flat 5%, NPC = 249.2 x (1 + 1/1.05 + 1/1.05^2)."""
    adjustment = OptimismBiasAdjustment(0.41, ["Charge"], [(0.5, 0.6), (0.5, 0.2)])
    option = Option("P", 3, [_cost("Charge", [200.0, 204.0, 208.08], prices="nominal")], adjustment)
    result = appraise_options([option], schedule=0.05, deflator=0.02).options[0]
    assert result.optimism_bias == pytest.approx(0.246)
    assert result.net_present_cost_gbp == pytest.approx(249.2 * (1 + 1 / 1.05 + 1 / 1.05**2), abs=1e-9)


def test_ranking_by_eac_can_differ_from_ranking_by_npc() -> None:
    """A longer option can cost more in total yet less a year: EAC compares options of unequal length."""
    short = Option("Short", 5, [_cost("Fee", [100.0] * 5)])
    long = Option("Long", 10, [_cost("Fee", [90.0] * 10)])
    result = appraise_options([short, long])
    assert result.option("Short").rank == 1
    assert result.option("Long").rank_by_equivalent_annual_cost == 1
    assert result.option("Long").equivalent_annual_cost_gbp == pytest.approx(90.0)


# --- sensitivity, batch and tornado -------------------------------------------------------------------------


def test_sensitivity_matches_a_full_reappraisal() -> None:
    adjustment = OptimismBiasAdjustment(0.24, ["Build"], [(1.0, 0.5)])
    options = [
        Option(
            "X",
            3,
            [_cost("Build", [500.0, 0.0, 0.0]), _cost("Run", [50.0, 52.0, 54.0], "nominal")],
            adjustment,
        ),
        Option("Y", 3, [_cost("Fee", [230.0, 230.0, 230.0])]),
    ]
    result = appraise_options(options, deflator=[0.02, 0.03])
    for name, label in [("X", "Build"), ("X", "Run"), ("Y", "Fee")]:
        quick = sensitivity(result, option=name, label=label, change=-0.3)
        changed = [scale_line(o, label=label, change=-0.3) if o.name == name else o for o in options]
        full = appraise_options(changed, deflator=[0.02, 0.03])
        assert quick.net_present_cost_gbp == pytest.approx(full.option(name).net_present_cost_gbp, rel=1e-12)
        assert quick.preferred == full.preferred


@PROPERTY
@given(
    st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, 1), st.floats(min_value=-1, max_value=1)),
        min_size=1,
        max_size=30,
    )
)
def test_batch_sensitivity_equals_one_at_a_time(triples: list[tuple[int, int, float]]) -> None:
    result = appraise_options(_three_options(), schedule=0.1)
    batch = batch_sensitivity(
        result,
        option_index=[t[0] for t in triples],
        line_index=[t[1] for t in triples],
        change=[t[2] for t in triples],
    )
    for e, (o, j, x) in enumerate(triples):
        option = result.options[o]
        if option.lines[j].kind != "cost":
            assert batch.net_present_cost_gbp[e] == option.net_present_cost_gbp
            continue
        one = sensitivity(result, option=option.name, label=option.lines[j].label, change=x)
        assert batch.net_present_cost_gbp[e] == pytest.approx(one.net_present_cost_gbp, rel=1e-12, abs=1e-9)
        assert result.options[int(batch.preferred_index[e])].name == one.preferred


def test_batch_sensitivity_refuses_a_line_the_option_does_not_have() -> None:
    result = appraise_options(_three_options(), schedule=0.1)
    with pytest.raises(InputError) as caught:
        batch_sensitivity(result, option_index=[0], line_index=[5], change=[0.1])
    assert caught.value.field == "line_index"


def test_tornado_orders_lines_by_swing() -> None:
    """At ±10%, A's Staff (PV 200) swings NPC 250 between 230 and 270 (£40); IT (PV 50) £10."""
    bars = tornado(appraise_options(_three_options(), schedule=0.1), option="A", change=0.1)
    assert [b.label for b in bars] == ["Staff", "IT"]
    assert (bars[0].npc_at_decrease_gbp, bars[0].npc_at_increase_gbp) == pytest.approx((230.0, 270.0))
    assert [b.swing_gbp for b in bars] == pytest.approx([40.0, 10.0])


# --- affordability ------------------------------------------------------------------------------------------


def test_affordability_in_cash_terms() -> None:
    """Real charges of £100,000 a year uprated by a 2% deflator are £102,000 and £104,040 in cash; against a
    £102,500 cash envelope, years 0 and 1 have headroom of £2,500 and £500, and year 2 is £1,540 short."""
    result = affordability(
        [100_000.0] * 3, budget_gbp=102_500.0, charges_prices="real", budget_prices="nominal", deflator=0.02
    )
    assert result.price_base == "nominal"
    assert result.headroom_gbp == pytest.approx((2_500.0, 500.0, -1_540.0))
    assert result.breach_years == (2,)
    assert not result.affordable


def test_affordability_with_a_budget_per_year() -> None:
    result = affordability([90.0, 100.0], budget_gbp=[100.0, 100.0])
    assert result.headroom_gbp == (10.0, 0.0)
    assert result.affordable


def test_affordability_across_price_bases_needs_a_deflator() -> None:
    with pytest.raises(InputError) as caught:
        affordability([1.0], budget_gbp=1.0, charges_prices="real")
    assert caught.value.field == "deflator"


# --- bad input: InputError naming the field, never NaN ------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "field", "words"),
    [
        (lambda: Option("A", -3, [_cost("x", [1.0])]), "years", "must be a positive whole number, got -3"),
        (lambda: Option("A", 3, [_cost("x", [1.0, 2.0])]), "lines[0].values_gbp", "years is 3"),
        (lambda: discount_factors(3, schedule="green"), "schedule", "unknown discount schedule"),
        (lambda: discount_factors(3, schedule=3.5), "schedule", "0.035"),
        (lambda: discount_factors(3, schedule=-0.01), "schedule", "negative"),
        (lambda: discount_factors(0), "years", "positive whole number"),
        (lambda: present_value([1.0, math.nan]), "values_gbp[1]", "finite"),
        (lambda: present_value([1.0, math.inf]), "values_gbp[1]", "finite"),
        (lambda: present_value([]), "values_gbp", "at least one"),
        (lambda: CashflowLine("x", "costs", "real", [1.0]), "kind", '"cost" or "benefit"'),  # type: ignore[arg-type]
        (lambda: CashflowLine("x", "cost", "cash", [1.0]), "prices", '"real" or "nominal"'),  # type: ignore[arg-type]
        (lambda: CashflowLine("x", "cost", "real", [1.0, "2"]), "values_gbp[1]", "number"),  # type: ignore[list-item]
        (lambda: real_from_nominal([1.0, 2.0], deflator=2.0), "deflator", "0.02 for 2%"),
        (lambda: appraise_options([]), "options", "at least one option"),
        (
            lambda: sensitivity(appraise_options(_three_options()), option="A", label="Staff", change=-2),
            "change",
            "-1",
        ),
        (
            lambda: sensitivity(appraise_options(_three_options()), option="Z", label="Staff", change=0),
            "option",
            "Z",
        ),
    ],
)
def test_bad_input_names_the_field(make: object, field: str, words: str) -> None:
    with pytest.raises(InputError) as caught:
        make()  # type: ignore[operator]
    assert caught.value.field == field
    assert words in caught.value.message


def test_nominal_line_without_deflator_is_refused() -> None:
    option = Option("A", 2, [_cost("Charge", [1.0, 2.0], prices="nominal")])
    with pytest.raises(InputError) as caught:
        appraise_options([option])
    assert caught.value.field == "deflator"
    assert "options[0].lines[0]" in caught.value.message


def test_duplicate_option_names_are_refused() -> None:
    option = Option("A", 1, [_cost("Charge", [1.0])])
    with pytest.raises(InputError) as caught:
        appraise_options([option, option])
    assert caught.value.field == "options[1].name"


# --- doctests -----------------------------------------------------------------------------------------------


def test_docstring_examples() -> None:
    """The examples of every module in the package, listed rather than named so a new module's run too."""
    modules = [appraisal] + [
        importlib.import_module(f"{appraisal.__name__}.{found.name}")
        for found in pkgutil.iter_modules(appraisal.__path__)
    ]
    outcomes = {
        module.__name__: doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        for module in modules
    }
    assert {name: outcome.failed for name, outcome in outcomes.items() if outcome.failed} == {}
    assert sum(outcome.attempted for outcome in outcomes.values()) >= 46  # as many as appraisal.py had
