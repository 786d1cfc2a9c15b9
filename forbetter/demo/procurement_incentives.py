"""Demo records of the procurement area's incentives part, on the procurement-stage partnership."""

from __future__ import annotations

import datetime as dt
from typing import Any

from forbetter.partnerships.models import Partnership


def seed(
    people: dict[str, Any], partnerships_by_name: dict[str, Partnership], *, today: dt.date | None = None
) -> None:
    """Seed this part's demo records where they are missing (idempotent)."""
