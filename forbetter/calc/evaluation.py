"""Tender evaluation on quality and price: scores, ranks, the winner and how the winner depends on weights.

==========================  ==================================================================================
rule                        what it does
==========================  ==================================================================================
EVAL-PRICE-LOWEST-RATIO     price score = lowest price ÷ the bid's price (:func:`price_scores`)
EVAL-PRICE-DEVIATION        price score = max(0, 1 − (price − lowest) ÷ lowest) (:func:`price_scores`)
EVAL-QUALITY                quality score = Σ criterion weight × mean evaluator score ÷ scale maximum
                            (:func:`quality_score`)
EVAL-TOTAL                  total = (1 − price weight) × quality score + price weight × price score
                            (:func:`total_score`)
EVAL-RANK                   rank 1 = highest total; equal totals share a rank, the next rank is skipped
                            ("1, 1, 3": standard competition ranking)
EVAL-TIE-RULE               among bids tied on the highest total the winner is the lower price, then the
                            bidder's name in alphabetical order; the result says the winner was tied
EVAL-SPREAD-FLAG            evaluators disagree on a bid's criterion when (highest − lowest score) ÷ scale
                            maximum is more than the spread threshold (default 0.4)
EVAL-WEIGHT-SENSITIVITY     the exact price weights from 0 to 1 at which the winner changes
                            (:func:`evaluate_tender`)
EVAL-ABNORMALLY-LOW         a bid priced below threshold × the council's should-cost (default 0.8) is
                            flagged for an explanation of its price
==========================  ==================================================================================

Sources: the scoring formulas of ForBetter's design (section 5, "Price scoring"); the Public Contracts
Regulations 2015, regulation 69 (an authority must ask a tenderer to explain a price that appears abnormally
low, and may reject it only if the explanation does not account for it), which the Procurement Act 2023
carries on for procurements under it.

Every score is a fraction of 1 (0.667, not 66.7). Prices are pounds; the price score does not depend on the
currency unit, only on the ratio of prices.

**Exact arithmetic.** Numbers are taken as the decimals they were written as (``0.1`` is one tenth) and every
score, total, rank and switching weight is worked out in rational arithmetic (:class:`fractions.Fraction`),
then converted to the nearest float for output. So two bids whose totals are equal on paper tie exactly, and
the switching weights are the exact weights at which totals meet, not a search's approximation.

**Weight sensitivity.** A bid's total at price weight w is total(w) = q + w × (p − q) for its quality score q
and price score p: a straight line in w, since price scores do not depend on the weights. The winner at w is
the highest line there (with the tie rule), so the winners over 0 ≤ w ≤ 1 are the upper envelope of the lines.
It is traced from w = 0: at each step the next weight at which a steeper line catches the current winner is
the nearest crossing (a − a') ÷ (b' − b); the winner just beyond it is the highest line there, with the
steepest slope among equal ones. Each step moves to a steeper line, so there are at most (bids − 1) steps.
At a switching weight itself the bids tie on total and the tie rule decides.

Bad input raises :class:`~forbetter.calc.errors.InputError` naming the field by its path in the
``forbetter evaluate`` contract (``bids[1].scores.Method[0]``), except that money fields end in ``_gbp``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Final

from forbetter.calc.errors import InputError
from forbetter.calc.limits import amount_error

LOWEST_RATIO: Final = "lowest_ratio"
DEVIATION: Final = "deviation"
PRICE_METHODS: Final = (LOWEST_RATIO, DEVIATION)
DEFAULT_SCALE_MAX: Final = 4
DEFAULT_SPREAD_THRESHOLD: Final = 0.4
DEFAULT_ABNORMALLY_LOW_THRESHOLD: Final = 0.8
"""Flag a price below 80% of the council's should-cost. No regulation sets a figure: this default flags prices
more than a fifth below the council's own estimate, a gap wider than keen pricing and the estimate's own
uncertainty usually explain, while not flagging every competitive bid. A tender's own rules should set it."""
WEIGHT_TOLERANCE: Final = 1e-9
"""How far the criteria's weights may sum from 1 (rounding in a spreadsheet); they are then scaled to sum to 1
exactly."""
MAX_BIDS: Final = 1_000
MAX_CRITERIA: Final = 1_000
MAX_SCALE: Final = 1_000
MAX_EVALUATOR_SCORES: Final = 100_000
"""The most evaluator scores in one tender, over all bids and criteria (50 bids × 50 criteria × 40
evaluators): about a second of work in exact arithmetic."""
TIE_RULE: Final = (
    "Bids with equal totals share a rank and the next rank is skipped (1, 1, 3). If bids tie on the highest "
    "total, the winner is the one with the lower price, then the bidder named first in alphabetical order; "
    "a tie is reported so that the council can settle it under its tender rules."
)


@dataclass(frozen=True)
class Criterion:
    """A quality criterion and its weight as a fraction of the quality score (the weights sum to 1)."""

    id: str
    weight: float


@dataclass(frozen=True)
class Bid:
    """One bid: the bidder, the price in pounds and each criterion's evaluator scores (0 to the scale max)."""

    bidder: str
    price_gbp: float
    scores: Mapping[str, Sequence[float]]


@dataclass(frozen=True)
class CriterionScore:
    """A bid's score on one criterion: ``score`` = ``mean`` ÷ scale max; ``weighted`` = weight × score."""

    criterion: str
    weight: float
    evaluator_scores: tuple[float, ...]
    mean: float
    score: float
    weighted: float
    spread: float


@dataclass(frozen=True)
class BidResult:
    bidder: str
    price_gbp: float
    price_score: float
    quality_score: float
    total: float
    rank: int
    criteria: tuple[CriterionScore, ...]
    explanation: str


@dataclass(frozen=True)
class SpreadFlag:
    """Evaluators disagree on ``criterion`` for ``bidder``: ``spread`` = (max − min) ÷ scale max."""

    bidder: str
    criterion: str
    spread: float
    evaluator_scores: tuple[float, ...]
    explanation: str


@dataclass(frozen=True)
class WeightInterval:
    """``winner`` has the highest total for every price weight strictly between ``from_weight`` and
    ``to_weight`` (at the ends bids may tie, and the tie rule decides)."""

    from_weight: float
    to_weight: float
    winner: str


@dataclass(frozen=True)
class WeightSensitivity:
    switching_price_weights: tuple[float, ...]
    winner_by_weight: tuple[WeightInterval, ...]
    summary: str


@dataclass(frozen=True)
class AbnormallyLowPrice:
    bidder: str
    price_gbp: float
    should_cost_gbp: float
    ratio: float
    explanation: str


@dataclass(frozen=True)
class Evaluation:
    """The whole evaluation. ``bids`` are in rank order (ties in the order of the tie rule)."""

    price_weight: float
    quality_weight: float
    price_method: str
    scale_max: int
    spread_threshold: float
    bids: tuple[BidResult, ...]
    winner: str
    tied_bidders: tuple[str, ...]
    """Every bidder sharing rank 1 when there is a tie for first place, else empty."""
    flags: tuple[SpreadFlag, ...]
    sensitivity: WeightSensitivity
    should_cost_gbp: float | None
    abnormally_low_threshold: float
    abnormally_low: tuple[AbnormallyLowPrice, ...]
    tie_rule: str = TIE_RULE

    @property
    def tied(self) -> bool:
        return bool(self.tied_bidders)


# --------------------------------------------------------------------------------------- formulas


def price_scores(prices_gbp: Sequence[float], *, method: str) -> list[float]:
    """Each price's score as a fraction of 1 [ForBetter design, section 5].

    ``lowest_ratio``: lowest ÷ price. ``deviation``: max(0, 1 − (price − lowest) ÷ lowest), so a bid twice the
    lowest price or more scores 0. Worked in exact arithmetic on the prices as written.

    >>> [round(s, 3) for s in price_scores([15_000, 10_000, 30_000], method="lowest_ratio")]
    [0.667, 1.0, 0.333]
    >>> [round(s, 3) for s in price_scores([15_000, 10_000, 30_000], method="deviation")]
    [0.5, 1.0, 0.0]
    """
    if method not in PRICE_METHODS:
        raise InputError("price_method", f"must be one of {', '.join(PRICE_METHODS)}; got {_shown(method)}")
    if not prices_gbp:
        raise InputError("bids", "needs at least one bid")
    exact = [_price(price, field=f"bids[{i}].price_gbp") for i, price in enumerate(prices_gbp)]
    return [float(score) for score in _price_scores(exact, method)]


def quality_score(criterion_scores: Sequence[float], weights: Sequence[float]) -> float:
    """Σ weight × criterion score, the criterion scores being fractions of 1 and the weights summing to 1.

    >>> quality_score([0.75, 0.5], [0.6, 0.4])
    0.65
    """
    if len(criterion_scores) != len(weights):
        raise InputError("criteria", "needs one weight for each criterion score")
    total = sum(
        (
            _fraction_in(s, field=f"criteria[{k}].score", low=0, high=1)
            * _fraction_in(w, field=f"criteria[{k}].weight", low=0, high=1)
            for k, (s, w) in enumerate(zip(criterion_scores, weights, strict=True))
        ),
        Fraction(0),
    )
    return float(total)


def total_score(*, quality_score: float, price_score: float, price_weight: float) -> float:
    """(1 − price weight) × quality score + price weight × price score.

    >>> total_score(quality_score=0.5, price_score=1.0, price_weight=0.4)
    0.7
    """
    weight = _fraction_in(price_weight, field="price_weight", low=0, high=1)
    quality = _fraction_in(quality_score, field="quality_score", low=0, high=1)
    price = _fraction_in(price_score, field="price_score", low=0, high=1)
    return float((1 - weight) * quality + weight * price)


# ------------------------------------------------------------------------------------ evaluation


@dataclass(frozen=True)
class _Scored:
    """A bid in exact numbers: its total at price weight w is ``quality + w × slope``."""

    index: int
    bidder: str
    price: Fraction
    price_score: Fraction
    quality: Fraction

    @property
    def slope(self) -> Fraction:
        return self.price_score - self.quality

    def total(self, price_weight: Fraction) -> Fraction:
        return self.quality + price_weight * self.slope

    @property
    def tie_key(self) -> tuple[Fraction, str, str]:
        """EVAL-TIE-RULE: lower price first, then the name in alphabetical order."""
        return (self.price, self.bidder.casefold(), self.bidder)


def evaluate_tender(
    *,
    bids: Sequence[Bid],
    criteria: Sequence[Criterion],
    price_weight: float,
    price_method: str,
    scale_max: int = DEFAULT_SCALE_MAX,
    spread_threshold: float = DEFAULT_SPREAD_THRESHOLD,
    should_cost_gbp: float | None = None,
    abnormally_low_threshold: float = DEFAULT_ABNORMALLY_LOW_THRESHOLD,
) -> Evaluation:
    """Score, rank and choose among ``bids``; flag evaluator disagreement and abnormally low prices; find the
    price weights at which the winner would change.

    >>> criteria = [Criterion("Method", 0.6), Criterion("Social value", 0.4)]
    >>> bids = [Bid("A", 15_000, {"Method": [3, 4], "Social value": [2]}),
    ...         Bid("B", 10_000, {"Method": [2, 2], "Social value": [2]})]
    >>> result = evaluate_tender(bids=bids, criteria=criteria, price_weight=0.4, price_method="lowest_ratio")
    >>> [(b.bidder, round(b.total, 4), b.rank) for b in result.bids]
    [('A', 0.7017, 1), ('B', 0.7, 2)]
    >>> result.sensitivity.switching_price_weights
    (0.40298507462686567,)
    >>> result.sensitivity.summary
    'A wins at the current price weight of 40%; B would win if the price weight rose above 40.3%.'
    """
    weight = _fraction_in(price_weight, field="price_weight", low=0, high=1)
    if price_method not in PRICE_METHODS:
        raise InputError(
            "price_method", f"must be one of {', '.join(PRICE_METHODS)}; got {_shown(price_method)}"
        )
    scale = _scale(scale_max)
    threshold = _fraction_in(spread_threshold, field="spread_threshold", low=0, high=1)
    weights = _weights(criteria)
    _check_sizes(bids, criteria)
    names = _bidders(bids)
    prices = [_price(bid.price_gbp, field=f"bids[{i}].price_gbp") for i, bid in enumerate(bids)]
    scored_price = _price_scores(prices, price_method)
    per_bid = [_criterion_scores(bid, i, criteria, weights, scale) for i, bid in enumerate(bids)]
    scored = [
        _Scored(i, names[i], prices[i], scored_price[i], sum((c[4] for c in per_bid[i]), Fraction(0)))
        for i in range(len(bids))
    ]

    lowest = min(prices)
    totals = {s.index: s.total(weight) for s in scored}
    order = sorted(scored, key=lambda s: (-totals[s.index], *s.tie_key))
    ranks: dict[int, int] = {}
    for position, s in enumerate(order):  # EVAL-RANK: equal totals share the first position's rank
        previous = order[position - 1] if position else None
        same = previous is not None and totals[previous.index] == totals[s.index]
        ranks[s.index] = ranks[previous.index] if same and previous is not None else position + 1
    winner = order[0]
    first = tuple(s.bidder for s in order if ranks[s.index] == 1)
    tied = first if len(first) > 1 else ()

    results = []
    for s in order:
        criteria_out = tuple(
            CriterionScore(
                criterion=criterion.id,
                weight=float(weights[k]),
                evaluator_scores=tuple(float(x) for x in per_bid[s.index][k][0]),
                mean=float(per_bid[s.index][k][1]),
                score=float(per_bid[s.index][k][2]),
                weighted=float(per_bid[s.index][k][4]),
                spread=float(per_bid[s.index][k][3]),
            )
            for k, criterion in enumerate(criteria)
        )
        results.append(
            BidResult(
                bidder=s.bidder,
                price_gbp=float(s.price),
                price_score=float(s.price_score),
                quality_score=float(s.quality),
                total=float(totals[s.index]),
                rank=ranks[s.index],
                criteria=criteria_out,
                explanation=_bid_explanation(
                    s, weight, price_method, lowest, criteria, per_bid[s.index], ranks, len(bids), scale
                ),
            )
        )

    flags = tuple(
        SpreadFlag(
            bidder=s.bidder,
            criterion=criterion.id,
            spread=float(per_bid[s.index][k][3]),
            evaluator_scores=tuple(float(x) for x in per_bid[s.index][k][0]),
            explanation=_flag_explanation(s.bidder, criterion.id, per_bid[s.index][k], scale, threshold),
        )
        for s in order
        for k, criterion in enumerate(criteria)
        if per_bid[s.index][k][3] > threshold
    )

    should_cost = None
    if should_cost_gbp is not None:
        should_cost = _price(should_cost_gbp, field="should_cost_gbp", what="the should-cost")
    low_threshold = _fraction_in(
        abnormally_low_threshold, field="abnormally_low_threshold", low=0, high=1, low_open=True
    )
    abnormally_low = (
        ()
        if should_cost is None
        else tuple(
            AbnormallyLowPrice(
                bidder=s.bidder,
                price_gbp=float(s.price),
                should_cost_gbp=float(should_cost),
                ratio=float(s.price / should_cost),
                explanation=(
                    f"{s.bidder}'s price {_money(s.price)} is {_percent(s.price / should_cost)} of the "
                    f"should-cost {_money(should_cost)}, below the {_percent(low_threshold)} threshold: ask "
                    "the bidder to explain its price before award (Public Contracts Regulations 2015, "
                    "regulation 69); reject it only if the explanation does not account for the low price."
                ),
            )
            for s in order
            if s.price < low_threshold * should_cost
        )
    )

    return Evaluation(
        price_weight=float(weight),
        quality_weight=float(1 - weight),
        price_method=price_method,
        scale_max=scale,
        spread_threshold=float(threshold),
        bids=tuple(results),
        winner=winner.bidder,
        tied_bidders=tied,
        flags=flags,
        sensitivity=_sensitivity(scored, weight, winner),
        should_cost_gbp=None if should_cost is None else float(should_cost),
        abnormally_low_threshold=float(low_threshold),
        abnormally_low=abnormally_low,
    )


def _envelope(scored: Sequence[_Scored]) -> list[tuple[Fraction, Fraction, int]]:
    """EVAL-WEIGHT-SENSITIVITY: the upper envelope of the bids' total lines over 0 ≤ w ≤ 1, as
    (from, to, index of the bid highest strictly in between), each interval of positive length.

    The lines are taken in order of slope, keeping the highest of equal slopes (of identical lines, the first
    under the tie rule); a line is dropped when the next steeper one overtakes the line before it no later
    than it does, since it is then highest at a single weight at most. What remains is the envelope over
    all weights, which is then cut to 0..1. O(n log n), exact.
    """
    steepest: dict[Fraction, _Scored] = {}
    for line in scored:
        kept = steepest.get(line.slope)
        if kept is None or (-line.quality, *line.tie_key) < (-kept.quality, *kept.tie_key):
            steepest[line.slope] = line
    hull: list[_Scored] = []
    for line in (steepest[slope] for slope in sorted(steepest)):
        while len(hull) >= 2 and _meet(hull[-2], line) <= _meet(hull[-2], hull[-1]):
            hull.pop()
        hull.append(line)
    intervals = []
    for k, line in enumerate(hull):
        start = Fraction(0) if k == 0 else max(Fraction(0), _meet(hull[k - 1], line))
        end = Fraction(1) if k == len(hull) - 1 else min(Fraction(1), _meet(line, hull[k + 1]))
        if start < end:
            intervals.append((start, end, line.index))
    return intervals


def _meet(flatter: _Scored, steeper: _Scored) -> Fraction:
    """The price weight at which the steeper line's total reaches the flatter one's."""
    return (flatter.quality - steeper.quality) / (steeper.slope - flatter.slope)


def _sensitivity(scored: Sequence[_Scored], weight: Fraction, winner: _Scored) -> WeightSensitivity:
    envelope = _envelope(scored)
    names = {s.index: s.bidder for s in scored}
    intervals = tuple(WeightInterval(float(a), float(b), names[i]) for a, b, i in envelope)
    switching = tuple(float(b) for _, b, _ in envelope[:-1])
    return WeightSensitivity(
        switching_price_weights=switching,
        winner_by_weight=intervals,
        summary=_sensitivity_summary(envelope, names, weight, winner, scored),
    )


def _sensitivity_summary(
    envelope: Sequence[tuple[Fraction, Fraction, int]],
    names: Mapping[int, str],
    weight: Fraction,
    winner: _Scored,
    scored: Sequence[_Scored],
) -> str:
    tied_here = [
        s.bidder
        for s in sorted(scored, key=lambda s: s.tie_key)
        if s.total(weight) == winner.total(weight) and s is not winner
    ]
    if tied_here:
        first = (
            f"{winner.bidder} wins at the current price weight of {_percent(weight)} on the tie rule: it "
            f"ties on total with {_listed(tied_here)}"
        )
    else:
        first = f"{winner.bidder} wins at the current price weight of {_percent(weight)}"
    above = next((iv for iv in envelope if iv[1] > weight and iv[2] != winner.index), None)
    below = next((iv for iv in reversed(envelope) if iv[0] < weight and iv[2] != winner.index), None)
    changes = []
    if above is not None:
        changes.append(
            f"{names[above[2]]} would win if the price weight rose above "
            f"{_percent(max(above[0], weight), apart_from=weight)}"
        )
    if below is not None:
        changes.append(
            f"{names[below[2]]} would win if it fell below "
            f"{_percent(min(below[1], weight), apart_from=weight)}"
        )
    if not changes:
        return f"{first}, and would win at any price weight from 0% to 100%."
    return f"{first}; " + "; ".join(changes) + "."


# ------------------------------------------------------------------------------------ checking


def _exact(value: float | int | Fraction) -> Fraction:
    """The number as written in decimal (0.1 is one tenth), so that totals equal on paper are equal."""
    if isinstance(value, Fraction | int):
        return Fraction(value)
    return _decimal(float(value))


@functools.lru_cache(maxsize=4096)
def _decimal(value: float) -> Fraction:
    """The shortest decimal that reads back as ``value``, as a fraction (evaluator scores repeat a lot)."""
    return Fraction(repr(value))


def _number(value: object, *, field: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | float | Fraction):
        raise InputError(field, f"must be a number; got {_shown(value)}")
    if isinstance(value, int) and abs(value) > 10**300:
        digits = int(abs(value).bit_length() * math.log10(2)) + 1
        raise InputError(
            field, f"must be a finite number of sensible size; got one of about {digits:,} digits"
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError(field, f"must be a finite number; got {value}")
    return _exact(value)


def _fraction_in(value: object, *, field: str, low: int, high: int, low_open: bool = False) -> Fraction:
    number = _number(value, field=field)
    if number > high or number < low or (low_open and number == low):
        lowest = f"more than {low}" if low_open else f"from {low}"
        raise InputError(field, f"must be a fraction {lowest} to {high} (0.4 for 40%); got {_plain(number)}")
    return number


def _price(value: object, *, field: str, what: str = "price") -> Fraction:
    number = _number(value, field=field)
    if number <= 0:
        raise InputError(field, f"{what} must be more than 0; got {_plain(number)}")
    if amount_error(float(number)):
        raise InputError(field, amount_error(float(number)))
    return number


def _scale(value: object) -> int:
    number = _number(value, field="scale_max")
    if number.denominator != 1 or not 1 <= number <= MAX_SCALE:
        raise InputError(
            "scale_max",
            f"must be a whole number from 1 to {MAX_SCALE:,} (4 for a 0–4 scale); got {_plain(number)}",
        )
    return int(number)


def _weights(criteria: Sequence[Criterion]) -> list[Fraction]:
    if not criteria:
        raise InputError("criteria", "needs at least one quality criterion")
    if len(criteria) > MAX_CRITERIA:
        raise InputError(
            "criteria", f"has {len(criteria):,} criteria, more than the limit of {MAX_CRITERIA:,}"
        )
    seen: dict[str, int] = {}
    weights = []
    for k, criterion in enumerate(criteria):
        if not isinstance(criterion.id, str) or not criterion.id.strip():
            raise InputError(f"criteria[{k}].id", f"must name the criterion; got {_shown(criterion.id)}")
        if criterion.id in seen:
            raise InputError(
                f"criteria[{k}].id",
                f"criterion {criterion.id!r} is listed twice (also criteria[{seen[criterion.id]}])",
            )
        seen[criterion.id] = k
        weights.append(_fraction_in(criterion.weight, field=f"criteria[{k}].weight", low=0, high=1))
    total = sum(weights, Fraction(0))
    if abs(total - 1) > Fraction(WEIGHT_TOLERANCE):
        raise InputError(
            "criteria",
            f"weights sum to {_plain(total)}, must sum to 1 (they are fractions of the quality score)",
        )
    return [w / total for w in weights]


def _check_sizes(bids: Sequence[Bid], criteria: Sequence[Criterion]) -> None:
    if not bids:
        raise InputError("bids", "needs at least one bid")
    if len(bids) > MAX_BIDS:
        raise InputError("bids", f"has {len(bids):,} bids, more than the limit of {MAX_BIDS:,}")
    count = 0
    for bid in bids:
        for values in bid.scores.values() if isinstance(bid.scores, Mapping) else ():
            count += len(values) if isinstance(values, Sequence) else 0
    if count > MAX_EVALUATOR_SCORES:
        raise InputError(
            "bids",
            f"hold {count:,} evaluator scores, more than the limit of {MAX_EVALUATOR_SCORES:,}",
        )


def _bidders(bids: Sequence[Bid]) -> list[str]:
    seen: dict[str, int] = {}
    names = []
    for i, bid in enumerate(bids):
        if not isinstance(bid.bidder, str) or not bid.bidder.strip():
            raise InputError(f"bids[{i}].bidder", f"must name the bidder; got {_shown(bid.bidder)}")
        key = bid.bidder.strip().casefold()
        if key in seen:
            raise InputError(
                f"bids[{i}].bidder",
                f"bidder {bid.bidder!r} has another bid (bids[{seen[key]}]): each bidder once, names unique",
            )
        seen[key] = i
        names.append(bid.bidder)
    return names


def _price_scores(prices: Sequence[Fraction], method: str) -> list[Fraction]:
    lowest = min(prices)
    if method == LOWEST_RATIO:
        return [lowest / price for price in prices]
    return [max(Fraction(0), 1 - (price - lowest) / lowest) for price in prices]


_CriterionDetail = tuple[list[float], Fraction, Fraction, Fraction, Fraction]
"""(evaluator scores, mean, score = mean ÷ scale, spread, weighted score)."""


def _criterion_scores(
    bid: Bid, i: int, criteria: Sequence[Criterion], weights: Sequence[Fraction], scale: int
) -> list[_CriterionDetail]:
    if not isinstance(bid.scores, Mapping):
        raise InputError(f"bids[{i}].scores", "must map each criterion to its evaluators' scores")
    ids = {criterion.id for criterion in criteria}
    for key in bid.scores:
        if key not in ids:
            raise InputError(
                f"bids[{i}].scores.{key}",
                f"{bid.bidder} is scored on {key!r}, which is not a criterion "
                f"(the criteria are {', '.join(repr(c.id) for c in criteria[:10])}"
                f"{', …' if len(criteria) > 10 else ''})",
            )
    details = []
    for criterion, weight in zip(criteria, weights, strict=True):
        field = f"bids[{i}].scores.{criterion.id}"
        if criterion.id not in bid.scores:
            raise InputError(
                f"bids[{i}].scores",
                f"{bid.bidder} has no scores for criterion {criterion.id!r}: score every bid on every "
                "criterion",
            )
        raw = bid.scores[criterion.id]
        if isinstance(raw, str | bytes) or not isinstance(raw, Sequence):
            raise InputError(field, f"must be a list of evaluators' scores; got {_shown(raw)}")
        if not raw:
            raise InputError(
                field,
                f"{bid.bidder} has no evaluator's score for criterion {criterion.id!r}: give at least one",
            )
        for j, value in enumerate(raw):
            # checked as the plain number it is (exact for ints and floats alike); fractions only for the sum
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= scale:
                number = _number(value, field=f"{field}[{j}]")  # names a non-number or NaN
                raise InputError(
                    f"{field}[{j}]", f"must be a score from 0 to {scale} (the scale); got {_plain(number)}"
                )
        if all(type(value) is int for value in raw):
            total, highest, lowest = Fraction(sum(raw)), Fraction(max(raw)), Fraction(min(raw))
        else:
            total = sum((_exact(value) for value in raw), Fraction(0))
            highest, lowest = _exact(max(raw)), _exact(min(raw))
        values = list(raw)
        mean = total / len(raw)
        score = mean / scale
        spread = (highest - lowest) / scale
        details.append((values, mean, score, spread, weight * score))
    return details


# ------------------------------------------------------------------------------------ words


def _plain(number: Fraction | float) -> str:
    return f"{float(number):.10g}"


def _money(amount: Fraction | float) -> str:
    return f"£{float(amount):,.2f}"


def _percent(fraction: Fraction | float, *, apart_from: Fraction | float | None = None) -> str:
    """A fraction as a percentage to one decimal place ("57.1%", "40%"), with up to four places when needed
    to tell it apart from ``apart_from`` (a switching weight of 40.03% next to a current weight of 40%)."""
    for places in range(1, 5):
        text = f"{float(fraction) * 100:.{places}f}".rstrip("0").rstrip(".")
        if apart_from is None or fraction == apart_from:
            break
        if text != f"{float(apart_from) * 100:.{places}f}".rstrip("0").rstrip("."):
            break
    return text + "%"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _listed(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _shown(value: object) -> str:
    text = repr(value) if not isinstance(value, list | dict) else type(value).__name__
    return text if len(text) <= 40 else text[:37] + "..."


def _bid_explanation(
    s: _Scored,
    weight: Fraction,
    method: str,
    lowest: Fraction,
    criteria: Sequence[Criterion],
    details: Sequence[_CriterionDetail],
    ranks: Mapping[int, int],
    count: int,
    scale: int,
) -> str:
    if method == LOWEST_RATIO:
        how = f"the lowest price {_money(lowest)} ÷ this price"
    else:
        how = f"1 − (this price − the lowest {_money(lowest)}) ÷ the lowest, not below 0"
    criteria_words = "; ".join(
        f"{criterion.id}: mean {float(detail[1]):.3g} of {scale} → {float(detail[2]):.3f}"
        for criterion, detail in zip(criteria[:10], details[:10], strict=True)
    ) + ("; …" if len(criteria) > 10 else "")
    rank = ranks[s.index]
    shared = sum(1 for r in ranks.values() if r == rank) > 1
    return (
        f"Price {_money(s.price)} scores {float(s.price_score):.3f} ({how}). "
        f"Quality scores {float(s.quality):.3f} ({criteria_words}). "
        f"Total {_percent(1 - weight)} × {float(s.quality):.3f} + {_percent(weight)} × "
        f"{float(s.price_score):.3f} = {float(s.total(weight)):.3f}: ranked {_ordinal(rank)} of {count}"
        f"{' (tied)' if shared else ''}."
    )


def _flag_explanation(
    bidder: str, criterion: str, detail: _CriterionDetail, scale: int, threshold: Fraction
) -> str:
    values = detail[0]
    return (
        f"Evaluators' scores for {bidder} on {criterion} range from {_plain(min(values))} to "
        f"{_plain(max(values))}: a spread of {_percent(detail[3])} of the 0–{scale} scale, more than the "
        f"{_percent(threshold)} threshold. Moderate the scores before they are relied on."
    )
