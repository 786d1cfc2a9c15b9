"""Rules of the remedies ladder and the exit plan (forbetter.calc.remedies)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forbetter.calc import remedies as calc
from forbetter.calc.errors import InputError


def test_remedy_persistent_three_failures_in_six_periods() -> None:
    found = calc.persistent_breach([False, True, False, True, True, False])
    assert found.counts == (0, 1, 1, 2, 3, 3)
    assert found.in_breach
    assert found.first_breach == 4


def test_remedy_persistent_old_failures_leave_the_window() -> None:
    found = calc.persistent_breach([True, True, True, False, False, False, False])
    assert found.first_breach == 2
    assert found.ever_in_breach
    assert not found.in_breach
    assert found.latest == 2


def test_remedy_persistent_uses_the_partnership_threshold() -> None:
    assert calc.persistent_breach([True, False, True], failures=2, window=3).in_breach
    assert not calc.persistent_breach([True, False, False, True], failures=2, window=3).in_breach


def test_remedy_persistent_no_periods() -> None:
    found = calc.persistent_breach([])
    assert found.latest == 0
    assert not found.in_breach
    assert found.first_breach is None


@pytest.mark.parametrize(
    ("failures", "window", "field"),
    [(0, 6, "failures"), (7, 6, "failures"), (3, 0, "window"), (3, 61, "window")],
)
def test_remedy_persistent_refuses_an_impossible_threshold(failures: int, window: int, field: str) -> None:
    with pytest.raises(InputError) as error:
        calc.persistent_breach([True], failures=failures, window=window)
    assert error.value.field == field


@given(st.lists(st.booleans(), max_size=40), st.integers(1, 8), st.integers(0, 7))
def test_remedy_persistent_count_is_the_failures_in_the_last_window(
    failed: list[bool], window: int, extra: int
) -> None:
    failures = min(window, 1 + extra)
    found = calc.persistent_breach(failed, failures=failures, window=window)
    for index in range(len(failed)):
        assert found.counts[index] == sum(failed[max(0, index - window + 1) : index + 1])


def test_remedy_escalation_third_failure_suggests_a_warning_notice() -> None:
    suggestion, advice = calc.escalation(latest=3, failures=3)
    assert suggestion == calc.Suggestion.WARNING_NOTICE
    assert advice == "Failure 3 in the window: consider a warning notice."


def test_remedy_escalation_steps_up_the_ladder() -> None:
    assert calc.escalation(latest=2, failures=3)[0] == calc.Suggestion.WATCH
    assert calc.escalation(latest=1, failures=3)[0] == calc.Suggestion.NONE
    assert calc.escalation(latest=3, failures=3, open_notice=True)[0] == calc.Suggestion.IN_HAND
    assert (
        calc.escalation(latest=3, failures=3, open_notice=True, notice_cure_passed=True)[0]
        == calc.Suggestion.RECTIFICATION_PLAN
    )
    assert calc.escalation(latest=4, failures=3, open_plan=True)[0] == calc.Suggestion.IN_HAND
    assert calc.escalation(latest=4, failures=3, failed_plan=True)[0] == calc.Suggestion.RECORD_FAILURE


def test_remedy_ladder_highest_rung() -> None:
    assert calc.ladder_rung() == calc.Rung.NONE
    assert calc.ladder_rung(open_notices=2) == calc.Rung.WARNING_NOTICE
    assert calc.ladder_rung(open_notices=1, open_plans=1) == calc.Rung.RECTIFICATION_PLAN
    assert calc.ladder_rung(open_plans=1, current_step_ins=1).label == "Step-in"
    with pytest.raises(InputError):
        calc.ladder_rung(open_notices=-1)


def test_remedy_plan_overdue() -> None:
    day = dt.date(2025, 3, 31)
    assert calc.overdue(due_on=day, finished=False, today=day + dt.timedelta(days=1))
    assert not calc.overdue(due_on=day, finished=False, today=day)
    assert not calc.overdue(due_on=day, finished=True, today=day + dt.timedelta(days=9))
    assert not calc.overdue(due_on=None, finished=False, today=day)


def test_cure_days() -> None:
    assert calc.cure_days(dt.date(2025, 3, 1), dt.date(2025, 3, 31)) == 30
    with pytest.raises(InputError):
        calc.cure_days(dt.date(2025, 3, 1), dt.date(2025, 2, 1))


FOUND = dt.date(2025, 6, 2)


def test_pa23_s71_notice_due_within_30_days() -> None:
    result = calc.performance_notice(regime="pa2023", found_on=FOUND, published_on=None, today=FOUND)
    assert result.state == calc.NoticeState.DUE
    assert result.due_on == dt.date(2025, 7, 1)
    assert "within 30 days" in result.explanation


def test_pa23_s71_notice_flagged_when_not_published_in_time() -> None:
    result = calc.performance_notice(
        regime="pa2023", found_on=FOUND, published_on=None, today=dt.date(2025, 7, 2)
    )
    assert result.state == calc.NoticeState.OVERDUE
    assert result.flagged
    assert "1 days overdue" in result.explanation
    late = calc.performance_notice(
        regime="pa2023", found_on=FOUND, published_on=dt.date(2025, 7, 5), today=dt.date(2025, 8, 1)
    )
    assert late.state == calc.NoticeState.PUBLISHED_LATE
    assert late.flagged
    on_time = calc.performance_notice(
        regime="pa2023", found_on=FOUND, published_on=dt.date(2025, 7, 1), today=dt.date(2025, 8, 1)
    )
    assert on_time.state == calc.NoticeState.PUBLISHED
    assert not on_time.flagged


@pytest.mark.parametrize("regime", ["pcr2006", "pcr2015"])
def test_pa23_s71_notice_does_not_apply_under_the_regulations(regime: str) -> None:
    result = calc.performance_notice(
        regime=regime, found_on=FOUND, published_on=None, today=dt.date(2026, 1, 1)
    )
    assert result.state == calc.NoticeState.NOT_APPLICABLE
    assert result.due_on is None
    assert "does not apply" in result.explanation


def test_pa23_s71_notice_regime_unknown() -> None:
    result = calc.performance_notice(regime="", found_on=FOUND, published_on=None, today=FOUND)
    assert result.state == calc.NoticeState.REGIME_UNKNOWN


def test_exit_plan_review_flagged_after_12_months() -> None:
    assert not calc.exit_review(dt.date(2024, 6, 1), today=dt.date(2025, 6, 1)).out_of_date
    late = calc.exit_review(dt.date(2024, 6, 1), today=dt.date(2025, 6, 2))
    assert late.out_of_date
    assert "Not reviewed in the last 12 months" in late.explanation
    assert calc.exit_review(None, today=dt.date(2025, 6, 2)).out_of_date
    assert calc.exit_review(dt.date(2024, 2, 29), today=dt.date(2025, 2, 28)).due_on == dt.date(2025, 2, 28)


def test_exit_readiness_is_the_least_ready_part() -> None:
    assert calc.exit_readiness(["ready", "ready"]) == "ready"
    assert calc.exit_readiness(["ready", "not_started", "partial"]) == "not_started"
    assert calc.exit_readiness([]) == "not_started"
    with pytest.raises(InputError):
        calc.exit_readiness(["soon"])
