"""Monte Carlo runs whose worker dies, or that an editor cancels, never stay "Running" and never look final.

Rules (decision record 0011):
- RUN-HEARTBEAT-LIMIT: a running run not heard from for longer than the limit is marked failed with a plain
  message, by a sweep when the runs are viewed or the worker starts a task.
- RUN-STOPS-WHEN-CANCELLED: a cancelled run is not started, or stops at its next chunk.
- RUN-RETRY-REPEATS-INPUTS: a retry simulates the same copied inputs with the same seed and iterations, so it
  gives the uninterrupted run's results.
- RUN-PARTIAL-RESULTS-NEVER-FINAL: a run that did not finish has no P-values anywhere and cannot be used in
  the business case.
Reproducible analysis with a stated seed is HM Treasury Green Book practice (Annex A5 on Monte Carlo risk
analysis); a job system must say when it has stopped.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from forbetter.accounts.models import User
from forbetter.calc import risk as risk_engine
from forbetter.risks import adapters, services
from forbetter.risks.models import RunStatus, SimulationRun
from tests.conftest import World
from tests.factories import client_for, make_risk

pytestmark = pytest.mark.django_db

RESULT_FIELDS = (
    "mean_gbp",
    "sd_gbp",
    "p10_gbp",
    "p50_gbp",
    "p80_gbp",
    "p90_gbp",
    "p95_gbp",
    "council_p80_gbp",
    "partner_p80_gbp",
    "s_curve_gbp",
    "histogram_counts",
)


class WorkerKilledError(BaseException):
    """Stands in for the worker process dying mid-run: like SIGKILL, nothing in the run's code handles it."""


def _register(world: World) -> None:
    make_risk(world.ours, allocation="council")
    make_risk(world.ours, allocation="partner", probability=Decimal("0.2"))
    make_risk(world.ours, allocation="shared", council_share=Decimal("0.25"), distribution="triangular")


def _queued(world: World, editor: User, *, seed: int = 11, iterations: int = 4000) -> SimulationRun:
    return services.simulation_run_create(
        user=editor, partnership=world.ours, iterations=iterations, seed=seed, correlation=Decimal("0.3")
    )


def _killed_at(world: World, editor: User, monkeypatch: pytest.MonkeyPatch, fraction: float) -> SimulationRun:
    """A run whose worker died after reporting ``fraction`` of the iterations (real execute, then a kill)."""
    run = _queued(world, editor)
    engine = risk_engine.simulate_register

    def dies(*args: Any, progress: Any, **kwargs: Any) -> Any:
        progress(fraction)
        raise WorkerKilledError

    monkeypatch.setattr(risk_engine, "simulate_register", dies)
    with pytest.raises(WorkerKilledError):
        services.simulation_run_execute(run_id=run.pk)
    monkeypatch.setattr(risk_engine, "simulate_register", engine)
    run.refresh_from_db()
    return run


def _age_heartbeat(run: SimulationRun, seconds: int) -> None:
    earlier = timezone.now() - dt.timedelta(seconds=seconds)
    SimulationRun.objects.filter(pk=run.pk).update(heartbeat_at=earlier, started_at=earlier)


def test_run_with_a_stale_heartbeat_is_marked_failed_with_a_plain_message(
    world: World, editor: User, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    """RUN-HEARTBEAT-LIMIT: the issue's run sat at 7% "Running" for 17 minutes after its worker was killed."""
    settings.SIMULATION_HEARTBEAT_LIMIT_SECONDS = 120
    _register(world)
    run = _killed_at(world, editor, monkeypatch, 0.07)
    assert (run.status, run.progress) == (RunStatus.RUNNING, Decimal("0.07"))
    assert run.heartbeat_at is not None
    client = client_for(editor)
    runs_url = reverse("risks:runs", args=[world.ours.pk])
    # Within the limit the run is still taken to be running, and the page says what the limit is.
    _age_heartbeat(run, 100)
    page = client.get(runs_url).content.decode()
    assert "not heard from for more than 2 minutes is marked failed" in page
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING
    # Past the limit, reading the list marks it failed, with a message in plain English.
    _age_heartbeat(run, 17 * 60)
    client.get(runs_url)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.finished_at is not None
    assert "stopped reporting on this run: it last reported 7% done" in run.error_message
    assert "more than 2 minutes" in run.error_message
    assert "Retry the run" in run.error_message
    assert run.history.first().history_change_reason == "Run failed: no heartbeat from the worker"
    detail = client.get(reverse("risks:run", args=[world.ours.pk, run.pk])).content.decode()
    assert "The run failed: The background worker stopped reporting" in detail
    assert "Retry this run" in detail


def test_stale_runs_are_swept_when_the_worker_starts_a_task(
    world: World, editor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RUN-HEARTBEAT-LIMIT: a restarted worker clears the dead run before it runs the next one."""
    _register(world)
    dead = _killed_at(world, editor, monkeypatch, 0.07)
    _age_heartbeat(dead, 600)
    services.simulation_run_execute(run_id=_queued(world, editor, seed=3).pk)
    dead.refresh_from_db()
    assert dead.status == RunStatus.FAILED


def test_retry_gives_the_same_results_as_an_uninterrupted_run_with_the_same_seed(
    world: World, editor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RUN-RETRY-REPEATS-INPUTS: the retry copies the dead run's inputs, seed, iterations and correlation."""
    _register(world)
    dead = _killed_at(world, editor, monkeypatch, 0.4)
    _age_heartbeat(dead, 600)
    # An uninterrupted run of the same register with the same seed and iterations, never killed.
    uninterrupted = services.simulation_run_execute(run_id=_queued(world, editor, seed=dead.seed).pk)
    assert uninterrupted.status == RunStatus.FINISHED
    # The register changes afterwards: the retry must still simulate the dead run's copied inputs.
    make_risk(world.ours, allocation="council", probability=Decimal("0.9"))
    client = client_for(editor)
    url = reverse("risks:run-retry", args=[world.ours.pk, dead.pk])
    asking = client.get(url).content.decode()
    assert "A new run will be queued with exactly this run's 3 risks" in asking
    assert client.post(url, {}).status_code == 200  # not confirmed: nothing queued
    assert SimulationRun.objects.count() == 2
    response = client.post(url, {"confirm": "yes"})
    retry = SimulationRun.objects.get(retry_of=dead)
    assert response["Location"] == reverse("risks:run", args=[world.ours.pk, retry.pk])
    dead.refresh_from_db()
    assert dead.status == RunStatus.FAILED
    assert retry.status == RunStatus.FINISHED
    assert (retry.seed, retry.iterations, retry.correlation) == (dead.seed, dead.iterations, dead.correlation)
    assert list(retry.inputs.values_list("reference", "probability")) == list(
        dead.inputs.values_list("reference", "probability")
    )
    assert [getattr(retry, name) for name in RESULT_FIELDS] == [
        getattr(uninterrupted, name) for name in RESULT_FIELDS
    ]
    assert list(retry.tornado.values_list("input__reference", "rank_correlation")) == list(
        uninterrupted.tornado.values_list("input__reference", "rank_correlation")
    )
    expected = risk_engine.simulate_register(
        [adapters.input_as_quantified(row) for row in dead.inputs.order_by("pk")],
        iterations=dead.iterations,
        seed=dead.seed,
        correlation=float(dead.correlation),
    )
    assert float(retry.council_p80_gbp) == pytest.approx(expected.council.p80_gbp, abs=0.01)


def test_only_failed_or_cancelled_runs_can_be_retried(world: World, editor: User) -> None:
    _register(world)
    finished = services.simulation_run_execute(run_id=_queued(world, editor).pk)
    with pytest.raises(ValidationError, match="Only a failed or cancelled run can be retried"):
        services.simulation_run_retry_create(user=editor, run=finished)
    page = client_for(editor).post(
        reverse("risks:run-retry", args=[world.ours.pk, finished.pk]), {"confirm": "yes"}
    )
    assert page.status_code == 200
    assert "this run is finished" in page.content.decode()
    assert SimulationRun.objects.count() == 1


def test_cancelled_queued_run_is_never_started(world: World, editor: User) -> None:
    """RUN-STOPS-WHEN-CANCELLED: the worker picks the task up later and finds nothing to do."""
    _register(world)
    run = _queued(world, editor)
    client = client_for(editor)
    url = reverse("risks:run-cancel", args=[world.ours.pk, run.pk])
    assert "The run will not be started" in client.get(url).content.decode()
    assert client.post(url, {"confirm": "yes"})["Location"] == reverse(
        "risks:run", args=[world.ours.pk, run.pk]
    )
    services.simulation_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED
    assert run.started_at is None
    assert run.p80_gbp is None
    assert f"Cancelled by {editor}" in run.error_message


def test_cancelled_running_run_stops_at_its_next_chunk(
    world: World, editor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RUN-STOPS-WHEN-CANCELLED: the worker's next progress report finds the run cancelled and stops."""
    _register(world)
    run = _queued(world, editor)
    reported: list[float] = []

    def chunks(*args: Any, progress: Any, **kwargs: Any) -> Any:
        for fraction in (0.25, 0.5, 0.75, 1.0):
            progress(fraction)
            reported.append(fraction)
            if fraction == 0.25:
                services.simulation_run_cancel(user=editor, run=SimulationRun.objects.get(pk=run.pk))
        raise AssertionError("the run should have stopped at the chunk after the cancellation")

    monkeypatch.setattr(risk_engine, "simulate_register", chunks)
    stopped = services.simulation_run_execute(run_id=run.pk)
    assert reported == [0.25]
    assert (stopped.status, stopped.progress, stopped.p80_gbp) == (RunStatus.CANCELLED, Decimal("0.25"), None)
    assert "while running, 25% done" in stopped.error_message


def test_a_slow_worker_whose_run_was_swept_stores_no_results(
    world: World, editor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RUN-PARTIAL-RESULTS-NEVER-FINAL: a run marked failed stays failed even if its worker was only slow."""
    _register(world)
    run = _queued(world, editor)
    engine = risk_engine.simulate_register

    def slow(*args: Any, progress: Any, **kwargs: Any) -> Any:
        progress(0.5)
        _age_heartbeat(run, 600)
        assert services.simulation_runs_sweep_stale(partnership=world.ours) == 1
        return engine(*args, **kwargs)  # finishes without reporting again

    monkeypatch.setattr(risk_engine, "simulate_register", slow)
    finished = services.simulation_run_execute(run_id=run.pk)
    assert finished.status == RunStatus.FAILED
    assert finished.p80_gbp is None
    assert finished.s_curve_gbp == []
    assert finished.tornado.count() == 0


@pytest.mark.parametrize("status", [RunStatus.RUNNING, RunStatus.FAILED, RunStatus.CANCELLED])
def test_a_run_that_did_not_finish_shows_no_p_values_and_cannot_be_used(
    world: World, editor: User, monkeypatch: pytest.MonkeyPatch, status: str
) -> None:
    """RUN-PARTIAL-RESULTS-NEVER-FINAL: no P-value of an unfinished run is shown or used anywhere."""
    _register(world)
    run = _killed_at(world, editor, monkeypatch, 0.6)
    if status == RunStatus.FAILED:
        _age_heartbeat(run, 600)
        services.simulation_runs_sweep_stale()
    elif status == RunStatus.CANCELLED:
        services.simulation_run_cancel(user=editor, run=run)
    run.refresh_from_db()
    assert run.status == status
    client = client_for(editor)
    detail = client.get(reverse("risks:run", args=[world.ours.pk, run.pk])).content.decode()
    for final in ("P80", "P50", "There is an 80% chance", "Use the register in the business case"):
        assert final not in detail, final
    listing = client.get(reverse("risks:runs", args=[world.ours.pk])).content.decode()
    assert "No result" in listing
    apply_url = reverse("risks:run-apply", args=[world.ours.pk, run.pk])
    assert client.post(apply_url, {"version": "1"})["Location"] == reverse(
        "risks:run", args=[world.ours.pk, run.pk]
    )
    with pytest.raises(ValidationError, match="Only a finished run"):
        services.simulation_apply_to_business_case(user=editor, run=run, version=None)


def test_heartbeat_is_written_with_each_progress_report(world: World, editor: User) -> None:
    """RUN-HEARTBEAT-LIMIT: each stored progress report is a heartbeat; a quiet stretch still beats."""
    _register(world)
    run = _queued(world, editor)
    SimulationRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, heartbeat_at=None)
    run.refresh_from_db()
    recorder = services.ProgressRecorder(run, every_seconds=0.0)
    recorder(0.001)  # below the progress step, but a heartbeat is due
    run.refresh_from_db()
    assert run.heartbeat_at is not None
    first = run.heartbeat_at
    recorder(0.5)
    run.refresh_from_db()
    assert run.heartbeat_at >= first
    assert run.progress == Decimal("0.5")
