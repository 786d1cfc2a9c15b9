"""Real and nominal prices: the price index built from GDP deflator growth, conversion of cash (nominal)
pounds to real pounds at year-0 prices and back, and the handling of a published deflator series (rebasing
it to the appraisal's base year and turning its levels into yearly growth rates). Source: HM Treasury, The
Green Book (2022), chapter 5, and HM Treasury's GDP deflators at market prices.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from forbetter.calc.appraisal._validation import _money, _rate, _sequence, _span, _whole
from forbetter.calc.appraisal.conventions import Deflator, FloatArray
from forbetter.calc.errors import InputError


def _deflator_rates(
    deflator: object, *, years: int, field: str = "deflator", needed_by: str = ""
) -> FloatArray:
    """g_1 ... g_{years-1}; a list may be longer than needed but not shorter."""
    if not isinstance(deflator, Sequence | np.ndarray) or isinstance(deflator, str):
        return np.full(years - 1, _rate(deflator, field=field, allow_negative=True))
    items = _sequence(deflator, field=field, what="yearly rates")
    rates = np.array(
        [_rate(g, field=f"{field}[{k}]", allow_negative=True) for k, g in enumerate(items)], dtype=np.float64
    )
    if rates.size < years - 1:
        raise InputError(
            field,
            f"has {rates.size} yearly rate(s) but {years - 1} are needed (g1 to g{years - 1}) "
            f"for {needed_by or f'{years} years of values'}",
        )
    return rates[: years - 1]


def price_index(years: int, *, deflator: Deflator) -> FloatArray:
    """Price level of each year t = 0 ... years - 1 relative to year 0: P_t = prod_{k=1}^{t} (1 + g_k).

    ``deflator`` is the GDP deflator growth rate, one number for every year or a list [g1, g2, ...] with g_k
    the growth from year k - 1 to year k. P_0 = 1.

    Source: HM Treasury, The Green Book (2022), chapter 5 (real prices use the GDP deflator).

    >>> price_index(3, deflator=0.02).round(4).tolist()
    [1.0, 1.02, 1.0404]
    """
    n = _whole(years, field="years")
    return np.concatenate(([1.0], np.cumprod(1.0 + _deflator_rates(deflator, years=n))))


def real_from_nominal(nominal_gbp: Sequence[float] | FloatArray, *, deflator: Deflator) -> FloatArray:
    """Real pounds at year-0 prices from cash (nominal) pounds: real_t = nominal_t / prod_{k=1}^{t}(1 + g_k).

    Year 0 is unchanged. A list of rates shorter than the values need is refused, not padded.

    Source: HM Treasury, The Green Book (2022), chapter 5.

    >>> real_from_nominal([100, 102, 104.04], deflator=0.02).round(6).tolist()
    [100.0, 100.0, 100.0]
    """
    values = _money(nominal_gbp, field="nominal_gbp")
    return values / price_index(_span(values, field="nominal_gbp"), deflator=deflator)


def nominal_from_real(real_gbp: Sequence[float] | FloatArray, *, deflator: Deflator) -> FloatArray:
    """Cash (nominal) pounds from real year-0 pounds: nominal_t = real_t x prod_{k=1}^{t}(1 + g_k).

    The inverse of :func:`real_from_nominal`.

    >>> nominal_from_real([100, 100], deflator=[0.025]).round(6).tolist()
    [100.0, 102.5]
    """
    values = _money(real_gbp, field="real_gbp")
    return values * price_index(_span(values, field="real_gbp"), deflator=deflator)


def rebase_index(index_levels: Sequence[float] | FloatArray, *, base_position: int = 0) -> FloatArray:
    """A price index re-expressed so the chosen base year is 100: rebased_t = 100 x I_t / I_base.

    This is how a published GDP deflator series (whatever its reference year) is put onto the appraisal's
    base year. Real pounds are then nominal_t x 100 / rebased_t.

    Source: HM Treasury, GDP deflators at market prices (published with ONS data); The Green Book (2022),
    chapter 5.

    >>> rebase_index([120.0, 123.0, 125.76]).round(2).tolist()
    [100.0, 102.5, 104.8]
    """
    levels = _index_levels(index_levels)
    base = _whole(base_position, field="base_position", minimum=0, maximum=levels.size - 1)
    rebased: FloatArray = 100.0 * levels / levels[base]
    return rebased


def deflator_rates_from_index(index_levels: Sequence[float] | FloatArray) -> FloatArray:
    """Yearly growth rates [g1, g2, ...] from index levels I_0, I_1, ...: g_k = I_k / I_{k-1} - 1.

    Feed the result to :func:`real_from_nominal` to deflate by a published series.

    >>> deflator_rates_from_index([100.0, 102.5, 104.8]).round(6).tolist()
    [0.025, 0.022439]
    """
    levels = _index_levels(index_levels)
    rates: FloatArray = levels[1:] / levels[:-1] - 1.0
    return rates


def _index_levels(index_levels: object) -> FloatArray:
    levels = _money(index_levels, field="index_levels")
    if levels.size < 1 or np.any(levels <= 0):
        raise InputError("index_levels", "must be a list of positive index levels, one per year")
    return levels
