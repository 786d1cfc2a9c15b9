"""The risk adjustment of one option: the expected value of the quantified risks that option retains, spread
over the years they fall in, as a real cost line discounted like every other; and, beside it as a
sensitivity, a P-value (for example P80) of the same retained risks from a seeded Monte Carlo run.

Rule RISK-EV (HM Treasury, The Green Book (2022), paragraphs 5.51-5.54 and Annex A5): a risk adjustment is
the expected value of the risks an option bears: for each risk, probability x mean impact (PERT or
triangular mean, DESIGN section 5) x the share the option retains. Under in-house delivery the council
retains every risk (share 1); under a partnership it retains what the contract does not transfer (the risk
register's allocation, or a per-risk or per-category override). The adjustment is a cost in the years the
risks fall in (evenly over the option's years unless a risk's years are given) and is discounted with the
option's other costs. A P-value is not added to the net present cost: it is shown beside the expected value
as a sensitivity ("with an 80% chance the retained risks cost no more than ...").

Money is real pounds at year-0 prices; shares and probabilities are fractions of 1. Bad input raises
:class:`~forbetter.calc.errors.InputError` naming the field.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from forbetter.calc.appraisal._validation import _describe, _sequence, _share, _whole
from forbetter.calc.appraisal.options import CashflowLine
from forbetter.calc.errors import InputError
from forbetter.calc.risk import (
    MAX_ITERATIONS,
    MIN_ITERATIONS,
    QuantifiedRisk,
    risk_mean_gbp,
    simulate_register,
)

RISK_ADJUSTMENT_LABEL: Final = "Risk adjustment (expected value of the risks this option retains)"
PERCENTILES: Final = (0.5, 0.8, 0.9, 0.95)
"""The P-values a sensitivity may show: the simulation reports P50, P80, P90 and P95."""
DEFAULT_PERCENTILE: Final = 0.8
DEFAULT_ITERATIONS: Final = 20_000
DEFAULT_SEED: Final = 1


@dataclass(frozen=True, kw_only=True)
class RetainedRisk:
    """One quantified risk as one option bears it: the share it retains and the years it may fall in.

    ``first_year`` and ``last_year`` (inclusive, counted from year 0) default to the option's whole life.
    The risk's own ``allocation`` is not used here: ``retained_share`` already says what this option keeps.
    """

    risk: QuantifiedRisk
    retained_share: float
    first_year: int | None = None
    last_year: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.risk, QuantifiedRisk):
            raise InputError("risk", f"must be a QuantifiedRisk, got {_describe(self.risk)}")
        share = _share(self.retained_share, field="retained_share", what="the share this option retains")
        object.__setattr__(self, "retained_share", share)
        for name in ("first_year", "last_year"):
            value = getattr(self, name)
            if value is not None:
                _whole(value, field=name, minimum=0)
        if self.first_year is not None and self.last_year is not None and self.first_year > self.last_year:
            raise InputError("last_year", f"must not be before first_year ({self.first_year})")

    @property
    def expected_value_gbp(self) -> float:
        """Probability x mean impact x retained share."""
        return risk_mean_gbp(self.risk) * self.retained_share


@dataclass(frozen=True)
class RetainedRiskValue:
    """One risk's part of an option's risk adjustment."""

    id: str
    retained_share: float
    expected_value_gbp: float  # probability x mean impact x retained share, undiscounted
    first_year: int
    last_year: int


@dataclass(frozen=True)
class RiskAdjustment:
    """An option's risk adjustment: real pounds per year from year 0 and what each risk contributes."""

    values_gbp: tuple[float, ...]
    risks: tuple[RetainedRiskValue, ...]

    @property
    def expected_value_gbp(self) -> float:
        """The undiscounted total: the sum of the retained risks' expected values."""
        return math.fsum(self.values_gbp)

    def line(self, label: str = RISK_ADJUSTMENT_LABEL) -> CashflowLine:
        """The adjustment as a real cost line that prices risk (for the optimism-bias overlap warning)."""
        return CashflowLine(label, "cost", "real", self.values_gbp, prices_risk=True)


def risk_adjustment(risks: Sequence[RetainedRisk], *, years: int) -> RiskAdjustment:
    """The expected value of the retained risks, each spread evenly over the years it falls in.

    value_t = sum over risks r with first_r <= t <= last_r of EV_r / (last_r - first_r + 1), where
    EV_r = p_r x mean impact_r x retained share_r. Source: The Green Book (2022), 5.51-5.54 (Rule RISK-EV).

    >>> r = QuantifiedRisk(id="R1", probability=0.5, minimum_gbp=0, mode_gbp=300, maximum_gbp=600)
    >>> adjustment = risk_adjustment([RetainedRisk(risk=r, retained_share=0.4)], years=3)
    >>> adjustment.values_gbp, adjustment.expected_value_gbp
    ((20.0, 20.0, 20.0), 60.0)
    """
    n = _whole(years, field="years")
    values = [0.0] * n
    parts = []
    for i, retained in enumerate(_sequence(risks, field="risks", what="retained risks")):
        if not isinstance(retained, RetainedRisk):
            raise InputError(f"risks[{i}]", f"must be a RetainedRisk, got {_describe(retained)}")
        first = 0 if retained.first_year is None else retained.first_year
        last = n - 1 if retained.last_year is None else retained.last_year
        if last > n - 1 or first > n - 1:
            raise InputError(
                f"risks[{i}].last_year" if last > n - 1 else f"risks[{i}].first_year",
                f"risk {retained.risk.id!r} falls in years {first} to {last}, but the option runs for {n} "
                f"years (year 0 to year {n - 1})",
            )
        expected = retained.expected_value_gbp
        each = expected / (last - first + 1)
        for t in range(first, last + 1):
            values[t] += each
        parts.append(RetainedRiskValue(retained.risk.id, retained.retained_share, expected, first, last))
    return RiskAdjustment(tuple(values), tuple(parts))


@dataclass(frozen=True)
class RiskPercentile:
    """A P-value of an option's retained risks (undiscounted total), from a seeded Monte Carlo run."""

    percentile: float  # 0.8 for P80
    value_gbp: float
    simulated_mean_gbp: float
    iterations: int
    seed: int

    @property
    def label(self) -> str:
        return f"P{round(self.percentile * 100)}"


def retained_risk_percentile(
    risks: Sequence[RetainedRisk],
    *,
    percentile: float = DEFAULT_PERCENTILE,
    iterations: int = DEFAULT_ITERATIONS,
    seed: int = DEFAULT_SEED,
) -> RiskPercentile:
    """The ``percentile`` (0.5, 0.8, 0.9 or 0.95) of the total cost of the retained risks, simulated.

    Each risk happens with its probability and then costs a draw from its three-point distribution scaled
    by the retained share (a linear scaling, so the scaled PERT or triangular is the retained cost's
    distribution). Seeded and reproducible (STYLE habit 4): the same risks, iterations and seed give the
    same figure. It is a sensitivity shown beside the expected value, never part of the net present cost.

    >>> r = QuantifiedRisk(id="R1", probability=1.0, minimum_gbp=100, mode_gbp=100, maximum_gbp=100)
    >>> retained_risk_percentile([RetainedRisk(risk=r, retained_share=0.5)], iterations=1000).value_gbp
    50.0
    """
    if percentile not in PERCENTILES:
        raise InputError(
            "percentile", f"must be one of {', '.join(f'{p:g}' for p in PERCENTILES)}, got {percentile!r}"
        )
    count = _whole(iterations, field="iterations", minimum=MIN_ITERATIONS, maximum=MAX_ITERATIONS)
    chosen_seed = _whole(seed, field="seed", minimum=0, maximum=2**63 - 1)
    scaled = []
    for i, retained in enumerate(_sequence(risks, field="risks", what="retained risks")):
        if not isinstance(retained, RetainedRisk):
            raise InputError(f"risks[{i}]", f"must be a RetainedRisk, got {_describe(retained)}")
        share = retained.retained_share
        if share == 0 or retained.risk.probability == 0:
            continue
        risk = retained.risk
        scaled.append(
            QuantifiedRisk(
                id=risk.id,
                probability=risk.probability,
                minimum_gbp=risk.minimum_gbp * share,
                mode_gbp=risk.mode_gbp * share,
                maximum_gbp=risk.maximum_gbp * share,
                distribution=risk.distribution,
            )
        )
    if not scaled:
        return RiskPercentile(percentile, 0.0, 0.0, count, chosen_seed)
    result = simulate_register(scaled, iterations=count, seed=chosen_seed)
    value = {0.5: result.p50_gbp, 0.8: result.p80_gbp, 0.9: result.p90_gbp, 0.95: result.p95_gbp}[percentile]
    return RiskPercentile(percentile, float(value), float(result.mean_gbp), count, chosen_seed)
