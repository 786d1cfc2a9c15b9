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

with, for n = term − t remaining years,

    unamortised investment(t) = investment × max(0, 1 − t / amortisation years)   (straight line)
    charges saved(t)          = annual charge           × A(t, n)
    replacement cost(t)       = replacement annual cost × A(t, n)
    A(t, n)                   = Σ_{j=1..n} DF_{t+j} / DF_t   (the years left, valued at the exit date)

**Discounting (Rule EXIT-DISCOUNTED).** By default the Green Book standard schedule discounts (3.5% a year
for years 1–30, 3% for 31–75, with DF counted from the start of the contract), so the years left are worth
less than their face value; a flat rate may be given instead, or ``"none"`` for cash. Each exit's cost is
shown in three ways: **cash** (the years left at face value), **at the date of exit** (the years left
discounted back to the end of year t) and **present value** (that figure discounted to the start of the
contract, DF_t × the exit-date figure, so exits in different years compare on one date).

**Timing convention.** Figures are real pounds; one-off costs and compensation fall at the exit date; the
charges no longer paid and the replacement costs fall at the end of each remaining year.

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

from forbetter.calc.appraisal import STANDARD, discount_factors
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
EXIT_SCHEDULES: tuple[str, ...] = (STANDARD, "flat", "none")
"""How the years left are discounted: the Green Book standard schedule, a flat rate, or not at all."""


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
    that route (missing routes pay none). ``discount_schedule`` is ``"standard"`` (the Green Book schedule),
    ``"flat"`` (``discount_rate`` every year) or ``"none"`` (cash); left as None it is ``"flat"`` when a
    ``discount_rate`` above 0 is given and ``"standard"`` otherwise.
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
    discount_schedule: str | None = None
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
        chosen = self.discount_schedule
        if chosen is None:
            chosen = "flat" if rate > 0 else STANDARD
        if chosen not in EXIT_SCHEDULES:
            raise InputError(
                "discount_schedule", f"must be one of {', '.join(EXIT_SCHEDULES)}; got {chosen!r}"
            )
        object.__setattr__(self, "discount_schedule", chosen)
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
    net_cost_gbp: float | None = None  # at the date of exit, the years left discounted to it
    net_cash_gbp: float | None = None  # the years left at face value
    present_value_gbp: float | None = None  # the exit-date figure discounted to the start of the contract


def exit_discount_factors(inputs: ExitCostInputs) -> list[float]:
    """DF_0 … DF_term for the inputs' schedule, counted from the start of the contract (DF_0 = 1).

    >>> [round(f, 4) for f in exit_discount_factors(ExitCostInputs(term_years=2, annual_charge_gbp=1))]
    [1.0, 0.9662, 0.9335]
    """
    count = inputs.term_years + 1
    if inputs.discount_schedule == "none":
        return [1.0] * count
    schedule = STANDARD if inputs.discount_schedule == STANDARD else float(inputs.discount_rate)
    return [float(f) for f in discount_factors(count, schedule=schedule)]


def remaining_years_factor(factors: Sequence[float], *, year: int, term_years: int) -> float:
    """A(t, n) = Σ_{j=1..n} DF_{t+j} / DF_t: £1 at the end of each year left, valued at the exit date.

    >>> remaining_years_factor([1.0, 0.5, 0.25], year=0, term_years=2)
    0.75
    """
    return float(sum(factors[year + j] for j in range(1, term_years - year + 1)) / factors[year])


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
    redundancy £50k, transition £300k, re-procurement £250k, compensation £1m in year 3, in cash:

        1,000,000 + 5,000,000 × (1 − 3/5) + 150,000 + 550,000 − 2,000,000 × 7 + 1,800,000 × 7
        = 1,000,000 + 2,000,000 + 150,000 + 550,000 − 14,000,000 + 12,600,000 = 2,300,000

    >>> inputs = ExitCostInputs(
    ...     term_years=10, annual_charge_gbp=2_000_000, replacement_annual_cost_gbp=1_800_000,
    ...     partner_investment_gbp=5_000_000, amortisation_years=5, tupe_costs_gbp=100_000,
    ...     redundancy_costs_gbp=50_000, transition_costs_gbp=300_000, reprocurement_costs_gbp=250_000,
    ...     compensation_gbp={"council_voluntary_termination": {3: 1_000_000}},
    ...     investment_share={"council_voluntary_termination": 1.0}, discount_schedule="none",
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
    factors = exit_discount_factors(inputs)
    factor = remaining_years_factor(factors, year=year, term_years=term)
    compensation = float(inputs.compensation_gbp.get(route, {}).get(year, 0.0))
    investment = float(inputs.investment_share.get(route, 0.0)) * unamortised_investment_gbp(
        investment_gbp=inputs.partner_investment_gbp, amortisation_years=inputs.amortisation_years, year=year
    )
    staff = float(inputs.tupe_costs_gbp) + float(inputs.redundancy_costs_gbp)
    transition = float(inputs.transition_costs_gbp) + float(inputs.reprocurement_costs_gbp)
    saved = float(inputs.annual_charge_gbp) * factor
    replacement = float(inputs.replacement_annual_cost_gbp) * factor
    one_off = compensation + investment + staff + transition
    net = one_off - saved + replacement
    cash = one_off + (float(inputs.replacement_annual_cost_gbp) - float(inputs.annual_charge_gbp)) * remaining
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
        net_cost_gbp=net,
        net_cash_gbp=cash,
        present_value_gbp=net * factors[year],
    )


def exit_cost_table(inputs: ExitCostInputs) -> dict[str, list[ExitCost]]:
    """Every route's cost for every contract year 1 … term, routes in the order of :data:`ROUTES`.

    >>> table = exit_cost_table(ExitCostInputs(term_years=3, annual_charge_gbp=100, transition_costs_gbp=50,
    ...                                        discount_schedule="none"))
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


@dataclass(frozen=True)
class ExitOverlap:
    """A route whose compensation and share of the unamortised investment are both due in some years."""

    route: str
    years: tuple[int, ...]


def compensation_overlaps(inputs: ExitCostInputs) -> tuple[ExitOverlap, ...]:
    """Routes and years where contractual compensation and the partner's unamortised investment both count.

    Rule EXIT-NO-DOUBLE-COUNT: under standard PFI terms compensation on council voluntary termination or
    council default already repays the partner's outstanding financing and equity, that is, its
    unamortised investment (HM Treasury, Standardisation of PFI Contracts v4 (2007), 21.2-21.4). When a
    route has both a compensation amount and a share of the unamortised investment in a year, the same
    money may be counted twice; the page says so and names the years.

    >>> inputs = ExitCostInputs(term_years=4, annual_charge_gbp=10, partner_investment_gbp=100,
    ...     amortisation_years=4, compensation_gbp={"council_default": {1: 5, 4: 5}},
    ...     investment_share={"council_default": 1.0})
    >>> compensation_overlaps(inputs)
    (ExitOverlap(route='council_default', years=(1,)),)
    """
    overlaps = []
    for route in ROUTES:
        share = float(inputs.investment_share.get(route, 0.0))
        schedule = inputs.compensation_gbp.get(route, {})
        if share <= 0 or not schedule:
            continue
        years = tuple(
            year
            for year in sorted(schedule)
            if schedule[year] != 0
            and route_available(
                route=route, year=year, term_years=inputs.term_years, break_years=inputs.break_years
            )
            and unamortised_investment_gbp(
                investment_gbp=inputs.partner_investment_gbp,
                amortisation_years=inputs.amortisation_years,
                year=year,
            )
            > 0
        )
        if years:
            overlaps.append(ExitOverlap(route, years))
    return tuple(overlaps)
