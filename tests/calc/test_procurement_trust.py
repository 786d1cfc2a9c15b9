"""Rules TR-CONTINUITY, TR-CONTINUITY-LOW, TR-NO-TEAM and TR-MEETINGS-EQUAL of the trust calculations."""

from __future__ import annotations

from decimal import Decimal

import pytest

from forbetter.calc.errors import InputError
from forbetter.calc.procurement_trust import continuity, meeting_balance


def test_continuity_is_the_share_of_named_people_in_the_delivery_team() -> None:
    result = continuity([True, True, True, False, False], awarded=True)
    assert (result.named, result.in_team, result.not_in_team, result.not_recorded) == (5, 3, 2, 0)
    assert result.share == Decimal("0.6")
    assert result.percent == Decimal(60)
    assert not result.low
    assert not result.no_team_after_award


def test_people_not_recorded_count_as_not_in_the_team() -> None:
    result = continuity([True, None, None, None], awarded=False)
    assert result.share == Decimal("0.25")
    assert result.not_recorded == 3
    assert result.low


def test_low_continuity_is_below_the_threshold_not_at_it() -> None:
    assert not continuity([True, False], awarded=False).low  # 50% is not below 50%
    assert continuity([True, False, False], awarded=False).low
    assert not continuity([True, False, False], awarded=False, threshold=Decimal("0.3")).low
    with pytest.raises(InputError, match="threshold: The continuity threshold must be a share from 0 to 1"):
        continuity([True], awarded=False, threshold=Decimal("1.5"))


def test_no_delivery_team_after_award_is_warned_only_after_award() -> None:
    unrecorded = [None, None]
    assert continuity(unrecorded, awarded=True).no_team_after_award
    assert not continuity(unrecorded, awarded=False).no_team_after_award
    assert continuity(unrecorded, awarded=True).share is None
    assert not continuity(unrecorded, awarded=True).low
    assert not continuity([], awarded=True).no_team_after_award  # nobody named: nothing to compare
    assert continuity([], awarded=True).share is None


def test_a_bidder_with_far_fewer_meetings_is_flagged() -> None:
    assert meeting_balance({"A": 4, "B": 1, "C": 3}).flagged == {"B"}
    assert meeting_balance({"A": 4, "B": 2}).flagged == frozenset()  # half is not fewer than half
    assert meeting_balance({"A": 3, "B": 1}).flagged == {"B"}
    assert meeting_balance({"A": 1, "B": 0}).flagged == frozenset()  # one meeting apart is no pattern
    assert meeting_balance({"A": 2, "B": 0}).flagged == {"B"}
    assert meeting_balance({}).most == 0
