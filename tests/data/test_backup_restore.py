"""`forbetter backup` / `forbetter restore` (and `manage.py backup` / `restore`) round-trip the demo.

The demo is seeded once for the module, with an uploaded evidence file and a file no record names any more,
backed up and wiped. Each test then restores that archive into an empty database and compares every table's
row count and checksum and every file's SHA-256 with the fingerprint taken before the backup
(tests/data/backup_snapshot.py). The suite runs on SQLite and on PostgreSQL; on PostgreSQL one more test
restores the backup into a new SQLite database and a backup of that back into PostgreSQL.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections
from django.test import override_settings

from forbetter.accounts.models import User
from forbetter.cli import main
from forbetter.core import backup as backup_module
from forbetter.core.backup import MANIFEST, backup, tables_holding_data
from forbetter.partnerships.models import Partnership
from forbetter.performance.models import KpiReturn
from tests.data.backup_snapshot import snapshot
from tests.database_build import load_reference_data

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
EVIDENCE = b"%PDF-1.4\n% meter readings for April, signed off by the depot manager\n%%EOF\n"
REPLACED = b"An earlier upload that a history row still names.\n"


@dataclass(frozen=True)
class DemoBackup:
    archive: Path
    before: dict[str, Any]
    manifest: dict[str, Any]


def _wipe(media_root: Path) -> None:
    """Empty every table (migrate's content types and permissions come back with new ids) and the files,
    then put back the reference data a freshly migrated database holds, as the tests after these expect."""
    call_command("flush", interactive=False, verbosity=0)
    load_reference_data()
    shutil.rmtree(media_root, ignore_errors=True)


@pytest.mark.django_db
def test_a_freshly_migrated_database_counts_as_empty() -> None:
    """Only the reference data that data migrations load is there. First in the module so that it sees the
    test database as migrate left it; a new data migration that fills another table makes it fail."""
    from forbetter.framework.models import Action

    if not Action.objects.exists():
        pytest.skip("an earlier transactional test emptied the test database, so it is no longer as migrated")
    reference = [
        model for model in backup_module.backed_up_models() if backup_module.is_reference_data(model)
    ]
    assert all(model._base_manager.exists() for model in reference if not model._meta.auto_created)
    assert tables_holding_data() == []


@pytest.fixture(scope="module")
def demo_backup(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> DemoBackup:
    folder = tmp_path_factory.mktemp("backup")
    media_root = folder / "media"
    archive = folder / "demo.zip"
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root):
        call_command("seed_demo", verbosity=0)
        kpi_return = KpiReturn.objects.order_by("pk").first()
        assert kpi_return is not None
        kpi_return.evidence_file.save("meter-readings.pdf", ContentFile(EVIDENCE), save=True)
        replaced = media_root / "kpi-evidence" / str(kpi_return.kpi.partnership_id) / "replaced.txt"
        replaced.write_bytes(REPLACED)
        backup(archive)
        before = snapshot(media_root)
        _wipe(media_root)
    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read(MANIFEST))
    return DemoBackup(archive, before, manifest)


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def _restore(archive: Path, *extra: str) -> int:
    return main(["restore", str(archive), *extra])


def _rename_a_partnership() -> None:
    first = Partnership.objects.order_by("pk").values_list("pk", flat=True)[:1]
    assert Partnership.objects.filter(pk__in=first).update(name="Renamed since") == 1


def _leftovers(media_root: Path) -> list[str]:
    """Folders a restore writes beside MEDIA_ROOT while it works; none may be left behind."""
    return sorted(path.name for path in media_root.parent.iterdir() if path.name.startswith(".media-"))


def test_the_demo_backup_holds_every_table_rows_history_and_both_files(demo_backup: DemoBackup) -> None:
    tables = {table["table"]: table["rows"] for table in demo_backup.manifest["tables"]}
    assert set(tables) == set(demo_backup.before["tables"])  # every table the database has, by introspection
    assert {name: rows for name, (rows, _) in demo_backup.before["tables"].items()} == tables
    assert tables["performance_kpireturn"] > 0
    assert tables["performance_historicalkpireturn"] > 0
    assert tables["accounts_user"] > 0
    assert (
        sorted(entry["path"].rsplit("/", 1)[-1] for entry in demo_backup.manifest["files"])[-1]
        == "replaced.txt"
    )
    assert len(demo_backup.before["files"]) == 2
    assert demo_backup.manifest["format_version"] == 1
    assert demo_backup.manifest["database_vendor"] == connection.vendor


def test_restore_into_an_empty_database_gives_back_every_row_and_file(
    demo_backup: DemoBackup, media_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert tables_holding_data() == []
    assert _restore(demo_backup.archive) == 0
    out = capsys.readouterr().out
    rows = sum(table["rows"] for table in demo_backup.manifest["tables"])
    assert f"Restored {len(demo_backup.manifest['tables'])} tables, {rows:,} rows and 2 files" in out
    assert snapshot(media_root) == demo_backup.before
    assert _leftovers(media_root) == []
    if importlib.util.find_spec("forbetter.core.audit") is not None:  # the audit chain, where it is installed
        report = importlib.import_module("forbetter.core.audit").verify_audit()
        assert report.intact, report.problems
    # A backup of the restored database holds byte-for-byte the same data, content types and all.
    assert main(["backup", str(tmp_path / "again.zip")]) == 0
    with zipfile.ZipFile(tmp_path / "again.zip") as again:
        manifest = json.loads(again.read(MANIFEST))
    assert manifest["data_sha256"] == demo_backup.manifest["data_sha256"]
    assert manifest["files"] == demo_backup.manifest["files"]


def test_new_rows_after_a_restore_do_not_collide_with_restored_ones(
    demo_backup: DemoBackup, media_root: Path
) -> None:
    assert _restore(demo_backup.archive) == 0
    highest = User.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert highest is not None
    created = User.objects.create_user(email="after-restore@example.test", password="a-long-enough-password")
    assert created.pk > highest


def test_restore_refuses_a_database_that_is_not_empty_and_changes_nothing(
    demo_backup: DemoBackup, media_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _restore(demo_backup.archive) == 0
    _rename_a_partnership()
    now = snapshot(media_root)
    capsys.readouterr()
    assert _restore(demo_backup.archive) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert "the database is not empty" in captured.err
    assert "--replace" in captured.err
    assert snapshot(media_root) == now


def test_restore_refuses_a_media_folder_that_holds_files(
    demo_backup: DemoBackup, media_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (media_root / "kpi-evidence").mkdir(parents=True)
    (media_root / "kpi-evidence" / "left-over.pdf").write_bytes(EVIDENCE)
    assert _restore(demo_backup.archive) == 2
    assert "already holds files" in capsys.readouterr().err
    assert tables_holding_data() == []
    assert (media_root / "kpi-evidence" / "left-over.pdf").read_bytes() == EVIDENCE


def test_replace_puts_back_exactly_the_backup(demo_backup: DemoBackup, media_root: Path) -> None:
    assert _restore(demo_backup.archive) == 0
    _rename_a_partnership()
    User.objects.create_user(email="new@example.test", password="a-long-enough-password")
    for path in media_root.rglob("*.pdf"):
        path.unlink()
    (media_root / "stray.txt").write_text("not in the backup")
    assert snapshot(media_root) != demo_backup.before
    assert _restore(demo_backup.archive, "--replace") == 0
    assert snapshot(media_root) == demo_backup.before
    assert _leftovers(media_root) == []


def test_a_replace_that_fails_leaves_the_old_data_and_files(
    demo_backup: DemoBackup,
    media_root: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _restore(demo_backup.archive) == 0
    _rename_a_partnership()
    (media_root / "stray.txt").write_text("kept when the restore fails")
    now = snapshot(media_root)

    def fail(*args: Any, **kwargs: Any) -> None:  # after every table is loaded, before the commit
        raise DatabaseError("simulated failure while resetting sequences")

    monkeypatch.setattr(backup_module, "_reset_sequences", fail)
    capsys.readouterr()
    assert _restore(demo_backup.archive, "--replace") == 2
    err = capsys.readouterr().err
    assert "the restore failed and nothing was changed" in err
    assert "simulated failure" in err
    assert snapshot(media_root) == now
    assert _leftovers(media_root) == []


def test_a_failed_commit_after_the_file_swap_puts_the_old_files_back(
    demo_backup: DemoBackup, media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _restore(demo_backup.archive) == 0
    (media_root / "stray.txt").write_text("kept when the restore fails")
    now = snapshot(media_root)
    database = connections["default"]

    seen_at_commit: list[bool] = []

    def fail_to_commit() -> None:  # the folders have been swapped when the transaction commits
        seen_at_commit.append((media_root / "stray.txt").exists())
        raise DatabaseError("simulated failure at commit")

    monkeypatch.setattr(database, "commit", fail_to_commit)
    assert _restore(demo_backup.archive, "--replace") == 2
    monkeypatch.undo()
    assert seen_at_commit == [False]
    assert snapshot(media_root) == now
    assert _leftovers(media_root) == []


# ---------------------------------------------------------------------------------------- damaged archives


def _rewrite(
    source: Path,
    target: Path,
    *,
    change: Callable[[str, bytes], bytes | None] = lambda name, data: data,
    manifest: Callable[[dict[str, Any]], None] | None = None,
    add: dict[str, bytes] | None = None,
) -> Path:
    """A copy of an archive with members changed (None drops one), the manifest edited, or members added."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename == MANIFEST and manifest is not None:
                content = json.loads(data)
                manifest(content)
                data = json.dumps(content).encode()
            changed = change(info.filename, data)
            if changed is not None:
                copy.writestr(info.filename, changed)
        for name, data in (add or {}).items():
            copy.writestr(name, data)
    return target


def _not_a_zip(source: Path, target: Path) -> Path:
    target.write_text("date,value\n2026-04,12\n")
    return target


def _truncated(source: Path, target: Path) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: len(data) * 2 // 3])
    return target


def _flipped_bytes(source: Path, target: Path) -> Path:
    """Bytes changed inside the largest member's compressed data: the zip's CRC or our SHA-256 catches it."""
    with zipfile.ZipFile(source) as archive:
        largest = max(archive.infolist(), key=lambda info: info.compress_size)
    data = bytearray(source.read_bytes())
    middle = largest.header_offset + 100 + largest.compress_size // 2
    for offset in range(middle, middle + 8):
        data[offset] ^= 0xFF
    target.write_bytes(bytes(data))
    return target


def _altered_row(source: Path, target: Path) -> Path:
    def change(name: str, data: bytes) -> bytes:
        return (
            data.replace(b"Ashcombe", b"Ashcombf", 1) if name == "data/accounts.organisation.jsonl" else data
        )

    return _rewrite(source, target, change=change)


def _altered_file(source: Path, target: Path) -> Path:
    def change(name: str, data: bytes) -> bytes:
        return data.replace(b"April", b"March") if name.endswith(".pdf") else data

    return _rewrite(source, target, change=change)


def _no_manifest(source: Path, target: Path) -> Path:
    return _rewrite(source, target, change=lambda name, data: None if name == MANIFEST else data)


def _missing_table(source: Path, target: Path) -> Path:
    return _rewrite(
        source, target, change=lambda name, data: None if name == "data/accounts.user.jsonl" else data
    )


def _someone_elses_zip(source: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr(MANIFEST, json.dumps({"name": "holiday photos"}))
    return target


def _future_version(source: Path, target: Path) -> Path:
    return _rewrite(source, target, manifest=lambda content: content.update(format_version=2))


def _unlisted_member(source: Path, target: Path) -> Path:
    return _rewrite(source, target, add={"media/extra.txt": b"not in the manifest"})


def _escaping(path: str) -> Callable[[Path, Path], Path]:
    import hashlib

    payload = b"written outside the media folder"

    def damage(source: Path, target: Path) -> Path:
        def edit(content: dict[str, Any]) -> None:
            content["files"].append(
                {
                    "path": path,
                    "member": f"media/{path}",
                    "size": len(payload),
                    "sha256": hashlib.sha256(payload).hexdigest(),
                }
            )

        return _rewrite(source, target, manifest=edit, add={f"media/{path}": payload})

    return damage


def _consistent_but_unreadable_row(source: Path, target: Path) -> Path:
    """A row that is not JSON, with every checksum recomputed to match: caught while loading, rolled back."""
    import hashlib

    member = "data/accounts.organisation.jsonl"
    with zipfile.ZipFile(source) as archive:
        broken = archive.read(member).replace(b"]\n", b"}\n", 1)

    def edit(content: dict[str, Any]) -> None:
        data_hash = hashlib.sha256()
        for table in content["tables"]:
            if table["member"] == member:
                table["sha256"] = hashlib.sha256(broken).hexdigest()
            data_hash.update(f"{table['member']}\0{table['sha256']}\n".encode())
        content["data_sha256"] = data_hash.hexdigest()

    return _rewrite(
        source, target, change=lambda name, data: broken if name == member else data, manifest=edit
    )


def _other_migrations(source: Path, target: Path) -> Path:
    return _rewrite(
        source, target, manifest=lambda content: content["migrations"].append("core.9999_from_the_future")
    )


DAMAGE: dict[str, tuple[Callable[[Path, Path], Path], str]] = {
    "not a zip archive": (_not_a_zip, "is not a ForBetter backup, or is truncated"),
    "truncated": (_truncated, "is not a ForBetter backup, or is truncated"),
    "bytes flipped": (_flipped_bytes, "corrupt|damaged"),
    "a row altered": (_altered_row, "SHA-256 of data/accounts.organisation.jsonl does not match"),
    "an evidence file altered": (_altered_file, "SHA-256 of media/kpi-evidence/"),
    "no manifest": (_no_manifest, "is not a ForBetter backup: it has no manifest.json"),
    "a table missing": (_missing_table, "data/accounts.user.jsonl is listed in its manifest but missing"),
    "another program's zip": (
        _someone_elses_zip,
        "is not a ForBetter backup: its manifest.json does not say",
    ),
    "an unknown format version": (
        _future_version,
        "format version 2, which this version of ForBetter cannot",
    ),
    "a member the manifest does not list": (_unlisted_member, "which its manifest does not list"),
    "a file path with ..": (_escaping("../../escaped.txt"), "outside"),
    "an absolute file path": (_escaping("/tmp/forbetter-escaped.txt"), "outside|not a plain relative path"),
    "another version's migrations": (_other_migrations, "at a different version"),
    "a row that is not JSON": (
        _consistent_but_unreadable_row,
        "accounts.organisation cannot be read at row 1",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("damage", list(DAMAGE))
def test_restore_refuses_a_damaged_or_foreign_archive_and_changes_nothing(
    damage: str,
    demo_backup: DemoBackup,
    media_root: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import re

    make, expected = DAMAGE[damage]
    damaged = make(demo_backup.archive, tmp_path / "damaged.zip")
    assert _restore(damaged) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("forbetter restore: ")
    assert re.search(expected, captured.err), captured.err
    assert tables_holding_data() == []
    assert not media_root.exists()
    assert _leftovers(media_root) == []
    assert not (tmp_path.parent / "escaped.txt").exists()
    assert not Path("/tmp/forbetter-escaped.txt").exists()


@pytest.mark.django_db
def test_backup_refuses_to_overwrite_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    existing = tmp_path / "backup.zip"
    existing.write_bytes(b"last week's backup")
    assert main(["backup", str(existing)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert existing.read_bytes() == b"last week's backup"
    assert [path.name for path in tmp_path.iterdir()] == ["backup.zip"]


@pytest.mark.django_db
def test_manage_py_restore_refuses_with_exit_code_2(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="there is no such file") as refused:
        call_command("restore", str(tmp_path / "missing.zip"))
    assert refused.value.returncode == 2


def test_importing_the_cli_does_not_import_django() -> None:
    code = "import sys, forbetter.cli; print(any(name.split('.')[0] == 'django' for name in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# ---------------------------------------------------------------------------------------- across vendors


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, capture_output=True, text=True, env=env, cwd=ROOT, timeout=900)
    assert result.returncode == 0, result.stderr
    return result


def test_backups_restore_across_sqlite_and_postgresql(
    demo_backup: DemoBackup, media_root: Path, tmp_path: Path
) -> None:
    """PostgreSQL -> SQLite -> PostgreSQL. Runs in the PostgreSQL run, where SQLite is always at hand."""
    if connection.vendor != "postgresql":
        pytest.skip("runs when the suite runs on PostgreSQL (DATABASE_URL=postgres://...): it needs both")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'other.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "other-media"),
        "DJANGO_SETTINGS_MODULE": "forbetter.settings",
    }
    python = sys.executable
    forbetter = str(Path(python).with_name("forbetter"))
    _run([python, "manage.py", "migrate", "--no-input", "-v", "0"], env)
    _run([forbetter, "restore", str(demo_backup.archive)], env)
    on_sqlite = json.loads(_run([python, "-m", "tests.data.backup_snapshot"], env).stdout)
    assert on_sqlite == json.loads(json.dumps(demo_backup.before))

    from_sqlite = tmp_path / "from-sqlite.zip"
    _run([forbetter, "backup", str(from_sqlite)], env)
    with zipfile.ZipFile(from_sqlite) as archive:
        assert json.loads(archive.read(MANIFEST))["database_vendor"] == "sqlite"
    assert _restore(from_sqlite) == 0
    assert snapshot(media_root) == demo_backup.before
