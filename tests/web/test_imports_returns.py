"""Importing KPI returns: the partner's staff only (they submit returns, rule RETURN-TRANSITIONS), with the
same period, percentage and validated-return rules as the return form, all or nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from forbetter.accounts.models import Role
from forbetter.imports.models import ImportBatch
from forbetter.performance.models import KpiReturn, ReturnStatus
from tests.conftest import World
from tests.factories import client_for, make_contract_live, make_kpi, make_kpi_return
from tests.imports_support import csv_bytes

pytestmark = pytest.mark.django_db
HEADERS = ["KPI reference", "Period", "Value", "Commentary", "Evidence reference"]


def _upload(world: World, rows: list[list[str]], role: str = Role.PARTNER_USER):  # type: ignore[no-untyped-def]
    client = client_for(world.users[role])
    data = SimpleUploadedFile("returns.csv", csv_bytes(HEADERS, rows))
    response = client.post(
        reverse("imports:returns-upload", args=[world.ours.pk]), {"kind": "kpi_returns", "file": data}
    )
    return client, response


def test_the_partner_imports_returns_and_corrects_one_awaiting_validation(world: World) -> None:
    make_contract_live(world.ours)
    kpi = make_kpi(world.ours, reference="HW-01")
    make_kpi_return(kpi, dt.date(2024, 2, 1), "91", user=world.users[Role.PARTNER_USER], status="submitted")
    client, response = _upload(
        world, [["HW-01", "2024-01", "96.5", "", "Pack 1"], ["hw-01", "2024-02", "93", "Revised", "Pack 2"]]
    )
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "1 would be created, 1 changed" in page
    response = client.post(response["Location"], {"confirm": "yes"})
    assert response.status_code == 302
    january = KpiReturn.objects.get(kpi=kpi, period=dt.date(2024, 1, 1))
    assert (january.value, january.evidence_reference, january.status) == (
        Decimal("96.5"),
        "Pack 1",
        ReturnStatus.SUBMITTED,
    )
    assert january.submitted_by == world.users[Role.PARTNER_USER]
    assert january.history.first().history_change_reason == f"Imported from returns.csv (batch {batch.pk})"
    assert KpiReturn.objects.get(kpi=kpi, period=dt.date(2024, 2, 1)).value == Decimal(93)


def test_a_validated_return_or_an_impossible_value_stops_the_whole_file(world: World) -> None:
    make_contract_live(world.ours)
    kpi = make_kpi(world.ours, reference="HW-01")
    make_kpi_return(kpi, dt.date(2024, 2, 1), "91", user=world.users[Role.PARTNER_USER])
    client, response = _upload(
        world,
        [
            ["HW-01", "2024-01", "96", "", "Pack 1"],
            ["HW-01", "2024-02", "93", "", "Pack 2"],
            ["HW-01", "2024-03", "130", "", "Pack 3"],
            ["XX-9", "2024-03", "1", "", "Pack 4"],
        ],
    )
    page = client.get(response["Location"]).content.decode()
    assert "Row 3, Period: the return for" in page
    assert "Row 4, Value: The value is in %, so it must be between 0 and 100" in page
    assert "Row 5, KPI reference: XX-9 is not a KPI of this partnership" in page
    client.post(response["Location"], {"confirm": "yes"})
    assert KpiReturn.objects.count() == 1


@pytest.mark.parametrize("role", [Role.COUNCIL_EDITOR, Role.ADMINISTRATOR, Role.COUNCIL_VIEWER])
def test_only_the_partners_staff_import_returns(world: World, role: str) -> None:
    _, response = _upload(world, [["K", "2024-01", "1", "", "x"]], role=role)
    assert response.status_code == 403
    assert not ImportBatch.objects.exists()


def test_the_partner_cannot_import_risks_through_its_page(world: World) -> None:
    client = client_for(world.users[Role.PARTNER_USER])
    data = SimpleUploadedFile("risks.csv", b"Number\n1\n")
    response = client.post(
        reverse("imports:returns-upload", args=[world.ours.pk]), {"kind": "risks", "file": data}
    )
    assert response.status_code == 200
    assert "Choose what the file holds" in response.content.decode()
    assert not ImportBatch.objects.exists()
