"""``manage.py restore FILE [--replace]``: load a backup made by ``manage.py backup``, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from forbetter.core.backup import BackupError, one_line, restore


class Command(BaseCommand):
    help = (
        "Restore a backup archive into this database and MEDIA_ROOT. Refuses a database that holds data "
        "unless --replace is given; with --replace everything is replaced in one transaction."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the archive written by `manage.py backup`")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="replace all the data and files already there (all or nothing)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = restore(options["file"], replace=options["replace"])
        except BackupError as exc:
            raise CommandError(one_line(str(exc)), returncode=2) from exc
        except (DatabaseError, OSError) as exc:
            message = f"the restore failed and nothing was changed: {type(exc).__name__}: {exc}"
            raise CommandError(one_line(message), returncode=2) from exc
        self.stdout.write(summary.describe("Restored"))
