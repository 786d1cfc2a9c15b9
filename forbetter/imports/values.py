"""Turning one cell of an imported file into a typed value for its column, or a message saying what is wrong.

The rules follow the column kinds of :mod:`forbetter.core.columns`, and accept what the exports write:
dates as ISO ``2026-04-01`` text or as real date cells, fractions as decimals (0.4), money and numbers as
numbers or text (a pound sign and thousands commas are allowed), choices as their label or stored value,
booleans as yes or no. Messages name the value and say how to write it; the caller adds the row and column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from forbetter.core.columns import Column
from forbetter.core.export_writers import unescape_text
from forbetter.imports.reader import Cell

DATE_EXAMPLE = "2026-02-28"
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class CellError(ValueError):
    """A cell that does not hold a valid value for its column."""


def shown(cell: Cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def as_text(cell: Cell) -> str:
    """The text of a cell, with the quote the exports put before text a spreadsheet could take for a formula
    (``'=SUM(A1)``) taken off again, so an exported file imports as the original text."""
    return "" if cell is None else unescape_text(shown(cell))


def _integer(cell: Cell) -> int:
    if isinstance(cell, bool):
        raise CellError(f"{shown(cell)} is not a whole number")
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    text = shown(cell).replace(",", "")
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    raise CellError(f"{shown(cell)} is not a whole number; write it with digits only, like 3")


def _decimal(cell: Cell, *, what: str, example: str) -> Decimal:
    if isinstance(cell, bool):
        raise CellError(f"{shown(cell)} is not {what}")
    if isinstance(cell, int | float):
        return Decimal(repr(cell)) if isinstance(cell, float) else Decimal(cell)
    text = shown(cell).replace(",", "").replace("£", "").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CellError(f"{shown(cell)} is not {what}; write it like {example}") from None
    if not value.is_finite():
        raise CellError(f"{shown(cell)} is not {what}; write it like {example}")
    return value


def _fraction(cell: Cell) -> Decimal:
    if isinstance(cell, str) and cell.strip().endswith("%"):
        return _decimal(cell.strip()[:-1], what="a percentage", example="40%") / 100
    return _decimal(cell, what="a fraction", example="0.4 for 40%")


def _date(cell: Cell) -> dt.date:
    text = shown(cell)
    iso = _ISO.match(text)
    if iso:
        try:
            return dt.date(*(int(part) for part in iso.groups()))
        except ValueError:
            raise CellError(
                f"{text} is not a real date; write it as YYYY-MM-DD, like {DATE_EXAMPLE}"
            ) from None
    day_first = _DAY_FIRST.match(text)
    if day_first:
        day, month, year = (int(part) for part in day_first.groups())
        try:
            meant = dt.date(year, month, day)
        except ValueError:
            raise CellError(f"{text} is not a date; write it as YYYY-MM-DD, like {DATE_EXAMPLE}") from None
        raise CellError(f"{text} is not in the template's date format; write it as {meant.isoformat()}")
    raise CellError(f"{text} is not a date; write it as YYYY-MM-DD, like {DATE_EXAMPLE}")


def _month(cell: Cell) -> dt.date:
    text = shown(cell)
    found = _MONTH.match(text) or _ISO.match(text)
    if found:
        year, month = int(found.group(1)), int(found.group(2))
        if 1 <= month <= 12 and (found.re is _MONTH or found.group(3) == "01"):
            return dt.date(year, month, 1)
    raise CellError(f"{text} is not a month; write it as YYYY-MM, like 2026-04")


def _choice(cell: Cell, choices: Sequence[tuple[Any, str]]) -> Any:
    text = shown(cell).casefold()
    for value, label in choices:
        if text in (str(value).casefold(), str(label).casefold()):
            return value
    allowed = ", ".join(str(label) for _, label in choices)
    raise CellError(f"{shown(cell)} is not one of the choices: {allowed}")


def _boolean(cell: Cell) -> bool:
    if isinstance(cell, bool):
        return cell
    text = shown(cell).casefold()
    if text in ("yes", "y", "true", "1"):
        return True
    if text in ("no", "n", "false", "0"):
        return False
    raise CellError(f"{shown(cell)} is not yes or no")


def parse(column: Column, cell: Cell, choices: Sequence[tuple[Any, str]] = ()) -> Any:
    """The typed value of ``cell`` for ``column``: ``None`` (or "" for text and choices) when it is empty."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        if column.required:
            raise CellError("is empty; this column must be filled in")
        return "" if column.kind in ("text", "choice") else None
    kind = column.kind
    if kind == "text":
        return as_text(cell)
    if kind == "integer":
        return _integer(cell)
    if kind == "decimal":
        return _decimal(cell, what="a number", example="12.5")
    if kind == "money":
        return _decimal(cell, what="an amount in pounds", example="250000 or 1234.56")
    if kind == "fraction":
        return _fraction(cell)
    if kind == "date":
        return _date(cell)
    if kind == "month":
        return _month(cell)
    if kind == "choice":
        return _choice(cell, choices)
    if kind == "boolean":
        return _boolean(cell)
    raise CellError(f"has a column kind {kind!r} that cannot be read")  # pragma: no cover - specs are checked
