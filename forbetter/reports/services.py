"""Asking for a board pack or portfolio summary, and making it (the background task calls
:func:`pack_run_execute`). The pack's content comes from each area's own pack sections
(:mod:`forbetter.core.pack`) and the partnerships' selectors; nothing here works a figure out afresh.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from forbetter.accounts.permissions import can_see_confidential
from forbetter.core.pack import pack_sections
from forbetter.partnerships.models import Partnership
from forbetter.reports import selectors
from forbetter.reports.models import PackKind, PackRun, PackStatus
from forbetter.reports.pdf import PdfUnavailableError, html_to_pdf

logger = logging.getLogger(__name__)


def pack_run_request(*, user: Any, partnership: Partnership, partner_view: bool) -> PackRun:
    """Queue a board pack of ``partnership``. A partner's user always gets the partner's pack, whatever was
    asked: council-confidential sections are never made for them."""
    from forbetter.reports.tasks import make_pack

    partner_view = partner_view or not can_see_confidential(user)
    with transaction.atomic():
        run = PackRun.objects.create(
            kind=PackKind.BOARD,
            partnership=partnership,
            requested_by=user,
            partner_view=partner_view,
            progress_text="Waiting for the background worker",
        )
    make_pack.enqueue(run.pk)
    run.refresh_from_db()
    return run


def portfolio_run_request(*, user: Any) -> PackRun:
    """Queue a summary of every partnership ``user`` sees, for that user alone."""
    from forbetter.reports.tasks import make_pack

    with transaction.atomic():
        run = PackRun.objects.create(
            kind=PackKind.PORTFOLIO,
            requested_by=user,
            partner_view=not can_see_confidential(user),
            progress_text="Waiting for the background worker",
        )
    make_pack.enqueue(run.pk)
    run.refresh_from_db()
    return run


def _progress(run: PackRun, percent: int, text: str) -> None:
    run.progress_percent = percent
    run.progress_text = text
    PackRun.objects.filter(pk=run.pk).update(progress_percent=percent, progress_text=text)


def pack_run_execute(*, run_id: int) -> PackRun:
    """Make a queued run's PDF and store it; a run that is not queued is left alone (a task delivered twice
    makes one PDF). Any failure marks the run failed with a message the page shows."""
    with transaction.atomic():
        run = (
            PackRun.objects.select_for_update(of=("self",))
            .select_related("partnership", "requested_by")
            .get(pk=run_id)
        )
        if run.status != PackStatus.QUEUED:
            return run
        run.status = PackStatus.RUNNING
        run.started_at = timezone.now()
        run.save(update_fields=["status", "started_at"])
    try:
        html = board_pack_html(run) if run.kind == PackKind.BOARD else portfolio_html(run)
        _progress(run, 60, "Laying the pages out as a PDF")
        pdf = html_to_pdf(html)
    except PdfUnavailableError as problem:
        return _fail(run, str(problem))
    except Exception:
        logger.exception("Pack run %s failed", run.pk)
        _fail(
            run, "The PDF could not be made because of an unexpected error; the server's log has the details"
        )
        raise
    run.pdf = pdf.content
    run.page_count = pdf.pages
    run.status = PackStatus.DONE
    run.progress_percent = 100
    run.progress_text = f"Finished: {pdf.pages} page{'s' if pdf.pages != 1 else ''}"
    run.finished_at = timezone.now()
    run.save(
        update_fields=["pdf", "page_count", "status", "progress_percent", "progress_text", "finished_at"]
    )
    return run


STALE_MESSAGE = (
    "The background worker stopped before this PDF was finished (it was restarted, or the server ran out of "
    "memory); generate it again"
)


def fail_stale_runs(now: dt.datetime | None = None) -> int:
    """Mark failed every run still "running" long after it started (``PACK_RUN_STALE_SECONDS``, 10 minutes
    by default, where a pack takes seconds): its worker has gone, and it would otherwise show as running for
    good. Queued runs are left waiting for a worker. One query; returns how many were marked."""
    now = now or timezone.now()
    limit = dt.timedelta(seconds=settings.PACK_RUN_STALE_SECONDS)
    return PackRun.objects.filter(status=PackStatus.RUNNING, started_at__lt=now - limit).update(
        status=PackStatus.FAILED, error_message=STALE_MESSAGE, finished_at=now
    )


def _fail(run: PackRun, message: str) -> PackRun:
    run.status = PackStatus.FAILED
    run.error_message = message
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error_message", "finished_at"])
    return run


def board_pack_html(run: PackRun, *, timings: dict[str, float] | None = None) -> str:
    """The board pack's HTML: cover, contents and every area's sections for the run's audience."""
    assert run.partnership is not None
    partnership = selectors.pack_partnership(run.partnership.pk)
    started = time.perf_counter()
    _progress(run, 10, "Gathering each area's figures")
    sections = pack_sections(partnership, partner_view=run.partner_view)
    rendered = []
    for number, section in enumerate(sections, start=1):
        _progress(run, 10 + 40 * number // max(len(sections), 1), f"Writing section: {section.title}")
        rendered.append((section, section.render(partnership=partnership, partner_view=run.partner_view)))
    html = render_to_string(
        "reports/board_pack.html",
        {"run": run, "partnership": partnership, "sections": rendered, "generated_at": timezone.now()},
    )
    if timings is not None:
        timings["html"] = time.perf_counter() - started
    return html


def portfolio_html(run: PackRun) -> str:
    _progress(run, 20, "Summarising each partnership you see")
    rows = selectors.portfolio_rows(run.requested_by)
    return render_to_string(
        "reports/portfolio_pack.html",
        {"run": run, "rows": rows, "generated_at": timezone.now()},
    )
