"""Benchmark: payment statements for a whole portfolio (DESIGN section 7).

1,000 contracts x 50 KPIs x 180 months (9,000,000 KPI-months) recomputed with the vectorised engine
(:func:`forbetter.calc.payment.portfolio_deductions`) against a plain-Python loop baseline in the same run.

The plain-Python loop over all 9,000,000 KPI-months would take minutes, so it runs on a fixed random subset of
contracts (``BASELINE_CONTRACTS``) and its time is scaled linearly to the whole portfolio (the loop's cost is
proportional to contracts x KPIs x months). The output says so. On that subset the engine's deductions and
payable amounts must equal the loop's exactly, or the benchmark fails.

Run: ``python bench/payment.py`` (or ``make bench``); import it and call :func:`main` for the record.
"""

from __future__ import annotations

import importlib
import math
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from forbetter.calc.payment import (
    Band,
    PortfolioResult,
    band_table,
    indexed_charge,
    portfolio_deductions,
)

# As a script (``python bench/payment.py``) bench/ itself is on sys.path; imported, it is the bench package.
_timing = importlib.import_module("bench._timing" if __package__ else "_timing")

CONTRACTS, KPIS, MONTHS = 1_000, 50, 180
BASELINE_CONTRACTS = 20
SEED = 20240401


@dataclass(frozen=True)
class Portfolio:
    """Random but plausible inputs: points (contracts x KPIs x months), relief, and per-contract terms."""

    points: npt.NDArray[np.float64]
    relief: npt.NDArray[np.bool_]
    charge: npt.NDArray[np.float64]  # contracts x months, indexed
    point_value: npt.NDArray[np.float64]
    thresholds: list[int]
    bands: list[tuple[Band, ...]]
    cap: npt.NDArray[np.float64]  # NaN = no cap
    ratchet_consecutive: npt.NDArray[np.int64]  # 0 = no ratchet
    ratchet_multiplier: npt.NDArray[np.float64]


def make_portfolio(
    *, contracts: int = CONTRACTS, kpis: int = KPIS, months: int = MONTHS, seed: int = SEED
) -> Portfolio:
    """A seeded portfolio: each contract fails each KPI in 2-15% of months, 5% of failures relieved."""
    rng = np.random.default_rng(seed)
    shape = (contracts, kpis, months)
    failure_rate = rng.uniform(0.02, 0.15, size=(contracts, 1, 1))
    severity = rng.choice(np.array([1.0, 2.0, 3.0, 5.0, 10.0, 20.0]), size=shape)
    points = np.where(rng.random(shape) < failure_rate, severity, 0.0)
    relief = (points > 0) & (rng.random(shape) < 0.05)

    index = 100.0 * np.cumprod(np.full(months, 1.0025))  # about 3% a year
    charge = np.asarray(
        indexed_charge(
            rng.uniform(50_000, 2_000_000, size=(contracts, 1)),
            indexed_share=rng.uniform(0.2, 0.8, size=(contracts, 1)),
            index_value=index[None, :],
            index_base=100.0,
        )
    )
    thresholds = [int(t) for t in rng.integers(10, 51, size=contracts)]
    bands: list[tuple[Band, ...]] = [
        (Band(t + 1, t + 80, 1.0), Band(t + 81, t + 180, 1.2), Band(t + 181, None, 1.5))
        if c % 4
        else (Band(t + 1, t + 100, 1.0), Band(t + 101, None, 2.0))
        for c, t in enumerate(thresholds)
    ]
    cap = np.where(rng.random(contracts) < 0.1, np.nan, rng.uniform(0.005, 0.05, size=contracts))
    with_ratchet = rng.random(contracts) < 0.5
    return Portfolio(
        points=points,
        relief=relief,
        charge=charge,
        point_value=rng.uniform(5.0, 200.0, size=contracts),
        thresholds=thresholds,
        bands=bands,
        cap=cap,
        ratchet_consecutive=np.where(with_ratchet, 3, 0),
        ratchet_multiplier=np.where(with_ratchet, 1.5, 1.0),
    )


def engine(portfolio: Portfolio) -> PortfolioResult:
    """Every contract x month at once with the vectorised engine."""
    return portfolio_deductions(
        portfolio.points,
        relief=portfolio.relief,
        charge=portfolio.charge,
        point_value=portfolio.point_value,
        bands=band_table(portfolio.bands, thresholds=portfolio.thresholds),
        cap=portfolio.cap,
        ratchet_consecutive=portfolio.ratchet_consecutive,
        ratchet_multiplier=portfolio.ratchet_multiplier,
    )


def baseline_inputs(portfolio: Portfolio, contracts: list[int]) -> list[dict[str, Any]]:
    """The subset's inputs as plain Python lists, prepared outside the timed loop."""
    return [
        {
            "points": portfolio.points[c].tolist(),
            "relief": portfolio.relief[c].tolist(),
            "charge": portfolio.charge[c].tolist(),
            "value": float(portfolio.point_value[c]),
            "bands": [
                (
                    b.from_point - 1.0,
                    math.inf if b.to_point is None else b.to_point - b.from_point + 1.0,
                    b.multiplier,
                )
                for b in portfolio.bands[c]
            ],
            "cap": None if math.isnan(portfolio.cap[c]) else float(portfolio.cap[c]),
            "consecutive": int(portfolio.ratchet_consecutive[c]),
            "multiplier": float(portfolio.ratchet_multiplier[c]),
        }
        for c in contracts
    ]


def baseline(inputs: list[dict[str, Any]]) -> list[tuple[list[float], list[float]]]:
    """The textbook loop: month by month, KPI by KPI, band by band, in plain Python floats.

    Returns (deductions, payable) per contract, by month.
    """
    results = []
    for contract in inputs:
        points, relief, charges = contract["points"], contract["relief"], contract["charge"]
        kpis, months = len(points), len(charges)
        runs = [0] * kpis
        deductions, payables = [], []
        for m in range(months):
            total = 0.0
            for k in range(kpis):
                p = 0.0 if relief[k][m] else points[k][m]
                runs[k] = runs[k] + 1 if p > 0 else 0
                if contract["consecutive"] and runs[k] >= contract["consecutive"]:
                    p = p * contract["multiplier"]
                total += p
            weighted = 0.0
            for lower, width, multiplier in contract["bands"]:
                weighted += min(max(total - lower, 0.0), width) * multiplier
            before_cap = contract["value"] * weighted
            deduction = (
                before_cap if contract["cap"] is None else min(before_cap, contract["cap"] * charges[m])
            )
            deductions.append(deduction)
            payables.append(charges[m] - deduction)
        results.append((deductions, payables))
    return results


def main(*, repeats: int = 3, baseline_contracts: int = BASELINE_CONTRACTS) -> dict[str, Any]:
    """Time the engine (best of ``repeats``) and the scaled baseline; check they agree; report."""
    portfolio = make_portfolio()
    contracts, kpis, months = portfolio.points.shape
    subset = sorted(np.random.default_rng(SEED + 1).choice(contracts, size=baseline_contracts, replace=False))
    inputs = baseline_inputs(portfolio, [int(c) for c in subset])

    engine_s = _timing.best_of(lambda: engine(portfolio), repeats)
    result = engine(portfolio)
    measured_s = _timing.best_of(lambda: baseline(inputs), repeats)
    expected = baseline(inputs)

    agree = all(
        result.deduction[c].tolist() == deductions and result.payable[c].tolist() == payables
        for c, (deductions, payables) in zip(subset, expected, strict=True)
    )
    if not agree:
        raise SystemExit("payment bench: the engine and the plain-Python baseline disagree")

    scaled_s = measured_s * contracts / baseline_contracts
    print(
        f"payment: {contracts:,} contracts x {kpis} KPIs x {months} months = {contracts * kpis * months:,} "
        f"KPI-months, {int(result.capped.sum()):,} capped contract-months"
    )
    print(
        f"baseline: plain-Python loop timed on {baseline_contracts} of {contracts:,} contracts "
        f"({measured_s:.3f} s) and scaled linearly x{contracts / baseline_contracts:g} to {scaled_s:.2f} s; "
        f"results agree exactly on that subset"
    )
    return _timing.report(
        "payment",
        engine_s,
        scaled_s,
        {
            "contracts": contracts,
            "kpis": kpis,
            "months": months,
            "baseline_contracts": baseline_contracts,
            "baseline_measured_s": round(measured_s, 4),
            "baseline_scaled": True,
            "agree": agree,
        },
    )


if __name__ == "__main__":
    main()
    sys.exit(0)
