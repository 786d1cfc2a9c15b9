"""Benchmark: 10,000 one-way sensitivity evaluations over 10 options x 30 years (DESIGN section 7).

Each evaluation scales one cost line of one option by (1 + change) and asks for that option's net present
cost and the option then preferred. The engine appraises the options once and answers every evaluation in
one vectorised step (:func:`forbetter.calc.appraisal.batch_sensitivity`, closed-form because NPC is linear
in each line). The baseline, in the same run, is a plain-Python loop over lists and floats that recomputes
the changed option's NPC from its yearly figures for every evaluation. Both must agree to 1e-6 pounds and
on every preferred option, or the benchmark fails.

Run: ``python bench/appraisal.py`` (or ``make bench``); import it and call :func:`main` for the record.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from forbetter.calc.appraisal import (
    GREEN_BOOK_STANDARD_BANDS,
    CashflowLine,
    OptimismBiasAdjustment,
    Option,
    appraise_options,
    batch_sensitivity,
)

# bench/ is a folder of scripts: run as a script, bench/ itself is on sys.path
_timing = importlib.import_module("bench._timing" if __package__ else "_timing")

OPTIONS, YEARS, EVALUATIONS, REPEATS = 10, 30, 10_000, 5
SEED = 20240401


@dataclass(frozen=True)
class Case:
    """Seeded options (3-6 cost lines each, optimism bias on every other option) and evaluations."""

    options: tuple[Option, ...]
    option_index: npt.NDArray[np.intp]
    line_index: npt.NDArray[np.intp]
    change: npt.NDArray[np.float64]


def make_case(
    *, options: int = OPTIONS, years: int = YEARS, evaluations: int = EVALUATIONS, seed: int = SEED
) -> Case:
    rng = np.random.default_rng(seed)
    built = []
    for i in range(options):
        lines = [
            CashflowLine(
                f"line {j}",
                "cost",
                "real",
                (rng.uniform(50, 500) * rng.uniform(0.9, 1.1, years)).round(2).tolist(),
            )
            for j in range(int(rng.integers(3, 7)))
        ]
        bias = OptimismBiasAdjustment(0.41, ["line 0"], [(0.5, 0.6), (0.5, 0.2)]) if i % 2 == 0 else None
        built.append(Option(f"option {i}", years, lines, bias))
    line_counts = np.array([len(option.lines) for option in built])
    option_index = rng.integers(0, options, evaluations).astype(np.intp)
    line_index = rng.integers(0, line_counts[option_index]).astype(np.intp)
    return Case(tuple(built), option_index, line_index, rng.uniform(-0.5, 0.5, evaluations))


def engine(case: Case) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.intp]]:
    appraisal = appraise_options(case.options)
    batch = batch_sensitivity(
        appraisal, option_index=case.option_index, line_index=case.line_index, change=case.change
    )
    return batch.net_present_cost_gbp, batch.preferred_index


def baseline(case: Case) -> tuple[list[float], list[int]]:
    """Plain Python: discount factors, optimism bias and NPC by loops over lists, one NPC per evaluation."""
    longest = max(option.years for option in case.options)
    factors = [1.0]
    for t in range(1, longest):
        rate = next(rate for last_year, rate in GREEN_BOOK_STANDARD_BANDS if t <= last_year)
        factors.append(factors[-1] / (1 + rate))
    uplifts = []
    for option in case.options:
        bias = option.optimism_bias
        fraction = bias.upper_bound * (1 - sum(c * m for c, m in bias.contributions)) if bias else 0.0
        applies = set(bias.applies_to) if bias else set()
        uplifts.append([1 + fraction if line.label in applies else 1.0 for line in option.lines])
    values = [[list(line.values_gbp) for line in option.lines] for option in case.options]

    def npc(o: int, scaled: int = -1, scale: float = 1.0) -> float:
        total = 0.0
        for j, yearly in enumerate(values[o]):
            factor = uplifts[o][j] * (scale if j == scaled else 1.0)
            for t, value in enumerate(yearly):
                total += value * factor * factors[t]
        return total

    base = [npc(o) for o in range(len(case.options))]
    npcs_out, preferred_out = [], []
    for o, j, x in zip(
        case.option_index.tolist(), case.line_index.tolist(), case.change.tolist(), strict=True
    ):
        npcs = list(base)
        npcs[o] = npc(o, j, 1 + x)
        npcs_out.append(npcs[o])
        preferred_out.append(min(range(len(npcs)), key=lambda k: (npcs[k], k)))
    return npcs_out, preferred_out


def main() -> dict[str, Any]:
    case = make_case()
    engine_npc, engine_preferred = engine(case)
    baseline_npc, baseline_preferred = baseline(case)
    max_abs_diff = float(np.max(np.abs(engine_npc - np.array(baseline_npc))))
    assert max_abs_diff < 1e-6, f"engine and baseline NPCs differ by {max_abs_diff}"
    assert engine_preferred.tolist() == baseline_preferred, (
        "engine and baseline disagree on the preferred option"
    )
    engine_s = _timing.best_of(lambda: engine(case), REPEATS)
    baseline_s = _timing.best_of(lambda: baseline(case), REPEATS)
    print(f"appraisal: {OPTIONS} options x {YEARS} years, {EVALUATIONS:,} one-way sensitivities")
    print(f"  best of {REPEATS} runs each")
    print(f"  {'path':<28}{'seconds':>12}")
    print(f"  {'engine (vectorised)':<28}{engine_s:>12.6f}")
    print(f"  {'baseline (plain Python)':<28}{baseline_s:>12.6f}")
    print(f"  {'ratio baseline / engine':<28}{baseline_s / engine_s:>11.1f}x")
    extra = {
        "evaluations": EVALUATIONS,
        "options": OPTIONS,
        "years": YEARS,
        "engine_ms": round(engine_s * 1000, 3),
        "baseline_ms": round(baseline_s * 1000, 3),
        "max_abs_diff_gbp": max_abs_diff,
    }
    return _timing.report("appraisal", engine_s, baseline_s, extra)


if __name__ == "__main__":
    main()
