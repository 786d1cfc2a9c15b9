"""The risk register's cross-field rules (forbetter.risks.rules), each tested by its name."""

from __future__ import annotations

from decimal import Decimal

from forbetter.risks.rules import (
    materialised_risk_needs_actual_cost,
    normalised_risk_data,
    probability_is_a_fraction,
    quantification_is_all_or_nothing,
    risk_rule_errors,
    shared_risk_needs_council_share,
    three_points_in_order,
)

QUANTIFIED = {
    "probability": Decimal("0.3"),
    "distribution": "pert",
    "impact_minimum_gbp": Decimal(10),
    "impact_most_likely_gbp": Decimal(20),
    "impact_maximum_gbp": Decimal(30),
}


def test_rule_risk_shared_share_needs_the_share_for_shared_risks_only() -> None:
    assert shared_risk_needs_council_share({"allocation": "shared", "council_share": None}) == {
        "council_share": "Enter the council's share of this shared risk, between 0 and 1"
    }
    assert (
        "between 0 and 1"
        in shared_risk_needs_council_share({"allocation": "shared", "council_share": Decimal("1.5")})[
            "council_share"
        ]
    )
    assert shared_risk_needs_council_share({"allocation": "shared", "council_share": Decimal("0.4")}) == {}
    assert shared_risk_needs_council_share({"allocation": "partner", "council_share": None}) == {}


def test_rule_risk_materialised_cost_needs_an_actual_cost() -> None:
    assert materialised_risk_needs_actual_cost({"status": "materialised", "actual_cost_gbp": None}) == {
        "actual_cost_gbp": "Enter what the risk actually cost, in pounds (0 if nothing)"
    }
    assert (
        materialised_risk_needs_actual_cost({"status": "materialised", "actual_cost_gbp": Decimal(0)}) == {}
    )
    assert materialised_risk_needs_actual_cost({"status": "open", "actual_cost_gbp": None}) == {}


def test_rule_risk_quantified_complete_names_every_missing_field() -> None:
    errors = quantification_is_all_or_nothing({"probability": Decimal("0.2")})
    assert set(errors) == {
        "distribution",
        "impact_minimum_gbp",
        "impact_most_likely_gbp",
        "impact_maximum_gbp",
    }
    assert (
        errors["impact_minimum_gbp"] == "Enter the minimum cost, or leave all the quantification fields blank"
    )
    assert quantification_is_all_or_nothing({}) == {}
    assert quantification_is_all_or_nothing(QUANTIFIED) == {}


def test_rule_risk_probability_range() -> None:
    assert probability_is_a_fraction({"probability": Decimal("1.2")}) == {
        "probability": "Probability must be between 0 and 1, for example 0.25 for a one-in-four chance"
    }
    assert probability_is_a_fraction({"probability": Decimal("-0.1")}) != {}
    assert probability_is_a_fraction({"probability": Decimal(1)}) == {}
    assert probability_is_a_fraction({"probability": None}) == {}


def test_rule_risk_three_point_order() -> None:
    assert three_points_in_order({**QUANTIFIED, "impact_minimum_gbp": Decimal(25)}) == {
        "impact_minimum_gbp": "The minimum cost must not be more than the most likely cost"
    }
    assert three_points_in_order({**QUANTIFIED, "impact_maximum_gbp": Decimal(15)}) == {
        "impact_maximum_gbp": "The maximum cost must not be less than the most likely cost"
    }
    fixed = {**QUANTIFIED, "impact_minimum_gbp": Decimal(20), "impact_maximum_gbp": Decimal(20)}
    assert three_points_in_order(fixed) == {}


def test_all_rules_together_keep_the_first_message_per_field() -> None:
    errors = risk_rule_errors({"allocation": "shared", "status": "materialised", "probability": Decimal(2)})
    assert set(errors) >= {"council_share", "actual_cost_gbp", "distribution"}
    assert errors["probability"].startswith("Probability must be between 0 and 1")


def test_values_that_no_longer_apply_are_cleared() -> None:
    clean = normalised_risk_data(
        {"allocation": "council", "council_share": Decimal("0.5"), "status": "open", "actual_cost_gbp": 5}
    )
    assert clean["council_share"] is None
    assert clean["actual_cost_gbp"] is None
    assert clean["distribution"] == ""
