"""Optimism bias: the versioned table of upper and lower bounds by project type (read from
``forbetter/calc/data/optimism_bias_v1.json``), the bias to apply once mitigation is taken off the upper
bound, and the uplift of costs by that bias. Source: HM Treasury, Supplementary Green Book Guidance:
Optimism Bias (2003). The module is not called ``optimism_bias`` because that is the name of a function the
package exports.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from forbetter.calc.appraisal._validation import _money, _number, _sequence, _share
from forbetter.calc.appraisal.conventions import MAX_OPTIMISM_BIAS, FloatArray
from forbetter.calc.errors import InputError

_SUM_TOLERANCE = 1e-9  # contributions typed as 0.1 + 0.2 + 0.7 may add to 1.0000000000000002


@dataclass(frozen=True)
class OptimismBiasCategory:
    """One project type of the supplementary guidance, with its bounds as fractions of cost."""

    key: str
    label: str
    applies_to: str  # "capital expenditure" or "operating expenditure"
    upper_bound: float
    lower_bound: float


@dataclass(frozen=True)
class OptimismBiasTable:
    """The versioned table of upper and lower bounds shipped in ``forbetter/calc/data``."""

    version: int
    source: str
    categories: tuple[OptimismBiasCategory, ...]


@lru_cache(maxsize=1)
def optimism_bias_table() -> OptimismBiasTable:
    """The Green Book optimism bias bounds, from ``data/optimism_bias_v1.json`` (with its source).

    >>> {c.key: c.upper_bound for c in optimism_bias_table().categories}["outsourcing"]
    0.41
    """
    text = resources.files("forbetter.calc.data").joinpath("optimism_bias_v1.json").read_text("utf-8")
    data = json.loads(text)
    categories = tuple(
        OptimismBiasCategory(
            key=row["key"],
            label=row["label"],
            applies_to=row["applies_to"],
            upper_bound=float(row["upper_bound"]),
            lower_bound=float(row["lower_bound"]),
        )
        for row in data["categories"]
    )
    return OptimismBiasTable(version=int(data["version"]), source=str(data["source"]), categories=categories)


def optimism_bias_upper_bound(category: str) -> float:
    """The Green Book upper bound for a project type, e.g. ``"outsourcing"`` -> 0.41 (of operating cost).

    >>> optimism_bias_upper_bound("equipment_development")
    2.0
    """
    bounds = {c.key: c.upper_bound for c in optimism_bias_table().categories}
    if category not in bounds:
        raise InputError(
            "category", f"unknown optimism bias category {category!r}: use one of {sorted(bounds)}"
        )
    return bounds[category]


def _upper_bound(value: object, *, field: str) -> float:
    bound = _number(value, field=field)
    if not 0 <= bound <= MAX_OPTIMISM_BIAS:
        raise InputError(
            field,
            f"must be a fraction from 0 to {MAX_OPTIMISM_BIAS:g} ({MAX_OPTIMISM_BIAS:.0%}, the highest "
            f"Green Book upper bound), e.g. 0.41 for 41%, got {bound:g}",
        )
    return bound


def _contributions(value: object, *, field: str) -> tuple[tuple[float, float], ...]:
    pairs = []
    for i, pair in enumerate(_sequence(value, field=field, what="[contribution, mitigation] pairs")):
        items = _sequence(pair, field=f"{field}[{i}]", what="two numbers: [contribution, mitigation]")
        if len(items) != 2:
            raise InputError(
                f"{field}[{i}]", f"must be two numbers [contribution, mitigation], got {len(items)}"
            )
        contribution = _share(items[0], field=f"{field}[{i}][0]", what="the share of the upper bound")
        mitigation = _share(items[1], field=f"{field}[{i}][1]", what="the share of that risk mitigated")
        pairs.append((contribution, mitigation))
    total = sum(c for c, _ in pairs)
    if total > 1 + _SUM_TOLERANCE:
        raise InputError(field, f"add up to {total:g}; as shares of the upper bound they must not exceed 1")
    return tuple(pairs)


def optimism_bias_lower_bound(category: str) -> float:
    """The Green Book lower bound for a project type: mitigation cannot take optimism bias below it.

    >>> optimism_bias_lower_bound("standard_buildings")
    0.02
    """
    bounds = {c.key: c.lower_bound for c in optimism_bias_table().categories}
    if category not in bounds:
        raise InputError(
            "category", f"unknown optimism bias category {category!r}: use one of {sorted(bounds)}"
        )
    return bounds[category]


def optimism_bias(
    *, upper_bound: float, contributions: Sequence[Sequence[float]] = (), lower_bound: float = 0.0
) -> float:
    """Optimism bias to apply, as a fraction:
    OB = max(lower_bound, upper_bound x (1 - sum_i contribution_i x mitigation_i)).

    ``contributions`` lists [contribution, mitigation] pairs: the share of the upper bound that comes from
    one risk area, and the share of that risk the project has mitigated, each from 0 to 1; the
    contributions add up to at most 1. Rule OB-LOWER-BOUND: mitigation never takes the bias below the
    guidance's lower bound for the project type (the figure well-managed projects achieved), so the result
    is at least ``lower_bound`` and never negative.

    Source: HM Treasury, Supplementary Green Book Guidance: Optimism Bias (2003), section 3 and Table 1.

    >>> round(optimism_bias(upper_bound=0.41, contributions=[(0.5, 0.6), (0.5, 0.2)]), 6)
    0.246
    >>> optimism_bias(upper_bound=0.24, contributions=[(1.0, 1.0)], lower_bound=0.02)
    0.02
    """
    bound = _upper_bound(upper_bound, field="upper_bound")
    lower = _upper_bound(lower_bound, field="lower_bound")
    if lower > bound:
        raise InputError("lower_bound", f"must not be above the upper bound ({bound:g}), got {lower:g}")
    pairs = _contributions(contributions, field="contributions")
    return max(lower, bound * (1.0 - sum(c * m for c, m in pairs)))


def apply_optimism_bias(values_gbp: Sequence[float] | FloatArray, *, optimism_bias: float) -> FloatArray:
    """Costs uplifted for optimism bias: adjusted_t = cost_t x (1 + OB).

    Source: HM Treasury, Supplementary Green Book Guidance: Optimism Bias (2003), section 3.

    >>> apply_optimism_bias([1000.0, 500.0], optimism_bias=0.246).tolist()
    [1246.0, 623.0]
    """
    values = _money(values_gbp, field="values_gbp")
    return values * (1.0 + _upper_bound(optimism_bias, field="optimism_bias"))
