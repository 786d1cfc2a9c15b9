"""Responsiveness to change: what a change in demand or in the bundle of services costs the council, priced
through the contract's change mechanisms (no Django).

Each service in the contract has terms the council records from the contract (:class:`ServiceTerms`): its
annual charge, the share of it that varies with demand, a tolerance band within which demand changes are
absorbed in the price, the rate at which demand beyond the band is priced, and what withdrawing it costs
(notice and compensation). A scenario applies one change from a given year and compares the cost, year by
year, with no change.

==================  =========================================================================================
rule                what it says
==================  =========================================================================================
RESP-DEMAND         a demand change within the tolerance band costs nothing; beyond it, the variable part of
                    the charge (charge x variable share) moves by the excess (the change less the band) times
                    the increase rate (demand up) or the decrease rate (demand down); 1 is pro rata
RESP-WITHDRAW       a withdrawn service is paid for through its notice period, then stops; the council pays
                    compensation (a share of the lost annual charge plus any fixed sum) once, in the year of
                    withdrawal, and any cost of running the service itself from when the charge stops
RESP-ADD            an added service costs its estimated cost of delivery plus the contract's margin (price
                    basis "cost plus margin"), or the partner's quoted price as it stands (basis "quoted")
RESP-POLICY         a policy change's estimated annual cost is shared: the council pays its share, the partner
                    absorbs the rest
RESP-COMPARE        the cost with no change is the sum of the services' annual charges every year (real terms,
                    no indexation); the change applies from its first year; difference = with less without
==================  =========================================================================================

Money is ``Decimal`` pounds; shares, bands, rates and demand changes are fractions (0.15 is 15%). Years are
counted 1, 2, ... from the scenario's first year; a change takes effect at the start of its year. The rules
are exact; a scenario's yearly costs are rounded half up to the penny, and explanation lines to the pound.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from forbetter.calc.errors import InputError

ZERO = Decimal(0)
ONE = Decimal(1)
TWELVE = Decimal(12)
PENNY = Decimal("0.01")
MAX_YEARS = 30
MAX_DEMAND_RISE = Decimal(5)
PRICE_BASES = ("cost_plus", "quoted")


def pounds(amount: Decimal) -> str:
    """Pounds in words for an explanation line, rounded half up to the pound; negatives with a minus sign.

    >>> pounds(Decimal("1234567.5")), pounds(Decimal("-300")), pounds(Decimal("-0.4"))
    ('£1,234,568', '−£300', '£0')
    """
    whole = amount.quantize(ONE, rounding=ROUND_HALF_UP)
    if whole == 0:
        return "£0"
    return f"−£{-whole:,}" if whole < 0 else f"£{whole:,}"


def share(fraction: Decimal) -> str:
    """A fraction as a percentage for an explanation line: 0.15 -> '15%', 0.125 -> '12.5%'.

    >>> share(Decimal("0.15")), share(Decimal("0.125")), share(Decimal("1"))
    ('15%', '12.5%', '100%')
    """
    text = f"{(fraction * 100).normalize():f}"
    return f"{text}%"


@dataclass(frozen=True)
class ServiceTerms:
    """One service's change mechanisms as the contract sets them."""

    name: str
    annual_charge_gbp: Decimal
    variable_share: Decimal = ZERO
    """The share of the annual charge that varies with demand."""
    tolerance_band: Decimal = ZERO
    """Demand changes up to this fraction either way are absorbed in the price."""
    increase_rate: Decimal = ONE
    """Each point of demand above the band is priced at this multiple of pro rata (1: pro rata)."""
    decrease_rate: Decimal = ONE
    """Each point of demand below the band is credited at this multiple of pro rata."""
    notice_months: int = 0
    compensation_share: Decimal = ZERO
    """Compensation on withdrawal, as a share of the lost annual charge."""
    compensation_fixed_gbp: Decimal = ZERO

    def check(self) -> None:
        """Refuse terms no contract could hold, naming the field."""
        if self.annual_charge_gbp < 0:
            raise InputError("annual_charge_gbp", f"the annual charge of {self.name} cannot be negative")
        for field in ("variable_share", "tolerance_band", "compensation_share"):
            value = getattr(self, field)
            if not ZERO <= value <= ONE:
                raise InputError(field, f"must be a fraction between 0 and 1, not {value}")
        for field in ("increase_rate", "decrease_rate"):
            value = getattr(self, field)
            if not ZERO <= value <= MAX_DEMAND_RISE:
                raise InputError(field, f"must be between 0 and 5 (1 is pro rata), not {value}")
        if self.notice_months < 0:
            raise InputError("notice_months", "the notice period cannot be negative")
        if self.compensation_fixed_gbp < 0:
            raise InputError("compensation_fixed_gbp", "the fixed compensation cannot be negative")


@dataclass(frozen=True)
class DemandChange:
    """Demand for one service moves by ``change`` (0.15: up 15%; -0.10: down 10%)."""

    service: str
    change: Decimal


@dataclass(frozen=True)
class Withdrawal:
    """One service is withdrawn from the contract; ``in_house_annual_cost_gbp`` is what the council would
    spend
    running it itself (0 if the service simply stops, or someone else's budget pays)."""

    service: str
    in_house_annual_cost_gbp: Decimal = ZERO


@dataclass(frozen=True)
class AddedService:
    """A service added to the bundle, priced on the contract's basis for new services."""

    name: str
    cost_gbp: Decimal
    """Estimated annual cost of delivering it (basis ``cost_plus``), or the partner's quoted annual price
    (basis ``quoted``)."""
    price_basis: str = "cost_plus"
    margin: Decimal = ZERO


@dataclass(frozen=True)
class PolicyChange:
    """A change of policy (a new standard, a new duty) with an estimated annual cost the contract shares."""

    annual_cost_gbp: Decimal
    council_share: Decimal


Change = DemandChange | Withdrawal | AddedService | PolicyChange


@dataclass(frozen=True)
class YearCost:
    year: int
    without_change_gbp: Decimal
    with_change_gbp: Decimal

    @property
    def difference_gbp(self) -> Decimal:
        return self.with_change_gbp - self.without_change_gbp


@dataclass(frozen=True)
class PricedScenario:
    years: tuple[YearCost, ...]
    lines: tuple[str, ...]
    """Why the cost moves, in plain words, one step a line."""

    @property
    def total_without_gbp(self) -> Decimal:
        return sum((year.without_change_gbp for year in self.years), ZERO)

    @property
    def total_with_gbp(self) -> Decimal:
        return sum((year.with_change_gbp for year in self.years), ZERO)

    @property
    def total_difference_gbp(self) -> Decimal:
        return self.total_with_gbp - self.total_without_gbp


# ------------------------------------------------------------------------------------------------------
# The rules, one function each
# ------------------------------------------------------------------------------------------------------


def demand_change_price(terms: ServiceTerms, change: Decimal) -> tuple[Decimal, list[str]]:
    """Rule RESP-DEMAND: the change in a service's annual charge when its demand moves by ``change``.

    excess = max(0, |change| - band); variable = charge x variable share;
    price change = + variable x excess x increase rate (demand up),
                   - variable x excess x decrease rate (demand down).

    Worked example: a £1,000,000 charge, 60% of it variable, a 5% band, demand up 15%, increase rate 1: the
    excess is 10%, so the charge rises by £600,000 x 10% x 1 = £60,000 a year.

    >>> terms = ServiceTerms("Highways", Decimal(1_000_000), Decimal("0.6"), Decimal("0.05"))
    >>> demand_change_price(terms, Decimal("0.15"))[0]
    Decimal('60000.000')
    >>> demand_change_price(terms, Decimal("-0.04"))[0]
    Decimal('0')
    """
    terms.check()
    if change < -ONE:
        raise InputError("change", "demand cannot fall by more than 100%")
    if change > MAX_DEMAND_RISE:
        raise InputError("change", "demand rising by more than 500% is not a change the contract prices")
    direction = "up" if change > 0 else "down"
    size = abs(change)
    lines = [f"Demand for {terms.name} goes {direction} {share(size)}."]
    if size <= terms.tolerance_band:
        lines.append(
            f"That is within the {share(terms.tolerance_band)} tolerance band, so the contract absorbs it: "
            "the charge does not change."
        )
        return ZERO, lines
    excess = size - terms.tolerance_band
    variable = terms.annual_charge_gbp * terms.variable_share
    rate = terms.increase_rate if change > 0 else terms.decrease_rate
    moved = variable * excess * rate
    lines.append(
        f"Beyond the {share(terms.tolerance_band)} tolerance band the excess is {share(excess)}. "
        f"{share(terms.variable_share)} of the {pounds(terms.annual_charge_gbp)} annual charge varies with "
        f"demand ({pounds(variable)})."
    )
    lines.append(
        f"The charge {'rises' if change > 0 else 'falls'} by {pounds(variable)} × {share(excess)} × "
        f"{rate.normalize():f} ({'increase' if change > 0 else 'decrease'} rate) = {pounds(moved)} a year."
    )
    return (moved if change > 0 else -moved), lines


def withdrawal_year_cost(terms: ServiceTerms, years_since: int, in_house_annual_cost_gbp: Decimal) -> Decimal:
    """Rule RESP-WITHDRAW: what the council pays for a withdrawn service in the ``years_since``-th year after
    the year of withdrawal (0 is the year of withdrawal itself).

    The charge runs on for the notice months still left that year (pro rata by month), the council's own cost
    of running the service covers the rest of the year, and compensation (share x charge + fixed sum) falls in
    year 0.

    Worked example: a £2,400,000 charge, 6 months' notice, compensation 25% of the charge, in-house cost
    £2,100,000 a year. Year 0: £1,200,000 charge + £1,050,000 in house + £600,000 compensation = £2,850,000
    (£450,000 more than the charge alone); later years £2,100,000 (£300,000 less).

    >>> terms = ServiceTerms(
    ...     "Property", Decimal(2_400_000), notice_months=6, compensation_share=Decimal("0.25")
    ... )
    >>> withdrawal_year_cost(terms, 0, Decimal(2_100_000)), withdrawal_year_cost(terms, 1, Decimal(2_100_000))
    (Decimal('2850000.00'), Decimal('2100000'))
    """
    terms.check()
    if years_since < 0:
        raise InputError("years_since", "must be 0 or more")
    if in_house_annual_cost_gbp < 0:
        raise InputError("in_house_annual_cost_gbp", "the cost of running it in house cannot be negative")
    notice_left = max(0, min(12, terms.notice_months - 12 * years_since))
    months = Decimal(notice_left)
    cost = terms.annual_charge_gbp * months / TWELVE + in_house_annual_cost_gbp * (TWELVE - months) / TWELVE
    if years_since == 0:
        cost += compensation(terms)
    return cost


def compensation(terms: ServiceTerms) -> Decimal:
    """Rule RESP-WITHDRAW: the one-off compensation for withdrawing a service, share x annual charge + fixed.

    >>> compensation(ServiceTerms("IT", Decimal(800_000), compensation_share=Decimal("0.5"),
    ...     compensation_fixed_gbp=Decimal(50_000)))
    Decimal('450000.0')
    """
    return terms.annual_charge_gbp * terms.compensation_share + terms.compensation_fixed_gbp


def added_service_price(service: AddedService) -> Decimal:
    """Rule RESP-ADD: the annual price of an added service.

    ``cost_plus``: cost x (1 + margin); ``quoted``: the quoted price as it stands (no margin is added).
    Worked example: a service costing £500,000 a year to deliver, at the contract's 8% margin: £540,000.

    >>> added_service_price(AddedService("Parking", Decimal(500_000), "cost_plus", Decimal("0.08")))
    Decimal('540000.00')
    >>> added_service_price(AddedService("Parking", Decimal(520_000), "quoted", Decimal("0.08")))
    Decimal('520000')
    """
    if service.cost_gbp < 0:
        raise InputError("cost_gbp", "the cost of the added service cannot be negative")
    if service.price_basis not in PRICE_BASES:
        raise InputError("price_basis", f"must be one of {', '.join(PRICE_BASES)}")
    if not ZERO <= service.margin <= ONE:
        raise InputError("margin", f"must be a fraction between 0 and 1, not {service.margin}")
    if service.price_basis == "quoted":
        return service.cost_gbp
    return service.cost_gbp * (ONE + service.margin)


def policy_change_cost(change: PolicyChange) -> Decimal:
    """Rule RESP-POLICY: the council's annual share of a policy change's cost.

    Worked example: a new inspection standard costing £300,000 a year, the council's share 50%: £150,000.

    >>> policy_change_cost(PolicyChange(Decimal(300_000), Decimal("0.5")))
    Decimal('150000.0')
    """
    if change.annual_cost_gbp < 0:
        raise InputError("annual_cost_gbp", "the policy change's cost cannot be negative")
    if not ZERO <= change.council_share <= ONE:
        raise InputError("council_share", f"must be a fraction between 0 and 1, not {change.council_share}")
    return change.annual_cost_gbp * change.council_share


# ------------------------------------------------------------------------------------------------------
# A scenario, year by year
# ------------------------------------------------------------------------------------------------------


def _pennies(amount: Decimal) -> Decimal:
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def _find(services: Sequence[ServiceTerms], name: str) -> ServiceTerms:
    for terms in services:
        if terms.name == name:
            return terms
    raise InputError("service", f"{name} has no change mechanism recorded")


def price_scenario(
    services: Sequence[ServiceTerms], change: Change, *, years: int, starts_in_year: int = 1
) -> PricedScenario:
    """Rule RESP-COMPARE: the cost of the contract each year with and without ``change``.

    Without the change every year costs the sum of the annual charges. With it, years before
    ``starts_in_year`` are the same; from then on the change applies by its rule (RESP-DEMAND, RESP-WITHDRAW,
    RESP-ADD or RESP-POLICY).

    Worked example: Highways £1,000,000 (60% variable, 5% band) and Property £2,400,000; demand for Highways
    up 15% from year 2 of 3: £3,400,000 every year without; with, £3,400,000 then £3,460,000 twice; £120,000
    more over the three years.

    >>> highways = ServiceTerms("Highways", Decimal(1_000_000), Decimal("0.6"), Decimal("0.05"))
    >>> property_ = ServiceTerms("Property", Decimal(2_400_000))
    >>> priced = price_scenario([highways, property_], DemandChange("Highways", Decimal("0.15")), years=3,
    ...     starts_in_year=2)
    >>> [int(year.with_change_gbp) for year in priced.years], int(priced.total_difference_gbp)
    ([3400000, 3460000, 3460000], 120000)
    """
    if not 1 <= years <= MAX_YEARS:
        raise InputError("years", f"must be between 1 and {MAX_YEARS}")
    if not 1 <= starts_in_year <= years:
        raise InputError("starts_in_year", f"must be between 1 and the {years} years the scenario covers")
    names = [terms.name for terms in services]
    if len(set(names)) != len(names):
        raise InputError("services", "each service may have only one set of change mechanisms")
    for terms in services:
        terms.check()
    baseline = sum((terms.annual_charge_gbp for terms in services), ZERO)
    lines = [
        f"With no change the contract costs {pounds(baseline)} a year: the sum of the annual charges of "
        f"{len(services)} service{'s' if len(services) != 1 else ''}, in today's prices (no indexation)."
    ]
    if starts_in_year > 1:
        lines.append(
            f"The change takes effect at the start of year {starts_in_year}; earlier years are unchanged."
        )
    with_change = _with_change(services, change, baseline, years - starts_in_year + 1, lines)
    rows = [
        YearCost(
            year,
            _pennies(baseline),
            _pennies(baseline if year < starts_in_year else with_change[year - starts_in_year]),
        )
        for year in range(1, years + 1)
    ]
    return PricedScenario(tuple(rows), tuple(lines))


def _with_change(
    services: Sequence[ServiceTerms], change: Change, baseline: Decimal, span: int, lines: list[str]
) -> list[Decimal]:
    """The cost in each year the change applies (the first is the year it takes effect)."""
    if isinstance(change, DemandChange):
        moved, why = demand_change_price(_find(services, change.service), change.change)
        lines.extend(why)
        lines.append(f"So each year from then costs {pounds(baseline + moved)}.")
        return [baseline + moved] * span
    if isinstance(change, Withdrawal):
        terms = _find(services, change.service)
        others = baseline - terms.annual_charge_gbp
        if change.in_house_annual_cost_gbp < 0:
            raise InputError("in_house_annual_cost_gbp", "the cost of running it in house cannot be negative")
        lines.append(
            f"{terms.name} ({pounds(terms.annual_charge_gbp)} a year) is withdrawn. The charge runs on "
            "through "
            f"the {terms.notice_months} months' notice, then stops."
        )
        lines.append(
            f"Compensation of {share(terms.compensation_share)} of the lost annual charge"
            + (
                f" plus a fixed {pounds(terms.compensation_fixed_gbp)}"
                if terms.compensation_fixed_gbp
                else ""
            )
            + f" = {pounds(compensation(terms))}, paid once in the year of withdrawal."
        )
        if change.in_house_annual_cost_gbp:
            lines.append(
                f"From when the charge stops the council runs {terms.name} itself at "
                f"{pounds(change.in_house_annual_cost_gbp)} a year."
            )
        else:
            lines.append(f"Nothing is spent on {terms.name} once the charge stops.")
        costs = [withdrawal_year_cost(terms, since, change.in_house_annual_cost_gbp) for since in range(span)]
        for since, cost in enumerate(costs):
            if since > 0 and cost == costs[since - 1]:
                continue
            when = "In the year of withdrawal" if since == 0 else f"In year {since + 1} of the withdrawal"
            lines.append(
                f"{when} {terms.name} costs {pounds(cost)} against {pounds(terms.annual_charge_gbp)} with no "
                f"change ({pounds(cost - terms.annual_charge_gbp)})"
                + (
                    "; the same each year after."
                    if costs[since + 1 :] and set(costs[since + 1 :]) == {cost}
                    else "."
                )
            )
        return [others + cost for cost in costs]
    if isinstance(change, AddedService):
        price = added_service_price(change)
        if change.price_basis == "quoted":
            lines.append(f"{change.name} is added at the partner's quoted price of {pounds(price)} a year.")
        else:
            lines.append(
                f"{change.name} is added at cost plus the contract's {share(change.margin)} margin: "
                f"{pounds(change.cost_gbp)} × (1 + {share(change.margin)}) = {pounds(price)} a year."
            )
        return [baseline + price] * span
    cost = policy_change_cost(change)
    lines.append(
        f"The policy change costs an estimated {pounds(change.annual_cost_gbp)} a year. The council bears "
        f"{share(change.council_share)} of it ({pounds(cost)}); the partner absorbs the rest "
        f"({pounds(change.annual_cost_gbp - cost)})."
    )
    return [baseline + cost] * span
