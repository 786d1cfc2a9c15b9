"""Background tasks of the reports area, run by the worker (``manage.py db_worker``, ``make worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def make_pack(run_id: int) -> str:
    """Make a queued board pack or portfolio summary as a PDF; returns the run's final status."""
    from forbetter.reports.services import pack_run_execute

    return pack_run_execute(run_id=run_id).status
