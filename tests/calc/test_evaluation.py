"""Tender evaluation (forbetter.calc.evaluation): the design's worked example, rules by name, bad input and
hypothesis properties of scores, ranks and the weight sensitivity.

Sources: ForBetter design section 5 ("Price scoring": bids £15k, £10k, £30k score 0.667, 1 and 0.333 of the
maximum under lowest_ratio); the module docstring for the other rules.

The properties recompute totals directly from the raw inputs with the formulas written out again here (in
exact fractions), so they check the engine against an independent statement of the rules.
"""

from __future__ import annotations

import doctest
import itertools
import time
from dataclasses import replace
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forbetter.calc import evaluation
from forbetter.calc.errors import InputError
from forbetter.calc.evaluation import Bid, Criterion, Evaluation, evaluate_tender, price_scores

CRITERIA = [Criterion("Method", 0.6), Criterion("Social value", 0.4)]
BIDS = [
    Bid("A", 15_000, {"Method": [3, 4], "Social value": [2, 2]}),
    Bid("B", 10_000, {"Method": [2, 2], "Social value": [0, 4]}),
    Bid("C", 30_000, {"Method": [4, 4], "Social value": [4, 4]}),
]


def _evaluate(bids: list[Bid] = BIDS, **options: Any) -> Evaluation:
    settings_: dict[str, Any] = {"criteria": CRITERIA, "price_weight": 0.4, "price_method": "lowest_ratio"}
    settings_.update(options)
    return evaluate_tender(bids=bids, **settings_)


def _by_bidder(result: Evaluation) -> dict[str, evaluation.BidResult]:
    return {bid.bidder: bid for bid in result.bids}


# ------------------------------------------------------------------------------ worked examples


def test_design_worked_example_lowest_ratio_scores_two_thirds_one_and_one_third() -> None:
    """DESIGN section 5: bids £15k, £10k, £30k → 0.667, 1, 0.333 (fractions of 1) under lowest_ratio."""
    assert [round(s, 3) for s in price_scores([15_000, 10_000, 30_000], method="lowest_ratio")] == [
        0.667,
        1.0,
        0.333,
    ]
    scores = {b.bidder: b.price_score for b in _evaluate().bids}
    assert scores == {"A": pytest.approx(2 / 3, abs=1e-15), "B": 1.0, "C": pytest.approx(1 / 3, abs=1e-15)}


def test_rule_eval_price_deviation_is_floored_at_zero() -> None:
    """EVAL-PRICE-DEVIATION: max(0, 1 − (price − lowest)/lowest): £15k is 50% above £10k → 0.5; £30k → 0."""
    assert price_scores([15_000, 10_000, 30_000], method="deviation") == [0.5, 1.0, 0.0]
    assert price_scores([19_000, 10_000], method="deviation") == [pytest.approx(0.1), 1.0]


def test_rule_eval_quality_and_total_worked_by_hand() -> None:
    """EVAL-QUALITY and EVAL-TOTAL: A's Method mean 3.5/4 = 0.875 × 0.6 + Social value 2/4 × 0.4 = 0.725;
    total 0.6 × 0.725 + 0.4 × 2/3 = 0.70167. C: quality 1, total 0.6 + 0.4/3 = 0.7333, the winner."""
    result = _evaluate()
    bids = _by_bidder(result)
    assert bids["A"].quality_score == pytest.approx(0.725, abs=1e-15)
    assert bids["A"].total == pytest.approx(0.6 * 0.725 + 0.4 * 2 / 3, abs=1e-15)
    assert bids["A"].criteria[0].mean == 3.5
    assert bids["A"].criteria[0].score == 0.875
    assert bids["A"].criteria[0].weighted == pytest.approx(0.525)
    assert bids["C"].total == pytest.approx(0.6 + 0.4 / 3, abs=1e-15)
    assert [b.bidder for b in result.bids] == ["C", "A", "B"]
    assert [b.rank for b in result.bids] == [1, 2, 3]
    assert result.winner == "C"
    assert not result.tied
    assert result.quality_weight == pytest.approx(0.6)


def test_rule_eval_weight_sensitivity_worked_by_hand() -> None:
    """C's total is 1 − (2/3)w, B's 0.5 + 0.5w: they meet at w = 0.5/(0.5 + 2/3) = 3/7 (42.9%). A's line
    (0.725 − 0.0583w) never rises above both, so it never wins."""
    sensitivity = _evaluate().sensitivity
    assert sensitivity.switching_price_weights == (3 / 7,)
    assert [(i.from_weight, i.to_weight, i.winner) for i in sensitivity.winner_by_weight] == [
        (0.0, 3 / 7, "C"),
        (3 / 7, 1.0, "B"),
    ]
    assert sensitivity.summary == (
        "C wins at the current price weight of 40%; B would win if the price weight rose above 42.9%."
    )


def test_sensitivity_summary_names_the_change_on_both_sides() -> None:
    """At 50% B wins (above 3/7); C would win below 42.9%."""
    summary = _evaluate(price_weight=0.5).sensitivity.summary
    assert summary == "B wins at the current price weight of 50%; C would win if it fell below 42.9%."
    single = evaluate_tender(bids=BIDS[:1], criteria=CRITERIA, price_weight=0.3, price_method="deviation")
    assert single.sensitivity.summary == (
        "A wins at the current price weight of 30%, and would win at any price weight from 0% to 100%."
    )
    assert single.sensitivity.switching_price_weights == ()


def test_sensitivity_summary_tells_a_close_switching_weight_apart_from_the_current_one() -> None:
    """A (quality 1, price score 0.5) and B (quality 0.666, price score 1) meet at 0.334 ÷ 0.834 = 40.048%:
    shown as 40.05%, not as a confusing "40%" next to the current 40%."""
    criteria = [Criterion("Q", 1)]
    bids = [Bid("A", 200, {"Q": [1000]}), Bid("B", 100, {"Q": [666]})]
    result = evaluate_tender(
        bids=bids, criteria=criteria, price_weight=0.4, price_method="lowest_ratio", scale_max=1000
    )
    assert result.sensitivity.switching_price_weights == (float(Fraction(334, 834)),)  # exact, then rounded
    assert result.sensitivity.summary == (
        "A wins at the current price weight of 40%; B would win if the price weight rose above 40.05%."
    )


def test_a_bid_parallel_to_and_below_another_never_wins() -> None:
    """Lines of equal slope never cross: Cheap (price score 1, quality 0.5) beats Dear (lowest_ratio 0.5 at
    twice the price, quality 0, slope 0.5 as well) at every price weight, so Dear is never a winner."""
    criteria = [Criterion("Quality", 1)]
    bids = [Bid("Dear", 20_000, {"Quality": [0]}), Bid("Cheap", 10_000, {"Quality": [2]})]
    for method in evaluation.PRICE_METHODS:
        result = evaluate_tender(bids=bids, criteria=criteria, price_weight=0.5, price_method=method)
        intervals = result.sensitivity.winner_by_weight
        assert [(i.from_weight, i.to_weight, i.winner) for i in intervals] == [(0.0, 1.0, "Cheap")]


def test_rule_eval_rank_ties_share_a_rank_and_the_tie_rule_picks_the_lower_price() -> None:
    """EVAL-RANK and EVAL-TIE-RULE: at a price weight of 0.5, Cheap (price score 1, quality 0.5) and Good
    (price score 0.5, quality 1) both total 0.75; ranks are 1, 1, 3 and the lower price wins the tie."""
    criteria = [Criterion("Quality", 1)]
    bids = [
        Bid("Good", 20_000, {"Quality": [4]}),
        Bid("Poor", 40_000, {"Quality": [1]}),
        Bid("Cheap", 10_000, {"Quality": [2]}),
    ]
    result = evaluate_tender(bids=bids, criteria=criteria, price_weight=0.5, price_method="lowest_ratio")
    assert [(b.bidder, b.total, b.rank) for b in result.bids] == [
        ("Cheap", 0.75, 1),
        ("Good", 0.75, 1),
        ("Poor", 0.25, 3),
    ]
    assert result.winner == "Cheap"
    assert result.tied
    assert result.tied_bidders == ("Cheap", "Good")
    assert "on the tie rule: it ties on total with Good" in result.sensitivity.summary
    assert "Good would win if it fell below 50%" in result.sensitivity.summary
    assert "(tied)" in result.bids[0].explanation
    # with equal prices as well, the name decides (alphabetical, ignoring case)
    same = [Bid("beta", 10_000, {"Quality": [2]}), Bid("Alpha", 10_000, {"Quality": [2]})]
    tied = evaluate_tender(bids=same, criteria=criteria, price_weight=0.5, price_method="deviation")
    assert tied.winner == "Alpha"
    assert [b.rank for b in tied.bids] == [1, 1]


def test_ties_are_exact_for_decimals_as_written() -> None:
    """In floating point 0.1 + 0.2 is 0.30000000000000004, not 0.3. The engine reads decimals as written,
    so quality made of the 0.1 and 0.2 criteria ties exactly with quality from the 0.3 criterion."""
    assert 0.1 + 0.2 > 0.3  # what a float engine would compare
    criteria = [Criterion("X", 0.1), Criterion("Y", 0.2), Criterion("Z", 0.3), Criterion("W", 0.4)]
    bids = [
        Bid("R", 100, {"X": [0], "Y": [0], "Z": [1], "W": [0]}),
        Bid("P", 100, {"X": [1], "Y": [1], "Z": [0], "W": [0]}),
    ]
    result = evaluate_tender(
        bids=bids, criteria=criteria, price_weight=0.2, price_method="deviation", scale_max=1
    )
    assert [(b.bidder, b.rank) for b in result.bids] == [("P", 1), ("R", 1)]
    assert result.tied_bidders == ("P", "R")
    assert result.sensitivity.winner_by_weight[0].winner == "P"


def test_rule_eval_spread_flag_is_strictly_above_the_threshold() -> None:
    """EVAL-SPREAD-FLAG: (max − min)/scale_max > threshold. B's Social value scores 0 and 4 spread 100% of
    the scale; a spread of exactly the threshold (0 and 1.6 on 0–4 = 40%) is not flagged."""
    result = _evaluate()
    assert [(f.bidder, f.criterion, f.spread) for f in result.flags] == [("B", "Social value", 1.0)]
    assert "range from 0 to 4" in result.flags[0].explanation
    at_threshold = [replace(BIDS[1], scores={"Method": [2, 2], "Social value": [0, 1.6]})]
    assert _evaluate(at_threshold).flags == ()
    just_above = [replace(BIDS[1], scores={"Method": [2, 2], "Social value": [0, 1.7]})]
    assert len(_evaluate(just_above).flags) == 1
    assert _evaluate(spread_threshold=1).flags == ()
    assert len(_evaluate(spread_threshold=0).flags) == 2  # A's Method 3, 4 as well


def test_rule_eval_abnormally_low_flags_prices_below_the_threshold_share_of_should_cost() -> None:
    """EVAL-ABNORMALLY-LOW: with a should-cost of £12,500 the default threshold is £10,000; B at exactly
    £10,000 is not below it; with a should-cost of £14,000 (threshold £11,200) B is flagged."""
    assert _evaluate(should_cost_gbp=12_500).abnormally_low == ()
    flagged = _evaluate(should_cost_gbp=14_000).abnormally_low
    assert [(f.bidder, f.ratio) for f in flagged] == [("B", pytest.approx(10 / 14))]
    assert "71.4% of the should-cost £14,000.00, below the 80% threshold" in flagged[0].explanation
    assert "regulation 69" in flagged[0].explanation
    assert [
        f.bidder for f in _evaluate(should_cost_gbp=14_000, abnormally_low_threshold=0.5).abnormally_low
    ] == []
    assert _evaluate().abnormally_low == ()
    assert _evaluate().should_cost_gbp is None


# ---------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"price_weight": 1.2}, "price_weight", "must be a fraction from 0 to 1"),
        ({"price_weight": "0.4"}, "price_weight", "must be a number"),
        ({"price_method": "cheapest"}, "price_method", "must be one of lowest_ratio, deviation"),
        ({"scale_max": 0}, "scale_max", "whole number from 1"),
        ({"scale_max": 4.5}, "scale_max", "whole number from 1"),
        ({"spread_threshold": -0.1}, "spread_threshold", "fraction from 0 to 1"),
        (
            {"criteria": [Criterion("Method", 0.55), Criterion("Social value", 0.4)]},
            "criteria",
            "weights sum to 0.95, must sum to 1",
        ),
        ({"criteria": []}, "criteria", "at least one"),
        (
            {"criteria": [Criterion("Method", 0.5), Criterion("Method", 0.5)]},
            "criteria[1].id",
            "listed twice",
        ),
        ({"criteria": [Criterion(" ", 1)]}, "criteria[0].id", "must name the criterion"),
        ({"should_cost_gbp": 0}, "should_cost_gbp", "must be more than 0"),
        (
            {"should_cost_gbp": 14_000, "abnormally_low_threshold": 0},
            "abnormally_low_threshold",
            "more than 0",
        ),
    ],
)
def test_bad_settings_are_refused_naming_the_field(change: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(InputError) as caught:
        _evaluate(**change)
    assert caught.value.field == field
    assert words in caught.value.message


@pytest.mark.parametrize(
    ("bid", "field", "words"),
    [
        (Bid("B", 0, BIDS[1].scores), "bids[1].price_gbp", "price must be more than 0"),
        (Bid("B", -5, BIDS[1].scores), "bids[1].price_gbp", "price must be more than 0"),
        (Bid("B", 1e16, BIDS[1].scores), "bids[1].price_gbp", "limit on any amount"),
        (Bid("B", float("nan"), BIDS[1].scores), "bids[1].price_gbp", "finite"),
        (Bid("B", True, BIDS[1].scores), "bids[1].price_gbp", "must be a number"),
        (Bid("a", 1, BIDS[1].scores), "bids[1].bidder", "has another bid (bids[0])"),
        (Bid("", 1, BIDS[1].scores), "bids[1].bidder", "must name the bidder"),
        (Bid("B", 1, {"Method": [2]}), "bids[1].scores", "B has no scores for criterion 'Social value'"),
        (Bid("B", 1, {**BIDS[1].scores, "Price": [1]}), "bids[1].scores.Price", "not a criterion"),
        (Bid("B", 1, {"Method": [], "Social value": [1]}), "bids[1].scores.Method", "no evaluator's score"),
        (Bid("B", 1, {"Method": [5], "Social value": [1]}), "bids[1].scores.Method[0]", "from 0 to 4"),
        (Bid("B", 1, {"Method": [1, -1], "Social value": [1]}), "bids[1].scores.Method[1]", "from 0 to 4"),
        (Bid("B", 1, {"Method": 3, "Social value": [1]}), "bids[1].scores.Method", "must be a list"),  # type: ignore[dict-item]
        (Bid("B", 1, {"Method": ["3"], "Social value": [1]}), "bids[1].scores.Method[0]", "must be a number"),  # type: ignore[list-item]
    ],
)
def test_bad_bids_are_refused_naming_the_field(bid: Bid, field: str, words: str) -> None:
    with pytest.raises(InputError) as caught:
        _evaluate([BIDS[0], bid])
    assert caught.value.field == field
    assert words in caught.value.message
    assert "\n" not in caught.value.message


def test_no_bids_and_too_many_bids_are_refused() -> None:
    with pytest.raises(InputError, match="at least one bid"):
        _evaluate([])
    many = [Bid(f"B{i}", 1, BIDS[0].scores) for i in range(evaluation.MAX_BIDS + 1)]
    with pytest.raises(InputError, match="more than the limit of 1,000"):
        _evaluate(many)


def test_evaluation_doctests_pass() -> None:
    outcome = doctest.testmod(evaluation)
    assert outcome.attempted >= 6
    assert outcome.failed == 0


# ---------------------------------------------------------------------------------- properties


@st.composite
def tenders(draw: st.DrawFn) -> dict[str, Any]:
    """A valid tender: 1–6 bids, 1–4 criteria, integer or half scores, integer or decimal prices."""
    scale = draw(st.sampled_from([4, 5, 10]))
    parts = draw(st.lists(st.integers(1, 10), min_size=1, max_size=4))
    criteria = [Criterion(f"C{k}", part / sum(parts)) for k, part in enumerate(parts)]
    score = st.integers(0, 2 * scale).map(lambda half: half / 2)
    price = st.integers(1, 2_000_000) | st.decimals("0.01", "1000000", places=2).map(float)
    n = draw(st.integers(1, 6))
    bids = [
        Bid(
            f"Bidder {i}",
            draw(price),
            {c.id: draw(st.lists(score, min_size=1, max_size=4)) for c in criteria},
        )
        for i in range(n)
    ]
    if n > 1 and draw(st.booleans()):  # an exact copy of another bid's scores and price: a real tie
        bids[-1] = Bid(f"Bidder {n - 1}", bids[0].price_gbp, dict(bids[0].scores))
    return {
        "bids": bids,
        "criteria": criteria,
        "scale_max": scale,
        "price_weight": draw(st.integers(0, 20).map(lambda k: k / 20) | st.floats(0, 1)),
        "price_method": draw(st.sampled_from(evaluation.PRICE_METHODS)),
    }


def _exact(x: float) -> Fraction:
    return Fraction(repr(x)) if isinstance(x, float) else Fraction(x)


def _direct_lines(tender: dict[str, Any]) -> dict[str, tuple[Fraction, Fraction, Fraction]]:
    """bidder -> (quality score, price score, price), from the raw tender with the rules written out again."""
    prices = {b.bidder: _exact(b.price_gbp) for b in tender["bids"]}
    lowest = min(prices.values())
    weights = [_exact(c.weight) for c in tender["criteria"]]
    lines = {}
    for bid in tender["bids"]:
        quality = sum(
            (
                w
                / sum(weights)
                * sum(_exact(s) for s in bid.scores[c.id])
                / len(bid.scores[c.id])
                / tender["scale_max"]
                for c, w in zip(tender["criteria"], weights, strict=True)
            ),
            Fraction(0),
        )
        price = prices[bid.bidder]
        if tender["price_method"] == "lowest_ratio":
            price_score = lowest / price
        else:
            price_score = max(Fraction(0), 1 - (price - lowest) / lowest)
        lines[bid.bidder] = (quality, price_score, price)
    return lines


def _direct_winner(lines: dict[str, tuple[Fraction, Fraction, Fraction]], w: Fraction) -> str:
    """Argmax of (1 − w) × quality + w × price score; ties to the lower price, then the name."""
    return min(
        lines,
        key=lambda name: (-((1 - w) * lines[name][0] + w * lines[name][1]), lines[name][2], name.casefold()),
    )


PROPERTY = settings(max_examples=150, deadline=None)


@PROPERTY
@given(tender=tenders())
def test_property_scores_and_totals_are_fractions_of_one(tender: dict[str, Any]) -> None:
    result = evaluate_tender(**tender)
    for bid in result.bids:
        assert 0 <= bid.price_score <= 1
        assert 0 <= bid.quality_score <= 1
        assert 0 <= bid.total <= 1
        assert bid.total == pytest.approx(
            (1 - result.price_weight) * bid.quality_score + result.price_weight * bid.price_score, abs=1e-12
        )
    lowest = min(b.price_gbp for b in result.bids)
    assert all(b.price_score == 1 for b in result.bids if b.price_gbp == lowest)


@PROPERTY
@given(tender=tenders())
def test_property_ranks_and_winner_follow_the_totals_computed_directly(tender: dict[str, Any]) -> None:
    """EVAL-RANK: rank = 1 + the number of strictly higher totals (exact); the winner is the direct argmax
    with the tie rule; a tie for first place is reported."""
    result = evaluate_tender(**tender)
    lines = _direct_lines(tender)
    w = _exact(tender["price_weight"])
    totals = {name: (1 - w) * q + w * p for name, (q, p, _) in lines.items()}
    for bid in result.bids:
        assert bid.rank == 1 + sum(1 for t in totals.values() if t > totals[bid.bidder])
        assert bid.quality_score == float(lines[bid.bidder][0])
    assert result.winner == _direct_winner(lines, w)
    first = [name for name, t in totals.items() if t == max(totals.values())]
    assert result.tied == (len(first) > 1)
    assert sorted(result.tied_bidders) == (sorted(first) if len(first) > 1 else [])


@PROPERTY
@given(tender=tenders())
def test_property_winner_on_each_interval_is_the_argmax_inside_it(tender: dict[str, Any]) -> None:
    """EVAL-WEIGHT-SENSITIVITY: at the midpoint of each interval of winner_by_weight (and at points spread
    across it), the interval's winner is the argmax of the totals computed directly there."""
    result = evaluate_tender(**tender)
    lines = _direct_lines(tender)
    for interval in result.sensitivity.winner_by_weight:
        low, high = Fraction(interval.from_weight), Fraction(interval.to_weight)
        if high - low < Fraction(1, 10**9):  # the float ends of a sliver need not be inside it
            continue
        for k in range(1, 10):
            w = low + (high - low) * k / 10
            assert _direct_winner(lines, w) == interval.winner, (float(w), interval)


@PROPERTY
@given(tender=tenders())
def test_property_switching_weights_are_where_the_winner_changes(tender: dict[str, Any]) -> None:
    """The intervals cover 0 to 1 without gaps; their inner ends are exactly the switching weights, sorted;
    neighbours have different winners, and at each switching weight their totals meet."""
    sensitivity = evaluate_tender(**tender).sensitivity
    intervals = sensitivity.winner_by_weight
    assert intervals[0].from_weight == 0
    assert intervals[-1].to_weight == 1
    assert list(sensitivity.switching_price_weights) == [i.to_weight for i in intervals[:-1]]
    assert [i.to_weight for i in intervals[:-1]] == [i.from_weight for i in intervals[1:]]
    assert all(a < b for a, b in itertools.pairwise(sensitivity.switching_price_weights))
    assert all(0 < w < 1 for w in sensitivity.switching_price_weights)
    lines = _direct_lines(tender)
    for before, after in itertools.pairwise(intervals):
        assert before.winner != after.winner
        w = Fraction(before.to_weight)
        q1, p1, _ = lines[before.winner]
        q2, p2, _ = lines[after.winner]
        assert float((1 - w) * q1 + w * p1) == pytest.approx(float((1 - w) * q2 + w * p2), abs=1e-12)
    # each bidder wins on at most one interval: the winners are the upper envelope of straight lines
    winners = [i.winner for i in intervals]
    assert len(winners) == len(set(winners))


@PROPERTY
@given(tender=tenders(), data=st.data())
def test_property_the_order_of_the_bids_does_not_change_the_result(
    tender: dict[str, Any], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(tender["bids"]))
    assert evaluate_tender(**{**tender, "bids": list(shuffled)}) == evaluate_tender(**tender)


@PROPERTY
@given(tender=tenders(), factor=st.integers(2, 1000), real_factor=st.floats(0.001, 1000))
def test_property_scaling_every_price_keeps_the_price_scores(
    tender: dict[str, Any], factor: int, real_factor: float
) -> None:
    """Price scores depend only on the ratios of prices: multiplying every price by a whole number leaves
    them (and so every score, rank and switching weight) exactly unchanged; by any real factor, unchanged
    up to the rounding of the scaled prices."""
    original = evaluate_tender(**tender)
    scaled_bids = [replace(b, price_gbp=b.price_gbp * factor) for b in tender["bids"]]
    if all(isinstance(b.price_gbp, int) for b in tender["bids"]):
        scaled = evaluate_tender(**{**tender, "bids": scaled_bids})
        assert [b.price_score for b in scaled.bids] == [b.price_score for b in original.bids]
        assert scaled.sensitivity == original.sensitivity
        assert [(b.bidder, b.rank) for b in scaled.bids] == [(b.bidder, b.rank) for b in original.bids]
    real = evaluate_tender(
        **{**tender, "bids": [replace(b, price_gbp=b.price_gbp * real_factor) for b in tender["bids"]]}
    )
    scores = {b.bidder: b.price_score for b in original.bids}
    for bid in real.bids:
        assert bid.price_score == pytest.approx(scores[bid.bidder], rel=1e-12, abs=1e-12)


@PROPERTY
@given(tender=tenders())
def test_property_flags_are_exactly_the_spreads_above_the_threshold(tender: dict[str, Any]) -> None:
    result = evaluate_tender(**tender, spread_threshold=0.4)
    expected = {
        (b.bidder, c.id)
        for b in tender["bids"]
        for c in tender["criteria"]
        if (max(b.scores[c.id]) - min(b.scores[c.id])) / tender["scale_max"] > 0.4
    }
    assert {(f.bidder, f.criterion) for f in result.flags} == expected


# ---------------------------------------------------------------------------------- speed


def test_a_thousand_bids_all_on_the_envelope_evaluate_in_a_second() -> None:
    """The worst case for the sensitivity: every bid wins on some interval of price weight. Bid t's line
    (quality 0.5 − t²/2, price score 0.5 + t − t²/2) is tangent to the curve (1 + w²)/2 at w = t, so each is
    the highest near its own t; t = 1 is the lowest price (price score 1)."""
    n = evaluation.MAX_BIDS
    criteria = [Criterion("Q", 1)]
    bids = []
    for i in range(n):
        t = (i + 1) / n
        quality, price_score = 0.5 - t * t / 2, 0.5 + t - t * t / 2
        bids.append(Bid(f"T{i:04d}", 1_000 / price_score, {"Q": [quality * 1_000]}))
    started = time.perf_counter()
    result = evaluate_tender(
        bids=bids, criteria=criteria, price_weight=0.5, price_method="lowest_ratio", scale_max=1_000
    )
    elapsed = time.perf_counter() - started
    assert len(result.sensitivity.winner_by_weight) > n * 0.9
    assert elapsed < 5, elapsed
