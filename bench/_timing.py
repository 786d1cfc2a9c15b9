"""Shared timing helpers for the benchmarks in ``bench/`` (DESIGN section 7: same-run baselines).

Each benchmark times the engine and a baseline in the same run, then calls :func:`report`, which prints a
short human summary and one JSON line ``{"bench": name, "engine_s", "baseline_s", "ratio", ...}`` that CI
and ``make bench`` can collect.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import Any


def best_of(fn: Callable[[], object], repeats: int) -> float:
    """The fastest of ``repeats`` wall-clock runs of ``fn()``, in seconds (the least disturbed run)."""
    if repeats < 1:
        raise ValueError("repeats must be at least 1")
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def report(
    name: str, engine_s: float, baseline_s: float, extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Print engine and baseline seconds, their ratio, and a JSON line; return the JSON record."""
    ratio = baseline_s / engine_s if engine_s > 0 else float("inf")
    record: dict[str, Any] = {
        "bench": name,
        "engine_s": round(engine_s, 4),
        "baseline_s": round(baseline_s, 4),
        "ratio": round(ratio, 1),
        **(extra or {}),
    }
    print(f"{name}: engine {engine_s:.3f} s, baseline {baseline_s:.3f} s, engine is {ratio:.1f}x faster")
    print(json.dumps(record))
    return record
