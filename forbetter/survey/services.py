"""Writes of the partnership survey: rounds, online answers and answers entered from paper forms.

=====================  ==================================================================================
rule                   what it says
=====================  ==================================================================================
SURVEY-ROUND-DATES     a round closes on or after the day it opens; its name is unique in the partnership
SURVEY-WHO-ANSWERS     council editors answer for the council and partner users for the partner: they are
                       the parties to the partnership. Council viewers, auditors and administrators read
                       the results but do not answer (see docs/survey.md for why)
SURVEY-OPEN-ROUND      answers are taken only while the round is open (from its opening day to its closing
                       day); an answer to a round not yet open or closed is refused
SURVEY-SCALE           every statement is answered with a whole number from 1 (strongly disagree) to 5
                       (strongly agree)
SURVEY-ONE-ANSWER      one answer per respondent per round: the "has answered" record (the user, or the
                       paper form's reference) is unique in the round, and is kept apart from the answers
SURVEY-ANONYMOUS       the answers are stored with the side and the round only (no user, no time, a random
                       key), so no one can tell whose they are
=====================  ==================================================================================

Every write is in one transaction: a refused answer saves neither the answers nor the "has answered"
record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from forbetter.accounts.models import Role
from forbetter.partnerships.models import Partnership
from forbetter.partnerships.selectors import partnerships_visible_to
from forbetter.survey.models import AnswerSource, Participation, Side, Statement, SurveyResponse, SurveyRound

SCALE_MIN = 1
SCALE_MAX = 5
ANSWERING_SIDES: dict[str, str] = {Role.COUNCIL_EDITOR: Side.COUNCIL, Role.PARTNER_USER: Side.PARTNER}
NOT_A_PARTY = (
    "Only the parties to the partnership answer the survey: council editors for the council and partner "
    "users for the partner. Your role can read the results."
)
ALREADY_ANSWERED = "You have already answered this round: each person answers a round once"


def answering_side(user: Any) -> str | None:
    """The side a user answers for (SURVEY-WHO-ANSWERS), or None if they do not answer."""
    if not (user.is_authenticated and user.is_active):
        return None
    return ANSWERING_SIDES.get(user.role)


def round_save(
    *, user: Any, partnership: Partnership, data: Mapping[str, Any], survey_round: SurveyRound | None = None
) -> SurveyRound:
    errors: dict[str, list[str]] = {}
    opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
    if opens_on and closes_on and closes_on < opens_on:
        errors["closes_on"] = [
            f"The closing date must be on or after the opening date ({opens_on:%-d %B %Y})"
        ]
    name = str(data.get("name", "")).strip()
    clash = SurveyRound.objects.filter(partnership=partnership, name__iexact=name)
    if survey_round is not None:
        clash = clash.exclude(pk=survey_round.pk)
    if name and clash.exists():
        errors["name"] = [f"This partnership already has a survey round called “{name}”: choose another name"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record = survey_round or SurveyRound(partnership=partnership)
        record.name = name
        record.opens_on = data["opens_on"]
        record.closes_on = data["closes_on"]
        record.notes = data.get("notes", "")
        record.save()
    return record


def checked_answers(answers: Mapping[str, object]) -> dict[str, int]:
    """The answers as {statement key: value}, each statement answered once on the scale; otherwise a
    ValidationError keyed by the statement at fault (SURVEY-SCALE)."""
    statements = list(Statement.objects.values_list("key", "text"))
    known = {key for key, _ in statements}
    errors: dict[str, list[str]] = {}
    checked: dict[str, int] = {}
    for key in answers:
        if key not in known:
            errors.setdefault("__all__", []).append(f"“{key}” is not one of the survey's statements")
    for key, text in statements:
        value = answers.get(key)
        if value is None or value == "":
            errors[key] = [f"Choose how far you agree that “{text}”"]
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            try:
                value = int(str(value))
            except ValueError:
                errors[key] = [
                    f"The answer to “{text}” must be a whole number from {SCALE_MIN} to {SCALE_MAX}"
                ]
                continue
        if not SCALE_MIN <= value <= SCALE_MAX:
            errors[key] = [
                f"The answer to “{text}” is outside the scale: it must be from {SCALE_MIN} (strongly "
                f"disagree) to {SCALE_MAX} (strongly agree), not {value}"
            ]
            continue
        checked[key] = value
    if errors:
        raise ValidationError(errors)
    return checked


def _check_open(survey_round: SurveyRound, today: dt.date) -> None:
    if today < survey_round.opens_on:
        raise ValidationError(
            f"This round is not open yet: it opens on {survey_round.opens_on:%-d %B %Y}, and answers are "
            "taken only while it is open"
        )
    if today > survey_round.closes_on:
        raise ValidationError(
            f"This round closed on {survey_round.closes_on:%-d %B %Y}: answers are no longer taken"
        )


def answer_round(
    *, user: Any, survey_round: SurveyRound, answers: Mapping[str, object], today: dt.date | None = None
) -> None:
    """Record a signed-in party's answers to an open round, anonymously, once (SURVEY-*)."""
    today = today or dt.date.today()
    side = answering_side(user)
    if side is None:
        raise PermissionDenied(NOT_A_PARTY)
    if not partnerships_visible_to(user).filter(pk=survey_round.partnership_id).exists():
        raise PermissionDenied("You are not a party to this partnership")
    _check_open(survey_round, today)
    checked = checked_answers(answers)
    try:
        with transaction.atomic():
            locked = SurveyRound.objects.select_for_update().get(pk=survey_round.pk)
            if Participation.objects.filter(round=locked, user=user).exists():
                raise ValidationError(ALREADY_ANSWERED)
            Participation.objects.create(round=locked, user=user, recorded_by=user)
            SurveyResponse.objects.create(
                round=locked, side=side, source=AnswerSource.ONLINE, answers=checked
            )
    except IntegrityError as error:  # someone answered at the same moment in another tab
        raise ValidationError(ALREADY_ANSWERED) from error


def enter_paper_form(
    *,
    user: Any,
    survey_round: SurveyRound,
    side: str,
    paper_reference: str,
    answers: Mapping[str, object],
    today: dt.date | None = None,
) -> None:
    """Record the answers of a paper form, entered by a council editor while the round is open. The form's
    reference (the number printed on it) is the "has answered" record: the same form cannot be entered
    twice. The answers are stored exactly as online ones are, marked as entered from paper."""
    today = today or dt.date.today()
    if user.role not in (Role.COUNCIL_EDITOR, Role.ADMINISTRATOR):
        raise PermissionDenied("Only council editors enter paper survey forms")
    errors: dict[str, list[str]] = {}
    if side not in Side.values:
        errors["side"] = ["Choose whether the paper form was filled in by the council or the partner side"]
    reference = paper_reference.strip()
    if not reference:
        errors["paper_reference"] = ["Enter the reference printed on the paper form"]
    if errors:
        raise ValidationError(errors)
    _check_open(survey_round, today)
    checked = checked_answers(answers)
    duplicate = ValidationError(
        {
            "paper_reference": [
                f"Paper form {reference} has already been entered for this round: each form is entered once"
            ]
        }
    )
    try:
        with transaction.atomic():
            locked = SurveyRound.objects.select_for_update().get(pk=survey_round.pk)
            if Participation.objects.filter(round=locked, paper_reference=reference).exists():
                raise duplicate
            Participation.objects.create(round=locked, paper_reference=reference, recorded_by=user)
            SurveyResponse.objects.create(round=locked, side=side, source=AnswerSource.PAPER, answers=checked)
    except IntegrityError as error:
        raise duplicate from error
