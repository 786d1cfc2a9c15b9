"""Writes to the procurement plan, milestones, notices, bidders, rounds, round entries and the
conflicts-of-interest register.

Every function is keyword-only, runs in one transaction, checks the user may make the change, applies the
rules below (a ``ValidationError`` keyed by field, and nothing saved) and records who made the change.

=====================  ==================================================================================
rule                   what it says
=====================  ==================================================================================
PLAN-REGIME-FIRST      a procedure can be chosen only once the partnership's procurement regime is recorded
PLAN-PROCEDURE-REGIME  Procurement Act 2023 procedures (s.20) only under the Act; the Regulations'
                       procedures (regs 27 to 31) only under the Regulations
PLAN-STANDSTILL        the standstill ends on or after it starts; a blank end is worked out from the start
                       (STANDSTILL-ACT or STANDSTILL-PCR in forbetter.calc.competition)
NOTICE-REGIME          under the Act only UK1 to UK7 and "other"; under the Regulations only their notices
                       and "other"
NOTICE-PUBLISHED       a published date is not in the future, and a published notice has its reference
BIDDER-NAME-UNIQUE     one bidder of a name per partnership (ignoring case and spaces at the ends)
BIDDER-ORGANISATION    a bidder's organisation, if any, is a partner or joint-venture company
ROUND-NUMBER-UNIQUE    one round of each number per partnership; a round ends on or after it starts
ENTRY-REASON           a deselected or withdrawn bidder's entry says why
ENTRY-AFTER-EXIT       a bidder deselected or withdrawn in a round takes no part in a later round
ENTRY-ONE-PREFERRED    at most one preferred bidder per partnership
CONFLICT-PERSON        the person declaring (and the assessor) is a user of one of the partnership's councils
CONFLICT-MITIGATION    an interest assessed as "mitigated" says how
CONFLICT-BARS-SCORING  a person may not score a bidder they declared an interest in unless it was assessed
                       as no conflict (:func:`scoring_bar`)
=====================  ==================================================================================
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypeGuard

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, Q, QuerySet

from forbetter.accounts.models import Organisation, OrganisationKind, User
from forbetter.accounts.permissions import can_edit, can_see_confidential
from forbetter.calc.competition import (
    ACT_STANDSTILL_WORKING_DAYS,
    PCR_STANDSTILL_CALENDAR_DAYS,
    act_standstill_end,
    pcr_standstill_end,
)
from forbetter.core.history import save_as
from forbetter.partnerships.models import Partnership, ProcurementRegime
from forbetter.partnerships.procurement import act_applies, regime_error
from forbetter.procurement.models import (
    Bidder,
    ConflictDeclaration,
    ConflictOutcome,
    DialogueRound,
    Milestone,
    NoticeType,
    Procedure,
    ProcurementNotice,
    ProcurementPlan,
    RoundEntry,
    RoundOutcome,
)

ACT = "act"
REGULATIONS = "regulations"

ACT_PROCEDURES = frozenset(
    {Procedure.ACT_OPEN, Procedure.ACT_COMPETITIVE_FLEXIBLE, Procedure.ACT_DIRECT_AWARD}
)
PCR_PROCEDURES = frozenset(set(Procedure) - ACT_PROCEDURES)
ACT_NOTICES = frozenset(
    {
        NoticeType.UK1,
        NoticeType.UK2,
        NoticeType.UK3,
        NoticeType.UK4,
        NoticeType.UK5,
        NoticeType.UK6,
        NoticeType.UK7,
        NoticeType.OTHER,
    }
)
PCR_NOTICES = frozenset(
    {NoticeType.PCR_PRIOR_INFORMATION, NoticeType.PCR_CONTRACT, NoticeType.PCR_AWARD, NoticeType.OTHER}
)
TENDER_NOTICES = {ACT: NoticeType.UK4, REGULATIONS: NoticeType.PCR_CONTRACT}
EXITED = (RoundOutcome.DESELECTED, RoundOutcome.WITHDREW)

REGIME_MISSING = (
    "Record the partnership's procurement regime (the Procurement Act 2023 or the Public Contracts "
    "Regulations) on its details first: the procedures and notices allowed depend on it"
)


# ------------------------------------------------------------------------------------------------------
# The regime and what it allows
# ------------------------------------------------------------------------------------------------------


def regime_of(partnership: Partnership) -> str | None:
    """ACT, REGULATIONS, or None when no regime is recorded (or the record contradicts the start date)."""
    regime = partnership.procurement_regime
    if not regime or regime_error(regime, procurement_began_on=partnership.procurement_began_on):
        return None
    return ACT if act_applies(partnership) else REGULATIONS


def regime_problem(partnership: Partnership) -> str:
    """Rule PLAN-REGIME-FIRST: why no procedure or notice can be chosen yet, or ''."""
    regime = partnership.procurement_regime
    if not regime:
        return REGIME_MISSING
    problem = regime_error(regime, procurement_began_on=partnership.procurement_began_on)
    if problem:
        return f"{problem}. Correct the procurement regime on the partnership's details first"
    return ""


def procedures_for(partnership: Partnership) -> list[tuple[str, str]]:
    """The procedures the partnership's regime allows, as choices (none when no regime is recorded)."""
    allowed: frozenset[str] = {ACT: ACT_PROCEDURES, REGULATIONS: PCR_PROCEDURES}.get(
        regime_of(partnership) or "", frozenset()
    )
    return [(value, label) for value, label in Procedure.choices if value in allowed]


def notice_types_for(partnership: Partnership) -> list[tuple[str, str]]:
    allowed: frozenset[str] = {ACT: ACT_NOTICES, REGULATIONS: PCR_NOTICES}.get(
        regime_of(partnership) or "", frozenset()
    )
    return [(value, label) for value, label in NoticeType.choices if value in allowed]


def regime_words(partnership: Partnership) -> str:
    regime = regime_of(partnership)
    if regime == ACT:
        return "the Procurement Act 2023"
    if regime == REGULATIONS:
        return f"the {ProcurementRegime(partnership.procurement_regime).label}"
    return ""


def default_standstill(partnership: Partnership) -> tuple[int, str] | None:
    """The regime's default standstill: its length and the unit in words, or None without a regime."""
    regime = regime_of(partnership)
    if regime == ACT:
        return ACT_STANDSTILL_WORKING_DAYS, "working days"
    if regime == REGULATIONS:
        return PCR_STANDSTILL_CALENDAR_DAYS, "calendar days"
    return None


def standstill_end(partnership: Partnership, starts_on: dt.date, days: int | None = None) -> dt.date | None:
    """The standstill's last day from its first: working days under the Act, calendar days under the
    Regulations (rules STANDSTILL-ACT, STANDSTILL-PCR); None without a regime."""
    regime = regime_of(partnership)
    if regime == ACT:
        return act_standstill_end(starts_on, days or ACT_STANDSTILL_WORKING_DAYS)
    if regime == REGULATIONS:
        return pcr_standstill_end(starts_on, days or PCR_STANDSTILL_CALENDAR_DAYS)
    return None


# ------------------------------------------------------------------------------------------------------
# Shared steps
# ------------------------------------------------------------------------------------------------------


def _require_editor(user: Any) -> None:
    if not (can_edit(user) and can_see_confidential(user)):
        raise PermissionDenied("Only council editors and administrators can change the procurement records")


def _delete(instance: Any, user: Any, reason: str) -> None:
    instance._history_user = user
    instance._change_reason = reason
    instance.delete()


def _apply(instance: Model, data: Mapping[str, Any], fields: tuple[str, ...]) -> None:
    for key in fields:
        if key in data:
            setattr(instance, key, data[key])


def _long(date: dt.date) -> str:
    return f"{date.day} {date:%B} {date.year}"


def _check(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def _future(value: Any, today: dt.date) -> TypeGuard[dt.date]:
    return isinstance(value, dt.date) and value > today


def council_people(partnership: Partnership) -> QuerySet[User]:
    """Users of the partnership's councils (rule CONFLICT-PERSON), by name."""
    return User.objects.filter(organisation__in=partnership.councils.all(), is_active=True).order_by(
        "first_name", "last_name", "email"
    )


def bidder_organisations() -> QuerySet[Organisation]:
    """Organisations a bidder may be (rule BIDDER-ORGANISATION)."""
    return Organisation.objects.filter(
        kind__in=[OrganisationKind.PARTNER, OrganisationKind.JOINT_VENTURE]
    ).order_by("name")


# ------------------------------------------------------------------------------------------------------
# The plan
# ------------------------------------------------------------------------------------------------------

PLAN_FIELDS = (
    "procedure",
    "procedure_reason",
    "standstill_days",
    "standstill_starts_on",
    "standstill_ends_on",
    "notes",
)


def plan_errors(partnership: Partnership, data: Mapping[str, Any]) -> dict[str, str]:
    """Rules PLAN-REGIME-FIRST, PLAN-PROCEDURE-REGIME and PLAN-STANDSTILL."""
    errors: dict[str, str] = {}
    problem = regime_problem(partnership)
    procedure = data.get("procedure")
    if problem:
        errors["procedure"] = problem
    elif procedure and procedure not in {value for value, _ in procedures_for(partnership)}:
        label = Procedure(procedure).label
        if regime_of(partnership) == ACT:
            errors["procedure"] = (
                f"{label} is not a procedure of the Procurement Act 2023, which this partnership is under: "
                "choose the open or competitive flexible procedure, or direct award"
            )
        else:
            errors["procedure"] = (
                f"{label} is a procedure of the Procurement Act 2023, but this partnership is under "
                f"{regime_words(partnership)}: choose one of the Regulations' procedures"
            )
    starts, ends = data.get("standstill_starts_on"), data.get("standstill_ends_on")
    if starts and ends and ends < starts:
        errors["standstill_ends_on"] = (
            f"The standstill's end must be on or after its start ({_long(starts)}), not {_long(ends)}"
        )
    if ends and not starts:
        errors["standstill_starts_on"] = "Enter the standstill's start as well as its end"
    days = data.get("standstill_days")
    if days is not None and days < 1:
        errors["standstill_days"] = "The standstill must last at least 1 day"
    return errors


@transaction.atomic
def plan_save(*, user: Any, partnership: Partnership, data: Mapping[str, Any]) -> ProcurementPlan:
    """Create or change the partnership's procurement plan. A blank standstill length takes the regime's
    default; a blank end is worked out from the start (rule PLAN-STANDSTILL)."""
    _require_editor(user)
    _check(plan_errors(partnership, data))
    plan = ProcurementPlan.objects.filter(partnership=partnership).first() or ProcurementPlan(
        partnership=partnership
    )
    _apply(plan, data, PLAN_FIELDS)
    default = default_standstill(partnership)
    if plan.standstill_days is None and default is not None:
        plan.standstill_days = default[0]
    if plan.standstill_starts_on and not plan.standstill_ends_on:
        plan.standstill_ends_on = standstill_end(partnership, plan.standstill_starts_on, plan.standstill_days)
    plan.full_clean()
    save_as(plan, user)
    return plan


# ------------------------------------------------------------------------------------------------------
# Milestones and notices
# ------------------------------------------------------------------------------------------------------

MILESTONE_FIELDS = ("name", "planned_on", "actual_on", "notes")


@transaction.atomic
def milestone_save(
    *,
    user: Any,
    partnership: Partnership,
    data: Mapping[str, Any],
    milestone: Milestone | None = None,
    today: dt.date | None = None,
) -> Milestone:
    _require_editor(user)
    today = today or dt.date.today()
    if milestone is not None and milestone.partnership_id != partnership.pk:
        raise ValidationError("That milestone belongs to another partnership")
    errors = {}
    if _future(data.get("actual_on"), today):
        errors["actual_on"] = (
            f"The actual date must be today or in the past, not {_long(data['actual_on'])}: "
            "leave it blank until the milestone is reached"
        )
    _check(errors)
    milestone = milestone or Milestone(partnership=partnership)
    _apply(milestone, data, MILESTONE_FIELDS)
    milestone.full_clean()
    save_as(milestone, user)
    return milestone


@transaction.atomic
def milestone_remove(*, user: Any, milestone: Milestone) -> None:
    _require_editor(user)
    _delete(milestone, user, "Removed from the procurement timetable")


NOTICE_FIELDS = ("notice_type", "planned_on", "published_on", "reference", "notes")


def notice_errors(partnership: Partnership, data: Mapping[str, Any], today: dt.date) -> dict[str, str]:
    """Rules NOTICE-REGIME and NOTICE-PUBLISHED."""
    errors: dict[str, str] = {}
    kind = data.get("notice_type")
    problem = regime_problem(partnership)
    if problem:
        errors["notice_type"] = problem
    elif kind and kind not in {value for value, _ in notice_types_for(partnership)}:
        label = NoticeType(kind).label
        if regime_of(partnership) == ACT:
            errors["notice_type"] = (
                f"“{label}” is a notice of the Public Contracts Regulations; this partnership is under the "
                "Procurement Act 2023: choose one of UK1 to UK7, or other"
            )
        else:
            errors["notice_type"] = (
                f"“{label}” is a notice of the Procurement Act 2023; this partnership is under "
                f"{regime_words(partnership)}: choose one of the Regulations' notices, or other"
            )
    published = data.get("published_on")
    if _future(published, today):
        errors["published_on"] = (
            f"The published date must be today or in the past, not {_long(published)}: a notice not yet "
            "published has only its planned date"
        )
    if published and not (data.get("reference") or "").strip():
        errors["reference"] = (
            "Enter the notice's Find a Tender reference: the notice is recorded as published"
        )
    return errors


@transaction.atomic
def notice_save(
    *,
    user: Any,
    partnership: Partnership,
    data: Mapping[str, Any],
    notice: ProcurementNotice | None = None,
    today: dt.date | None = None,
) -> ProcurementNotice:
    _require_editor(user)
    today = today or dt.date.today()
    if notice is not None and notice.partnership_id != partnership.pk:
        raise ValidationError("That notice belongs to another partnership")
    _check(notice_errors(partnership, data, today))
    notice = notice or ProcurementNotice(partnership=partnership)
    _apply(notice, data, NOTICE_FIELDS)
    notice.reference = notice.reference.strip()
    notice.full_clean()
    save_as(notice, user)
    return notice


@transaction.atomic
def notice_remove(*, user: Any, notice: ProcurementNotice) -> None:
    _require_editor(user)
    _delete(notice, user, "Removed from the notices")


# ------------------------------------------------------------------------------------------------------
# Bidders, rounds and entries
# ------------------------------------------------------------------------------------------------------

BIDDER_FIELDS = ("name", "organisation", "expressed_interest_on", "contact", "notes")


@transaction.atomic
def bidder_save(
    *,
    user: Any,
    partnership: Partnership,
    data: Mapping[str, Any],
    bidder: Bidder | None = None,
    today: dt.date | None = None,
) -> Bidder:
    """Rules BIDDER-NAME-UNIQUE and BIDDER-ORGANISATION."""
    _require_editor(user)
    today = today or dt.date.today()
    if bidder is not None and bidder.partnership_id != partnership.pk:
        raise ValidationError("That bidder belongs to another partnership")
    errors: dict[str, str] = {}
    name = " ".join(str(data.get("name") or "").split())
    same = Bidder.objects.filter(partnership=partnership, name__iexact=name)
    if bidder is not None:
        same = same.exclude(pk=bidder.pk)
    if name and same.exists():
        errors["name"] = (
            f"A bidder called “{same.first()}” is already recorded for this partnership: "
            "change that bidder or use a different name"
        )
    organisation = data.get("organisation")
    if organisation is not None and organisation.kind not in (
        OrganisationKind.PARTNER,
        OrganisationKind.JOINT_VENTURE,
    ):
        errors["organisation"] = (
            f"{organisation} is a {organisation.get_kind_display().lower()}: a bidder's organisation must be "
            "a partner company or a joint-venture company"
        )
    if _future(data.get("expressed_interest_on"), today):
        errors["expressed_interest_on"] = (
            f"The date interest was expressed must be today or in the past, not "
            f"{_long(data['expressed_interest_on'])}"
        )
    _check(errors)
    bidder = bidder or Bidder(partnership=partnership)
    _apply(bidder, {**data, "name": name}, BIDDER_FIELDS)
    bidder.full_clean(validate_constraints=False)
    save_as(bidder, user)
    return bidder


ROUND_FIELDS = ("number", "name", "kind", "starts_on", "ends_on", "description")


@transaction.atomic
def round_save(
    *,
    user: Any,
    partnership: Partnership,
    data: Mapping[str, Any],
    dialogue_round: DialogueRound | None = None,
) -> DialogueRound:
    """Rule ROUND-NUMBER-UNIQUE."""
    _require_editor(user)
    if dialogue_round is not None and dialogue_round.partnership_id != partnership.pk:
        raise ValidationError("That round belongs to another partnership")
    errors: dict[str, str] = {}
    number = data.get("number")
    same = DialogueRound.objects.filter(partnership=partnership, number=number or 0)
    if dialogue_round is not None:
        same = same.exclude(pk=dialogue_round.pk)
    if number is not None and number < 1:
        errors["number"] = "The round's number must be 1 or more"
    elif number is not None and same.exists():
        errors["number"] = (
            f"There is already a round {number} ({same.first().name}): give this round another number"  # type: ignore[union-attr]
        )
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if starts and ends and ends < starts:
        errors["ends_on"] = (
            f"The round's end must be on or after its start ({_long(starts)}), not {_long(ends)}"
        )
    _check(errors)
    dialogue_round = dialogue_round or DialogueRound(partnership=partnership)
    _apply(dialogue_round, data, ROUND_FIELDS)
    dialogue_round.full_clean(validate_constraints=False)
    save_as(dialogue_round, user)
    return dialogue_round


ENTRY_FIELDS = ("outcome", "reason", "decided_on")


def entry_errors(
    dialogue_round: DialogueRound, bidder: Bidder | None, data: Mapping[str, Any], entry: RoundEntry | None
) -> dict[str, str]:
    """Rules ENTRY-REASON, ENTRY-AFTER-EXIT and ENTRY-ONE-PREFERRED."""
    errors: dict[str, str] = {}
    outcome = data.get("outcome")
    if outcome in EXITED and not str(data.get("reason") or "").strip():
        word = "deselected" if outcome == RoundOutcome.DESELECTED else "withdrew"
        errors["reason"] = f"Say why the bidder {word}: a reason is needed for that outcome"
    if bidder is None:
        return errors
    others = RoundEntry.objects.filter(bidder=bidder).select_related("round")
    if entry is not None:
        others = others.exclude(pk=entry.pk)
    earlier_exit = (
        others.filter(round__number__lt=dialogue_round.number, outcome__in=EXITED)
        .order_by("round__number")
        .first()
    )
    if earlier_exit is not None:
        errors["bidder" if entry is None else "outcome"] = (
            f"{bidder} {'was deselected' if earlier_exit.outcome == RoundOutcome.DESELECTED else 'withdrew'} "
            f"in round {earlier_exit.round.number}, so it cannot take part in a later round"
        )
    if outcome in EXITED:
        later = others.filter(round__number__gt=dialogue_round.number).order_by("round__number").first()
        if later is not None:
            errors["outcome"] = (
                f"{bidder} takes part in round {later.round.number}, a later round: take it out of that "
                "round first if it was in fact deselected or withdrew here"
            )
    if outcome == RoundOutcome.PREFERRED:
        preferred = (
            RoundEntry.objects.filter(
                round__partnership_id=dialogue_round.partnership_id, outcome=RoundOutcome.PREFERRED
            )
            .exclude(bidder=bidder)
            .select_related("bidder", "round")
            .first()
        )
        if preferred is not None:
            errors["outcome"] = (
                f"{preferred.bidder} is already the preferred bidder (round {preferred.round.number}): "
                "there can be only one; change that entry first"
            )
    return errors


@transaction.atomic
def entry_save(
    *,
    user: Any,
    dialogue_round: DialogueRound,
    data: Mapping[str, Any],
    entry: RoundEntry | None = None,
) -> RoundEntry:
    """Add a bidder to a round (``data['bidder']``) or change its outcome in the round."""
    _require_editor(user)
    if entry is not None and entry.round_id != dialogue_round.pk:
        raise ValidationError("That entry belongs to another round")
    bidder = entry.bidder if entry is not None else data.get("bidder")
    errors: dict[str, str] = {}
    if entry is None:
        if bidder is None:
            errors["bidder"] = "Choose the bidder taking part in the round"
        elif bidder.partnership_id != dialogue_round.partnership_id:
            errors["bidder"] = "Choose one of this partnership's bidders"
        elif RoundEntry.objects.filter(round=dialogue_round, bidder=bidder).exists():
            errors["bidder"] = f"{bidder} is already in round {dialogue_round.number}"
    _check(errors)
    _check(entry_errors(dialogue_round, bidder, data, entry))
    entry = entry or RoundEntry(round=dialogue_round, bidder=bidder)
    _apply(entry, data, ENTRY_FIELDS)
    entry.reason = entry.reason.strip()
    entry.full_clean(validate_constraints=False)
    save_as(entry, user)
    return entry


@transaction.atomic
def entry_remove(*, user: Any, entry: RoundEntry) -> None:
    """Take a bidder out of a round (an entry made by mistake); the history keeps it."""
    _require_editor(user)
    _delete(entry, user, "Taken out of the round")


# ------------------------------------------------------------------------------------------------------
# Conflicts of interest
# ------------------------------------------------------------------------------------------------------


def _person_error(partnership: Partnership, person: Any, what: str) -> str:
    if person is not None and not council_people(partnership).filter(pk=person.pk).exists():
        return f"Choose the {what} from the users of this partnership's councils"
    return ""


@transaction.atomic
def conflict_declare(
    *, user: Any, partnership: Partnership, data: Mapping[str, Any], today: dt.date | None = None
) -> ConflictDeclaration:
    """Record a declared interest (rule CONFLICT-PERSON); it starts not assessed."""
    _require_editor(user)
    today = today or dt.date.today()
    errors: dict[str, str] = {}
    problem = _person_error(partnership, data.get("person"), "person declaring the interest")
    if problem:
        errors["person"] = problem
    bidder = data.get("bidder")
    if bidder is not None and bidder.partnership_id != partnership.pk:
        errors["bidder"] = "Choose one of this partnership's bidders"
    if _future(data.get("declared_on"), today):
        errors["declared_on"] = (
            f"The date declared must be today or in the past, not {_long(data['declared_on'])}"
        )
    _check(errors)
    declaration = ConflictDeclaration(partnership=partnership, outcome=ConflictOutcome.NOT_ASSESSED)
    _apply(declaration, data, ("person", "bidder", "interest", "declared_on"))
    declaration.full_clean()
    save_as(declaration, user, "Interest declared")
    return declaration


@transaction.atomic
def conflict_assess(
    *,
    user: Any,
    declaration: ConflictDeclaration,
    data: Mapping[str, Any],
    today: dt.date | None = None,
) -> ConflictDeclaration:
    """Record the assessment (rules CONFLICT-PERSON, CONFLICT-MITIGATION)."""
    _require_editor(user)
    today = today or dt.date.today()
    errors: dict[str, str] = {}
    outcome = data.get("outcome")
    if not outcome or outcome == ConflictOutcome.NOT_ASSESSED:
        errors["outcome"] = "Choose what the assessment concluded"
    if outcome == ConflictOutcome.CONFLICT_MITIGATED and not str(data.get("mitigation") or "").strip():
        errors["mitigation"] = (
            "Say how the conflict is mitigated: it was assessed as mitigated by other steps"
        )
    problem = _person_error(declaration.partnership, data.get("assessed_by"), "assessor")
    if problem:
        errors["assessed_by"] = problem
    assessed = data.get("assessed_on")
    if _future(assessed, today):
        errors["assessed_on"] = f"The date assessed must be today or in the past, not {_long(assessed)}"
    elif assessed and assessed < declaration.declared_on:
        errors["assessed_on"] = (
            f"The date assessed must be on or after the date declared ({_long(declaration.declared_on)})"
        )
    _check(errors)
    _apply(declaration, data, ("outcome", "assessed_by", "assessed_on", "mitigation"))
    declaration.mitigation = declaration.mitigation.strip()
    declaration.full_clean()
    save_as(declaration, user, "Interest assessed")
    return declaration


@transaction.atomic
def conflict_review(
    *,
    user: Any,
    declaration: ConflictDeclaration,
    data: Mapping[str, Any],
    today: dt.date | None = None,
) -> ConflictDeclaration:
    """Record that the declaration was reviewed (kept under review, Procurement Act 2023 s.83)."""
    _require_editor(user)
    today = today or dt.date.today()
    reviewed = data.get("last_reviewed_on")
    errors: dict[str, str] = {}
    if declaration.outcome == ConflictOutcome.NOT_ASSESSED:
        errors["last_reviewed_on"] = "Assess the declaration before recording a review of it"
    elif reviewed is None:
        errors["last_reviewed_on"] = "Enter the date the declaration was last reviewed"
    elif reviewed > today:
        errors["last_reviewed_on"] = f"The review date must be today or in the past, not {_long(reviewed)}"
    elif declaration.assessed_on and reviewed < declaration.assessed_on:
        errors["last_reviewed_on"] = (
            f"The review date must be on or after the assessment ({_long(declaration.assessed_on)})"
        )
    _check(errors)
    declaration.last_reviewed_on = reviewed
    save_as(declaration, user, "Declaration reviewed")
    return declaration


def scoring_bar(person: Any, bidder: Bidder) -> str:
    """Rule CONFLICT-BARS-SCORING: why ``person`` may not score ``bidder`` (a sentence), or "" if they may.

    A declaration naming the person and the bidder bars scoring unless it was assessed as no conflict
    (``ConflictDeclaration.bars_scoring``): not yet assessed, excluded and mitigated all bar it, because a
    mitigated conflict's steps are for the evaluation lead to arrange, not for the evaluator to assume.
    """
    declarations = ConflictDeclaration.objects.filter(
        partnership_id=bidder.partnership_id, person=person, bidder=bidder
    ).order_by("declared_on", "pk")
    for declaration in declarations:
        if declaration.bars_scoring:
            name = person.get_full_name() or person.email
            if declaration.outcome == ConflictOutcome.NOT_ASSESSED:
                state = "not assessed yet"
            else:
                state = f"assessed as “{declaration.get_outcome_display()}”"
            return (
                f"{name} declared an interest in {bidder} on {_long(declaration.declared_on)} ({state}), "
                "so may not score this bidder"
            )
    return ""


def conflicts_barring(partnership: Partnership) -> QuerySet[ConflictDeclaration]:
    """Declarations that bar someone from scoring a bidder (for pages listing them)."""
    return ConflictDeclaration.objects.filter(partnership=partnership, bidder__isnull=False).filter(
        ~Q(outcome=ConflictOutcome.NO_CONFLICT)
    )
