"""Pages for the partner's returns: the list, submitting one with evidence, the council's validation or
dispute, and the evidence download (permission-checked; evidence files have no public address)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.http import content_disposition_header

from forbetter.accounts.permissions import can_edit, can_submit_partner_returns
from forbetter.core.history import history_of
from forbetter.partnerships.models import Partnership
from forbetter.partnerships.view_helpers import (
    apply_errors,
    paginate_by_keys,
    partnership_page,
    require_edit,
    visible_partnership,
)
from forbetter.performance import selectors, services
from forbetter.performance.adapters import status_of
from forbetter.performance.forms import ReturnFilterForm, ReturnForm, ReturnReviewForm
from forbetter.performance.models import KpiReturn, ReturnStatus
from forbetter.performance.targets import target_in_force
from forbetter.performance.uploads import KINDS, formula_safe_csv

SECTION = "kpis"


def returns(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    form = ReturnFilterForm(request.GET or None)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    return partnership_page(
        request,
        "performance/returns.html",
        partnership,
        SECTION,
        area="returns",
        form=form,
        page_obj=paginate_by_keys(request, selectors.returns_for(partnership, status=status)),
        can_submit=can_submit_partner_returns(request.user),
    )


def _return(partnership: Partnership, return_pk: int) -> KpiReturn:
    try:
        return selectors.return_detail(partnership, return_pk)
    except KpiReturn.DoesNotExist:
        raise Http404("No such return") from None


def return_submit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    if not can_submit_partner_returns(request.user):
        raise PermissionDenied("Only the partner's staff submit returns; the council validates them")
    kpis = list(selectors.kpis_of(partnership))
    initial = {key: request.GET[key] for key in ("kpi", "period") if key in request.GET}
    form = ReturnForm(request.POST or None, request.FILES or None, kpis=kpis, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.return_submit(
                user=request.user,
                partnership=partnership,
                kpi_id=data["kpi"],
                period=data["period"],
                value=data["value"],
                evidence=data["evidence"],
                commentary=data["commentary"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            late = " It was late: the council will see it flagged." if record.late else ""
            messages.success(request, f"Return for {record} submitted for validation.{late}")
            return redirect("performance:return", pk=partnership.pk, return_pk=record.pk)
    return partnership_page(
        request, "performance/return_form.html", partnership, SECTION, area="returns", form=form
    )


def return_detail(request: HttpRequest, pk: int, return_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    record = _return(partnership, return_pk)
    status = None
    if record.status == ReturnStatus.VALIDATED:
        status = status_of(record.kpi, record.value, record.period)
    return partnership_page(
        request,
        "performance/return_detail.html",
        partnership,
        SECTION,
        area="returns",
        record=record,
        status=status,
        target=target_in_force(record.kpi, record.period),
        history=history_of(record),
        review_form=ReturnReviewForm()
        if can_edit(request.user) and record.status != ReturnStatus.VALIDATED
        else None,
        can_dispute=can_edit(request.user),
        can_submit=can_submit_partner_returns(request.user),
    )


def return_review(request: HttpRequest, pk: int, return_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    record = _return(partnership, return_pk)
    form = ReturnReviewForm(request.POST or None, validated=record.status == ReturnStatus.VALIDATED)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "validate":
                services.return_validate(user=request.user, kpi_return=record)
                messages.success(request, f"Return for {record} validated: it now counts")
            else:
                services.return_dispute(
                    user=request.user, kpi_return=record, reason=form.cleaned_data["reason"]
                )
                messages.success(
                    request, f"Return for {record} disputed: the partner can send a corrected one"
                )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("performance:return", pk=partnership.pk, return_pk=record.pk)
    return partnership_page(
        request,
        "performance/return_review.html",
        partnership,
        SECTION,
        area="returns",
        record=record,
        form=form,
    )


def evidence_download(request: HttpRequest, pk: int, return_pk: int) -> HttpResponseBase:
    """The evidence file, always as a download (never shown in the browser). A CSV is served with its
    formula cells escaped so that opening it in a spreadsheet cannot run anything; the stored file is
    unchanged. One that cannot be read as CSV is served as plain text under a ``.txt`` name."""
    partnership = visible_partnership(request, pk)
    record = _return(partnership, return_pk)
    if not record.evidence_file:
        raise Http404("No evidence file was uploaded with this return")
    kind = KINDS.get(record.evidence_type)
    filename = record.evidence_name or f"evidence.{record.evidence_type}"
    try:
        handle = record.evidence_file.open("rb")
    except FileNotFoundError:
        raise Http404("The evidence file is missing") from None
    response: HttpResponseBase
    if record.evidence_type == "csv":
        with handle:
            safe = formula_safe_csv(handle.read())
        content_type = "text/csv; charset=utf-8"
        if safe is None:
            handle = record.evidence_file.open("rb")
            with handle:
                safe = handle.read()
            content_type, filename = "text/plain; charset=utf-8", f"{filename}.txt"
        response = HttpResponse(safe, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    else:
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=filename,
            content_type=kind.content_type if kind else "application/octet-stream",
        )
    response["X-Content-Type-Options"] = "nosniff"
    return response
