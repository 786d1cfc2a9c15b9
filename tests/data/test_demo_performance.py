"""The demo's performance and payment records: KPIs, four years of returns, 48 approved statements that a
recomputation reproduces, benchmarks, benefits, reviews and the roles register; idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta

from forbetter.demo import partnerships as demo_partnerships
from forbetter.demo import performance as demo
from forbetter.demo.management.commands.seed_demo import area_seeders
from forbetter.demo.people import seed_people
from forbetter.framework.loader import load_framework
from forbetter.partnerships.evidence import candidates_for
from forbetter.partnerships.models import Partnership
from forbetter.payments import selectors as payment_selectors
from forbetter.payments.models import PaymentStatement, ReliefEvent, Responsibility, StatementStatus
from forbetter.performance import selectors
from forbetter.performance.models import (
    BenchmarkValue,
    Benefit,
    IndicatorReview,
    Kpi,
    KpiReturn,
    ReturnStatus,
)

pytestmark = pytest.mark.django_db


def _seed() -> Partnership:
    load_framework()
    people = seed_people()
    partnerships = {p.name: p for p in demo_partnerships.seed_partnerships(people)}
    demo.seed(people, partnerships)
    return partnerships[demo_partnerships.CONTRACT_MANAGEMENT]


def _counts() -> tuple[int, ...]:
    return (
        Kpi.objects.count(),
        KpiReturn.objects.count(),
        KpiReturn.history.count(),
        PaymentStatement.objects.count(),
        BenchmarkValue.objects.count(),
        Benefit.objects.count(),
        IndicatorReview.objects.count(),
        Responsibility.objects.count(),
    )


def test_the_performance_seeder_is_registered() -> None:
    assert "forbetter.demo.performance" in area_seeders()


def test_demo_performance_is_seeded_once_and_idempotent() -> None:
    _seed()
    first = _counts()
    _seed()
    assert _counts() == first


def test_demo_has_about_twenty_kpis_and_four_years_of_returns_ending_last_month() -> None:
    partnership = _seed()
    kpis = Kpi.objects.filter(partnership=partnership)
    assert 18 <= kpis.count() <= 22
    assert kpis.filter(published=True).count() >= 3
    returns = KpiReturn.objects.filter(kpi__partnership=partnership)
    last = dt.date.today().replace(day=1) - relativedelta(months=1)
    monthly = returns.filter(kpi__frequency="monthly")
    assert monthly.latest("period").period == last
    assert monthly.earliest("period").period == last - relativedelta(months=47)
    statuses = set(returns.values_list("status", flat=True))
    assert statuses == {ReturnStatus.VALIDATED, ReturnStatus.DISPUTED, ReturnStatus.SUBMITTED}
    assert returns.filter(status=ReturnStatus.VALIDATED).count() > 0.9 * returns.count()
    assert returns.filter(late=True).exists()
    disputed = returns.filter(status=ReturnStatus.DISPUTED).first()
    assert disputed is not None
    assert disputed.dispute_reason
    resubmitted = [r for r in returns.filter(status=ReturnStatus.VALIDATED) if r.history.count() == 4][:1]
    assert resubmitted, "some returns were disputed, corrected and then validated"
    reasons = [h.history_change_reason for h in resubmitted[0].history.order_by("history_date")]
    assert reasons[0].startswith("Submitted")
    assert reasons[1].startswith("Disputed: ")
    assert reasons[2:] == ["Resubmitted after dispute", "Validated"]


def test_demo_has_48_approved_statements_that_a_recomputation_reproduces() -> None:
    partnership = _seed()
    statements = list(PaymentStatement.objects.filter(partnership=partnership).order_by("month"))
    assert len(statements) == 48
    assert {s.status for s in statements} == {StatementStatus.APPROVED}
    assert any(s.deduction_gbp for s in statements)
    assert any(s.relieved_points for s in statements)
    assert ReliefEvent.objects.filter(partnership=partnership).exists()
    assert any("months running (ratchet" in line for s in statements for line in s.lines)
    mechanism = payment_selectors.mechanism_of(partnership)
    computed = payment_selectors.compute_months(partnership, mechanism, [s.month for s in statements])
    for statement in statements:
        figures = computed.figures[statement.month]
        assert (figures.deduction_gbp, figures.payable_gbp) == (
            statement.deduction_gbp,
            statement.payable_gbp,
        )
        assert list(figures.lines) == statement.lines
    # Item 11: the last month worked out from the ratchet state stored with the month before it agrees with
    # its frozen figures (the months before are not recomputed).
    last = statements[-1]
    incremental = payment_selectors.compute_months(partnership, mechanism, [last.month])
    assert incremental.figures[last.month].payable_gbp == last.payable_gbp
    assert list(incremental.figures[last.month].lines) == last.lines
    # Months approved while returns were awaiting validation record who overrode and why.
    assert any(s.override_reason and s.override_pending for s in statements)


def test_demo_has_benchmarks_for_three_kpis_benefits_reviews_and_raci() -> None:
    partnership = _seed()
    benchmarked = Kpi.objects.filter(partnership=partnership, benchmark_values__isnull=False).distinct()
    assert benchmarked.count() == 3
    for kpi in benchmarked:
        councils = set(kpi.benchmark_values.values_list("council", flat=True))
        assert 8 <= len(councils) <= 12
        assert any(row.position is not None for row in selectors.benchmark(kpi).rows)
    assert 6 <= Benefit.objects.filter(partnership=partnership).count() <= 10
    totals = selectors.benefit_totals(partnership)
    assert totals.planned_gbp > totals.realised_gbp > 0
    board = selectors.review_board(partnership)
    assert board.overdue >= 1
    assert board.done
    assert Responsibility.objects.filter(partnership=partnership).count() >= 8
    kinds = {candidate.kind for candidate in candidates_for(partnership)}
    assert {
        "KPI",
        "Indicator review",
        "Benchmark import",
        "Benefits register entry",
        "Payment statement",
        "Payment mechanism",
        "Roles and responsibilities register",
    } <= kinds
