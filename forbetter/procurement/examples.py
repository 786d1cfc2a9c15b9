"""Records every part's ``examples`` may build on (the permission matrix's fixtures): a bidder and a round.
Each part's ``examples`` in its ``routes.py`` adds what its own URLs address."""

from __future__ import annotations

import datetime as dt

from forbetter.partnerships.models import Partnership
from forbetter.procurement.models import Bidder, DialogueRound, RoundEntry, RoundKind


def bidder(
    partnership: Partnership, today: dt.date | None = None, name: str = "Example Bidder Ltd"
) -> Bidder:
    """The partnership's bidder called ``name`` (created if missing)."""
    today = today or dt.date.today()
    found, _ = Bidder.objects.get_or_create(
        partnership=partnership, name=name, defaults={"expressed_interest_on": today}
    )
    return found


def dialogue_round(partnership: Partnership, today: dt.date | None = None) -> DialogueRound:
    """The partnership's first round (created, with the example bidder taking part, if missing)."""
    today = today or dt.date.today()
    found, created = DialogueRound.objects.get_or_create(
        partnership=partnership,
        number=1,
        defaults={"name": "Outline solutions", "kind": RoundKind.DIALOGUE, "starts_on": today},
    )
    if created:
        RoundEntry.objects.create(round=found, bidder=bidder(partnership, today))
    return found
