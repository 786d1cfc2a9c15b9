from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from forbetter.framework.loader import load_framework


class Command(BaseCommand):
    help = "Load (or reload) the framework's stages, themes, actions and references from the fixture."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            summary = load_framework()
        self.stdout.write(
            f"Framework version {summary.version}: {summary.stages} stages, {summary.themes} themes, "
            f"{summary.actions} actions, {summary.references} references."
        )
