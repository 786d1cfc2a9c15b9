"""Reading a CSV of comparator councils' values for a KPI: columns council, period, value, source.

Every row is checked before anything is saved; the dry run lists what would be imported and every problem
by row and column. The columns are declared once, in :data:`COLUMNS`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from forbetter.core.forms import NumberError, parse_number
from forbetter.performance import rules
from forbetter.performance.models import BenchmarkValue, Kpi
from forbetter.performance.periods import (
    PeriodError,
    frequency_rule,
    is_period_start,
    parse_month,
    period_label,
)

MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    example: str


COLUMNS = (
    Column("council", "The comparator council's name", "Hartwell Borough Council"),
    Column(
        "period",
        "The period the value is for, as year-month (the first month of a quarter or year)",
        "2024-04",
    ),
    Column("value", "The council's value of the indicator, as a number in the KPI's unit", "93.5"),
    Column("source", "Where the value comes from", "CIPFA benchmarking club 2024"),
)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass(frozen=True)
class ParsedRow:
    row: int
    council: str
    period: dt.date
    value: Decimal
    source: str
    replaces: Decimal | None = None

    @property
    def period_text(self) -> str:
        return f"{self.period:%Y-%m}"


@dataclass
class Preview:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def replacing(self) -> int:
        return sum(1 for row in self.rows if row.replaces is not None)


def _text(limit: int) -> Callable[[str], str]:
    def check(raw: str) -> str:
        value = raw.strip()
        if not value:
            raise ValueError("is empty")
        if len(value) > limit:
            raise ValueError(f"is longer than {limit} characters")
        return value

    return check


def _number(raw: str) -> Decimal:
    """A value read as people type it (rule INPUT-NUMBER-AS-TYPED): "1,200" is 1200, but "94,5" (a decimal
    comma) is refused rather than read as 945."""
    try:
        value = parse_number(raw)
    except NumberError as error:
        raise ValueError(str(error)) from None
    if abs(value) >= Decimal("1e10"):
        raise ValueError("is too large")
    return value.quantize(Decimal("0.0001"))


def decode(content: bytes) -> str:
    """The file's text, or ValueError if it is too big or not UTF-8 text."""
    if len(content) > MAX_BYTES:
        raise ValueError(f"The file must be smaller than {MAX_BYTES // 1024} KB")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("The file must be a CSV saved as UTF-8 text") from None


def parse(kpi: Kpi, text: str) -> Preview:
    """Check every row of the CSV text against the KPI and say which existing values each would replace."""
    preview = Preview()
    reader = csv.reader(io.StringIO(text))
    try:
        return _parse(kpi, reader, preview)
    except csv.Error as error:
        # For example a cell over the csv module's 128 KB field limit: a message on the row, never a 500.
        preview.rows = []
        preview.errors.append(RowError(max(reader.line_num, 1), "", f"cannot be read as CSV ({error})"))
        return preview


def _parse(kpi: Kpi, reader: Iterator[list[str]], preview: Preview) -> Preview:
    header = [cell.strip().lower() for cell in next(reader, [])]
    expected = [column.name for column in COLUMNS]
    missing = [name for name in expected if name not in header]
    unknown = [name for name in header if name and name not in expected]
    if missing or unknown:
        if missing:
            preview.errors.append(
                RowError(
                    1,
                    ", ".join(missing),
                    f"missing column: the first row must name the columns {', '.join(expected)}",
                )
            )
        if unknown:
            preview.errors.append(RowError(1, ", ".join(unknown), "unknown column"))
        return preview
    position = {name: header.index(name) for name in expected}
    seen: dict[tuple[str, dt.date], int] = {}
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if number - 1 > MAX_ROWS:
            preview.errors.append(RowError(number, "", f"more than {MAX_ROWS} rows: split the file"))
            break
        parsed = _row(kpi, number, cells, position, preview.errors)
        if parsed is None:
            continue
        key = (parsed.council.casefold(), parsed.period)
        if key in seen:
            preview.errors.append(
                RowError(
                    number, "period", f"{parsed.council} {parsed.period_text} is also on row {seen[key]}"
                )
            )
            continue
        seen[key] = number
        preview.rows.append(parsed)
    if not preview.rows and not preview.errors:
        preview.errors.append(RowError(2, "", "the file has no rows of data"))
    if preview.rows:
        preview.rows = _with_replacements(kpi, preview.rows)
    return preview


def _row(
    kpi: Kpi, number: int, cells: list[str], position: dict[str, int], errors: list[RowError]
) -> ParsedRow | None:
    raw = {name: cells[index] if index < len(cells) else "" for name, index in position.items()}
    values: dict[str, object] = {}
    checks: dict[str, Callable[[str], object]] = {
        "council": _text(200),
        "period": lambda text: _period(kpi, text),
        "value": lambda text: _kpi_value(kpi, text),
        "source": _text(300),
    }
    before = len(errors)
    for name, check in checks.items():
        try:
            values[name] = check(raw[name])
        except ValueError as error:
            errors.append(RowError(number, name, f"{name} {error}" if name != "period" else str(error)))
    if len(errors) > before:
        return None
    return ParsedRow(
        row=number,
        council=str(values["council"]),
        period=values["period"],  # type: ignore[arg-type]
        value=values["value"],  # type: ignore[arg-type]
        source=str(values["source"]),
    )


def _kpi_value(kpi: Kpi, text: str) -> Decimal:
    """A comparator's value, refused outside 0 to 100 for a KPI in % (rule KPI-PERCENT-RANGE)."""
    value = _number(text)
    if rules.percent_value_error(value, unit=kpi.unit, beyond_range=kpi.percent_beyond_range):
        raise ValueError(f"{value.normalize():f} is outside 0 to 100, and this KPI is in %")
    return value


def _period(kpi: Kpi, text: str) -> dt.date:
    try:
        period = parse_month(text)
    except PeriodError as error:
        raise ValueError(f"period '{text.strip()}': {error}") from None
    if not is_period_start(period, kpi.frequency):
        raise ValueError(
            f"period {text.strip()} does not start a {kpi.get_frequency_display().lower()} period "
            f"({frequency_rule(kpi.frequency)})"
        )
    return period


def _with_replacements(kpi: Kpi, rows: list[ParsedRow]) -> list[ParsedRow]:
    existing = {
        (council.casefold(), period): value
        for council, period, value in BenchmarkValue.objects.filter(
            kpi=kpi, period__in={row.period for row in rows}
        ).values_list("council", "period", "value")
    }
    return [
        ParsedRow(
            row.row,
            row.council,
            row.period,
            row.value,
            row.source,
            replaces=existing.get((row.council.casefold(), row.period)),
        )
        for row in rows
    ]


def describe(row: ParsedRow, kpi: Kpi) -> str:
    return f"{row.council}, {period_label(row.period, kpi.frequency)}"
