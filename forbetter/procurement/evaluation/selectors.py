"""Reads of the evaluation part: lots, prices and bundles with their figures; evaluations with their
bids, criteria and scores; the should-cost the business case offers. Each read is a fixed number of
queries."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from forbetter.appraisal.models import BusinessCaseVersion, FrozenOptionResult, OptionKind, VersionStatus
from forbetter.calc.bundles import BundleResult
from forbetter.partnerships.models import Partnership
from forbetter.procurement.evaluation import adapters
from forbetter.procurement.models import (
    Bidder,
    Bundle,
    ConflictDeclaration,
    Evaluation,
    EvaluationCriterion,
    EvaluatorScore,
    Lot,
    LotPrice,
    ModeratedScore,
    RoundEntry,
    RoundOutcome,
    TenderBid,
)

OUT_OF_COMPETITION = (RoundOutcome.DESELECTED, RoundOutcome.WITHDREW)


def lots(partnership: Partnership) -> QuerySet[Lot]:
    return Lot.objects.filter(partnership=partnership).order_by("name", "pk")


def standalone_prices(partnership: Partnership) -> QuerySet[LotPrice]:
    return (
        LotPrice.objects.filter(bidder__partnership=partnership, bundle__isnull=True)
        .select_related("bidder", "lot")
        .order_by("bidder__name", "lot__name", "pk")
    )


def bundles(partnership: Partnership) -> QuerySet[Bundle]:
    return (
        Bundle.objects.filter(partnership=partnership)
        .select_related("bidder")
        .prefetch_related(Prefetch("prices", queryset=LotPrice.objects.select_related("lot")))
        .order_by("bidder__name", "name", "pk")
    )


@dataclass(frozen=True)
class BundleRow:
    bundle: Bundle
    result: BundleResult | None
    problem: str


def bundle_rows(partnership: Partnership, page_bundles: Any) -> list[BundleRow]:
    """Each bundle of the page with the engine's figures (or why there are none: fewer than two lots)."""
    standalone = adapters.standalone_prices(
        LotPrice.objects.filter(bidder__partnership=partnership, bundle__isnull=True)
    )
    rows = []
    for bundle in page_bundles:
        if bundle.prices.all().__len__() < 2:
            rows.append(BundleRow(bundle, None, "Price at least two lots in the bundle to see its figures."))
            continue
        rows.append(BundleRow(bundle, adapters.bundle_result(bundle, standalone), ""))
    return rows


@dataclass(frozen=True)
class LotCell:
    standalone_gbp: Decimal | None
    lowest: bool
    """The lowest stand-alone price any bidder gave for the lot."""
    bundled: tuple[LotPrice, ...]


@dataclass(frozen=True)
class LotComparison:
    bidders: list[Bidder]
    rows: list[tuple[Lot, list[LotCell]]]


def lot_comparison(partnership: Partnership, page_lots: Any) -> LotComparison:
    """Each lot of the page priced by each bidder, side by side: alone, and inside its bundles (two
    queries)."""
    lots_shown = list(page_lots)
    prices = list(
        LotPrice.objects.filter(bidder__partnership=partnership, lot__in=lots_shown)
        .select_related("bidder", "bundle")
        .order_by("bidder__name", "bundle__name", "pk")
    )
    bidders = sorted({p.bidder for p in prices}, key=lambda b: b.name)
    rows = []
    for lot in lots_shown:
        alone = {p.bidder_id: p.price_gbp for p in prices if p.lot_id == lot.pk and p.bundle_id is None}
        lowest = min(alone.values(), default=None)
        rows.append(
            (
                lot,
                [
                    LotCell(
                        alone.get(b.pk),
                        alone.get(b.pk) is not None and alone.get(b.pk) == lowest,
                        tuple(
                            p for p in prices if p.lot_id == lot.pk and p.bidder_id == b.pk and p.bundle_id
                        ),
                    )
                    for b in bidders
                ],
            )
        )
    return LotComparison(bidders, rows)


def bidders_in_competition(partnership: Partnership) -> QuerySet[Bidder]:
    """The partnership's bidders not deselected and not withdrawn in any round."""
    out = RoundEntry.objects.filter(bidder__partnership=partnership, outcome__in=OUT_OF_COMPETITION)
    return (
        Bidder.objects.filter(partnership=partnership).exclude(pk__in=out.values("bidder")).order_by("name")
    )


def evaluations(partnership: Partnership) -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(partnership=partnership).select_related("round").order_by("pk")


def evaluation(partnership: Partnership, evaluation_pk: int) -> Evaluation:
    return get_object_or_404(
        Evaluation.objects.select_related("round", "partnership"), partnership=partnership, pk=evaluation_pk
    )


def criteria(evaluation: Evaluation) -> list[EvaluationCriterion]:
    return list(evaluation.criteria.order_by("pk"))


def bids(evaluation: Evaluation) -> list[TenderBid]:
    return list(evaluation.bids.select_related("bidder").order_by("bidder__name", "pk"))


def bid(evaluation: Evaluation, bid_pk: int) -> TenderBid:
    return get_object_or_404(evaluation.bids.select_related("bidder"), pk=bid_pk)


def criterion(evaluation: Evaluation, criterion_pk: int) -> EvaluationCriterion:
    return get_object_or_404(evaluation.criteria.all(), pk=criterion_pk)


def own_scores(evaluation: Evaluation, user: Any) -> dict[tuple[int, int], EvaluatorScore]:
    """The user's own scores (independence: before the lock nobody sees another evaluator's)."""
    return {
        (s.bid_id, s.criterion_id): s
        for s in EvaluatorScore.objects.filter(bid__evaluation=evaluation, evaluator=user)
    }


def all_scores(evaluation: Evaluation) -> list[EvaluatorScore]:
    return list(
        EvaluatorScore.objects.filter(bid__evaluation=evaluation)
        .select_related("evaluator")
        .order_by("evaluator__email", "pk")
    )


def moderated_scores(evaluation: Evaluation) -> list[ModeratedScore]:
    return list(ModeratedScore.objects.filter(bid__evaluation=evaluation).select_related("moderated_by"))


def barring_conflicts(evaluation: Evaluation, user: Any) -> dict[int, ConflictDeclaration]:
    """The user's declarations that bar them from scoring a bidder, by bidder pk."""
    found: dict[int, ConflictDeclaration] = {}
    for declaration in ConflictDeclaration.objects.filter(
        partnership_id=evaluation.partnership_id, person=user, bidder__isnull=False
    ).order_by("pk"):
        if declaration.bars_scoring:
            found.setdefault(int(declaration.bidder_id or 0), declaration)
    return found


def computed(evaluation: Evaluation) -> adapters.Computed:
    return adapters.compute(
        evaluation,
        bids(evaluation),
        criteria(evaluation),
        all_scores(evaluation),
        moderated_scores(evaluation),
    )


# ------------------------------------------------------------------------------------------- should-cost


@dataclass(frozen=True)
class BusinessCaseCost:
    """The figure the business case offers as a should-cost, and exactly where it comes from."""

    amount_gbp: Decimal
    version: BusinessCaseVersion
    option_name: str
    basis: str


def business_case_should_cost(partnership: Partnership) -> BusinessCaseCost | None:
    """The current business-case version's partnership (SSP) option's equivalent annual cost: the latest
    frozen version of the partnership's business cases (frozen figures are the ones approved), its SSP
    option, else its preferred option. None if the partnership has no frozen version."""
    version = (
        BusinessCaseVersion.objects.filter(
            business_case__partnership=partnership, status=VersionStatus.FROZEN
        )
        .select_related("business_case", "frozen_result")
        .order_by("-frozen_at", "-pk")
        .first()
    )
    if version is None or not hasattr(version, "frozen_result"):
        return None
    frozen = version.frozen_result
    options = list(
        FrozenOptionResult.objects.filter(result=frozen).select_related("option").order_by("order")
    )
    chosen = next((o for o in options if o.option.kind == OptionKind.SSP), None)
    why = "its strategic partnership (SSP) option"
    if chosen is None:
        chosen = next((o for o in options if o.name == frozen.preferred), None)
        why = "its preferred option (it has no SSP option)"
    if chosen is None:
        return None
    amount = Decimal(chosen.equivalent_annual_cost_gbp).quantize(Decimal("0.01"))
    basis = (
        f"Equivalent annual cost of “{chosen.name}”, {why}, in {version} (frozen "
        f"{version.frozen_at:%-d %B %Y}): £{amount:,.2f} a year, in {version.base_year_label} prices. The "
        "equivalent annual cost is the steady yearly amount with the option's net present cost, so it is on "
        "the same £-a-year basis as the bid prices."
        if version.frozen_at
        else f"Equivalent annual cost of “{chosen.name}”, {why}, in {version}: £{amount:,.2f} a year."
    )
    return BusinessCaseCost(amount, version, chosen.name, basis)
