"""The adapter between stored inputs and the engine: every figure on the results page agrees with the engine
and with the others (the year-by-year table sums to the NPC, the contract length as appraised gives the
ranking's EAC, the retained risk adds exactly its share)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from forbetter.accounts.models import User
from forbetter.appraisal import adapters, selectors, services
from forbetter.appraisal.models import BusinessCaseVersion, PriceBase
from forbetter.calc import appraisal as calc
from tests.conftest import World
from tests.factories import make_risk
from tests.web.test_appraisal_services import build_version, line_data

pytestmark = pytest.mark.django_db


def _appraise(world: World, version: BusinessCaseVersion) -> adapters.VersionAppraisal:
    return adapters.appraise_version(selectors.version_with_inputs(world.ours, version.pk))


def test_results_match_the_engine_run_on_the_same_numbers(world: World, editor: User) -> None:
    appraised = _appraise(world, build_version(editor, world.ours, options=2, years=3))
    in_house = calc.Option(
        "Option 0",
        3,
        [
            calc.CashflowLine("Running cost", "cost", "real", [100, 100, 100]),
            calc.CashflowLine("Set-up", "cost", "real", [50, 0, 0]),
            calc.CashflowLine("Savings", "benefit", "real", [5, 5, 5]),
        ],
    )
    expected = calc.appraise_options([in_house]).options[0]
    got = appraised.options[0].result
    assert got.net_present_cost_gbp == pytest.approx(expected.net_present_cost_gbp)
    assert got.present_value_benefits_gbp == pytest.approx(expected.present_value_benefits_gbp)
    assert appraised.appraisal.preferred == "Option 0"
    assert appraised.options[1].result.optimism_bias == pytest.approx(0.41)


def test_the_discounted_cash_flow_table_adds_up_to_the_npc(world: World, editor: User) -> None:
    version = build_version(editor, world.ours, options=2, years=5)
    option = version.options.get(name="Option 1")
    services.line_create(
        user=editor,
        option=option,
        data=line_data("Indexed charge", prices=PriceBase.NOMINAL),
        values=[Decimal(10), Decimal(11), Decimal(12), Decimal(13), Decimal(14)],
    )
    for result in _appraise(world, version).options:
        assert sum(f.present_value_costs_gbp for f in result.flows) == pytest.approx(
            result.result.net_present_cost_gbp
        )
        assert sum(f.present_value_benefits_gbp for f in result.flows) == pytest.approx(
            result.result.present_value_benefits_gbp
        )
        assert [f.discount_factor for f in result.flows] == pytest.approx(
            list(result.result.discount_factors)
        )


def test_risk_adjustment_is_expected_value_of_retained_risks(world: World, editor: User) -> None:
    """Green Book (2022) 5.51-5.54, decision record 0010: each option adds the expected value of the register
    risks it retains, spread over its years and discounted. One council risk (0.5 × PERT mean of 10k, 40k,
    100k = 45k → 22,500) and one partner risk (the same figures, 22,500). In-house (Option 0) keeps both:
    45,000; the partnership (Option 1, the register's allocation) keeps the council risk only: 22,500 — not
    a council P80 multiplied again by a share, and not put undiscounted in year 0."""
    version = build_version(editor, world.ours, options=2, years=3)
    before = {o.result.name: o.result.net_present_cost_gbp for o in _appraise(world, version).options}
    make_risk(world.ours)
    make_risk(world.ours, allocation="partner")
    after = {o.result.name: o for o in _appraise(world, version).options}
    factors = calc.discount_factors(3)
    assert after["Option 0"].risk.expected_value_gbp == pytest.approx(45_000)
    assert after["Option 1"].risk.expected_value_gbp == pytest.approx(22_500)
    assert after["Option 0"].result.net_present_cost_gbp == pytest.approx(
        before["Option 0"] + 15_000 * factors.sum()
    )
    assert after["Option 1"].result.net_present_cost_gbp == pytest.approx(
        before["Option 1"] + 7_500 * factors.sum()
    )
    assert after["Option 1"].risk.p_value_gbp > 0
    assert calc.RISK_ADJUSTMENT_LABEL in [line.label for line in after["Option 1"].result.lines]


def test_optimism_bias_applies_to_the_marked_lines_after_mitigation(world: World, editor: User) -> None:
    version = build_version(editor, world.ours, options=2, years=1)
    ssp = version.options.get(name="Option 1")
    services.contribution_add(
        user=editor, option=ssp, factor="A", contribution=Decimal("0.5"), mitigation=Decimal("0.6")
    )
    services.contribution_add(
        user=editor, option=ssp, factor="B", contribution=Decimal("0.5"), mitigation=Decimal("0.2")
    )
    result = _appraise(world, version).by_pk(ssp.pk)
    # Green Book worked example: 0.41 × (1 − (0.5 × 0.6 + 0.5 × 0.2)) = 0.246, on the running cost only.
    assert result.result.optimism_bias == pytest.approx(0.246)
    assert result.uplifted_labels == ("Running cost",)
    assert result.result.net_present_cost_gbp == pytest.approx(110 * 1.246 + 50)
    assert adapters.optimism_bias_of(ssp) == pytest.approx(0.246)


def test_the_contract_length_as_appraised_gives_the_rankings_eac(world: World, editor: User) -> None:
    appraised = _appraise(world, build_version(editor, world.ours, options=1, years=4))
    option = appraised.options[0]
    lengths = adapters.contract_lengths(appraised, option, [2, 4, 8])
    assert [c.years for c in lengths] == [2, 4, 8]
    assert lengths[1].equivalent_annual_cost_gbp == pytest.approx(option.result.equivalent_annual_cost_gbp)
    assert [c.basis for c in lengths] == ["shortened", "priced", "extrapolated"]


def test_contract_lengths_are_not_extrapolated_by_repeating_the_last_year(world: World, editor: User) -> None:
    """Issue 9 item 4: a longer contract must not look cheaper just because the last year's cost is
    repeated (that drops the next contract's set-up cost). Option 0 costs 150 in year 0 and 100 after: at
    8 years the profile is repeated from year 0 (set-up cost again), so its EAC stays close to the 4-year
    EAC instead of falling well below it, and the result says it is extrapolated."""
    appraised = _appraise(world, build_version(editor, world.ours, options=1, years=4))
    option = appraised.options[0]
    four, eight = adapters.contract_lengths(appraised, option, [4, 8])
    assert eight.extrapolated
    assert "repeated" in eight.note
    assert eight.equivalent_annual_cost_gbp == pytest.approx(four.equivalent_annual_cost_gbp, rel=0.02)


def test_affordability_uses_costs_before_optimism_bias_in_the_budgets_price_base(
    world: World, editor: User
) -> None:
    version = build_version(editor, world.ours, options=2, years=3)
    services.version_update_settings(
        user=editor,
        version=version,
        price_base_year=2026,
        discount_schedule="standard",
        discount_rate=None,
        deflator_rates=[Decimal("0.1")],
        budget_prices="nominal",
        budget_gbp=[Decimal(160), Decimal(125), Decimal(130)],
    )
    version = selectors.version_with_inputs(world.ours, version.pk)
    ssp = adapters.affordability_of(version, version.options.get(name="Option 1"))
    assert ssp is not None
    # Real costs 160, 110, 110 (no optimism bias) become 160, 121, 133.1 in cash: year 2 breaks.
    assert [round(y.charge_gbp, 2) for y in ssp.years] == [160, 121, 133.1]
    assert ssp.breach_labels == ("2028/29",)
    assert ssp.price_base == "nominal"


def test_affordability_needs_a_deflator_to_mix_price_bases(world: World, editor: User) -> None:
    version = build_version(editor, world.ours, options=1, years=2)
    services.version_update_settings(
        user=editor,
        version=version,
        price_base_year=2026,
        discount_schedule="standard",
        discount_rate=None,
        deflator_rates=[],
        budget_prices="nominal",
        budget_gbp=[Decimal(500)],
    )
    version = selectors.version_with_inputs(world.ours, version.pk)
    result = adapters.affordability_of(version, version.options.get())
    assert result is not None
    assert "Enter a GDP deflator" in result.problem
    assert result.years == ()


def test_incomplete_inputs_say_what_to_fix(world: World, editor: User) -> None:
    case = services.business_case_create(user=editor, partnership=world.ours, title="Empty")
    version = case.versions.get()
    with pytest.raises(adapters.AppraisalInputsError) as error:
        _appraise(world, version)
    assert error.value.messages == ["Add at least one option to appraise."]
    option = services.option_create(
        user=editor, version=version, data={"name": "SSP", "kind": "ssp", "years": 2}
    )
    with pytest.raises(adapters.AppraisalInputsError, match="Add a cash-flow line to the option “SSP”"):
        _appraise(world, version)
    services.line_create(
        user=editor,
        option=option,
        data=line_data("Charge", prices=PriceBase.NOMINAL),
        values=[Decimal(1)] * 2,
    )
    with pytest.raises(adapters.AppraisalInputsError, match="enter a GDP deflator"):
        _appraise(world, version)
