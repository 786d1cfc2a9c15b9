"""Reading import files (forbetter.imports.reader and values): CSV with and without a byte order mark, XLSX
with date cells and date text, and every limit refused before the file is opened."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest

from forbetter.core.columns import Column
from forbetter.imports.reader import ImportFileError, Limits, read_upload
from forbetter.imports.values import CellError, parse
from tests.imports_support import csv_bytes, xlsx_bytes

LIMITS = Limits(
    max_bytes=1024 * 1024, max_rows=10, max_expanded_bytes=5 * 1024 * 1024, max_compression_ratio=200
)


def _read(name: str, data: bytes, limits: Limits = LIMITS):  # type: ignore[no-untyped-def]
    return read_upload(name, len(data), [data], limits)


def test_csv_with_a_byte_order_mark_reads_its_first_heading_cleanly() -> None:
    table = _read("r.csv", csv_bytes(["Number", "Title"], [[1, "Flood"]], bom=True))
    assert table.headers == ["Number", "Title"]
    assert table.rows == [(2, ["1", "Flood"])]


def test_csv_not_in_utf8_is_refused_with_how_to_save_it() -> None:
    with pytest.raises(ImportFileError, match="not in UTF-8"):
        _read("r.csv", "Number,Title\n1,Café\n".encode("cp1252"))


def test_blank_rows_are_skipped_but_row_numbers_stay_those_of_the_file() -> None:
    table = _read("r.csv", b"Number,Title\n1,A\n,\n3,C\n")
    assert [number for number, _ in table.rows] == [2, 4]


@pytest.mark.parametrize("data", [b"", b"\n"])
def test_empty_files_are_refused(data: bytes) -> None:
    with pytest.raises(ImportFileError, match="empty"):
        _read("r.csv", data)


def test_xlsx_date_cells_become_iso_dates_and_numbers_stay_numbers() -> None:
    data = xlsx_bytes(["Next review", "Share", "Text"], [[dt.date(2026, 2, 28), 0.4, "2026-03-01"]])
    table = _read("r.xlsx", data)
    assert table.rows == [(2, ["2026-02-28", 0.4, "2026-03-01"])]


def test_a_formula_without_a_saved_result_is_reported_by_row_and_column() -> None:
    table = _read("r.xlsx", xlsx_bytes(["Number", "Title"], [[1, '=A1&"x"']]))
    assert table.formula_cells == [(2, 1)]


def test_too_many_rows_is_refused() -> None:
    with pytest.raises(ImportFileError, match="more than 10 rows"):
        _read("r.csv", csv_bytes(["Number"], [[n] for n in range(11)]))


def test_a_file_over_the_size_limit_is_refused_before_it_is_read() -> None:
    def never() -> bytes:
        raise AssertionError("the file was read")
        yield b""  # pragma: no cover

    with pytest.raises(ImportFileError, match="largest file"):
        read_upload("r.csv", 2 * 1024 * 1024, never(), LIMITS)


def _bomb(size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * size)
    return buffer.getvalue()


def test_a_zip_bomb_expanding_beyond_the_limit_is_refused_unopened() -> None:
    limits = Limits(
        max_bytes=1024 * 1024, max_rows=10, max_expanded_bytes=1024 * 1024, max_compression_ratio=10**6
    )
    with pytest.raises(ImportFileError, match="would expand"):
        _read("r.xlsx", _bomb(2 * 1024 * 1024), limits)


def test_a_zip_bomb_compressed_far_beyond_a_spreadsheet_is_refused_unopened() -> None:
    with pytest.raises(ImportFileError, match="compressed far more"):
        _read("r.xlsx", _bomb(4 * 1024 * 1024))


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("r.pdf", b"%PDF-1.4", "XLSX workbook \\(.xlsx\\) or a CSV"),
        ("r.xlsx", b"Number,Title\n", "not an XLSX workbook"),
        ("r.csv", b"PK\x03\x04rest", "rename it to .xlsx"),
        ("r.xlsx", b"PK\x03\x04not a zip", "not a readable XLSX"),
    ],
)
def test_files_that_are_not_xlsx_or_csv_are_refused(name: str, data: bytes, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        _read(name, data)


DATE = Column("next_review_on", "Next review", "date", required=True)


def test_dates_as_text_or_cells() -> None:
    assert parse(DATE, "2026-02-28") == dt.date(2026, 2, 28)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("31/02/2026", "31/02/2026 is not a date; write it as YYYY-MM-DD, like 2026-02-28"),
        ("28/02/2026", "write it as 2026-02-28"),
        ("2026-02-31", "is not a real date"),
        ("soon", "soon is not a date"),
        (None, "must be filled in"),
    ],
)
def test_bad_dates_say_how_to_write_them(cell: str | None, message: str) -> None:
    with pytest.raises(CellError, match=message):
        parse(DATE, cell)


def test_numbers_fractions_money_and_choices() -> None:
    assert parse(Column("n", "N", "integer"), 3.0) == 3
    assert parse(Column("f", "F", "fraction"), 0.4) == Decimal("0.4")
    assert parse(Column("f", "F", "fraction"), "40%") == Decimal("0.4")
    assert parse(Column("m", "M", "money"), "£1,234.50") == Decimal("1234.50")
    choices = [("shared", "Shared")]
    assert parse(Column("c", "C", "choice"), "shared", choices) == "shared"
    assert parse(Column("c", "C", "choice"), "SHARED", choices) == "shared"
    with pytest.raises(CellError, match="not a whole number"):
        parse(Column("n", "N", "integer"), "3.5")
    with pytest.raises(CellError, match="not one of the choices: Shared"):
        parse(Column("c", "C", "choice"), "Both", choices)
