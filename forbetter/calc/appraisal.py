"""Options appraisal: the Green Book arithmetic behind a business case.

One financial idea per function. Conventions, stated once and used by every function here:

* Years count from year 0, the base year. ``years=n`` means the years 0, 1, ..., n - 1. Year 0 is not
  discounted (DF_0 = 1) and each year's cash is treated as falling at one point in that year.
* Money is in pounds (GBP) at real prices of year 0, unless a name or keyword says ``nominal``.
* Rates are fractions per year: 0.035 means 3.5%. A rate above 1 is taken to be a percentage typed by
  mistake and refused.
* Bad input raises :class:`~forbetter.calc.errors.InputError` naming the field; nothing returns NaN.

Sources: HM Treasury, *The Green Book: central government guidance on appraisal and evaluation* (2022
edition), chapter 5 and Annex A6 (discounting; real and nominal prices); HM Treasury, *Supplementary Green
Book Guidance: Optimism Bias* (2003). Check the figures against the edition in force when a case is made.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

from forbetter.calc.errors import InputError

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
MAX_YEARS: Final = 1000
MAX_OPTIMISM_BIAS: Final = 2.0  # the highest upper bound in the guidance (equipment and development, 200%)
# Bounds that keep every sum finite in float64 (no inf, so no NaN): £1e15 is far beyond any council budget.
MAX_ABS_GBP: Final = 1e15
MAX_CHANGE: Final = 100.0
_SUM_TOLERANCE = 1e-9  # contributions typed as 0.1 + 0.2 + 0.7 may add to 1.0000000000000002
_SHORTFALL_TOLERANCE_GBP = 1e-6  # headroom this close to zero is float rounding, not a breach


# --- validation -------------------------------------------------------------------------------------------


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


# --- discounting ------------------------------------------------------------------------------------------


def _rates(years: int, schedule: Schedule) -> FloatArray:
    t = np.arange(years)
    if isinstance(schedule, str):
        bands = DISCOUNT_SCHEDULES[schedule]
        limits = np.array([limit for limit, _ in bands])
        band_rates = np.array([rate for _, rate in bands])
        rates = band_rates[np.searchsorted(limits, t, side="left")]
    else:
        rates = np.full(years, float(schedule))
    rates[0] = 0.0
    return rates


def _factors(years: int, schedule: Schedule) -> FloatArray:
    return np.asarray(1.0 / np.cumprod(1.0 + _rates(years, schedule)), dtype=np.float64)


def discount_rates(years: int, *, schedule: Schedule = STANDARD) -> FloatArray:
    """Discount rate r_t for each year t = 0 ... years - 1 (fractions; r_0 is shown as 0).

    With ``schedule="standard"`` the Green Book declining schedule applies: 3.5% for years 1-30, 3.0% for
    31-75, 2.5% for 76-125, 2.0% for 126-200, 1.5% for 201-300 and 1.0% beyond. A number gives that flat
    rate every year. Year 0 is not discounted, so its entry is 0.

    Source: HM Treasury, The Green Book (2022), Annex A6, the declining long-term discount rate table.

    >>> rates = discount_rates(33)
    >>> float(rates[1]), float(rates[30]), float(rates[31])
    (0.035, 0.035, 0.03)
    >>> discount_rates(3, schedule=0.05).tolist()
    [0.0, 0.05, 0.05]
    """
    return _rates(_whole(years, field="years"), _schedule(schedule))


def discount_factors(years: int, *, schedule: Schedule = STANDARD) -> FloatArray:
    """Discount factor DF_t for t = 0 ... years - 1: DF_0 = 1 and DF_t = DF_{t-1} / (1 + r_t).

    Multiply a year-t amount in real pounds by DF_t to get its present value in year-0 pounds. When the rate
    steps down (year 31 onwards in the standard schedule) earlier years keep their higher rate, as the Green
    Book requires, so DF_31 = DF_30 / 1.03.

    Source: HM Treasury, The Green Book (2022), Annex A6.

    >>> factors = discount_factors(32)
    >>> round(float(factors[10]), 4), round(float(factors[30]), 4), round(float(factors[31]), 4)
    (0.7089, 0.3563, 0.3459)
    >>> discount_factors(3, schedule=0.1).round(4).tolist()
    [1.0, 0.9091, 0.8264]
    """
    return _factors(_whole(years, field="years"), _schedule(schedule))


def present_value(values_gbp: Sequence[float] | FloatArray, *, schedule: Schedule = STANDARD) -> float:
    """Present value in year-0 pounds of real amounts for years 0, 1, ...: PV = sum_t value_t x DF_t.

    Source: HM Treasury, The Green Book (2022), Annex A6.

    >>> round(present_value([100, 100, 100], schedule=0.035), 2)
    289.97
    """
    values = _money(values_gbp, field="values_gbp")
    years = _span(values, field="values_gbp")
    return float(values @ _factors(years, _schedule(schedule)))


def net_present_value(
    *,
    costs_gbp: Sequence[float] | FloatArray,
    benefits_gbp: Sequence[float] | FloatArray,
    schedule: Schedule = STANDARD,
) -> float:
    """NPV = PV(benefits) - NPC, where NPC, the net present cost, is the PV of costs as a positive number.

    Both series are real pounds per year from year 0 and may differ in length.

    Source: HM Treasury, The Green Book (2022), chapter 5.

    >>> round(net_present_value(costs_gbp=[100, 0], benefits_gbp=[0, 110], schedule=0.1), 6)
    0.0
    """
    chosen = _schedule(schedule)
    benefits = present_value(benefits_gbp, schedule=chosen)
    costs = present_value(costs_gbp, schedule=chosen)
    return benefits - costs


def equivalent_annual_cost(
    net_present_cost_gbp: float, *, years: int, schedule: Schedule = STANDARD
) -> float:
    """Equivalent annual cost (EAC): the constant real yearly amount over years 0 ... n - 1 with this NPC.

    EAC = NPC / sum_{t=0}^{n-1} DF_t, with n the option's own number of years, so a constant real £100 a
    year has an EAC of exactly £100 and options of different lengths can be compared. This is the
    convention ForBetter shows (``EAC_CONVENTION``); see :func:`annuity_equivalent_annual_cost` for the
    Green Book annuity over years 1 ... n.

    Source: HM Treasury, The Green Book (2022), Annex A6 (equivalent annual cost of options of unequal life).

    >>> npc = present_value([100] * 10)
    >>> round(equivalent_annual_cost(npc, years=10), 6)
    100.0
    """
    npc = _number(net_present_cost_gbp, field="net_present_cost_gbp")
    factors = _factors(_whole(years, field="years"), _schedule(schedule))
    return npc / float(factors.sum())


def annuity_equivalent_annual_cost(
    net_present_cost_gbp: float, *, years: int, schedule: Schedule = STANDARD
) -> float:
    """Green Book annuity: the constant yearly amount over years 1 ... n (paid in arrears) with this NPC.

    EAC_annuity = NPC / sum_{t=1}^{n} DF_t. Because sum_{t=1}^{n} DF_t = sum_{t=0}^{n-1} DF_t / (1 + r)
    while the rate is flat, EAC_annuity = EAC x (1 + r): 3.5% more than :func:`equivalent_annual_cost`
    in the first band. Use it to match a published annuity table; say which convention a page shows.

    Source: HM Treasury, The Green Book (2022), Annex A6.

    >>> npc = present_value([100] * 10, schedule=0.035)
    >>> round(annuity_equivalent_annual_cost(npc, years=10, schedule=0.035), 6)
    103.5
    """
    npc = _number(net_present_cost_gbp, field="net_present_cost_gbp")
    n = _whole(years, field="years")
    factors = _factors(n + 1, _schedule(schedule))
    return npc / float(factors[1:].sum())


# --- real and nominal prices ------------------------------------------------------------------------------


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


# --- optimism bias ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OptimismBiasCategory:
    """One project type of the supplementary guidance, with its bounds as fractions of cost."""

    key: str
    label: str
    applies_to: str  # "capital expenditure" or "operating expenditure"
    upper_bound: float
    lower_bound: float


@dataclass(frozen=True)
class OptimismBiasTable:
    """The versioned table of upper and lower bounds shipped in ``forbetter/calc/data``."""

    version: int
    source: str
    categories: tuple[OptimismBiasCategory, ...]


@lru_cache(maxsize=1)
def optimism_bias_table() -> OptimismBiasTable:
    """The Green Book optimism bias bounds, from ``data/optimism_bias_v1.json`` (with its source).

    >>> {c.key: c.upper_bound for c in optimism_bias_table().categories}["outsourcing"]
    0.41
    """
    text = resources.files("forbetter.calc.data").joinpath("optimism_bias_v1.json").read_text("utf-8")
    data = json.loads(text)
    categories = tuple(
        OptimismBiasCategory(
            key=row["key"],
            label=row["label"],
            applies_to=row["applies_to"],
            upper_bound=float(row["upper_bound"]),
            lower_bound=float(row["lower_bound"]),
        )
        for row in data["categories"]
    )
    return OptimismBiasTable(version=int(data["version"]), source=str(data["source"]), categories=categories)


def optimism_bias_upper_bound(category: str) -> float:
    """The Green Book upper bound for a project type, e.g. ``"outsourcing"`` -> 0.41 (of operating cost).

    >>> optimism_bias_upper_bound("equipment_development")
    2.0
    """
    bounds = {c.key: c.upper_bound for c in optimism_bias_table().categories}
    if category not in bounds:
        raise InputError(
            "category", f"unknown optimism bias category {category!r}: use one of {sorted(bounds)}"
        )
    return bounds[category]


def _upper_bound(value: object, *, field: str) -> float:
    bound = _number(value, field=field)
    if not 0 <= bound <= MAX_OPTIMISM_BIAS:
        raise InputError(
            field,
            f"must be a fraction from 0 to {MAX_OPTIMISM_BIAS:g} ({MAX_OPTIMISM_BIAS:.0%}, the highest "
            f"Green Book upper bound), e.g. 0.41 for 41%, got {bound:g}",
        )
    return bound


def _contributions(value: object, *, field: str) -> tuple[tuple[float, float], ...]:
    pairs = []
    for i, pair in enumerate(_sequence(value, field=field, what="[contribution, mitigation] pairs")):
        items = _sequence(pair, field=f"{field}[{i}]", what="two numbers: [contribution, mitigation]")
        if len(items) != 2:
            raise InputError(
                f"{field}[{i}]", f"must be two numbers [contribution, mitigation], got {len(items)}"
            )
        contribution = _share(items[0], field=f"{field}[{i}][0]", what="the share of the upper bound")
        mitigation = _share(items[1], field=f"{field}[{i}][1]", what="the share of that risk mitigated")
        pairs.append((contribution, mitigation))
    total = sum(c for c, _ in pairs)
    if total > 1 + _SUM_TOLERANCE:
        raise InputError(field, f"add up to {total:g}; as shares of the upper bound they must not exceed 1")
    return tuple(pairs)


def optimism_bias(*, upper_bound: float, contributions: Sequence[Sequence[float]] = ()) -> float:
    """Optimism bias to apply, as a fraction: OB = upper_bound x (1 - sum_i contribution_i x mitigation_i).

    ``contributions`` lists [contribution, mitigation] pairs: the share of the upper bound that comes from
    one risk area, and the share of that risk the project has mitigated, each from 0 to 1; the
    contributions add up to at most 1. The result is never negative, so it never reduces a cost.

    Source: HM Treasury, Supplementary Green Book Guidance: Optimism Bias (2003), section 3.

    >>> round(optimism_bias(upper_bound=0.41, contributions=[(0.5, 0.6), (0.5, 0.2)]), 6)
    0.246
    """
    bound = _upper_bound(upper_bound, field="upper_bound")
    pairs = _contributions(contributions, field="contributions")
    return max(0.0, bound * (1.0 - sum(c * m for c, m in pairs)))


def apply_optimism_bias(values_gbp: Sequence[float] | FloatArray, *, optimism_bias: float) -> FloatArray:
    """Costs uplifted for optimism bias: adjusted_t = cost_t x (1 + OB).

    Source: HM Treasury, Supplementary Green Book Guidance: Optimism Bias (2003), section 3.

    >>> apply_optimism_bias([1000.0, 500.0], optimism_bias=0.246).tolist()
    [1246.0, 623.0]
    """
    values = _money(values_gbp, field="values_gbp")
    return values * (1.0 + _upper_bound(optimism_bias, field="optimism_bias"))


# --- options: inputs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CashflowLine:
    """One line of an option: pounds a year from year 0, a cost or a benefit, in real or nominal prices."""

    label: str
    kind: Literal["cost", "benefit"]
    prices: Literal["real", "nominal"]
    values_gbp: Sequence[float]

    def __post_init__(self) -> None:
        _text(self.label, field="label")
        _word(self.kind, KINDS, field="kind")
        _word(self.prices, PRICE_BASES, field="prices")
        object.__setattr__(self, "values_gbp", tuple(_money(self.values_gbp, field="values_gbp").tolist()))


@dataclass(frozen=True)
class OptimismBiasAdjustment:
    """Optimism bias for an option: the upper bound, the cost lines it applies to, and its mitigation."""

    upper_bound: float
    applies_to: Sequence[str]
    contributions: Sequence[Sequence[float]] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "upper_bound", _upper_bound(self.upper_bound, field="upper_bound"))
        labels = _sequence(self.applies_to, field="applies_to", what="line labels")
        if not labels:
            raise InputError("applies_to", "must name at least one cost line")
        for i, label in enumerate(labels):
            _text(label, field=f"applies_to[{i}]")
        object.__setattr__(self, "applies_to", tuple(str(label) for label in labels))
        object.__setattr__(self, "contributions", _contributions(self.contributions, field="contributions"))

    @property
    def fraction(self) -> float:
        """The optimism bias applied, OB (see :func:`optimism_bias`)."""
        return optimism_bias(upper_bound=self.upper_bound, contributions=self.contributions)


@dataclass(frozen=True)
class Option:
    """One delivery option: a name, how many years (0 ... years - 1) and its cash-flow lines."""

    name: str
    years: int
    lines: Sequence[CashflowLine]
    optimism_bias: OptimismBiasAdjustment | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", _text(self.name, field="name"))
        years = _whole(self.years, field="years")
        object.__setattr__(self, "years", years)
        lines = tuple(_sequence(self.lines, field="lines", what="cash-flow lines"))
        if not lines:
            raise InputError("lines", "must list at least one cost or benefit line")
        seen: dict[str, int] = {}
        for j, line in enumerate(lines):
            if not isinstance(line, CashflowLine):
                raise InputError(f"lines[{j}]", f"must be a CashflowLine, got {_describe(line)}")
            if len(line.values_gbp) != years:
                raise InputError(
                    f"lines[{j}].values_gbp",
                    f"must have one value per year: years is {years}, so {years} values (year 0 to year "
                    f"{years - 1}), got {len(line.values_gbp)}",
                )
            if line.label in seen:
                raise InputError(
                    f"lines[{j}].label", f"duplicate label {line.label!r} (also lines[{seen[line.label]}])"
                )
            seen[line.label] = j
        object.__setattr__(self, "lines", lines)
        if self.optimism_bias is not None:
            self._check_optimism_bias(self.optimism_bias, seen)

    def _check_optimism_bias(self, adjustment: object, labels: dict[str, int]) -> None:
        if not isinstance(adjustment, OptimismBiasAdjustment):
            raise InputError(
                "optimism_bias", f"must be an OptimismBiasAdjustment, got {_describe(adjustment)}"
            )
        for i, label in enumerate(adjustment.applies_to):
            field = f"optimism_bias.applies_to[{i}]"
            if label not in labels:
                raise InputError(
                    field, f"no line labelled {label!r} in this option; labels are {sorted(labels)}"
                )
            j = labels[label]
            line = self.lines[j]
            if line.kind != "cost":
                raise InputError(field, f"optimism bias applies to costs, but {label!r} is a benefit line")
            negative = [t for t, value in enumerate(line.values_gbp) if value < 0]
            if negative:
                raise InputError(
                    f"lines[{j}].values_gbp[{negative[0]}]",
                    "must not be negative in a line that optimism bias applies to (the uplift would reduce "
                    "the cost): enter receipts as a separate line",
                )


# --- options: results --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinePresentValue:
    """A line's present value in year-0 real pounds, after deflating and any optimism bias."""

    label: str
    kind: str
    present_value_gbp: float


@dataclass(frozen=True)
class OptionAppraisal:
    """The appraisal of one option. Money is in real pounds at year-0 prices, discounted to year 0."""

    name: str
    years: int
    net_present_cost_gbp: float
    present_value_benefits_gbp: float
    net_present_value_gbp: float
    equivalent_annual_cost_gbp: float  # over years 0 ... n - 1 (EAC_CONVENTION)
    annuity_equivalent_annual_cost_gbp: float  # Green Book annuity over years 1 ... n
    discount_factors: tuple[float, ...]
    optimism_bias: float  # the fraction applied; 0 when none
    rank: int  # 1 = lowest net present cost
    rank_by_equivalent_annual_cost: int
    lines: tuple[LinePresentValue, ...]


@dataclass(frozen=True)
class SwitchingValue:
    """The change to one cost line (a fraction: 0.25 = +25%) at which the preferred option loses its rank.

    ``change`` is None when no change can switch the ranking; ``note`` says why, or what the change means.
    """

    option: str
    label: str
    change: float | None
    note: str


@dataclass(frozen=True)
class Appraisal:
    """Every option appraised on one discount schedule, ranked, with switching values for each cost line."""

    schedule: Schedule
    options: tuple[OptionAppraisal, ...]
    preferred: str  # the option with the lowest net present cost (ties go to the first listed)
    switching_values: tuple[SwitchingValue, ...]
    eac_convention: str = EAC_CONVENTION

    def option(self, name: str) -> OptionAppraisal:
        """The result for the option called ``name``."""
        return self.options[_option_position(self, name)]


def rank_lowest_first(values: Sequence[float]) -> tuple[int, ...]:
    """Rank of each value, 1 for the lowest; equal values are ranked in the order given.

    >>> rank_lowest_first([300.0, 100.0, 200.0, 100.0])
    (4, 1, 3, 2)
    """
    numbers = [_number(v, field=f"values[{i}]") for i, v in enumerate(values)]
    order = sorted(range(len(numbers)), key=lambda i: (numbers[i], i))
    ranks = [0] * len(numbers)
    for rank, i in enumerate(order, start=1):
        ranks[i] = rank
    return tuple(ranks)


def _deflator_for(options: Sequence[Option], deflator: Deflator | None, years: int) -> FloatArray:
    """Price index for the longest option, checking that every nominal line has a deflator that covers it."""
    nominal = [
        (i, j, option, line)
        for i, option in enumerate(options)
        for j, line in enumerate(option.lines)
        if line.prices == "nominal"
    ]
    if deflator is None:
        if nominal:
            i, j, _, line = nominal[0]
            raise InputError(
                "deflator",
                f"is needed because options[{i}].lines[{j}] ({line.label!r}) has nominal prices: give a GDP "
                "deflator rate such as 0.02, or one rate per year, or enter real prices",
            )
        return np.ones(years)
    longest = max((option for _, _, option, _ in nominal), key=lambda option: option.years, default=None)
    needed = longest.years if longest else 1
    needed_by = f"option {longest.name!r}, which has nominal prices over {needed} years" if longest else ""
    rates = _deflator_rates(deflator, years=needed, needed_by=needed_by)
    index = np.ones(years)
    index[1:needed] = np.cumprod(1.0 + rates)
    return index


def _appraise_one(
    option: Option, factors: FloatArray, index: FloatArray
) -> tuple[float, float, float, float, float, tuple[LinePresentValue, ...]]:
    n = option.years
    discount = factors[:n]
    adjustment = option.optimism_bias
    uplift = adjustment.fraction if adjustment else 0.0
    uplifted = set(adjustment.applies_to) if adjustment else set()
    lines = []
    for line in option.lines:
        values = np.asarray(line.values_gbp, dtype=np.float64)
        if line.prices == "nominal":
            values = values / index[:n]
        if line.label in uplifted:
            values = values * (1.0 + uplift)
        lines.append(LinePresentValue(line.label, line.kind, float(values @ discount)))
    npc = math.fsum(line.present_value_gbp for line in lines if line.kind == "cost")
    benefits = math.fsum(line.present_value_gbp for line in lines if line.kind == "benefit")
    eac = npc / float(discount.sum())
    annuity = npc / float(factors[1 : n + 1].sum())
    return npc, benefits, eac, annuity, uplift, tuple(lines)


def appraise_options(
    options: Sequence[Option], *, schedule: Schedule = STANDARD, deflator: Deflator | None = None
) -> Appraisal:
    """Appraise delivery options: NPC, PV of benefits, NPV, EAC, ranks, preferred option, switching values.

    For each option: nominal lines are deflated to year-0 prices (``deflator`` is required if any line is
    nominal), optimism bias uplifts the named cost lines, then NPC = sum of cost-line PVs,
    NPV = PV(benefits) - NPC and EAC = NPC / sum_{t=0}^{n-1} DF_t. Rank 1 is the lowest NPC and is the
    preferred option. Switching values are described in :func:`switching_values`.

    Source: HM Treasury, The Green Book (2022), chapter 5 and Annex A6; Supplementary Green Book Guidance:
    Optimism Bias (2003).

    >>> in_house = Option("In-house", 2, [CashflowLine("Staff", "cost", "real", [100, 100])])
    >>> outsourced = Option("Outsourced", 2, [CashflowLine("Contract", "cost", "real", [90, 115])])
    >>> result = appraise_options([in_house, outsourced], schedule=0.1)
    >>> result.preferred, round(result.option("Outsourced").net_present_cost_gbp, 2)
    ('In-house', 194.55)
    """
    chosen = _schedule(schedule)
    items = _sequence(options, field="options", what="options")
    if not items:
        raise InputError("options", "must list at least one option")
    names: dict[str, int] = {}
    for i, option in enumerate(items):
        if not isinstance(option, Option):
            raise InputError(f"options[{i}]", f"must be an Option, got {_describe(option)}")
        if option.name in names:
            raise InputError(
                f"options[{i}].name",
                f"duplicate option name {option.name!r} (also options[{names[option.name]}])",
            )
        names[option.name] = i
    checked = [option for option in items if isinstance(option, Option)]
    longest = max(option.years for option in checked)
    factors = _factors(longest + 1, chosen)
    index = _deflator_for(checked, deflator, longest)
    figures = [_appraise_one(option, factors, index) for option in checked]
    npc_ranks = rank_lowest_first([f[0] for f in figures])
    eac_ranks = rank_lowest_first([f[2] for f in figures])
    results = tuple(
        OptionAppraisal(
            name=option.name,
            years=option.years,
            net_present_cost_gbp=npc,
            present_value_benefits_gbp=benefits,
            net_present_value_gbp=benefits - npc,
            equivalent_annual_cost_gbp=eac,
            annuity_equivalent_annual_cost_gbp=annuity,
            discount_factors=tuple(factors[: option.years].tolist()),
            optimism_bias=uplift,
            rank=npc_rank,
            rank_by_equivalent_annual_cost=eac_rank,
            lines=lines,
        )
        for option, (npc, benefits, eac, annuity, uplift, lines), npc_rank, eac_rank in zip(
            checked, figures, npc_ranks, eac_ranks, strict=True
        )
    )
    preferred = results[npc_ranks.index(1)].name
    return Appraisal(
        schedule=chosen, options=results, preferred=preferred, switching_values=_switching_values(results)
    )


# --- sensitivity and switching values ----------------------------------------------------------------------


def _option_position(appraisal: Appraisal, name: str) -> int:
    for i, option in enumerate(appraisal.options):
        if option.name == name:
            return i
    raise InputError(
        "option", f"no option called {name!r}; options are {[o.name for o in appraisal.options]}"
    )


def _cost_line_position(appraisal: Appraisal, option: str, label: str) -> tuple[int, int]:
    i = _option_position(appraisal, option)
    for j, line in enumerate(appraisal.options[i].lines):
        if line.label == label:
            if line.kind != "cost":
                raise InputError("label", f"{label!r} is a benefit line; sensitivity here is on cost lines")
            return i, j
    labels = [line.label for line in appraisal.options[i].lines]
    raise InputError("label", f"no line labelled {label!r} in option {option!r}; labels are {labels}")


def _switching_values(results: Sequence[OptionAppraisal]) -> tuple[SwitchingValue, ...]:
    npcs = [r.net_present_cost_gbp for r in results]
    preferred = next(i for i, r in enumerate(results) if r.rank == 1)
    others = [npc for i, npc in enumerate(npcs) if i != preferred]
    runner_up = min(others) if others else None
    values = []
    for i, result in enumerate(results):
        for line in result.lines:
            if line.kind != "cost":
                continue
            pv = line.present_value_gbp
            change: float | None = None
            if runner_up is None:
                note = "there is only one option, so no change can alter the ranking"
            elif pv == 0:
                note = "the line's present value is zero, so no change to it moves the net present cost"
            else:
                target = runner_up if i == preferred else npcs[preferred]
                change = (target - npcs[i]) / pv
                whom = "the runner-up" if i == preferred else "the preferred option"
                if change < -1:
                    note = f"only a cut of {-change:.0%} (more than the whole line) would make it tie {whom}"
                    change = None
                else:
                    note = f"at this change the option ties {whom} on net present cost"
            values.append(SwitchingValue(result.name, line.label, change, note))
    return tuple(values)


def switching_values(appraisal: Appraisal) -> tuple[SwitchingValue, ...]:
    """Switching value of every cost line: the fractional change that makes the preferred option lose rank 1.

    NPC is linear in each line's scale, so the value is closed-form. With P the preferred option, R the
    runner-up (next lowest NPC) and PV_l the line's present value:

    * a line of P: x = (NPC_R - NPC_P) / PV_l, the increase at which P ties R;
    * a line of another option j: x = (NPC_P - NPC_j) / PV_l, the decrease at which j ties P.

    ``change`` is None, with a note saying why, when PV_l is zero, when there is one option, or when the
    change would be a cut of more than 100% (x < -1).

    Source: HM Treasury, The Green Book (2022), chapter 5 (sensitivity analysis and switching values).

    >>> a = Option("A", 1, [CashflowLine("Staff", "cost", "real", [100])])
    >>> b = Option("B", 1, [CashflowLine("Fee", "cost", "real", [120])])
    >>> [(s.option, s.change) for s in switching_values(appraise_options([a, b]))]
    [('A', 0.2), ('B', -0.16666666666666666)]
    """
    return _switching_values(appraisal.options)


@dataclass(frozen=True)
class Sensitivity:
    """One option's net present cost with one cost line scaled by (1 + change), and who is then preferred."""

    option: str
    label: str
    change: float
    net_present_cost_gbp: float
    preferred: str


def sensitivity(appraisal: Appraisal, *, option: str, label: str, change: float) -> Sensitivity:
    """One-way sensitivity: scale one cost line of one option by (1 + change) and recompute the ranking.

    NPC'_i = NPC_i + change x PV_l, exactly what a full re-appraisal gives, because every step (deflating,
    optimism bias, discounting) is linear in the line's values. ``change`` runs from -1 (remove the line).

    >>> a = Option("A", 1, [CashflowLine("Staff", "cost", "real", [100])])
    >>> b = Option("B", 1, [CashflowLine("Fee", "cost", "real", [120])])
    >>> sensitivity(appraise_options([a, b]), option="A", label="Staff", change=0.3).preferred
    'B'
    """
    i, j = _cost_line_position(appraisal, option, label)
    x = _change(change)
    npcs = [o.net_present_cost_gbp for o in appraisal.options]
    npcs[i] += x * appraisal.options[i].lines[j].present_value_gbp
    preferred = appraisal.options[rank_lowest_first(npcs).index(1)].name
    return Sensitivity(option, label, x, npcs[i], preferred)


def scale_line(option: Option, *, label: str, change: float) -> Option:
    """A copy of ``option`` with one line's values multiplied by (1 + change), for a full re-appraisal.

    >>> a = Option("A", 2, [CashflowLine("Staff", "cost", "real", [100, 50])])
    >>> scale_line(a, label="Staff", change=-0.5).lines[0].values_gbp
    (50.0, 25.0)
    """
    x = _change(change)
    if label not in [line.label for line in option.lines]:
        raise InputError("label", f"no line labelled {label!r} in option {option.name!r}")
    lines = [
        CashflowLine(line.label, line.kind, line.prices, [v * (1 + x) for v in line.values_gbp])
        if line.label == label
        else line
        for line in option.lines
    ]
    return Option(option.name, option.years, lines, option.optimism_bias)


def cost_line_present_values(appraisal: Appraisal) -> FloatArray:
    """Matrix [option, line] of each line's PV that counts towards NPC (0 for benefit lines and padding)."""
    width = max(len(o.lines) for o in appraisal.options)
    matrix = np.zeros((len(appraisal.options), width))
    for i, option in enumerate(appraisal.options):
        for j, line in enumerate(option.lines):
            if line.kind == "cost":
                matrix[i, j] = line.present_value_gbp
    return matrix


@dataclass(frozen=True)
class BatchSensitivity:
    """Results of many one-way changes, one entry per (option, line, change) triple."""

    net_present_cost_gbp: FloatArray  # the changed option's NPC
    preferred_index: IntArray  # position in ``appraisal.options`` of the option then preferred


def _index_array(value: object, *, field: str) -> IntArray:
    array = np.asarray(value)
    if array.ndim != 1 or array.dtype.kind not in "iu":
        raise InputError(field, "must be a one-dimensional array of whole numbers")
    return array.astype(np.intp)


def batch_sensitivity(
    appraisal: Appraisal,
    *,
    option_index: Sequence[int] | IntArray,
    line_index: Sequence[int] | IntArray,
    change: Sequence[float] | FloatArray,
) -> BatchSensitivity:
    """Many one-way sensitivities at once, vectorised: entry e scales line ``line_index[e]`` of option
    ``option_index[e]`` (positions in ``appraisal.options`` and its ``lines``) by (1 + ``change[e]``).

    NPC'_e = NPC_o + change_e x PV_{o,l}; the preferred option after each change is the lowest NPC with ties
    going to the first listed, as in :func:`sensitivity`. Benefit lines have no effect on NPC. Memory is
    one float per (evaluation, option).

    >>> a = Option("A", 1, [CashflowLine("Staff", "cost", "real", [100])])
    >>> b = Option("B", 1, [CashflowLine("Fee", "cost", "real", [120])])
    >>> appraisal = appraise_options([a, b])
    >>> out = batch_sensitivity(appraisal, option_index=[0, 0], line_index=[0, 0], change=[0.1, 0.3])
    >>> out.net_present_cost_gbp.tolist(), out.preferred_index.tolist()
    ([110.0, 130.0], [0, 1])
    """
    options = _index_array(option_index, field="option_index")
    lines = _index_array(line_index, field="line_index")
    try:
        changes = np.asarray(change, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError("change", "must be an array of numbers") from None
    if not (options.shape == lines.shape == changes.shape):
        raise InputError("change", "option_index, line_index and change must have the same length")
    line_counts = np.array([len(o.lines) for o in appraisal.options])
    if options.size and (options.min() < 0 or options.max() >= line_counts.size):
        raise InputError("option_index", f"must be from 0 to {line_counts.size - 1}")
    if options.size and (np.any(lines < 0) or np.any(lines >= line_counts[options])):
        raise InputError("line_index", "must name a line that the option has")
    if not np.all(np.isfinite(changes)) or np.any(changes < -1) or np.any(changes > MAX_CHANGE):
        raise InputError("change", f"every change must be between -1 and {MAX_CHANGE:g}")
    base = np.array([o.net_present_cost_gbp for o in appraisal.options])
    changed = base[options] + changes * cost_line_present_values(appraisal)[options, lines]
    every = np.repeat(base[np.newaxis, :], options.size, axis=0)
    every[np.arange(options.size), options] = changed
    return BatchSensitivity(net_present_cost_gbp=changed, preferred_index=every.argmin(axis=1))


@dataclass(frozen=True)
class TornadoBar:
    """One bar of a tornado chart: the option's NPC with a cost line cut and raised by the same fraction."""

    label: str
    npc_at_decrease_gbp: float
    npc_at_increase_gbp: float
    swing_gbp: float  # |increase - decrease| = 2 x change x |PV of the line|


def tornado(appraisal: Appraisal, *, option: str, change: float = 0.1) -> tuple[TornadoBar, ...]:
    """NPC swing of each cost line of one option at -change and +change, widest swing first.

    >>> lines = [CashflowLine("Staff", "cost", "real", [100]), CashflowLine("IT", "cost", "real", [300])]
    >>> a = Option("A", 1, lines)
    >>> [(bar.label, bar.swing_gbp) for bar in tornado(appraise_options([a]), option="A", change=0.1)]
    [('IT', 60.0), ('Staff', 20.0)]
    """
    i = _option_position(appraisal, option)
    x = _change(change)
    if x <= 0 or x > 1:
        raise InputError("change", f"must be more than 0 and at most 1 (100%), got {x:g}")
    result = appraisal.options[i]
    npc = result.net_present_cost_gbp
    bars = [
        TornadoBar(
            line.label,
            npc - x * line.present_value_gbp,
            npc + x * line.present_value_gbp,
            2 * x * abs(line.present_value_gbp),
        )
        for line in result.lines
        if line.kind == "cost"
    ]
    return tuple(sorted(bars, key=lambda bar: -bar.swing_gbp))


# --- affordability and contract length ---------------------------------------------------------------------


@dataclass(frozen=True)
class Affordability:
    """Yearly headroom (budget - charge, year 0 first) in the budget's price base, and the years short."""

    price_base: str
    headroom_gbp: tuple[float, ...]
    breach_years: tuple[int, ...]

    @property
    def affordable(self) -> bool:
        return not self.breach_years


def affordability(
    annual_charges_gbp: Sequence[float] | FloatArray,
    *,
    budget_gbp: float | Sequence[float] | FloatArray,
    charges_prices: Literal["real", "nominal"] = "nominal",
    budget_prices: Literal["real", "nominal"] = "nominal",
    deflator: Deflator | None = None,
) -> Affordability:
    """Yearly headroom against a budget: headroom_t = budget_t - charge_t for years 0, 1, ...

    The charges are first put into the budget's price base (real = nominal / prod(1 + g_k)); the breach
    years are those with negative headroom.

    A budget is usually a cash (nominal) envelope; when charges and budget are in different price bases a
    ``deflator`` is required. ``budget_gbp`` is one figure for every year or one per year.

    >>> affordability([90, 100, 110], budget_gbp=100).breach_years
    (2,)
    """
    charges = _money(annual_charges_gbp, field="annual_charges_gbp")
    years = _span(charges, field="annual_charges_gbp")
    charge_base = _word(charges_prices, PRICE_BASES, field="charges_prices")
    budget_base = _word(budget_prices, PRICE_BASES, field="budget_prices")
    if isinstance(budget_gbp, Sequence | np.ndarray) and not isinstance(budget_gbp, str):
        budget = _money(budget_gbp, field="budget_gbp")
        if budget.size != years:
            raise InputError(
                "budget_gbp", f"must have one figure per year of charges ({years}), got {budget.size}"
            )
    else:
        budget = np.full(years, _money([budget_gbp], field="budget_gbp")[0])
    if charge_base != budget_base:
        if deflator is None:
            raise InputError(
                "deflator", f"is needed to compare {charge_base} charges with a {budget_base} budget"
            )
        index = price_index(years, deflator=deflator)
        charges = charges / index if budget_base == "real" else charges * index
    headroom = budget - charges
    breaches = tuple(int(t) for t in np.flatnonzero(headroom < -_SHORTFALL_TOLERANCE_GBP))
    return Affordability(budget_base, tuple(headroom.tolist()), breaches)


@dataclass(frozen=True)
class ContractLengthCost:
    """NPC and EAC of one contract length, in real year-0 pounds."""

    years: int
    net_present_cost_gbp: float
    equivalent_annual_cost_gbp: float


def equivalent_annual_cost_by_length(
    annual_cost_gbp: Sequence[float] | FloatArray | Callable[[int], Sequence[float] | FloatArray],
    *,
    lengths: Sequence[int],
    schedule: Schedule = STANDARD,
) -> tuple[ContractLengthCost, ...]:
    """EAC of one option at several contract lengths, so lengths of 7, 10, 12 or 15 years can be compared.

    ``annual_cost_gbp`` is a real cost profile from year 0 (a length-n contract uses its first n years) or a
    function ``profile(n)`` returning the n yearly costs of a length-n contract (to include, say, a
    re-procurement cost in its last year). EAC_n = NPC_n / sum_{t=0}^{n-1} DF_t.

    >>> costs = [500] + [100] * 14
    >>> by_length = equivalent_annual_cost_by_length(costs, lengths=[7, 15])
    >>> [(c.years, round(c.equivalent_annual_cost_gbp, 1)) for c in by_length]
    [(7, 163.2), (15, 133.6)]
    """
    items = _sequence(lengths, field="lengths", what="contract lengths in years")
    if not items:
        raise InputError("lengths", "must list at least one contract length")
    chosen = _schedule(schedule)
    wanted = [_whole(n, field=f"lengths[{k}]") for k, n in enumerate(items)]
    factors = _factors(max(wanted), chosen)
    if callable(annual_cost_gbp):
        profiles = [(n, _money(annual_cost_gbp(n), field=f"annual_cost_gbp({n})")) for n in wanted]
        for n, costs in profiles:
            if costs.size != n:
                raise InputError(f"annual_cost_gbp({n})", f"must return {n} yearly costs, got {costs.size}")
    else:
        profile = _money(annual_cost_gbp, field="annual_cost_gbp")
        if profile.size < max(wanted):
            raise InputError(
                "annual_cost_gbp",
                f"has {profile.size} years of costs but the longest length asked for is {max(wanted)}",
            )
        profiles = [(n, profile[:n]) for n in wanted]
    results = []
    for n, costs in profiles:
        npc = float(costs @ factors[:n])
        results.append(ContractLengthCost(n, npc, npc / float(factors[:n].sum())))
    return tuple(results)
