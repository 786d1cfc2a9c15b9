"""Pages of the evaluation part: bundles, evaluations (set-up, scoring, moderation, report). Thin: reads
come from :mod:`selectors`, writes go through :mod:`services`, figures from the engines via
:mod:`adapters`. Every page is council-only (:func:`forbetter.procurement.pages.council_partnership`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from forbetter.core.form_handling import save_form
from forbetter.partnerships.view_helpers import paginate
from forbetter.procurement.evaluation import selectors, services
from forbetter.procurement.evaluation.forms import (
    BundleForm,
    CriterionForm,
    EvaluationForm,
    LotForm,
    LotPriceForm,
    ModerationForm,
    ScoreForm,
    ShouldCostForm,
    TenderBidForm,
)
from forbetter.procurement.models import (
    Bundle,
    EvaluationState,
    Lot,
    LotPrice,
    ModeratedScore,
    ShouldCostSource,
)
from forbetter.procurement.pages import council_partnership, editable_partnership, page

BUNDLES = "bundles"
EVALUATIONS = "evaluations"


# ------------------------------------------------------------------------------------------- bundles


def bundles(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = council_partnership(request, pk)
    bundle_page = paginate(request, selectors.bundles(partnership))
    lot_page = _paged(request, selectors.lots(partnership), "lots_page")
    return page(
        request,
        "procurement/evaluation/bundles.html",
        partnership,
        BUNDLES,
        lot_page=lot_page,
        comparison=selectors.lot_comparison(partnership, lot_page.object_list),
        price_page=_paged(request, selectors.standalone_prices(partnership), "prices_page"),
        page_obj=bundle_page,
        rows=selectors.bundle_rows(partnership, bundle_page.object_list),
    )


def _paged(request: HttpRequest, items: Any, param: str) -> Page:
    """A page of one of several lists on a page, each with its own query parameter."""
    return paginate(request, items, page_param=param)


def lot_form(request: HttpRequest, pk: int, lot_pk: int | None = None) -> HttpResponse:
    partnership = editable_partnership(request, pk)
    lot = get_object_or_404(Lot, partnership=partnership, pk=lot_pk) if lot_pk else None
    form = LotForm(request.POST or None, instance=lot)
    if save_form(
        request,
        form,
        lambda data: services.lot_save(user=request.user, partnership=partnership, lot=lot, data=data),
        success=f"Lot {'saved' if lot else 'added'}",
    ):
        return redirect("procurement:bundles", pk=partnership.pk)
    return _form_page(
        request, partnership, BUNDLES, form, "Change the lot" if lot else "Add a lot", "Save the lot"
    )


def bundle_form(request: HttpRequest, pk: int, bundle_pk: int | None = None) -> HttpResponse:
    partnership = editable_partnership(request, pk)
    bundle = get_object_or_404(Bundle, partnership=partnership, pk=bundle_pk) if bundle_pk else None
    form = BundleForm(request.POST or None, instance=bundle, partnership=partnership)
    if save_form(
        request,
        form,
        lambda data: services.bundle_save(
            user=request.user, partnership=partnership, bundle=bundle, data=data
        ),
        success=f"Bundle {'saved' if bundle else 'added'}",
    ):
        return redirect("procurement:bundles", pk=partnership.pk)
    return _form_page(
        request,
        partnership,
        BUNDLES,
        form,
        "Change the bundle" if bundle else "Add a bundle",
        "Save the bundle",
        intro="A bundle is one bidder's offer for several lots together. Give each lot's price inside the "
        "bundle afterwards, on the lot prices form.",
    )


def lot_price_form(request: HttpRequest, pk: int, price_pk: int | None = None) -> HttpResponse:
    partnership = editable_partnership(request, pk)
    price = get_object_or_404(LotPrice, bidder__partnership=partnership, pk=price_pk) if price_pk else None
    form = LotPriceForm(request.POST or None, instance=price, partnership=partnership)
    if save_form(
        request,
        form,
        lambda data: services.lot_price_save(
            user=request.user, partnership=partnership, price=price, data=data
        ),
        success=f"Price {'saved' if price else 'added'}",
    ):
        return redirect("procurement:bundles", pk=partnership.pk)
    return _form_page(
        request,
        partnership,
        BUNDLES,
        form,
        "Change a lot price" if price else "Add a lot price",
        "Save the price",
        intro="A bidder's price a year for one lot: alone, or inside one of its bundles.",
    )


def _form_page(
    request: HttpRequest,
    partnership: Any,
    section: str,
    form: Any,
    heading: str,
    button: str,
    **context: Any,
) -> HttpResponse:
    return page(
        request,
        "procurement/evaluation/form.html",
        partnership,
        section,
        form=form,
        heading=heading,
        button=button,
        **context,
    )


# --------------------------------------------------------------------------------------- evaluations


def evaluations(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = council_partnership(request, pk)
    return page(
        request,
        "procurement/evaluation/evaluations.html",
        partnership,
        EVALUATIONS,
        page_obj=paginate(request, selectors.evaluations(partnership)),
    )


def evaluation_form(request: HttpRequest, pk: int, evaluation_pk: int | None = None) -> HttpResponse:
    partnership = editable_partnership(request, pk)
    evaluation = selectors.evaluation(partnership, evaluation_pk) if evaluation_pk else None
    form = EvaluationForm(request.POST or None, instance=evaluation, partnership=partnership)
    saved: dict[str, Any] = {}
    if save_form(
        request,
        form,
        lambda data: saved.setdefault(
            "e",
            services.evaluation_save(
                user=request.user, partnership=partnership, evaluation=evaluation, data=data
            ),
        ),
        success=f"Evaluation {'saved' if evaluation else 'added'}",
    ):
        return redirect("procurement:evaluation", pk=partnership.pk, evaluation_pk=saved["e"].pk)
    intro = (
        "Bids are opened: the price weight, price method and scale are fixed, and a change to them is "
        "refused."
        if evaluation is not None and evaluation.criteria_fixed
        else "The price weight and method, and the scale, are fixed when bids are opened."
    )
    return _form_page(
        request,
        partnership,
        EVALUATIONS,
        form,
        "Change the evaluation's settings" if evaluation else "Set up an evaluation",
        "Save the settings",
        intro=intro,
        evaluation=evaluation,
    )


def evaluation_detail(request: HttpRequest, pk: int, evaluation_pk: int) -> HttpResponse:
    """The set-up page: settings, criteria with the weights' sum, bids, and the next step."""
    partnership = council_partnership(request, pk)
    evaluation = selectors.evaluation(partnership, evaluation_pk)
    criteria = selectors.criteria(evaluation)
    return page(
        request,
        "procurement/evaluation/evaluation.html",
        partnership,
        EVALUATIONS,
        evaluation=evaluation,
        criteria=criteria,
        weights_total=sum(c.weight for c in criteria),
        quality_weight=1 - evaluation.price_weight,
        weights_problem=services.weights_problem(criteria),
        bid_page=paginate(request, evaluation.bids.select_related("bidder").order_by("bidder__name", "pk")),
        next_step=services.next_step(evaluation),
    )


def should_cost(request: HttpRequest, pk: int, evaluation_pk: int) -> HttpResponse:
    partnership = editable_partnership(request, pk)
    evaluation = selectors.evaluation(partnership, evaluation_pk)
    offered = selectors.business_case_should_cost(partnership)
    initial = {
        "source": evaluation.should_cost_source
        if evaluation.should_cost_source != ShouldCostSource.NONE
        else ShouldCostSource.TYPED,
        "should_cost_gbp": evaluation.should_cost_gbp,
        "basis": evaluation.should_cost_basis
        if evaluation.should_cost_source == ShouldCostSource.TYPED
        else "",
    }
    form = ShouldCostForm(request.POST or None, initial=initial, version_record=evaluation)
    if save_form(
        request,
        form,
        lambda data: services.should_cost_set(user=request.user, evaluation=evaluation, data=data),
        success="Should-cost saved",
    ):
        return redirect("procurement:evaluation", pk=partnership.pk, evaluation_pk=evaluation.pk)
    return page(
        request,
        "procurement/evaluation/should_cost.html",
        partnership,
        EVALUATIONS,
        form=form,
        evaluation=evaluation,
        offered=offered,
    )


def criterion_form(
    request: HttpRequest, pk: int, evaluation_pk: int, criterion_pk: int | None = None
) -> HttpResponse:
    partnership = editable_partnership(request, pk)
    evaluation = selectors.evaluation(partnership, evaluation_pk)
    criterion = selectors.criterion(evaluation, criterion_pk) if criterion_pk else None
    form = CriterionForm(request.POST or None, instance=criterion)
    if save_form(
        request,
        form,
        lambda data: services.criterion_save(
            user=request.user, evaluation=evaluation, criterion=criterion, data=data
        ),
        success=f"Criterion {'saved' if criterion else 'added'}",
    ):
        return redirect("procurement:evaluation", pk=partnership.pk, evaluation_pk=evaluation.pk)
    return _form_page(
        request,
        partnership,
        EVALUATIONS,
        form,
        "Change a criterion" if criterion else "Add a criterion",
        "Save the criterion",
        evaluation=evaluation,
        fixed=evaluation.criteria_fixed,
        intro="The weight is the criterion's share of the quality score, as a fraction (0.3 for 30%). The "
        "criteria's weights must sum to 1 (100%) before bids are opened; then they are fixed.",
    )


def bid_form(request: HttpRequest, pk: int, evaluation_pk: int, bid_pk: int | None = None) -> HttpResponse:
    partnership = editable_partnership(request, pk)
    evaluation = selectors.evaluation(partnership, evaluation_pk)
    bid = selectors.bid(evaluation, bid_pk) if bid_pk else None
    form = TenderBidForm(request.POST or None, instance=bid, partnership=partnership)
    if save_form(
        request,
        form,
        lambda data: services.bid_save(user=request.user, evaluation=evaluation, bid=bid, data=data),
        success=f"Bid {'saved' if bid else 'recorded'}",
    ):
        return redirect("procurement:evaluation", pk=partnership.pk, evaluation_pk=evaluation.pk)
    return _form_page(
        request,
        partnership,
        EVALUATIONS,
        form,
        "Change a bid" if bid else "Record a bid",
        "Save the bid",
        evaluation=evaluation,
        fixed=evaluation.criteria_fixed,
        intro="The bidder's price a year, as tendered. Bids are recorded before they are opened; a bidder "
        "deselected or withdrawn in any round cannot bid.",
    )


def evaluation_advance(request: HttpRequest, pk: int, evaluation_pk: int) -> HttpResponse:
    """Ask, saying what the next step fixes, then take it. A POST without ``confirm=yes`` changes nothing."""
    partnership = editable_partnership(request, pk)
    evaluation = selectors.evaluation(partnership, evaluation_pk)
    step = services.next_step(evaluation)
    error = ""
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.evaluation_advance(user=request.user, evaluation=evaluation)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, f"{step}: done")
            return redirect("procurement:evaluation", pk=partnership.pk, evaluation_pk=evaluation.pk)
    return page(
        request,
        "procurement/evaluation/advance.html",
        partnership,
        EVALUATIONS,
        evaluation=evaluation,
        step=step,
        error=error,
    )


# ------------------------------------------------------------------------------------------- scoring


def scoring(request: HttpRequest, pk: int, evaluation_pk: int) -> HttpResponse:
    """The signed-in evaluator's own scores (rule EVAL-INDEPENDENT: nobody else's before the lock)."""
    partnership = council_partnership(request, pk)
    evaluation = selectors.evaluation(partnership, evaluation_pk)
    criteria = selectors.criteria(evaluation)
    bid_page = paginate(request, evaluation.bids.select_related("bidder").order_by("bidder__name", "pk"))
    own = selectors.own_scores(evaluation, request.user)
    barred = selectors.barring_conflicts(evaluation, request.user)
    rows = [
        {
            "bid": bid,
            "barred": barred.get(bid.bidder_id),
            "cells": [{"criterion": c, "score": own.get((bid.pk, c.pk))} for c in criteria],
        }
        for bid in bid_page.object_list
    ]
    return page(
        request,
        "procurement/evaluation/scoring.html",
        partnership,
        EVALUATIONS,
        evaluation=evaluation,
        criteria=criteria,
        bid_page=bid_page,
        rows=rows,
        can_score=evaluation.state == EvaluationState.BIDS_OPENED,
    )


def score_form(
    request: HttpRequest, pk: int, evaluation_pk: int, bid_pk: int, criterion_pk: int
) -> HttpResponse:
    partnership = editable_partnership(request, pk)
    evaluation = selectors.evaluation(partnership, evaluation_pk)
    bid = selectors.bid(evaluation, bid_pk)
    criterion = selectors.criterion(evaluation, criterion_pk)
    score = selectors.own_scores(evaluation, request.user).get((bid.pk, criterion.pk))
    form = ScoreForm(request.POST or None, instance=score, scale_max=evaluation.scale_max)
    if save_form(
        request,
        form,
        lambda data: services.score_save(
            user=request.user, evaluation=evaluation, bid=bid, criterion=criterion, score=score, data=data
        ),
        success=f"Your score of {bid.bidder} on {criterion} saved",
    ):
        return redirect("procurement:evaluation-scoring", pk=partnership.pk, evaluation_pk=evaluation.pk)
    return page(
        request,
        "procurement/evaluation/score_form.html",
        partnership,
        EVALUATIONS,
        form=form,
        evaluation=evaluation,
        bid=bid,
        criterion=criterion,
        problem=services.scoring_problem(evaluation, request.user, bid),
    )


# ---------------------------------------------------------------------------------------- moderation


def moderation(request: HttpRequest, pk: int, evaluation_pk: int) -> HttpResponse:
    """After the lock: every evaluator's scores of each bid on each criterion, their spread, the engine's
    spread flags and the moderated score with its reason."""
    partnership = council_partnership(request, pk)
    evaluation = selectors.evaluation(partnership, evaluation_pk)
    context: dict[str, Any] = {"evaluation": evaluation}
    if evaluation.scores_locked:
        computed = selectors.computed(evaluation)
        flags = {(f.bidder, f.criterion): f for f in computed.originals.flags} if computed.originals else {}
        rows = []
        for cell in computed.cells.values():
            values = [s.score for s in cell.originals]
            spread = (max(values) - min(values)) / evaluation.scale_max if values else None
            mean: Decimal | None = sum(values, Decimal(0)) / len(values) if values else None
            rows.append(
                {
                    "cell": cell,
                    "mean": mean,
                    "spread": spread,
                    "flag": flags.get((cell.bid.bidder.name, cell.criterion.name)),
                    "change": None if cell.moderated is None or mean is None else cell.moderated.score - mean,
                }
            )
        context.update(row_page=paginate(request, rows), problem=computed.problem)
    return page(request, "procurement/evaluation/moderation.html", partnership, EVALUATIONS, **context)


def moderate_form(
    request: HttpRequest, pk: int, evaluation_pk: int, bid_pk: int, criterion_pk: int
) -> HttpResponse:
    partnership = editable_partnership(request, pk)
    evaluation = selectors.evaluation(partnership, evaluation_pk)
    bid = selectors.bid(evaluation, bid_pk)
    criterion = selectors.criterion(evaluation, criterion_pk)
    moderated = ModeratedScore.objects.filter(bid=bid, criterion=criterion).first()
    form = ModerationForm(request.POST or None, instance=moderated, scale_max=evaluation.scale_max)
    if save_form(
        request,
        form,
        lambda data: services.moderation_save(
            user=request.user,
            evaluation=evaluation,
            bid=bid,
            criterion=criterion,
            moderated=moderated,
            data=data,
        ),
        success=f"Moderated score of {bid.bidder} on {criterion} saved",
    ):
        return redirect("procurement:evaluation-moderation", pk=partnership.pk, evaluation_pk=evaluation.pk)
    originals = (
        list(bid.scores.filter(criterion=criterion).select_related("evaluator").order_by("evaluator__email"))
        if evaluation.scores_locked
        else []
    )
    return page(
        request,
        "procurement/evaluation/moderate_form.html",
        partnership,
        EVALUATIONS,
        form=form,
        evaluation=evaluation,
        bid=bid,
        criterion=criterion,
        originals=originals,
        problem=""
        if evaluation.state == EvaluationState.SCORES_LOCKED
        else (
            "Moderation is complete: the moderated scores are fixed"
            if evaluation.state == EvaluationState.COMPLETE
            else "Scores are moderated after they are locked"
        ),
    )


# -------------------------------------------------------------------------------------------- report


def report(request: HttpRequest, pk: int, evaluation_pk: int) -> HttpResponse:
    partnership = council_partnership(request, pk)
    evaluation = selectors.evaluation(partnership, evaluation_pk)
    context: dict[str, Any] = {"evaluation": evaluation}
    if evaluation.scores_locked:
        computed = selectors.computed(evaluation)
        context.update(
            computed=computed,
            result=computed.result,
            flags=computed.originals.flags if computed.originals else (),
            criteria=selectors.criteria(evaluation),
            moderated_count=sum(1 for c in computed.cells.values() if c.moderated is not None),
            abnormally_low_gbp=(
                None
                if evaluation.should_cost_gbp is None
                else evaluation.should_cost_gbp * evaluation.abnormally_low_threshold
            ),
        )
    return page(request, "procurement/evaluation/report.html", partnership, EVALUATIONS, **context)
