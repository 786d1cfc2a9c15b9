"""Pages for the KPI set: dashboard, a KPI's page, creating and changing KPIs, and annual ratings.

Views are thin: the partnership comes through ``partnerships_visible_to`` (404 otherwise), changes need an
editor (403), writes go to services and every figure comes from selectors backed by the engine.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from forbetter.core.history import history_of
from forbetter.partnerships.view_helpers import (
    apply_errors,
    partnership_page,
    require_edit,
    visible_partnership,
)
from forbetter.performance import selectors, services
from forbetter.performance.forms import KpiForm
from forbetter.performance.models import Kpi

SECTION = "kpis"


def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    return partnership_page(
        request,
        "performance/dashboard.html",
        partnership,
        SECTION,
        area="dashboard",
        board=selectors.dashboard(partnership),
    )


def kpi_create(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    form = KpiForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            kpi = services.kpi_create(user=request.user, partnership=partnership, data=form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"KPI {kpi.reference} added")
            return redirect("performance:kpi", pk=partnership.pk, kpi_pk=kpi.pk)
    return partnership_page(request, "performance/kpi_form.html", partnership, SECTION, form=form, kpi=None)


def _kpi(partnership_pk: int, kpi_pk: int) -> Kpi:
    return get_object_or_404(Kpi.objects.select_related("owner"), partnership_id=partnership_pk, pk=kpi_pk)


def kpi_detail(request: HttpRequest, pk: int, kpi_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    kpi = _kpi(partnership.pk, kpi_pk)
    return partnership_page(
        request,
        "performance/kpi_detail.html",
        partnership,
        SECTION,
        area="dashboard",
        detail=selectors.kpi_detail(kpi),
        kpi=kpi,
        history=history_of(kpi),
    )


def kpi_edit(request: HttpRequest, pk: int, kpi_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    kpi = _kpi(partnership.pk, kpi_pk)
    form = KpiForm(request.POST or None, instance=kpi, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            services.kpi_update(user=request.user, kpi=kpi, data=form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"KPI {kpi.reference} saved")
            return redirect("performance:kpi", pk=partnership.pk, kpi_pk=kpi.pk)
        kpi.refresh_from_db()
    return partnership_page(request, "performance/kpi_form.html", partnership, SECTION, form=form, kpi=kpi)


def ratings(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    years = selectors.rating_years(partnership)
    requested = request.GET.get("year", "")
    year: int | None
    if requested:
        if not requested.isdigit() or int(requested) not in years:
            raise Http404("No validated values for that year")
        year = int(requested)
    else:
        year = years[0] if years else None
    return partnership_page(
        request,
        "performance/ratings.html",
        partnership,
        SECTION,
        area="ratings",
        ratings=selectors.annual_ratings(partnership, year=year, years=years) if year is not None else None,
    )
