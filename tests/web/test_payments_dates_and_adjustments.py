"""Issue 9, payment mechanism items 7-12 and relief corrections (16) through the app's models and services.

Sources: HM Treasury, Standardisation of PFI Contracts v4 (2007) ch. 7 (performance regimes, annual
indexation, relief events); ODPM Strategic Partnering Taskforce, Payment Mechanisms technical note (2004);
DESIGN section 5.
"""

from __future__ import annotations

import datetime as dt
import inspect
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from forbetter.calc.errors import InputError
from forbetter.contracts.payment_statement import run as cli_run
from forbetter.payments import adapters, selectors, services
from forbetter.payments.models import (
    GainshareYear,
    IndexValue,
    PaymentMechanism,
    PaymentStatement,
    RatchetRun,
    ShareBand,
    StatementAdjustment,
)
from forbetter.performance import services as performance_services
from forbetter.performance.models import KpiReturn, ReturnStatus, ReviewOutcome
from tests.conftest import World
from tests.factories import make_kpi, make_kpi_return, make_payment_mechanism

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 6, 1)


def _month(month: int, year: int = 2024) -> dt.date:
    return dt.date(year, month, 1)


def _draft(world: World, editor: Any, month: dt.date) -> PaymentStatement:
    return services.statement_create(user=editor, partnership=world.ours, month=month, today=TODAY)


def _view(world: World, statement: PaymentStatement) -> selectors.StatementView:
    statement.refresh_from_db()
    return selectors.statement_view(world.ours, statement)


# ------------------------------------------------------------------------------------------- item 7


def test_rule_pay_missing_return_statement_cannot_be_approved_while_returns_are_pending_without_an_override(
    world: World, editor: Any
) -> None:
    """Rule PAY-MISSING-RETURN: a statement for a month with returns not validated (not submitted, awaiting
    validation or disputed) is refused unless the approver records a reason; who, when and why are stored
    and shown."""
    make_payment_mechanism(world.ours)
    awaiting = make_kpi(world.ours, "A-1", severity_points=40)
    make_kpi_return(awaiting, _month(1), "80", user=editor, status=ReturnStatus.SUBMITTED)
    statement = _draft(world, editor, _month(1))
    with pytest.raises(ValidationError) as caught:
        services.statement_approve(user=editor, statement=statement)
    assert "A-1 Indicator A-1: awaiting validation" in caught.value.message_dict["override_reason"][0]
    statement.refresh_from_db()
    assert not statement.frozen
    services.statement_approve(user=editor, statement=statement, override_reason="Payment date reached")
    statement.refresh_from_db()
    assert (statement.override_reason, statement.override_by) == ("Payment date reached", editor)
    assert statement.override_at is not None
    assert statement.override_pending == ["A-1 Indicator A-1: awaiting validation"]
    assert any("held as provisional" in line for line in statement.lines)


def test_rule_pay_missing_return_treated_as_failed_with_the_mechanisms_stated_points(
    world: World, editor: Any
) -> None:
    """Rule PAY-MISSING-RETURN, "fail": a KPI with no validated value by the statement date earns the stated
    points (here 120: the DESIGN example's £312), and the statement lists it as treated as failed."""
    make_payment_mechanism(world.ours, missing_return_rule="fail", missing_return_points=120)
    make_kpi(world.ours, "M-1", severity_points=10)  # no return at all
    statement = _draft(world, editor, _month(1))
    view = _view(world, statement)
    assert view.figures is not None
    assert view.figures.deduction_gbp == Decimal("312.00")
    assert [(i.label, i.deemed, i.value) for i in view.items] == [("M-1 Indicator M-1", True, None)]
    services.statement_approve(user=editor, statement=statement, override_reason="Partner did not report")
    assert statement.items.get().deemed


def test_rule_pay_late_adjustment_failure_validated_after_freezing_is_deducted_once_in_the_next_statement(
    world: World, editor: Any
) -> None:
    """Rule PAY-LATE-ADJUSTMENT: January is approved with a disputed return; the value is validated later as
    a failure. January's frozen statement does not change; February's statement deducts it as a dated
    adjustment line priced against January (100 points already there + 40 = 80 x £3 + 40 x £3.60 - £240 =
    £144), and once February is approved, March does not deduct it again."""
    make_payment_mechanism(world.ours)
    counted = make_kpi(world.ours, "C-1", severity_points=100)
    late = make_kpi(world.ours, "L-1", severity_points=40)
    for month in (1, 2, 3):
        make_kpi_return(counted, _month(month), "80" if month == 1 else "99", user=editor)
    disputed = make_kpi_return(late, _month(1), "80", user=editor, status=ReturnStatus.DISPUTED)
    for month in (2, 3):
        make_kpi_return(late, _month(month), "99", user=editor)
    january = _draft(world, editor, _month(1))
    services.statement_approve(user=editor, statement=january, override_reason="Dispute still open")
    january.refresh_from_db()
    frozen = (january.deduction_gbp, january.payable_gbp, list(january.lines))
    assert january.deduction_gbp == Decimal("240.00")
    performance_services.return_validate(user=editor, kpi_return=disputed)

    february = _draft(world, editor, _month(2))
    march = _draft(world, editor, _month(3))
    view = _view(world, february)
    assert view.figures is not None
    (adjustment,) = view.figures.adjustments
    assert (adjustment.label, adjustment.original_month, adjustment.amount_gbp) == (
        "L-1 Indicator L-1",
        _month(1),
        Decimal("144.00"),
    )
    assert "Adjustment for January 2024: KPI 'L-1 Indicator L-1' failure validated on" in adjustment.line
    assert view.figures.payable_gbp == Decimal("100000.00") - Decimal("144.00")
    services.statement_approve(user=editor, statement=february)
    february.refresh_from_db()
    assert february.adjustment_total_gbp == Decimal("144.00")
    assert StatementAdjustment.objects.get().statement == february
    assert _view(world, march).figures.adjustments == ()  # type: ignore[union-attr]
    january.refresh_from_db()
    assert (january.deduction_gbp, january.payable_gbp, list(january.lines)) == frozen
    page = _view(world, february)
    assert page.figures is not None
    assert page.figures.adjustments[0].amount_gbp == Decimal("144.00")


# ------------------------------------------------------------------------------------------- item 8


def test_rule_kpi_target_in_force_statements_judge_each_month_against_its_own_target(
    world: World, editor: Any
) -> None:
    """Rule KPI-TARGET-IN-FORCE: a failure threshold raised from March at an indicator review makes 92 a
    failure from March, while February's 92 stays "approaching target" (no points) with the old threshold."""
    make_payment_mechanism(world.ours)
    kpi = make_kpi(world.ours, "T-1", severity_points=50)
    for month in (2, 3):
        make_kpi_return(kpi, _month(month), "92", user=editor)
    review = performance_services.review_schedule(user=editor, kpi=kpi, due_on=_month(2))
    performance_services.review_record(
        user=editor,
        review=review,
        reviewed_on=dt.date(2024, 2, 20),
        outcome=ReviewOutcome.CHANGE_TARGET,
        notes="Tighter",
        new_target=Decimal("96"),
        new_failure_threshold=Decimal("93"),
    )
    computed = selectors.compute_months(world.ours, PaymentMechanism.objects.get(), [_month(2), _month(3)])
    assert [computed.figures[_month(m)].points for m in (2, 3)] == [Decimal(0), Decimal(50)]
    (failure,) = computed.inputs[_month(3)].failures
    assert failure.target == Decimal("96")


def test_rule_pay_charge_in_force_a_variation_changes_the_charge_from_its_month_only(
    world: World, editor: Any
) -> None:
    """Rule PAY-CHARGE-IN-FORCE: a change-control variation changes the monthly charge from a month; earlier
    months (and approved statements) keep theirs, and a change cannot reach back into a frozen month."""
    mechanism = make_payment_mechanism(world.ours)
    services.statement_approve(user=editor, statement=_draft(world, editor, _month(1)))
    with pytest.raises(ValidationError) as caught:
        services.charge_change_add(
            user=editor,
            mechanism=mechanism,
            effective_from=_month(1),
            monthly_charge_gbp=Decimal(1),
            reason="x",
        )
    assert "approved and frozen" in caught.value.message_dict["effective_from"][0]
    services.charge_change_add(
        user=editor,
        mechanism=mechanism,
        effective_from=_month(3),
        monthly_charge_gbp=Decimal("120000"),
        reason="Variation 7: winter service added",
    )
    computed = selectors.compute_months(
        world.ours, selectors.mechanism_of(world.ours), [_month(2), _month(3)]
    )
    assert [computed.figures[_month(m)].charge_gbp for m in (2, 3)] == [
        Decimal("100000.00"),
        Decimal("120000.00"),
    ]
    assert "the charge in force from March 2024" in computed.figures[_month(3)].lines[0]


# ------------------------------------------------------------------------------------------- item 9


def test_rule_pay_ratchet_counts_consecutive_quarters_of_a_quarterly_kpi_and_threshold_scope_is_set(
    world: World, editor: Any
) -> None:
    """Rule PAY-RATCHET for a quarterly KPI: failing three quarters running (June, September, December) is a
    run of three, so a ratchet from the 3rd failure applies in December; rule PAY-THRESHOLD-SCOPE: with the
    free points covering monthly KPIs only, all of the quarterly KPI's points cost money."""
    make_payment_mechanism(
        world.ours,
        effective_from=_month(4),
        ratchet_consecutive=3,
        ratchet_multiplier=Decimal("2"),
        threshold_scope="monthly_kpis",
        cap=None,
    )
    kpi = make_kpi(world.ours, "Q-1", frequency="quarterly", severity_points=30, first_period=_month(4))
    for start in (4, 7, 10):
        make_kpi_return(kpi, _month(start), "80", user=editor)
    wanted = [_month(m) for m in (6, 9, 12)]
    computed = selectors.compute_months(world.ours, PaymentMechanism.objects.get(), wanted)
    assert [computed.figures[m].points for m in wanted] == [Decimal(30), Decimal(30), Decimal(60)]
    assert computed.figures[_month(6)].deduction_gbp == Decimal("90.00")  # 30 points, none free: 30 x £3
    assert any("failed 3 quarters running" in line for line in computed.figures[_month(12)].lines)


# ------------------------------------------------------------------------------------------ item 10


def test_rule_pay_index_annual_the_charge_is_uprated_once_a_year_in_the_anniversary_month(
    world: World, editor: Any
) -> None:
    """Rule PAY-INDEX-ANNUAL: a contract starting in January is uprated each January; June uses January's
    index value although later months' values are published."""
    mechanism = make_payment_mechanism(world.ours, indexed_share=Decimal("0.5"), index_base=Decimal("100"))
    for month, value in ((1, "102"), (2, "103"), (6, "110")):
        IndexValue.objects.create(mechanism=mechanism, month=_month(month), value=Decimal(value))
    computed = selectors.compute_months(world.ours, selectors.mechanism_of(world.ours), [_month(6)])
    assert computed.figures[_month(6)].charge_gbp == Decimal("101000.00")
    assert "the index for January 2024, the indexation month" in computed.figures[_month(6)].lines[0]


def test_rule_pay_gainshare_baseline_a_four_month_year_cannot_show_a_full_year_saving(
    world: World, editor: Any
) -> None:
    """Rule PAY-GAINSHARE-BASELINE: a mechanism paying from December has four months (December to March) in
    its first financial year, so the baseline is 4/12 of the annual £1.2m, uprated by the index like the
    charge (+5% on half the charge from December: x1.025): £410,000, and £400,000 of actual cost is a saving
    of £10,000, not £800,000."""
    mechanism = make_payment_mechanism(
        world.ours,
        effective_from=_month(12),
        gainshare_baseline_gbp=Decimal("1200000"),
        indexed_share=Decimal("0.5"),
        index_base=Decimal("100"),
    )
    IndexValue.objects.create(mechanism=mechanism, month=_month(12), value=Decimal("105"))
    ShareBand.objects.create(mechanism=mechanism, kind="gain", from_gbp=0, council_share=Decimal("0.5"))
    GainshareYear.objects.create(mechanism=mechanism, year=2024, actual_cost_gbp=Decimal("400000"))
    (line,) = selectors.gainshare_lines(selectors.mechanism_of(world.ours))  # type: ignore[arg-type]
    assert line.result is not None
    assert line.result.baseline.months == 4
    assert line.result.baseline.baseline_gbp == pytest.approx(410_000.0)
    assert line.result.split.saving_gbp == pytest.approx(10_000.0)


# ------------------------------------------------------------------------------------------ item 11


def test_draft_is_worked_out_from_the_last_approved_months_stored_ratchet_state(
    world: World, editor: Any
) -> None:
    """Item 11: approving a month stores every KPI's ratchet run; the next draft carries on from it instead
    of recomputing from the first month. Removing January's returns after approval would reset the run if
    the months were recomputed, but the draft keeps the ratchet the frozen months established."""
    make_payment_mechanism(world.ours, ratchet_consecutive=3, ratchet_multiplier=Decimal("1.5"))
    kpi = make_kpi(world.ours, "R-1", severity_points=40)
    for month in (1, 2, 3, 4):
        make_kpi_return(kpi, _month(month), "80", user=editor)
    for month in (1, 2, 3):
        services.statement_approve(user=editor, statement=_draft(world, editor, _month(month)))
    march = PaymentStatement.objects.get(month=_month(3))
    assert [(r.kpi_id, r.run, r.last_period) for r in RatchetRun.objects.filter(statement=march)] == [
        (kpi.pk, 3, _month(3))
    ]
    KpiReturn.objects.filter(kpi=kpi, period=_month(1)).delete()
    mechanism = selectors.mechanism_of(world.ours)
    incremental = selectors.compute_months(world.ours, mechanism, [_month(4)])
    recomputed = selectors.compute_months(world.ours, mechanism, [_month(4)], from_start=True)
    assert incremental.figures[_month(4)].points == Decimal(60)  # 4th month running: x1.5
    assert recomputed.figures[_month(4)].points == Decimal(60)
    KpiReturn.objects.filter(kpi=kpi, period=_month(2)).delete()
    assert selectors.compute_months(world.ours, mechanism, [_month(4)]).figures[_month(4)].points == 60
    assert (
        selectors.compute_months(world.ours, mechanism, [_month(4)], from_start=True)
        .figures[_month(4)]
        .points
        == 40
    )


# ------------------------------------------------------------------------------------------ item 12


def test_rule_pay_rounding_page_approval_and_command_line_give_the_same_rounded_statement(
    world: World, editor: Any
) -> None:
    """Rule PAY-ROUNDING: one rounded statement from the engine is what the page shows, what approval
    freezes and what `forbetter payment statement` prints for the same inputs."""
    mechanism = make_payment_mechanism(
        world.ours,
        monthly_charge_gbp=Decimal("33333.33"),
        indexed_share=Decimal("0.3"),
        index_base=Decimal("108"),
        point_value_gbp=Decimal("3.33"),
    )
    IndexValue.objects.create(mechanism=mechanism, month=_month(1), value=Decimal("112.4"))
    kpi = make_kpi(world.ours, "P-1", severity_points=121)
    make_kpi_return(kpi, _month(1), "80", user=editor)
    statement = _draft(world, editor, _month(1))
    page = _view(world, statement).figures
    assert page is not None
    services.statement_approve(user=editor, statement=statement)
    statement.refresh_from_db()
    cli = cli_run(
        {
            "monthly_charge": 33333.33,
            "indexed_share": 0.3,
            "index": {"base": 108, "values": {"2024-01": 112.4}},
            "points": {
                "threshold": 20,
                "value": 3.33,
                "bands": [
                    {"from": 21, "to": 100, "multiplier": 1.0},
                    {"from": 101, "to": 200, "multiplier": 1.2},
                    {"from": 201, "to": None, "multiplier": 1.5},
                ],
            },
            "cap": 0.1,
            "periods": [{"period": "2024-01", "failures": [{"kpi": "P-1 Indicator P-1", "points": 121}]}],
        }
    )["periods"][0]
    assert (page.charge_gbp, page.deduction_gbp, page.payable_gbp) == (
        statement.charge_gbp,
        statement.deduction_gbp,
        statement.payable_gbp,
    )
    assert (Decimal(str(cli["charge"])), Decimal(str(cli["deduction"])), Decimal(str(cli["payable"]))) == (
        statement.charge_gbp,
        statement.deduction_gbp,
        statement.payable_gbp,
    )
    assert cli["lines"] == statement.lines


def test_one_adapter_from_the_stored_mechanism_to_the_engine() -> None:
    """Item 12: the mechanism form's check and the statements build the engine's mechanism through the one
    adapter (adapters.engine_mechanism); no other payments module constructs it."""
    from forbetter.payments import services as payment_services

    assert "engine.Mechanism(" not in inspect.getsource(payment_services)
    assert "engine.Mechanism(" not in inspect.getsource(selectors)
    assert inspect.getsource(adapters).count("engine.Mechanism(") == 1


def test_engine_errors_are_explained_from_the_field_they_concern_not_the_message() -> None:
    """Item 12: the month a missing index value concerns is read from InputError.field."""
    error = InputError("index.values.2024-03", "no index value for this month or any earlier month")
    assert selectors._explain(error, []) == (
        "The statement cannot be worked out: no index value for this month or any earlier month "
        "(March 2024). Add the index values on the mechanism's index page."
    )


# ------------------------------------------------------------------------------------------ item 16


def test_relief_corrected_or_withdrawn_with_reason_and_history_withdrawal_after_freezing_is_an_adjustment(
    world: World, editor: Any
) -> None:
    """Item 16: a relief's reason can be corrected (history keeps the old words and why); withdrawing it after
    its month is frozen leaves the frozen statement alone and deducts the excused failure as an adjustment in
    the next statement."""
    make_payment_mechanism(world.ours)
    kpi = make_kpi(world.ours, "W-1", severity_points=120)
    for month in (1, 2):
        make_kpi_return(kpi, _month(month), "80" if month == 1 else "99", user=editor)
    relief = services.relief_create(
        user=editor,
        partnership=world.ours,
        kpi_id=kpi.pk,
        month=_month(1),
        reason="Storm",
        approved_on=_month(2),
    )
    services.relief_correct(
        user=editor, relief=relief, reason="Named storm Bert, clause 34.2", why="Named it"
    )
    relief.refresh_from_db()
    assert relief.reason == "Named storm Bert, clause 34.2"
    assert relief.history.first().history_change_reason == "Corrected: Named it"  # type: ignore[union-attr]
    january = _draft(world, editor, _month(1))
    services.statement_approve(user=editor, statement=january)
    january.refresh_from_db()
    assert january.deduction_gbp == 0
    with pytest.raises(ValidationError):
        services.relief_withdraw(user=editor, relief=relief, reason=" ")
    services.relief_withdraw(user=editor, relief=relief, reason="Storm did not affect this depot")
    relief.refresh_from_db()
    assert relief.withdrawn
    assert relief.withdrawn_by == editor
    view = _view(world, _draft(world, editor, _month(2)))
    assert view.figures is not None
    (adjustment,) = view.figures.adjustments
    assert adjustment.amount_gbp == Decimal("312.00")  # the DESIGN example: 120 points cost £312
    assert "relief withdrawn: Storm did not affect this depot" in adjustment.line
    january.refresh_from_db()
    assert january.deduction_gbp == 0


def test_rule_pay_late_adjustment_finds_a_quarterly_kpi_validated_after_its_quarter_was_frozen(
    world: World, editor: Any
) -> None:
    """Rule PAY-LATE-ADJUSTMENT for a quarterly KPI: the April-June return is assessed in June; validated
    after June's statement was approved, it is deducted in July as an adjustment for June (120 points: the
    DESIGN example's £312)."""
    make_payment_mechanism(world.ours, effective_from=_month(4))
    kpi = make_kpi(world.ours, "Q-1", frequency="quarterly", severity_points=120, first_period=_month(4))
    record = make_kpi_return(kpi, _month(4), "80", user=editor, status=ReturnStatus.SUBMITTED)
    for month in (4, 5, 6):
        services.statement_approve(
            user=editor, statement=_draft(world, editor, _month(month)), override_reason="Awaiting Q1 return"
        )
    performance_services.return_validate(user=editor, kpi_return=record)
    view = _view(world, _draft(world, editor, _month(7)))
    assert view.figures is not None
    (adjustment,) = view.figures.adjustments
    assert (adjustment.original_month, adjustment.amount_gbp) == (_month(6), Decimal("312.00"))
