"""Affordability and contract length: yearly headroom of a charge against a budget (with charges put into
the budget's price base first, and the years in breach), and the equivalent annual cost of one option at
several contract lengths so that, say, 7, 10, 12 and 15 years can be compared. Money is pounds a year from
year 0. The module is not called ``affordability`` because that is the name of a function the package
exports.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np

from forbetter.calc.appraisal._validation import _money, _schedule, _sequence, _span, _whole, _word
from forbetter.calc.appraisal.conventions import PRICE_BASES, STANDARD, Deflator, FloatArray, Schedule
from forbetter.calc.appraisal.discounting import _factors
from forbetter.calc.appraisal.prices import price_index
from forbetter.calc.errors import InputError

_SHORTFALL_TOLERANCE_GBP = 1e-6  # headroom this close to zero is float rounding, not a breach


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


LENGTH_PRICED: Final = "priced"
LENGTH_SHORTENED: Final = "shortened"
LENGTH_EXTRAPOLATED: Final = "extrapolated"


@dataclass(frozen=True)
class ContractLengthCost:
    """NPC and EAC of one contract length, in real year-0 pounds, with how its cost profile was found."""

    years: int
    net_present_cost_gbp: float
    equivalent_annual_cost_gbp: float
    basis: str = LENGTH_PRICED  # priced, shortened or extrapolated
    note: str = ""

    @property
    def extrapolated(self) -> bool:
        return self.basis == LENGTH_EXTRAPOLATED


def length_profile(
    priced: Mapping[int, Sequence[float] | FloatArray], *, length: int
) -> tuple[FloatArray, str, str]:
    """The real yearly costs of a contract of ``length`` years from the profiles actually priced, with how
    they were found (Rule LENGTH-PRICED-PROFILE):

    * a length that was priced uses its own profile ("priced");
    * a shorter length uses the first years of the shortest longer profile ("shortened"; end-of-contract
      costs such as exit and handover stay where that profile put them, so say so);
    * a longer length repeats the longest priced profile from its year 0, as a new contract on the same
      terms, transition and procurement included ("extrapolated"). It never repeats the last year's cost:
      that would leave out the next contract's one-off costs and so favour the longest term.

    >>> profile, basis, _ = length_profile({3: [50.0, 10.0, 10.0]}, length=5)
    >>> profile.tolist(), basis
    ([50.0, 10.0, 10.0, 50.0, 10.0], 'extrapolated')
    """
    n = _whole(length, field="length")
    if not priced:
        raise InputError("priced", "must give at least one priced cost profile")
    profiles = {}
    for years, values in priced.items():
        profile = _money(values, field=f"priced[{years}]")
        if profile.size != years:
            raise InputError(f"priced[{years}]", f"must list {years} yearly costs, got {profile.size}")
        profiles[years] = profile
    if n in profiles:
        return profiles[n], LENGTH_PRICED, f"priced at {n} years"
    longer = [years for years in profiles if years > n]
    if longer:
        source = min(longer)
        return (
            profiles[source][:n],
            LENGTH_SHORTENED,
            f"the first {n} years of the {source}-year priced profile (not priced at {n} years; costs "
            f"that fall at the end of a contract stay in year {source - 1})",
        )
    source = max(profiles)
    repeats = np.resize(profiles[source], n)
    return (
        repeats,
        LENGTH_EXTRAPOLATED,
        f"extrapolated: not priced beyond {source} years, so the {source}-year profile is repeated from its "
        f"year 0 (a new contract on the same terms, its one-off costs included) to make {n} years",
    )


def equivalent_annual_cost_by_priced_length(
    priced: Mapping[int, Sequence[float] | FloatArray],
    *,
    lengths: Sequence[int],
    schedule: Schedule = STANDARD,
) -> tuple[ContractLengthCost, ...]:
    """EAC at each contract length from the profiles priced (see :func:`length_profile`), each result
    saying whether its length was priced, shortened or extrapolated. EAC_n = NPC_n / sum_{t<n} DF_t.

    >>> costs = {5: [300.0, 100.0, 100.0, 100.0, 100.0]}
    >>> [(c.years, c.basis) for c in equivalent_annual_cost_by_priced_length(costs, lengths=[3, 5, 10])]
    [(3, 'shortened'), (5, 'priced'), (10, 'extrapolated')]
    """
    items = _sequence(lengths, field="lengths", what="contract lengths in years")
    if not items:
        raise InputError("lengths", "must list at least one contract length")
    chosen = _schedule(schedule)
    wanted = [_whole(n, field=f"lengths[{k}]") for k, n in enumerate(items)]
    factors = _factors(max(wanted), chosen)
    results = []
    for n in wanted:
        costs, basis, note = length_profile(priced, length=n)
        npc = float(costs @ factors[:n])
        results.append(ContractLengthCost(n, npc, npc / float(factors[:n].sum()), basis, note))
    return tuple(results)


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
