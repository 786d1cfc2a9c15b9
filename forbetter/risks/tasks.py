"""Background tasks of the risk area, run by the worker (``manage.py db_worker``, ``make worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_simulation(run_id: int) -> str:
    """Run a queued Monte Carlo simulation and store its results; returns the run's final status."""
    from forbetter.risks.services import simulation_run_execute

    return simulation_run_execute(run_id=run_id).status
