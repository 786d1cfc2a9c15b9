"""Pages of the procurement area's competition part: the overview, the plan with its milestones and notices,
bidders and rounds, and the conflicts-of-interest register. Views are thin: they find the partnership (and
records within it) for a council user, and hand writes to :mod:`.services`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Page
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from forbetter.partnerships.procurement import regime_summary
from forbetter.partnerships.view_helpers import paginate, save_form
from forbetter.procurement.competition import forms, selectors, services
from forbetter.procurement.models import (
    Bidder,
    ConflictDeclaration,
    DialogueRound,
    Milestone,
    ProcurementNotice,
    RoundEntry,
)
from forbetter.procurement.pages import council_partnership, editable_partnership, page


def _paginate(request: HttpRequest, items: Any, param: str) -> Page:
    """A page of one of several lists on a page, each turned by its own query parameter."""
    return paginate(request, items, page_param=param)


def _context(partnership: Any) -> dict[str, Any]:
    return {
        "regime_problem": services.regime_problem(partnership),
        "regime_words": services.regime_words(partnership),
        "regime_summary": regime_summary(partnership),
    }


def overview(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = council_partnership(request, pk)
    today = dt.date.today()
    plan = selectors.plan(partnership)
    return page(
        request,
        "procurement/competition/overview.html",
        partnership,
        "overview",
        plan=plan,
        timetable=selectors.timetable_summary(partnership, today),
        standstill=selectors.standstill(partnership, plan, today),
        pressure=selectors.all_pressure(partnership),
        conflicts=selectors.conflict_summary(partnership, today),
        today=today,
        **_context(partnership),
    )


# ------------------------------------------------------------------------------------------------------
# The plan, milestones and notices
# ------------------------------------------------------------------------------------------------------


def plan(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = council_partnership(request, pk)
    today = dt.date.today()
    found = selectors.plan(partnership)
    return page(
        request,
        "procurement/competition/plan.html",
        partnership,
        "plan",
        plan=found,
        standstill=selectors.standstill(partnership, found, today),
        milestones=_paginate(request, selectors.milestones(partnership), "milestones"),
        notices=_paginate(request, selectors.notices(partnership), "notices"),
        today=today,
        **_context(partnership),
    )


def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = editable_partnership(request, pk)
    found = selectors.plan(partnership)
    form = forms.PlanForm(request.POST or None, instance=found, partnership=partnership)
    if save_form(
        request,
        form,
        lambda data: services.plan_save(user=request.user, partnership=partnership, data=data),
        success="Procurement plan saved",
    ):
        return redirect("procurement:plan", pk=partnership.pk)
    return page(
        request,
        "procurement/competition/plan_form.html",
        partnership,
        "plan",
        form=form,
        plan=found,
        default=services.default_standstill(partnership),
        **_context(partnership),
    )


def _record_form(
    request: HttpRequest,
    pk: int,
    *,
    model: type[Model],
    record_pk: int | None,
    form_class: type,
    save: Any,
    noun: str,
    back: str,
    section: str,
    with_partnership: bool = False,
) -> HttpResponse:
    partnership = editable_partnership(request, pk)
    record = (
        get_object_or_404(model._default_manager.filter(partnership=partnership), pk=record_pk)
        if record_pk is not None
        else None
    )
    extra = {"partnership": partnership} if with_partnership else {}
    form = form_class(request.POST or None, instance=record, **extra)
    if save_form(
        request,
        form,
        lambda data: save(partnership, record, data),
        success=f"{noun[:1].upper()}{noun[1:]} {'saved' if record else 'added'}",
    ):
        return redirect(back, pk=partnership.pk)
    return page(
        request,
        "procurement/competition/record_form.html",
        partnership,
        section,
        form=form,
        record=record,
        noun=noun,
        back=back,
        **_context(partnership),
    )


def milestone_form(request: HttpRequest, pk: int, milestone_pk: int | None = None) -> HttpResponse:
    return _record_form(
        request,
        pk,
        model=Milestone,
        record_pk=milestone_pk,
        form_class=forms.MilestoneForm,
        save=lambda partnership, record, data: services.milestone_save(
            user=request.user, partnership=partnership, milestone=record, data=data
        ),
        noun="milestone",
        back="procurement:plan",
        section="plan",
    )


def notice_form(request: HttpRequest, pk: int, notice_pk: int | None = None) -> HttpResponse:
    return _record_form(
        request,
        pk,
        model=ProcurementNotice,
        record_pk=notice_pk,
        form_class=forms.NoticeForm,
        save=lambda partnership, record, data: services.notice_save(
            user=request.user, partnership=partnership, notice=record, data=data
        ),
        noun="notice",
        back="procurement:plan",
        section="plan",
        with_partnership=True,
    )


def _remove(
    request: HttpRequest, pk: int, model: type[Model], record_pk: int, noun: str, remove: Any
) -> HttpResponse:
    """Ask, saying what will happen, then remove. A POST without ``confirm=yes`` changes nothing."""
    partnership = editable_partnership(request, pk)
    record = get_object_or_404(model._default_manager.filter(partnership=partnership), pk=record_pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        remove(record)
        messages.success(request, f"{noun[:1].upper()}{noun[1:]} removed")
        return redirect("procurement:plan", pk=partnership.pk)
    return page(
        request,
        "procurement/competition/remove.html",
        partnership,
        "plan",
        record=record,
        noun=noun,
        unconfirmed=request.method == "POST",
    )


def milestone_remove(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    return _remove(
        request,
        pk,
        Milestone,
        milestone_pk,
        "milestone",
        lambda record: services.milestone_remove(user=request.user, milestone=record),
    )


def notice_remove(request: HttpRequest, pk: int, notice_pk: int) -> HttpResponse:
    return _remove(
        request,
        pk,
        ProcurementNotice,
        notice_pk,
        "notice",
        lambda record: services.notice_remove(user=request.user, notice=record),
    )


# ------------------------------------------------------------------------------------------------------
# Bidders, rounds and entries
# ------------------------------------------------------------------------------------------------------


def rounds(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = council_partnership(request, pk)
    round_page = _paginate(request, selectors.rounds(partnership), "rounds")
    return page(
        request,
        "procurement/competition/rounds.html",
        partnership,
        "rounds",
        bidders=_paginate(request, selectors.bidders(partnership), "bidders"),
        rounds=round_page,
        pressure=selectors.pressure(round_page.object_list),
    )


def bidder_form(request: HttpRequest, pk: int, bidder_pk: int | None = None) -> HttpResponse:
    return _record_form(
        request,
        pk,
        model=Bidder,
        record_pk=bidder_pk,
        form_class=forms.BidderForm,
        save=lambda partnership, record, data: services.bidder_save(
            user=request.user, partnership=partnership, bidder=record, data=data
        ),
        noun="bidder",
        back="procurement:rounds",
        section="rounds",
    )


def round_form(request: HttpRequest, pk: int, round_pk: int | None = None) -> HttpResponse:
    return _record_form(
        request,
        pk,
        model=DialogueRound,
        record_pk=round_pk,
        form_class=forms.RoundForm,
        save=lambda partnership, record, data: services.round_save(
            user=request.user, partnership=partnership, dialogue_round=record, data=data
        ),
        noun="round",
        back="procurement:rounds",
        section="rounds",
    )


def entry_form(request: HttpRequest, pk: int, round_pk: int, entry_pk: int | None = None) -> HttpResponse:
    partnership = editable_partnership(request, pk)
    dialogue_round = get_object_or_404(DialogueRound, partnership=partnership, pk=round_pk)
    entry = (
        get_object_or_404(RoundEntry.objects.select_related("bidder"), round=dialogue_round, pk=entry_pk)
        if entry_pk is not None
        else None
    )
    form = forms.RoundEntryForm(request.POST or None, instance=entry, dialogue_round=dialogue_round)
    if save_form(
        request,
        form,
        lambda data: services.entry_save(
            user=request.user, dialogue_round=dialogue_round, entry=entry, data=data
        ),
        success=f"Round {dialogue_round.number} {'entry saved' if entry else 'bidder added'}",
    ):
        return redirect("procurement:rounds", pk=partnership.pk)
    return page(
        request,
        "procurement/competition/entry_form.html",
        partnership,
        "rounds",
        form=form,
        entry=entry,
        dialogue_round=dialogue_round,
    )


def entry_remove(request: HttpRequest, pk: int, round_pk: int, entry_pk: int) -> HttpResponse:
    """Ask, saying what will happen, then take the bidder out of the round."""
    partnership = editable_partnership(request, pk)
    dialogue_round = get_object_or_404(DialogueRound, partnership=partnership, pk=round_pk)
    entry = get_object_or_404(RoundEntry.objects.select_related("bidder"), round=dialogue_round, pk=entry_pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        services.entry_remove(user=request.user, entry=entry)
        messages.success(request, f"{entry.bidder} taken out of round {dialogue_round.number}")
        return redirect("procurement:rounds", pk=partnership.pk)
    return page(
        request,
        "procurement/competition/entry_remove.html",
        partnership,
        "rounds",
        entry=entry,
        dialogue_round=dialogue_round,
        unconfirmed=request.method == "POST",
    )


# ------------------------------------------------------------------------------------------------------
# Conflicts of interest
# ------------------------------------------------------------------------------------------------------


def conflicts(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = council_partnership(request, pk)
    today = dt.date.today()
    found = _paginate(request, selectors.conflicts(partnership), "page")
    return page(
        request,
        "procurement/competition/conflicts.html",
        partnership,
        "conflicts",
        page_obj=found,
        rows=selectors.flagged(found.object_list, partnership, today),
        summary=selectors.conflict_summary(partnership, today),
        review_months=selectors.REVIEW_MONTHS,
        today=today,
        **_context(partnership),
    )


def conflict_declare(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = editable_partnership(request, pk)
    form = forms.ConflictDeclareForm(request.POST or None, partnership=partnership)
    if save_form(
        request,
        form,
        lambda data: services.conflict_declare(user=request.user, partnership=partnership, data=data),
        success="Interest declared: assess it before the person takes part in the evaluation",
    ):
        return redirect("procurement:conflicts", pk=partnership.pk)
    return page(
        request,
        "procurement/competition/conflict_form.html",
        partnership,
        "conflicts",
        form=form,
        declaration=None,
        heading="Declare an interest",
        button="Record the declaration",
    )


def _declaration(partnership: Any, conflict_pk: int) -> ConflictDeclaration:
    return get_object_or_404(
        ConflictDeclaration.objects.select_related("person", "bidder", "partnership"),
        partnership=partnership,
        pk=conflict_pk,
    )


def conflict_assess(request: HttpRequest, pk: int, conflict_pk: int) -> HttpResponse:
    partnership = editable_partnership(request, pk)
    declaration = _declaration(partnership, conflict_pk)
    form = forms.ConflictAssessForm(request.POST or None, instance=declaration, partnership=partnership)
    if save_form(
        request,
        form,
        lambda data: services.conflict_assess(user=request.user, declaration=declaration, data=data),
        success="Assessment recorded",
    ):
        return redirect("procurement:conflicts", pk=partnership.pk)
    return page(
        request,
        "procurement/competition/conflict_form.html",
        partnership,
        "conflicts",
        form=form,
        declaration=declaration,
        heading="Assess a declared interest",
        button="Save the assessment",
    )


def conflict_review(request: HttpRequest, pk: int, conflict_pk: int) -> HttpResponse:
    partnership = editable_partnership(request, pk)
    declaration = _declaration(partnership, conflict_pk)
    form = forms.ConflictReviewForm(request.POST or None, instance=declaration)
    if save_form(
        request,
        form,
        lambda data: services.conflict_review(user=request.user, declaration=declaration, data=data),
        success="Review recorded",
    ):
        return redirect("procurement:conflicts", pk=partnership.pk)
    return page(
        request,
        "procurement/competition/conflict_form.html",
        partnership,
        "conflicts",
        form=form,
        declaration=declaration,
        heading="Record a review of a declared interest",
        button="Save the review",
    )
