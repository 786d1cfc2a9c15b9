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

from django.db.models import Model, Q

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


def _stored(obj: Any, name: str, value: Any) -> Any:
    """The object's value for a field, a related object compared by its id so it costs no query."""
    if isinstance(value, Model):
        return value if getattr(obj, f"{name}_id") == value.pk else None
    return getattr(obj, name)


def _upsert(model: Any, key: str, rows: list[dict[str, Any]]) -> dict[Any, Any]:
    """Create the rows not in the table (in the fixture's order) and update those that differ, in bulk.

    Returns every row's object by its natural key. Three queries at most whatever the number of rows.
    """
    existing = {
        getattr(obj, key): obj for obj in model.objects.filter(**{f"{key}__in": [row[key] for row in rows]})
    }
    objects: dict[Any, Any] = {}
    new = []
    changed = []
    fields: set[str] = set()
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            obj = model(**row)
            new.append(obj)
        else:
            differing = [name for name, value in row.items() if _stored(obj, name, value) != value]
            for name in differing:
                setattr(obj, name, row[name])
            if differing:
                changed.append(obj)
                fields.update(differing)
        objects[row[key]] = obj
    if new:
        model.objects.bulk_create(new)
        if any(obj.pk is None for obj in new):  # backends that do not return the new ids
            created = model.objects.filter(**{f"{key}__in": [getattr(obj, key) for obj in new]})
            ids = {getattr(obj, key): obj.pk for obj in created}
            for obj in new:
                obj.pk = ids[getattr(obj, key)]
    if changed:
        model.objects.bulk_update(changed, sorted(fields))
    return objects


def _set_action_references(through: Any, wanted: dict[int, set[int]]) -> None:
    """Make each action's references exactly the wanted ones: one query to read, at most two to write."""
    have: dict[int, set[int]] = {action_id: set() for action_id in wanted}
    for action_id, reference_id in through.objects.filter(action_id__in=wanted).values_list(
        "action_id", "reference_id"
    ):
        have[action_id].add(reference_id)
    stale = [
        (action_id, reference_id)
        for action_id, references in have.items()
        for reference_id in references - wanted[action_id]
    ]
    if stale:
        condition = Q()
        for action_id, reference_id in stale:
            condition |= Q(action_id=action_id, reference_id=reference_id)
        through.objects.filter(condition).delete()
    through.objects.bulk_create(
        [
            through(action_id=action_id, reference_id=reference_id)
            for action_id, references in wanted.items()
            for reference_id in sorted(references - have[action_id])
        ]
    )


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
    stages = _upsert(stage_model, "key", data["stages"])
    themes = _upsert(theme_model, "key", data["themes"])
    references = _upsert(reference_model, "number", data["references"])
    actions = _upsert(
        action_model,
        "code",
        [
            {
                "code": row["code"],
                "stage": stages[row["stage"]],
                "theme": themes[row["theme"]],
                "order": row["order"],
                "title": row["title"],
                "guidance": row["guidance"],
                "source_text": row["source_text"],
                "evidence_kinds": row["evidence_kinds"],
            }
            for row in data["actions"]
        ],
    )
    _set_action_references(
        action_model.references.through,
        {
            actions[row["code"]].pk: {references[number].pk for number in row["references"]}
            for row in data["actions"]
        },
    )
    return LoadSummary(
        version=data["version"],
        stages=len(stages),
        themes=len(themes),
        references=len(references),
        actions=len(data["actions"]),
    )
