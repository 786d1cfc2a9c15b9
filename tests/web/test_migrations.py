"""The test database is built from the models (tests/database_build.py); the migrations must give the same.

One test runs every migration from zero on a fresh database in a subprocess (about 35 CPU seconds, the cost
each test database paid before) and compares it with the test database: the same tables, columns,
constraints and indexes, the same number of rows in every table, and the same reference data.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests.database_build import describe_database

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh_database_url(tmp_path: Path) -> Iterator[str]:
    """An empty database of the test database's kind, dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    import psycopg

    settings = connection.settings_dict
    name = f"forbetter_migrated_{uuid.uuid4().hex[:12]}"
    params = {
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
        "user": settings["USER"] or None,
        "password": settings["PASSWORD"] or None,
        "dbname": "postgres",
    }
    with psycopg.connect(autocommit=True, **{k: v for k, v in params.items() if v}) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        credentials = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
        yield f"postgres://{credentials}@{settings['HOST']}:{settings['PORT']}/{name}"
    finally:
        with psycopg.connect(autocommit=True, **{k: v for k, v in params.items() if v}) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _migrated(database_url: str) -> dict[str, Any]:
    environment = {**os.environ, "DATABASE_URL": database_url}
    result = subprocess.run(
        [sys.executable, "-m", "tests.database_build"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    migrated: dict[str, Any] = json.loads(result.stdout)
    return migrated


@pytest.mark.django_db
def test_migrating_from_zero_gives_the_test_databases_tables_and_reference_data(
    fresh_database_url: str,
) -> None:
    migrated = _migrated(fresh_database_url)
    built = describe_database()
    assert sorted(migrated["tables"]) == sorted(built["tables"])
    for table, description in built["tables"].items():
        assert migrated["tables"][table] == description, (
            f"{table}: the migrated table differs from the one built from the models (or its row count does: "
            "a data migration may load rows that tests/database_build.py load_reference_data does not)"
        )
    assert migrated["reference"] == built["reference"], (
        "the reference data differs: the data migrations and tests/database_build.py "
        "load_reference_data disagree"
    )
    assert all(built["reference"].values()), "every kind of reference data has rows"
