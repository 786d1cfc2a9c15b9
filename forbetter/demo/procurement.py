"""Demo records of the procurement area on the procurement-stage partnership, part by part: the
competition first (bidders and rounds), then what builds on it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from forbetter.demo import (
    procurement_competition,
    procurement_evaluation,
    procurement_governance,
    procurement_incentives,
)
from forbetter.partnerships.models import Partnership

PARTS = (procurement_competition, procurement_evaluation, procurement_incentives, procurement_governance)


def seed(
    people: dict[str, Any], partnerships_by_name: dict[str, Partnership], *, today: dt.date | None = None
) -> None:
    """Seed every part's demo records where they are missing (idempotent)."""
    for part in PARTS:
        part.seed(people, partnerships_by_name, today=today)
