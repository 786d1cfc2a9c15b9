"""Pages for indicator reviews, benchmarking against comparator councils, and the benefits register."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from forbetter.accounts.permissions import can_edit
from forbetter.core.history import history_of
from forbetter.partnerships.view_helpers import (
    apply_errors,
    partnership_page,
    require_edit,
    save_form,
    visible_partnership,
    write_form,
)
from forbetter.performance import benchmarks, selectors, services
from forbetter.performance.forms import (
    BenchmarkConfirmForm,
    BenchmarkUploadForm,
    BenefitForm,
    BenefitValueFormSet,
    ReviewRecordForm,
    ReviewScheduleForm,
)
from forbetter.performance.models import Benefit, IndicatorReview, Kpi, KpiState

SECTION = "kpis"


def reviews(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    form = None
    active = list(selectors.kpis_of(partnership).filter(state=KpiState.ACTIVE))
    if can_edit(request.user):
        form = ReviewScheduleForm(request.POST or None, kpis=active)
    elif request.method == "POST":
        require_edit(request)
    if request.method == "POST" and form is not None and form.is_valid():
        kpi = next(k for k in active if k.pk == form.cleaned_data["kpi"])
        try:
            services.review_schedule(user=request.user, kpi=kpi, due_on=form.cleaned_data["due_on"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Review of {kpi.reference} scheduled")
            return redirect("performance:reviews", pk=partnership.pk)
    return partnership_page(
        request,
        "performance/reviews.html",
        partnership,
        SECTION,
        area="reviews",
        board=selectors.review_board(partnership),
        form=form,
    )


def review_record(request: HttpRequest, pk: int, review_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    review = get_object_or_404(
        IndicatorReview.objects.select_related("kpi"), kpi__partnership=partnership, pk=review_pk
    )
    form = ReviewRecordForm(request.POST or None)
    if save_form(
        request,
        form,
        lambda data: services.review_record(user=request.user, review=review, **data),
        success=f"Review of {review.kpi.reference} recorded",
    ):
        return redirect("performance:reviews", pk=partnership.pk)
    return partnership_page(
        request,
        "performance/review_form.html",
        partnership,
        SECTION,
        area="reviews",
        review=review,
        form=form,
        history=history_of(review),
    )


def benchmark(request: HttpRequest, pk: int, kpi_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    kpi = get_object_or_404(Kpi, partnership=partnership, pk=kpi_pk)
    return partnership_page(
        request,
        "performance/benchmark.html",
        partnership,
        SECTION,
        area="dashboard",
        kpi=kpi,
        view=selectors.benchmark(kpi),
    )


def benchmark_import(request: HttpRequest, pk: int, kpi_pk: int) -> HttpResponse:
    """Upload a CSV: the dry run shows every row to be imported and every problem; confirm to save."""
    partnership = visible_partnership(request, pk)
    require_edit(request)
    kpi = get_object_or_404(Kpi, partnership=partnership, pk=kpi_pk)
    context: dict[str, Any] = {"kpi": kpi, "columns": benchmarks.COLUMNS, "preview": None, "confirm": None}
    upload = BenchmarkUploadForm()
    if request.method == "POST" and "csv_text" in request.POST:
        confirm = BenchmarkConfirmForm(request.POST)
        if confirm.is_valid():
            try:
                batch = services.benchmark_import(
                    user=request.user,
                    kpi=kpi,
                    file_name=confirm.cleaned_data["file_name"],
                    text=confirm.cleaned_data["csv_text"],
                )
            except ValidationError as error:
                apply_errors(upload, error)
            else:
                messages.success(request, f"{batch.row_count} comparator values imported for {kpi.reference}")
                return redirect("performance:benchmark", pk=partnership.pk, kpi_pk=kpi.pk)
        else:
            upload.add_error("file", "The checked file was not sent back: upload it again")
    elif request.method == "POST":
        upload = BenchmarkUploadForm(request.POST, request.FILES)
        if upload.is_valid():
            uploaded = upload.cleaned_data["file"]
            try:
                text = benchmarks.decode(uploaded.read(benchmarks.MAX_BYTES + 1))
            except ValueError as error:
                upload.add_error("file", str(error))
            else:
                preview = benchmarks.parse(kpi, text)
                context["preview"] = preview
                if preview.errors:
                    upload.add_error("file", _problems(preview))
                if preview.ok:
                    context["confirm"] = BenchmarkConfirmForm(
                        initial={"csv_text": text, "file_name": uploaded.name}
                    )
    context["form"] = upload
    return partnership_page(
        request, "performance/benchmark_import.html", partnership, SECTION, area="dashboard", **context
    )


def _problems(preview: benchmarks.Preview) -> str:
    count = len(preview.errors)
    first = preview.errors[0]
    column = f", {first.column}" if first.column else ""
    return (
        f"The file has {count} problem{'s' if count != 1 else ''} and nothing has been imported. "
        f"Row {first.row}{column}: {first.message}"
    )


def benefits(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    return partnership_page(
        request,
        "performance/benefits.html",
        partnership,
        SECTION,
        area="benefits",
        benefits=list(selectors.benefits_of(partnership)),
        totals=selectors.benefit_totals(partnership),
    )


def _benefit_form(request: HttpRequest, pk: int, benefit_pk: int | None) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    benefit = (
        get_object_or_404(Benefit, partnership=partnership, pk=benefit_pk) if benefit_pk is not None else None
    )
    rows = (
        []
        if benefit is None
        else list(benefit.values.order_by("year").values("year", "planned_gbp", "realised_gbp"))
    )
    form = BenefitForm(request.POST or None, instance=benefit, partnership=partnership)
    values = BenefitValueFormSet(request.POST or None, initial=rows + [{}] * 3, prefix="years")
    if request.method == "POST" and form.is_valid() and values.is_valid():
        written, saved = write_form(
            form,
            lambda data: services.benefit_save(
                user=request.user,
                partnership=partnership,
                benefit=benefit,
                data=data,
                values=[row for row in (f.row() for f in values.forms) if row is not None],
            ),
        )
        if written:
            messages.success(request, f"Benefit '{saved.name}' saved")
            return redirect("performance:benefit", pk=partnership.pk, benefit_pk=saved.pk)
    return partnership_page(
        request,
        "performance/benefit_form.html",
        partnership,
        SECTION,
        area="benefits",
        form=form,
        values=values,
        benefit=benefit,
    )


def benefit_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _benefit_form(request, pk, None)


def benefit_edit(request: HttpRequest, pk: int, benefit_pk: int) -> HttpResponse:
    return _benefit_form(request, pk, benefit_pk)


def benefit_detail(request: HttpRequest, pk: int, benefit_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    benefit = get_object_or_404(selectors.benefits_of(partnership), pk=benefit_pk)
    return partnership_page(
        request,
        "performance/benefit_detail.html",
        partnership,
        SECTION,
        area="benefits",
        benefit=benefit,
        history=history_of(benefit),
    )
