"""``forbetter risk simulate REGISTER.json [--iterations N] [--seed S]`` (DESIGN section 6).

In::

    {"risks": [{"id": str, "probability": 0..1, "distribution": "pert" | "triangular",
                "min": x, "mode": x, "max": x, "allocation": "council" | "partner" | "shared",
                "council_share": 0..1 (shared only)}],
     "correlation": 0.0 (optional)}

Out: ``iterations, mean, sd, p10, p50, p80, p90, p95, analytic_mean, council {mean, p50, p80},
tornado [{id, rank_correlation}]`` and, beyond the contract, ``seed``, ``correlation``,
``partner``, ``s_curve``, ``histogram``, ``reservoir_iterations`` and ``achieved_rank_correlation`` (null when
no correlation was asked for). Money in pounds, unrounded; every number a plain JSON number.
"""

from __future__ import annotations

from typing import Any

from forbetter.calc.errors import InputError
from forbetter.calc.risk import (
    AllocationSummary,
    QuantifiedRisk,
    SimulationResult,
    simulate_register,
)

REGISTER_KEYS = frozenset({"risks", "correlation"})
RISK_KEYS = frozenset(
    {"id", "probability", "distribution", "min", "mode", "max", "allocation", "council_share"}
)
REQUIRED_RISK_KEYS = ("id", "probability", "distribution", "min", "mode", "max", "allocation")
# QuantifiedRisk attribute -> the contract's name for it
_CONTRACT_FIELD = {"minimum_gbp": "min", "mode_gbp": "mode", "maximum_gbp": "max"}


def _unknown_keys(found: dict[str, Any], allowed: frozenset[str], *, where: str) -> None:
    unknown = sorted(set(found) - allowed)
    if unknown:
        prefix = f"{where}." if where else ""
        raise InputError(
            f"{prefix}{unknown[0]}",
            f"is not a field of this contract (expected {', '.join(sorted(allowed))})",
        )


def _risk(item: Any, *, index: int) -> QuantifiedRisk:
    where = f"risks[{index}]"
    if not isinstance(item, dict):
        raise InputError(where, "each risk must be a JSON object")
    _unknown_keys(item, RISK_KEYS, where=where)
    for key in REQUIRED_RISK_KEYS:
        if key not in item:
            raise InputError(f"{where}.{key}", "is missing")
    try:
        return QuantifiedRisk(
            id=item["id"],
            probability=item["probability"],
            distribution=item["distribution"],
            minimum_gbp=item["min"],
            mode_gbp=item["mode"],
            maximum_gbp=item["max"],
            allocation=item["allocation"],
            council_share=item.get("council_share"),
        )
    except InputError as error:
        raise InputError(f"{where}.{_CONTRACT_FIELD.get(error.field, error.field)}", error.message) from error


def _allocation(summary: AllocationSummary) -> dict[str, float]:
    return {
        "mean": summary.mean_gbp,
        "p50": summary.p50_gbp,
        "p80": summary.p80_gbp,
        "analytic_mean": summary.analytic_mean_gbp,
    }


def _output(result: SimulationResult) -> dict[str, Any]:
    return {
        "iterations": result.iterations,
        "seed": result.seed,
        "correlation": result.correlation,
        "mean": result.mean_gbp,
        "sd": result.sd_gbp,
        "p10": result.p10_gbp,
        "p50": result.p50_gbp,
        "p80": result.p80_gbp,
        "p90": result.p90_gbp,
        "p95": result.p95_gbp,
        "analytic_mean": result.analytic_mean_gbp,
        "council": _allocation(result.council),
        "partner": _allocation(result.partner),
        "tornado": [{"id": bar.id, "rank_correlation": bar.rank_correlation} for bar in result.tornado],
        "reservoir_iterations": result.reservoir_iterations,
        "achieved_rank_correlation": result.achieved_rank_correlation,
        "s_curve": [{"percent": percent, "value": value} for percent, value in enumerate(result.s_curve_gbp)],
        "histogram": {"edges": list(result.histogram.edges_gbp), "counts": list(result.histogram.counts)},
    }


def run(payload: dict[str, Any], *, iterations: int = 10_000, seed: int = 0) -> dict[str, Any]:
    """Simulate the register in ``payload``; raise :class:`InputError` naming the field on bad input."""
    if not isinstance(payload, dict):
        raise InputError("file", 'expected a JSON object such as {"risks": [...]}')
    _unknown_keys(payload, REGISTER_KEYS, where="")
    if "risks" not in payload:
        raise InputError("risks", "is missing")
    items = payload["risks"]
    if not isinstance(items, list):
        raise InputError("risks", "must be a list of risks")
    if not items:
        raise InputError("risks", "the register has no risks to simulate")
    register = [_risk(item, index=index) for index, item in enumerate(items)]
    correlation = payload.get("correlation")
    result = simulate_register(
        register,
        iterations=iterations,
        seed=seed,
        correlation=0.0 if correlation is None else correlation,
    )
    return _output(result)
