"""Importing a draft business-case version's GDP deflator series: one row a year from year 1, written as one
series through the appraisal's settings service; gaps, duplicates, out-of-range rates, a series shorter than
the longest option and a frozen version are refused with nothing written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from forbetter.accounts.models import Role
from forbetter.appraisal import services as appraisal
from forbetter.appraisal.models import BusinessCaseVersion, VersionStatus
from forbetter.imports import services
from forbetter.imports.models import ImportBatch
from tests.conftest import World
from tests.imports_support import csv_bytes

pytestmark = pytest.mark.django_db
HEADERS = ["Year", "GDP deflator growth"]


def _version(world: World, years: int = 4) -> BusinessCaseVersion:
    editor = world.users[Role.COUNCIL_EDITOR]
    case = appraisal.business_case_create(user=editor, partnership=world.ours, title="Highways")
    version = case.versions.get()
    appraisal.option_create(user=editor, version=version, data={"name": "SSP", "kind": "ssp", "years": years})
    return version


def _upload(world: World, version: BusinessCaseVersion, rows: list[list[str]]) -> ImportBatch:
    data = csv_bytes(HEADERS, rows)
    return services.batch_upload(
        user=world.users[Role.COUNCIL_EDITOR],
        partnership=world.ours,
        kind="deflator_rates",
        file_name="deflator.csv",
        size=len(data),
        chunks=[data],
        version=version,
    )


def _rates(version: BusinessCaseVersion) -> list[tuple[int, Decimal]]:
    return [(rate.year, rate.rate) for rate in version.deflator_rates.order_by("year")]


def test_a_series_is_written_whole_then_changed_year_by_year(world: World) -> None:
    version = _version(world)
    editor = world.users[Role.COUNCIL_EDITOR]
    batch = _upload(world, version, [["1", "0.02"], ["2", "0.021"], ["3", "0.019"]])
    result = services.batch_check(user=editor, batch=batch)
    assert result.summary() == {"rows": 3, "created": 3, "changed": 0, "unchanged": 0, "errors": 0}
    services.batch_confirm(user=editor, batch=batch)
    assert _rates(version) == [(1, Decimal("0.0200")), (2, Decimal("0.0210")), (3, Decimal("0.0190"))]
    assert version.history.first().history_change_reason.startswith(
        f"Imported from deflator.csv (batch {batch.pk})"
    )
    again = _upload(world, version, [["1", "0.02"], ["2", "0.025"], ["3", "0.019"]])
    result = services.batch_check(user=editor, batch=again)
    assert result.summary() == {"rows": 3, "created": 0, "changed": 1, "unchanged": 2, "errors": 0}
    assert result.rows[1].changes == ["GDP deflator growth: 0.021 → 0.025"]
    services.batch_confirm(user=editor, batch=again)
    assert _rates(version)[1] == (2, Decimal("0.0250"))


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["1", "0.02"], ["3", "0.02"], ["4", "0.02"]], "The years must run from 1 with none missing: add 2"),
        ([["1", "0.02"], ["1", "0.03"], ["2", "0.02"]], "Row 3, Year: 1 is also on row 2"),
        ([["1", "2"], ["2", "0.02"], ["3", "0.02"]], "Row 2, GDP deflator growth: 2 is outside -0.5 to 1"),
        ([["1", "0.02"], ["2", "two"], ["3", "0.02"]], "Row 3, GDP deflator growth"),
        ([["1", "0.02"], ["2", "0.02"]], "so 3 are needed"),
    ],
)
def test_a_bad_series_names_the_row_and_column_and_writes_nothing(
    world: World, rows: list[list[str]], message: str
) -> None:
    version = _version(world)
    editor = world.users[Role.COUNCIL_EDITOR]
    batch = _upload(world, version, rows)
    result = services.batch_confirm(user=editor, batch=batch)
    assert not result.valid
    assert any(message in error for error in result.errors), result.errors
    assert _rates(version) == []


def test_a_frozen_version_takes_nothing(world: World) -> None:
    version = _version(world)
    editor = world.users[Role.COUNCIL_EDITOR]
    batch = _upload(world, version, [["1", "0.02"]])
    BusinessCaseVersion.objects.filter(pk=version.pk).update(
        status=VersionStatus.FROZEN, freeze_reason="Approved"
    )
    result = services.batch_confirm(user=editor, batch=batch)
    assert any("is frozen" in error for error in result.errors)
    version.refresh_from_db()
    assert version.deflator_rate is None


def test_partner_users_cannot_import_it(world: World) -> None:
    version = _version(world)
    with pytest.raises(PermissionDenied, match="cannot import gdp deflator rates"):
        services.batch_upload(
            user=world.users[Role.PARTNER_USER],
            partnership=world.ours,
            kind="deflator_rates",
            file_name="deflator.csv",
            size=10,
            chunks=[csv_bytes(HEADERS, [["1", "0.02"]])],
            version=version,
        )


def test_the_upload_form_asks_for_the_version_for_deflator_rates_too(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from tests.factories import client_for

    _version(world)
    client = client_for(world.users[Role.COUNCIL_EDITOR])
    file = SimpleUploadedFile("deflator.csv", csv_bytes(HEADERS, [["1", "0.02"]]))
    response = client.post(
        reverse("imports:upload", args=[world.ours.pk]), {"kind": "deflator_rates", "file": file}
    )
    assert response.status_code == 200
    assert "Choose the draft business-case version the file goes into" in response.content.decode()
    assert not ImportBatch.objects.exists()
