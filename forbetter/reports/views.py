"""Board-pack pages. Thin: each finds the partnership the user may see (404 otherwise), the run within it, and
checks the run's audience: a council pack is council-only (403 for partner users); a portfolio summary is
its requester's alone. Making the PDF is the background task's work (:mod:`forbetter.reports.services`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from forbetter.accounts.permissions import can_see_confidential
from forbetter.partnerships.view_helpers import (
    paginate,
    partnership_page,
    require_confidential,
    visible_partnership,
)
from forbetter.reports import selectors, services
from forbetter.reports.models import PackKind, PackRun, PackStatus
from forbetter.reports.pdf import unavailable_reason

SECTION = "board-pack"
REFRESH_SECONDS = 5
COUNCIL_PACK = "This board pack includes material confidential to the council"


def _auto_refresh(request: HttpRequest, pending: bool) -> bool:
    """Whether the page checks again by itself: while a run is pending, unless the reader turned it off
    (WCAG 2.2.1, timing adjustable). An HTTP ``Refresh`` header, so no script is needed."""
    return pending and request.GET.get("refresh") != "off"


def _refreshing(response: HttpResponse, refresh: bool) -> HttpResponse:
    if refresh:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


def packs(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    services.fail_stale_runs()
    page_obj = paginate(request, selectors.runs_for(partnership, request.user))
    pending = any(run.is_pending for run in page_obj.object_list)
    refresh = _auto_refresh(request, pending)
    response = partnership_page(
        request,
        "reports/packs.html",
        partnership,
        SECTION,
        page_obj=page_obj,
        pending=pending,
        auto_refresh=refresh,
        refresh_seconds=REFRESH_SECONDS,
        unavailable=unavailable_reason(),
    )
    return _refreshing(response, refresh)


@require_POST
def generate(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    partner_view = request.POST.get("audience") == "partner"
    run = services.pack_run_request(user=request.user, partnership=partnership, partner_view=partner_view)
    messages.success(request, f"Board pack {run.pk} requested")
    return redirect("reports:run", pk=partnership.pk, run_pk=run.pk)


def _run(request: HttpRequest, pk: int, run_pk: int) -> tuple[Any, PackRun]:
    partnership = visible_partnership(request, pk)
    run = get_object_or_404(
        PackRun.objects.defer("pdf").select_related("requested_by"),
        kind=PackKind.BOARD,
        partnership=partnership,
        pk=run_pk,
    )
    if not run.partner_view:
        require_confidential(request, COUNCIL_PACK)
    return partnership, run


def run_detail(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    partnership, run = _run(request, pk, run_pk)
    if services.fail_stale_runs():
        run.refresh_from_db()
    refresh = _auto_refresh(request, run.is_pending)
    response = partnership_page(
        request,
        "reports/run.html",
        partnership,
        SECTION,
        run=run,
        auto_refresh=refresh,
        refresh_seconds=REFRESH_SECONDS,
        unavailable=unavailable_reason(),
    )
    return _refreshing(response, refresh)


def _pdf_response(run: PackRun) -> HttpResponse:
    response = HttpResponse(bytes(run.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{run.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def download(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    _, run = _run(request, pk, run_pk)
    if run.status != PackStatus.DONE:
        raise Http404("This board pack has no PDF yet")
    return _pdf_response(PackRun.objects.get(pk=run.pk))


def portfolio(request: HttpRequest) -> HttpResponse:
    services.fail_stale_runs()
    page_obj = paginate(request, selectors.portfolio_runs_for(request.user))
    pending = any(run.is_pending for run in page_obj.object_list)
    refresh = _auto_refresh(request, pending)
    response = render(
        request,
        "reports/portfolio.html",
        {
            "page_obj": page_obj,
            "pending": pending,
            "auto_refresh": refresh,
            "refresh_seconds": REFRESH_SECONDS,
            "unavailable": unavailable_reason(),
            "partner_user": not can_see_confidential(request.user),
        },
    )
    return _refreshing(response, refresh)


@require_POST
def portfolio_generate(request: HttpRequest) -> HttpResponse:
    run = services.portfolio_run_request(user=request.user)
    messages.success(request, f"Portfolio summary {run.pk} requested")
    return redirect("reports:portfolio")


def portfolio_pdf(request: HttpRequest) -> HttpResponse:
    """The user's latest finished portfolio summary; a page saying there is none yet otherwise."""
    run = selectors.portfolio_runs_for(request.user).filter(status=PackStatus.DONE).first()
    if run is None:
        return render(request, "reports/portfolio_none.html", {})
    return _pdf_response(PackRun.objects.get(pk=run.pk))
