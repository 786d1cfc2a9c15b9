"""Small, honest arithmetic for the trust records (no Django).

=================  ==========================================================================================
rule               what it says
=================  ==========================================================================================
TRUST-ATTENDANCE   each side's attendance at a trust-building activity is the count given, or else the number
                   of names listed (one a line, or separated by commas or semicolons); a count below the
                   number of names listed is refused; a side with nobody is flagged
TRUST-TREND        a partnership measure's trend compares its latest value with the one before: "improving",
                   "worsening" or "no change" (which way is better is the measure's own); with fewer than
                   two values there is no trend, and the page says so
OPEN-BOOK-VARIANCE an open-book review compares the cost the partner submitted with the agreed figure
                   (submitted minus agreed, and that as a share of the agreed figure) and the margin earned
                   with the agreed margin (percentage points)
=================  ==========================================================================================
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from forbetter.calc.errors import InputError

_NAME_SEPARATORS = re.compile(r"[\n;,]+")


def names(text: str) -> list[str]:
    """The names listed in ``text``: one a line, or separated by commas or semicolons; blanks dropped."""
    return [name.strip() for name in _NAME_SEPARATORS.split(text or "") if name.strip()]


def attendance(count: int | None, listed: str, *, field: str = "attendance") -> int:
    """Rule TRUST-ATTENDANCE: how many came from one side."""
    listed_names = names(listed)
    if count is None:
        return len(listed_names)
    if count < 0:
        raise InputError(field, "the number who came cannot be negative")
    if count < len(listed_names):
        raise InputError(
            field, f"the number who came ({count}) is fewer than the {len(listed_names)} names listed"
        )
    return count


def _plain(number: Decimal) -> str:
    """3.50 -> '3.5', 4.00 -> '4'."""
    text = f"{number.normalize():f}"
    return "0" if text in ("-0", "0") else text


class Direction:
    IMPROVING = "improving"
    WORSENING = "worsening"
    SAME = "no change"
    NONE = "no trend yet"


@dataclass(frozen=True)
class Trend:
    """The latest value, the one before, the change between them and what that change means."""

    direction: str
    latest: Decimal | None
    previous: Decimal | None
    change: Decimal | None

    @property
    def explanation(self) -> str:
        """The trend in words, with the two values it compares."""
        if self.latest is None:
            return "No values recorded yet, so there is no trend."
        if self.previous is None or self.change is None:
            return "Only one value recorded, so there is no trend yet."
        if self.change == 0:
            return f"The latest value, {_plain(self.latest)}, is the same as the one before."
        moved = "up" if self.change > 0 else "down"
        return (
            f"The latest value, {_plain(self.latest)}, is {moved} {_plain(abs(self.change))} on the one "
            f"before ({_plain(self.previous)}): {self.direction}."
        )


def trend(values: Sequence[Decimal], *, higher_is_better: bool) -> Trend:
    """Rule TRUST-TREND over ``values`` in time order (oldest first)."""
    if not values:
        return Trend(Direction.NONE, None, None, None)
    latest = values[-1]
    if len(values) < 2:
        return Trend(Direction.NONE, latest, None, None)
    previous = values[-2]
    change = latest - previous
    if change == 0:
        direction = Direction.SAME
    elif (change > 0) == higher_is_better:
        direction = Direction.IMPROVING
    else:
        direction = Direction.WORSENING
    return Trend(direction, latest, previous, change)


@dataclass(frozen=True)
class Variance:
    """Rule OPEN-BOOK-VARIANCE: submitted cost against the agreed figure, margin against agreed margin."""

    cost_gbp: Decimal
    cost_share: Decimal | None
    margin_points: Decimal | None

    @property
    def cost_words(self) -> str:
        """'over', 'under' or 'the same as', for "£X over the agreed cost"."""
        return "over" if self.cost_gbp > 0 else "under" if self.cost_gbp < 0 else "the same as"

    @property
    def cost_size_gbp(self) -> Decimal:
        return abs(self.cost_gbp)

    @property
    def cost_share_size(self) -> Decimal | None:
        return None if self.cost_share is None else abs(self.cost_share)


def variance(
    *,
    agreed_cost_gbp: Decimal,
    submitted_cost_gbp: Decimal,
    agreed_margin: Decimal | None = None,
    actual_margin: Decimal | None = None,
) -> Variance:
    """How far the submitted cost and margin are from the agreed ones. Margins are fractions (0.08 is 8%);
    the margin difference is in percentage points (2.50 is two and a half points above)."""
    if agreed_cost_gbp < 0:
        raise InputError("agreed_cost_gbp", "the agreed cost cannot be negative")
    if submitted_cost_gbp < 0:
        raise InputError("submitted_cost_gbp", "the submitted cost cannot be negative")
    cost = submitted_cost_gbp - agreed_cost_gbp
    share = (cost / agreed_cost_gbp).quantize(Decimal("0.0001")) if agreed_cost_gbp else None
    points = None
    if agreed_margin is not None and actual_margin is not None:
        points = ((actual_margin - agreed_margin) * 100).quantize(Decimal("0.01"))
    return Variance(cost, share, points)
