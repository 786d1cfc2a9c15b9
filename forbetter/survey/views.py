"""Pages of the partnership survey: rounds, a round with its results, answering, paper forms, and results
across rounds.

Views are thin: they find the partnership through ``partnerships_visible_to`` (anything a user may not see is
a 404), look rounds up within it, check who may change or answer (403), and hand writes to services.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from forbetter.partnerships import view_helpers
from forbetter.partnerships.models import Partnership
from forbetter.partnerships.view_helpers import (
    apply_errors,
    paginate,
    partnership_page,
    save_form,
    visible_partnership,
)
from forbetter.survey import charts, selectors, services
from forbetter.survey.forms import AnswersForm, PaperEntryForm, RoundForm
from forbetter.survey.models import SurveyRound

EDIT_REFUSED = "Your role can read the survey but not run its rounds"


def require_edit(request: HttpRequest) -> None:
    view_helpers.require_edit(request, EDIT_REFUSED)


def page(request: HttpRequest, template: str, partnership: Partnership, **context: Any) -> HttpResponse:
    return partnership_page(request, template, partnership, "survey", **context)


def _round(partnership: Partnership, round_pk: int) -> SurveyRound:
    try:
        return selectors.round_detail(partnership, round_pk)
    except SurveyRound.DoesNotExist as error:
        raise Http404("No such survey round") from error


def rounds(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    today = dt.date.today()
    page_obj = paginate(request, selectors.rounds(partnership))
    for survey_round in page_obj:
        survey_round.status_text = survey_round.status(today)
    return page(
        request,
        "survey/rounds.html",
        partnership,
        survey_page="rounds",
        page_obj=page_obj,
        side=services.answering_side(request.user),
    )


def round_create(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.round_save(user=request.user, partnership=partnership, data=form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Survey round “{created.name}” added")
            return redirect("survey:round", pk=partnership.pk, round_pk=created.pk)
    return page(request, "survey/round_form.html", partnership, form=form, survey_round=None)


def round_edit(request: HttpRequest, pk: int, round_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    survey_round = _round(partnership, round_pk)
    form = RoundForm(request.POST or None, instance=survey_round)
    if save_form(
        request,
        form,
        lambda data: services.round_save(
            user=request.user, partnership=partnership, data=data, survey_round=survey_round
        ),
        success="Survey round saved",
    ):
        return redirect("survey:round", pk=partnership.pk, round_pk=survey_round.pk)
    return page(request, "survey/round_form.html", partnership, form=form, survey_round=survey_round)


def round_detail(request: HttpRequest, pk: int, round_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    survey_round = _round(partnership, round_pk)
    today = dt.date.today()
    found = selectors.results(partnership, only=survey_round)
    result = found.result.rounds[0]
    return page(
        request,
        "survey/round_detail.html",
        partnership,
        survey_round=survey_round,
        status=survey_round.status(today),
        is_open=survey_round.is_open(today),
        side=services.answering_side(request.user),
        answered=selectors.has_answered(request.user, survey_round),
        result=result,
        threshold=found.result.gap_threshold,
        chart=charts.round_chart(result, scale=(found.result.scale_min, found.result.scale_max)),
    )


def answer(request: HttpRequest, pk: int, round_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    survey_round = _round(partnership, round_pk)
    today = dt.date.today()
    side = services.answering_side(request.user)
    if request.method == "POST" and side is None:
        raise PermissionDenied(services.NOT_A_PARTY)
    answered = selectors.has_answered(request.user, survey_round)
    form = AnswersForm(request.POST or None, principles=selectors.principles())
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_round(
                user=request.user, survey_round=survey_round, answers=form.answers(), today=today
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, f"Thank you: your answers to “{survey_round.name}” are recorded anonymously"
            )
            return redirect("survey:round", pk=partnership.pk, round_pk=survey_round.pk)
    return page(
        request,
        "survey/answer.html",
        partnership,
        survey_round=survey_round,
        form=form,
        side=side,
        answered=answered,
        is_open=survey_round.is_open(today),
        status=survey_round.status(today),
        not_a_party=services.NOT_A_PARTY,
    )


def paper_entry(request: HttpRequest, pk: int, round_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    survey_round = _round(partnership, round_pk)
    today = dt.date.today()
    form = PaperEntryForm(request.POST or None, principles=selectors.principles())
    if request.method == "POST" and form.is_valid():
        try:
            services.enter_paper_form(
                user=request.user,
                survey_round=survey_round,
                side=form.cleaned_data["side"],
                paper_reference=form.cleaned_data["paper_reference"],
                answers=form.answers(),
                today=today,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            reference = form.cleaned_data["paper_reference"].strip()
            messages.success(request, f"Paper form {reference} entered for “{survey_round.name}”")
            return redirect("survey:paper-entry", pk=partnership.pk, round_pk=survey_round.pk)
    return page(
        request,
        "survey/paper_form.html",
        partnership,
        survey_round=survey_round,
        form=form,
        is_open=survey_round.is_open(today),
        status=survey_round.status(today),
    )


def results(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    found = selectors.results(partnership)
    result = found.result
    names = {p.key: p.name for p in found.principles}
    return page(
        request,
        "survey/results.html",
        partnership,
        survey_page="results",
        result=result,
        rounds=bool(found.rounds),
        page_obj=paginate(request, list(zip(found.rounds, result.rounds, strict=True))[::-1]),
        trend=[(names[step.principle], step) for step in result.trend],
        flags=[(names[flag.principle], flag) for flag in result.flags],
        chart=charts.trend_chart(result) if len(result.rounds) > 1 else None,
        round_charts=[
            charts.round_chart(r, scale=(result.scale_min, result.scale_max)) for r in result.rounds[-1:]
        ],
    )
