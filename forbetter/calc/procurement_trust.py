"""Trust in procurement: continuity from bid team to delivery team, and equal treatment of bidders in
meetings. Pure Python (no Django), so analysts can use it too.

=================  ==========================================================================================
rule               what it says
=================  ==========================================================================================
TR-CONTINUITY      continuity is the share of the key people a bid named who are in the delivery team:
                   people in the team divided by people named. People whose place is not recorded yet count
                   as not in the team, and the result says how many they are.
TR-CONTINUITY-LOW  a warning when continuity is below the threshold (50% unless set otherwise)
TR-NO-TEAM         a warning when the contract has been awarded but no delivery team is recorded for the bid
TR-MEETINGS-EQUAL  a bidder still in the competition who has had fewer than half the meetings of the bidder
                   with most, and at least two fewer, is flagged: the council may not be treating bidders
                   equally (Procurement Act 2023 s.12(2): treat suppliers the same unless a difference is
                   justified)
=================  ==========================================================================================
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from forbetter.calc.errors import InputError

DEFAULT_CONTINUITY_THRESHOLD = Decimal("0.5")
MEETING_SHARE_FLAG = Decimal("0.5")
MEETING_GAP_FLAG = 2


@dataclass(frozen=True)
class Continuity:
    named: int
    in_team: int
    not_in_team: int
    not_recorded: int
    share: Decimal | None
    """People in the team divided by people named (None when the bid named nobody)."""
    low: bool
    """TR-CONTINUITY-LOW: the share is below the threshold."""
    no_team_after_award: bool
    """TR-NO-TEAM: the contract is awarded and nobody's place in the delivery team is recorded."""

    @property
    def recorded(self) -> bool:
        return self.in_team + self.not_in_team > 0

    @property
    def percent(self) -> Decimal | None:
        if self.share is None:
            return None
        return (self.share * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def continuity(
    in_delivery_team: Sequence[bool | None],
    *,
    awarded: bool,
    threshold: Decimal = DEFAULT_CONTINUITY_THRESHOLD,
) -> Continuity:
    """TR-CONTINUITY, TR-CONTINUITY-LOW and TR-NO-TEAM for one bid: ``in_delivery_team`` has one entry per
    key person the bid named (True in the team, False not, None not recorded yet).

    >>> result = continuity([True, True, True, False, False], awarded=False)
    >>> result.share, result.low
    (Decimal('0.6'), False)
    """
    if not Decimal(0) <= threshold <= Decimal(1):
        raise InputError("threshold", "The continuity threshold must be a share from 0 to 1")
    named = len(in_delivery_team)
    in_team = sum(1 for value in in_delivery_team if value is True)
    not_in_team = sum(1 for value in in_delivery_team if value is False)
    not_recorded = named - in_team - not_in_team
    recorded = in_team + not_in_team > 0
    share = Decimal(in_team) / Decimal(named) if named and recorded else None
    return Continuity(
        named=named,
        in_team=in_team,
        not_in_team=not_in_team,
        not_recorded=not_recorded,
        share=share,
        low=share is not None and share < threshold,
        no_team_after_award=awarded and named > 0 and not recorded,
    )


@dataclass(frozen=True)
class MeetingBalance:
    counts: dict[str, int]
    most: int
    flagged: frozenset[str]
    """TR-MEETINGS-EQUAL: the bidders with far fewer meetings than the bidder with most."""


def meeting_balance(counts: Mapping[str, int]) -> MeetingBalance:
    """TR-MEETINGS-EQUAL over the meetings of the bidders still in the competition (by name).

    >>> sorted(meeting_balance({"A": 4, "B": 1, "C": 3}).flagged)
    ['B']
    """
    most = max(counts.values(), default=0)
    flagged = frozenset(
        name
        for name, count in counts.items()
        if Decimal(count) < Decimal(most) * MEETING_SHARE_FLAG and most - count >= MEETING_GAP_FLAG
    )
    return MeetingBalance(counts=dict(counts), most=most, flagged=flagged)
