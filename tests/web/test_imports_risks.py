"""Importing the risk register: dry run, confirm all or nothing, history, permissions, bad files, the
templates, and the round trip with the exports' format (tests/imports_support.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from forbetter.accounts.models import Role
from forbetter.core.columns import load_columns, visible_columns
from forbetter.imports import services
from forbetter.imports.models import BatchStatus, ImportBatch
from forbetter.risks.models import Risk
from tests.conftest import World
from tests.factories import client_for, make_risk, risk_category
from tests.imports_support import csv_bytes, risk_register_table, xlsx_bytes

pytestmark = pytest.mark.django_db
COLUMNS = visible_columns(load_columns("risks", "risk_register"), council=True)
HEADERS = [column.header for column in COLUMNS]


def row(**changes: Any) -> list[Any]:
    values: dict[str, Any] = {
        "Number": 1,
        "Title": "Winter gritting missed",
        "Category": risk_category().code,
        "Description": "Routes missed in snow",
        "Allocation": "Shared",
        "Council share": 0.4,
        "Transferability": "Negotiable",
        "Inherent likelihood": 4,
        "Inherent impact": 4,
        "Residual likelihood": 2,
        "Residual impact": 3,
        "Review frequency": "Quarterly",
        "Next review": "2026-06-30",
        "Status": "Open",
    }
    values.update(changes)
    return [values.get(header, "") for header in HEADERS]


def upload(world: World, data: bytes, name: str = "risks.xlsx", role: str = Role.COUNCIL_EDITOR) -> Any:
    client = client_for(world.users[role])
    url = reverse("imports:upload", args=[world.ours.pk])
    return client, client.post(url, {"kind": "risks", "file": SimpleUploadedFile(name, data)})


def test_a_new_register_is_checked_then_imported_with_history(world: World) -> None:
    data = xlsx_bytes(HEADERS, [row(), row(Number=2, Title="Staff leave", Allocation="Council")])
    client, response = upload(world, data)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert not Risk.objects.exists(), "the dry run writes no risk"
    page = client.get(reverse("imports:batch", args=[world.ours.pk, batch.pk])).content.decode()
    assert "2 would be created, 0 changed" in page
    response = client.post(reverse("imports:batch", args=[world.ours.pk, batch.pk]), {"confirm": "yes"})
    assert response.status_code == 302
    risks = list(Risk.objects.filter(partnership=world.ours).order_by("number"))
    assert [(r.number, r.title, r.council_share) for r in risks] == [
        (1, "Winter gritting missed", Decimal("0.4")),
        (2, "Staff leave", None),
    ]
    history = risks[0].history.first()
    assert history.history_change_reason == f"Imported from risks.xlsx (batch {batch.pk})"
    assert history.history_user == world.users[Role.COUNCIL_EDITOR]
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CONFIRMED
    assert batch.summary["created"] == 2
    assert "risks.xlsx" in client.get(reverse("imports:history", args=[world.ours.pk])).content.decode()


def test_matched_numbers_change_the_risk_and_list_the_changed_fields(world: World) -> None:
    make_risk(world.ours, number=1, quantified=False, title="Old title")
    editor = world.users[Role.COUNCIL_EDITOR]
    batch = services.batch_upload(
        user=editor,
        partnership=world.ours,
        kind="risks",
        file_name="r.csv",
        size=1,
        chunks=[csv_bytes(HEADERS, [row(), row(Number=2)])],
    )
    result = services.batch_check(user=editor, batch=batch)
    assert result.summary() == {"rows": 2, "created": 1, "changed": 1, "unchanged": 0, "errors": 0}
    assert "Title: Old title → Winter gritting missed" in result.rows[0].changes
    services.batch_confirm(user=editor, batch=batch)
    assert Risk.objects.get(partnership=world.ours, number=1).title == "Winter gritting missed"
    assert Risk.objects.filter(partnership=world.ours).count() == 2


def test_one_bad_row_means_nothing_is_written_and_each_error_names_row_and_column(world: World) -> None:
    data = csv_bytes(
        HEADERS, [row(), row(Number=2, **{"Next review": "31/02/2026"}), row(Number=3, Status="Gone")]
    )
    client, _ = upload(world, data, "risks.csv")
    batch = ImportBatch.objects.get()
    page = client.get(reverse("imports:batch", args=[world.ours.pk, batch.pk])).content.decode()
    assert "Row 3, Next review: 31/02/2026 is not a date; write it as YYYY-MM-DD, like 2026-02-28" in page
    assert "Row 4, Status: Gone is not one of the choices" in page
    response = client.post(
        reverse("imports:batch", args=[world.ours.pk, batch.pk]), {"confirm": "yes"}, follow=True
    )
    assert "Nothing was imported: the rows below have errors now." in response.content.decode()
    assert not Risk.objects.exists()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DRY_RUN


def test_rules_of_the_risk_forms_apply_to_imported_rows(world: World) -> None:
    editor = world.users[Role.COUNCIL_EDITOR]
    rows = [
        row(**{"Council share": ""}),
        row(Number=2, Owner="stranger@elsewhere.test"),
        row(Number=2),
        row(Number=4, Category="nonsense"),
    ]
    batch = services.batch_upload(
        user=editor,
        partnership=world.ours,
        kind="risks",
        file_name="r.csv",
        size=1,
        chunks=[csv_bytes(HEADERS, rows)],
    )
    errors = services.batch_check(user=editor, batch=batch).errors
    assert "Row 2, Council share: Enter the council's share of this shared risk, between 0 and 1" in errors
    assert any(e.startswith("Row 3, Owner: stranger@elsewhere.test is not a user") for e in errors)
    assert "Row 4, Number: 2 is also on row 3; each risk appears once" in errors
    assert any(e.startswith("Row 5, Category: nonsense is not a risk category code") for e in errors)


def test_confirm_checks_again_against_the_database_as_it_is_then(world: World) -> None:
    editor = world.users[Role.COUNCIL_EDITOR]
    batch = services.batch_upload(
        user=editor,
        partnership=world.ours,
        kind="risks",
        file_name="r.csv",
        size=1,
        chunks=[csv_bytes(HEADERS, [row(Owner="viewer@a.test")])],
    )
    world.users[Role.COUNCIL_VIEWER].is_active = False
    world.users[Role.COUNCIL_VIEWER].save()
    result = services.batch_confirm(user=editor, batch=batch)
    assert not result.valid
    assert not Risk.objects.exists()


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ([h for h in HEADERS if h != "Next review"], "The column &quot;Next review&quot; is missing"),
        (
            [*HEADERS, "Colour"],
            "The column &quot;Colour&quot; is not in the risks (the risk register) template",
        ),
        (["Nxt review" if h == "Next review" else h for h in HEADERS], "&quot;Nxt review&quot; is not in"),
    ],
)
def test_a_file_that_is_not_the_template_is_refused_naming_the_column(
    world: World, headers: list[str], message: str
) -> None:
    _, response = upload(world, csv_bytes(headers, [["1"] * len(headers)]), "risks.csv")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_bad_files_are_refused_with_a_message_and_nothing_kept(world: World, settings: Any) -> None:
    settings.IMPORT_MAX_BYTES = 100
    _, response = upload(world, csv_bytes(HEADERS, [row()]), "risks.csv")
    assert "the largest file that can be imported is" in response.content.decode()
    settings.IMPORT_MAX_BYTES = 5 * 1024 * 1024
    _, response = upload(world, "Number\nCafé\n".encode("cp1252"), "risks.csv")
    assert "not in UTF-8" in response.content.decode()
    _, response = upload(world, xlsx_bytes(HEADERS, [row(Title="=B1")]))
    assert "Row 2, Title: holds a formula with no saved result" in response.content.decode()
    _, response = upload(world, csv_bytes(HEADERS, []), "risks.csv")
    assert "no rows of data" in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert not Risk.objects.exists()


@pytest.mark.parametrize("role", [Role.COUNCIL_VIEWER, Role.AUDITOR, Role.PARTNER_USER])
def test_only_council_editors_and_administrators_import(world: World, role: str) -> None:
    _, response = upload(world, xlsx_bytes(HEADERS, [row()]), role=role)
    assert response.status_code == 403
    assert not ImportBatch.objects.exists()


def test_a_partnership_the_editor_cannot_see_is_not_found(world: World) -> None:
    client = client_for(world.users[Role.COUNCIL_EDITOR])
    assert client.get(reverse("imports:upload", args=[world.theirs.pk])).status_code == 404


def test_templates_hold_the_spec_headers_and_notes(world: World) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    client = client_for(world.users[Role.COUNCIL_EDITOR])
    risk_category()
    response = client.get(reverse("imports:template", args=[world.ours.pk, "risks", "xlsx"]))
    workbook = load_workbook(BytesIO(response.content))
    assert [cell.value for cell in workbook["Risks"][1]] == HEADERS
    notes = {row[0]: row for row in workbook["Notes"].iter_rows(min_row=2, values_only=True)}
    assert notes["Allocation"][3:] == ("Yes", "Council, Partner, Shared")
    assert risk_category().code in notes["Category"][4]
    response = client.get(reverse("imports:template", args=[world.ours.pk, "risks", "csv"]))
    assert response.content.decode().strip() == ",".join(HEADERS)


@pytest.mark.parametrize("date_cells", [False, True])
def test_round_trip_of_an_exported_register_into_an_empty_partnership(world: World, date_cells: bool) -> None:
    """A register written as the exports write it, imported into an empty partnership, gives risks equal in
    every spec column; exporting them again gives the same rows."""
    editor = world.users[Role.COUNCIL_EDITOR]
    make_risk(world.theirs, number=1, owner=world.users[Role.PARTNER_USER], council_notes="Watch closely")
    make_risk(
        world.theirs,
        number=2,
        quantified=False,
        allocation="shared",
        council_share=Decimal("0.35"),
        status="materialised",
        actual_cost_gbp=Decimal("1234.56"),
        next_review_on=dt.date(2026, 2, 28),
        category_code=risk_category().code,
        cause="Weather",
        effect="Delays",
    )
    # the owner must be someone of the partnership the register goes into
    Risk.objects.filter(partnership=world.theirs, number=1).update(owner=world.users[Role.PARTNER_USER])
    headers, rows = risk_register_table(world.theirs, date_cells=date_cells)
    data = xlsx_bytes(headers, rows)
    batch = services.batch_upload(
        user=editor,
        partnership=world.ours,
        kind="risks",
        file_name="register.xlsx",
        size=len(data),
        chunks=[data],
    )
    result = services.batch_confirm(user=editor, batch=batch)
    assert result.valid, result.errors
    for key in [column.key for column in COLUMNS]:
        source = list(
            Risk.objects.filter(partnership=world.theirs).order_by("number").values_list(key, flat=True)
        )
        copied = list(
            Risk.objects.filter(partnership=world.ours).order_by("number").values_list(key, flat=True)
        )
        assert source == copied, key
    assert risk_register_table(world.ours, date_cells=date_cells) == (headers, rows)
