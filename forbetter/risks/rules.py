"""Rules that span a risk's fields, each named, explained and tested by name (tests/web/test_risks_rules.py).

Forms call :func:`risk_rule_errors` to put a specific message on the field at fault; services call it again
so no write can skip it. Each rule returns ``{field: message}`` for what is wrong and nothing otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from forbetter.risks.models import Allocation, RiskStatus

QUANTIFICATION_FIELDS: dict[str, str] = {
    "probability": "Enter the probability",
    "distribution": "Select the shape of the cost range",
    "impact_minimum_gbp": "Enter the minimum cost",
    "impact_most_likely_gbp": "Enter the most likely cost",
    "impact_maximum_gbp": "Enter the maximum cost",
}
SHARE_RANGE_MESSAGE = "The council's share must be between 0 and 1, for example 0.4 for 40%"
PROBABILITY_RANGE_MESSAGE = "Probability must be between 0 and 1, for example 0.25 for a one-in-four chance"


def _blank(value: Any) -> bool:
    return value is None or value == ""


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def shared_risk_needs_council_share(data: Mapping[str, Any]) -> dict[str, str]:
    """RISK-SHARED-SHARE: a shared risk records the council's share, a fraction from 0 to 1.

    DESIGN section 5: "Allocation: council, partner, or shared with the council's share." Without the share
    the council's part of a shared risk (in the allocation matrix and the Monte Carlo split) is unknown.
    """
    if data.get("allocation") != Allocation.SHARED:
        return {}
    share = data.get("council_share")
    if _blank(share):
        return {"council_share": "Enter the council's share of this shared risk, between 0 and 1"}
    if not Decimal(0) <= _decimal(share) <= Decimal(1):
        return {"council_share": SHARE_RANGE_MESSAGE}
    return {}


def materialised_risk_needs_actual_cost(data: Mapping[str, Any]) -> dict[str, str]:
    """RISK-MATERIALISED-COST: a risk that has happened records what it actually cost (0 or more).

    Comparing actual costs with the estimates is how the register's quantification is tested over time.
    """
    if data.get("status") == RiskStatus.MATERIALISED and _blank(data.get("actual_cost_gbp")):
        return {"actual_cost_gbp": "Enter what the risk actually cost, in pounds (0 if nothing)"}
    return {}


def quantification_is_all_or_nothing(data: Mapping[str, Any]) -> dict[str, str]:
    """RISK-QUANTIFIED-COMPLETE: a quantified risk has a probability, a shape and all three cost points;
    an unquantified one has none of them.

    A half-quantified risk cannot be simulated, and silently leaving it out would understate the total.
    """
    given = [name for name in QUANTIFICATION_FIELDS if not _blank(data.get(name))]
    if not given or len(given) == len(QUANTIFICATION_FIELDS):
        return {}
    return {
        name: f"{message}, or leave all the quantification fields blank"
        for name, message in QUANTIFICATION_FIELDS.items()
        if _blank(data.get(name))
    }


def probability_is_a_fraction(data: Mapping[str, Any]) -> dict[str, str]:
    """RISK-PROBABILITY-RANGE: the probability that the risk happens is a fraction from 0 to 1.

    DESIGN section 5 (Monte Carlo): "each risk occurs with its probability". 25% is entered as 0.25.
    """
    probability = data.get("probability")
    if not _blank(probability) and not Decimal(0) <= _decimal(probability) <= Decimal(1):
        return {"probability": PROBABILITY_RANGE_MESSAGE}
    return {}


def three_points_in_order(data: Mapping[str, Any]) -> dict[str, str]:
    """RISK-THREE-POINT-ORDER: minimum ≤ most likely ≤ maximum (all three equal is a fixed cost).

    DESIGN section 5, three-point estimates; the PERT and triangular shapes are undefined otherwise.
    """
    low, mode, high = (
        data.get(name) for name in ("impact_minimum_gbp", "impact_most_likely_gbp", "impact_maximum_gbp")
    )
    errors: dict[str, str] = {}
    if not _blank(low) and not _blank(mode) and _decimal(low) > _decimal(mode):
        errors["impact_minimum_gbp"] = "The minimum cost must not be more than the most likely cost"
    if not _blank(mode) and not _blank(high) and _decimal(mode) > _decimal(high):
        errors["impact_maximum_gbp"] = "The maximum cost must not be less than the most likely cost"
    elif not _blank(low) and not _blank(high) and _decimal(low) > _decimal(high) and not errors:
        errors["impact_maximum_gbp"] = "The maximum cost must not be less than the minimum cost"
    return errors


RISK_RULES = (
    shared_risk_needs_council_share,
    materialised_risk_needs_actual_cost,
    quantification_is_all_or_nothing,
    probability_is_a_fraction,
    three_points_in_order,
)


def risk_rule_errors(data: Mapping[str, Any]) -> dict[str, str]:
    """Every rule's errors, the first message per field winning."""
    errors: dict[str, str] = {}
    for rule in RISK_RULES:
        for field, message in rule(data).items():
            errors.setdefault(field, message)
    return errors


def normalised_risk_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """The data with values that no longer apply cleared: the council's share of a risk that is not shared,
    the actual cost of a risk that has not materialised."""
    clean = dict(data)
    if clean.get("allocation") != Allocation.SHARED:
        clean["council_share"] = None
    if clean.get("status") != RiskStatus.MATERIALISED:
        clean["actual_cost_gbp"] = None
    if _blank(clean.get("distribution")):
        clean["distribution"] = ""
    return clean
