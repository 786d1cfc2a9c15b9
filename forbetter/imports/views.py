"""Pages of the imports area. Thin: each finds the partnership the user may see (404 otherwise), checks the
user may import (403) and hands reading and writing to :mod:`services`."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from forbetter.accounts.permissions import can_see_confidential, can_submit_partner_returns
from forbetter.imports import selectors, services, spreadsheets
from forbetter.imports.forms import UploadForm
from forbetter.imports.kinds import KINDS, PARTNER_KINDS
from forbetter.imports.models import BatchStatus
from forbetter.imports.reader import megabytes
from forbetter.partnerships import view_helpers
from forbetter.partnerships.view_helpers import partnership_page, visible_partnership

SECTION = "imports"
REFUSED = "Only council editors and administrators can import records"


def require_edit(request: HttpRequest) -> None:
    view_helpers.require_edit(request, REFUSED)


def require_partner(request: HttpRequest) -> None:
    if not can_submit_partner_returns(request.user):
        raise PermissionDenied("Only the partner's staff import KPI returns")


def history(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    council = can_see_confidential(request.user)
    return partnership_page(
        request,
        "imports/history.html",
        partnership,
        SECTION,
        page=view_helpers.paginate(request, selectors.batches_of(partnership)),
        kinds=[(kind, spreadsheets.notes(kind, council=council)) for kind in KINDS.values()],
        partner_kinds=PARTNER_KINDS,
        max_size=megabytes(settings.IMPORT_MAX_BYTES),
        max_rows=settings.IMPORT_MAX_ROWS,
    )


def _upload_page(request: HttpRequest, pk: int, *, partner: bool) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    if partner:
        require_partner(request)
    else:
        require_edit(request)
    form = UploadForm(request.POST or None, request.FILES or None, partner=partner, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            batch = services.batch_upload(
                user=request.user,
                partnership=partnership,
                kind=form.cleaned_data["kind"],
                file_name=file.name,
                size=file.size,
                chunks=file.chunks(),
                version=form.cleaned_data.get("version"),
            )
        except ValidationError as error:
            for message in error.message_dict.get("file", error.messages):
                form.add_error("file", message)
        else:
            return redirect("imports:returns-batch" if partner else "imports:batch", partnership.pk, batch.pk)
    return partnership_page(
        request,
        "imports/upload.html",
        partnership,
        SECTION,
        form=form,
        partner=partner,
        title="Import KPI returns from a spreadsheet" if partner else "Import from a spreadsheet",
        batches=selectors.batches_of(partnership).filter(kind__in=PARTNER_KINDS)[:20] if partner else (),
        kinds=[KINDS[key] for key in PARTNER_KINDS] if partner else (),
    )


def upload(request: HttpRequest, pk: int) -> HttpResponse:
    return _upload_page(request, pk, partner=False)


def returns_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """The partner's own upload page: KPI returns only."""
    return _upload_page(request, pk, partner=True)


def _batch_page(request: HttpRequest, pk: int, batch_pk: int, *, partner: bool) -> HttpResponse:
    """The dry run of a kept file; a POST with ``confirm=yes`` imports it, all or nothing, and comes back
    here with what went wrong if it could not."""
    partnership = visible_partnership(request, pk)
    found = selectors.batch_of(partnership, batch_pk)  # another partnership's: 404 for all
    if (found.kind in PARTNER_KINDS) != partner:
        raise Http404("No such import")
    if partner:
        require_partner(request)
    else:
        require_edit(request)
    here = "imports:returns-batch" if partner else "imports:batch"
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            confirmed = services.batch_confirm(user=request.user, batch=found)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(here, partnership.pk, found.pk)
        if not confirmed.valid:
            messages.error(request, "Nothing was imported: the rows below have errors now.")
            return redirect(here, partnership.pk, found.pk)
        summary = confirmed.summary()
        messages.success(
            request,
            f"Imported {found.file_name}: {summary['created']} created, "
            f"{summary['changed']} changed, {summary['unchanged']} unchanged.",
        )
        return redirect("imports:returns-upload" if partner else "imports:history", partnership.pk)
    result = (
        services.batch_check(user=request.user, batch=found) if found.status == BatchStatus.DRY_RUN else None
    )
    return partnership_page(
        request,
        "imports/batch.html",
        partnership,
        SECTION,
        batch=found,
        kind=KINDS.get(found.kind),
        result=result,
        summary=result.summary() if result else found.summary,
        partner=partner,
    )


def batch(request: HttpRequest, pk: int, batch_pk: int) -> HttpResponse:
    return _batch_page(request, pk, batch_pk, partner=False)


def returns_batch(request: HttpRequest, pk: int, batch_pk: int) -> HttpResponse:
    return _batch_page(request, pk, batch_pk, partner=True)


@require_POST
def abandon(request: HttpRequest, pk: int, batch_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    found = selectors.batch_of(partnership, batch_pk)
    if found.kind in PARTNER_KINDS:
        raise Http404("No such import")
    try:
        services.batch_abandon(user=request.user, batch=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{found.file_name} was abandoned; nothing from it was imported.")
    return redirect("imports:history", partnership.pk)


def template(request: HttpRequest, pk: int, kind: str, fmt: str) -> HttpResponse:
    visible_partnership(request, pk)
    found = KINDS.get(kind)
    if found is None or fmt not in ("xlsx", "csv"):
        raise Http404("No such template")
    council = can_see_confidential(request.user)
    if fmt == "xlsx":
        content = spreadsheets.template_xlsx(found, council=council)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content = spreadsheets.template_csv(found, council=council)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{found.key}-template.{fmt}"'
    return response
