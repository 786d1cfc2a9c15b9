"""Rank correlation between risk impacts, induced through a Gaussian copula.

A common Spearman rank correlation rho between every pair of impacts is induced through correlated normal
scores (Iman, R. L. and Conover, W. J. (1982), "A distribution-free approach to inducing rank correlation
among input variables", *Communications in Statistics - Simulation and Computation* 11(3), 311-334), here as
a Gaussian copula whose normal correlation is r = 2 sin(pi rho / 6): the Pearson (1907) relation between
Spearman's rho and the product-moment correlation of normal variates (M. Kendall and J. D. Gibbons, *Rank
Correlation Methods*, 5th ed., 1990). This module converts between the two and says how negative a
correlation every pair of n risks can share.
"""

from __future__ import annotations

import math

from forbetter.calc.errors import InputError
from forbetter.calc.risk.estimates import _finite_number


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
