"""Benchmark: risk Monte Carlo (DESIGN section 7).

Timing (default): 200 risks x 100,000 iterations with a rank correlation of 0.3, the engine
(:func:`forbetter.calc.risk.simulate_register`) against the textbook NumPy/SciPy version in the same run: a
full Gaussian copula (``np.linalg.cholesky`` of the 200 x 200 correlation matrix), ``scipy.stats.norm.cdf``,
``scipy.stats.beta.ppf`` per risk, Bernoulli occurrence and totals. Best of ``--repeats`` (3) runs each. The
textbook version computes only the totals, the council's part and the percentiles (no tornado, S-curve or
histogram), so the ratio is, if anything, flattering to it. Both means must agree within 1%.

Memory (``--memory``): 500 risks x 1,000,000 iterations run in a fresh child process; the peak resident set
(``ru_maxrss`` of the child, which counts numpy's allocations) is reported with the child's resident set just
after its imports, for comparison.

Run: ``python bench/risk.py`` (or ``make bench``), ``python bench/risk.py --memory``; import it and call
:func:`main` or :func:`memory` for the record.
"""

from __future__ import annotations

import argparse
import importlib
import json
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from forbetter.calc.risk import (
    Allocation,
    QuantifiedRisk,
    normal_correlation_for_rank_correlation,
    pert_shape,
    register_mean_gbp,
    simulate_register,
)

# As a script (``python bench/risk.py``) bench/ itself is on sys.path; imported, it is the bench package.
_timing = importlib.import_module("bench._timing" if __package__ else "_timing")

RISKS, ITERATIONS, CORRELATION = 200, 100_000, 0.3
MEMORY_RISKS, MEMORY_ITERATIONS = 500, 1_000_000
TARGET_RATIO, TARGET_ENGINE_S, TARGET_MEMORY_MB = 10.0, 1.0, 200.0
SEED = 20240501


def make_register(risk_count: int, *, seed: int = SEED) -> list[QuantifiedRisk]:
    """A large register of PERT risks (the textbook version has a Beta for each), a third each council,
    partner and shared at 50%, with probabilities of 5-60% and impacts from thousands to a million pounds."""
    rng = np.random.default_rng(seed)
    allocations: tuple[Allocation, ...] = ("council", "partner", "shared")
    register = []
    for index in range(risk_count):
        minimum = float(rng.integers(0, 50)) * 1_000
        mode = minimum + float(rng.integers(1, 100)) * 1_000
        maximum = mode + float(rng.integers(1, 900)) * 1_000
        allocation = allocations[index % 3]
        register.append(
            QuantifiedRisk(
                id=f"R{index + 1:03d}",
                probability=float(rng.uniform(0.05, 0.6)),
                minimum_gbp=minimum,
                mode_gbp=mode,
                maximum_gbp=maximum,
                allocation=allocation,
                council_share=0.5 if allocation == "shared" else None,
            )
        )
    return register


def engine(register: Sequence[QuantifiedRisk], *, iterations: int, correlation: float, seed: int) -> float:
    """Mean total from the engine (which also computes everything else it reports)."""
    return simulate_register(register, iterations=iterations, seed=seed, correlation=correlation).mean_gbp


def textbook(register: Sequence[QuantifiedRisk], *, iterations: int, correlation: float, seed: int) -> float:
    """Mean total from the textbook NumPy/SciPy Monte Carlo: full Gaussian copula and ``beta.ppf``."""
    from scipy import stats  # imported here so that the memory child does not carry scipy.stats

    rng = np.random.default_rng(seed)
    count = len(register)
    r = normal_correlation_for_rank_correlation(correlation)
    matrix = np.full((count, count), r)
    np.fill_diagonal(matrix, 1.0)
    lower = np.linalg.cholesky(matrix)
    uniforms = stats.norm.cdf(rng.standard_normal((iterations, count)) @ lower.T)
    impacts = np.empty((iterations, count))
    for j, item in enumerate(register):
        alpha, beta = pert_shape(item.minimum_gbp, item.mode_gbp, item.maximum_gbp)
        scale = item.maximum_gbp - item.minimum_gbp
        impacts[:, j] = stats.beta.ppf(uniforms[:, j], alpha, beta, loc=item.minimum_gbp, scale=scale)
    probability = np.array([item.probability for item in register])
    costs = impacts * (rng.random((iterations, count)) < probability)
    totals = costs.sum(axis=1)
    council = costs @ np.array([item.council_fraction for item in register])
    np.percentile(totals, [10, 50, 80, 90, 95])
    np.percentile(council, [50, 80])
    return float(totals.mean())


def main(*, repeats: int = 3) -> dict[str, Any]:
    """Time the engine and the textbook version (best of ``repeats``), check their means agree, report."""
    register = make_register(RISKS)
    means: dict[str, float] = {}  # the last timed run's answer, kept to compare

    def run_engine() -> None:
        means["engine"] = engine(register, iterations=ITERATIONS, correlation=CORRELATION, seed=SEED)

    def run_textbook() -> None:
        means["textbook"] = textbook(register, iterations=ITERATIONS, correlation=CORRELATION, seed=SEED)

    engine_s = _timing.best_of(run_engine, repeats)
    textbook_s = _timing.best_of(run_textbook, repeats)
    engine_mean, textbook_mean = means["engine"], means["textbook"]
    difference = abs(engine_mean / textbook_mean - 1.0)
    analytic = register_mean_gbp(register)
    print(
        f"risk: {RISKS} risks x {ITERATIONS:,} iterations, rank correlation {CORRELATION}; "
        f"mean engine £{engine_mean:,.0f}, textbook £{textbook_mean:,.0f}, analytic £{analytic:,.0f} "
        f"(engine and textbook differ by {difference:.3%})"
    )
    record = _timing.report(
        "risk",
        engine_s,
        textbook_s,
        {
            "textbook_s": round(textbook_s, 4),
            "risks": RISKS,
            "iterations": ITERATIONS,
            "correlation": CORRELATION,
            "repeats": repeats,
            "engine_mean": round(engine_mean, 2),
            "textbook_mean": round(textbook_mean, 2),
            "analytic_mean": round(analytic, 2),
            "mean_difference": round(difference, 6),
            "means_agree": difference < 0.01,
            "target_ratio": TARGET_RATIO,
            "target_engine_s": TARGET_ENGINE_S,
        },
    )
    if difference >= 0.01:
        raise SystemExit("risk bench: the engine's and the textbook's means differ by 1% or more")
    return record


def _memory_child() -> None:
    """Run in a fresh process: simulate the large register and print resident-set figures as JSON."""
    register = make_register(MEMORY_RISKS)
    imports_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    simulate_register(register, iterations=MEMORY_ITERATIONS, seed=SEED, correlation=CORRELATION)
    seconds = time.perf_counter() - start
    print(json.dumps({"imports_mb": imports_mb, "engine_s": seconds}))


def memory() -> dict[str, Any]:
    """Peak memory of 500 risks x 1,000,000 iterations, measured as the child process's ``ru_maxrss``."""
    completed = subprocess.run(
        [sys.executable, __file__, "--memory-child"], capture_output=True, text=True, check=True, timeout=600
    )
    child = json.loads(completed.stdout.strip().splitlines()[-1])
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # Linux reports KiB
    record = {
        "bench": "risk-memory",
        "risks": MEMORY_RISKS,
        "iterations": MEMORY_ITERATIONS,
        "correlation": CORRELATION,
        "peak_mb": round(peak_mb, 1),
        "imports_mb": round(child["imports_mb"], 1),
        "engine_s": round(child["engine_s"], 2),
        "target_mb": TARGET_MEMORY_MB,
        "within_target": peak_mb < TARGET_MEMORY_MB,
    }
    print(
        f"risk memory: {MEMORY_RISKS} risks x {MEMORY_ITERATIONS:,} iterations peaked at {peak_mb:.0f} MB "
        f"resident ({child['imports_mb']:.0f} MB of it numpy, scipy and the register) "
        f"in {child['engine_s']:.1f} s"
    )
    print(json.dumps(record))
    return record


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--memory", action="store_true", help="measure peak memory instead of time")
    parser.add_argument("--memory-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    if arguments.memory_child:
        _memory_child()
    elif arguments.memory:
        memory()
    else:
        main(repeats=arguments.repeats)
    sys.exit(0)
