"""Blank templates to download: an XLSX workbook (a data sheet with the header row and a Notes sheet saying,
for each column, what it holds, its kind, whether it is required and the values allowed) and a CSV file
holding only the header row. Both come from the kind's column spec, so they match what the import reads."""

from __future__ import annotations

import csv
import io
from typing import Any

from forbetter.core.columns import Column
from forbetter.imports.kinds import ImportKind

KIND_WORDS = {
    "text": "Text",
    "integer": "Whole number",
    "decimal": "Number",
    "money": "Pounds, as a number (250000 or 1234.56)",
    "fraction": "Fraction, 0.4 for 40%",
    "date": "Date, YYYY-MM-DD (2026-04-01) or a date cell",
    "month": "Month, YYYY-MM (2026-04)",
    "choice": "One of the allowed values",
    "boolean": "yes or no",
}


def notes(kind: ImportKind, *, council: bool) -> list[tuple[Column, str, str]]:
    """Each column with its kind in words and its allowed values."""
    choices = kind.choices()
    extra = kind.allowed_values()
    rows = []
    for column in kind.columns(council=council):
        allowed = ", ".join(str(label) for _, label in choices.get(column.key, ())) or extra.get(
            column.key, ""
        )
        rows.append((column, KIND_WORDS[column.kind], allowed))
    return rows


def template_xlsx(kind: ImportKind, *, council: bool) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    data: Any = workbook.active
    data.title = kind.sheet_title
    columns = kind.columns(council=council)
    data.append([column.header for column in columns])
    for cell in data[1]:
        cell.font = Font(bold=True)
    sheet = workbook.create_sheet("Notes")
    sheet.append(["Column", "What it holds", "Kind", "Required", "Allowed values"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, words, allowed in notes(kind, council=council):
        sheet.append([column.header, column.help, words, "Yes" if column.required else "No", allowed])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_csv(kind: ImportKind, *, council: bool) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(
        [column.header for column in kind.columns(council=council)]
    )
    return buffer.getvalue().encode("utf-8")
