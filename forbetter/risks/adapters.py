"""The one place where risk records (Decimal, model instances) become calc engine inputs (float) and back."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from forbetter.calc import risk as risk_engine
from forbetter.calc.exit_costs import ExitCostInputs
from forbetter.calc.risk import QuantifiedRisk, ScoreBand

PENNY = Decimal("0.01")


def to_gbp(value: float) -> Decimal:
    """An engine amount in pounds as Decimal pounds and pence."""
    return Decimal(repr(float(value))).quantize(PENNY, rounding=ROUND_HALF_UP)


def to_fraction(value: float, places: str = "0.0001") -> Decimal:
    return Decimal(repr(float(value))).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def band(likelihood: int, impact: int) -> ScoreBand:
    """The engine's band for a likelihood and impact (each 1-5)."""
    return risk_engine.score_band(risk_engine.risk_score(likelihood, impact))


def band_key(name: str) -> str:
    """A band's name as a CSS and URL key: 'very high' -> 'very-high'."""
    return name.replace(" ", "-")


def quantified_risk(
    *,
    reference: str,
    probability: Decimal,
    distribution: str,
    minimum_gbp: Decimal,
    most_likely_gbp: Decimal,
    maximum_gbp: Decimal,
    allocation: str,
    council_share: Decimal | None,
) -> QuantifiedRisk:
    """A risk's quantification as the engine's QuantifiedRisk (raises InputError on bad values)."""
    return QuantifiedRisk(
        id=reference,
        probability=float(probability),
        distribution=distribution,  # type: ignore[arg-type]  # choices match the engine's literals
        minimum_gbp=float(minimum_gbp),
        mode_gbp=float(most_likely_gbp),
        maximum_gbp=float(maximum_gbp),
        allocation=allocation,  # type: ignore[arg-type]
        council_share=float(council_share) if allocation == "shared" and council_share is not None else None,
    )


def risk_as_quantified(risk: Any) -> QuantifiedRisk:
    """A register risk (which must be quantified) as the engine's QuantifiedRisk."""
    return quantified_risk(
        reference=risk.reference,
        probability=risk.probability,
        distribution=risk.distribution,
        minimum_gbp=risk.impact_minimum_gbp,
        most_likely_gbp=risk.impact_most_likely_gbp,
        maximum_gbp=risk.impact_maximum_gbp,
        allocation=risk.allocation,
        council_share=risk.council_share,
    )


def input_as_quantified(row: Any) -> QuantifiedRisk:
    """A stored simulation input row as the engine's QuantifiedRisk."""
    return quantified_risk(
        reference=row.reference,
        probability=row.probability,
        distribution=row.distribution,
        minimum_gbp=row.minimum_gbp,
        most_likely_gbp=row.most_likely_gbp,
        maximum_gbp=row.maximum_gbp,
        allocation=row.allocation,
        council_share=row.council_share,
    )


def expected_cost_gbp(risk: QuantifiedRisk) -> tuple[float, float]:
    """(expected cost, the council's part of it) in pounds: probability × mean impact (PERT or triangular)."""
    expected = risk_engine.risk_mean_gbp(risk)
    return expected, expected * risk.council_fraction


def exit_inputs(
    analysis: Any, *, break_years: Iterable[int], route_terms: Iterable[Any], schedule: Iterable[Any]
) -> ExitCostInputs:
    """An exit analysis with its break years, per-route terms and compensation schedule as engine inputs."""
    compensation: dict[str, dict[int, float]] = {}
    for row in schedule:
        compensation.setdefault(row.route, {})[row.year] = float(row.compensation_gbp)
    return ExitCostInputs(
        term_years=analysis.term_years,
        annual_charge_gbp=float(analysis.annual_charge_gbp),
        replacement_annual_cost_gbp=float(analysis.replacement_annual_cost_gbp),
        partner_investment_gbp=float(analysis.partner_investment_gbp),
        amortisation_years=analysis.amortisation_years,
        tupe_costs_gbp=float(analysis.tupe_costs_gbp),
        redundancy_costs_gbp=float(analysis.redundancy_costs_gbp),
        transition_costs_gbp=float(analysis.transition_costs_gbp),
        reprocurement_costs_gbp=float(analysis.reprocurement_costs_gbp),
        discount_rate=float(analysis.discount_rate),
        discount_schedule=analysis.discount_schedule,
        break_years=tuple(year for year in break_years if year < analysis.term_years),
        compensation_gbp={
            route: {year: amount for year, amount in years.items() if year <= analysis.term_years}
            for route, years in compensation.items()
        },
        investment_share={row.route: float(row.investment_share) for row in route_terms},
    )


EXIT_FIELD_NAMES = {
    "discount_rate": "Discount rate",
    "discount_schedule": "Discounting",
    "term_years": "Term",
    "amortisation_years": "Years over which the investment is written off",
    "annual_charge_gbp": "Annual charge",
    "break_years": "Break years",
}


def exit_error_text(error: Any) -> str:
    """An engine error on the exit inputs in words, naming the input as the form does (not its field)."""
    where = str(error.field).split(".")[0].split("[")[0]
    name = EXIT_FIELD_NAMES.get(where, where.replace("_gbp", "").replace("_", " ").capitalize())
    return f"{name}: {error.message}"


def exit_discounting_text(analysis: Any) -> str:
    """How the years left after an exit are discounted, in words, from the analysis's own settings."""
    if analysis.discount_schedule == "none":
        return (
            "Not discounted: the years left count at face value, so the cash and the net cost are the same."
        )
    if analysis.discount_schedule == "flat":
        rate = f"a flat {float(analysis.discount_rate):.2%} a year"
    else:
        rate = "the Green Book standard schedule (3.5% a year for years 1 to 30, then 3%)"
    return (
        "The charges saved and the replacement costs of the years left are discounted to the date of exit "
        f"at {rate}. One-off costs and compensation fall at the date of exit. The cash figure counts the "
        "years left at face value; the present value discounts the net cost back to the start of the "
        "contract, so exits in different years can be compared."
    )
