"""The cost to the council of ending a partnership in each contract year, by each way of ending.

The framework asks councils to "assess the risks associated with exiting the SSP at different points"
(Audit Commission, *For better, for worse*, risk management, initiation). For an exit at the **end of contract
year t** (t = 1 … term) by route k, the cost to the council is

    net cost(k, t) = compensation(k, t)                         contractual compensation, from the contract's
                                                                 schedule for that route and year
                   + share(k) × unamortised investment(t)       the partner's investment not yet written off
                   + TUPE + redundancy                          staff costs (one-off)
                   + transition + re-procurement                 one-off costs of moving the services
                   − charges saved(t)                            the charges no longer paid for the years left
                   + replacement cost(t)                         running the services another way for them

with, for n = term − t remaining years and a discount rate r,

    unamortised investment(t) = investment × max(0, 1 − t / amortisation years)   (straight line)
    charges saved(t)          = annual charge           × A(n, r)
    replacement cost(t)       = replacement annual cost × A(n, r)
    A(n, r)                   = Σ_{j=1..n} 1 / (1 + r)^j      (= n when r = 0: undiscounted)

**Timing convention.** Every figure is in pounds at the date of exit (the end of year t), in real terms:
one-off costs and compensation fall at the exit date and are not discounted; the charges no longer paid
and the replacement costs fall at the end of each remaining year and are discounted back to the exit date
at r. With r = 0 (the default) nothing is discounted and the figures add up as they stand. Figures for
different exit years are not discounted to a common date, so they show "what it would cost if we left
then", not a present value today.

**Routes.** Expiry can happen only at the end of the term (t = term); the break clause only at the end of
the years listed in ``break_years``. In other years those routes are not available and have no figures.
Compensation entries not given count as zero; a negative compensation is money paid to the council (for
example damages on partner default).

Sources: Audit Commission (2008) *For better, for worse*; HM Treasury (2007) *Standardisation of PFI
Contracts* version 4, chapter 21 (compensation on termination); HM Treasury *Green Book* for discounting.
Money is in pounds as float; bad input raises :class:`~forbetter.calc.errors.InputError` naming the field.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, get_args

from forbetter.calc.errors import InputError

Route = Literal[
    "council_voluntary_termination",
    "partner_default",
    "council_default",
    "force_majeure",
    "break_clause",
    "expiry",
]
ROUTES: tuple[str, ...] = get_args(Route)
MAX_TERM_YEARS = 50


def _number(value: object, *, field: str, negative: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(field, f"must be a number; got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise InputError(field, f"must be a finite number; got {number}")
    if not negative and number < 0:
        raise InputError(field, f"must not be negative; got {number}")
    return number


def _whole(value: object, *, field: str, lowest: int, highest: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InputError(field, f"must be a whole number; got {value!r}")
    if not lowest <= int(value) <= highest:
        raise InputError(field, f"must be from {lowest} to {highest}; got {value}")
    return int(value)


def unamortised_investment_gbp(*, investment_gbp: float, amortisation_years: int, year: int) -> float:
    """The part of the partner's investment not yet written off at the end of contract year ``year``.

    Straight-line amortisation: investment × max(0, 1 − year / amortisation years).

    >>> unamortised_investment_gbp(investment_gbp=10_000_000, amortisation_years=8, year=2)
    7500000.0
    >>> unamortised_investment_gbp(investment_gbp=10_000_000, amortisation_years=8, year=9)
    0.0
    """
    investment = _number(investment_gbp, field="partner_investment_gbp")
    years = _whole(amortisation_years, field="amortisation_years", lowest=1, highest=MAX_TERM_YEARS)
    elapsed = _whole(year, field="year", lowest=0, highest=MAX_TERM_YEARS)
    return investment * max(0.0, 1.0 - elapsed / years)


def annuity_factor(*, years: int, rate: float) -> float:
    """A(n, r) = Σ_{j=1..n} 1 / (1 + r)^j: the value at the start of £1 paid at the end of each of n years.

    With r = 0 it is n (undiscounted); with n = 0 it is 0.

    >>> annuity_factor(years=3, rate=0.0)
    3.0
    >>> round(annuity_factor(years=2, rate=0.035), 6)
    1.899694
    """
    count = _whole(years, field="years", lowest=0, highest=MAX_TERM_YEARS)
    r = _number(rate, field="discount_rate")
    if r >= 1:
        raise InputError("discount_rate", f"must be a fraction below 1 (0.035 for 3.5%); got {r}")
    return float(sum((1.0 + r) ** -j for j in range(1, count + 1)))


@dataclass(frozen=True, kw_only=True)
class ExitCostInputs:
    """Everything the exit-cost table needs; money in pounds, fractions of 1.

    ``compensation_gbp[route][year]`` is the contractual compensation for ending by ``route`` at the end of
    ``year``; ``investment_share[route]`` the fraction of the unamortised investment the council pays on
    that route (missing routes pay none).
    """

    term_years: int
    annual_charge_gbp: float
    replacement_annual_cost_gbp: float = 0.0
    partner_investment_gbp: float = 0.0
    amortisation_years: int = 1
    tupe_costs_gbp: float = 0.0
    redundancy_costs_gbp: float = 0.0
    transition_costs_gbp: float = 0.0
    reprocurement_costs_gbp: float = 0.0
    discount_rate: float = 0.0
    break_years: Sequence[int] = ()
    compensation_gbp: Mapping[str, Mapping[int, float]] = field(default_factory=dict)
    investment_share: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        term = _whole(self.term_years, field="term_years", lowest=1, highest=MAX_TERM_YEARS)
        for name in (
            "annual_charge_gbp",
            "replacement_annual_cost_gbp",
            "partner_investment_gbp",
            "tupe_costs_gbp",
            "redundancy_costs_gbp",
            "transition_costs_gbp",
            "reprocurement_costs_gbp",
        ):
            _number(getattr(self, name), field=name)
        _whole(self.amortisation_years, field="amortisation_years", lowest=1, highest=MAX_TERM_YEARS)
        rate = _number(self.discount_rate, field="discount_rate")
        if rate >= 1:
            raise InputError("discount_rate", f"must be a fraction below 1 (0.035 for 3.5%); got {rate}")
        for index, year in enumerate(self.break_years):
            if term == 1:
                raise InputError(f"break_years[{index}]", "a one-year contract has no break before expiry")
            _whole(year, field=f"break_years[{index}]", lowest=1, highest=term - 1)
        if len(set(self.break_years)) != len(self.break_years):
            raise InputError("break_years", "each year may be listed only once")
        for route, schedule in self.compensation_gbp.items():
            if route not in ROUTES:
                raise InputError(
                    "compensation_gbp", f"unknown route {route!r}; use one of {', '.join(ROUTES)}"
                )
            for year, amount in schedule.items():
                _whole(year, field=f"compensation_gbp.{route}.year", lowest=1, highest=term)
                _number(amount, field=f"compensation_gbp.{route}.{year}", negative=True)
        for route, share in self.investment_share.items():
            if route not in ROUTES:
                raise InputError(
                    "investment_share", f"unknown route {route!r}; use one of {', '.join(ROUTES)}"
                )
            value = _number(share, field=f"investment_share.{route}")
            if value > 1:
                raise InputError(
                    f"investment_share.{route}", f"must be from 0 to 1 (a fraction); got {value}"
                )


@dataclass(frozen=True)
class ExitCost:
    """The cost to the council of ending by ``route`` at the end of ``year``, line by line, in pounds.

    ``available`` is False when the route cannot be used in that year (expiry before the end of the term,
    the break clause outside its break years); every amount is then 0 and ``net_cost_gbp`` is None.
    """

    route: str
    year: int
    available: bool
    compensation_gbp: float = 0.0
    investment_gbp: float = 0.0
    staff_costs_gbp: float = 0.0
    transition_costs_gbp: float = 0.0
    charges_saved_gbp: float = 0.0
    replacement_costs_gbp: float = 0.0
    net_cost_gbp: float | None = None


def route_available(*, route: str, year: int, term_years: int, break_years: Sequence[int] = ()) -> bool:
    """Whether a route can end the partnership at the end of ``year``.

    Expiry only at the end of the term; the break clause only in its break years; the other routes (which
    depend on an event, not a date) in any year of the term.

    >>> [route_available(route="expiry", year=year, term_years=10) for year in (9, 10)]
    [False, True]
    >>> route_available(route="break_clause", year=5, term_years=10, break_years=[5])
    True
    """
    if route not in ROUTES:
        raise InputError("route", f"unknown route {route!r}; use one of {', '.join(ROUTES)}")
    if route == "expiry":
        return year == term_years
    if route == "break_clause":
        return year in break_years
    return 1 <= year <= term_years


def exit_cost(inputs: ExitCostInputs, *, route: str, year: int) -> ExitCost:
    """The cost to the council of ending by ``route`` at the end of contract year ``year`` (module formula).

    Worked example: a 10-year contract, £2m a year, replacement services £1.8m a year, partner investment
    £5m written off over 5 years (the council pays all of it on voluntary termination), TUPE £100k,
    redundancy £50k, transition £300k, re-procurement £250k, compensation £1m in year 3, undiscounted:

        1,000,000 + 5,000,000 × (1 − 3/5) + 150,000 + 550,000 − 2,000,000 × 7 + 1,800,000 × 7
        = 1,000,000 + 2,000,000 + 150,000 + 550,000 − 14,000,000 + 12,600,000 = 2,300,000

    >>> inputs = ExitCostInputs(
    ...     term_years=10, annual_charge_gbp=2_000_000, replacement_annual_cost_gbp=1_800_000,
    ...     partner_investment_gbp=5_000_000, amortisation_years=5, tupe_costs_gbp=100_000,
    ...     redundancy_costs_gbp=50_000, transition_costs_gbp=300_000, reprocurement_costs_gbp=250_000,
    ...     compensation_gbp={"council_voluntary_termination": {3: 1_000_000}},
    ...     investment_share={"council_voluntary_termination": 1.0},
    ... )
    >>> exit_cost(inputs, route="council_voluntary_termination", year=3).net_cost_gbp
    2300000.0
    >>> exit_cost(inputs, route="expiry", year=3).available
    False
    """
    term = inputs.term_years
    _whole(year, field="year", lowest=1, highest=term)
    if not route_available(route=route, year=year, term_years=term, break_years=inputs.break_years):
        return ExitCost(route=route, year=year, available=False)
    remaining = term - year
    factor = annuity_factor(years=remaining, rate=inputs.discount_rate)
    compensation = float(inputs.compensation_gbp.get(route, {}).get(year, 0.0))
    investment = float(inputs.investment_share.get(route, 0.0)) * unamortised_investment_gbp(
        investment_gbp=inputs.partner_investment_gbp, amortisation_years=inputs.amortisation_years, year=year
    )
    staff = float(inputs.tupe_costs_gbp) + float(inputs.redundancy_costs_gbp)
    transition = float(inputs.transition_costs_gbp) + float(inputs.reprocurement_costs_gbp)
    saved = float(inputs.annual_charge_gbp) * factor
    replacement = float(inputs.replacement_annual_cost_gbp) * factor
    return ExitCost(
        route=route,
        year=year,
        available=True,
        compensation_gbp=compensation,
        investment_gbp=investment,
        staff_costs_gbp=staff,
        transition_costs_gbp=transition,
        charges_saved_gbp=saved,
        replacement_costs_gbp=replacement,
        net_cost_gbp=compensation + investment + staff + transition - saved + replacement,
    )


def exit_cost_table(inputs: ExitCostInputs) -> dict[str, list[ExitCost]]:
    """Every route's cost for every contract year 1 … term, routes in the order of :data:`ROUTES`.

    >>> table = exit_cost_table(ExitCostInputs(term_years=3, annual_charge_gbp=100, transition_costs_gbp=50))
    >>> [cost.net_cost_gbp for cost in table["council_voluntary_termination"]]
    [-150.0, -50.0, 50.0]
    >>> [cost.net_cost_gbp for cost in table["expiry"]]
    [None, None, 50.0]
    """
    return {
        route: [exit_cost(inputs, route=route, year=year) for year in range(1, inputs.term_years + 1)]
        for route in ROUTES
    }


def costliest_exit(table: Mapping[str, Sequence[ExitCost]]) -> ExitCost | None:
    """The available exit with the highest net cost (the first such, by route order then year), if any.

    >>> costliest_exit(exit_cost_table(ExitCostInputs(term_years=2, annual_charge_gbp=10))).net_cost_gbp
    0.0
    """
    best: ExitCost | None = None
    highest = -math.inf
    for costs in table.values():
        for cost in costs:
            if cost.net_cost_gbp is not None and cost.net_cost_gbp > highest:
                best, highest = cost, cost.net_cost_gbp
    return best
