"""Change control: cumulative value, thresholds crossed, and the Procurement Act 2023's contract change
notice (rule PA23-S75-NOTICE), with the edges: exactly 10%, decreases, related changes, works contracts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from forbetter.calc.change_control import Change, change_value, cumulative, notice_needed
from forbetter.calc.errors import InputError

VALUE = Decimal(1_000_000)


def _notice(change: Change, related: tuple[Change, ...] = (), works: bool = False, term: int = 120) -> bool:
    decision = notice_needed(
        change, related=related, contract_value_gbp=VALUE, maximum_term_months=term, works=works
    )
    return decision.needed


def test_change_value_of_a_yearly_change_is_its_yearly_value_times_the_years_left() -> None:
    assert change_value(value_gbp=Decimal(12_000), per_year=True, months_remaining=18) == Decimal("18000.00")
    assert change_value(value_gbp=Decimal(500), per_year=False) == Decimal(500)
    with pytest.raises(InputError):
        change_value(value_gbp=Decimal(1), per_year=True)
    with pytest.raises(InputError):
        change_value(value_gbp=Decimal(1), per_year=True, months_remaining=-1)


def test_change_cumulative_sums_in_order_and_names_the_change_that_crossed_each_threshold() -> None:
    changes = [Change("C1", Decimal(60_000)), Change("C2", Decimal(50_000)), Change("C3", Decimal(400_000))]
    result = cumulative(changes, contract_value_gbp=VALUE)
    assert result.total_gbp == Decimal(510_000)
    assert result.share == Decimal("0.51")
    assert [(c.threshold, c.change_key) for c in result.crossings] == [
        (Decimal("0.10"), "C2"),
        (Decimal("0.50"), "C3"),
    ]
    assert result.not_crossed == ()
    assert "Change C2 took the cumulative value to £110,000, 11% of" in result.crossings[0].sentence


def test_change_threshold_exactly_at_the_threshold_is_not_crossed() -> None:
    result = cumulative([Change("C1", Decimal(100_000))], contract_value_gbp=VALUE)
    assert result.crossings == ()
    assert result.not_crossed == (Decimal("0.10"), Decimal("0.50"))


def test_change_threshold_a_decrease_lowers_the_cumulative_value_but_a_crossing_stays_recorded() -> None:
    changes = [Change("C1", Decimal(150_000)), Change("C2", Decimal(-100_000))]
    result = cumulative(changes, contract_value_gbp=VALUE, thresholds=[Decimal("0.1")])
    assert result.total_gbp == Decimal(50_000)
    assert [c.change_key for c in result.crossings] == ["C1"]


def test_change_cumulative_refuses_a_contract_value_of_nothing_and_a_zero_threshold() -> None:
    with pytest.raises(InputError) as refused:
        cumulative([], contract_value_gbp=Decimal(0))
    assert refused.value.field == "contract_value_gbp"
    with pytest.raises(InputError):
        cumulative([], contract_value_gbp=VALUE, thresholds=[Decimal(0)])


def test_pa23_s75_notice_not_needed_at_exactly_ten_percent_and_needed_just_above() -> None:
    assert not _notice(Change("C1", Decimal(100_000)))
    assert _notice(Change("C1", Decimal("100000.01")))


def test_pa23_s75_notice_a_decrease_counts_by_its_size() -> None:
    assert not _notice(Change("C1", Decimal(-100_000)))
    decision = notice_needed(
        Change("C1", Decimal(-120_000)), contract_value_gbp=VALUE, maximum_term_months=120, works=False
    )
    assert decision.needed
    assert "decreases the estimated value by £120,000, 12%" in decision.reasons[0]


def test_pa23_s75_notice_works_contracts_have_fifteen_percent() -> None:
    assert not _notice(Change("C1", Decimal(150_000)), works=True)
    assert _notice(Change("C1", Decimal(150_001)), works=True)
    assert _notice(Change("C1", Decimal(150_000)), works=False)


def test_pa23_s75_notice_related_changes_are_counted_together() -> None:
    first, second = Change("C1", Decimal(60_000), group="G"), Change("C2", Decimal(60_000), group="G")
    assert not _notice(second)
    decision = notice_needed(
        second, related=(first, second), contract_value_gbp=VALUE, maximum_term_months=120, works=False
    )
    assert decision.needed
    assert decision.counted_with == ("C1",)
    assert "Counted together with the related change C1" in decision.reasons[0]


def test_pa23_s75_notice_related_increase_and_decrease_net_off() -> None:
    up, down = Change("C1", Decimal(150_000)), Change("C2", Decimal(-90_000))
    assert not _notice(up, related=(down,))


def test_pa23_s75_notice_term_over_ten_percent_needs_a_notice_and_exactly_ten_does_not() -> None:
    assert not _notice(Change("C1", Decimal(0), term_months=12), term=120)
    assert _notice(Change("C1", Decimal(0), term_months=13), term=120)
    assert _notice(Change("C1", Decimal(0), term_months=-13), term=120)


def test_pa23_s75_notice_novation_on_restructuring_always_needs_one() -> None:
    decision = notice_needed(
        Change("C1", Decimal(0), novation=True),
        contract_value_gbp=VALUE,
        maximum_term_months=120,
        works=False,
    )
    assert decision.needed
    assert "Schedule 8, paragraph 9" in decision.reasons[0]


def test_pa23_s75_notice_refuses_a_term_of_nothing() -> None:
    with pytest.raises(InputError):
        notice_needed(Change("C1", Decimal(1)), contract_value_gbp=VALUE, maximum_term_months=0, works=False)
