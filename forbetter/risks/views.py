"""Pages of the risk register: list, risk, heat map, allocation, reviews and the change-of-ownership plan.

Views are thin: they find the partnership through ``partnerships_visible_to`` (anything a user may not see is
a 404), check edit permission (403) and hand writes to services. Monte Carlo runs and the exit analysis,
which are council-confidential, are in :mod:`forbetter.risks.analysis_views`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from forbetter.accounts.permissions import can_see_confidential
from forbetter.core.history import history_of
from forbetter.partnerships import view_helpers
from forbetter.partnerships.models import Partnership
from forbetter.partnerships.view_helpers import (
    apply_errors,
    paginate,
    partnership_page,
    save_form,
    visible_partnership,
)
from forbetter.risks import selectors, services
from forbetter.risks.forms import (
    PLAN_ITEM_FORMS,
    OwnershipPlanForm,
    RegisterFilterForm,
    ReviewForm,
    RiskActionForm,
    RiskForm,
)
from forbetter.risks.models import ReviewFrequency, Risk, RiskReview, RiskStatus
from forbetter.risks.services import PLAN_ITEM_MODELS, ReviewEntry

EDIT_REFUSED = "Your role can read the risk records but not change them"
CONFIDENTIAL = "Monte Carlo results and exit costs are confidential to the council"
PLAN_CONFIDENTIAL = "The change-of-ownership plan is confidential to the council"


def require_edit(request: HttpRequest) -> None:
    view_helpers.require_edit(request, EDIT_REFUSED)


def require_confidential(request: HttpRequest) -> None:
    view_helpers.require_confidential(request, CONFIDENTIAL)


def page(
    request: HttpRequest, template: str, partnership: Partnership, risk_section: str, **context: Any
) -> HttpResponse:
    return partnership_page(request, template, partnership, "risks", risk_section=risk_section, **context)


def _risk(partnership: Partnership, risk_pk: int) -> Risk:
    try:
        return selectors.risk_detail(partnership, risk_pk)
    except Risk.DoesNotExist as error:
        raise Http404("No such risk") from error


# ------------------------------------------------------------------------------------------------------
# Register
# ------------------------------------------------------------------------------------------------------


def register(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    form = RegisterFilterForm(request.GET or None, partnership=partnership)
    filters = form.filters()
    return page(
        request,
        "risks/register.html",
        partnership,
        "register",
        form=form,
        filters=filters,
        filtered=bool(request.GET.dict().keys() - {"page"}),
        page_obj=paginate(request, selectors.register(partnership, filters), export_as="risk_register"),
        summary=selectors.register_summary(partnership),
        today=dt.date.today(),
    )


def risk_create(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    form = RiskForm(
        request.POST or None,
        partnership=partnership,
        initial={"status": RiskStatus.OPEN, "review_frequency": ReviewFrequency.QUARTERLY},
    )
    if request.method == "POST" and form.is_valid():
        try:
            risk = services.risk_create(user=request.user, partnership=partnership, data=form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Risk {risk.reference} added to the register")
            return redirect("risks:risk", pk=partnership.pk, risk_pk=risk.pk)
    return page(request, "risks/risk_form.html", partnership, "register", form=form, risk=None)


def risk_detail(request: HttpRequest, pk: int, risk_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    risk = _risk(partnership, risk_pk)
    partner_view = not can_see_confidential(request.user)
    return page(
        request,
        "risks/risk_detail.html",
        partnership,
        "register",
        risk=risk,
        history=history_of(
            risk, hidden_fields=selectors.RISK_FIELDS_HIDDEN_FROM_PARTNER if partner_view else ()
        ),
        today=dt.date.today(),
    )


def risk_edit(request: HttpRequest, pk: int, risk_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    risk = get_object_or_404(Risk.objects.select_related("partnership"), partnership=partnership, pk=risk_pk)
    form = RiskForm(request.POST or None, instance=risk, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_update(user=request.user, risk=risk, data=form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Risk {risk.reference} saved")
            return redirect("risks:risk", pk=partnership.pk, risk_pk=risk.pk)
        risk.refresh_from_db()
    return page(request, "risks/risk_form.html", partnership, "register", form=form, risk=risk)


def action_form(request: HttpRequest, pk: int, risk_pk: int, action_pk: int | None = None) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    risk = get_object_or_404(Risk.objects.select_related("partnership"), partnership=partnership, pk=risk_pk)
    action = get_object_or_404(risk.actions.all(), pk=action_pk) if action_pk is not None else None
    form = RiskActionForm(request.POST or None, instance=action, partnership=partnership)
    if save_form(
        request,
        form,
        lambda data: services.risk_action_save(user=request.user, risk=risk, action=action, data=data),
        success=f"Action {'saved' if action else 'added'} for {risk.reference}",
    ):
        return redirect("risks:risk", pk=partnership.pk, risk_pk=risk.pk)
    return page(
        request, "risks/action_form.html", partnership, "register", form=form, risk=risk, action=action
    )


# ------------------------------------------------------------------------------------------------------
# Heat map, allocation matrix, reviews due
# ------------------------------------------------------------------------------------------------------


def heat_map(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    maps = [selectors.heat_map(partnership, position=position) for position in ("inherent", "residual")]
    return page(request, "risks/heat_map.html", partnership, "heat-map", maps=maps)


def allocation(request: HttpRequest, pk: int) -> HttpResponse:
    """Counts by category and allocation for everyone; expected costs, and the council's expected retained
    cost above all, only for those who may see the Monte Carlo results (docs/decisions/0008)."""
    partnership = visible_partnership(request, pk)
    return page(
        request,
        "risks/allocation.html",
        partnership,
        "allocation",
        matrix=selectors.allocation_matrix(partnership),
    )


def reviews_due(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    return page(
        request,
        "risks/reviews_due.html",
        partnership,
        "due",
        page_obj=paginate(request, selectors.reviews_due(partnership)),
        today=dt.date.today(),
        window=settings.DUE_SOON_DAYS,
    )


# ------------------------------------------------------------------------------------------------------
# Review records
# ------------------------------------------------------------------------------------------------------


def reviews(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    return page(
        request,
        "risks/reviews.html",
        partnership,
        "reviews",
        page_obj=paginate(request, selectors.review_list(partnership)),
    )


def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    page_obj = paginate(request, selectors.open_risks_for_review(partnership))
    risks = list(page_obj)
    form = ReviewForm(
        request.POST or None,
        partnership=partnership,
        risks=risks,
        initial={"reviewed_on": dt.date.today(), "reviewer": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        entries = [
            ReviewEntry(risk=risk, likelihood=likelihood, impact=impact, comment=comment)
            for risk, likelihood, impact, comment in form.entries()
        ]
        try:
            review = services.risk_review_record(
                user=request.user,
                partnership=partnership,
                reviewed_on=form.cleaned_data["reviewed_on"],
                reviewer=form.cleaned_data["reviewer"],
                notes=form.cleaned_data["notes"],
                entries=entries,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Review recorded: {len(entries)} risks reviewed")
            return redirect("risks:review", pk=partnership.pk, review_pk=review.pk)
    return page(
        request,
        "risks/review_form.html",
        partnership,
        "reviews",
        form=form,
        page_obj=page_obj,
        today=dt.date.today(),
    )


def review_detail(request: HttpRequest, pk: int, review_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    try:
        review = selectors.review_detail(partnership, review_pk)
    except RiskReview.DoesNotExist as error:
        raise Http404("No such review") from error
    items = list(review.items.all())
    return page(
        request,
        "risks/review_detail.html",
        partnership,
        "reviews",
        review=review,
        items=items,
        changed_count=sum(1 for item in items if item.score_changed),
    )


# ------------------------------------------------------------------------------------------------------
# Change-of-ownership plan
# ------------------------------------------------------------------------------------------------------


def ownership_plan(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    view_helpers.require_confidential(request, PLAN_CONFIDENTIAL)
    plan = selectors.ownership_plan(partnership)
    return page(
        request,
        "risks/ownership_plan.html",
        partnership,
        "ownership",
        plan=plan,
        history=selectors.ownership_plan_history(plan) if plan else [],
    )


def ownership_plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    view_helpers.require_confidential(request, PLAN_CONFIDENTIAL)
    require_edit(request)
    plan = selectors.ownership_plan(partnership)
    form = OwnershipPlanForm(request.POST or None, instance=plan)
    if save_form(
        request,
        form,
        lambda data: services.ownership_plan_save(user=request.user, partnership=partnership, data=data),
        success="Change-of-ownership plan saved",
    ):
        return redirect("risks:ownership-plan", pk=partnership.pk)
    return page(request, "risks/ownership_plan_form.html", partnership, "ownership", form=form, plan=plan)


def _plan_or_redirect(request: HttpRequest, partnership: Partnership) -> Any:
    plan = selectors.ownership_plan(partnership)
    if plan is None:
        messages.info(request, "Write the plan's summary first; then add its triggers, actions and contacts")
        return redirect("risks:ownership-plan-edit", pk=partnership.pk)
    return plan


def plan_item_form(request: HttpRequest, pk: int, kind: str, item_pk: int | None = None) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    if kind not in PLAN_ITEM_FORMS:
        raise Http404("No such part of the plan")
    view_helpers.require_confidential(request, PLAN_CONFIDENTIAL)
    require_edit(request)
    plan = _plan_or_redirect(request, partnership)
    if isinstance(plan, HttpResponse):
        return plan
    form_class, noun = PLAN_ITEM_FORMS[kind]
    item = (
        get_object_or_404(PLAN_ITEM_MODELS[kind]._default_manager.filter(plan=plan), pk=item_pk)
        if item_pk
        else None
    )
    form = form_class(request.POST or None, instance=item)
    if save_form(
        request,
        form,
        lambda data: services.ownership_item_save(
            user=request.user, plan=plan, kind=kind, item=item, data=data
        ),
        success=f"The plan's {noun} {'saved' if item else 'added'}",
    ):
        return redirect("risks:ownership-plan", pk=partnership.pk)
    return page(
        request,
        "risks/plan_item_form.html",
        partnership,
        "ownership",
        form=form,
        noun=noun,
        item=item,
        kind=kind,
    )


def plan_item_remove(request: HttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    """Ask, saying what will happen, then remove. A POST without ``confirm=yes`` changes nothing."""
    partnership = visible_partnership(request, pk)
    if kind not in PLAN_ITEM_FORMS:
        raise Http404("No such part of the plan")
    view_helpers.require_confidential(request, PLAN_CONFIDENTIAL)
    require_edit(request)
    item = get_object_or_404(
        PLAN_ITEM_MODELS[kind]._default_manager.filter(plan__partnership=partnership), pk=item_pk
    )
    noun = PLAN_ITEM_FORMS[kind][1]
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        services.ownership_item_remove(user=request.user, item=item)
        messages.success(request, f"The plan's {noun} removed")
        return redirect("risks:ownership-plan", pk=partnership.pk)
    return page(
        request,
        "risks/plan_item_remove.html",
        partnership,
        "ownership",
        item=item,
        noun=noun,
        unconfirmed=request.method == "POST",
    )
