"""A hand-built risk register, as a person might make one in a spreadsheet, for the import tests.

The round trip through the real export page is ``tests/web/test_risk_register_round_trip.py``; this writer
makes the variants a person may type (real date cells, ISO text, numbers as text): the spec's headers
(:func:`forbetter.core.columns.visible_columns`), choices as labels, the category as its code, the owner as
an email address (empty if none), dates as ISO text or real date cells, fractions as decimals, money and
integers as numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

from forbetter.core.columns import load_columns, visible_columns
from forbetter.partnerships.models import Partnership
from forbetter.risks.models import Risk


def _value(risk: Risk, key: str, kind: str, *, date_cells: bool) -> Any:
    value = getattr(risk, key)
    if key == "category":
        return risk.category.code
    if key == "owner":
        return risk.owner.email if risk.owner else ""
    if value is None or value == "":
        return ""
    if kind == "choice":
        return getattr(risk, f"get_{key}_display")()
    if kind == "date":
        return value if date_cells else value.isoformat()
    if kind in ("fraction", "money", "decimal"):
        normal = Decimal(value).normalize()
        return float(normal) if date_cells else format(normal, "f")
    if kind == "integer":
        return int(value)
    return value


def risk_register_table(
    partnership: Partnership, *, council: bool = True, date_cells: bool = False
) -> tuple[list[str], list[list[Any]]]:
    columns = visible_columns(load_columns("risks", "risk_register"), council=council)
    risks = (
        Risk.objects.filter(partnership=partnership).select_related("category", "owner").order_by("number")
    )
    rows = [[_value(risk, c.key, c.kind, date_cells=date_cells) for c in columns] for risk in risks]
    return [column.header for column in columns], rows


def xlsx_bytes(headers: list[str], rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet: Any = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(headers: list[str], rows: list[list[Any]], *, bom: bool = False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([cell.isoformat() if isinstance(cell, dt.date) else cell for cell in row])
    return ("\ufeff" if bom else "").encode() + buffer.getvalue().encode("utf-8")
