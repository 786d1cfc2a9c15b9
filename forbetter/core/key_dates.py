"""Dates other areas already know, for the key-dates timeline, so nothing is typed twice.

An area whose records carry dates that matter to the whole partnership (the contract's expiry from the
partnership's details, a rectification plan's due date, the next partnership review) declares
``key_dates`` on its :class:`~forbetter.core.areas.Area`: a function that, given a list of partnerships,
returns :class:`DatedRow` rows for them, each naming its partnership. The key-dates pages (one
partnership's timeline, and the portfolio across every partnership a user sees) put them beside the key
dates recorded by hand, marked as derived, so no area imports another.

A provider is called once for all the partnerships a page shows (one partnership for a timeline, every
visible one for the portfolio) and must read them in a fixed number of queries, whatever their number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from forbetter.core.areas import areas


@dataclass(frozen=True)
class DatedRow:
    """One date known from another record."""

    partnership_id: int
    falls_on: dt.date
    kind: str
    """A key-date kind (``break_point``, ``review_point``, ``contract_expiry``, ``other``...: the values of
    :class:`forbetter.keydates.models.Kind`), so the timeline's filters by kind cover it."""
    title: str
    """What it is, in words ("Contract expiry: end of the 12-year term")."""
    source: str
    """Where the date comes from, in plain words ("From the partnership's details: start and term")."""
    remind_on: dt.date | None = None
    """When to be reminded, if the area knows; ``None`` for no reminder."""
    source_url: str = ""
    """The page of the record it comes from, if there is one."""
    council_only: bool = False
    """True if the record behind it is council-confidential: never shown to partner users."""


def derived_dates(partnerships: Sequence[Any], *, council: bool = True) -> list[DatedRow]:
    """Every area's derived dates for ``partnerships``; council-only rows only if ``council``."""
    if not partnerships:
        return []
    rows: list[DatedRow] = []
    for area in areas():
        if area.key_dates is None:
            continue
        found: Iterable[DatedRow] = area.key_dates(partnerships)
        rows.extend(row for row in found if council or not row.council_only)
    return rows
