"""Records in, engine out: the evaluation part's records adapted to :mod:`forbetter.calc.evaluation` (scores,
ranks, spread flags, weight sensitivity, abnormally low prices) and :mod:`forbetter.calc.bundles` (synergy
and cross-subsidy). No arithmetic of the engines is repeated here: this module only gathers their inputs.

An evaluation is computed twice by the engine: on the evaluators' own scores (whose disagreement the spread
flags report), and on the scores the report relies on, where a moderated score replaces the evaluators'
scores of that bid on that criterion.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from forbetter.calc import bundles as bundle_engine
from forbetter.calc import evaluation as engine
from forbetter.calc.errors import InputError
from forbetter.procurement.models import (
    Bundle,
    Evaluation,
    EvaluationCriterion,
    EvaluatorScore,
    LotPrice,
    ModeratedScore,
    TenderBid,
)


def engine_score(value: Decimal) -> int | float:
    """A stored score as the engine takes it (an int when whole, so the engine's arithmetic stays exact)."""
    return int(value) if value == value.to_integral_value() else float(value)


# ------------------------------------------------------------------------------------------------ bundles


def bundle_result(bundle: Bundle, standalone: dict[tuple[int, int], Decimal]) -> bundle_engine.BundleResult:
    """The engine's reading of ``bundle``; ``standalone`` maps (bidder pk, lot pk) to stand-alone prices and
    the bundle's ``prices`` are expected prefetched with their lots."""
    lots = [
        bundle_engine.LotPrice(
            lot=price.lot.name,
            bundled_gbp=price.price_gbp,
            standalone_gbp=standalone.get((bundle.bidder_id, price.lot_id)),
        )
        for price in sorted(bundle.prices.all(), key=lambda p: p.lot.name)
    ]
    return bundle_engine.analyse_bundle(
        lots,
        claimed_synergy_gbp=bundle.claimed_synergy_gbp,
        cross_subsidy_threshold=bundle.cross_subsidy_threshold,
    )


def standalone_prices(prices: Iterable[LotPrice]) -> dict[tuple[int, int], Decimal]:
    return {(p.bidder_id, p.lot_id): p.price_gbp for p in prices if p.bundle_id is None}


# --------------------------------------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class ScoreCell:
    """A bid's scores on one criterion: every evaluator's, and the moderated one if any."""

    bid: TenderBid
    criterion: EvaluationCriterion
    originals: tuple[EvaluatorScore, ...]
    moderated: ModeratedScore | None


@dataclass(frozen=True)
class Computed:
    """The engine's results: ``result`` on the scores relied on (moderated where moderated), ``originals``
    on the evaluators' own scores; ``problem`` says in words why the engine could not run (then both are
    None)."""

    result: engine.Evaluation | None
    originals: engine.Evaluation | None
    problem: str
    cells: dict[tuple[int, int], ScoreCell]


def score_cells(
    bids: Sequence[TenderBid],
    criteria: Sequence[EvaluationCriterion],
    scores: Iterable[EvaluatorScore],
    moderated: Iterable[ModeratedScore],
) -> dict[tuple[int, int], ScoreCell]:
    """Each (bid pk, criterion pk)'s scores."""
    by_key: dict[tuple[int, int], list[EvaluatorScore]] = defaultdict(list)
    for score in scores:
        by_key[(score.bid_id, score.criterion_id)].append(score)
    moderation = {(m.bid_id, m.criterion_id): m for m in moderated}
    return {
        (bid.pk, criterion.pk): ScoreCell(
            bid,
            criterion,
            tuple(by_key.get((bid.pk, criterion.pk), ())),
            moderation.get((bid.pk, criterion.pk)),
        )
        for bid in bids
        for criterion in criteria
    }


def _run(
    evaluation: Evaluation,
    bids: Sequence[TenderBid],
    criteria: Sequence[EvaluationCriterion],
    cells: dict[tuple[int, int], ScoreCell],
    *,
    moderated: bool,
) -> engine.Evaluation:
    engine_bids = []
    for bid in bids:
        scores: dict[str, list[int | float]] = {}
        for criterion in criteria:
            cell = cells[(bid.pk, criterion.pk)]
            if moderated and cell.moderated is not None:
                scores[criterion.name] = [engine_score(cell.moderated.score)]
            else:
                scores[criterion.name] = [engine_score(s.score) for s in cell.originals]
        price: Any = Fraction(bid.price_gbp)  # the engine takes exact fractions as well as floats
        engine_bids.append(engine.Bid(bidder=bid.bidder.name, price_gbp=price, scores=scores))
    return engine.evaluate_tender(
        bids=engine_bids,
        criteria=[engine.Criterion(c.name, Fraction(c.weight)) for c in criteria],  # type: ignore[arg-type]
        price_weight=Fraction(evaluation.price_weight),  # type: ignore[arg-type]
        price_method=evaluation.price_method,
        scale_max=evaluation.scale_max,
        spread_threshold=Fraction(evaluation.spread_threshold),  # type: ignore[arg-type]
        should_cost_gbp=(
            None if evaluation.should_cost_gbp is None else Fraction(evaluation.should_cost_gbp)  # type: ignore[arg-type]
        ),
        abnormally_low_threshold=Fraction(evaluation.abnormally_low_threshold),  # type: ignore[arg-type]
    )


def compute(
    evaluation: Evaluation,
    bids: Sequence[TenderBid],
    criteria: Sequence[EvaluationCriterion],
    scores: Iterable[EvaluatorScore],
    moderated: Iterable[ModeratedScore],
) -> Computed:
    """Run the engine on the evaluation's records (loaded by the caller)."""
    cells = score_cells(bids, criteria, scores, moderated)
    if not bids:
        return Computed(None, None, "No bids have been recorded yet.", cells)
    if not criteria:
        return Computed(None, None, "No quality criteria have been set yet.", cells)
    missing = [
        f"{cell.bid.bidder.name} on {cell.criterion.name}"
        for cell in cells.values()
        if not cell.originals and cell.moderated is None
    ]
    if missing:
        shown = "; ".join(missing[:5]) + ("; …" if len(missing) > 5 else "")
        return Computed(
            None, None, f"Not every bid is scored on every criterion yet (no scores for {shown}).", cells
        )
    try:
        originals = (
            _run(evaluation, bids, criteria, cells, moderated=False)
            if all(c.originals for c in cells.values())
            else None
        )
        result = _run(evaluation, bids, criteria, cells, moderated=True)
    except InputError as error:
        return Computed(
            None, None, f"The evaluation cannot be computed: {error.message} ({error.field}).", cells
        )
    return Computed(result, originals, "", cells)
