"""Who may use each URL of the procurement area's evaluation part, the records that address them, and the
part's evidence providers (combined by forbetter/procurement/area.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from forbetter.core.areas import Route, Who, confirm, first_pk, form, page
from forbetter.partnerships.evidence import EvidenceCandidate
from forbetter.procurement import examples as shared
from forbetter.procurement.models import (
    Bundle,
    Evaluation,
    EvaluationCriterion,
    EvaluationState,
    Lot,
    LotPrice,
    TenderBid,
)

COUNCIL = Who.COUNCIL


def _evaluation(partnership: Any) -> dict[str, int]:
    return {"evaluation_pk": first_pk(Evaluation.objects.filter(partnership=partnership), "evaluation")}


def _cell(partnership: Any) -> dict[str, object]:
    """An evaluation, one of its bids and one of its criteria."""
    found = _evaluation(partnership)
    return {
        **found,
        "bid_pk": first_pk(TenderBid.objects.filter(evaluation_id=found["evaluation_pk"]), "bid"),
        "criterion_pk": first_pk(
            EvaluationCriterion.objects.filter(evaluation_id=found["evaluation_pk"]), "criterion"
        ),
    }


def _with(
    key: str, model: Any, what: str, lookup: str = "partnership"
) -> Callable[[Any], Mapping[str, object]]:
    def kwargs(partnership: Any) -> Mapping[str, object]:
        return {key: first_pk(model.objects.filter(**{lookup: partnership}), what)}

    return kwargs


def _criterion(partnership: Any) -> Mapping[str, object]:
    found = _evaluation(partnership)
    criteria = EvaluationCriterion.objects.filter(evaluation_id=found["evaluation_pk"])
    return {**found, "criterion_pk": first_pk(criteria, "criterion")}


def _bid(partnership: Any) -> Mapping[str, object]:
    found = _evaluation(partnership)
    return {
        **found,
        "bid_pk": first_pk(TenderBid.objects.filter(evaluation_id=found["evaluation_pk"]), "bid"),
    }


ROUTES: tuple[Route, ...] = (
    page("bundles", reads=COUNCIL),
    form("lot-add"),
    form("lot-edit", kwargs=_with("lot_pk", Lot, "lot")),
    form("bundle-add"),
    form("bundle-edit", kwargs=_with("bundle_pk", Bundle, "bundle")),
    form("lot-price-add"),
    form("lot-price-edit", kwargs=_with("price_pk", LotPrice, "lot price", "bidder__partnership")),
    page("evaluations", reads=COUNCIL),
    form("evaluation-add"),
    page("evaluation", reads=COUNCIL, kwargs=_evaluation),
    form("evaluation-edit", kwargs=_evaluation),
    form("evaluation-should-cost", kwargs=_evaluation),
    form("evaluation-criterion-add", kwargs=_evaluation),
    form("evaluation-criterion-edit", kwargs=_criterion),
    form("evaluation-bid-add", kwargs=_evaluation),
    form("evaluation-bid-edit", kwargs=_bid),
    confirm("evaluation-advance", kwargs=_evaluation),
    page("evaluation-scoring", reads=COUNCIL, kwargs=_evaluation),
    form("evaluation-score", kwargs=_cell),
    page("evaluation-moderation", reads=COUNCIL, kwargs=_evaluation),
    form("evaluation-moderate", kwargs=_cell),
    page("evaluation-report", reads=COUNCIL, kwargs=_evaluation),
)


def evaluations(partnership: Any) -> Iterator[EvidenceCandidate]:
    """P-VFM-4: an evaluation whose scores are locked (its report ranks the bids)."""
    for evaluation in Evaluation.objects.filter(
        partnership=partnership, state__in=(EvaluationState.SCORES_LOCKED, EvaluationState.COMPLETE)
    ).order_by("pk"):
        yield EvidenceCandidate(
            record=evaluation,
            label=f"{evaluation.name} ({evaluation.get_state_display()})",
            kind="Bid evaluation",
        )


def bundles(partnership: Any) -> Iterator[EvidenceCandidate]:
    """P-VFM-3: the bundles bidders proposed, each assessed against its lots' stand-alone prices."""
    for bundle in Bundle.objects.filter(partnership=partnership).select_related("bidder").order_by("pk"):
        yield EvidenceCandidate(
            record=bundle, label=f"Bundle “{bundle.name}” from {bundle.bidder}", kind="Bundle"
        )


EVIDENCE: tuple[Callable[[Any], Iterable[Any]], ...] = (evaluations, bundles)


def examples(partnership: Any, user: Any, today: dt.date | None = None) -> None:
    """Make sure the partnership has one record of each kind this part's URLs address: a lot priced alone
    and in a bundle, and an evaluation being set up (one criterion weighing 100%, one bid), so that its next
    step (opening the bids) can be taken."""
    today = today or dt.date.today()
    bidder = shared.bidder(partnership, today)
    shared.dialogue_round(partnership, today)
    lot, _ = Lot.objects.get_or_create(
        partnership=partnership, name="Example lot", defaults={"services": "Example services"}
    )
    bundle, _ = Bundle.objects.get_or_create(partnership=partnership, bidder=bidder, name="Example bundle")
    if not LotPrice.objects.filter(bidder=bidder, lot=lot, bundle__isnull=True).exists():
        LotPrice.objects.create(bidder=bidder, lot=lot, price_gbp=Decimal(1_000_000))
    LotPrice.objects.get_or_create(
        bidder=bidder, lot=lot, bundle=bundle, defaults={"price_gbp": Decimal(900_000)}
    )
    evaluation, created = Evaluation.objects.get_or_create(
        partnership=partnership, name="Example evaluation", defaults={"price_weight": Decimal("0.4")}
    )
    if created:
        EvaluationCriterion.objects.create(evaluation=evaluation, name="Quality", weight=Decimal(1))
        TenderBid.objects.create(
            evaluation=evaluation, bidder=bidder, price_gbp=Decimal(1_000_000), received_on=today
        )
