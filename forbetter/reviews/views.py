"""Pages of partnership reviews and responsiveness to change. Thin: each finds the partnership the user may
see (404 otherwise), looks records up within it, checks the role (403) and hands writes to :mod:`services`.

Completed reviews are joint (the partner reads their findings and decisions); planned and in-progress
reviews, the change mechanisms and the scenarios are council-confidential
(decision record 0030).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from forbetter.accounts.permissions import can_see_confidential
from forbetter.core.history import history_of
from forbetter.partnerships import view_helpers
from forbetter.partnerships.models import Partnership
from forbetter.partnerships.view_helpers import paginate, partnership_page, save_form, visible_partnership
from forbetter.reviews import selectors, services
from forbetter.reviews.forms import (
    DecisionForm,
    MechanismForm,
    ReviewForm,
    ScenarioForm,
    ScheduleForm,
    TermsForm,
)
from forbetter.reviews.models import (
    PartnershipReview,
    ReviewSchedule,
    Scenario,
    ServiceDecision,
    ServiceMechanism,
)

SECTION = "reviews"
EDIT_REFUSED = "Your role can read partnership reviews but not change them"
PLANNED_CONFIDENTIAL = "A review that is not completed yet is confidential to the council"
COUNCIL_ONLY = "Change mechanisms and scenarios are confidential to the council"


def require_edit(request: HttpRequest) -> None:
    view_helpers.require_edit(request, EDIT_REFUSED)


def page(
    request: HttpRequest, template: str, partnership: Partnership, reviews_section: str, **context: Any
) -> HttpResponse:
    return partnership_page(
        request, template, partnership, SECTION, reviews_section=reviews_section, **context
    )


def form_page(
    request: HttpRequest,
    partnership: Partnership,
    reviews_section: str,
    *,
    title: str,
    cancel: str,
    **context: Any,
) -> HttpResponse:
    return page(
        request, "reviews/form.html", partnership, reviews_section, title=title, cancel=cancel, **context
    )


# ------------------------------------------------------------------------------------------------------
# Partnership reviews
# ------------------------------------------------------------------------------------------------------


def review_list(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    confidential = can_see_confidential(request.user)
    return page(
        request,
        "reviews/list.html",
        partnership,
        "reviews",
        page_obj=paginate(request, selectors.reviews_for(partnership, request.user)),
        next_review=selectors.next_review(partnership, include_planned=confidential),
    )


def schedule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    schedule = ReviewSchedule.objects.filter(partnership=partnership).first()
    form = ScheduleForm(request.POST or None, instance=schedule)
    if save_form(
        request,
        form,
        lambda data: services.schedule_save(user=request.user, partnership=partnership, data=data),
        success="Review interval saved",
    ):
        return redirect("reviews:list", pk=partnership.pk)
    return form_page(
        request,
        partnership,
        "reviews",
        form=form,
        title="How often the partnership is reviewed",
        intro="The next review falls due this many years after the last completed one (or after the service "
        "started, before the first).",
        button="Save the interval",
        cancel="reviews:list",
        history=history_of(schedule) if schedule else None,
    )


def _review(request: HttpRequest, partnership: Partnership, review_pk: int) -> PartnershipReview:
    review = get_object_or_404(PartnershipReview, partnership=partnership, pk=review_pk)
    if not review.is_completed:
        view_helpers.require_confidential(request, PLANNED_CONFIDENTIAL)
    return review


def review_detail(request: HttpRequest, pk: int, review_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    review = _review(request, partnership, review_pk)
    return page(
        request,
        "reviews/review.html",
        partnership,
        "reviews",
        review=review,
        decisions=selectors.decisions(review),
        # the partner reads the completed review, not the drafts before it (decision record 0030)
        history=history_of(review) if can_see_confidential(request.user) else None,
    )


def review_form(request: HttpRequest, pk: int, review_pk: int | None = None) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    review = (
        get_object_or_404(PartnershipReview, partnership=partnership, pk=review_pk)
        if review_pk is not None
        else None
    )
    form = ReviewForm(request.POST or None, instance=review)
    saved: list[PartnershipReview] = []
    if save_form(
        request,
        form,
        lambda data: saved.append(
            services.review_save(user=request.user, partnership=partnership, review=review, data=data)
        ),
        success="Review saved" if review else "Review planned",
    ):
        return redirect("reviews:review", pk=partnership.pk, review_pk=saved[0].pk)
    return form_page(
        request,
        partnership,
        "reviews",
        form=form,
        title="Change the review" if review else "Plan a partnership review",
        intro="A review of the whole partnership and its bundle of services. Record a decision about each "
        "service on the review's page; the review can be completed once it has findings and at least one "
        "decision.",
        button="Save the review",
        cancel="reviews:list",
        history=history_of(review) if review else None,
    )


def decision_form(
    request: HttpRequest, pk: int, review_pk: int, decision_pk: int | None = None
) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    review = get_object_or_404(PartnershipReview, partnership=partnership, pk=review_pk)
    decision = (
        get_object_or_404(ServiceDecision, review=review, pk=decision_pk) if decision_pk is not None else None
    )
    form = DecisionForm(request.POST or None, instance=decision)
    if save_form(
        request,
        form,
        lambda data: services.decision_save(user=request.user, review=review, decision=decision, data=data),
        success="Decision saved" if decision else "Decision added",
    ):
        return redirect("reviews:review", pk=partnership.pk, review_pk=review.pk)
    bundle = ", ".join(service.name for service in partnership.services.all()) or "none yet"
    return form_page(
        request,
        partnership,
        "reviews",
        form=form,
        title="Change the decision" if decision else f"Add a decision to the {review}",
        intro=f"Services in the partnership's bundle: {bundle}. To add a service, choose one not in the "
        "bundle or name a new one.",
        button="Save the decision",
        cancel="reviews:list",
        history=history_of(decision) if decision else None,
    )


def decision_remove(request: HttpRequest, pk: int, review_pk: int, decision_pk: int) -> HttpResponse:
    """Ask first; a POST without ``confirm=yes`` changes nothing."""
    partnership = visible_partnership(request, pk)
    require_edit(request)
    review = get_object_or_404(PartnershipReview, partnership=partnership, pk=review_pk)
    decision = get_object_or_404(
        ServiceDecision.objects.select_related("service"), review=review, pk=decision_pk
    )
    problem = ""
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.decision_remove(user=request.user, decision=decision)
        except ValidationError as error:
            problem = error.messages[0]
        else:
            messages.success(request, f"Decision about {decision.service_name} removed")
            return redirect("reviews:review", pk=partnership.pk, review_pk=review.pk)
    return page(
        request,
        "reviews/decision_remove.html",
        partnership,
        "reviews",
        review=review,
        decision=decision,
        problem=problem,
        unconfirmed=request.method == "POST" and not problem,
    )


# ------------------------------------------------------------------------------------------------------
# Change mechanisms and scenarios (council only)
# ------------------------------------------------------------------------------------------------------


def _council(request: HttpRequest, pk: int) -> Partnership:
    partnership = visible_partnership(request, pk)
    view_helpers.require_confidential(request, COUNCIL_ONLY)
    return partnership


def mechanisms(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _council(request, pk)
    recorded = list(selectors.mechanisms(partnership))
    with_mechanism = {mechanism.service_id for mechanism in recorded}
    return page(
        request,
        "reviews/mechanisms.html",
        partnership,
        "mechanisms",
        mechanisms=recorded,
        without=[s for s in partnership.services.all() if s.pk not in with_mechanism],
        terms=selectors.terms(partnership),
    )


def mechanism_form(request: HttpRequest, pk: int, mechanism_pk: int | None = None) -> HttpResponse:
    partnership = _council(request, pk)
    require_edit(request)
    mechanism = (
        get_object_or_404(ServiceMechanism, partnership=partnership, pk=mechanism_pk)
        if mechanism_pk is not None
        else None
    )
    form = MechanismForm(request.POST or None, instance=mechanism, services=partnership.services.all())
    if save_form(
        request,
        form,
        lambda data: services.mechanism_save(
            user=request.user, partnership=partnership, mechanism=mechanism, data=data
        ),
        success="Change mechanisms saved",
    ):
        return redirect("reviews:mechanisms", pk=partnership.pk)
    return form_page(
        request,
        partnership,
        "mechanisms",
        form=form,
        title=f"Change the mechanisms for {mechanism.service}"
        if mechanism
        else "Record a service's change mechanisms",
        intro="How the contract prices a change to this service: a change in demand, or withdrawing it. Take "
        "the figures from the contract's schedules.",
        button="Save the mechanisms",
        cancel="reviews:mechanisms",
        history=history_of(mechanism) if mechanism else None,
    )


def terms_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _council(request, pk)
    require_edit(request)
    terms = selectors.terms(partnership)
    form = TermsForm(request.POST or None, instance=terms)
    if save_form(
        request,
        form,
        lambda data: services.terms_save(user=request.user, partnership=partnership, data=data),
        success="Change terms saved",
    ):
        return redirect("reviews:mechanisms", pk=partnership.pk)
    return form_page(
        request,
        partnership,
        "mechanisms",
        form=form,
        title="Terms for added services and policy changes",
        intro="How the contract prices a service added to the bundle, and how it shares the cost of a change "
        "in policy or law.",
        button="Save the terms",
        cancel="reviews:mechanisms",
        history=history_of(terms) if terms else None,
    )


def scenario_list(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _council(request, pk)
    return page(
        request,
        "reviews/scenarios.html",
        partnership,
        "scenarios",
        page_obj=paginate(request, selectors.scenarios(partnership)),
        has_mechanisms=selectors.mechanisms(partnership).exists(),
    )


def scenario_detail(request: HttpRequest, pk: int, scenario_pk: int) -> HttpResponse:
    partnership = _council(request, pk)
    scenario = get_object_or_404(selectors.scenarios(partnership), pk=scenario_pk)
    return page(
        request,
        "reviews/scenario.html",
        partnership,
        "scenarios",
        scenario=scenario,
        result=selectors.price(scenario),
        history=history_of(scenario),
    )


def scenario_form(request: HttpRequest, pk: int, scenario_pk: int | None = None) -> HttpResponse:
    partnership = _council(request, pk)
    require_edit(request)
    scenario = (
        get_object_or_404(Scenario, partnership=partnership, pk=scenario_pk)
        if scenario_pk is not None
        else None
    )
    with_mechanisms = partnership.services.filter(
        pk__in=selectors.mechanisms(partnership).values("service_id")
    ).order_by("name")
    form = ScenarioForm(request.POST or None, instance=scenario, services=with_mechanisms)
    saved: list[Scenario] = []
    if save_form(
        request,
        form,
        lambda data: saved.append(
            services.scenario_save(user=request.user, partnership=partnership, scenario=scenario, data=data)
        ),
        success="Scenario saved",
    ):
        return redirect("reviews:scenario", pk=partnership.pk, scenario_pk=saved[0].pk)
    return form_page(
        request,
        partnership,
        "scenarios",
        form=form,
        title="Change the scenario" if scenario else "Price a change",
        intro="Choose the kind of change and fill in the inputs it needs: the page then shows the cost each "
        "year with and without the change, priced through the contract's change mechanisms.",
        button="Save and price the scenario",
        cancel="reviews:scenarios",
        history=history_of(scenario) if scenario else None,
    )
