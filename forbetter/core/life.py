"""What each area has actually cost or brought in so far, for the value-for-money-over-the-life page.

An area that knows some of a partnership's actual costs or benefits (charges paid, deductions, gainshare,
the client-side team's cost, benefits realised, approved changes) declares ``life_actuals`` on its
:class:`~forbetter.core.areas.Area`: a function that, given a partnership, returns :class:`LifeActual` rows.
The value-for-money page puts them beside the business case's expected costs and benefits, year by year,
so no area imports another to be compared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal


@dataclass(frozen=True)
class LifeActual:
    """One line of actual costs or benefits to date."""

    label: str
    """What the line is, in words ("Monthly charges paid")."""
    kind: Literal["cost", "benefit"]
    """A cost to the council (a deduction is a negative cost) or a benefit to it."""
    category: str
    """The business case's line category this compares with (``operating``, ``client_side``, ``benefits``,
    ...: :class:`forbetter.appraisal.models.LineCategory` values), or "" if the business case has none."""
    by_year: Mapping[int, Decimal]
    """Pounds by financial year, keyed by the calendar year the financial year starts in (2025 = 2025/26),
    nominal: as paid or received."""
    explanation: str
    """Where the figures come from, in plain words, for the page."""
    counts: bool = True
    """False for a line shown to explain a variance but already inside another line (the value of approved
    contract changes, say, which the charges paid include): it is not added to the totals."""
    source_url: str = ""
    """The page where the records behind the line are, if there is one."""
    notes: tuple[str, ...] = field(default_factory=tuple)
    """Anything the reader should know about the line (a year with no approved statements, say)."""

    @property
    def total(self) -> Decimal:
        return sum(self.by_year.values(), Decimal(0))
