"""Exports of list pages (``?export=csv|xlsx|ods``, :mod:`forbetter.core.exports`): the writers read back
with the csv module, openpyxl and odfpy; formulas never written; the risk register's export honours the
filters, the partnership and the user's role, in a fixed number of queries; an unknown format is a 400."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from odf.namespaces import OFFICENS
from odf.opendocument import load as load_ods
from odf.table import Table, TableCell, TableRow
from openpyxl import load_workbook

from forbetter.accounts.models import Role
from forbetter.core.columns import Column, load_columns
from forbetter.core.export_writers import escape_text, unescape_text, write_csv, write_ods, write_xlsx
from forbetter.core.exports import filename
from forbetter.risks.models import RiskStatus
from tests.conftest import World
from tests.factories import make_risk

EVIL = '=HYPERLINK("http://evil","x")'

COLUMNS = (
    Column("name", "Name"),
    Column("count", "Count", "integer"),
    Column("cost", "Cost (£)", "money"),
    Column("share", "Share", "fraction"),
    Column("ratio", "Ratio", "decimal"),
    Column("on", "Date", "date"),
    Column("kind", "Kind", "choice"),
)
ROWS = [
    ["Alpha", 3, Decimal("1500.00"), Decimal("0.40"), Decimal("2.50"), dt.date(2026, 4, 1), "Shared"],
    [EVIL, None, None, None, None, None, "-1"],
]


# ------------------------------------------------------------------------------------------------------
# Readers for the tests
# ------------------------------------------------------------------------------------------------------


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode()), "CSV starts with a UTF-8 byte-order mark for Excel"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(body: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows()]


def ods_cells(body: bytes) -> list[list[Any]]:
    document = load_ods(io.BytesIO(body))
    table = document.spreadsheet.getElementsByType(Table)[0]
    return [row.getElementsByType(TableCell) for row in table.getElementsByType(TableRow)]


def ods_text(cell: Any) -> str:
    return "".join(str(node) for node in cell.childNodes)


def headers_of(fmt: str, body: bytes) -> list[str]:
    if fmt == "csv":
        return read_csv(body)[0]
    if fmt == "xlsx":
        return [cell.value for cell in read_xlsx(body)[0]]
    return [ods_text(cell) for cell in ods_cells(body)[0]]


def rows_of(fmt: str, body: bytes) -> list[list[str]]:
    """The data rows as text (what a person would read), for any format."""
    if fmt == "csv":
        return read_csv(body)[1:]
    if fmt == "xlsx":
        return [["" if c.value is None else str(c.value) for c in row] for row in read_xlsx(body)[1:]]
    return [[ods_text(c) for c in row] for row in ods_cells(body)[1:]]


# ------------------------------------------------------------------------------------------------------
# Writers
# ------------------------------------------------------------------------------------------------------


def test_csv_is_utf8_with_plain_numbers_iso_dates_and_labels() -> None:
    rows = read_csv(write_csv(COLUMNS, ROWS))
    assert rows[0] == ["Name", "Count", "Cost (£)", "Share", "Ratio", "Date", "Kind"]
    assert rows[1] == ["Alpha", "3", "1500.00", "0.4", "2.5", "2026-04-01", "Shared"]
    assert rows[2] == ["'" + EVIL, "", "", "", "", "", "'-1"]


def test_xlsx_cells_are_typed() -> None:
    rows = read_xlsx(write_xlsx(COLUMNS, ROWS))
    assert [cell.value for cell in rows[0]] == [c.header for c in COLUMNS]
    name, count, cost, share, ratio, on, kind = rows[1]
    assert (name.value, name.data_type) == ("Alpha", "s")
    assert (count.value, count.data_type) == (3, "n")
    assert cost.value == Decimal("1500.00") or cost.value == 1500
    assert "£" in cost.number_format
    assert share.value == pytest.approx(0.4)
    assert share.number_format.endswith("%")
    assert ratio.value == pytest.approx(2.5)
    assert on.value == dt.datetime(2026, 4, 1)
    assert on.is_date
    assert on.number_format == "yyyy-mm-dd"
    assert kind.value == "Shared"


def test_ods_cells_are_typed() -> None:
    rows = ods_cells(write_ods(COLUMNS, ROWS))
    assert [ods_text(cell) for cell in rows[0]] == [c.header for c in COLUMNS]
    types = [cell.getAttrNS(OFFICENS, "value-type") for cell in rows[1]]
    assert types == ["string", "float", "currency", "percentage", "float", "date", "string"]
    assert rows[1][1].getAttrNS(OFFICENS, "value") == "3"
    assert rows[1][2].getAttrNS(OFFICENS, "value") == "1500.00"
    assert rows[1][2].getAttrNS(OFFICENS, "currency") == "GBP"
    assert rows[1][3].getAttrNS(OFFICENS, "value") == "0.4"
    assert rows[1][5].getAttrNS(OFFICENS, "date-value") == "2026-04-01"


@pytest.mark.parametrize("text", [EVIL, "+1", "-1", "@SUM(A1)", "\tx", "\rx", "'quoted", "plain", ""])
def test_escaping_round_trips(text: str) -> None:
    escaped = escape_text(text)
    assert unescape_text(escaped) == text
    assert escaped[:1] not in {"=", "+", "-", "@", "\t", "\r"}


def test_no_format_writes_a_formula() -> None:
    columns = (Column("title", "Title"),)
    assert read_csv(write_csv(columns, [[EVIL]]))[1] == ["'" + EVIL]
    cell = read_xlsx(write_xlsx(columns, [[EVIL]]))[1][0]
    assert cell.data_type != "f"
    assert cell.value == "'" + EVIL
    ods = ods_cells(write_ods(columns, [[EVIL]]))[1][0]
    assert ods.getAttrNS(OFFICENS, "value-type") == "string"
    assert ods_text(ods) == "'" + EVIL
    assert "formula" not in {attribute[1] for attribute in ods.attributes}


# ------------------------------------------------------------------------------------------------------
# The risk register through its page
# ------------------------------------------------------------------------------------------------------


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _register(world: World, **params: str) -> str:
    url = reverse("risks:register", args=[world.ours.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_risk_register_export_for_council_and_partner(world: World, fmt: str) -> None:
    make_risk(world.ours, title=EVIL, council_notes="Keep to ourselves", status=RiskStatus.OPEN)
    make_risk(world.ours, title="Closed risk", status=RiskStatus.CLOSED)
    make_risk(world.theirs, title="Their risk")
    spec = load_columns("risks", "risk_register")
    council_only = {c.header for c in spec if c.council_only}
    assert "Council-only notes" in council_only

    response = _client(world.users[Role.COUNCIL_EDITOR]).get(_register(world, export=fmt))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="ashby-partnership-risk-register-{dt.date.today().isoformat()}.{fmt}"'
    )
    assert headers_of(fmt, response.content) == [c.header for c in spec]
    rows = rows_of(fmt, response.content)
    titles = {row[1] for row in rows}
    assert titles == {"'" + EVIL, "Closed risk"}
    assert any("Keep to ourselves" in row for row in rows)
    if fmt == "xlsx":
        title_cells = [row[1] for row in read_xlsx(response.content)[1:]]
        assert all(cell.data_type != "f" for cell in title_cells)

    response = _client(world.users[Role.PARTNER_USER]).get(_register(world, export=fmt))
    assert response.status_code == 200
    headers = headers_of(fmt, response.content)
    assert headers == [c.header for c in spec if not c.council_only]
    assert not council_only & set(headers)
    assert not any("Keep to ourselves" in row for row in rows_of(fmt, response.content))
    assert "Their risk" not in {row[1] for row in rows_of(fmt, response.content)}


@pytest.mark.django_db
def test_risk_register_export_honours_the_filter_and_exports_every_page(world: World, settings: Any) -> None:
    settings.PAGE_SIZE = 2
    for number in range(5):
        make_risk(world.ours, title=f"Open {number}", status=RiskStatus.OPEN)
    make_risk(world.ours, title="Closed", status=RiskStatus.CLOSED)
    client = _client(world.users[Role.COUNCIL_EDITOR])
    rows = read_csv(client.get(_register(world, status="open", export="csv", page="2")).content)[1:]
    assert sorted(row[1] for row in rows) == [f"Open {n}" for n in range(5)]
    assert {row[18] for row in rows} == {"Open"}


@pytest.mark.django_db
def test_risk_register_values_are_what_the_importer_reads(world: World) -> None:
    owner = world.users[Role.COUNCIL_EDITOR]
    make_risk(world.ours, title="Shared one", allocation="shared", council_share=Decimal("0.40"), owner=owner)
    rows = read_csv(_client(owner).get(_register(world, export="csv")).content)
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Allocation"] == "Shared"
    assert record["Council share"] == "0.4"
    assert record["Owner"] == owner.email
    assert record["Category"] == "servicePerformance"
    dt.date.fromisoformat(record["Next review"])


@pytest.mark.django_db
def test_risk_register_export_queries_do_not_grow_with_rows(world: World) -> None:
    client = _client(world.users[Role.COUNCIL_EDITOR])
    owner = world.users[Role.COUNCIL_EDITOR]
    make_risk(world.ours, owner=owner)
    with CaptureQueriesContext(connection) as one:
        client.get(_register(world, export="xlsx"))
    for _ in range(6):
        make_risk(world.ours, owner=owner)
    with CaptureQueriesContext(connection) as seven:
        assert client.get(_register(world, export="xlsx")).status_code == 200
    assert len(seven) == len(one)


@pytest.mark.django_db
def test_unknown_format_is_a_clear_400(world: World) -> None:
    response = _client(world.users[Role.COUNCIL_EDITOR]).get(_register(world, export="pdf"))
    assert response.status_code == 400
    assert "“pdf” is not a format ForBetter exports" in response.content.decode()


@pytest.mark.django_db
def test_a_page_without_a_list_refuses_an_export(world: World) -> None:
    url = reverse("risks:heat-map", args=[world.ours.pk]) + "?export=csv"
    response = _client(world.users[Role.COUNCIL_EDITOR]).get(url)
    assert response.status_code == 400
    assert "no list to export" in response.content.decode()


@pytest.mark.django_db
def test_an_export_keeps_the_page_permissions(world: World) -> None:
    url = reverse("risks:register", args=[world.theirs.pk]) + "?export=csv"
    assert _client(world.users[Role.PARTNER_USER]).get(url).status_code == 404
    runs = reverse("risks:runs", args=[world.ours.pk]) + "?export=csv"
    assert _client(world.users[Role.PARTNER_USER]).get(runs).status_code == 403


@pytest.mark.django_db
def test_the_register_page_offers_the_links_with_its_filters(world: World) -> None:
    make_risk(world.ours, status=RiskStatus.OPEN)
    page = _client(world.users[Role.COUNCIL_EDITOR]).get(_register(world, status="open", page="1"))
    html = page.content.decode()
    for fmt in ("csv", "xlsx", "ods"):
        assert f'href="?status=open&amp;export={fmt}"' in html


def test_filename_names_the_portfolio_without_a_partnership(rf: Any) -> None:
    request = rf.get("/partnerships/due/")
    assert filename(request, "due", "ods", dt.date(2026, 5, 1)) == "portfolio-due-2026-05-01.ods"


@pytest.mark.django_db
def test_governance_actions_export_joins_the_meeting_and_forum(world: World) -> None:
    """A column through two foreign keys (the action's meeting's forum) is joined, not read per row."""
    from forbetter.governance.models import ActionStatus, Forum, GovernanceAction, Meeting

    editor = world.users[Role.COUNCIL_EDITOR]
    forum = Forum.objects.create(
        partnership=world.ours,
        tier="strategic",
        name="Partnership board",
        remit="Strategy",
        frequency_months=3,
        quorum=1,
        set_up_on=dt.date(2026, 1, 1),
    )
    url = reverse("governance:actions", args=[world.ours.pk]) + "?export=csv"
    client = _client(editor)

    def add(count: int) -> None:
        for number in range(count):
            meeting = Meeting.objects.create(
                partnership=world.ours, forum=forum, held_on=dt.date(2026, 2, 1) + dt.timedelta(days=number)
            )
            GovernanceAction.objects.create(
                partnership=world.ours,
                meeting=meeting,
                description=f"Action {number}",
                owner=editor,
                due_on=dt.date(2026, 6, 1),
                status=ActionStatus.OPEN,
            )

    add(1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    add(5)
    with CaptureQueriesContext(connection) as six:
        rows = read_csv(client.get(url).content)
    assert len(rows) == 7
    assert rows[0][:2] == ["Forum", "Meeting"]
    assert {row[0] for row in rows[1:]} == {"Partnership board"}
    assert len(six) == len(one)
