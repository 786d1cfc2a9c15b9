"""``forbetter evaluate TENDER.json``: tender evaluation on quality and price (docs/cli.md, ``evaluate``).

In::

    {"price_weight": 0..1, "price_method": "lowest_ratio" | "deviation", "scale_max": 4 (optional),
     "criteria": [{"id": str, "weight": fraction of quality}],
     "bids": [{"bidder": str, "price": x, "scores": {"criterion id": [evaluator scores...]}}],
     "spread_threshold": 0.4 (optional),
     "should_cost": x (optional), "abnormally_low_threshold": 0.8 (optional; only with should_cost)}

Out: ``bids [{bidder, price_score, quality_score, total, rank}], winner, flags [{bidder, criterion, spread}],
weight_sensitivity {switching_price_weights, winner_by_weight [{from, to, winner}]}`` and, beyond the
contract, the weights and settings used, each bid's price, criteria and explanation, ``tied``,
``tied_bidders``, ``tie_rule``, ``sensitivity_summary`` and the abnormally-low-price check.

This module checks the shape of the JSON (objects, lists, required and unknown keys); the numbers are checked
and computed by :mod:`forbetter.calc.evaluation`, whose field names (``bids[0].price_gbp``) are translated
back to the contract's (``bids[0].price``).
"""

from __future__ import annotations

import re
from typing import Any

from forbetter.calc import evaluation
from forbetter.calc.errors import InputError
from forbetter.contracts.json_shapes import checked_list, checked_object

_TENDER_KEYS = (
    "price_weight",
    "price_method",
    "scale_max",
    "criteria",
    "bids",
    "spread_threshold",
    "should_cost",
    "abnormally_low_threshold",
)
_CRITERION_KEYS = ("id", "weight")
_BID_KEYS = ("bidder", "price", "scores")
_ENGINE_TO_CONTRACT = re.compile(r"\b(price|should_cost)_gbp\b")


def _criteria(value: Any) -> list[evaluation.Criterion]:
    items = checked_list(value, field="criteria", what="quality criteria")
    if len(items) > evaluation.MAX_CRITERIA:
        raise InputError(
            "criteria", f"has {len(items):,} criteria, more than the limit of {evaluation.MAX_CRITERIA:,}"
        )
    criteria = []
    for k, item in enumerate(items):
        criterion = checked_object(
            item, field=f"criteria[{k}]", keys=_CRITERION_KEYS, required=_CRITERION_KEYS
        )
        criteria.append(evaluation.Criterion(id=criterion["id"], weight=criterion["weight"]))
    return criteria


def _bids(value: Any) -> list[evaluation.Bid]:
    items = checked_list(value, field="bids", what="bids")
    if len(items) > evaluation.MAX_BIDS:
        raise InputError("bids", f"has {len(items):,} bids, more than the limit of {evaluation.MAX_BIDS:,}")
    bids = []
    for i, item in enumerate(items):
        bid = checked_object(item, field=f"bids[{i}]", keys=_BID_KEYS, required=_BID_KEYS)
        scores = bid["scores"]
        if not isinstance(scores, dict):
            raise InputError(
                f"bids[{i}].scores",
                'must be an object of each criterion\'s evaluator scores, e.g. {"Method": [3, 4]}; '
                f"got {type(scores).__name__}",
            )
        bids.append(evaluation.Bid(bidder=bid["bidder"], price_gbp=bid["price"], scores=scores))
    return bids


def _output(result: evaluation.Evaluation) -> dict[str, Any]:
    return {
        "price_weight": result.price_weight,
        "quality_weight": result.quality_weight,
        "price_method": result.price_method,
        "scale_max": result.scale_max,
        "spread_threshold": result.spread_threshold,
        "bids": [
            {
                "bidder": bid.bidder,
                "price": bid.price_gbp,
                "price_score": bid.price_score,
                "quality_score": bid.quality_score,
                "total": bid.total,
                "rank": bid.rank,
                "criteria": [
                    {
                        "criterion": c.criterion,
                        "weight": c.weight,
                        "evaluator_scores": list(c.evaluator_scores),
                        "mean": c.mean,
                        "score": c.score,
                        "weighted": c.weighted,
                        "spread": c.spread,
                    }
                    for c in bid.criteria
                ],
                "explanation": bid.explanation,
            }
            for bid in result.bids
        ],
        "winner": result.winner,
        "tied": result.tied,
        "tied_bidders": list(result.tied_bidders),
        "tie_rule": result.tie_rule,
        "flags": [
            {
                "bidder": flag.bidder,
                "criterion": flag.criterion,
                "spread": flag.spread,
                "evaluator_scores": list(flag.evaluator_scores),
                "explanation": flag.explanation,
            }
            for flag in result.flags
        ],
        "weight_sensitivity": {
            "switching_price_weights": list(result.sensitivity.switching_price_weights),
            "winner_by_weight": [
                {"from": interval.from_weight, "to": interval.to_weight, "winner": interval.winner}
                for interval in result.sensitivity.winner_by_weight
            ],
        },
        "sensitivity_summary": result.sensitivity.summary,
        "should_cost": result.should_cost_gbp,
        "abnormally_low_threshold": result.abnormally_low_threshold,
        "abnormally_low_checked": result.should_cost_gbp is not None,
        "abnormally_low": [
            {
                "bidder": low.bidder,
                "price": low.price_gbp,
                "should_cost": low.should_cost_gbp,
                "ratio": low.ratio,
                "explanation": low.explanation,
            }
            for low in result.abnormally_low
        ],
    }


def run(payload: Any) -> dict[str, Any]:
    """Evaluate one tender; see docs/cli.md for the input and output."""
    tender = checked_object(
        payload,
        field="file",
        keys=_TENDER_KEYS,
        required=("price_weight", "price_method", "criteria", "bids"),
    )
    if "abnormally_low_threshold" in tender and tender.get("should_cost") is None:
        raise InputError(
            "abnormally_low_threshold", "needs the council's should-cost: give it in should_cost"
        )
    criteria = _criteria(tender["criteria"])
    bids = _bids(tender["bids"])
    try:
        result = evaluation.evaluate_tender(
            bids=bids,
            criteria=criteria,
            price_weight=tender["price_weight"],
            price_method=tender["price_method"],
            scale_max=tender.get("scale_max", evaluation.DEFAULT_SCALE_MAX),
            spread_threshold=tender.get("spread_threshold", evaluation.DEFAULT_SPREAD_THRESHOLD),
            should_cost_gbp=tender.get("should_cost"),
            abnormally_low_threshold=tender.get(
                "abnormally_low_threshold", evaluation.DEFAULT_ABNORMALLY_LOW_THRESHOLD
            ),
        )
    except InputError as error:
        raise InputError(_ENGINE_TO_CONTRACT.sub(r"\1", error.field), error.message) from None
    return _output(result)
