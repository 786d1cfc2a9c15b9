"""Quantified risk: scoring, three-point estimates and Monte Carlo simulation of a risk register.

Three ideas live here, each in small functions over numbers and frozen dataclasses:

* **Scoring** (DESIGN section 5, "Risk scoring"): likelihood 1-5 times impact 1-5 gives a score of 1-25,
  placed in bands (low, medium, high, very high). Source: ODPM, *Risk Management Technical Notes* (2004),
  the five-by-five likelihood-impact matrix used across English local government.
* **Three-point estimates**: a risk's cost if it happens is a minimum, a most likely value (the mode) and a
  maximum, shaped either as a Beta-PERT (lambda = 4) or a triangular distribution. Source: D. Vose,
  *Risk Analysis: A Quantitative Guide*, 3rd ed. (Wiley, 2008), chapter on the PERT and triangular
  distributions.
* **Monte Carlo** (DESIGN section 5, "Monte Carlo"): in each iteration every risk happens with its
  probability and then costs a draw from its three-point distribution; the council pays all of a council
  risk, its share of a shared risk and none of a partner risk. An optional common Spearman rank correlation
  between every pair of impacts is induced through correlated normal scores, the idea of Iman, R. L. and
  Conover, W. J. (1982), "A distribution-free approach to inducing rank correlation among input variables",
  *Communications in Statistics - Simulation and Computation* 11(3), 311-334, here as a Gaussian copula whose
  normal correlation is r = 2 sin(pi rho / 6): the Pearson (1907) relation between Spearman's rho and the
  product-moment correlation of normal variates (M. Kendall and J. D. Gibbons, *Rank Correlation Methods*,
  5th ed., 1990).

The engine runs on one core; a two-core server can run two simulations at once.

Money is in pounds as float64; probabilities and shares are fractions of 1. Bad input raises
:class:`~forbetter.calc.errors.InputError` naming the field, never NaN.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, cast, get_args

import numpy as np
from numpy.typing import NDArray
from scipy import special

from forbetter.calc.errors import InputError

FloatArray = NDArray[np.float64]
NDArrayT = TypeVar("NDArrayT", bound=NDArray[Any])
IntArray = NDArray[np.integer[Any]]

# --------------------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------------------

LIKELIHOOD_LABELS: dict[int, str] = {
    1: "rare",
    2: "unlikely",
    3: "possible",
    4: "likely",
    5: "almost certain",
}
IMPACT_LABELS: dict[int, str] = {
    1: "insignificant",
    2: "minor",
    3: "moderate",
    4: "major",
    5: "catastrophic",
}
LOWEST_SCORE = 1
HIGHEST_SCORE = 25


@dataclass(frozen=True)
class ScoreBand:
    """A named range of risk scores, ``lowest`` to ``highest`` inclusive (``ScoreBand("high", 10, 15)``)."""

    name: str
    lowest: int
    highest: int


DEFAULT_SCORE_BANDS: tuple[ScoreBand, ...] = (
    ScoreBand("low", 1, 3),
    ScoreBand("medium", 4, 9),
    ScoreBand("high", 10, 15),
    ScoreBand("very high", 16, 25),
)


def _scale_point(value: object, *, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InputError(field, f"must be a whole number from 1 to 5; got {value!r}")
    if not 1 <= int(value) <= 5:
        raise InputError(field, f"must be from 1 to 5; got {value}")
    return int(value)


def likelihood_label(likelihood: int) -> str:
    """The word for a likelihood on the 1-5 scale (ODPM 2004 practice).

    >>> likelihood_label(4)
    'likely'
    """
    return LIKELIHOOD_LABELS[_scale_point(likelihood, field="likelihood")]


def impact_label(impact: int) -> str:
    """The word for an impact on the 1-5 scale (ODPM 2004 practice).

    >>> impact_label(5)
    'catastrophic'
    """
    return IMPACT_LABELS[_scale_point(impact, field="impact")]


def risk_score(likelihood: int, impact: int) -> int:
    """Risk score = likelihood x impact, each on a 1-5 scale, so 1-25.

    Used for both the inherent score (before controls) and the residual score (after them).
    Source: ODPM, Risk Management Technical Notes (2004); DESIGN section 5.

    >>> risk_score(4, 3)
    12
    """
    return _scale_point(likelihood, field="likelihood") * _scale_point(impact, field="impact")


def validate_score_bands(bands: Sequence[ScoreBand]) -> tuple[ScoreBand, ...]:
    """Check that bands, in ascending order, cover scores 1 to 25 with no gaps or overlaps.

    Returns the bands as a tuple; raises :class:`InputError` naming ``bands[i].lowest`` (or ``.highest``,
    ``.name``) otherwise.

    >>> [band.name for band in validate_score_bands([ScoreBand("low", 1, 8), ScoreBand("high", 9, 25)])]
    ['low', 'high']
    >>> try:
    ...     validate_score_bands([ScoreBand("low", 1, 8), ScoreBand("high", 10, 25)])
    ... except InputError as error:
    ...     print(error.field, "-", error.message)
    bands[1].lowest - score 9 has no band: this band starts at 10 and the one before ends at 8
    """
    checked = tuple(bands)
    if not checked:
        raise InputError("bands", "give at least one band")
    names: set[str] = set()
    expected_lowest = LOWEST_SCORE
    for index, band in enumerate(checked):
        where = f"bands[{index}]"
        if not isinstance(band, ScoreBand):
            raise InputError(where, "must be a ScoreBand")
        if not isinstance(band.name, str) or not band.name.strip():
            raise InputError(f"{where}.name", "give the band a name")
        if band.name in names:
            raise InputError(f"{where}.name", f"the name {band.name!r} is used by another band")
        names.add(band.name)
        for end in ("lowest", "highest"):
            value = getattr(band, end)
            if isinstance(value, bool) or not isinstance(value, int):
                raise InputError(f"{where}.{end}", f"must be a whole number; got {value!r}")
        if band.lowest != expected_lowest:
            if index == 0:
                message = f"must start at {LOWEST_SCORE}; got {band.lowest}"
            elif band.lowest < expected_lowest:
                message = (
                    f"overlaps the band before: this band starts at {band.lowest} "
                    f"and the one before ends at {expected_lowest - 1}"
                )
            else:
                gap = (
                    f"{expected_lowest}"
                    if band.lowest == expected_lowest + 1
                    else (f"{expected_lowest} to {band.lowest - 1}")
                )
                message = (
                    f"score {gap} has no band: this band starts at {band.lowest} "
                    f"and the one before ends at {expected_lowest - 1}"
                )
            raise InputError(f"{where}.lowest", message)
        if band.highest < band.lowest:
            raise InputError(
                f"{where}.highest", f"{band.highest} is below the band's lowest score {band.lowest}"
            )
        expected_lowest = band.highest + 1
    if expected_lowest - 1 != HIGHEST_SCORE:
        raise InputError(
            f"bands[{len(checked) - 1}].highest",
            f"the last band must end at {HIGHEST_SCORE}; got {expected_lowest - 1}",
        )
    return checked


def score_band(score: int, *, bands: Sequence[ScoreBand] = DEFAULT_SCORE_BANDS) -> ScoreBand:
    """The band a risk score (1-25) falls in; default bands 1-3 low, 4-9 medium, 10-15 high, 16-25 very high.

    Source: DESIGN section 5 (configurable, following ODPM 2004 practice).

    >>> score_band(12).name
    'high'
    >>> score_band(12, bands=[ScoreBand("tolerable", 1, 12), ScoreBand("intolerable", 13, 25)]).name
    'tolerable'
    """
    if isinstance(score, bool) or not isinstance(score, numbers.Integral):
        raise InputError("score", f"must be a whole number from 1 to 25; got {score!r}")
    if not LOWEST_SCORE <= int(score) <= HIGHEST_SCORE:
        raise InputError("score", f"must be from 1 to 25; got {score}")
    for band in validate_score_bands(bands):
        if band.lowest <= score <= band.highest:
            return band
    raise AssertionError("validated bands cover every score")  # pragma: no cover


# --------------------------------------------------------------------------------------------------------
# Three-point estimates
# --------------------------------------------------------------------------------------------------------

Distribution = Literal["pert", "triangular"]
Allocation = Literal["council", "partner", "shared"]
DISTRIBUTIONS: tuple[str, ...] = get_args(Distribution)
ALLOCATIONS: tuple[str, ...] = get_args(Allocation)
PERT_LAMBDA = 4.0


def _finite_number(value: object, *, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(field, f"must be a number; got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise InputError(field, f"must be a finite number; got {number}")
    return number


def _three_point(minimum: float, mode: float, maximum: float) -> tuple[float, float, float]:
    low = _finite_number(minimum, field="minimum_gbp")
    likeliest = _finite_number(mode, field="mode_gbp")
    high = _finite_number(maximum, field="maximum_gbp")
    for field, value in (("minimum_gbp", low), ("mode_gbp", likeliest), ("maximum_gbp", high)):
        if value < 0:
            raise InputError(field, f"must not be negative (an impact is a cost in pounds); got {value}")
    if low > likeliest:
        raise InputError(
            "minimum_gbp", f"the minimum {low} is above the mode {likeliest}; need min ≤ mode ≤ max"
        )
    if likeliest > high:
        raise InputError(
            "maximum_gbp", f"the maximum {high} is below the mode {likeliest}; need min ≤ mode ≤ max"
        )
    return low, likeliest, high


def pert_shape(minimum: float, mode: float, maximum: float) -> tuple[float, float]:
    """Beta-PERT shape parameters (alpha, beta) for lambda = 4, on the range minimum..maximum.

    alpha = 1 + 4 (mode - min) / (max - min),  beta = 1 + 4 (max - mode) / (max - min)   (Vose 2008).
    Needs min < max: a fixed impact (min = mode = max) has no shape.

    >>> pert_shape(0, 25, 100)
    (2.0, 4.0)
    """
    low, likeliest, high = _three_point(minimum, mode, maximum)
    if high == low:
        raise InputError("maximum_gbp", "a fixed impact (min = mode = max) has no PERT shape")
    width = high - low
    return 1.0 + PERT_LAMBDA * (likeliest - low) / width, 1.0 + PERT_LAMBDA * (high - likeliest) / width


def pert_mean(minimum: float, mode: float, maximum: float) -> float:
    """Mean of a Beta-PERT distribution: (min + 4 mode + max) / 6 (Vose 2008; DESIGN section 5).

    >>> pert_mean(10_000, 40_000, 100_000)
    45000.0
    """
    low, likeliest, high = _three_point(minimum, mode, maximum)
    return (low + PERT_LAMBDA * likeliest + high) / (PERT_LAMBDA + 2.0)


def triangular_mean(minimum: float, mode: float, maximum: float) -> float:
    """Mean of a triangular distribution: (min + mode + max) / 3 (Vose 2008; DESIGN section 5).

    >>> triangular_mean(10_000, 40_000, 100_000)
    50000.0
    """
    low, likeliest, high = _three_point(minimum, mode, maximum)
    return (low + likeliest + high) / 3.0


# --------------------------------------------------------------------------------------------------------
# Quantified risks
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class QuantifiedRisk:
    """One risk of a register with its chance of happening and its cost in pounds if it does.

    ``allocation`` says who pays: the council, the partner, or both (``shared``, with ``council_share``
    the council's fraction). Raises :class:`InputError` naming the attribute on bad values.

    >>> QuantifiedRisk(id="R1", probability=0.5, minimum_gbp=0, mode_gbp=10, maximum_gbp=20).distribution
    'pert'
    """

    id: str
    probability: float
    minimum_gbp: float
    mode_gbp: float
    maximum_gbp: float
    distribution: Distribution = "pert"
    allocation: Allocation = "council"
    council_share: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id.strip():
            raise InputError("id", f"must be non-empty text; got {self.id!r}")
        probability = _finite_number(self.probability, field="probability")
        if not 0.0 <= probability <= 1.0:
            raise InputError(
                "probability", f"must be from 0 to 1 (a fraction, not a percentage); got {probability}"
            )
        if self.distribution not in DISTRIBUTIONS:
            raise InputError(
                "distribution", f"must be one of {', '.join(DISTRIBUTIONS)}; got {self.distribution!r}"
            )
        _three_point(self.minimum_gbp, self.mode_gbp, self.maximum_gbp)
        if self.allocation not in ALLOCATIONS:
            raise InputError(
                "allocation", f"must be one of {', '.join(ALLOCATIONS)}; got {self.allocation!r}"
            )
        if self.allocation == "shared":
            if self.council_share is None:
                raise InputError("council_share", "a shared risk needs the council's share, from 0 to 1")
            share = _finite_number(self.council_share, field="council_share")
            if not 0.0 <= share <= 1.0:
                raise InputError("council_share", f"must be from 0 to 1 (a fraction); got {share}")
        elif self.council_share is not None:
            raise InputError(
                "council_share",
                f"applies only to shared risks; this risk is allocated to the {self.allocation}",
            )

    @property
    def council_fraction(self) -> float:
        """The fraction of this risk's cost the council pays: 1 (council), 0 (partner) or its share."""
        if self.allocation == "council":
            return 1.0
        if self.allocation == "partner":
            return 0.0
        return float(self.council_share)  # type: ignore[arg-type]  # checked in __post_init__


def impact_mean_gbp(risk: QuantifiedRisk) -> float:
    """Mean cost of a risk if it happens: the PERT or triangular mean of its three points.

    >>> impact_mean_gbp(QuantifiedRisk(id="R1", probability=0.2, minimum_gbp=0, mode_gbp=30, maximum_gbp=60))
    30.0
    """
    if risk.distribution == "pert":
        return pert_mean(risk.minimum_gbp, risk.mode_gbp, risk.maximum_gbp)
    return triangular_mean(risk.minimum_gbp, risk.mode_gbp, risk.maximum_gbp)


def risk_mean_gbp(risk: QuantifiedRisk) -> float:
    """Expected cost of a risk = probability x mean impact (the analytic answer the simulation converges to).

    >>> risk_mean_gbp(QuantifiedRisk(id="R1", probability=0.2, minimum_gbp=0, mode_gbp=30, maximum_gbp=60))
    6.0
    """
    return float(risk.probability) * impact_mean_gbp(risk)


def register_mean_gbp(
    risks: Sequence[QuantifiedRisk], *, borne_by: Literal["all", "council", "partner"] = "all"
) -> float:
    """Expected cost of a register = sum of probability x mean impact, optionally of one party's part.

    ``borne_by="council"`` weights each risk by the council's fraction (1, 0 or ``council_share``);
    ``"partner"`` by the rest.

    >>> risks = [
    ...     QuantifiedRisk(id="A", probability=0.5, minimum_gbp=100, mode_gbp=100, maximum_gbp=100),
    ...     QuantifiedRisk(id="B", probability=1.0, minimum_gbp=0, mode_gbp=30, maximum_gbp=60,
    ...                    distribution="triangular", allocation="shared", council_share=0.25),
    ... ]
    >>> register_mean_gbp(risks), register_mean_gbp(risks, borne_by="council")
    (80.0, 57.5)
    """
    if borne_by not in ("all", "council", "partner"):
        raise InputError("borne_by", f"must be all, council or partner; got {borne_by!r}")
    total = 0.0
    for risk in risks:
        council = risk.council_fraction
        weight = {"all": 1.0, "council": council, "partner": 1.0 - council}[borne_by]
        total += weight * risk_mean_gbp(risk)
    return total


# --------------------------------------------------------------------------------------------------------
# Rank correlation
# --------------------------------------------------------------------------------------------------------


def normal_correlation_for_rank_correlation(rank_correlation: float) -> float:
    """The normal (Pearson) correlation r whose Gaussian copula has Spearman rank correlation rho.

    r = 2 sin(pi rho / 6), inverting rho = (6 / pi) arcsin(r / 2) for bivariate normal variates
    (Pearson 1907; Kendall and Gibbons 1990). It maps -1, 0 and 1 to themselves.

    >>> round(normal_correlation_for_rank_correlation(0.3), 4)
    0.3129
    """
    return 2.0 * math.sin(math.pi * rank_correlation / 6.0)


def lowest_common_rank_correlation(risk_count: int) -> float:
    """The lowest rank correlation that every pair of ``risk_count`` impacts can share.

    An equicorrelation matrix is valid only when r >= -1 / (n - 1); in rank terms
    rho >= (6 / pi) arcsin(-1 / (2 (n - 1))). With one risk there are no pairs, so -1.

    >>> round(lowest_common_rank_correlation(3), 4)
    -0.4826
    """
    if risk_count < 2:
        return -1.0
    return 6.0 / math.pi * math.asin(-1.0 / (2.0 * (risk_count - 1)))


def _checked_correlation(correlation: object, *, risk_count: int) -> float:
    rho = _finite_number(correlation, field="correlation")
    if not -1.0 <= rho <= 1.0:
        raise InputError("correlation", f"must be from -1 to 1; got {rho}")
    if risk_count >= 2 and normal_correlation_for_rank_correlation(rho) < -1.0 / (risk_count - 1) - 1e-12:
        lowest = lowest_common_rank_correlation(risk_count)
        raise InputError(
            "correlation",
            f"{rho} cannot hold between every pair of {risk_count} risks; the lowest common rank "
            f"correlation for {risk_count} risks is {lowest:.4f}",
        )
    return rho


# --------------------------------------------------------------------------------------------------------
# Monte Carlo
# --------------------------------------------------------------------------------------------------------

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
