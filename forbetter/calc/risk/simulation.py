"""Monte Carlo simulation of a risk register: totals, each party's part, percentiles and the tornado.

In each iteration every risk happens with its probability and then costs a draw from its three-point
distribution, with an optional common rank correlation between impacts (DESIGN section 5, "Monte Carlo").
:func:`simulate_register` runs the iterations in chunks of blocks, each block with its own seeded generator,
so memory stays bounded and the same seed gives the same results whatever the chunk size; it runs on one
core, so a two-core server can run two simulations at once. Money is in pounds as float64; bad input raises
:class:`~forbetter.calc.errors.InputError` naming the field, never NaN.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import numpy as np
from numpy.typing import NDArray
from scipy import special

from forbetter.calc.errors import InputError
from forbetter.calc.limits import MAX_RISK_CELLS, MAX_RISKS
from forbetter.calc.risk.correlation import _checked_correlation, normal_correlation_for_rank_correlation
from forbetter.calc.risk.estimates import PERT_LAMBDA
from forbetter.calc.risk.register import QuantifiedRisk, register_mean_gbp

FloatArray = NDArray[np.float64]
NDArrayT = TypeVar("NDArrayT", bound=NDArray[Any])
IntArray = NDArray[np.integer[Any]]

MIN_ITERATIONS = 100
MAX_ITERATIONS = 2_000_000
"""The most iterations one simulation may ask for; the totals kept cost 16 bytes per iteration."""
RANDOM_BLOCK_ITERATIONS = 1_024
"""Iterations per random-number block; block b draws from ``SeedSequence(seed, spawn_key=(b,))``."""
CHUNK_CELLS = 500_000
"""Default work per chunk, in risk x iteration cells (memory per chunk is a few times 8 bytes per cell)."""
RESERVOIR_ITERATIONS = 100_000
RESERVOIR_CELLS = 2_000_000
"""The tornado and the achieved correlation use the first min(iterations, 100,000, 2,000,000 / risks)
iterations, so their memory stays bounded whatever the number of iterations."""
HISTOGRAM_BINS = 40
S_CURVE_PERCENTS: tuple[int, ...] = tuple(range(101))

# Each risk's quantile function in normal-score space, z -> F^-1(Phi(z)), tabulated once per risk.
_SCORE_LIMIT = 8.0  # |z| beyond 8 has probability 1e-15; such draws take the end of the table
_TABLE_POINTS = 2_049  # linear interpolation between these: quantiles within 1.1e-6 of the range, means 5e-7
_PERT_NODES = 129  # exact Beta quantiles (betaincinv) here, local cubic in between: within 4e-7 of the range


@dataclass(frozen=True)
class AllocationSummary:
    """One party's part of the simulated cost: mean, P50, P80 and the analytic mean, in pounds."""

    mean_gbp: float
    p50_gbp: float
    p80_gbp: float
    analytic_mean_gbp: float


@dataclass(frozen=True)
class TornadoBar:
    """Spearman rank correlation between one risk's simulated cost and the register's total."""

    id: str
    rank_correlation: float


@dataclass(frozen=True)
class Histogram:
    """Counts of iterations whose total falls in each bin; ``edges_gbp`` has one more entry than counts."""

    edges_gbp: tuple[float, ...]
    counts: tuple[int, ...]


@dataclass(frozen=True)
class SimulationResult:
    """The outcome of :func:`simulate_register`; every figure in pounds unless named otherwise.

    ``s_curve_gbp[k]`` is the total at the k-th percentile (k = 0..100). The tornado and the achieved rank
    correlation are measured on the first ``reservoir_iterations`` iterations.
    """

    iterations: int
    seed: int
    correlation: float
    mean_gbp: float
    sd_gbp: float
    p10_gbp: float
    p50_gbp: float
    p80_gbp: float
    p90_gbp: float
    p95_gbp: float
    analytic_mean_gbp: float
    council: AllocationSummary
    partner: AllocationSummary
    s_curve_gbp: tuple[float, ...]
    histogram: Histogram
    tornado: tuple[TornadoBar, ...]
    reservoir_iterations: int
    achieved_rank_correlation: float | None


def _checked_count(value: object, *, field: str, lowest: int, highest: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InputError(field, f"must be a whole number; got {value!r}")
    count = int(value)
    if count < lowest:
        raise InputError(field, f"must be at least {lowest:,}; got {count:,}")
    if highest is not None and count > highest:
        raise InputError(field, f"must be at most {highest:,} (the limit of one simulation); got {count:,}")
    return count


def _checked_register(risks: Sequence[QuantifiedRisk]) -> tuple[QuantifiedRisk, ...]:
    register = tuple(risks)
    if not register:
        raise InputError("risks", "the register has no risks to simulate")
    if len(register) > MAX_RISKS:
        raise InputError(
            "risks", f"has {len(register):,} risks, more than the limit of {MAX_RISKS:,} for one simulation"
        )
    first_index: dict[str, int] = {}
    for index, risk in enumerate(register):
        if not isinstance(risk, QuantifiedRisk):
            raise InputError(f"risks[{index}]", "must be a QuantifiedRisk")
        if risk.id in first_index:
            first = first_index[risk.id]
            raise InputError(f"risks[{index}].id", f"{risk.id!r} is already the id of risks[{first}]")
        first_index[risk.id] = index
    return register


def _block_generator(seed: int, block: int) -> np.random.Generator:
    """The generator of one block of iterations: child ``block`` of ``SeedSequence(seed)``."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block,)))


def _local_cubic(nodes: FloatArray, values: FloatArray, points: FloatArray) -> FloatArray:
    """Four-point Lagrange interpolation of each row of ``values`` (on uniform ``nodes``) at ``points``."""
    spacing = nodes[1] - nodes[0]
    position = (points - nodes[0]) / spacing
    first = np.clip(np.floor(position).astype(np.intp) - 1, 0, nodes.size - 4)
    t = position - first
    weights = (
        -(t - 1) * (t - 2) * (t - 3) / 6,
        t * (t - 2) * (t - 3) / 2,
        -t * (t - 1) * (t - 3) / 2,
        t * (t - 1) * (t - 2) / 6,
    )
    result = np.zeros((values.shape[0], points.size))
    for offset, weight in enumerate(weights):
        result += values[:, first + offset] * weight
    return result


def _standard_pert_quantiles(mode_fractions: FloatArray, scores: FloatArray) -> FloatArray:
    """Beta-PERT quantiles on 0..1 at normal scores, one row per mode fraction (mode - min) / (max - min).

    Exact ``betaincinv`` at ``_PERT_NODES`` scores, filled in by local cubic interpolation (the quantile is
    a smooth function of the normal score). The upper half uses I_x(a, b) = 1 - I_(1-x)(b, a) so that the
    right tail keeps its precision. Distinct shapes are computed once.
    """
    unique, inverse = np.unique(mode_fractions, return_inverse=True)
    alpha = (1.0 + PERT_LAMBDA * unique)[:, None]
    beta = (1.0 + PERT_LAMBDA * (1.0 - unique))[:, None]
    nodes = np.linspace(-_SCORE_LIMIT, _SCORE_LIMIT, _PERT_NODES)
    left = nodes <= 0.0
    exact = np.empty((unique.size, nodes.size))
    exact[:, left] = special.betaincinv(alpha, beta, special.ndtr(nodes[left]))
    exact[:, ~left] = 1.0 - special.betaincinv(beta, alpha, special.ndtr(-nodes[~left]))
    quantiles: FloatArray = np.clip(_local_cubic(nodes, exact, scores), 0.0, 1.0)
    return quantiles[inverse.ravel()]


def _standard_triangular_quantiles(mode_fractions: FloatArray, scores: FloatArray) -> FloatArray:
    """Triangular quantiles on 0..1 at normal scores (closed form, Vose 2008).

    F^-1(u) = sqrt(c u) for u <= c, else 1 - sqrt((1 - c)(1 - u)), with c the mode fraction.
    """
    c = mode_fractions[:, None]
    below = special.ndtr(scores)[None, :]
    above = special.ndtr(-scores)[None, :]  # 1 - u without cancellation
    result: FloatArray = np.where(below <= c, np.sqrt(c * below), 1.0 - np.sqrt((1.0 - c) * above))
    return result


@dataclass(frozen=True)
class _QuantileTables:
    """Per-risk tables of cost against normal score, flattened risk-major, for one-gather interpolation."""

    values: FloatArray
    slopes: FloatArray

    @classmethod
    def for_register(cls, register: Sequence[QuantifiedRisk]) -> _QuantileTables:
        scores = np.linspace(-_SCORE_LIMIT, _SCORE_LIMIT, _TABLE_POINTS)
        low = np.array([risk.minimum_gbp for risk in register], dtype=float)
        mode = np.array([risk.mode_gbp for risk in register], dtype=float)
        high = np.array([risk.maximum_gbp for risk in register], dtype=float)
        width = high - low
        standard = np.zeros((len(register), _TABLE_POINTS))
        fraction = np.divide(mode - low, width, out=np.zeros_like(width), where=width > 0)
        pert = np.array([risk.distribution == "pert" for risk in register]) & (width > 0)
        triangular = np.array([risk.distribution == "triangular" for risk in register]) & (width > 0)
        if pert.any():
            standard[pert] = _standard_pert_quantiles(fraction[pert], scores)
        if triangular.any():
            standard[triangular] = _standard_triangular_quantiles(fraction[triangular], scores)
        values = low[:, None] + width[:, None] * standard
        np.maximum.accumulate(values, axis=1, out=values)  # a quantile function never falls
        slopes = np.zeros_like(values)
        slopes[:, :-1] = np.diff(values, axis=1)
        return cls(values=values.ravel(), slopes=slopes.ravel())

    def costs(self, scores: FloatArray, risk_index: IntArray) -> FloatArray:
        """Cost of each draw from its normal score; ``scores`` is overwritten."""
        position = scores
        position += _SCORE_LIMIT
        position *= (_TABLE_POINTS - 1) / (2.0 * _SCORE_LIMIT)
        np.clip(position, 0.0, _TABLE_POINTS - 1, out=position)
        cell = position.astype(np.intp)
        position -= cell
        cell += risk_index * _TABLE_POINTS
        result = self.values[cell]
        result += position * self.slopes[cell]
        return result


@dataclass(frozen=True)
class _Copula:
    """Loadings of the normal scores: z = own * e + common * factor (see :func:`_draw_chunk`)."""

    own: float
    common: float
    negative: bool

    @classmethod
    def for_correlation(cls, rank_correlation: float, risk_count: int) -> _Copula:
        r = normal_correlation_for_rank_correlation(rank_correlation)
        if r >= 0.0 or risk_count < 2:
            r = max(r, 0.0)
            return cls(own=math.sqrt(1.0 - r), common=math.sqrt(r), negative=False)
        # z_i = sqrt(1 - r) e_i + d * sum_j e_j has unit variance and correlation r when
        # d = (sqrt(1 + (n - 1) r) - sqrt(1 - r)) / n, real for r >= -1 / (n - 1).
        own = math.sqrt(1.0 - r)
        common = (math.sqrt(max(1.0 + (risk_count - 1) * r, 0.0)) - own) / risk_count
        return cls(own=own, common=common, negative=True)


def _draw_chunk(
    *,
    seed: int,
    first_iteration: int,
    iterations: int,
    probability: FloatArray,
    copula: _Copula,
    tables: _QuantileTables,
) -> tuple[IntArray, IntArray, FloatArray]:
    """Simulate iterations ``first_iteration`` onwards; return (iteration, risk, cost) of each occurrence.

    Each block of ``RANDOM_BLOCK_ITERATIONS`` draws, from its own generator and in this order: one uniform per
    risk and iteration (the risk happens when it is below the probability); then, for a positive
    correlation, one common normal factor per iteration and one own normal per occurrence, z = sqrt(1 - r) e
    + sqrt(r) f, which has correlation r between every pair (a one-factor Gaussian copula, no Cholesky
    needed); for a negative correlation, one normal per risk and iteration and z = sqrt(1 - r) e + d sum(e).
    Impacts are drawn only for risks that happen, which is where the time goes; whether a risk happens is
    independent of its impact and of other risks.
    """
    risk_count = probability.size
    first_block = first_iteration // RANDOM_BLOCK_ITERATIONS
    starts = list(range(0, iterations, RANDOM_BLOCK_ITERATIONS))
    stops = [*starts[1:], iterations]
    generators = [_block_generator(seed, first_block + k) for k in range(len(starts))]

    uniforms = np.empty((iterations, risk_count))
    for generator, start, stop in zip(generators, starts, stops, strict=True):
        generator.random(out=uniforms[start:stop])
    dense_normals = None
    if copula.negative:
        dense_normals = np.empty((iterations, risk_count))
        for generator, start, stop in zip(generators, starts, stops, strict=True):
            generator.standard_normal(out=dense_normals[start:stop])
    occurred = np.flatnonzero(uniforms < probability)
    del uniforms
    iteration, risk = np.divmod(occurred, risk_count)

    if dense_normals is not None:
        scores = copula.own * dense_normals.ravel()[occurred]
        scores += copula.common * dense_normals.sum(axis=1)[iteration]
    else:
        scores = np.empty(occurred.size)
        factor = np.empty(iterations) if copula.common else None
        bounds = np.searchsorted(occurred, np.array([*starts, iterations]) * risk_count)
        for k, generator in enumerate(generators):
            if factor is not None:
                generator.standard_normal(out=factor[starts[k] : stops[k]])
            generator.standard_normal(out=scores[bounds[k] : bounds[k + 1]])
        if factor is not None:
            scores *= copula.own
            scores += copula.common * factor[iteration]
    return iteration, risk, tables.costs(scores, risk)


def _chunks(iterations: int, chunk_iterations: int) -> Iterator[tuple[int, int]]:
    for start in range(0, iterations, chunk_iterations):
        yield start, min(chunk_iterations, iterations - start)


def _average_ranks(values: FloatArray) -> FloatArray:
    """1-based ranks of ``values``, ties sharing their average rank (``scipy.stats.rankdata`` "average")."""
    size = values.size
    order = np.argsort(values)
    sorted_values = values[order]
    new_run = np.ones(size, dtype=bool)
    new_run[1:] = sorted_values[1:] != sorted_values[:-1]
    del sorted_values
    run_first = np.flatnonzero(new_run)
    run_last = np.empty_like(run_first)
    run_last[:-1] = run_first[1:] - 1
    run_last[-1:] = size - 1
    run_rank = (run_first + run_last) / 2.0 + 1.0
    ranks = np.empty(size)
    ranks[order] = run_rank[np.cumsum(new_run) - 1]
    return ranks


def _average_ranks_within(groups: IntArray, values: FloatArray, *, group_count: int) -> FloatArray:
    """1-based ranks of ``values`` within each group (0 .. group_count - 1), ties sharing their average rank.

    A stable radix sort by group, then one small sort per group: about four times faster than
    ``np.lexsort`` on a million entries, and the temporary arrays stay the size of one group.
    """
    small = np.int16 if group_count <= np.iinfo(np.int16).max else np.intp
    compact_groups = groups.astype(small)
    order = np.argsort(compact_groups, kind="stable")
    bounds = np.searchsorted(compact_groups[order], np.arange(group_count + 1))
    del compact_groups
    ranks = np.empty(values.size)
    for first, last in itertools.pairwise(bounds):
        if last > first:
            members = order[first:last]
            ranks[members] = _average_ranks(values[members])
    return ranks


def _tornado_correlations(
    *,
    iteration: IntArray,
    risk: IntArray,
    cost_ranks: FloatArray,
    totals: FloatArray,
    risk_count: int,
    constant: NDArray[np.bool_],
) -> FloatArray:
    """Spearman rank correlation of each risk's cost (0 when it does not happen) with the total.

    Computed from the occurrences alone: the iterations where risk j does not happen all tie at cost 0 and
    share the mid-rank (R0 + 1) / 2; an occurrence with rank k among the risk's occurrences has rank R0 + k.
    With s the mid-ranks of the totals and all ranks centred on (R + 1) / 2, rho_j = Sxy / sqrt(Sxx Syy),
    which equals the textbook Spearman coefficient with ties (Kendall and Gibbons 1990). A risk whose cost
    never varies gets 0.
    """
    size = totals.size
    centre = (size + 1) / 2.0
    total_ranks = _average_ranks(totals) - centre
    syy = float(np.dot(total_ranks, total_ranks))
    occurrences = np.bincount(risk, minlength=risk_count).astype(float)
    absences = size - occurrences
    absent_rank = (absences + 1) / 2.0 - centre
    # One working array, updated in place, keeps the memory to a few times the reservoir's size.
    working = absences[risk] + cost_ranks
    working -= centre  # each occurrence's centred rank
    sxx = absences * absent_rank**2 + np.bincount(risk, weights=working**2, minlength=risk_count)
    working -= absent_rank[risk]
    working *= total_ranks[iteration]
    sxy = np.bincount(risk, weights=working, minlength=risk_count)
    del working
    denominator = np.sqrt(sxx * syy)
    usable = (denominator > 1e-9 * size**3) & ~constant
    rho = np.divide(sxy, denominator, out=np.zeros(risk_count), where=usable)
    result: FloatArray = np.clip(rho, -1.0, 1.0)
    return result


def _achieved_rank_correlation(
    *,
    iteration: IntArray,
    risk: IntArray,
    cost_ranks: FloatArray,
    uncertain: NDArray[np.bool_],
    risk_count: int,
) -> float | None:
    """Spearman's rho between the impacts of two risks that both happen, pooled over all pairs.

    Each impact gets its rank score u = (k - 1/2) / n_j among risk j's occurrences; Spearman's rho is
    12 E[(U - 1/2)(V - 1/2)] (Kendall and Gibbons 1990), averaged over every pair of occurrences in the same
    iteration: sum over iterations of ((sum c)^2 - sum c^2) / 2, divided by the number of such pairs.
    Risks with a fixed impact have no ranks and are left out; None if no pair is left.
    """
    if iteration.size == 0:
        return None
    counted = uncertain[risk]
    per_risk = np.bincount(risk, minlength=risk_count).astype(float)
    centred = cost_ranks - 0.5
    centred /= per_risk[risk]
    centred -= 0.5
    centred[~counted] = 0.0  # fixed impacts have no ranks to correlate
    row_sum = np.bincount(iteration, weights=centred)
    centred **= 2
    row_squares = np.bincount(iteration, weights=centred)
    del centred
    row_count = np.bincount(iteration, weights=counted)
    pairs = float(np.sum(row_count * (row_count - 1.0))) / 2.0
    if pairs == 0.0:
        return None
    products = float(np.sum(row_sum**2 - row_squares)) / 2.0
    return float(np.clip(12.0 * products / pairs, -1.0, 1.0))


def _summary(values: FloatArray, analytic_mean_gbp: float) -> AllocationSummary:
    p50, p80 = np.percentile(values, [50, 80])
    return AllocationSummary(
        mean_gbp=float(values.mean()),
        p50_gbp=float(p50),
        p80_gbp=float(p80),
        analytic_mean_gbp=analytic_mean_gbp,
    )


def _histogram(values: FloatArray, bins: int) -> Histogram:
    low, high = float(values.min()), float(values.max())
    if high <= low:
        high = low + 1.0  # every iteration cost the same: one bin holds them all
    counts, edges = np.histogram(values, bins=bins, range=(low, high))
    return Histogram(edges_gbp=tuple(float(e) for e in edges), counts=tuple(int(c) for c in counts))


def _simulate_totals(
    register: Sequence[QuantifiedRisk],
    *,
    iterations: int,
    seed: int,
    copula: _Copula,
    chunk_iterations: int,
    reservoir_iterations: int,
    progress: Callable[[float], object] | None = None,
) -> tuple[FloatArray, FloatArray, tuple[IntArray, IntArray, FloatArray]]:
    """Per-iteration totals and council parts, and (iteration, risk, cost) of every occurrence in the first
    ``reservoir_iterations`` iterations; work proceeds chunk by chunk so memory stays bounded."""
    probability = np.array([risk.probability for risk in register], dtype=float)
    council_fraction = np.array([risk.council_fraction for risk in register])
    tables = _QuantileTables.for_register(register)
    totals = np.empty(iterations)
    council = np.empty(iterations)
    kept_iteration: list[IntArray] = []
    kept_risk: list[IntArray] = []
    kept_cost: list[FloatArray] = []
    for start, size in _chunks(iterations, chunk_iterations):
        iteration, risk, cost = _draw_chunk(
            seed=seed,
            first_iteration=start,
            iterations=size,
            probability=probability,
            copula=copula,
            tables=tables,
        )
        totals[start : start + size] = np.bincount(iteration, weights=cost, minlength=size)
        council[start : start + size] = np.bincount(
            iteration, weights=cost * council_fraction[risk], minlength=size
        )
        if start < reservoir_iterations:
            keep = iteration < reservoir_iterations - start
            kept_iteration.append((iteration[keep] + start).astype(np.int32))
            kept_risk.append(risk[keep].astype(np.int32))
            kept_cost.append(cost[keep])
        if progress is not None:
            progress((start + size) / iterations)
    return totals, council, (_joined(kept_iteration), _joined(kept_risk), _joined(kept_cost))


def _joined(parts: list[NDArrayT]) -> NDArrayT:
    """Concatenate and empty ``parts``, so that the pieces and the whole are not both kept for long."""
    whole = np.concatenate(parts)
    parts.clear()
    return cast(NDArrayT, whole)


def simulate_register(
    risks: Sequence[QuantifiedRisk],
    *,
    iterations: int = 10_000,
    seed: int = 0,
    correlation: float = 0.0,
    histogram_bins: int = HISTOGRAM_BINS,
    chunk_iterations: int | None = None,
    progress: Callable[[float], object] | None = None,
) -> SimulationResult:
    """Monte Carlo simulation of a risk register's total cost, its council and partner parts and drivers.

    In every iteration, risk j happens when a uniform draw is below its probability p_j, then costs
    F_j^-1(Phi(z_j)), with F_j its PERT or triangular distribution (a fixed amount when min = mode = max) and
    z_j a normal score. With ``correlation`` rho the scores are equicorrelated normals with
    r = 2 sin(pi rho / 6), so the impacts of any two risks have Spearman rank correlation rho (Iman and
    Conover 1982; Pearson 1907); happening stays independent. The council pays council risks in full,
    ``council_share`` of shared risks and nothing of partner risks.

    Method and limits: each risk's quantile function is tabulated once against the normal score (exact Beta
    quantiles from ``scipy.special.betaincinv``, closed form for the triangular) and interpolated per draw.
    Iterations run in chunks of ``chunk_iterations`` (default: about ``CHUNK_CELLS`` cells; rounded to whole
    blocks of ``RANDOM_BLOCK_ITERATIONS``), keeping only per-iteration totals, so memory stays bounded. Block
    b draws from ``SeedSequence(seed, spawn_key=(b,))``, the b-th child ``SeedSequence(seed).spawn`` would
    give: the same seed gives the same results whatever the chunk size. The tornado (Spearman correlation
    of each risk's cost with the total, largest magnitude first) and the achieved rank correlation are
    measured on the first ``reservoir_iterations`` = min(iterations, RESERVOIR_ITERATIONS,
    RESERVOIR_CELLS / risks, at least 1,000) iterations: 100,000 for 20 risks, 10,000 for 200, 4,000 for
    500; a tornado bar's standard error is then at most about 1 / sqrt(reservoir_iterations).
    Percentiles interpolate linearly between order statistics; ``sd_gbp`` uses n - 1. ``progress``, if
    given, is called after each chunk with the fraction of iterations done (the last call is 1.0, before
    the summary statistics); an exception raised by it stops the run, which is how a caller cancels one.

    >>> register = [
    ...     QuantifiedRisk(id="delay", probability=0.4, minimum_gbp=50_000, mode_gbp=80_000,
    ...                    maximum_gbp=200_000),
    ...     QuantifiedRisk(id="claims", probability=0.1, minimum_gbp=250_000, mode_gbp=250_000,
    ...                    maximum_gbp=250_000, allocation="partner"),
    ... ]
    >>> result = simulate_register(register, iterations=100_000, seed=1)
    >>> result.analytic_mean_gbp, result.council.analytic_mean_gbp
    (63000.0, 38000.0)
    >>> abs(result.mean_gbp / result.analytic_mean_gbp - 1) < 0.02
    True
    >>> [bar.id for bar in result.tornado]
    ['delay', 'claims']
    """
    register = _checked_register(risks)
    iterations = _checked_count(iterations, field="iterations", lowest=MIN_ITERATIONS, highest=MAX_ITERATIONS)
    if iterations * len(register) > MAX_RISK_CELLS:
        raise InputError(
            "iterations",
            f"{iterations:,} iterations × {len(register):,} risks is {iterations * len(register):,}, "
            f"more than the limit of {MAX_RISK_CELLS:,} for one simulation: ask for at most "
            f"{MAX_RISK_CELLS // len(register):,} iterations",
        )
    seed = _checked_count(seed, field="seed", lowest=0)
    risk_count = len(register)
    rho = _checked_correlation(correlation, risk_count=risk_count)
    histogram_bins = _checked_count(histogram_bins, field="histogram_bins", lowest=1, highest=1_000)
    if chunk_iterations is None:
        chunk_iterations = CHUNK_CELLS // risk_count
    else:
        chunk_iterations = _checked_count(chunk_iterations, field="chunk_iterations", lowest=1)
    blocks_per_chunk = max(1, round(chunk_iterations / RANDOM_BLOCK_ITERATIONS))
    chunk_iterations = blocks_per_chunk * RANDOM_BLOCK_ITERATIONS

    reservoir_iterations = min(iterations, RESERVOIR_ITERATIONS, max(RESERVOIR_CELLS // risk_count, 1_000))
    totals, council, (kept_iteration, kept_risk, kept_cost) = _simulate_totals(
        register,
        iterations=iterations,
        seed=seed,
        copula=_Copula.for_correlation(rho, risk_count),
        chunk_iterations=chunk_iterations,
        reservoir_iterations=reservoir_iterations,
        progress=progress,
    )
    # Rows of council-only risks sum identical weights in the same order, so this is exact for them.
    partner = np.maximum(totals - council, 0.0)

    low = np.array([risk.minimum_gbp for risk in register], dtype=float)
    high = np.array([risk.maximum_gbp for risk in register], dtype=float)
    cost_ranks = _average_ranks_within(kept_risk, kept_cost, group_count=risk_count)
    del kept_cost
    tornado_rho = _tornado_correlations(
        iteration=kept_iteration,
        risk=kept_risk,
        cost_ranks=cost_ranks,
        totals=totals[:reservoir_iterations],
        risk_count=risk_count,
        constant=(high == 0.0),
    )
    achieved = None
    if rho != 0.0:
        achieved = _achieved_rank_correlation(
            iteration=kept_iteration,
            risk=kept_risk,
            cost_ranks=cost_ranks,
            uncertain=high > low,
            risk_count=risk_count,
        )
    order = sorted(range(risk_count), key=lambda j: -abs(float(tornado_rho[j])))

    curve = np.percentile(totals, S_CURVE_PERCENTS)
    return SimulationResult(
        iterations=iterations,
        seed=seed,
        correlation=rho,
        mean_gbp=float(totals.mean()),
        sd_gbp=float(totals.std(ddof=1)),
        p10_gbp=float(curve[10]),
        p50_gbp=float(curve[50]),
        p80_gbp=float(curve[80]),
        p90_gbp=float(curve[90]),
        p95_gbp=float(curve[95]),
        analytic_mean_gbp=register_mean_gbp(register),
        council=_summary(council, register_mean_gbp(register, borne_by="council")),
        partner=_summary(partner, register_mean_gbp(register, borne_by="partner")),
        s_curve_gbp=tuple(float(value) for value in curve),
        histogram=_histogram(totals, histogram_bins),
        tornado=tuple(TornadoBar(id=register[j].id, rank_correlation=float(tornado_rho[j])) for j in order),
        reservoir_iterations=reservoir_iterations,
        achieved_rank_correlation=achieved,
    )
