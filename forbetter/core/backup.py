"""Backup and restore of the whole database and the uploaded files, as one zip archive.

The archive holds ``manifest.json`` (format and version, when and from what it was made, the migrations the
database had, each table's columns, row count and SHA-256, and each file's size and SHA-256),
``data/<app>.<model>.jsonl`` (one JSON array of column values a line, ordered by primary key) for every
table of every installed app, and ``media/<path>`` for every file under ``MEDIA_ROOT``.

Tables are found from the installed apps, never listed by hand, so a new app or model is covered the day it
is added. Content types and permissions are copied and restored with their ids like every other table
(replacing the ones ``migrate`` made), so every key to them, and every audit hash over such a key, stays as
it was. Values are written in a form that does not depend on the database vendor (decimals and dates as
text), so a backup taken on SQLite restores on PostgreSQL and the other way round.

A restore checks the whole archive before it changes anything, loads every table in one transaction, checks
the foreign keys before committing, resets PostgreSQL's sequences, and puts the files in place by writing
them to a new folder beside ``MEDIA_ROOT`` and swapping the two folders just before the commit. Decision
record ``docs/decisions/0018-backup-and-restore.md``.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import io
import json
import os
import platform
import shutil
import tempfile
import time
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

import django
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import IntegrityError, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils.duration import duration_iso_string

FORMAT = "forbetter-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA_FOLDER = "data/"
MEDIA_FOLDER = "media/"
BATCH_ROWS = 2000
"""Rows read, written and inserted at a time: memory stays flat whatever a table's size."""
COPY_CHUNK_BYTES = 1024 * 1024
MAX_MANIFEST_BYTES = 64 * 1024 * 1024

REFERENCE_DATA = frozenset(
    {
        "contenttypes.contenttype",
        "auth.permission",
        "framework.frameworkversion",
        "framework.stage",
        "framework.theme",
        "framework.reference",
        "framework.action",
        "risks.riskcategoryversion",
        "risks.riskcategory",
        "partnerships.servicearea",
        # The audit chain's migration (forbetter/core, merged separately) writes the chain's genesis head and
        # the field list of every history table; a chain of links only follows real history.
        "core.auditchainhead",
        "core.auditfieldlist",
        # survey: the principles and statements its data migration loads
        "survey.surveydataversion",
        "survey.principle",
        "survey.statement",
    }
)
"""Models whose rows data migrations load into every new database. Rows in them do not make a database
"not empty"; tests/data/test_backup_restore.py checks that a freshly migrated database holds no others."""


class BackupError(Exception):
    """A backup or restore refused, with a one-line message in plain English; nothing was changed."""


@dataclass(frozen=True)
class Summary:
    path: Path
    tables: int
    rows: int
    files: int
    file_bytes: int
    seconds: float
    created_at: str = ""
    vendor: str = ""
    missing_files: tuple[str, ...] = ()

    def describe(self, verb: str) -> str:
        size = _human_bytes(self.file_bytes)
        line = (
            f"{verb} {self.tables} tables, {self.rows:,} rows and {self.files:,} files ({size}) "
            f"{'to' if verb == 'Backed up' else 'from'} {self.path} in {self.seconds:.1f} s"
        )
        if self.created_at:
            line += f" (a {self.vendor} backup made {self.created_at})"
        return line + "."


# ---------------------------------------------------------------------------------------------- the models


def backed_up_models() -> list[type[models.Model]]:
    """Every table of every installed app (history, many-to-many and task tables included), by label."""
    chosen: dict[str, type[models.Model]] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.swapped:
            continue
        chosen.setdefault(meta.db_table, model)
    return sorted(chosen.values(), key=lambda model: model._meta.label_lower)


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return list(model._meta.concrete_fields)


def applied_migrations(alias: str = "default") -> list[str]:
    recorder = MigrationRecorder(connections[alias])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


# ---------------------------------------------------------------------------------------------- backup


def _json_default(value: Any) -> Any:
    """Vendor-neutral text for the values JSON has no type for; ``Field.to_python`` reads each back."""
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"cannot write a value of type {type(value).__name__}")


_ENCODERS: dict[str, Callable[[Any], Any]] = {
    "DateTimeField": dt.datetime.isoformat,
    "DateField": dt.date.isoformat,
    "TimeField": dt.time.isoformat,
    "DecimalField": str,
    "UUIDField": str,
}
"""Per-column encoders for the commonest non-JSON types, quicker than ``_json_default`` on every value."""


def _encoder(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    return (
        _ENCODERS.get(target.get_internal_type()) if type(target).__module__.startswith("django.") else None
    )


class _HashingWriter(io.RawIOBase):
    """Counts and hashes the bytes written through it into a zip member."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.sha256 = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.sha256.update(chunk)
        self.size += len(chunk)
        self.target.write(chunk)
        return len(chunk)


@contextmanager
def _snapshot(alias: str) -> Iterator[None]:
    """One consistent view of every table while they are read, without blocking anyone who writes."""
    connection = connections[alias]
    if connection.in_atomic_block:  # already inside a transaction (a test, or a caller's atomic block)
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic(using=alias):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    if connection.vendor == "sqlite":
        # Django's atomic() would BEGIN IMMEDIATE (settings.py) and hold the write lock for the whole backup;
        # a deferred read transaction sees one snapshot of the write-ahead log and lets writers carry on.
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")
        return
    yield


def _dump_table(
    model: type[models.Model],
    alias: str,
    member: _HashingWriter,
    file_names: set[str],
) -> int:
    fields = _columns(model)
    encoders: list[Callable[[Any], Any] | None] = []
    file_columns = []
    for index, field in enumerate(fields):
        encoders.append(_encoder(field))
        if isinstance(field, models.FileField):
            file_columns.append(index)
    converted = [index for index, encoder in enumerate(encoders) if encoder is not None]
    rows = 0
    queryset = (
        model._base_manager.using(alias).order_by("pk").values_list(*[field.attname for field in fields])
    )
    buffer: list[str] = []
    for values in queryset.iterator(chunk_size=BATCH_ROWS):
        row = list(values)
        for index in converted:
            if row[index] is not None:
                row[index] = encoders[index](row[index])  # type: ignore[misc]
        for index in file_columns:
            if row[index]:
                file_names.add(row[index])
        buffer.append(json.dumps(row, default=_json_default, ensure_ascii=False, separators=(",", ":")))
        rows += 1
        if len(buffer) >= BATCH_ROWS:
            member.write(("\n".join(buffer) + "\n").encode("utf-8"))
            buffer.clear()
    if buffer:
        member.write(("\n".join(buffer) + "\n").encode("utf-8"))
    return rows


def _media_files(media_root: Path) -> list[tuple[str, Path]]:
    """Every regular file under MEDIA_ROOT as (posix path relative to it, path), sorted; links skipped."""
    if not media_root.is_dir():
        return []
    found = []
    for folder, subfolders, names in os.walk(media_root):
        subfolders.sort()
        for name in names:
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                found.append((path.relative_to(media_root).as_posix(), path))
    return sorted(found)


def _version() -> str:
    try:
        return metadata.version("forbetter")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a checkout that is not installed
        return "unknown"


def backup(path: Path, *, alias: str = "default") -> Summary:
    """Write the whole database and every file under MEDIA_ROOT to a new zip archive at ``path``.

    The archive is written under a temporary name beside ``path`` and renamed when complete, so a backup
    that fails leaves no file behind; an existing ``path`` is refused rather than overwritten.
    """
    started = time.monotonic()
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} already exists: give the name of a new file, or remove the old one first")
    if not path.parent.is_dir():
        raise BackupError(f"cannot write {path}: the folder {path.parent} does not exist")
    connection = connections[alias]
    media_root = Path(settings.MEDIA_ROOT)
    handle, partial_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    os.close(handle)
    partial = Path(partial_name)
    try:
        tables: list[dict[str, Any]] = []
        referenced: set[str] = set()
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            with _snapshot(alias):
                migrations_applied = applied_migrations(alias)
                for model in backed_up_models():
                    name = f"{DATA_FOLDER}{model._meta.label_lower}.jsonl"
                    with archive.open(name, "w", force_zip64=True) as raw:
                        writer = _HashingWriter(raw)
                        rows = _dump_table(model, alias, writer, referenced)
                    tables.append(
                        {
                            "model": model._meta.label_lower,
                            "table": model._meta.db_table,
                            "columns": [field.attname for field in _columns(model)],
                            "member": name,
                            "rows": rows,
                            "sha256": writer.sha256.hexdigest(),
                        }
                    )
            files: list[dict[str, Any]] = []
            for relative, source in _media_files(media_root):
                name = f"{MEDIA_FOLDER}{relative}"
                with source.open("rb") as reader, archive.open(name, "w", force_zip64=True) as raw:
                    writer = _HashingWriter(raw)
                    shutil.copyfileobj(reader, writer, COPY_CHUNK_BYTES)
                files.append(
                    {
                        "path": relative,
                        "member": name,
                        "size": writer.size,
                        "sha256": writer.sha256.hexdigest(),
                    }
                )
            data_hash = hashlib.sha256()
            for table in tables:
                data_hash.update(f"{table['member']}\0{table['sha256']}\n".encode())
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "forbetter_version": _version(),
                "django_version": django.get_version(),
                "python_version": platform.python_version(),
                "database_vendor": connection.vendor,
                "migrations": migrations_applied,
                "tables": tables,
                "data_sha256": data_hash.hexdigest(),
                "files": files,
            }
            archive.writestr(MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    present = {entry["path"] for entry in files}
    return Summary(
        path=path,
        tables=len(tables),
        rows=sum(table["rows"] for table in tables),
        files=len(files),
        file_bytes=sum(entry["size"] for entry in files),
        seconds=time.monotonic() - started,
        missing_files=tuple(sorted(referenced - present)),
    )


# ---------------------------------------------------------------------------------------------- restore


def _safe_relative(name: str) -> PurePosixPath:
    """A media path that stays inside MEDIA_ROOT, or BackupError."""
    if not isinstance(name, str) or not name or "\\" in name or "\0" in name:
        raise BackupError(f"refused: the file name {name!r} in the backup is not a plain relative path")
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts:
        raise BackupError(f"refused: the file name {name!r} in the backup points outside the media folder")
    if any(part in {"", "."} for part in name.split("/")):
        raise BackupError(f"refused: the file name {name!r} in the backup is not a plain relative path")
    return relative


def _read_manifest(archive: zipfile.ZipFile, path: Path) -> dict[str, Any]:
    not_ours = f"{path} is not a ForBetter backup"
    try:
        info = archive.getinfo(MANIFEST)
    except KeyError:
        raise BackupError(f"{not_ours}: it has no {MANIFEST}") from None
    if info.file_size > MAX_MANIFEST_BYTES:
        raise BackupError(f"{not_ours}: its {MANIFEST} is larger than any backup's")
    try:
        manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BackupError(f"{not_ours}: its {MANIFEST} is not valid JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{not_ours}: its {MANIFEST} does not say format {FORMAT!r}")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise BackupError(
            f"{path} is a backup in format version {version!r}, which this version of ForBetter cannot read "
            f"(it reads version {FORMAT_VERSION})"
        )
    try:
        _check_manifest_shape(manifest)
    except (KeyError, TypeError, ValueError) as exc:
        raise BackupError(f"{path} is damaged: its {MANIFEST} is incomplete ({exc})") from None
    return manifest


_Shape = tuple[tuple[str, type], ...]


def _check_manifest_shape(manifest: dict[str, Any]) -> None:
    top: _Shape = (("tables", list), ("files", list), ("migrations", list), ("data_sha256", str))
    for key, kind in top:
        if not isinstance(manifest[key], kind):
            raise TypeError(f"{key} is not a {kind.__name__}")
    table_shape: _Shape = (("model", str), ("member", str), ("columns", list), ("rows", int), ("sha256", str))
    file_shape: _Shape = (("path", str), ("member", str), ("size", int), ("sha256", str))
    for table in manifest["tables"]:
        for key, kind in table_shape:
            if not isinstance(table[key], kind):
                raise TypeError(f"a table's {key} is not a {kind.__name__}")
        if table["member"] != f"{DATA_FOLDER}{table['model']}.jsonl":
            raise ValueError(f"table {table['model']} is stored under an unexpected name")
    for entry in manifest["files"]:
        for key, kind in file_shape:
            if not isinstance(entry[key], kind):
                raise TypeError(f"a file's {key} is not a {kind.__name__}")
        _safe_relative(entry["path"])
        if entry["member"] != f"{MEDIA_FOLDER}{entry['path']}":
            raise ValueError(f"file {entry['path']} is stored under an unexpected name")


def _member_sha256(archive: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    with archive.open(name) as reader:
        while chunk := reader.read(COPY_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _verify_archive(archive: zipfile.ZipFile, manifest: dict[str, Any], path: Path) -> None:
    """Every member is named in the manifest, safe, readable and has the SHA-256 the manifest gives."""
    expected = {table["member"]: table["sha256"] for table in manifest["tables"]}
    expected.update({entry["member"]: entry["sha256"] for entry in manifest["files"]})
    names = [info.filename for info in archive.infolist()]
    for name in names:
        if name.startswith("/") or ".." in PurePosixPath(name).parts or "\\" in name:
            raise BackupError(f"refused: {path} holds {name!r}, a path outside the backup's folders")
        if name != MANIFEST and name not in expected:
            raise BackupError(
                f"{path} is damaged or altered: it holds {name!r}, which its manifest does not list"
            )
    declared = {info.filename: info.file_size for info in archive.infolist()}
    for entry in manifest["files"]:
        if declared.get(entry["member"], entry["size"]) != entry["size"]:
            raise BackupError(f"{path} is damaged or altered: the size of {entry['member']} does not match")
    missing = sorted(set(expected) - set(names))
    if missing:
        raise BackupError(f"{path} is damaged: {missing[0]} is listed in its manifest but missing")
    if len(names) != len(set(names)):
        raise BackupError(f"{path} is damaged or altered: it holds two members with the same name")
    data_hash = hashlib.sha256()
    for table in manifest["tables"]:
        data_hash.update(f"{table['member']}\0{table['sha256']}\n".encode())
    if data_hash.hexdigest() != manifest["data_sha256"]:
        raise BackupError(f"{path} is damaged or altered: the checksum of its data does not match")
    for name, sha256 in expected.items():
        try:
            actual = _member_sha256(archive, name)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise BackupError(f"{path} is corrupt: {name} cannot be read ({exc})") from None
        if actual != sha256:
            raise BackupError(
                f"{path} is damaged or altered: the SHA-256 of {name} does not match its manifest"
            )


def _check_schema(manifest: dict[str, Any], alias: str) -> list[type[models.Model]]:
    """The backup's tables and migrations are exactly this database's; the models in the manifest's order."""
    here = applied_migrations(alias)
    theirs = manifest["migrations"]
    if here != theirs:
        only_theirs = sorted(set(theirs) - set(here))
        only_here = sorted(set(here) - set(theirs))
        detail = (
            f"the backup has migration {only_theirs[0]}, which this database has not"
            if only_theirs
            else f"this database has migration {only_here[0]}, which the backup has not"
        )
        raise BackupError(
            f"the backup was made from a database at a different version: {detail}. Restore it with the "
            "ForBetter version that made it, into a database migrated to the same point"
        )
    models_here = {model._meta.label_lower: model for model in backed_up_models()}
    labels = [table["model"] for table in manifest["tables"]]
    if set(labels) != set(models_here) or len(labels) != len(set(labels)):
        extra = sorted(set(labels) - set(models_here)) or sorted(set(models_here) - set(labels))
        raise BackupError(f"the backup's tables do not match this version of ForBetter (first: {extra[0]})")
    for table in manifest["tables"]:
        columns = [field.attname for field in _columns(models_here[table["model"]])]
        if table["columns"] != columns:
            raise BackupError(
                f"the backup's columns of {table['model']} do not match this version of ForBetter"
            )
    return [models_here[label] for label in labels]


def is_reference_data(model: type[models.Model]) -> bool:
    """A model data migrations fill, or the many-to-many table between two such models."""
    meta = model._meta
    if meta.label_lower in REFERENCE_DATA:
        return True
    if not meta.auto_created:
        return False
    targets = [field.related_model for field in meta.concrete_fields if field.is_relation]
    return bool(targets) and all(
        not isinstance(target, str) and target is not None and target._meta.label_lower in REFERENCE_DATA
        for target in targets
    )


def tables_holding_data(alias: str = "default") -> list[str]:
    """Labels of the tables that hold rows, other than the reference data migrations load."""
    return [
        model._meta.label_lower
        for model in backed_up_models()
        if not is_reference_data(model) and model._base_manager.using(alias).exists()
    ]


def _load_table(
    archive: zipfile.ZipFile,
    table: dict[str, Any],
    model: type[models.Model],
    alias: str,
) -> int:
    connection = connections[alias]
    fields = _columns(model)
    converters = [_converter(field, connection) for field in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)
    into = f"{quote(model._meta.db_table)} ({columns})"
    width = len(fields)

    def prepared_rows() -> Iterator[list[Any]]:
        with archive.open(table["member"]) as raw:
            for number, line in enumerate(io.TextIOWrapper(raw, encoding="utf-8"), start=1):
                try:
                    values = json.loads(line)
                    if not isinstance(values, list) or len(values) != width:
                        raise ValueError(f"it does not have the {width} columns the manifest names")
                    yield [
                        None if value is None else convert(value)
                        for convert, value in zip(converters, values, strict=True)
                    ]
                except (ValueError, TypeError, ValidationError) as exc:
                    raise BackupError(
                        f"the backup's table {table['model']} cannot be read at row {number}: {exc}"
                    ) from None

    rows = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows in one statement: several times quicker than INSERTs, each of which
            # waits for the server. Django's error wrapper makes a failure a DatabaseError like any other.
            with connection.wrap_database_errors, cursor.copy(f"COPY {into} FROM STDIN") as copy:
                for row in prepared_rows():
                    copy.write_row(row)
                    rows += 1
            return rows
        sql = f"INSERT INTO {into} VALUES ({', '.join(['%s'] * width)})"
        batch: list[list[Any]] = []
        for row in prepared_rows():
            batch.append(row)
            if len(batch) >= BATCH_ROWS:
                cursor.executemany(sql, batch)
                rows += len(batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
            rows += len(batch)
    return rows


_PLAIN_TYPES = frozenset(
    {
        "AutoField",
        "BooleanField",
        "FloatField",
        "BigAutoField",
        "SmallAutoField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
        "CharField",
        "TextField",
        "SlugField",
        "EmailField",
        "URLField",
        "GenericIPAddressField",
        "FileField",
        "ImageField",
        "FilePathField",
    }
)


def _converter(field: models.Field[Any, Any], connection: Any) -> Callable[[Any], Any]:
    """JSON value -> the value the database driver takes, through the field's own parsing and preparation."""
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    kind = target.get_internal_type()
    if not type(target).__module__.startswith("django."):  # a field of another library: its own methods
        kind = ""
    if kind in _PLAIN_TYPES:
        return lambda value: value
    # The commonest types go straight to the database's adapter: the same result as the general path below
    # for the ISO text the backup writes, in a third of the time (a million rows of KPI values).
    ops = connection.ops
    if kind == "DateTimeField":
        return lambda value: ops.adapt_datetimefield_value(dt.datetime.fromisoformat(value))
    if kind == "DateField":
        return lambda value: ops.adapt_datefield_value(dt.date.fromisoformat(value))
    if kind == "DecimalField":
        digits, places = getattr(target, "max_digits", None), getattr(target, "decimal_places", None)
        return lambda value: ops.adapt_decimalfield_value(decimal.Decimal(value), digits, places)

    def convert(value: Any) -> Any:
        return field.get_db_prep_save(field.to_python(value), connection)

    return convert


def _reset_sequences(selected: Iterable[type[models.Model]], alias: str) -> None:
    connection = connections[alias]
    statements = connection.ops.sequence_reset_sql(no_style(), list(selected))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _extract_media(archive: zipfile.ZipFile, manifest: dict[str, Any], folder: Path) -> int:
    total = 0
    for entry in manifest["files"]:
        relative = _safe_relative(entry["path"])
        target = folder.joinpath(*relative.parts)
        if folder.resolve() not in target.resolve().parents:
            raise BackupError(f"refused: the file name {entry['path']!r} points outside the media folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with archive.open(entry["member"]) as reader, target.open("xb") as writer:
            while chunk := reader.read(COPY_CHUNK_BYTES):
                digest.update(chunk)
                writer.write(chunk)
        if digest.hexdigest() != entry["sha256"]:
            raise BackupError(f"the backup is damaged: the SHA-256 of {entry['member']} does not match")
        total += entry["size"]
    return total


def _has_files(folder: Path) -> bool:
    return folder.is_dir() and any(path.is_file() for path in folder.rglob("*"))


def restore(path: Path, *, replace: bool = False, alias: str = "default") -> Summary:
    """Load a backup into this database and MEDIA_ROOT, all or nothing.

    Refuses (BackupError, nothing changed) a file that is not a complete, unaltered ForBetter backup of a
    format version this code reads, made at the same migrations; and, unless ``replace``, a database that
    holds data other than migrations' reference data, or a media folder that holds files.
    """
    started = time.monotonic()
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"cannot read {path}: there is no such file")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError):
        raise BackupError(
            f"{path} is not a ForBetter backup, or is truncated: it is not a complete zip archive"
        ) from None
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror or exc}") from None
    with archive:
        try:
            manifest = _read_manifest(archive, path)
        except (zipfile.BadZipFile, zlib.error, EOFError):
            raise BackupError(f"{path} is corrupt: its {MANIFEST} cannot be read") from None
        _verify_archive(archive, manifest, path)
        selected = _check_schema(manifest, alias)
        media_root = Path(settings.MEDIA_ROOT)
        if not replace:
            holding = tables_holding_data(alias)
            if holding:
                raise BackupError(
                    f"the database is not empty ({len(holding)} tables hold data, {holding[0]} first): "
                    "restore into a freshly migrated database, or give --replace to replace everything in it"
                )
            if _has_files(media_root):
                raise BackupError(
                    f"the media folder {media_root} already holds files: restore into an empty one, or give "
                    "--replace to replace them"
                )
        media_root.parent.mkdir(parents=True, exist_ok=True)
        needed = sum(entry["size"] for entry in manifest["files"])
        free = shutil.disk_usage(media_root.parent).free
        if needed > free:
            raise BackupError(
                f"not enough free space in {media_root.parent} for the backup's files: "
                f"{_human_bytes(needed)} needed, {_human_bytes(free)} free"
            )
        staging = Path(tempfile.mkdtemp(prefix=f".{media_root.name}-restoring-", dir=media_root.parent))
        set_aside: Path | None = None
        swapped = False
        try:
            file_bytes = _extract_media(archive, manifest, staging)
            rows = 0
            with transaction.atomic(using=alias):
                connection = connections[alias]
                tables = [model._meta.db_table for model in selected]
                connection.ops.execute_sql_flush(
                    connection.ops.sql_flush(no_style(), tables, reset_sequences=False)
                )
                for table, model in zip(manifest["tables"], selected, strict=True):
                    loaded = _load_table(archive, table, model, alias)
                    if loaded != table["rows"]:
                        raise BackupError(
                            f"the backup is damaged: {table['model']} has {loaded} rows, its manifest says "
                            f"{table['rows']}"
                        )
                    rows += loaded
                _reset_sequences(selected, alias)
                try:
                    connection.check_constraints()
                except IntegrityError as exc:
                    raise BackupError(f"the backup's data is inconsistent: {exc}") from None
                # Swap the folders last, so the database commit is the only step that can still fail.
                if media_root.exists():
                    set_aside = Path(
                        tempfile.mkdtemp(prefix=f".{media_root.name}-replaced-", dir=media_root.parent)
                    )
                    set_aside.rmdir()
                    media_root.rename(set_aside)
                swapped = True  # from here on MEDIA_ROOT may hold the restored files
                staging.rename(media_root)
        except BaseException:
            if swapped:
                shutil.rmtree(media_root, ignore_errors=True)
            if set_aside is not None and set_aside.exists() and not media_root.exists():
                set_aside.rename(media_root)
            shutil.rmtree(staging, ignore_errors=True)
            raise
        if set_aside is not None:
            shutil.rmtree(set_aside, ignore_errors=True)
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()  # the ids this process cached may name other types now
    return Summary(
        path=path,
        tables=len(selected),
        rows=rows,
        files=len(manifest["files"]),
        file_bytes=file_bytes,
        seconds=time.monotonic() - started,
        created_at=str(manifest.get("created_at", "")),
        vendor=str(manifest.get("database_vendor", "")),
    )


def _human_bytes(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:,.0f} {unit}" if unit == "bytes" else f"{value:,.1f} {unit}"
        value /= 1024
    return f"{size} bytes"  # pragma: no cover


def one_line(message: str) -> str:
    """A message on one line, however many lines a database driver's error had."""
    return " ".join(message.split())
