"""Conventions shared by every appraisal module: the array and input type aliases, the Green Book standard
discount schedule, the accepted words (cost or benefit, real or nominal), the EAC convention shown on
pages, and the bounds that keep every input finite in float64. Nothing here computes; the figures are
quoted from HM Treasury, The Green Book (2022), Annex A6, and the Supplementary Green Book Guidance:
Optimism Bias (2003).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from types import MappingProxyType
from typing import Final

import numpy as np
import numpy.typing as npt

from forbetter.calc.limits import MAX_ABS_GBP as MAX_ABS_GBP  # the one bound on any amount, re-exported

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
Schedule = str | float
"""A discount schedule: the name of a schedule (``"standard"``) or a flat real rate such as 0.035."""
Deflator = float | Sequence[float] | FloatArray
"""GDP deflator growth: one rate for every year, or ``[g1, g2, ...]`` where g_k applies from year k-1 to k."""

STANDARD: Final = "standard"
GREEN_BOOK_STANDARD_BANDS: Final[tuple[tuple[float, float], ...]] = (
    (30, 0.035),
    (75, 0.030),
    (125, 0.025),
    (200, 0.020),
    (300, 0.015),
    (math.inf, 0.010),
)
"""(last year of the band, rate): the Green Book declining long-term discount rate, Annex A6."""
DISCOUNT_SCHEDULES: Final = MappingProxyType({STANDARD: GREEN_BOOK_STANDARD_BANDS})
KINDS: Final = ("cost", "benefit")
PRICE_BASES: Final = ("real", "nominal")
EAC_CONVENTION: Final = "years 0..n-1"
RANK_BY_NPC: Final = "npc"
RANK_BY_NPV: Final = "npv"
RANKING_RULES: Final = (RANK_BY_NPC, RANK_BY_NPV)
ENGINE_VERSION: Final = "appraisal engine 2 (2026-12): expected-value risk adjustment, NPV ranking"
"""Stored with the figures of a frozen business-case version, so a reader knows which rules made them."""
MAX_YEARS: Final = 1000
MAX_OPTIMISM_BIAS: Final = 2.0  # the highest upper bound in the guidance (equipment and development, 200%)
MAX_CHANGE: Final = 100.0
