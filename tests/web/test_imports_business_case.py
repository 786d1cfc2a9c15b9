"""Importing business-case cash-flow lines into a draft version: one row per line and year, grouped into
lines, saved through the appraisal services; a frozen version takes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from forbetter.accounts.models import Role
from forbetter.appraisal import services as appraisal
from forbetter.appraisal.models import BusinessCaseVersion, CashflowLine, VersionStatus
from forbetter.imports import services
from forbetter.imports.models import ImportBatch
from tests.conftest import World
from tests.factories import client_for
from tests.imports_support import csv_bytes

pytestmark = pytest.mark.django_db
HEADERS = ["Option", "Line", "Category", "Prices", "Optimism bias applies", "Year", "Amount (£)"]


def _version(world: World) -> BusinessCaseVersion:
    editor = world.users[Role.COUNCIL_EDITOR]
    case = appraisal.business_case_create(user=editor, partnership=world.ours, title="Highways")
    version = case.versions.get()
    option = appraisal.option_create(
        user=editor, version=version, data={"name": "SSP", "kind": "ssp", "years": 3}
    )
    appraisal.line_create(
        user=editor,
        option=option,
        data={"label": "Staff", "category": "operating", "prices": "real"},
        values=[Decimal(10), Decimal(10), Decimal(10)],
    )
    return version


def _rows(label: str, amounts: list[str], category: str = "Operating") -> list[list[Any]]:
    return [["SSP", label, category, "Real", "", str(year), amount] for year, amount in enumerate(amounts)]


def test_lines_are_created_and_changed_in_a_draft_version(world: World) -> None:
    version = _version(world)
    editor = world.users[Role.COUNCIL_EDITOR]
    data = csv_bytes(
        HEADERS, _rows("Staff", ["10", "12", "10"]) + _rows("Vehicles", ["100", "0", "0"], "Capital")
    )
    batch = services.batch_upload(
        user=editor,
        partnership=world.ours,
        kind="business_case_lines",
        file_name="lines.csv",
        size=1,
        chunks=[data],
        version=version,
    )
    result = services.batch_check(user=editor, batch=batch)
    assert result.summary() == {"rows": 2, "created": 1, "changed": 1, "unchanged": 0, "errors": 0}
    assert result.rows[0].changes == ["Year 1: 10.00 → 12"]
    services.batch_confirm(user=editor, batch=batch)
    staff = CashflowLine.objects.get(option__version=version, label="Staff")
    assert [v.amount_gbp for v in staff.values.all()] == [Decimal(10), Decimal(12), Decimal(10)]
    vehicles = CashflowLine.objects.get(option__version=version, label="Vehicles")
    assert vehicles.category == "capital"
    assert vehicles.history.first().history_change_reason.startswith(
        f"Imported from lines.csv (batch {batch.pk})"
    )


def test_a_missing_year_or_a_frozen_version_writes_nothing(world: World) -> None:
    version = _version(world)
    editor = world.users[Role.COUNCIL_EDITOR]
    data = csv_bytes(HEADERS, _rows("Vehicles", ["100", "0"]) + _rows("Staff", ["1", "1", "1", "1"]))
    batch = services.batch_upload(
        user=editor,
        partnership=world.ours,
        kind="business_case_lines",
        file_name="lines.csv",
        size=1,
        chunks=[data],
        version=version,
    )
    errors = services.batch_check(user=editor, batch=batch).errors
    assert "Row 2, Year: the line has no row for year 2; give every year from 0 to 2" in errors
    assert "Row 7, Year: 3 is outside SSP's years, 0 to 2" in errors
    BusinessCaseVersion.objects.filter(pk=version.pk).update(
        status=VersionStatus.FROZEN, freeze_reason="Approved"
    )
    result = services.batch_confirm(user=editor, batch=batch)
    assert result.errors == ["Version 1 is frozen: import into a draft version"]
    assert CashflowLine.objects.filter(option__version=version).count() == 1


def test_the_upload_form_asks_for_the_version(world: World) -> None:
    client = client_for(world.users[Role.COUNCIL_EDITOR])
    file = SimpleUploadedFile("lines.csv", csv_bytes(HEADERS, _rows("Staff", ["1", "1", "1"])))
    response = client.post(
        reverse("imports:upload", args=[world.ours.pk]), {"kind": "business_case_lines", "file": file}
    )
    assert "Choose the draft business-case version the file goes into" in response.content.decode()
    assert not ImportBatch.objects.exists()
