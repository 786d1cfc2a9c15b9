"""Demo records of the procurement area on the procurement-stage partnership, part by part: the
competition first (bidders and rounds), then what builds on it.

The competition every part builds on is fixed here, so each part's demo can rely on it: three bidders
expressed interest; round 1 (outline solutions) had all three and deselected Thistledown Civic Ltd; round 2
(detailed solutions) had the other two; Corvane Partnerships plc is the preferred bidder.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta

from forbetter.accounts.models import Organisation
from forbetter.demo import (
    procurement_competition,
    procurement_evaluation,
    procurement_governance,
    procurement_incentives,
)
from forbetter.demo.partnerships import PROCUREMENT
from forbetter.partnerships.models import Partnership
from forbetter.procurement.models import Bidder, DialogueRound, RoundEntry, RoundKind, RoundOutcome

PARTS = (procurement_competition, procurement_evaluation, procurement_incentives, procurement_governance)

CORVANE = "Corvane Partnerships plc"
MERIDIAN = "Meridian Public Services Ltd"
THISTLEDOWN = "Thistledown Civic Ltd"
PREFERRED = CORVANE
DESELECTED_REASON = (
    "Outline solution scored below the minimum quality threshold on service transformation (2 of 4) and "
    "did not show how benefits staff would transfer."
)


@dataclass(frozen=True)
class Competition:
    partnership: Partnership
    bidders: dict[str, Bidder]
    rounds: list[DialogueRound]


def competition(partnership: Partnership, *, today: dt.date | None = None) -> Competition:
    """The demo competition on ``partnership`` (created where missing): three bidders, two dialogue rounds,
    three bidders narrowed to two."""
    today = today or dt.date.today()
    began = partnership.procurement_began_on or today - relativedelta(months=10)
    bidders = {}
    for offset, name in enumerate((CORVANE, MERIDIAN, THISTLEDOWN)):
        bidders[name], _ = Bidder.objects.get_or_create(
            partnership=partnership,
            name=name,
            defaults={
                "organisation": Organisation.objects.filter(name=name).first(),
                "expressed_interest_on": began + dt.timedelta(days=10 + offset * 3),
            },
        )
    first, _ = DialogueRound.objects.get_or_create(
        partnership=partnership,
        number=1,
        defaults={
            "name": "Outline solutions",
            "kind": RoundKind.DIALOGUE,
            "starts_on": began + relativedelta(months=2),
            "ends_on": began + relativedelta(months=4),
        },
    )
    second, _ = DialogueRound.objects.get_or_create(
        partnership=partnership,
        number=2,
        defaults={
            "name": "Detailed solutions",
            "kind": RoundKind.DIALOGUE,
            "starts_on": began + relativedelta(months=4, days=14),
            "ends_on": began + relativedelta(months=7),
        },
    )
    for name, outcome, reason in (
        (CORVANE, RoundOutcome.SHORTLISTED, ""),
        (MERIDIAN, RoundOutcome.SHORTLISTED, ""),
        (THISTLEDOWN, RoundOutcome.DESELECTED, DESELECTED_REASON),
    ):
        RoundEntry.objects.get_or_create(
            round=first,
            bidder=bidders[name],
            defaults={"outcome": outcome, "reason": reason, "decided_on": first.ends_on},
        )
    for name, outcome in ((CORVANE, RoundOutcome.PREFERRED), (MERIDIAN, RoundOutcome.SHORTLISTED)):
        RoundEntry.objects.get_or_create(
            round=second, bidder=bidders[name], defaults={"outcome": outcome, "decided_on": second.ends_on}
        )
    return Competition(partnership, bidders, [first, second])


def procurement_partnership(partnerships_by_name: dict[str, Partnership]) -> Partnership | None:
    return partnerships_by_name.get(PROCUREMENT)


def seed(
    people: dict[str, Any], partnerships_by_name: dict[str, Partnership], *, today: dt.date | None = None
) -> None:
    """Seed every part's demo records where they are missing (idempotent)."""
    partnership = procurement_partnership(partnerships_by_name)
    if partnership is not None:
        competition(partnership, today=today)
    for part in PARTS:
        part.seed(people, partnerships_by_name, today=today)
