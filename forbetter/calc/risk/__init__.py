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

The package keeps one idea per module: :mod:`~forbetter.calc.risk.scoring` (labels, scores, bands),
:mod:`~forbetter.calc.risk.estimates` (PERT and triangular shapes and means),
:mod:`~forbetter.calc.risk.register` (:class:`QuantifiedRisk` and the analytic means),
:mod:`~forbetter.calc.risk.correlation` (rank and normal correlation) and
:mod:`~forbetter.calc.risk.simulation` (:func:`simulate_register`). Import from ``forbetter.calc.risk``:
every public name is re-exported here.
"""

from forbetter.calc.risk.correlation import (
    lowest_common_rank_correlation,
    normal_correlation_for_rank_correlation,
)
from forbetter.calc.risk.estimates import (
    DISTRIBUTIONS,
    PERT_LAMBDA,
    Distribution,
    pert_mean,
    pert_shape,
    triangular_mean,
)
from forbetter.calc.risk.register import (
    ALLOCATIONS,
    Allocation,
    QuantifiedRisk,
    impact_mean_gbp,
    register_mean_gbp,
    risk_mean_gbp,
)
from forbetter.calc.risk.scoring import (
    DEFAULT_SCORE_BANDS,
    HIGHEST_SCORE,
    IMPACT_LABELS,
    LIKELIHOOD_LABELS,
    LOWEST_SCORE,
    ScoreBand,
    impact_label,
    likelihood_label,
    risk_score,
    score_band,
    validate_score_bands,
)
from forbetter.calc.risk.simulation import (
    CHUNK_CELLS,
    HISTOGRAM_BINS,
    MAX_ITERATIONS,
    MIN_ITERATIONS,
    RANDOM_BLOCK_ITERATIONS,
    RESERVOIR_CELLS,
    RESERVOIR_ITERATIONS,
    S_CURVE_PERCENTS,
    AllocationSummary,
    FloatArray,
    Histogram,
    IntArray,
    NDArrayT,
    SimulationResult,
    TornadoBar,
    simulate_register,
)

__all__ = [
    "ALLOCATIONS",
    "CHUNK_CELLS",
    "DEFAULT_SCORE_BANDS",
    "DISTRIBUTIONS",
    "HIGHEST_SCORE",
    "HISTOGRAM_BINS",
    "IMPACT_LABELS",
    "LIKELIHOOD_LABELS",
    "LOWEST_SCORE",
    "MAX_ITERATIONS",
    "MIN_ITERATIONS",
    "PERT_LAMBDA",
    "RANDOM_BLOCK_ITERATIONS",
    "RESERVOIR_CELLS",
    "RESERVOIR_ITERATIONS",
    "S_CURVE_PERCENTS",
    "Allocation",
    "AllocationSummary",
    "Distribution",
    "FloatArray",
    "Histogram",
    "IntArray",
    "NDArrayT",
    "QuantifiedRisk",
    "ScoreBand",
    "SimulationResult",
    "TornadoBar",
    "impact_label",
    "impact_mean_gbp",
    "likelihood_label",
    "lowest_common_rank_correlation",
    "normal_correlation_for_rank_correlation",
    "pert_mean",
    "pert_shape",
    "register_mean_gbp",
    "risk_mean_gbp",
    "risk_score",
    "score_band",
    "simulate_register",
    "triangular_mean",
    "validate_score_bands",
]
