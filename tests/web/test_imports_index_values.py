"""Importing the payment mechanism's index values: by month, through the payments service, all or nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from forbetter.accounts.models import Role
from forbetter.imports import services
from forbetter.payments.models import IndexValue
from tests.conftest import World
from tests.factories import make_payment_mechanism
from tests.imports_support import csv_bytes

pytestmark = pytest.mark.django_db
HEADERS = ["Month", "Index value"]


def _batch(world: World, rows: list[list[str]]):  # type: ignore[no-untyped-def]
    return services.batch_upload(
        user=world.users[Role.COUNCIL_EDITOR],
        partnership=world.ours,
        kind="index_values",
        file_name="cpi.csv",
        size=1,
        chunks=[csv_bytes(HEADERS, rows)],
    )


def test_index_values_are_added_and_corrected_by_month(world: World) -> None:
    mechanism = make_payment_mechanism(world.ours)
    IndexValue.objects.create(mechanism=mechanism, month=dt.date(2026, 4, 1), value=Decimal(100))
    editor = world.users[Role.COUNCIL_EDITOR]
    batch = _batch(world, [["2026-04", "101.5"], ["2026-05", "102"]])
    result = services.batch_check(user=editor, batch=batch)
    assert result.summary() == {"rows": 2, "created": 1, "changed": 1, "unchanged": 0, "errors": 0}
    services.batch_confirm(user=editor, batch=batch)
    assert list(IndexValue.objects.values_list("value", flat=True)) == [Decimal("101.5"), Decimal(102)]
    may = IndexValue.objects.get(month=dt.date(2026, 5, 1))
    assert may.history.first().history_change_reason == f"Imported from cpi.csv (batch {batch.pk})"


def test_a_bad_month_or_value_writes_nothing(world: World) -> None:
    make_payment_mechanism(world.ours)
    batch = _batch(world, [["2026-04", "101"], ["April 2026", "1"], ["2026-06", "0"]])
    result = services.batch_confirm(user=world.users[Role.COUNCIL_EDITOR], batch=batch)
    assert result.errors == [
        "Row 3, Month: April 2026 is not a month; write it as YYYY-MM, like 2026-04",
        "Row 4, Index value: An index value must be above 0",
    ]
    assert not IndexValue.objects.exists()


def test_without_a_payment_mechanism_nothing_can_be_imported(world: World) -> None:
    batch = _batch(world, [["2026-04", "101"]])
    result = services.batch_check(user=world.users[Role.COUNCIL_EDITOR], batch=batch)
    assert result.errors == [
        "Set up the partnership's payment mechanism first: the index values belong to it"
    ]
