"""Three-point estimates: a risk's cost if it happens, as a minimum, a most likely value and a maximum.

The three points are shaped either as a Beta-PERT distribution (lambda = 4) or as a triangular one, and this
module gives the PERT shape parameters and the mean of each (D. Vose, *Risk Analysis: A Quantitative Guide*,
3rd ed., Wiley, 2008, chapter on the PERT and triangular distributions). Money is in pounds; a cost is never
negative and needs min <= mode <= max, otherwise :class:`~forbetter.calc.errors.InputError` names the field.
"""

from __future__ import annotations

import math
import numbers
from typing import Literal, get_args

from forbetter.calc.errors import InputError
from forbetter.calc.limits import amount_error

Distribution = Literal["pert", "triangular"]
DISTRIBUTIONS: tuple[str, ...] = get_args(Distribution)
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
        if amount_error(value):
            raise InputError(field, amount_error(value))
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
