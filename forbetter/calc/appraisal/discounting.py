"""Discounting: the Green Book discount rates and factors for years 0, 1, ..., present value, net present
value, and the equivalent annual cost in both conventions (over years 0 ... n - 1, which ForBetter shows, and
the Green Book annuity over years 1 ... n). Year 0 is not discounted; money is real pounds at year-0 prices.
Source: HM Treasury, The Green Book (2022), chapter 5 and Annex A6.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from forbetter.calc.appraisal._validation import _money, _number, _schedule, _span, _whole
from forbetter.calc.appraisal.conventions import DISCOUNT_SCHEDULES, STANDARD, FloatArray, Schedule


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
