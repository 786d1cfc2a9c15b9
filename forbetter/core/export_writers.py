"""Writers of a table to CSV, Excel (XLSX) and OpenDocument (ODS), typed by its column spec.

A table is its columns (:class:`forbetter.core.columns.Column`) and its rows, each a list of values already
made plain by :func:`forbetter.core.exports.cell_value`: ``None`` (empty), ``str``, ``int``, ``Decimal`` or
``datetime.date``. The writers decide only how each kind looks in each format:

- **CSV** is UTF-8 with a byte-order mark (so Excel opens it as UTF-8, not the Windows code page) and
  Windows line endings (RFC 4180). Numbers are plain (``1500.00``, ``0.4``), dates ISO (``2026-04-01``).
- **XLSX** cells are typed: integers and decimals are numbers, money a number with a ``£`` format,
  fractions a number with a percent format (0.4 shows as 40.0%), dates are dates shown ``yyyy-mm-dd``.
- **ODS** cells are typed with ``office:value-type``: ``float``, ``currency`` (GBP), ``percentage``,
  ``date`` or ``string``.

**Spreadsheet formulas are never written.** Text that a spreadsheet would take for a formula (starting
``=``, ``+``, ``-``, ``@``, a tab or a carriage return; OWASP "CSV injection") is written with a single
quote in front, in all three formats, and in XLSX and ODS it is always a string cell. Text that already
starts with a quote gets one more, so :func:`unescape_text` (strip one leading quote) gives back exactly
what was exported; the importer calls it on every text cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from forbetter.core.columns import Column

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
TEXT_KINDS = frozenset({"text", "choice", "month", "boolean"})

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
FORMAT_NAMES = {"csv": "CSV", "xlsx": "Excel (XLSX)", "ods": "OpenDocument (ODS)"}

XLSX_FORMATS = {
    "integer": "0",
    "decimal": "General",
    "money": '"£"#,##0.00',
    "fraction": "0.0%",
    "date": "yyyy-mm-dd",
}

Row = Sequence[Any]


def escape_text(text: str) -> str:
    """Text made safe from formula injection: a quote in front if a spreadsheet could run it, or if it
    already starts with a quote (so that stripping one quote always gives back the original)."""
    if text.startswith(FORMULA_STARTS) or text.startswith(QUOTE):
        return QUOTE + text
    return text


def unescape_text(text: str) -> str:
    """What :func:`escape_text` was given: every exported text that starts with a quote had one added."""
    return text[1:] if text.startswith(QUOTE) else text


def plain_decimal(value: Decimal, kind: str) -> str:
    """A decimal as plain text: money with two places (``1500.00``), others without trailing zeros."""
    if kind == "money":
        return f"{value:.2f}"
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _text(value: Any, column: Column) -> str:
    """The value as the text of a CSV cell (and the shown text of an ODS cell)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return plain_decimal(value, column.kind)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    return escape_text(str(value))


def write_csv(columns: Sequence[Column], rows: Iterable[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([escape_text(column.header) for column in columns])
    for row in rows:
        writer.writerow([_text(value, column) for value, column in zip(row, columns, strict=True)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(columns: Sequence[Column], rows: Iterable[Row], *, title: str = "Export") -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31] or "Export"
    bold = Font(bold=True)
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.value = escape_text(column.header)
        cell.data_type = TYPE_STRING
        cell.font = bold
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(60, len(column.header) + 4))
    sheet.freeze_panes = "A2"
    for row_number, row in enumerate(rows, start=2):
        for index, (value, column) in enumerate(zip(row, columns, strict=True), start=1):
            if value is None:
                continue
            cell = sheet.cell(row=row_number, column=index)
            if isinstance(value, bool) or not isinstance(value, int | float | Decimal | dt.date):
                # Text is set as a string cell explicitly: openpyxl would otherwise take "=..." for a formula.
                cell.value = escape_text(str(value))
                cell.data_type = TYPE_STRING
                continue
            cell.value = value
            if column.kind in XLSX_FORMATS:
                cell.number_format = XLSX_FORMATS[column.kind]
            elif isinstance(value, dt.date):
                cell.number_format = XLSX_FORMATS["date"]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _ods_cell(value: Any, column: Column) -> Any:
    from odf.table import TableCell
    from odf.text import P

    if value is None:
        return TableCell()
    if isinstance(value, dt.date):
        cell = TableCell(valuetype="date", datevalue=value.isoformat())
    elif isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        text = escape_text(str(value))
        cell = TableCell(valuetype="string", stringvalue=text)
        cell.addElement(P(text=text))
        return cell
    elif column.kind == "money":
        cell = TableCell(valuetype="currency", currency="GBP", value=plain_decimal(Decimal(value), "money"))
        cell.addElement(P(text=f"£{Decimal(value):,.2f}"))
        return cell
    elif column.kind == "fraction":
        cell = TableCell(valuetype="percentage", value=plain_decimal(Decimal(value), "fraction"))
        cell.addElement(P(text=f"{Decimal(value) * 100:.1f}%"))
        return cell
    else:
        cell = TableCell(valuetype="float", value=_text(value, column))
    cell.addElement(P(text=_text(value, column)))
    return cell


def write_ods(columns: Sequence[Column], rows: Iterable[Row], *, title: str = "Export") -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name=title[:31] or "Export")
    header = TableRow()
    for column in columns:
        text = escape_text(column.header)
        cell = TableCell(valuetype="string", stringvalue=text)
        cell.addElement(P(text=text))
        header.addElement(cell)
    table.addElement(header)
    for row in rows:
        table_row = TableRow()
        for value, column in zip(row, columns, strict=True):
            table_row.addElement(_ods_cell(value, column))
        table.addElement(table_row)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def write(fmt: str, columns: Sequence[Column], rows: Iterable[Row], *, title: str = "Export") -> bytes:
    """The table in ``fmt`` (``csv``, ``xlsx`` or ``ods``)."""
    if fmt == "csv":
        return write_csv(columns, rows)
    if fmt == "xlsx":
        return write_xlsx(columns, rows, title=title)
    if fmt == "ods":
        return write_ods(columns, rows, title=title)
    raise ValueError(f"unknown export format {fmt!r}")
