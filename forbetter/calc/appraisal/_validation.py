"""Input checks shared by the appraisal modules: each turns one raw value (a number, a whole number of years,
a rate, a share, a word, a list of pounds, a discount schedule, a sensitivity change) into a checked value or
raises :class:`~forbetter.calc.errors.InputError` naming the field, so no function here ever returns NaN.
These helpers are private to the package; import the public functions from :mod:`forbetter.calc.appraisal`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from forbetter.calc.appraisal.conventions import (
    DISCOUNT_SCHEDULES,
    MAX_ABS_GBP,
    MAX_CHANGE,
    MAX_YEARS,
    STANDARD,
    FloatArray,
    Schedule,
)
from forbetter.calc.errors import InputError


def _describe(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _number(value: object, *, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise InputError(field, f"must be a number, got {_describe(value)}")
    try:
        number = float(value)
    except OverflowError:
        raise InputError(field, "is too large to be a number") from None
    if not math.isfinite(number):
        raise InputError(field, f"must be a finite number, got {_describe(value)}")
    return number


def _whole(value: object, *, field: str, minimum: int = 1, maximum: int = MAX_YEARS) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        what = "a positive whole number" if minimum == 1 else f"a whole number of at least {minimum}"
        raise InputError(field, f"must be {what}, got {_describe(value)}")
    number = int(value)
    if number < minimum:
        what = "a positive whole number" if minimum == 1 else f"at least {minimum}"
        raise InputError(field, f"must be {what}, got {number}")
    if number > maximum:
        raise InputError(field, f"must be at most {maximum}, got {number}")
    return number


def _rate(value: object, *, field: str, allow_negative: bool = False) -> float:
    rate = _number(value, field=field)
    if rate > 1:
        raise InputError(
            field, f"must be a fraction, not a percentage: write {rate / 100:g} for {rate:g}%, got {rate:g}"
        )
    if allow_negative and rate <= -1:
        raise InputError(field, f"must be more than -1 (a fall of 100%), got {rate:g}")
    if not allow_negative and rate < 0:
        raise InputError(field, f"must not be negative, got {rate:g}")
    return rate


def _share(value: object, *, field: str, what: str) -> float:
    share = _number(value, field=field)
    if not 0 <= share <= 1:
        raise InputError(field, f"must be between 0 and 1 ({what}), got {share:g}")
    return share


def _text(value: object, *, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(field, f"must be some text, got {_describe(value)}")
    return value


def _word(value: object, allowed: tuple[str, ...], *, field: str) -> str:
    if value not in allowed:
        choices = " or ".join(f'"{word}"' for word in allowed)
        raise InputError(field, f"must be {choices}, got {_describe(value)}")
    return str(value)


def _sequence(value: object, *, field: str, what: str) -> Sequence[object]:
    if isinstance(value, np.ndarray):
        return list(value)
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise InputError(field, f"must be a list of {what}, got {_describe(value)}")
    return value


def _money(values: object, *, field: str) -> FloatArray:
    """Pounds per year as a float array, each checked finite and within ±MAX_ABS_GBP."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "iuf" and values.ndim == 1:
        array = values.astype(np.float64)
        bad = np.flatnonzero(~np.isfinite(array))
        if bad.size:
            raise InputError(f"{field}[{bad[0]}]", f"must be a finite number, got {array[bad[0]]}")
    else:
        items = _sequence(values, field=field, what="numbers, one per year from year 0")
        array = np.array([_number(v, field=f"{field}[{i}]") for i, v in enumerate(items)], dtype=np.float64)
    too_large = np.flatnonzero(np.abs(array) > MAX_ABS_GBP)
    if too_large.size:
        raise InputError(f"{field}[{too_large[0]}]", f"must be at most £{MAX_ABS_GBP:g} in size")
    return array


def _span(values: FloatArray, *, field: str) -> int:
    """Number of years in a series from year 0, which must be 1 ... MAX_YEARS."""
    if values.size == 0:
        raise InputError(field, "must list at least one value (year 0)")
    if values.size > MAX_YEARS:
        raise InputError(field, f"has {values.size} years; at most {MAX_YEARS} are allowed")
    return int(values.size)


def _schedule(schedule: object, *, field: str = "schedule") -> Schedule:
    if isinstance(schedule, str):
        if schedule not in DISCOUNT_SCHEDULES:
            raise InputError(
                field,
                f"unknown discount schedule {schedule!r}: use {STANDARD!r} (the Green Book declining "
                "schedule) or a flat rate such as 0.035",
            )
        return schedule
    return _rate(schedule, field=field)


def _change(value: object, *, field: str = "change") -> float:
    change = _number(value, field=field)
    if not -1 <= change <= MAX_CHANGE:
        raise InputError(field, f"must be between -1 (a cut of 100%) and {MAX_CHANGE:g}, got {change:g}")
    return change
