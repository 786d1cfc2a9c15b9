"""Pages of the imports area. Thin: each finds the partnership the user may see (404 otherwise), checks the
user may import (403) and hands reading and writing to :mod:`services`."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from forbetter.accounts.permissions import can_see_confidential
from forbetter.imports import selectors, services, spreadsheets
from forbetter.imports.forms import UploadForm
from forbetter.imports.kinds import KINDS
from forbetter.imports.models import BatchStatus
from forbetter.imports.reader import megabytes
from forbetter.partnerships import view_helpers
from forbetter.partnerships.view_helpers import partnership_page, visible_partnership

SECTION = "imports"
REFUSED = "Only council editors and administrators can import records"


def require_edit(request: HttpRequest) -> None:
    view_helpers.require_edit(request, REFUSED)


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
        max_size=megabytes(settings.IMPORT_MAX_BYTES),
        max_rows=settings.IMPORT_MAX_ROWS,
    )


def upload(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    form = UploadForm(request.POST or None, request.FILES or None)
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
            )
        except ValidationError as error:
            for message in error.message_dict.get("file", error.messages):
                form.add_error("file", message)
        else:
            return redirect("imports:batch", partnership.pk, batch.pk)
    return partnership_page(
        request, "imports/upload.html", partnership, SECTION, form=form, title="Import from a spreadsheet"
    )


def batch(request: HttpRequest, pk: int, batch_pk: int) -> HttpResponse:
    """The dry run of a kept file; a POST with ``confirm=yes`` imports it, all or nothing."""
    partnership = visible_partnership(request, pk)
    require_edit(request)
    found = selectors.batch_of(partnership, batch_pk)
    problem = ""
    if (
        request.method == "POST"
        and request.POST.get("confirm") == "yes"
        and found.status == BatchStatus.DRY_RUN
    ):
        try:
            confirmed = services.batch_confirm(user=request.user, batch=found)
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            if confirmed.valid:
                summary = confirmed.summary()
                messages.success(
                    request,
                    f"Imported {found.file_name}: {summary['created']} created, "
                    f"{summary['changed']} changed, {summary['unchanged']} unchanged.",
                )
                return redirect("imports:history", partnership.pk)
            problem = "Nothing was imported: the rows below have errors now."
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
        problem=problem,
    )


@require_POST
def abandon(request: HttpRequest, pk: int, batch_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    found = selectors.batch_of(partnership, batch_pk)
    try:
        services.batch_abandon(user=request.user, batch=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{found.file_name} was abandoned; nothing from it was imported.")
    return redirect("imports:history", partnership.pk)


def template(request: HttpRequest, pk: int, kind: str, fmt: str) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
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
    del partnership
    return response
