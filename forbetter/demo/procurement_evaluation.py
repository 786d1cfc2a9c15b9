"""Demo records of the procurement area's evaluation part, on the procurement-stage partnership.

Three lots; stand-alone prices and a bundle from Corvane (all three lots) and Meridian (two lots, with the
property lot priced well below its stand-alone price: flagged as cross-subsidised), each with a synergy claim.
One evaluation of round 2's detailed solutions: five criteria; four evaluators, of whom Gareth Hughes has a
barring conflict with Meridian and so does not score it; scores locked and two of them moderated with reasons
(one after a spread flag). At the 40% price weight Corvane has the highest total; Meridian would above about
55%. The should-cost comes from the business case if the partnership has a frozen version, else it is typed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta

from forbetter.partnerships.models import Partnership
from forbetter.procurement.evaluation import selectors
from forbetter.procurement.models import (
    Bundle,
    ConflictDeclaration,
    ConflictOutcome,
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

EVALUATION_NAME = "Detailed solutions: evaluation of final offers"
REVENUES, PROCUREMENT, PROPERTY = "Revenues and benefits", "Procurement", "Property and estates"
LOTS = {
    REVENUES: "Council tax and business rates collection, housing benefit and council tax support.",
    PROCUREMENT: "Strategic procurement, contract management support and the purchase-to-pay service.",
    PROPERTY: "Estate management, facilities management and capital project delivery.",
}
EVALUATORS = (
    "editor@ashcombe.example",
    "chris.morgan@ashcombe.example",
    "fatima.begum@ashcombe.example",
    "gareth.hughes@marlcaster.example",
)
CRITERIA = (
    (
        "Service transformation",
        "0.30",
        "How the bidder will redesign the services and the evidence it will work.",
    ),
    ("Delivery and staff transfer", "0.25", "Mobilisation, TUPE transfer and keeping services running."),
    ("Social value", "0.15", "Local jobs, apprenticeships and spending with local suppliers."),
    ("Partnership governance", "0.15", "Boards, reporting, open-book accounting and dispute resolution."),
    (
        "Commercial approach and risk",
        "0.15",
        "The payment mechanism, the risks the bidder takes and gainshare.",
    ),
)
# Each criterion's scores by evaluator, in the order of EVALUATORS (Gareth does not score Meridian).
SCORES = {
    "Corvane Partnerships plc": ((3, 3, 4, 3), (3, 3, 3, 3), (3, 2, 3, 3), (3, 3, 3, 4), (3, 3, 2, 3)),
    "Meridian Public Services Ltd": ((1, 3, 3), (3, 2, 3), (3, 3, 3), (2, 2, 2), (2, 3, 3)),
}
MODERATED = {
    ("Meridian Public Services Ltd", "Service transformation"): (
        Decimal("2.5"),
        "Scores ranged from 1 to 3. At moderation the panel agreed the digital plan is credible but the "
        "benefits redesign rests on one pilot; 2.5 reflects a sound plan with limited evidence.",
    ),
    ("Corvane Partnerships plc", "Social value"): (
        Decimal(3),
        "The panel agreed the apprenticeship and local-supplier commitments are specific and contractual, "
        "which meets the descriptor for 3.",
    ),
}
PRICES = {  # stand-alone prices a year (2026/27 prices), on the scale of the priced offers
    "Corvane Partnerships plc": {REVENUES: 7_560_000, PROCUREMENT: 1_980_000, PROPERTY: 3_240_000},
    "Meridian Public Services Ltd": {REVENUES: 7_200_000, PROCUREMENT: 2_160_000, PROPERTY: 3_420_000},
}
BUNDLES = {
    "Corvane Partnerships plc": (
        "All three lots",
        900_000,
        {REVENUES: 7_110_000, PROCUREMENT: 1_836_000, PROPERTY: 3_024_000},
        "Claims shared systems and one service centre across the three lots.",
    ),
    "Meridian Public Services Ltd": (
        "Revenues with property",
        1_170_000,
        {REVENUES: 7_020_000, PROPERTY: 2_340_000},
        "Claims savings from one customer contact centre for both lots.",
    ),
}
# The evaluated price is the mean yearly charge (£ a year, 2026/27 prices) of each bidder's twelve-year priced
# offer in round 2 (forbetter/demo/procurement_incentives.py OFFERS), so the two parts' figures agree.
BIDS = {"Corvane Partnerships plc": 11_950_000, "Meridian Public Services Ltd": 10_725_000}
TYPED_SHOULD_COST = Decimal(7_000_000)
TYPED_BASIS = (
    "The council's should-cost model for the three lots (finance team, updated after round 2): today's "
    "in-house cost of £7.4m a year less the efficiencies the market engagement showed are achievable."
)
COMMENT = {
    4: "Strong, well evidenced.",
    3: "Sound and credible.",
    2: "Some gaps in the evidence.",
    1: "Weak.",
}


def _saved(record: Any, user: Any) -> Any:
    record._history_user = user
    record.save()
    return record


def seed(
    people: dict[str, Any], partnerships_by_name: dict[str, Partnership], *, today: dt.date | None = None
) -> None:
    """Seed this part's demo records where they are missing (idempotent)."""
    from forbetter.demo.procurement import competition, procurement_partnership

    partnership = procurement_partnership(partnerships_by_name)
    if (
        partnership is None
        or Evaluation.objects.filter(partnership=partnership, name=EVALUATION_NAME).exists()
    ):
        return
    today = today or dt.date.today()
    editor = people[EVALUATORS[0]]
    found = competition(partnership, today=today)
    _bundles(partnership, found.bidders, editor)
    second = found.rounds[1]
    opened = second.ends_on or today
    gareth = people[EVALUATORS[3]]
    meridian = found.bidders["Meridian Public Services Ltd"]
    if not any(
        d.bars_scoring
        for d in ConflictDeclaration.objects.filter(partnership=partnership, person=gareth, bidder=meridian)
    ):
        _saved(
            ConflictDeclaration(
                partnership=partnership,
                person=gareth,
                bidder=meridian,
                interest="My brother is a regional director of Meridian Public Services Ltd.",
                declared_on=opened - relativedelta(months=3),
                assessed_on=opened - relativedelta(months=3) + dt.timedelta(days=7),
                assessed_by=editor,
                outcome=ConflictOutcome.CONFLICT_EXCLUDED,
            ),
            editor,
        )
    offered = selectors.business_case_should_cost(partnership)
    evaluation = _saved(
        Evaluation(
            partnership=partnership,
            round=second,
            name=EVALUATION_NAME,
            price_weight=Decimal("0.4"),
            should_cost_gbp=offered.amount_gbp if offered else TYPED_SHOULD_COST,
            should_cost_source=ShouldCostSource.BUSINESS_CASE if offered else ShouldCostSource.TYPED,
            should_cost_basis=offered.basis if offered else TYPED_BASIS,
        ),
        editor,
    )
    criteria = [
        _saved(
            EvaluationCriterion(evaluation=evaluation, name=name, weight=Decimal(weight), description=text),
            editor,
        )
        for name, weight, text in CRITERIA
    ]
    for bidder_name, price in BIDS.items():
        bid = _saved(
            TenderBid(
                evaluation=evaluation, bidder=found.bidders[bidder_name], price_gbp=price, received_on=opened
            ),
            editor,
        )
        evaluators = [
            people[email]
            for email in EVALUATORS
            if bidder_name == "Corvane Partnerships plc" or email != EVALUATORS[3]
        ]
        for criterion, scores in zip(criteria, SCORES[bidder_name], strict=True):
            for person, score in zip(evaluators, scores, strict=True):
                _saved(
                    EvaluatorScore(
                        bid=bid, criterion=criterion, evaluator=person, score=score, comment=COMMENT[score]
                    ),
                    person,
                )
            if (bidder_name, criterion.name) in MODERATED:
                value, reason = MODERATED[(bidder_name, criterion.name)]
                _saved(
                    ModeratedScore(
                        bid=bid,
                        criterion=criterion,
                        score=value,
                        reason=reason,
                        moderated_by=editor,
                        moderated_on=opened + dt.timedelta(days=21),
                    ),
                    editor,
                )
    evaluation.state = EvaluationState.SCORES_LOCKED
    evaluation.bids_opened_on = opened
    evaluation.scores_locked_on = opened + dt.timedelta(days=14)
    _saved(evaluation, editor)


def _bundles(partnership: Partnership, bidders: dict[str, Any], editor: Any) -> None:
    lots = {
        name: Lot.objects.get_or_create(partnership=partnership, name=name, defaults={"services": services})[
            0
        ]
        for name, services in LOTS.items()
    }
    for bidder_name, prices in PRICES.items():
        bidder = bidders[bidder_name]
        for lot_name, price in prices.items():
            if not LotPrice.objects.filter(bidder=bidder, lot=lots[lot_name], bundle__isnull=True).exists():
                _saved(LotPrice(bidder=bidder, lot=lots[lot_name], price_gbp=price), editor)
        name, claimed, bundled, notes = BUNDLES[bidder_name]
        if Bundle.objects.filter(bidder=bidder, name=name).exists():
            continue
        bundle = _saved(
            Bundle(
                partnership=partnership, bidder=bidder, name=name, claimed_synergy_gbp=claimed, notes=notes
            ),
            editor,
        )
        for lot_name, price in bundled.items():
            _saved(LotPrice(bidder=bidder, lot=lots[lot_name], bundle=bundle, price_gbp=price), editor)
