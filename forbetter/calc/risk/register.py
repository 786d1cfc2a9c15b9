"""Quantified risks: one risk of a register with its probability, three-point cost and who pays for it.

A :class:`QuantifiedRisk` is checked when it is made; the council pays all of a council risk, its share of a
shared risk and none of a partner risk. The analytic means here (probability times the PERT or triangular
mean impact, summed over a register, optionally for one party's part) are the figures the Monte Carlo
simulation in :mod:`forbetter.calc.risk.simulation` converges to (DESIGN section 5).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from forbetter.calc.errors import InputError
from forbetter.calc.risk.estimates import (
    DISTRIBUTIONS,
    Distribution,
    _finite_number,
    _three_point,
    pert_mean,
    triangular_mean,
)

Allocation = Literal["council", "partner", "shared"]
ALLOCATIONS: tuple[str, ...] = get_args(Allocation)


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
