"""``manage.py backup FILE``: the whole database and every uploaded file, in one zip archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from forbetter.core.backup import BackupError, backup, one_line


class Command(BaseCommand):
    help = (
        "Write every table of the database and every file under MEDIA_ROOT to a new backup archive. "
        "Restore it with `manage.py restore FILE`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the archive to write (a new file; refused if it exists)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = backup(options["file"])
        except BackupError as exc:
            raise CommandError(one_line(str(exc)), returncode=2) from exc
        except (DatabaseError, OSError) as exc:
            message = f"the backup failed and no archive was written: {type(exc).__name__}: {exc}"
            raise CommandError(one_line(message), returncode=2) from exc
        self.stdout.write(summary.describe("Backed up"))
        if summary.missing_files:
            self.stderr.write(
                f"Warning: {len(summary.missing_files)} files that records name are not in the media folder "
                f"(first: {summary.missing_files[0]}); the backup holds the records without them."
            )
