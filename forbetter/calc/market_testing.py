"""Market testing of what the partner buys on the council's behalf (framework action C-VFM-4).

Rules:

========================  ==========================================================================
rule                      what it says
========================  ==========================================================================
MT-QUOTES-AS-TYPED        quotes are typed one a line as "supplier: price" (the price per unit, in
                          pounds, "£" and thousands commas allowed); a line without a supplier, without a
                          price, or with a price that is not a positive number is refused, naming the
                          line (:func:`parse_quotes`)
MT-MARKET-PRICE           the market price is the lowest quote, or the median of the quotes (the middle
                          one; with an even number, halfway between the two middle ones), as the test
                          says (:func:`market_price`)
MT-SAVING                 the saving a year is (market price - partner's price) x the category's annual
                          volume: positive, the partner buys below the market (a saving); negative, above
                          it (an overpayment the council could recover). Per unit and as a share of the
                          market price too (:func:`compare`)
MT-FEW-QUOTES             a test by quotes with fewer than three quotes is kept, with a warning
MT-SPEND-CHECK            if the partner's price x the volume differs from the category's annual spend
                          by more than 10%, a warning says so (the volume or the spend may be out of date)
========================  ==========================================================================

Pure Python: numbers in, numbers out, no Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

from forbetter.calc.errors import InputError

Comparator = Literal["lowest", "median"]
PENNY = Decimal("0.01")
SPEND_TOLERANCE = Decimal("0.10")
FEW_QUOTES = 3
MAX_PRICE = Decimal("9999999999")
MAX_SUPPLIER = 200


@dataclass(frozen=True)
class Quote:
    supplier: str
    price_gbp: Decimal
    """The price per unit, in pounds."""


def _pounds(value: Decimal) -> Decimal:
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


def _money(value: Decimal) -> str:
    rounded = _pounds(value)
    sign = "−" if rounded < 0 else ""
    return f"{sign}£{abs(rounded):,.2f}"


def parse_price(text: str, *, field: str = "price") -> Decimal:
    """A price per unit as typed ("£1,250.50", "52.4"): positive, at most 4 decimal places."""
    cleaned = text.strip().replace("£", "").replace(",", "").replace(" ", "")
    if not cleaned:
        raise InputError(field, "give a price")
    try:
        price = Decimal(cleaned)
    except InvalidOperation:
        raise InputError(field, f"“{text.strip()}” is not a price in pounds, like 52.40") from None
    if not price.is_finite():
        raise InputError(field, f"“{text.strip()}” is not a price in pounds, like 52.40")
    if price <= 0:
        raise InputError(field, "the price must be more than £0")
    if price > MAX_PRICE:
        raise InputError(field, "the price is too large")
    if -price.as_tuple().exponent > 4:  # type: ignore[operator]
        raise InputError(field, "the price can have at most 4 decimal places")
    return price


def parse_quotes(text: str, *, field: str = "quotes") -> list[Quote]:
    """Rule MT-QUOTES-AS-TYPED: one quote a line, "supplier: price"; blank lines are skipped.

    >>> [(q.supplier, q.price_gbp) for q in parse_quotes("Tarmac: £52.40\\nBreedon Group: 1,049.5")]
    [('Tarmac', Decimal('52.40')), ('Breedon Group', Decimal('1049.5'))]
    """
    quotes: list[Quote] = []
    seen: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        supplier, colon, price_text = line.rpartition(":")
        if not colon:
            raise InputError(
                field,
                f"line {number} (“{line}”) needs the supplier, a colon and the price, like Tarmac: 52.40",
            )
        supplier = supplier.strip()
        if not supplier:
            raise InputError(field, f"line {number} needs the supplier's name before the colon")
        if len(supplier) > MAX_SUPPLIER:
            raise InputError(
                field, f"line {number}: the supplier's name is too long ({MAX_SUPPLIER} characters at most)"
            )
        try:
            price = parse_price(price_text, field=field)
        except InputError as error:
            raise InputError(field, f"line {number} ({supplier}): {error.message}") from None
        if supplier.casefold() in seen:
            raise InputError(field, f"line {number}: {supplier} is quoted twice; give each supplier once")
        seen.add(supplier.casefold())
        quotes.append(Quote(supplier, price))
    if not quotes:
        raise InputError(field, "give at least one quote, one a line, like Tarmac: 52.40")
    return quotes


def market_price(prices: Sequence[Decimal], comparator: Comparator) -> Decimal:
    """Rule MT-MARKET-PRICE: the lowest price, or the median.

    >>> market_price([Decimal(3), Decimal(1), Decimal(2)], "median")
    Decimal('2')
    >>> market_price([Decimal(4), Decimal(1)], "median")
    Decimal('2.5')
    """
    if not prices:
        raise InputError("quotes", "give at least one quote")
    ordered = sorted(prices)
    if comparator == "lowest":
        return ordered[0]
    if comparator != "median":
        raise InputError("comparator", f"must be lowest or median, not {comparator}")
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


@dataclass(frozen=True)
class Comparison:
    """A market test's result: the partner's price against the market, per unit and a year."""

    market_price_gbp: Decimal
    comparator: Comparator
    partner_price_gbp: Decimal
    saving_per_unit_gbp: Decimal
    """Market price - partner's price: positive is a saving, negative an overpayment."""
    saving_share: Decimal
    """The saving per unit as a fraction of the market price."""
    annual_volume: Decimal
    saving_a_year_gbp: Decimal
    """Saving per unit x annual volume, to the penny."""
    lines: tuple[str, ...]
    warnings: tuple[str, ...]

    @property
    def size_a_year_gbp(self) -> Decimal:
        """The saving or the overpayment a year, without its sign."""
        return abs(self.saving_a_year_gbp)

    @property
    def outcome(self) -> Literal["saving", "overpayment", "at market"]:
        if self.saving_a_year_gbp > 0:
            return "saving"
        if self.saving_a_year_gbp < 0:
            return "overpayment"
        return "at market"


def compare(
    *,
    partner_price_gbp: Decimal,
    quotes: Sequence[Quote],
    comparator: Comparator,
    annual_volume: Decimal,
    unit: str = "unit",
    method: str = "quotes",
    annual_spend_gbp: Decimal | None = None,
) -> Comparison:
    """Rules MT-MARKET-PRICE, MT-SAVING, MT-FEW-QUOTES and MT-SPEND-CHECK, with the working in words.

    >>> c = compare(partner_price_gbp=Decimal(55), quotes=[Quote("A", Decimal(50)), Quote("B", Decimal(52))],
    ...             comparator="lowest", annual_volume=Decimal(1000), unit="tonne")
    >>> c.outcome, c.saving_a_year_gbp
    ('overpayment', Decimal('-5000.00'))
    """
    if partner_price_gbp is None or partner_price_gbp <= 0:
        raise InputError("partner_price_gbp", "the partner's price must be more than £0")
    if annual_volume is None or annual_volume <= 0:
        raise InputError("annual_volume", "the annual volume must be more than 0")
    market = market_price([q.price_gbp for q in quotes], comparator)
    per_unit = market - partner_price_gbp
    share = per_unit / market
    a_year = _pounds(per_unit * annual_volume)
    basis = (
        f"the lowest of {len(quotes)} quote{'s' if len(quotes) != 1 else ''}"
        if comparator == "lowest"
        else f"the median of {len(quotes)} quote{'s' if len(quotes) != 1 else ''}"
    )
    lines = [
        f"Market price: {_money(market)} a {unit}, {basis}.",
        f"The partner's price: {_money(partner_price_gbp)} a {unit}.",
    ]
    volume = f"{annual_volume.normalize():,f} {unit}s a year"
    if a_year > 0:
        lines.append(
            f"The partner buys {_money(per_unit)} a {unit} ({share:.1%}) below the market: a saving of "
            f"{_money(per_unit)} x {volume} = {_money(a_year)} a year."
        )
    elif a_year < 0:
        lines.append(
            f"The partner pays {_money(-per_unit)} a {unit} ({-share:.1%}) above the market: "
            f"an overpayment of {_money(-per_unit)} x {volume} = {_money(-a_year)} a year."
        )
    else:
        lines.append("The partner's price is the market price: no saving and no overpayment.")
    warnings = []
    if method == "quotes" and len(quotes) < FEW_QUOTES:
        warnings.append(
            f"Only {len(quotes)} quote{'s' if len(quotes) != 1 else ''}: a test by quotes usually needs at "
            f"least {FEW_QUOTES}, so the market price is less sure."
        )
    if annual_spend_gbp is not None and annual_spend_gbp > 0:
        implied = partner_price_gbp * annual_volume
        gap = abs(implied - annual_spend_gbp) / annual_spend_gbp
        if gap > SPEND_TOLERANCE:
            warnings.append(
                f"The partner's price x the volume ({_money(implied)}) is {gap:.0%} away from the category's "
                f"annual spend ({_money(annual_spend_gbp)}): check the volume or the spend."
            )
    return Comparison(
        market_price_gbp=market,
        comparator=comparator,
        partner_price_gbp=partner_price_gbp,
        saving_per_unit_gbp=per_unit,
        saving_share=share,
        annual_volume=annual_volume,
        saving_a_year_gbp=a_year,
        lines=tuple(lines),
        warnings=tuple(warnings),
    )
