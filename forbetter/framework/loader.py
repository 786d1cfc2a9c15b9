"""Load the framework fixture into the database, idempotently.

Used by the ``load_framework`` management command and by a data migration, so a fresh database always holds
the framework. Records are matched on their natural keys (stage and theme keys, reference numbers, action
codes) and updated in place, so reloading never duplicates or orphans a partnership's task list.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

FIXTURE = "framework-v1.json"


@dataclass(frozen=True)
class LoadSummary:
    version: str
    stages: int
    themes: int
    references: int
    actions: int


def read_fixture(name: str = FIXTURE) -> dict[str, Any]:
    """The fixture as a dict, read from the package's data folder."""
    text = resources.files("forbetter.framework.data").joinpath(name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@functools.cache
def _fixture_version_and_action_count(name: str = FIXTURE) -> tuple[str, int]:
    data = read_fixture(name)
    return data["version"], len(data["actions"])


def ensure_framework() -> bool:
    """Load the fixture only if the database does not hold it yet; returns whether it loaded.

    Two queries when the framework is there: the fixture's version is recorded and the database has as many
    actions as the fixture (a flushed or half-loaded database has fewer). Use ``load_framework`` to apply a
    changed fixture of the same version.
    """
    from forbetter.framework.models import Action, FrameworkVersion

    version, action_count = _fixture_version_and_action_count()
    if FrameworkVersion.objects.filter(version=version).exists() and Action.objects.count() == action_count:
        return False
    load_framework()
    return True


def load_framework(apps: Any = None, data: dict[str, Any] | None = None) -> LoadSummary:
    """Upsert the fixture. ``apps`` is the migration app registry when called from a migration."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    data = data or read_fixture()
    version_model = apps.get_model("framework", "FrameworkVersion")
    stage_model = apps.get_model("framework", "Stage")
    theme_model = apps.get_model("framework", "Theme")
    reference_model = apps.get_model("framework", "Reference")
    action_model = apps.get_model("framework", "Action")

    version_model.objects.update_or_create(version=data["version"], defaults={"source": data["source"]})
    stages = {}
    for row in data["stages"]:
        stages[row["key"]], _ = stage_model.objects.update_or_create(
            key=row["key"], defaults={k: v for k, v in row.items() if k != "key"}
        )
    themes = {}
    for row in data["themes"]:
        themes[row["key"]], _ = theme_model.objects.update_or_create(
            key=row["key"], defaults={k: v for k, v in row.items() if k != "key"}
        )
    references = {}
    for row in data["references"]:
        references[row["number"]], _ = reference_model.objects.update_or_create(
            number=row["number"], defaults={k: v for k, v in row.items() if k != "number"}
        )
    for row in data["actions"]:
        action, _ = action_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "stage": stages[row["stage"]],
                "theme": themes[row["theme"]],
                "order": row["order"],
                "title": row["title"],
                "guidance": row["guidance"],
                "source_text": row["source_text"],
                "evidence_kinds": row["evidence_kinds"],
            },
        )
        action.references.set([references[number] for number in row["references"]])
    return LoadSummary(
        version=data["version"],
        stages=len(stages),
        themes=len(themes),
        references=len(references),
        actions=len(data["actions"]),
    )
