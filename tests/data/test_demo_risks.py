"""The demo's risk records: a realistic register with a finished Monte Carlo run and an exit analysis for the
contract-management partnership, an allocation matrix for the procurement one, seeded idempotently."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from forbetter.demo import partnerships as demo
from forbetter.demo import risks as demo_risks
from forbetter.demo.management.commands.seed_demo import area_seeders
from forbetter.partnerships.models import Partnership
from forbetter.risks import selectors
from forbetter.risks.models import (
    ExitAnalysis,
    ExitCompensation,
    OwnershipPlan,
    Risk,
    RiskAction,
    RiskReview,
    RiskReviewItem,
    RunStatus,
    SimulationRun,
)

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        Risk.objects.count(),
        RiskAction.objects.count(),
        RiskReview.objects.count(),
        RiskReviewItem.objects.count(),
        OwnershipPlan.objects.count(),
        SimulationRun.objects.count(),
        ExitAnalysis.objects.count(),
        ExitCompensation.objects.count(),
        Risk.history.count(),
    )


def _run_fields(run: SimulationRun) -> tuple[object, ...]:
    return (run.iterations, run.seed, run.mean_gbp, run.p80_gbp, run.council_p80_gbp, run.s_curve_gbp)


def test_risks_seeder_is_registered() -> None:
    assert "forbetter.demo.risks" in area_seeders()


def test_demo_risks_are_idempotent(seeded_demo: None) -> None:
    first = _counts()
    call_command("seed_demo", verbosity=0)
    assert _counts() == first


def test_contract_management_partnership_has_a_realistic_register(seeded_demo: None) -> None:
    highways = Partnership.objects.get(name=demo.CONTRACT_MANAGEMENT)
    risks = Risk.objects.filter(partnership=highways)
    assert 38 <= risks.count() <= 42
    assert risks.filter(probability__isnull=False).count() > risks.count() / 2
    assert set(risks.values_list("allocation", flat=True)) == {"council", "partner", "shared"}
    assert set(risks.values_list("status", flat=True)) == {"open", "closed", "materialised"}
    assert risks.values("category").distinct().count() >= 12
    bands = {
        name
        for name, _, count in selectors.heat_map(highways, position="inherent").by_band
        + selectors.heat_map(highways, position="residual").by_band
        if count
    }
    assert {"medium", "high", "very high"} <= bands
    assert selectors.register_summary(highways).overdue >= 3
    assert RiskReview.objects.filter(partnership=highways).count() in (2, 3)
    assert OwnershipPlan.objects.get(partnership=highways).triggers.count() >= 3
    assert RiskAction.objects.filter(risk__partnership=highways).exists()


def test_contract_management_partnership_has_a_finished_reproducible_run(seeded_demo: None) -> None:
    highways = Partnership.objects.get(name=demo.CONTRACT_MANAGEMENT)
    run = SimulationRun.objects.get(partnership=highways)
    assert run.status == RunStatus.FINISHED
    assert (run.iterations, run.seed) == (demo_risks.SIMULATION_ITERATIONS, demo_risks.SIMULATION_SEED)
    assert (
        run.inputs.count()
        == Risk.objects.filter(partnership=highways, status="open", probability__isnull=False).count()
    )
    assert abs(float(run.mean_gbp) / float(run.analytic_mean_gbp) - 1) < 0.02
    assert run.council_p80_gbp < run.p80_gbp
    # The same seed and inputs give the same stored results: rerun in a fresh run and compare.
    from forbetter.risks import services

    again = services.simulation_run_create(
        user=run.requested_by,
        partnership=highways,
        iterations=run.iterations,
        seed=run.seed,
        correlation=run.correlation,
    )
    services.simulation_run_execute(run_id=again.pk)
    again.refresh_from_db()
    assert _run_fields(again) == _run_fields(run)


def test_contract_management_partnership_has_an_exit_analysis_for_every_route(seeded_demo: None) -> None:
    highways = Partnership.objects.get(name=demo.CONTRACT_MANAGEMENT)
    analysis = ExitAnalysis.objects.get(partnership=highways)
    assert analysis.term_years == 12
    routes = set(analysis.compensation.values_list("route", flat=True))
    assert len(routes) == 6
    assert list(analysis.break_years.values_list("year", flat=True)) == [6, 9]


def test_procurement_partnership_shows_an_allocation_matrix(seeded_demo: None) -> None:
    shared = Partnership.objects.get(name=demo.PROCUREMENT)
    matrix = selectors.allocation_matrix(shared)
    assert 13 <= matrix.grand_total.count <= 17
    assert all(cell.count > 0 for cell in matrix.totals)
    assert matrix.grand_total.expected_gbp > 0
    assert len(matrix.rows) >= 6


def test_demo_register_follows_the_fixed_demo_data(seeded_demo: None) -> None:
    highways = Partnership.objects.get(name=demo.CONTRACT_MANAGEMENT)
    titles = list(
        Risk.objects.filter(partnership=highways).order_by("number").values_list("title", flat=True)
    )
    assert titles == [spec.title for spec in demo_risks.HIGHWAYS_RISKS]
    shared = Partnership.objects.get(name=demo.PROCUREMENT)
    titles = list(Risk.objects.filter(partnership=shared).order_by("number").values_list("title", flat=True))
    assert titles == [spec.title for spec in demo_risks.PROCUREMENT_RISKS]
