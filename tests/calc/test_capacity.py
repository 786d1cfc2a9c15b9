"""The client-side capacity arithmetic: plan cost per year, skill gaps, variances, adviser figures and the
client team's cost share of the annual contract value (rules CAP-*)."""

from __future__ import annotations

import doctest
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forbetter.calc import capacity as calc
from forbetter.calc.errors import InputError

D = Decimal


def test_doctests() -> None:
    assert doctest.testmod(calc).failed == 0


def test_rule_cap_plan_cost_sums_the_roles_needed_each_year_with_both_ends_included() -> None:
    plan = calc.planned_by_year(
        [
            calc.PlannedRole(D(100000), D(1), 2025, 2027),
            calc.PlannedRole(D(40000), D("0.5"), 2027, 2028),
        ]
    )
    assert [(p.year, p.cost_gbp, p.fte, p.roles) for p in plan] == [
        (2025, D(100000), D(1), 1),
        (2026, D(100000), D(1), 1),
        (2027, D(140000), D("1.5"), 2),
        (2028, D(40000), D("0.5"), 1),
    ]


def test_rule_cap_plan_cost_shows_a_year_inside_the_span_with_no_role_as_zero() -> None:
    plan = calc.planned_by_year(
        [calc.PlannedRole(D(10), D(1), 2025, 2025), calc.PlannedRole(D(20), D(1), 2027, 2027)]
    )
    assert [(p.year, p.cost_gbp, p.roles) for p in plan] == [
        (2025, D(10), 1),
        (2026, D(0), 0),
        (2027, D(20), 1),
    ]


def test_rule_cap_plan_cost_of_no_roles_is_an_empty_plan() -> None:
    assert calc.planned_by_year([]) == []


@pytest.mark.parametrize(
    ("role", "field"),
    [
        (calc.PlannedRole(D(-1), D(1), 2025, 2025), "roles[0].cost_per_year_gbp"),
        (calc.PlannedRole(D(1), D(1), 2026, 2025), "roles[0].last_year"),
    ],
)
def test_rule_cap_plan_cost_refuses_bad_roles_naming_the_field(role: calc.PlannedRole, field: str) -> None:
    with pytest.raises(InputError) as error:
        calc.planned_by_year([role])
    assert error.value.field == field


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(0, 10**6), st.integers(2020, 2030), st.integers(0, 5)), min_size=1, max_size=8
    )
)
def test_property_plan_total_is_each_role_cost_times_its_years(roles: list[tuple[int, int, int]]) -> None:
    planned = [calc.PlannedRole(D(cost), D(1), first, first + span) for cost, first, span in roles]
    total = sum((p.cost_gbp for p in calc.planned_by_year(planned)), D(0))
    assert total == sum(D(cost) * (span + 1) for cost, _, span in roles)


def test_rule_cap_skill_gap_lists_skills_needed_not_held_ignoring_case_and_separators() -> None:
    assert calc.skill_gaps(
        "Contract law\nPayment mechanisms, Negotiation;  ", "NEGOTIATION\ncontract LAW"
    ) == ["Payment mechanisms"]
    assert calc.skill_gaps("", "Anything") == []
    assert calc.skill_gaps("Data", "") == ["Data"]


def test_rule_cap_variance_is_actual_less_expected_and_its_share() -> None:
    over = calc.variance(D(200000), D(230000))
    assert (over.variance_gbp, over.variance_share, over.words, over.size_gbp) == (
        D(30000),
        D("0.15"),
        "over",
        D(30000),
    )
    under = calc.variance(D(200000), D(150000))
    assert (under.variance_gbp, under.words, under.size_gbp) == (D(-50000), "under", D(50000))
    assert calc.variance(D(5), D(5)).words == "on"


def test_rule_cap_variance_is_missing_when_either_side_is_missing_and_has_no_share_of_nothing() -> None:
    assert calc.variance(None, D(5)).variance_gbp is None
    assert calc.variance(D(5), None).words == ""
    assert calc.variance(D(0), D(5)).variance_share is None


def test_rule_cap_variance_by_year_covers_every_year_of_either_side() -> None:
    rows = calc.by_year({2024: D(100), 2025: D(100)}, {2025: D(90), 2026: D(80)})
    assert [(r.label, r.variance_gbp) for r in rows] == [
        ("2024/25", None),
        ("2025/26", D(-10)),
        ("2026/27", None),
    ]
    total = calc.total_variance(rows)
    assert (total.expected_gbp, total.actual_gbp, total.variance_gbp) == (D(100), D(90), D(-10))
    assert calc.total_variance([]).variance_gbp is None


def test_rule_cap_adviser_figures_by_type_share_and_cost_per_day() -> None:
    figures = calc.adviser_figures(
        [
            calc.AdviserSpend("legal", False, D(90000), D(60)),
            calc.AdviserSpend("legal", False, D(10000), None),
            calc.AdviserSpend("financial", True, D(30000), D(40)),
        ]
    )
    assert figures.total_gbp == D(130000)
    assert figures.by_type_gbp == {"legal": D(100000), "financial": D(30000)}
    assert (figures.in_house_gbp, figures.external_gbp) == (D(30000), D(100000))
    assert figures.in_house_share == D(30000) / D(130000)
    assert figures.external_share == D(100000) / D(130000)
    # the adviser without days is left out of the cost per day, fees and days alike
    assert figures.cost_per_day_gbp == D(1200)
    assert calc.cost_per_day(D(100), None) is None
    assert calc.cost_per_day(D(100), D(0)) is None


def test_rule_cap_adviser_figures_of_nobody_have_no_shares() -> None:
    figures = calc.adviser_figures([])
    assert (figures.in_house_share, figures.external_share, figures.cost_per_day_gbp) == (None, None, None)
    with pytest.raises(InputError):
        calc.adviser_figures([calc.AdviserSpend("legal", False, D(-1), None)])


def _shares(**kwargs: object) -> list[calc.ShareYear]:
    defaults: dict[str, object] = {
        "team_cost_gbp": {2022: D(100000), 2023: D(600000), 2024: D(780000), 2026: D(700000)},
        "contract_value_gbp": {2022: D(8000000), 2023: D(24000000), 2024: D(24000000), 2025: D(24000000)},
        "approved_months": {2022: 4, 2023: 12, 2024: 12, 2025: 12},
        "minimum_share": D("0.03"),
        "maximum_share": D("0.0320"),
    }
    defaults.update(kwargs)
    return calc.cost_shares(**defaults)  # type: ignore[arg-type]


def test_rule_cap_cost_share_judges_full_years_against_the_minimum_and_maximum() -> None:
    years = {year.year: year for year in _shares()}
    assert years[2023].share == D("0.025")
    assert years[2023].status == calc.ShareStatus.BELOW_MINIMUM
    assert years[2023].missed
    assert years[2024].share == D("0.0325")
    assert years[2024].status == calc.ShareStatus.ABOVE_MAXIMUM


def test_rule_cap_cost_share_a_part_year_is_shown_not_judged() -> None:
    part = _shares()[0]
    assert (part.year, part.months, part.share, part.status) == (
        2022,
        4,
        D("0.0125"),
        calc.ShareStatus.PART_YEAR,
    )
    assert not part.missed


def test_rule_cap_cost_share_a_year_without_approved_statements_is_missing_not_zero() -> None:
    years = {year.year: year for year in _shares()}
    assert years[2026].status == calc.ShareStatus.NO_STATEMENTS
    assert years[2026].share is None
    assert years[2026].contract_value_gbp is None
    assert years[2025].status == calc.ShareStatus.NO_COST


def test_rule_cap_cost_share_covers_the_gap_years_between_the_first_and_last() -> None:
    years = calc.cost_shares(
        team_cost_gbp={2020: D(1), 2023: D(1)}, contract_value_gbp={}, approved_months={}, minimum_share=None
    )
    assert [(y.year, y.status) for y in years] == [
        (year, calc.ShareStatus.NO_STATEMENTS) for year in range(2020, 2024)
    ]


def test_rule_cap_cost_share_without_a_target_is_not_judged() -> None:
    years = _shares(minimum_share=None, maximum_share=None)
    assert {y.status for y in years if y.year in (2023, 2024)} == {calc.ShareStatus.NO_TARGET}
    assert calc.cost_shares(team_cost_gbp={}, contract_value_gbp={}, approved_months={}) == []


def test_rule_cap_cost_share_meets_a_target_at_exactly_the_minimum() -> None:
    [year] = calc.cost_shares(
        team_cost_gbp={2024: D(720000)},
        contract_value_gbp={2024: D(24000000)},
        approved_months={2024: 12},
        minimum_share=D("0.03"),
    )
    assert year.status == calc.ShareStatus.MET


def test_rule_cap_cost_share_refuses_a_maximum_below_the_minimum() -> None:
    with pytest.raises(InputError) as error:
        _shares(minimum_share=D("0.05"), maximum_share=D("0.03"))
    assert error.value.field == "maximum_share"
    with pytest.raises(InputError):
        _shares(minimum_share=D("-0.01"))
