"""Issue 14's round trip: a risk register exported from its page and imported into an empty partnership gives
the same register, and exporting that again gives the same file contents.

Both halves are the real ones: the export is the register page with ``?export=xlsx`` or ``?export=csv``
(``forbetter.core.exports``), and the import is the dry run and confirm of ``forbetter.imports``. Titles
that a spreadsheet would take for a formula, and text that starts with a quote, come back as they were.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from forbetter.accounts.models import Role
from forbetter.core.columns import load_columns
from forbetter.imports import services
from forbetter.risks.models import Risk
from tests.conftest import World
from tests.factories import PartnershipFactory, client_for, make_risk, risk_category

pytestmark = pytest.mark.django_db

SPEC_KEYS = [column.key for column in load_columns("risks", "risk_register")]


def _fill_register(world: World) -> None:
    owner = world.users[Role.COUNCIL_EDITOR]
    make_risk(world.ours, number=1, owner=owner, council_notes="Watch closely", title='=HYPERLINK("x","y")')
    make_risk(
        world.ours,
        number=2,
        quantified=False,
        allocation="shared",
        council_share=Decimal("0.35"),
        status="materialised",
        actual_cost_gbp=Decimal("1234.56"),
        next_review_on=dt.date(2026, 2, 28),
        category_code=risk_category("demandVolume").code,
        title="'Quoted' title",
        cause="+44 call centre volumes",
        effect="-5% collection",
    )
    make_risk(world.ours, number=7, title="@risk owner away", controls="Weekly check")


def _export(world: World, partnership_pk: int, fmt: str) -> bytes:
    client = client_for(world.users[Role.COUNCIL_EDITOR])
    response = client.get(reverse("risks:register", args=[partnership_pk]), {"export": fmt})
    assert response.status_code == 200, response.content[:300]
    return response.content


def _rows(data: bytes, fmt: str) -> list[list[Any]]:
    if fmt == "csv":
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    from openpyxl import load_workbook

    sheet: Any = load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_exported_register_imports_into_an_empty_partnership_and_exports_again_identically(
    world: World, fmt: str
) -> None:
    _fill_register(world)
    empty = PartnershipFactory(name="Copy Partnership", councils=[world.council_a], partner=world.partner_p)
    assert not Risk.objects.filter(partnership=empty).exists()
    exported = _export(world, world.ours.pk, fmt)

    editor = world.users[Role.COUNCIL_EDITOR]
    batch = services.batch_upload(
        user=editor,
        partnership=empty,
        kind="risks",
        file_name=f"register.{fmt}",
        size=len(exported),
        chunks=[exported],
    )
    result = services.batch_confirm(user=editor, batch=batch)
    assert result.valid, result.errors

    for key in SPEC_KEYS:
        source = list(
            Risk.objects.filter(partnership=world.ours).order_by("number").values_list(key, flat=True)
        )
        copied = list(Risk.objects.filter(partnership=empty).order_by("number").values_list(key, flat=True))
        assert source == copied, key
    assert Risk.objects.get(partnership=empty, number=1).title == '=HYPERLINK("x","y")'
    assert Risk.objects.get(partnership=empty, number=2).title == "'Quoted' title"
    assert _rows(_export(world, empty.pk, fmt), fmt) == _rows(exported, fmt)
