"""No lost saves on the default set-up: SQLite shared by the web process and the background worker.

Rule SQLITE-WAL-BUSY-TIMEOUT (decision record 0011, issue 10 item 1): with ``make demo`` about 2% of risk
edits and 1% of KPI-return submissions failed with "database is locked" and the user's input was lost.
SQLite's own guidance is write-ahead logging for concurrent readers and a writer, a busy timeout so a
writer waits its turn, and ``BEGIN IMMEDIATE`` so two read-then-write transactions cannot deadlock on
upgrading their locks (a deadlock that no busy timeout can break: https://www.sqlite.org/wal.html and
https://www.sqlite.org/lang_transaction.html). Each check runs ``tests.data.sqlite_concurrency`` in a
subprocess against a temporary database file, with the django_tasks_db worker loop polling every second and
Monte Carlo runs queued for it, and 8 threads × 25 saves through the real services.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _saves(tmp_path: Path, *flags: str) -> dict[str, Any]:
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "TASKS_BACKEND")}
    env["MEDIA_ROOT"] = str(tmp_path / "media")
    completed = subprocess.run(
        [sys.executable, "-m", "tests.data.sqlite_concurrency", "--db", str(tmp_path / "fb.sqlite3"), *flags],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_sqlite_runs_in_wal_mode_with_busy_timeout_and_immediate_transactions() -> None:
    """SQLITE-WAL-BUSY-TIMEOUT: the options every SQLite connection of the app opens with."""
    assert settings.SQLITE_OPTIONS == {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    else:
        assert "transaction_mode" not in database.get("OPTIONS", {})


def test_parallel_saves_with_the_worker_polling_lose_nothing_on_sqlite(tmp_path: Path) -> None:
    """SQLITE-WAL-BUSY-TIMEOUT: 200 parallel saves beside the polling worker, none fails, all are stored."""
    result = _saves(tmp_path)
    assert result["journal_mode"] == "wal"
    assert result["attempted"] == 200
    assert (result["failed"], result["errors"]) == (0, [])
    assert (result["risk_edits"], result["returns"]) == (104, 96)
    assert (result["lost_count"], result["lost"]) == (0, [])


def test_without_the_sqlite_options_the_same_saves_fail_with_database_is_locked(tmp_path: Path) -> None:
    """SQLITE-WAL-BUSY-TIMEOUT: the check above can fail: the old connection options lose saves."""
    result = _saves(tmp_path, "--plain")
    assert result["journal_mode"] == "delete"
    assert result["failed"] > 0
    assert any("database is locked" in error for error in result["errors"])
