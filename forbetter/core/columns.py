"""The columns of a table that ForBetter writes out or reads in, declared as data.

Every list that can be exported, and every template that can be imported, is described by a column spec:
a JSON file beside the app that owns the list (``forbetter/<app>/columns/<name>.json``). The file is a list
of columns, each an object with:

- ``key``: the field of the row (a model attribute, or a key of the row's dict);
- ``header``: the column's heading in the file, in plain English, unique within the spec;
- ``kind``: how the value is written and read: ``text``, ``integer``, ``decimal``, ``money`` (pounds),
  ``fraction`` (0.35 for 35%), ``date`` (ISO 8601, ``2026-04-01``), ``month`` (``2026-04``),
  ``choice`` (written as its label, read as its label or its stored value) or ``boolean`` (``yes``/``no``);
- ``council_only`` (optional, default false): left out for partner users, in exports and templates alike;
- ``required`` (optional, default false): an import refuses a row that leaves it empty;
- ``help`` (optional): one sentence for the template's notes sheet.

Keeping the columns as data means the export of a list, the import template for the same records and the
documentation all name the same headings, and a column is added in one place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

KINDS = frozenset({"text", "integer", "decimal", "money", "fraction", "date", "month", "choice", "boolean"})


class ColumnSpecError(ValueError):
    """A column spec file that does not follow the format above (a programming error, caught by tests)."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"
    council_only: bool = False
    required: bool = False
    help: str = ""


def _column(raw: object, where: str) -> Column:
    if not isinstance(raw, dict):
        raise ColumnSpecError(f"{where}: each column must be an object")
    unknown = set(raw) - {"key", "header", "kind", "council_only", "required", "help"}
    if unknown:
        raise ColumnSpecError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    if not raw.get("key") or not raw.get("header"):
        raise ColumnSpecError(f"{where}: needs a key and a header")
    kind = raw.get("kind", "text")
    if kind not in KINDS:
        raise ColumnSpecError(f"{where}: kind {kind!r} is not one of {', '.join(sorted(KINDS))}")
    return Column(
        key=str(raw["key"]),
        header=str(raw["header"]),
        kind=kind,
        council_only=bool(raw.get("council_only", False)),
        required=bool(raw.get("required", False)),
        help=str(raw.get("help", "")),
    )


@cache
def load_columns(app: str, name: str) -> tuple[Column, ...]:
    """The column spec ``forbetter/<app>/columns/<name>.json``, checked.

    >>> [c.header for c in load_columns("risks", "risk_register")][:3]
    ['Number', 'Title', 'Category']
    """
    text = resources.files(f"forbetter.{app}").joinpath("columns", f"{name}.json").read_text("utf-8")
    raw = json.loads(text)
    where = f"forbetter/{app}/columns/{name}.json"
    if not isinstance(raw, list) or not raw:
        raise ColumnSpecError(f"{where}: must be a non-empty list of columns")
    columns = tuple(_column(item, f"{where}[{index}]") for index, item in enumerate(raw))
    headers = [column.header.casefold() for column in columns]
    if len(set(headers)) != len(headers):
        raise ColumnSpecError(f"{where}: two columns have the same header")
    return columns


def visible_columns(columns: tuple[Column, ...], *, council: bool) -> tuple[Column, ...]:
    """The columns a user may see: all of them for council users, none of the council-only ones otherwise."""
    return columns if council else tuple(column for column in columns if not column.council_only)
