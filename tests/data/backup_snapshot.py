"""A fingerprint of a whole ForBetter database and media folder, compared before a backup and after a restore.

Per table: the row count and a SHA-256 of every row read through the ORM in primary-key order (so the same
data gives the same fingerprint on SQLite and PostgreSQL); keys to content types and permissions are also
compared by their natural keys, so a restore that kept the ids but changed what they name is caught. Per file
under MEDIA_ROOT: its SHA-256.

It reads the database itself rather than the backup's own files, so a value the backup writes wrongly shows
up as a difference. Run as ``python -m tests.data.backup_snapshot`` it prints the fingerprint of the database
that ``DATABASE_URL`` names, as JSON (the cross-database test runs it in a subprocess).
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import os
from pathlib import Path
from typing import Any

SKIPPED_TABLES = frozenset({"django_migrations"})


def _natural_key_maps() -> dict[str, dict[Any, tuple[str, ...]]]:
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    return {
        "contenttypes.contenttype": {ct.pk: ct.natural_key() for ct in ContentType.objects.all()},
        "auth.permission": {
            permission.pk: permission.natural_key()
            for permission in Permission.objects.select_related("content_type")
        },
    }


def _plain(value: Any) -> Any:
    """The same text for the same value whichever database driver read it."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date | dt.time | dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return f"D{value}"
    if isinstance(value, memoryview | bytearray):
        return bytes(value)
    return value


def table_fingerprints() -> dict[str, tuple[int, str]]:
    """{db_table: (rows, sha256)} for every table the database holds, except Django's migration record."""
    from django.apps import apps
    from django.db import connection

    maps = _natural_key_maps()
    by_table: dict[str, Any] = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped:
            by_table.setdefault(model._meta.db_table, model)
    result: dict[str, tuple[int, str]] = {}
    for table in sorted(connection.introspection.table_names()):
        if table in SKIPPED_TABLES:
            continue
        model = by_table[table]  # a KeyError here is a table no installed model owns: fail loudly
        fields = list(model._meta.concrete_fields)
        mapped = [
            maps.get(field.related_model._meta.label_lower) if field.is_relation else None for field in fields
        ]
        digest = hashlib.sha256()
        rows = 0
        queryset = model._base_manager.order_by("pk").values_list(*[field.attname for field in fields])
        for values in queryset.iterator(chunk_size=2000):
            row = [
                _plain(value) if lookup is None or value is None else lookup[value]
                for lookup, value in zip(mapped, values, strict=True)
            ]
            digest.update(repr(row).encode())
            digest.update(b"\n")
            rows += 1
        result[table] = (rows, digest.hexdigest())
    return result


def file_fingerprints(media_root: Path) -> dict[str, str]:
    """{path relative to MEDIA_ROOT: sha256} for every file under it."""
    if not media_root.is_dir():
        return {}
    return {
        path.relative_to(media_root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(media_root.rglob("*"))
        if path.is_file()
    }


def snapshot(media_root: Path) -> dict[str, Any]:
    return {"tables": table_fingerprints(), "files": file_fingerprints(media_root)}


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forbetter.settings")
    import django
    from django.conf import settings

    django.setup()
    print(json.dumps(snapshot(Path(settings.MEDIA_ROOT))))
