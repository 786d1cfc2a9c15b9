"""The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL names one (CI does both)."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.requirements import require


@pytest.mark.django_db
@pytest.mark.postgres
def test_suite_runs_on_postgresql_when_required() -> None:
    require(
        "postgres",
        connection.vendor == "postgresql",
        f"this run uses {connection.vendor}; set DATABASE_URL=postgres://... to run the suite on PostgreSQL",
    )
    with connection.cursor() as cursor:
        cursor.execute("select version()")
        assert "PostgreSQL" in cursor.fetchone()[0]
