"""Reading an uploaded XLSX or CSV file into a header row and data rows, safely.

The file is refused, with a message in plain English, before anything is stored when it is too large, is not
an XLSX or CSV file, is a CSV file not in UTF-8, or is an XLSX archive that would expand beyond the limits (a
"zip bomb"). Cells are read as values only: a formula's saved result is used, and a formula without one is an
error naming its row and column. Every cell comes back JSON-ready (text, a whole or decimal number, a
boolean, an ISO date ``2026-04-01``, or ``None`` when empty) so the rows can be kept between the dry run and
the confirmation; :mod:`forbetter.imports.values` turns them into typed values column by column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

Cell = str | int | float | bool | None

XLSX_MAGIC = b"PK\x03\x04"


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says why in plain English."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int
    max_expanded_bytes: int
    max_compression_ratio: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_bytes=settings.IMPORT_MAX_BYTES,
            max_rows=settings.IMPORT_MAX_ROWS,
            max_expanded_bytes=settings.IMPORT_MAX_EXPANDED_BYTES,
            max_compression_ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
        )


@dataclass
class Table:
    """A file's first row (the headers) and its non-empty data rows, each with its row number in the file
    (the header is row 1)."""

    headers: list[str]
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)
    formula_cells: list[tuple[int, int]] = field(default_factory=list)
    """(row number, column index) of formulas with no saved value."""


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def _is_blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _kept(number: int, cells: list[Cell], table: Table, limits: Limits) -> None:
    if all(_is_blank(cell) for cell in cells):
        return
    if len(table.rows) >= limits.max_rows:
        raise ImportFileError(
            f"The file has more than {limits.max_rows:,} rows; split it into files of "
            f"{limits.max_rows:,} rows or fewer"
        )
    table.rows.append((number, cells))


def _headers(cells: list[Cell]) -> list[str]:
    headers = ["" if cell is None else str(cell).strip() for cell in cells]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise ImportFileError("The file's first row is empty: it should hold the template's column headings")
    return headers


def read_csv(data: bytes, limits: Limits) -> Table:
    """A UTF-8 CSV file (with or without a byte order mark); every cell is text."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            "The CSV file is not in UTF-8. Save it again as 'CSV UTF-8 (comma delimited)' and upload that"
        ) from error
    if "\x00" in text:
        raise ImportFileError("The file is not a CSV file: it holds binary data")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        first = next(reader, None)
        if first is None:
            raise ImportFileError("The file is empty")
        table = Table(headers=_headers(list(first)))
        for index, row in enumerate(reader, start=2):
            _kept(index, [cell if cell.strip() else None for cell in row], table, limits)
    except csv.Error as error:
        raise ImportFileError(f"The CSV file cannot be read: {error}") from error
    return table


def check_archive(data: bytes, limits: Limits) -> None:
    """Refuse an XLSX archive that would expand beyond ``max_expanded_bytes`` in all, or whose members are
    compressed more than ``max_compression_ratio`` to one, before anything unpacks it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise ImportFileError("The file is not a readable XLSX workbook") from error
    expanded = sum(member.file_size for member in members)
    if expanded > limits.max_expanded_bytes:
        raise ImportFileError(
            f"The workbook would expand to {megabytes(expanded)}, more than the "
            f"{megabytes(limits.max_expanded_bytes)} allowed; save only the data sheet, without images, "
            "and try again"
        )
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > limits.max_compression_ratio * max(
            member.compress_size, 1
        ):
            raise ImportFileError(
                "The workbook is compressed far more than a spreadsheet can be, so it was not opened"
            )


def _json_cell(value: Any) -> Cell:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, str):
        return value if value.strip() else None
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def read_xlsx(data: bytes, limits: Limits) -> Table:
    """The first sheet of an XLSX workbook, values only (formulas' saved results)."""
    check_archive(data, limits)
    from openpyxl import load_workbook

    try:
        values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise ImportFileError("The file is not a readable XLSX workbook") from error
    try:
        sheet, formula_sheet = values.worksheets[0], formulas.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        formula_rows = formula_sheet.iter_rows(values_only=True)
        first = next(rows, None)
        next(formula_rows, None)
        if first is None:
            raise ImportFileError("The file is empty")
        table = Table(headers=_headers([_json_cell(cell) for cell in first]))
        for number, (row, raw) in enumerate(zip(rows, formula_rows, strict=False), start=2):
            cells = [_json_cell(cell) for cell in row]
            for index, (cell, formula) in enumerate(zip(cells, raw, strict=False)):
                if cell is None and isinstance(formula, str) and formula.startswith("="):
                    table.formula_cells.append((number, index))
            _kept(number, cells, table, limits)
    finally:
        values.close()
        formulas.close()
    return table


def read_upload(name: str, size: int, chunks: Any, limits: Limits) -> Table:
    """Read an uploaded file, checking its size (as Django reports it) before reading it into memory."""
    if size > limits.max_bytes:
        raise ImportFileError(
            f"The file is {megabytes(size)}; the largest file that can be imported is "
            f"{megabytes(limits.max_bytes)}"
        )
    if size == 0:
        raise ImportFileError("The file is empty")
    data = b"".join(chunks)
    if len(data) > limits.max_bytes:
        raise ImportFileError(f"The largest file that can be imported is {megabytes(limits.max_bytes)}")
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix == "xlsx":
        if not data.startswith(XLSX_MAGIC):
            raise ImportFileError("The file is named .xlsx but is not an XLSX workbook")
        return read_xlsx(data, limits)
    if suffix == "csv":
        if data.startswith(XLSX_MAGIC):
            raise ImportFileError("The file is named .csv but is an XLSX workbook: rename it to .xlsx")
        return read_csv(data, limits)
    raise ImportFileError("The file must be an XLSX workbook (.xlsx) or a CSV file (.csv)")
