"""Who may use each URL of the procurement area's competition part, the records that address them, and the
part's evidence providers (combined by forbetter/procurement/area.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from forbetter.core.areas import Route, Who, page

COUNCIL = Who.COUNCIL

ROUTES: tuple[Route, ...] = (page("overview", reads=COUNCIL),)

EVIDENCE: tuple[Callable[[Any], Iterable[Any]], ...] = ()


def examples(partnership: Any, user: Any, today: dt.date | None = None) -> None:
    """Make sure the partnership has one record of each kind this part's URLs address."""
