"""Writes of the evaluation part: lots, prices and bundles; evaluations, their criteria and bids; evaluators'
scores; moderation; and the steps from set-up to complete.

Every function is keyword-only, runs in one transaction, checks the user may make the change and records who
made it (each record's history shows who, when, the old value and the new). Bad input raises a
``ValidationError`` keyed by the form field it concerns, and nothing is saved.

==========================  ==================================================================================
rule                        what it says
==========================  ==================================================================================
EVAL-WEIGHTS-100            the criteria's weights must sum to 100% when bids are opened
EVAL-FIXED-AFTER-OPENING    once bids are opened, criteria, weights, the price weight, the price method, the
                            scale and the bids themselves are fixed: any change is refused
EVAL-BIDDER-IN-COMPETITION  a bid's bidder is a bidder of this partnership not deselected (or withdrawn) in
                            any round; a price is more than £0
EVAL-SCORE-IN-SCALE         a score is from 0 to the scale's maximum
EVAL-CONFLICT-BARS          an evaluator whose declared interest in a bidder bars scoring (any outcome but
                            "no conflict") may not score that bidder's bid
EVAL-INDEPENDENT            each evaluator enters only their own scores, while bids are open; once scores
                            are locked nobody changes them
EVAL-MODERATION-REASON      a moderated score needs a reason; moderation happens between the lock and
                            completion; the evaluators' scores are kept
==========================  ==================================================================================
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from forbetter.accounts.permissions import can_edit
from forbetter.calc.bundles import percent
from forbetter.core.history import save_as
from forbetter.partnerships.models import Partnership
from forbetter.procurement.evaluation import selectors
from forbetter.procurement.models import (
    Bidder,
    Bundle,
    ConflictDeclaration,
    Evaluation,
    EvaluationCriterion,
    EvaluationState,
    EvaluatorScore,
    Lot,
    LotPrice,
    ModeratedScore,
    ShouldCostSource,
    TenderBid,
)

FIXED_SETTINGS = {"price_weight": "price weight", "price_method": "price method", "scale_max": "scale"}


def _require_editor(user: Any) -> None:
    if not can_edit(user):
        raise PermissionDenied("Only council editors and administrators can change the evaluation records")


def _save(instance: Any, user: Any, reason: str = "") -> None:
    instance.full_clean()
    save_as(instance, user, reason)


def _set(instance: Any, data: Mapping[str, Any], fields: tuple[str, ...]) -> None:
    for key in fields:
        if key in data:
            setattr(instance, key, data[key])


def _day(value: dt.date) -> str:
    return f"{value:%-d %B %Y}"


# ------------------------------------------------------------------------------------ lots and bundles


@transaction.atomic
def lot_save(*, user: Any, partnership: Partnership, data: Mapping[str, Any], lot: Lot | None = None) -> Lot:
    _require_editor(user)
    lot = lot or Lot(partnership=partnership)
    if Lot.objects.filter(partnership=partnership, name=data.get("name")).exclude(pk=lot.pk or 0).exists():
        raise ValidationError({"name": f"There is already a lot called “{data.get('name')}”"})
    _set(lot, data, ("name", "services"))
    _save(lot, user, "Lot added" if lot.pk is None else "")
    return lot


def _check_bidder(partnership: Partnership, bidder: Bidder | None, field: str = "bidder") -> Bidder:
    if bidder is None or bidder.partnership_id != partnership.pk:
        raise ValidationError({field: "Select a bidder of this partnership"})
    return bidder


@transaction.atomic
def bundle_save(
    *, user: Any, partnership: Partnership, data: Mapping[str, Any], bundle: Bundle | None = None
) -> Bundle:
    _require_editor(user)
    bidder = _check_bidder(partnership, data.get("bidder"))
    bundle = bundle or Bundle(partnership=partnership)
    if bundle.pk is not None and bundle.bidder_id != bidder.pk and bundle.prices.exists():
        raise ValidationError(
            {
                "bidder": "This bundle already has lot prices from its bidder: add a new bundle for another "
                "bidder"
            }
        )
    if Bundle.objects.filter(bidder=bidder, name=data.get("name")).exclude(pk=bundle.pk or 0).exists():
        raise ValidationError({"name": f"{bidder} already has a bundle called “{data.get('name')}”"})
    _set(bundle, data, ("bidder", "name", "claimed_synergy_gbp", "cross_subsidy_threshold", "notes"))
    _save(bundle, user, "Bundle added" if bundle.pk is None else "")
    return bundle


@transaction.atomic
def lot_price_save(
    *, user: Any, partnership: Partnership, data: Mapping[str, Any], price: LotPrice | None = None
) -> LotPrice:
    """A bidder's price for a lot: alone (no bundle) or inside one of the bidder's bundles."""
    _require_editor(user)
    bidder = _check_bidder(partnership, data.get("bidder"))
    lot = data.get("lot")
    if lot is None or lot.partnership_id != partnership.pk:
        raise ValidationError({"lot": "Select a lot of this partnership"})
    bundle = data.get("bundle")
    if bundle is not None and bundle.bidder_id != bidder.pk:
        raise ValidationError({"bundle": f"“{bundle.name}” is {bundle.bidder}'s bundle, not {bidder}'s"})
    amount = data.get("price_gbp")
    if amount is None or amount <= 0:
        raise ValidationError({"price_gbp": "The price must be more than £0 a year"})
    same = LotPrice.objects.filter(bidder=bidder, lot=lot, bundle=bundle).exclude(pk=price.pk if price else 0)
    if same.exists():
        where = f"in “{bundle.name}”" if bundle else "alone"
        raise ValidationError({"lot": f"{bidder} already has a price for {lot} {where}: change that one"})
    price = price or LotPrice()
    price.bidder, price.lot, price.bundle, price.price_gbp = bidder, lot, bundle, amount
    _save(price, user, "Price added" if price.pk is None else "")
    return price


# -------------------------------------------------------------------------------- evaluation set-up


@transaction.atomic
def evaluation_save(
    *, user: Any, partnership: Partnership, data: Mapping[str, Any], evaluation: Evaluation | None = None
) -> Evaluation:
    """Add an evaluation or change its settings. Once bids are opened the price weight, price method and
    scale are fixed (rule EVAL-FIXED-AFTER-OPENING); the thresholds may still be changed."""
    _require_editor(user)
    evaluation = evaluation or Evaluation(partnership=partnership)
    round_ = data.get("round")
    if round_ is not None and round_.partnership_id != partnership.pk:
        raise ValidationError({"round": "Select a round of this partnership"})
    if evaluation.pk is not None and evaluation.criteria_fixed:
        changed = {
            key: label
            for key, label in FIXED_SETTINGS.items()
            if key in data and data[key] != getattr(evaluation, key)
        }
        if changed:
            raise ValidationError(
                {
                    key: f"Bids were opened on {_day(evaluation.bids_opened_on or dt.date.today())}: the "
                    f"{label} is fixed and cannot be changed"
                    for key, label in changed.items()
                }
            )
    _set(
        evaluation,
        data,
        ("name", "round", *FIXED_SETTINGS, "spread_threshold", "abnormally_low_threshold"),
    )
    _save(evaluation, user, "Evaluation added" if evaluation.pk is None else "")
    return evaluation


@transaction.atomic
def should_cost_set(*, user: Any, evaluation: Evaluation, data: Mapping[str, Any]) -> Evaluation:
    """Record the should-cost and where it came from: typed in (with its source in words), or taken from the
    business case (the figure and its source are read again here, not taken from the form)."""
    _require_editor(user)
    source = data.get("source")
    if source == ShouldCostSource.BUSINESS_CASE:
        offered = selectors.business_case_should_cost(evaluation.partnership)
        if offered is None:
            raise ValidationError(
                {"source": "This partnership has no frozen business-case version to take a should-cost from"}
            )
        evaluation.should_cost_gbp = offered.amount_gbp
        evaluation.should_cost_basis = offered.basis
    elif source == ShouldCostSource.TYPED:
        amount = data.get("should_cost_gbp")
        if amount is None or amount <= 0:
            raise ValidationError({"should_cost_gbp": "Enter the should-cost, more than £0 a year"})
        basis = (data.get("basis") or "").strip()
        if not basis:
            raise ValidationError({"basis": "Say where the should-cost comes from"})
        evaluation.should_cost_gbp = amount
        evaluation.should_cost_basis = basis
    else:
        raise ValidationError({"source": "Select where the should-cost comes from"})
    evaluation.should_cost_source = source
    _save(evaluation, user, "Should-cost set")
    return evaluation


def _fixed_message(evaluation: Evaluation, what: str) -> str:
    return (
        f"Bids were opened on {_day(evaluation.bids_opened_on or dt.date.today())}: {what} fixed and cannot "
        "be changed"
    )


@transaction.atomic
def criterion_save(
    *,
    user: Any,
    evaluation: Evaluation,
    data: Mapping[str, Any],
    criterion: EvaluationCriterion | None = None,
) -> EvaluationCriterion:
    _require_editor(user)
    if evaluation.criteria_fixed:
        raise ValidationError(_fixed_message(evaluation, "the criteria and their weights are"))
    criterion = criterion or EvaluationCriterion(evaluation=evaluation)
    if evaluation.criteria.filter(name=data.get("name")).exclude(pk=criterion.pk or 0).exists():
        raise ValidationError({"name": f"There is already a criterion called “{data.get('name')}”"})
    _set(criterion, data, ("name", "weight", "description"))
    _save(criterion, user, "Criterion added" if criterion.pk is None else "")
    return criterion


@transaction.atomic
def bid_save(
    *, user: Any, evaluation: Evaluation, data: Mapping[str, Any], bid: TenderBid | None = None
) -> TenderBid:
    """Record a bid before bids are opened (rules EVAL-BIDDER-IN-COMPETITION, EVAL-FIXED-AFTER-OPENING)."""
    _require_editor(user)
    if evaluation.criteria_fixed:
        raise ValidationError(_fixed_message(evaluation, "the bids are"))
    bidder = _check_bidder(evaluation.partnership, data.get("bidder"))
    if not selectors.bidders_in_competition(evaluation.partnership).filter(pk=bidder.pk).exists():
        raise ValidationError({"bidder": f"{bidder} was deselected or withdrew, so it cannot bid"})
    amount = data.get("price_gbp")
    if amount is None or amount <= 0:
        raise ValidationError({"price_gbp": "The bid's price must be more than £0 a year"})
    if evaluation.bids.filter(bidder=bidder).exclude(pk=bid.pk if bid else 0).exists():
        raise ValidationError({"bidder": f"{bidder} already has a bid in this evaluation"})
    received_on = data.get("received_on")
    if received_on is None:
        raise ValidationError({"received_on": "Enter the date the bid was received"})
    bid = bid or TenderBid(evaluation=evaluation)
    bid.bidder, bid.price_gbp, bid.received_on = bidder, amount, received_on
    _save(bid, user, "Bid recorded" if bid.pk is None else "")
    return bid


# ------------------------------------------------------------------------------------------- the steps


def weights_problem(criteria: list[EvaluationCriterion]) -> str:
    """Rule EVAL-WEIGHTS-100: why the criteria cannot be used as they are, or ""."""
    if not criteria:
        return "Add at least one quality criterion before bids are opened"
    total = sum((c.weight for c in criteria), Decimal(0))
    if total != 1:
        return f"The criteria's weights sum to {percent(total)}: they must sum to 100% before bids are opened"
    return ""


def next_step(evaluation: Evaluation) -> str:
    """The next step's words, or "" when the evaluation is complete."""
    steps: dict[str, str] = {
        EvaluationState.SET_UP: "Open the bids",
        EvaluationState.BIDS_OPENED: "Lock the scores",
        EvaluationState.SCORES_LOCKED: "Mark moderation complete",
    }
    return steps.get(str(evaluation.state), "")


@transaction.atomic
def evaluation_advance(*, user: Any, evaluation: Evaluation, today: dt.date | None = None) -> Evaluation:
    """Take the evaluation's next step: set up → bids opened → scores locked → complete."""
    _require_editor(user)
    today = today or dt.date.today()
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    criteria = selectors.criteria(evaluation)
    bids = selectors.bids(evaluation)
    if evaluation.state == EvaluationState.SET_UP:
        problem = weights_problem(criteria)
        if problem:
            raise ValidationError(problem)
        if not bids:
            raise ValidationError("Record at least one bid before bids are opened")
        evaluation.state, evaluation.bids_opened_on = EvaluationState.BIDS_OPENED, today
        reason = "Bids opened"
    elif evaluation.state == EvaluationState.BIDS_OPENED:
        scored = set(
            EvaluatorScore.objects.filter(bid__evaluation=evaluation).values_list("bid_id", "criterion_id")
        )
        missing = [f"{b.bidder} on {c.name}" for b in bids for c in criteria if (b.pk, c.pk) not in scored]
        if missing:
            raise ValidationError(
                "Every bid needs at least one evaluator's score on every criterion before scores are locked; "
                f"none yet for {'; '.join(missing[:5])}{'; …' if len(missing) > 5 else ''}"
            )
        evaluation.state, evaluation.scores_locked_on = EvaluationState.SCORES_LOCKED, today
        reason = "Scores locked"
    elif evaluation.state == EvaluationState.SCORES_LOCKED:
        evaluation.state, evaluation.completed_on = EvaluationState.COMPLETE, today
        reason = "Moderation complete"
    else:
        raise ValidationError("The evaluation is complete: there is no further step")
    _save(evaluation, user, reason)
    return evaluation


# ------------------------------------------------------------------------------------------- scoring


def barring_declaration(evaluation: Evaluation, user: Any, bidder: Bidder) -> ConflictDeclaration | None:
    return selectors.barring_conflicts(evaluation, user).get(bidder.pk)


def conflict_message(declaration: ConflictDeclaration) -> str:
    return (
        f"You cannot score {declaration.bidder}: your declared interest of {_day(declaration.declared_on)} "
        f"(“{declaration.interest[:80]}”) is assessed as “{declaration.get_outcome_display()}”, which bars "
        "you from scoring that bidder"
    )


def scoring_problem(evaluation: Evaluation, user: Any, bid: TenderBid) -> str:
    """Why ``user`` may not score ``bid`` now (rules EVAL-INDEPENDENT, EVAL-CONFLICT-BARS), or ""."""
    if not can_edit(user):
        return "Only council editors and administrators score bids"
    if evaluation.state == EvaluationState.SET_UP:
        return "Bids are not opened yet: scoring starts when they are"
    if evaluation.scores_locked:
        return (
            f"Scores were locked on {_day(evaluation.scores_locked_on or dt.date.today())}: nobody can "
            "change them (differences are settled at moderation)"
        )
    declaration = barring_declaration(evaluation, user, bid.bidder)
    if declaration is not None:
        return conflict_message(declaration)
    return ""


def _check_score(evaluation: Evaluation, value: Decimal | None, field: str = "score") -> Decimal:
    if value is None or not 0 <= value <= evaluation.scale_max:
        raise ValidationError({field: f"Enter a score from 0 to {evaluation.scale_max} (the scale)"})
    return value


@transaction.atomic
def score_save(
    *,
    user: Any,
    evaluation: Evaluation,
    bid: TenderBid,
    criterion: EvaluationCriterion,
    data: Mapping[str, Any],
    score: EvaluatorScore | None = None,
) -> EvaluatorScore:
    """Record or change the user's own score of a bid on a criterion."""
    _require_editor(user)
    evaluation = Evaluation.objects.get(pk=evaluation.pk)  # the state now, not when the page was read
    if bid.evaluation_id != evaluation.pk or criterion.evaluation_id != evaluation.pk:
        raise ValidationError("That bid or criterion belongs to another evaluation")
    problem = scoring_problem(evaluation, user, bid)
    if problem:
        raise ValidationError(problem)
    value = _check_score(evaluation, data.get("score"))
    if score is None:
        score = EvaluatorScore(bid=bid, criterion=criterion, evaluator=user)
    elif score.evaluator_id != user.pk:
        raise PermissionDenied("Each evaluator changes only their own scores")
    score.score, score.comment = value, data.get("comment", "")
    _save(score, user, "Scored" if score.pk is None else "")
    return score


@transaction.atomic
def moderation_save(
    *,
    user: Any,
    evaluation: Evaluation,
    bid: TenderBid,
    criterion: EvaluationCriterion,
    data: Mapping[str, Any],
    moderated: ModeratedScore | None = None,
    today: dt.date | None = None,
) -> ModeratedScore:
    """Record the moderated score of a bid on a criterion, with its reason (rule EVAL-MODERATION-REASON)."""
    _require_editor(user)
    evaluation = Evaluation.objects.get(pk=evaluation.pk)
    if bid.evaluation_id != evaluation.pk or criterion.evaluation_id != evaluation.pk:
        raise ValidationError("That bid or criterion belongs to another evaluation")
    if evaluation.state != EvaluationState.SCORES_LOCKED:
        raise ValidationError(
            "Moderation is complete: the moderated scores are fixed"
            if evaluation.state == EvaluationState.COMPLETE
            else "Scores are moderated after they are locked"
        )
    value = _check_score(evaluation, data.get("score"))
    reason = (data.get("reason") or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for the moderated score"})
    moderated = moderated or ModeratedScore(bid=bid, criterion=criterion)
    moderated.score, moderated.reason = value, reason
    moderated.moderated_by, moderated.moderated_on = user, today or dt.date.today()
    _save(moderated, user, "Moderated")
    return moderated
