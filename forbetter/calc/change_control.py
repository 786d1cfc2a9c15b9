"""Change control: the value of contract changes against the original contract value, the thresholds they
cross, and whether the Procurement Act 2023 asks for a contract change notice (UK10).

=====================  ==================================================================================
rule                   what it says
=====================  ==================================================================================
CHANGE-VALUE           a change's value for the thresholds is its one-off value, or its value a year times
                       the years of the original term left from the date it takes effect (months / 12)
CHANGE-CUMULATIVE      the cumulative value is the sum of the approved changes' values (a decrease is
                       negative), in the order they were approved; its share is that sum over the original
                       contract value
CHANGE-THRESHOLD       a threshold (10% and 50% by default) is crossed by the approved change that first
                       takes the cumulative share above it
PA23-S75-NOTICE        a contract change notice is needed before a modification unless it moves the
                       estimated value by 10% or less (15% or less for works) and the term by 10% or less of
                       the maximum term (s.75(2)); related modifications that could reasonably have been made
                       together are taken as one (s.75(4)-(5), and s.74 on splitting); a novation or
                       assignment on a corporate restructuring (Schedule 8 paragraph 9) always needs one
=====================  ==================================================================================

Money is ``Decimal`` pounds; shares are ``Decimal`` fractions (0.10 is 10%). This module imports no Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from forbetter.calc.errors import InputError

DEFAULT_THRESHOLDS = (Decimal("0.10"), Decimal("0.50"))
GOODS_AND_SERVICES_LIMIT = Decimal("0.10")
WORKS_LIMIT = Decimal("0.15")
TERM_LIMIT = Decimal("0.10")
ACT_CITATION = "Procurement Act 2023, sections 74 and 75 and Schedule 8"


def _percent(share: Decimal) -> str:
    """A share as a percentage with at most one decimal place.

    >>> _percent(Decimal("0.125")), _percent(Decimal("0.1"))
    ('12.5%', '10%')
    """
    value = (share * 100).quantize(Decimal("0.1"))
    text = f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"
    return f"{text}%"


def _money(amount: Decimal) -> str:
    sign = "−" if amount < 0 else ""
    amount = abs(amount).quantize(Decimal("0.01"))
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{sign}£{text}"


def change_value(*, value_gbp: Decimal, per_year: bool, months_remaining: int | None = None) -> Decimal:
    """Rule CHANGE-VALUE: a one-off change is worth its value; a yearly one its value a year times the
    years of the term left from the date it takes effect.

    >>> change_value(value_gbp=Decimal(120000), per_year=True, months_remaining=30)
    Decimal('300000.00')
    >>> change_value(value_gbp=Decimal(-5000), per_year=False)
    Decimal('-5000')
    """
    if not per_year:
        return value_gbp
    if months_remaining is None:
        raise InputError("months_remaining", "A yearly change needs the months of the term left")
    if months_remaining < 0:
        raise InputError("months_remaining", "The months of the term left cannot be negative")
    return (value_gbp * months_remaining / 12).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Change:
    """One approved change, in the order approved: its key (a reference), its value (rule CHANGE-VALUE),
    its effect on the term in months (an extension is positive) and the group of related changes it is in
    ("" if none)."""

    key: str
    value_gbp: Decimal
    term_months: int = 0
    group: str = ""
    novation: bool = False


@dataclass(frozen=True)
class Crossing:
    threshold: Decimal
    change_key: str
    cumulative_gbp: Decimal
    share: Decimal

    @property
    def sentence(self) -> str:
        return (
            f"Change {self.change_key} took the cumulative value to {_money(self.cumulative_gbp)}, "
            f"{_percent(self.share)} of the original contract value: above the {_percent(self.threshold)} "
            "threshold."
        )


@dataclass(frozen=True)
class Running:
    key: str
    value_gbp: Decimal
    cumulative_gbp: Decimal
    share: Decimal


@dataclass(frozen=True)
class Cumulative:
    total_gbp: Decimal
    share: Decimal
    rows: tuple[Running, ...]
    crossings: tuple[Crossing, ...]
    not_crossed: tuple[Decimal, ...]


def _check_value(contract_value_gbp: Decimal) -> None:
    if contract_value_gbp <= 0:
        raise InputError("contract_value_gbp", "The original contract value must be more than £0")


def cumulative(
    changes: Sequence[Change],
    *,
    contract_value_gbp: Decimal,
    thresholds: Sequence[Decimal] = DEFAULT_THRESHOLDS,
) -> Cumulative:
    """Rules CHANGE-CUMULATIVE and CHANGE-THRESHOLD over approved changes in the order approved.

    A threshold is crossed by the change after which the cumulative share is above it for the first time
    (a share exactly at the threshold has not crossed it). If a later decrease takes the share back under,
    the crossing stays recorded: it happened.

    >>> result = cumulative(
    ...     [Change("C1", Decimal(60)), Change("C2", Decimal(50))], contract_value_gbp=Decimal(1000)
    ... )
    >>> result.total_gbp, result.share, [c.change_key for c in result.crossings]
    (Decimal('110'), Decimal('0.11'), ['C2'])
    """
    _check_value(contract_value_gbp)
    for index, threshold in enumerate(thresholds):
        if threshold <= 0:
            raise InputError(f"thresholds[{index}]", "A threshold must be more than 0%")
    running = Decimal(0)
    rows: list[Running] = []
    crossings: list[Crossing] = []
    pending = sorted(thresholds)
    for change in changes:
        running += change.value_gbp
        share = running / contract_value_gbp
        rows.append(Running(change.key, change.value_gbp, running, share))
        for threshold in list(pending):
            if share > threshold:
                crossings.append(Crossing(threshold, change.key, running, share))
                pending.remove(threshold)
    total_share = running / contract_value_gbp
    return Cumulative(running, total_share, tuple(rows), tuple(crossings), tuple(pending))


@dataclass(frozen=True)
class NoticeDecision:
    needed: bool
    reasons: tuple[str, ...] = field(default_factory=tuple)
    value_share: Decimal = Decimal(0)
    term_share: Decimal = Decimal(0)
    counted_with: tuple[str, ...] = ()


def notice_needed(
    change: Change,
    *,
    related: Sequence[Change] = (),
    contract_value_gbp: Decimal,
    maximum_term_months: int,
    works: bool,
) -> NoticeDecision:
    """Rule PA23-S75-NOTICE: does ``change`` need a contract change notice (UK10) before it is made?

    ``related`` are the other changes of its group (related modifications that could reasonably have been
    made together): they are added to it, as one modification, for both the value and the term. The
    modification's value is its net effect on the estimated value: an increase and a decrease both count
    by their size. Within the limits means 10% or less (15% or less for works) of the value and 10% or less
    of the maximum term; exactly 10% is within.

    >>> notice_needed(
    ...     Change("C1", Decimal(100)), contract_value_gbp=Decimal(1000), maximum_term_months=120, works=False
    ... ).needed
    False
    >>> notice_needed(
    ...     Change("C1", Decimal(-101)), contract_value_gbp=Decimal(1000), maximum_term_months=12, works=False
    ... ).needed
    True
    """
    _check_value(contract_value_gbp)
    if maximum_term_months <= 0:
        raise InputError("maximum_term_months", "The maximum term must be at least a month")
    together = [change, *(other for other in related if other.key != change.key)]
    value = sum((c.value_gbp for c in together), Decimal(0))
    term = sum(c.term_months for c in together)
    value_share = abs(value) / contract_value_gbp
    term_share = Decimal(abs(term)) / maximum_term_months
    limit = WORKS_LIMIT if works else GOODS_AND_SERVICES_LIMIT
    kind = "a works contract" if works else "a contract for goods or services"
    counted = tuple(c.key for c in together[1:])
    what = (
        f"Counted together with the related change{'s' if len(counted) > 1 else ''} {', '.join(counted)} "
        "(section 75(4) and (5)), the modification"
        if counted
        else "The modification"
    )
    reasons: list[str] = []
    needed = False
    if any(c.novation for c in together):
        needed = True
        reasons.append(
            "It is a novation or assignment on a corporate restructuring (Schedule 8, paragraph 9): a "
            "contract change notice is always needed for one (section 75(2))."
        )
    direction = "increases" if value >= 0 else "decreases"
    if value_share > limit:
        needed = True
        reasons.append(
            f"{what} {direction} the estimated value by {_money(abs(value))}, {_percent(value_share)} of "
            f"{_money(contract_value_gbp)}: more than the {_percent(limit)} allowed for {kind} without a "
            "notice (section 75(2)(a))."
        )
    else:
        reasons.append(
            f"{what} {direction} the estimated value by {_money(abs(value))}, {_percent(value_share)}: "
            f"within the {_percent(limit)} allowed for {kind} (section 75(2)(a))."
        )
    term_words = "extends" if term > 0 else "shortens" if term < 0 else "leaves"
    if term_share > TERM_LIMIT:
        needed = True
        reasons.append(
            f"It {term_words} the term by {abs(term)} months, {_percent(term_share)} of the maximum term of "
            f"{maximum_term_months} months: more than 10% (section 75(2)(b))."
        )
    elif term:
        reasons.append(
            f"It {term_words} the term by {abs(term)} months, {_percent(term_share)} of the maximum term: "
            "within 10% (section 75(2)(b))."
        )
    else:
        reasons.append("It leaves the term as it is.")
    return NoticeDecision(needed, tuple(reasons), value_share, term_share, counted)
