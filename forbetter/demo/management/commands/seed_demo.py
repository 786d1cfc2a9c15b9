import importlib
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from forbetter.core.areas import areas
from forbetter.demo.partnerships import reconcile_tasks, seed_partnerships
from forbetter.demo.people import DEMO_PASSWORD, USERS, seed_people
from forbetter.framework.loader import load_framework


def area_seeders() -> list[str]:
    """The demo modules the areas declare (``Area.demo``), in ``INSTALLED_APPS`` order. Each exposes
    ``seed(people, partnerships_by_name)`` and must be idempotent."""
    return [area.demo for area in areas() if area.demo]


class Command(BaseCommand):
    help = (
        "Seed the fictional demo organisations, users and partnerships. "
        "Safe to run again: nothing is duplicated."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            load_framework()
            people = seed_people()
            partnerships = seed_partnerships(people)
            by_name = {partnership.name: partnership for partnership in partnerships}
            for module in area_seeders():
                importlib.import_module(module).seed(people, by_name)
            # Last, so task statuses agree with every area's records.
            reconcile_tasks(people, partnerships)
        self.stdout.write(
            f"Demo ready: {len(partnerships)} partnerships. "
            f"Sign in with any of these (password {DEMO_PASSWORD}):"
        )
        for person in USERS[:5]:
            self.stdout.write(f"  {person.email:32} {person.role}")
