"""Pages for the KPI set: dashboard, a KPI's page, creating and changing KPIs, and annual ratings.

Views are thin: the partnership comes through ``partnerships_visible_to`` (404 otherwise), changes need an
editor (403), writes go to services and every figure comes from selectors backed by the engine.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from forbetter.core import exports
from forbetter.core.history import history_of
from forbetter.partnerships.procurement import act_applies, regime_summary
from forbetter.partnerships.view_helpers import (
    apply_errors,
    paginate,
    partnership_page,
    require_edit,
    save_form,
    visible_partnership,
)
from forbetter.performance import selectors, services
from forbetter.performance.forms import KpiAgreementForm, KpiForm, PublishedRatingForm
from forbetter.performance.models import Kpi, KpiAgreement, KpiState

SECTION = "kpis"


def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    exports.offer(request, selectors.kpis_of(partnership).filter(state=KpiState.ACTIVE))  # as the board shows
    return partnership_page(
        request,
        "performance/dashboard.html",
        partnership,
        SECTION,
        area="dashboard",
        board=selectors.dashboard(partnership, page_number=request.GET.get("page")),
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
    # The targets are read once here: every return's status is judged against the target in force then.
    return get_object_or_404(
        Kpi.objects.select_related("owner").prefetch_related("targets"),
        partnership_id=partnership_pk,
        pk=kpi_pk,
    )


def kpi_detail(request: HttpRequest, pk: int, kpi_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    kpi = _kpi(partnership.pk, kpi_pk)
    detail = selectors.kpi_detail(kpi)
    return partnership_page(
        request,
        "performance/kpi_detail.html",
        partnership,
        SECTION,
        area="dashboard",
        detail=detail,
        page_obj=paginate(request, detail.lines),
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
    """The s. 71 annual ratings, by contract year: only where the Procurement Act 2023 applies."""
    partnership = visible_partnership(request, pk)
    under_act = act_applies(partnership)
    years = selectors.rating_years(partnership) if under_act else []
    requested = request.GET.get("year", "")
    year: selectors.RatingYear | None
    if requested:
        year = next((y for y in years if requested.isdigit() and y.number == int(requested)), None)
        if year is None:
            raise Http404("No such contract year")
    else:
        year = next((y for y in years if y.complete), years[0] if years else None)
    return partnership_page(
        request,
        "performance/ratings.html",
        partnership,
        SECTION,
        area="ratings",
        under_act=under_act,
        regime=regime_summary(partnership),
        ratings=selectors.annual_ratings(partnership, year=year, years=years) if year is not None else None,
    )


def published_rating(request: HttpRequest, pk: int, year: int, kpi_pk: int) -> HttpResponse:
    """Record the rating published for one KPI and completed contract year, or why none was."""
    partnership = visible_partnership(request, pk)
    require_edit(request)
    kpi = _kpi(partnership.pk, kpi_pk)
    rating_year = selectors.rating_year(partnership, year) if act_applies(partnership) else None
    if rating_year is None or not rating_year.complete:
        raise Http404("Only a completed contract year of a partnership under the Act can be rated")
    existing = kpi.published_ratings.filter(year_start=rating_year.start).first()
    initial = (
        {
            "rating": existing.rating,
            "explanation": existing.explanation,
            "exemption_reason": existing.exemption_reason,
            "published_on": existing.published_on,
        }
        if existing
        else {}
    )
    form = PublishedRatingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.published_rating_record(
                user=request.user,
                kpi=kpi,
                year_start=rating_year.start,
                year_end=rating_year.end,
                data=form.cleaned_data,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, f"Rating for {kpi.reference}, contract year {rating_year.number}, recorded"
            )
            return redirect(f"{reverse('performance:ratings', kwargs={'pk': partnership.pk})}?year={year}")
    statuses_row = next(
        (
            row
            for row in selectors.annual_ratings(partnership, year=rating_year, years=[rating_year]).rows
            if row.kpi.pk == kpi.pk
        ),
        None,
    )
    return partnership_page(
        request,
        "performance/published_rating_form.html",
        partnership,
        SECTION,
        area="ratings",
        form=form,
        kpi=kpi,
        year=rating_year,
        row=statuses_row,
        history=history_of(existing) if existing else None,
    )


def _agreement_choices(kpi: Kpi) -> list[tuple[str, str]]:
    """The steps the KPI can take: on to the next state, or back one (not from agreed once refused)."""
    choices = []
    following = services.agreement_next(kpi)
    if following is not None:
        choices.append((following, f"{KpiAgreement(following).label}"))
    index = services.AGREEMENT_ORDER.index(KpiAgreement(kpi.agreement))
    if index > 0 and not services.agreement_reopen_refusal(kpi):
        back = services.AGREEMENT_ORDER[index - 1]
        choices.append((back, f"Back to {KpiAgreement(back).label.lower()}"))
    return choices


def kpi_agreement(request: HttpRequest, pk: int, kpi_pk: int) -> HttpResponse:
    """Move the KPI on from proposed to negotiated to agreed (or back a step, with a reason)."""
    partnership = visible_partnership(request, pk)
    require_edit(request)
    kpi = _kpi(partnership.pk, kpi_pk)
    choices = _agreement_choices(kpi)
    following = services.agreement_next(kpi)
    form = KpiAgreementForm(
        request.POST or None, choices=choices, initial={"to": following}, version_record=kpi
    )
    if save_form(
        request,
        form,
        lambda data: services.kpi_agreement_move(
            user=request.user, kpi=kpi, to=data["to"], reason=data["reason"]
        ),
        success=f"KPI {kpi.reference} moved on",
    ):
        return redirect("performance:kpi", pk=partnership.pk, kpi_pk=kpi.pk)
    return partnership_page(
        request,
        "performance/kpi_agreement.html",
        partnership,
        SECTION,
        form=form,
        kpi=kpi,
        refusal=services.agreement_reopen_refusal(kpi),
        returns_refusal=services.returns_refusal(kpi),
    )
