"""Importing KPIs: created by new reference, changed by an existing one (through the KPI services, so the
current target follows), all or nothing, and the KPI rules applied to each row."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from forbetter.accounts.models import Role
from forbetter.core.columns import load_columns
from forbetter.imports import services
from forbetter.performance.models import Kpi, KpiTarget
from tests.conftest import World
from tests.factories import make_kpi
from tests.imports_support import csv_bytes

pytestmark = pytest.mark.django_db
HEADERS = [column.header for column in load_columns("performance", "kpis")]


def row(**changes: Any) -> list[Any]:
    values: dict[str, Any] = {
        "Reference": "HW-01",
        "Name": "Potholes repaired on time",
        "Definition": "Category 1 potholes made safe within 24 hours",
        "How it is measured": "Works system report",
        "Who measures it": "Partner",
        "Unit": "%",
        "Direction": "Higher is better",
        "Type of indicator": "output",
        "Target": "95",
        "Failure threshold": "90",
        "Reporting frequency": "Monthly",
        "First period": "2026-04-01",
        "Owner": "editor@a.test",
    }
    values.update(changes)
    return [values.get(header, "") for header in HEADERS]


def _batch(world: World, rows: list[list[Any]]) -> Any:
    return services.batch_upload(
        user=world.users[Role.COUNCIL_EDITOR],
        partnership=world.ours,
        kind="kpis",
        file_name="kpis.csv",
        size=1,
        chunks=[csv_bytes(HEADERS, rows)],
    )


def test_kpis_are_created_and_changed_through_the_kpi_services(world: World) -> None:
    make_kpi(world.ours, reference="HW-02", target=Decimal(80), failure_threshold=Decimal(70))
    editor = world.users[Role.COUNCIL_EDITOR]
    batch = _batch(
        world,
        [
            row(),
            row(Reference="HW-02", Name="Streetlights fixed", Target="85", **{"Failure threshold": "70"}),
        ],
    )
    result = services.batch_check(user=editor, batch=batch)
    assert result.errors == []
    assert result.summary() == {"rows": 2, "created": 1, "changed": 1, "unchanged": 0, "errors": 0}
    assert "Target: 80.0000 → 85" in result.rows[1].changes
    services.batch_confirm(user=editor, batch=batch)
    created = Kpi.objects.get(partnership=world.ours, reference="HW-01")
    assert created.owner == editor
    assert created.weight == 0
    assert created.return_due_days == 10
    changed = Kpi.objects.get(partnership=world.ours, reference="HW-02")
    assert changed.target == Decimal(85)
    assert KpiTarget.objects.filter(kpi=changed).order_by("-effective_from").first().target == Decimal(85)
    assert created.history.first().history_change_reason.startswith(
        f"Imported from kpis.csv (batch {batch.pk})"
    )


def test_a_kpi_row_breaking_the_kpi_rules_stops_the_whole_file(world: World) -> None:
    editor = world.users[Role.COUNCIL_EDITOR]
    batch = _batch(
        world, [row(), row(Reference="HW-03", **{"Failure threshold": "99"}), row(Reference="HW-01")]
    )
    result = services.batch_confirm(user=editor, batch=batch)
    assert not result.valid
    assert any(e.startswith("Row 3, Failure threshold: The failure threshold") for e in result.errors)
    assert "Row 4, Reference: HW-01 is also on row 2; each KPI appears once" in result.errors
    assert not Kpi.objects.exists()


def test_the_imports_guide_lists_every_column_of_every_template() -> None:
    from pathlib import Path

    from forbetter.imports.kinds import KINDS

    guide = (Path(__file__).parents[2] / "docs" / "imports.md").read_text()
    for kind in KINDS.values():
        for column in kind.columns(council=True):
            assert f"| {column.header} |" in guide, (kind.key, column.header)
