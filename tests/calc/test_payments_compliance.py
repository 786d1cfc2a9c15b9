"""Payments compliance figures (Procurement Act 2023 s. 69, Procurement Regulations 2024 reg. 38) and the
calendar of a contract's notices: worked examples, the band boundaries, the empty period, and the doctests."""

from __future__ import annotations

import datetime as dt
import doctest
from decimal import Decimal

import pytest

from forbetter.calc import notice_calendar, payments_compliance
from forbetter.calc.errors import InputError
from forbetter.calc.notice_calendar import Notice, State
from forbetter.calc.payments_compliance import PaidInvoice, band, compliance, reporting_period

START, END = dt.date(2026, 4, 1), dt.date(2026, 9, 30)


def _paid_after(days: int, reference: str = "A", amount: str = "100") -> PaidInvoice:
    received = dt.date(2026, 4, 1)
    return PaidInvoice(reference, received, received + dt.timedelta(days=days), Decimal(amount))


@pytest.mark.parametrize(
    ("days", "expected"),
    [(0, "within_30"), (30, "within_30"), (31, "31_to_60"), (60, "31_to_60"), (61, "61_or_more")],
)
def test_rule_pa23_s69_bands_boundaries_at_30_31_60_61_days(days: int, expected: str) -> None:
    assert band(days) == expected
    result = compliance([_paid_after(days)], start=START, end=END)
    counts = {
        "within_30": result.within_30,
        "31_to_60": result.days_31_to_60,
        "61_or_more": result.days_61_or_more,
    }
    assert counts[expected] == 1
    assert sum(counts.values()) == 1
    assert result.mean_days == Decimal(days)


def test_worked_example_mean_and_shares_over_four_invoices() -> None:
    """Paid after 10, 30, 31 and 61 days: mean 132 / 4 = 33 days; half within 30, a quarter in each other
    band; £1,000 paid."""
    rows = [_paid_after(d, f"I{d}", "250") for d in (10, 30, 31, 61)]
    result = compliance(rows, start=START, end=END)
    assert result.paid == 4
    assert result.paid_gbp == Decimal(1000)
    assert result.mean_days == Decimal("33.0")
    assert (result.share_within_30, result.share_31_to_60, result.share_61_or_more) == (
        Decimal("0.5000"),
        Decimal("0.2500"),
        Decimal("0.2500"),
    )


def test_empty_period_has_no_mean_and_no_shares() -> None:
    result = compliance([], start=START, end=END)
    assert result.paid == 0
    assert result.mean_days is None
    assert result.share_within_30 is None
    assert result.paid_gbp == Decimal(0)


def test_only_invoices_paid_in_the_period_count_and_unpaid_ones_are_outstanding() -> None:
    before = PaidInvoice("OLD", dt.date(2026, 2, 1), dt.date(2026, 3, 1), Decimal(5))
    after = PaidInvoice("NEXT", dt.date(2026, 9, 1), dt.date(2026, 10, 5), Decimal(5))
    unpaid = PaidInvoice("OPEN", dt.date(2026, 9, 20), None, Decimal(5))
    later = PaidInvoice("LATER", dt.date(2026, 10, 2), None, Decimal(5))  # received after the period
    result = compliance([before, after, unpaid, later, _paid_after(5)], start=START, end=END)
    assert result.paid == 1
    assert result.outstanding == 2  # NEXT was unpaid on 30 September, and OPEN


def test_bad_invoices_are_refused_naming_the_field() -> None:
    backwards = PaidInvoice("B", dt.date(2026, 5, 2), dt.date(2026, 5, 1), Decimal(1))
    with pytest.raises(InputError) as refused:
        compliance([backwards], start=START, end=END)
    assert refused.value.field == "paid_on"
    with pytest.raises(InputError) as refused:
        compliance([_paid_after(3, amount="0")], start=START, end=END)
    assert refused.value.field == "amount_gbp"
    with pytest.raises(InputError):
        compliance([], start=END, end=START)


def test_rule_pa23_s69_periods_are_april_to_september_and_october_to_march() -> None:
    assert reporting_period(dt.date(2026, 9, 30)) == (dt.date(2026, 4, 1), dt.date(2026, 9, 30))
    assert reporting_period(dt.date(2026, 10, 1)) == (dt.date(2026, 10, 1), dt.date(2027, 3, 31))
    assert reporting_period(dt.date(2027, 3, 31)) == (dt.date(2026, 10, 1), dt.date(2027, 3, 31))


def test_rule_pa23_s53_details_due_30_days_after_entering_the_contract() -> None:
    due = notice_calendar.contract_details_due(dt.date(2025, 4, 1))
    assert (due.notice, due.due_on) == (Notice.CONTRACT_DETAILS, dt.date(2025, 5, 1))


def test_rule_pa23_s71_annual_one_per_contract_year_and_a_final_one_on_termination() -> None:
    rows = notice_calendar.performance_notices_due(dt.date(2025, 4, 1), today=dt.date(2027, 4, 1))
    assert [row.period_start for row in rows] == [
        dt.date(2025, 4, 1),
        dt.date(2026, 4, 1),
        dt.date(2027, 4, 1),
    ]
    assert rows[0].due_on == dt.date(2026, 4, 30)  # 31 March 2026 + 30 days
    ended = notice_calendar.performance_notices_due(
        dt.date(2025, 4, 1), today=dt.date(2027, 4, 1), ended_on=dt.date(2026, 1, 15)
    )
    assert len(ended) == 1
    assert (ended[0].period_end, ended[0].due_on) == (dt.date(2026, 1, 15), dt.date(2026, 2, 14))
    assert "termination" in ended[0].rule


def test_rule_pa23_s75_before_change_due_the_day_before_it_takes_effect() -> None:
    assert notice_calendar.change_notice_due("CR-1", "x", dt.date(2026, 1, 1)).due_on == dt.date(2025, 12, 31)


def test_rule_pa23_s80_termination_due_30_days_after_the_end() -> None:
    assert notice_calendar.termination_due(dt.date(2026, 6, 30)).due_on == dt.date(2026, 7, 30)


def test_rule_pa23_s69_payments_one_notice_per_period_with_payments_from_commencement() -> None:
    days = [dt.date(2025, 12, 1), dt.date(2026, 3, 1), dt.date(2026, 3, 20), dt.date(2026, 11, 1)]
    rows = notice_calendar.payments_compliance_due(days, today=dt.date(2026, 12, 1))
    assert [(row.period_start, row.period_end, row.due_on) for row in rows] == [
        (dt.date(2026, 1, 1), dt.date(2026, 3, 31), dt.date(2026, 4, 30)),
        (dt.date(2026, 10, 1), dt.date(2027, 3, 31), dt.date(2027, 4, 30)),
    ]  # nothing paid or received April to September: no notice for it


def test_state_due_overdue_published_and_published_late() -> None:
    due = dt.date(2026, 5, 1)
    assert notice_calendar.state(due, None, today=due) == State.DUE
    assert notice_calendar.state(due, None, today=due + dt.timedelta(days=1)) == State.OVERDUE
    assert notice_calendar.state(due, due, today=dt.date(2027, 1, 1)) == State.PUBLISHED
    assert notice_calendar.state(due, due + dt.timedelta(days=1), today=dt.date(2027, 1, 1)) == (
        State.PUBLISHED_LATE
    )


def test_doctests() -> None:
    for module in (payments_compliance, notice_calendar):
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.attempted > 0
        assert result.failed == 0
