"""Rules of the options appraisal added for issue 9: risk adjustment as an expected value per option, ranking
on net present value when benefits are present, the optimism-bias lower bound and warnings, deflator
coverage and contract lengths priced rather than extended."""

from __future__ import annotations

import pytest

from forbetter.calc.appraisal import (
    CashflowLine,
    OptimismBiasAdjustment,
    Option,
    RetainedRisk,
    appraise_options,
    equivalent_annual_cost_by_length,
    equivalent_annual_cost_by_priced_length,
    optimism_bias,
    retained_risk_percentile,
    risk_adjustment,
)
from forbetter.calc.errors import InputError
from forbetter.calc.risk import QuantifiedRisk

DELAY = QuantifiedRisk(id="R1", probability=0.5, minimum_gbp=0, mode_gbp=300_000, maximum_gbp=600_000)
CLAIMS = QuantifiedRisk(
    id="R2",
    probability=0.2,
    minimum_gbp=100_000,
    mode_gbp=200_000,
    maximum_gbp=600_000,
    distribution="triangular",
    allocation="partner",
)


def _cost(label: str, values: list[float], **options: bool) -> CashflowLine:
    return CashflowLine(label, "cost", "real", values, **options)


def test_risk_adjustment_is_expected_value_of_retained_risks() -> None:
    """Green Book (2022) 5.51-5.54: the risk adjustment is the expected value of the risks an option bears.
    R1: 0.5 × PERT mean (0 + 4 × 300k + 600k)/6 = 300k → £150,000; R2: 0.2 × triangular mean 300k = £60,000.
    In-house (council bears all): £210,000. A partnership keeping 40% of R1 and none of R2: £60,000 — not
    the old P80 × share."""
    in_house = risk_adjustment(
        [RetainedRisk(risk=DELAY, retained_share=1.0), RetainedRisk(risk=CLAIMS, retained_share=1.0)], years=3
    )
    partnership = risk_adjustment(
        [RetainedRisk(risk=DELAY, retained_share=0.4), RetainedRisk(risk=CLAIMS, retained_share=0.0)], years=3
    )
    assert in_house.expected_value_gbp == pytest.approx(210_000)
    assert partnership.expected_value_gbp == pytest.approx(60_000)
    assert [r.expected_value_gbp for r in partnership.risks] == pytest.approx([60_000, 0])


def test_risk_adjustment_is_spread_over_the_years_it_falls_in_and_discounted() -> None:
    """The expected value falls evenly over the option's years by default, or over the years a risk is
    given, and is discounted like any other cost (not put undiscounted in year 0). Flat 10%:
    R1 £150,000 over years 0-2 is £50,000 a year: PV = 50,000 × (1 + 1/1.1 + 1/1.21) = £136,776.86."""
    adjustment = risk_adjustment([RetainedRisk(risk=DELAY, retained_share=1.0)], years=3)
    assert adjustment.values_gbp == pytest.approx((50_000, 50_000, 50_000))
    option = Option("In-house", 3, [_cost("Staff", [100.0, 100.0, 100.0]), adjustment.line()])
    lines = appraise_options([option], schedule=0.1).options[0].lines
    assert lines[1].present_value_gbp == pytest.approx(50_000 * (1 + 1 / 1.1 + 1 / 1.21))
    late = risk_adjustment([RetainedRisk(risk=DELAY, retained_share=1.0, first_year=2, last_year=2)], years=3)
    assert late.values_gbp == pytest.approx((0, 0, 150_000))


def test_risk_falling_outside_the_options_years_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        risk_adjustment([RetainedRisk(risk=DELAY, retained_share=1.0, first_year=1, last_year=5)], years=3)
    assert caught.value.field == "risks[0].last_year"


def test_retained_risk_percentile_is_a_seeded_reproducible_sensitivity() -> None:
    """STYLE habit 4: the P-value beside the expected value comes from a seeded simulation; the same seed
    gives the same figure, and the P80 of a register is above its mean here."""
    risks = [RetainedRisk(risk=DELAY, retained_share=1.0), RetainedRisk(risk=CLAIMS, retained_share=0.5)]
    first = retained_risk_percentile(risks, percentile=0.8, iterations=20_000, seed=7)
    again = retained_risk_percentile(risks, percentile=0.8, iterations=20_000, seed=7)
    assert first == again
    assert first.label == "P80"
    assert first.simulated_mean_gbp == pytest.approx(150_000 + 30_000, rel=0.03)
    assert first.value_gbp > first.simulated_mean_gbp
    with pytest.raises(InputError) as caught:
        retained_risk_percentile(risks, percentile=0.85)
    assert caught.value.field == "percentile"


def test_options_with_benefits_are_ranked_on_net_present_value() -> None:
    """Green Book (2022) 5.3 and 6.2: the preferred option has the best net present social value. A costs
    100 and brings nothing; B costs 150 and brings 120 of benefits (NPV -30 against -100): B is preferred
    though its net present cost is higher, and the appraisal says which rule ranked them."""
    a = Option("A", 1, [_cost("Run", [100.0])])
    b = Option("B", 1, [_cost("Run", [150.0]), CashflowLine("Savings", "benefit", "real", [120.0])])
    result = appraise_options([a, b])
    assert result.ranking_rule == "npv"
    assert result.preferred == "B"
    assert [o.rank for o in result.options] == [2, 1]
    assert [o.rank_by_net_present_cost for o in result.options] == [1, 2]
    no_benefits = appraise_options([a, Option("C", 1, [_cost("Run", [150.0])])])
    assert (no_benefits.ranking_rule, no_benefits.preferred) == ("npc", "A")


def test_optimism_bias_never_below_the_guidance_lower_bound() -> None:
    """Supplementary Green Book Guidance: Optimism Bias (2003), Table 1: standard buildings run from an
    upper bound of 24% to a lower bound of 2%; full mitigation cannot take the bias below 2%."""
    assert optimism_bias(upper_bound=0.24, contributions=[(1.0, 1.0)], lower_bound=0.02) == 0.02
    adjustment = OptimismBiasAdjustment(0.24, ["Build"], [(1.0, 1.0)], lower_bound=0.02)
    option = Option("Build", 1, [_cost("Build", [1000.0])], adjustment)
    assert appraise_options([option]).options[0].net_present_cost_gbp == pytest.approx(1020.0)
    with pytest.raises(InputError) as caught:
        OptimismBiasAdjustment(0.24, ["Build"], lower_bound=0.3)
    assert caught.value.field == "lower_bound"


def test_warning_when_optimism_bias_is_applied_to_some_options_and_not_others() -> None:
    """Supplementary guidance (2003) s.2: every option, the do-minimum included, is adjusted for optimism
    bias; an appraisal that adjusts only some says so."""
    a = Option("In-house", 1, [_cost("Run", [100.0])], OptimismBiasAdjustment(0.41, ["Run"]))
    b = Option("Partnership", 1, [_cost("Fee", [90.0])])
    warnings = appraise_options([a, b]).warnings
    assert any("applied to In-house but not to Partnership" in w for w in warnings)


def test_warning_when_optimism_bias_and_priced_risk_cover_the_same_option() -> None:
    """Green Book (2022) A2.15-A2.17: optimism bias falls as risks are identified and priced; an option
    with both an uplift and a quantified risk adjustment may count the same risk twice, and the warning
    names the lines."""
    adjustment = risk_adjustment([RetainedRisk(risk=DELAY, retained_share=1.0)], years=1)
    option = Option(
        "In-house",
        1,
        [_cost("Operating", [100.0]), adjustment.line(), _cost("Contingency", [5.0], prices_risk=True)],
        OptimismBiasAdjustment(0.41, ["Operating"]),
    )
    (warning,) = appraise_options([option]).warnings
    assert "“Operating”" in warning
    assert "“Contingency”" in warning
    assert "Risk adjustment" in warning


def test_deflator_series_shorter_than_the_options_years_is_refused() -> None:
    """Green Book (2022) chapter 5: every year needs its deflator; a yearly series that stops short of the
    longest option is refused, not silently accepted, even when that option is in real prices."""
    option = Option("Long", 4, [_cost("Run", [1.0, 1.0, 1.0, 1.0])])
    with pytest.raises(InputError) as caught:
        appraise_options([option], deflator=[0.02, 0.02])
    assert caught.value.field == "deflator"
    assert "4 years" in caught.value.message


def test_contract_lengths_are_not_extrapolated_by_repeating_the_last_year() -> None:
    """Repeating the last year's cost leaves out the next contract's one-off costs and favours the longest
    term. A 5-year profile £300k then £100k a year: the old method gives 10 years an EAC well below 5 years;
    the priced method repeats the whole profile (a new contract, one-off cost included), says it is
    extrapolated, and the EAC stays close to the priced 5-year figure."""
    costs = [300.0, 100.0, 100.0, 100.0, 100.0]
    old = equivalent_annual_cost_by_length(
        lambda n: costs[:n] + [costs[-1]] * max(0, n - len(costs)), lengths=[5, 10]
    )
    assert old[1].equivalent_annual_cost_gbp < 0.9 * old[0].equivalent_annual_cost_gbp
    five, ten = equivalent_annual_cost_by_priced_length({5: costs}, lengths=[5, 10])
    assert (five.basis, ten.basis) == ("priced", "extrapolated")
    assert "extrapolated" in ten.note
    assert "repeated" in ten.note
    assert ten.equivalent_annual_cost_gbp == pytest.approx(five.equivalent_annual_cost_gbp, rel=0.02)
