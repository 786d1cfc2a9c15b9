"""The inputs of the payment mechanism as checked, frozen values: the contract's mechanism (charge, points
threshold and value, bands, index, cap, ratchet) and a month's performance (a points total or failures KPI
by KPI). Construction checks every field and raises :class:`~forbetter.calc.errors.InputError` naming the one
at fault; the shape of the points bands (rule PAY-BANDS: no gaps, no overlaps, only the last open) is checked
here by :func:`validate_bands`, and ``YYYY-MM`` periods are read by :func:`month_number`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from forbetter.calc.errors import InputError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


# --------------------------------------------------------------------------------------------- checks


def _number(
    value: float, field_name: str, *, minimum: float | None = None, maximum: float | None = None
) -> float:
    """``value`` as a finite float within [minimum, maximum], else :class:`InputError` naming the field."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise InputError(field_name, f"must be a number, not {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise InputError(field_name, f"must be a finite number, not {value!r}")
    if minimum is not None and number < minimum:
        raise InputError(field_name, f"must be at least {minimum:g}, not {number:g}")
    if maximum is not None and number > maximum:
        raise InputError(field_name, f"must be at most {maximum:g}, not {number:g}")
    return number


def _whole(value: int, field_name: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise InputError(field_name, f"must be a whole number, not {value!r}")
    if value < minimum:
        raise InputError(field_name, f"must be at least {minimum}, not {value}")
    return int(value)


def month_number(period: str, *, field_name: str = "period") -> int:
    """Months since year 0 of a ``YYYY-MM`` period, so consecutive months differ by one.

    >>> month_number("2024-02") - month_number("2023-12")
    2
    """
    match = _PERIOD.match(period) if isinstance(period, str) else None
    if match is None:
        raise InputError(field_name, f"{period!r} is not a month written YYYY-MM")
    return int(match.group(1)) * 12 + int(match.group(2)) - 1


# ---------------------------------------------------------------------------------------- value types


@dataclass(frozen=True)
class Band:
    """Points ``from_point`` to ``to_point`` (inclusive point numbers; ``None`` = no upper end) cost
    ``multiplier`` x the value of a point."""

    from_point: int
    to_point: int | None
    multiplier: float


@dataclass(frozen=True)
class Ratchet:
    """A KPI failing in ``consecutive`` or more months running has its points multiplied by ``multiplier``."""

    consecutive: int
    multiplier: float

    def __post_init__(self) -> None:
        _whole(self.consecutive, "ratchet.consecutive", minimum=1)
        _number(self.multiplier, "ratchet.multiplier", minimum=1.0)


@dataclass(frozen=True)
class Index:
    """A price index: the ``base`` value and its value by month (``{"2024-04": 112.4}``)."""

    base: float
    values: Mapping[str, float] = field(hash=False)

    def __post_init__(self) -> None:
        if _number(self.base, "index.base") <= 0:
            raise InputError("index.base", f"must be above 0, not {self.base:g}")
        for period, value in self.values.items():
            month_number(period, field_name=f"index.values.{period}")
            if _number(value, f"index.values.{period}") <= 0:
                raise InputError(f"index.values.{period}", f"must be above 0, not {value:g}")


@dataclass(frozen=True)
class Mechanism:
    """A contract's payment mechanism. Checked on construction; :class:`InputError` names the bad field.

    ``threshold`` points a month are free; points above it cost ``point_value`` pounds x the multiplier of
    the band they fall in. ``cap`` (a fraction of the month's indexed charge) limits the deduction.
    """

    monthly_charge: float
    threshold: int
    point_value: float
    bands: tuple[Band, ...]
    indexed_share: float = 0.0
    index: Index | None = None
    cap: float | None = None
    ratchet: Ratchet | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "bands", tuple(self.bands))
        _number(self.monthly_charge, "monthly_charge", minimum=0.0)
        _number(self.indexed_share, "indexed_share", minimum=0.0, maximum=1.0)
        _whole(self.threshold, "points.threshold", minimum=0)
        _number(self.point_value, "points.value", minimum=0.0)
        validate_bands(self.bands, threshold=self.threshold)
        if self.cap is not None:
            _number(self.cap, "cap", minimum=0.0, maximum=1.0)


@dataclass(frozen=True)
class Failure:
    """A KPI failure in a month: its points, and whether a relief event excuses it (and why)."""

    kpi: str
    points: float
    relief: bool = False
    reason: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.kpi, str) or not self.kpi.strip():
            raise InputError("kpi", "must name the KPI")
        _number(self.points, "points", minimum=0.0)
        if not isinstance(self.relief, bool):
            raise InputError("relief", f"must be true or false, not {self.relief!r}")


@dataclass(frozen=True)
class PeriodInput:
    """One month's performance: either a points total or the failures KPI by KPI (not both)."""

    period: str
    points: float | None = None
    failures: tuple[Failure, ...] | None = None

    def __post_init__(self) -> None:
        month_number(self.period)
        if (self.points is None) == (self.failures is None):
            raise InputError("points", "give either points or failures for the month, not both or neither")
        if self.points is not None:
            _number(self.points, "points", minimum=0.0)
        if self.failures is not None:
            object.__setattr__(self, "failures", tuple(self.failures))


# ---------------------------------------------------------------------------------------------- bands


def validate_bands(bands: Sequence[Band], *, threshold: int, field_name: str = "points.bands") -> None:
    """Rule PAY-BANDS (shape): check the bands a deduction is worked out in.

    ``from``/``to`` are inclusive point numbers. Points 1..threshold are free, so the first band starts at
    threshold + 1; each later band starts where the previous one ended plus one (no gaps, no overlaps); only
    the last band may be open (``to`` = None); multipliers are at least 0. An :class:`InputError` names the
    band at fault, e.g. ``points.bands[1].from``.

    >>> validate_bands([Band(21, 100, 1.0), Band(102, None, 1.2)], threshold=20)
    Traceback (most recent call last):
    ...
    forbetter.calc.errors.InputError: points.bands[1].from: starts at 102 but the previous band ends at 100, \
leaving a gap: it must start at 101
    """
    if not bands:
        raise InputError(field_name, "give at least one band")
    expected_from = threshold + 1
    for i, band in enumerate(bands):
        here = f"{field_name}[{i}]"
        _whole(band.from_point, f"{here}.from", minimum=1)
        if band.to_point is not None:
            _whole(band.to_point, f"{here}.to", minimum=1)
        _number(band.multiplier, f"{here}.multiplier", minimum=0.0)
        if i == 0 and band.from_point != expected_from:
            raise InputError(
                f"{here}.from",
                f"the first band must start at threshold + 1 = {expected_from}, not {band.from_point}",
            )
        if i > 0 and band.from_point != expected_from:
            kind = "leaving a gap" if band.from_point > expected_from else "overlapping it"
            raise InputError(
                f"{here}.from",
                f"starts at {band.from_point} but the previous band ends at {expected_from - 1}, {kind}: "
                f"it must start at {expected_from}",
            )
        if band.to_point is None:
            if i != len(bands) - 1:
                raise InputError(f"{here}.to", "only the last band may be open (to = null)")
            break
        if band.to_point < band.from_point:
            raise InputError(f"{here}.to", f"ends at {band.to_point}, before it starts at {band.from_point}")
        expected_from = band.to_point + 1


def _width(band: Band) -> float:
    return math.inf if band.to_point is None else band.to_point - band.from_point + 1.0
