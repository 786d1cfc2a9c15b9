"""Writes of the imports area: keeping an uploaded file's rows for a dry run, confirming it (every record
written in one transaction, or none) and abandoning it.

A file that cannot be read, or whose header row is not the template's, is refused before anything is kept.
Confirming checks every row again against the database as it is then; one bad row and nothing is written.
Each record written is saved with :func:`forbetter.core.history.save_as` and the reason "Imported from FILE
(batch N)", so its history says where the change came from.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from forbetter.accounts.permissions import can_see_confidential
from forbetter.imports.kinds import KINDS, DryRun, ImportKind, header_errors, stored_rows
from forbetter.imports.models import BatchStatus, ImportBatch
from forbetter.imports.reader import ImportFileError, Limits, read_upload
from forbetter.partnerships.models import Partnership


def kind_for(key: str) -> ImportKind:
    try:
        return KINDS[key]
    except KeyError:
        raise ValidationError({"kind": "Choose what the file holds"}) from None


def _require(kind: ImportKind, user: Any, partnership: Partnership) -> None:
    if not kind.may_import(user, partnership):
        raise PermissionDenied(f"Your role cannot import {kind.label.lower()}")


def batch_upload(
    *,
    user: Any,
    partnership: Partnership,
    kind: str,
    file_name: str,
    size: int,
    chunks: Iterable[bytes],
    limits: Limits | None = None,
    version: Any = None,
) -> ImportBatch:
    """Read the file and keep its rows for a dry run. A file that cannot be read or is not the template is
    refused with one message (``ValidationError`` on ``file``) and nothing is kept."""
    found = kind_for(kind)
    _require(found, user, partnership)
    if found.needs_version and version is None:
        raise ValidationError({"version": "Choose the draft business-case version the file goes into"})
    try:
        table = read_upload(file_name, size, chunks, limits or Limits.from_settings())
    except ImportFileError as error:
        raise ValidationError({"file": str(error)}) from None
    council = can_see_confidential(user)
    problems = header_errors(found, table.headers, council=council)
    if problems:
        raise ValidationError({"file": problems})
    if table.formula_cells:
        headers = table.headers
        raise ValidationError(
            {
                "file": [
                    f"Row {number}, {headers[index] if index < len(headers) else f'column {index + 1}'}: "
                    "holds a formula with no saved result; type the value instead, or open the file in a "
                    "spreadsheet, save it and upload it again"
                    for number, index in table.formula_cells[:20]
                ]
            }
        )
    if not table.rows:
        raise ValidationError({"file": "The file has its header row but no rows of data"})
    batch = ImportBatch(
        partnership=partnership,
        kind=found.key,
        uploaded_by=user,
        file_name=file_name[:200],
        rows=stored_rows(found, table.headers, table.rows, council=council),
        version=version if found.needs_version else None,
    )
    with transaction.atomic():
        batch.summary = found.dry_run(
            partnership=partnership, user=user, rows=batch.rows, version=batch.version
        ).summary()
        batch.save()
    return batch


def batch_check(*, user: Any, batch: ImportBatch) -> DryRun:
    """The batch's dry run against the database as it is now (writes nothing)."""
    return kind_for(batch.kind).dry_run(
        partnership=batch.partnership, user=user, rows=batch.rows, version=batch.version
    )


@transaction.atomic
def batch_confirm(*, user: Any, batch: ImportBatch) -> DryRun:
    """Write every record of the batch, or none: the rows are checked again first, and any error leaves the
    records as they were (the dry run returned says why). The batch keeps the summary of this last check."""
    kind = kind_for(batch.kind)
    _require(kind, user, batch.partnership)
    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.status != BatchStatus.DRY_RUN:
        raise ValidationError(f"This file was already {locked.get_status_display().lower()}")
    result = kind.dry_run(partnership=batch.partnership, user=user, rows=locked.rows, version=locked.version)
    if result.valid:
        try:
            with transaction.atomic():
                kind.save_all(result.rows, partnership=batch.partnership, user=user, reason=locked.reason)
        except ValidationError as error:  # a rule the dry run could not see; nothing of the batch is kept
            result.rows[0].errors.extend(f"Not imported: {message}" for message in error.messages)
        else:
            locked.status = BatchStatus.CONFIRMED
            locked.confirmed_at = timezone.now()
    locked.summary = result.summary()
    locked.save()
    batch.refresh_from_db()
    return result


@transaction.atomic
def batch_abandon(*, user: Any, batch: ImportBatch) -> ImportBatch:
    _require(kind_for(batch.kind), user, batch.partnership)
    if batch.status != BatchStatus.DRY_RUN:
        raise ValidationError(f"This file was already {batch.get_status_display().lower()}")
    batch.status = BatchStatus.ABANDONED
    batch.save(update_fields=["status"])
    return batch
