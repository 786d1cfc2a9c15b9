"""Field-level change history of any record kept by django-simple-history, ready for a page.

Each entry says who changed the record, when, and for every field that changed its old and new value
in words (choice labels, related record names), not database ids.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import models

HISTORY_TYPES = {"+": "Created", "~": "Changed", "-": "Deleted"}
HIDDEN_FIELDS = {"id", "updated_at", "created_at", "password", "last_login"}


@dataclass
class FieldChange:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: dt.datetime
    who: str
    kind: str
    changes: list[FieldChange] = field(default_factory=list)
    reason: str = ""


def _display(model_field: Any, value: Any, names: dict[tuple[Any, Any], str]) -> str:
    if value in (None, ""):
        return "(blank)"
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        return names.get((model_field.related_model, value), f"record {value}")
    if isinstance(value, list):  # many-to-many: list of through-row dicts
        labels = []
        for row in value:
            target = [v for k, v in row.items() if k not in ("id", "m2m_history_id", "history")]
            labels.append(", ".join(str(names.get(("m2m", v), v)) for v in target[-1:]))
        return "; ".join(sorted(labels)) or "(none)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def history_of(instance: models.Model, *, limit: int = 200) -> list[HistoryEntry]:
    """The record's history, newest first, in a bounded number of queries."""
    model = type(instance)
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]  # type: ignore[attr-defined]
    )
    fields = {f.name: f for f in model._meta.get_fields() if hasattr(f, "attname")}
    pairs = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        delta = record.diff_against(previous) if previous is not None and record.history_type == "~" else None
        pairs.append((record, delta))

    names = _resolve_names(model, fields, pairs)
    entries = []
    for record, delta in pairs:
        user = record.history_user
        entry = HistoryEntry(
            when=record.history_date,
            who=(user.get_full_name() or user.email) if user else "System",
            kind=HISTORY_TYPES.get(record.history_type, record.history_type),
            reason=record.history_change_reason or "",
        )
        if delta is not None:
            for change in delta.changes:
                if change.field in HIDDEN_FIELDS:
                    continue
                model_field = fields.get(change.field)
                label = str(getattr(model_field, "verbose_name", change.field)).capitalize()
                entry.changes.append(
                    FieldChange(
                        label,
                        _display(model_field, change.old, names),
                        _display(model_field, change.new, names),
                    )
                )
            if not entry.changes:
                continue
        entries.append(entry)
    return entries


def _resolve_names(
    model: type[models.Model], fields: dict[str, Any], pairs: list[tuple[Any, Any]]
) -> dict[tuple[Any, Any], str]:
    """Names of the related records mentioned in the changes: one query per related model."""
    wanted: dict[Any, set[Any]] = {}
    m2m_targets: dict[Any, set[Any]] = {}
    for _record, delta in pairs:
        if delta is None:
            continue
        for change in delta.changes:
            model_field = fields.get(change.field)
            if isinstance(model_field, models.ForeignKey):
                wanted.setdefault(model_field.related_model, set()).update(
                    v for v in (change.old, change.new) if v not in (None, "")
                )
            elif isinstance(model_field, models.ManyToManyField):
                for rows in (change.old, change.new):
                    for row in rows or []:
                        m2m_targets.setdefault(model_field.related_model, set()).update(
                            list(row.values())[-1:]
                        )
    names: dict[tuple[Any, Any], str] = {}
    for related, pks in wanted.items():
        for obj in related._default_manager.filter(pk__in=pks):
            names[(related, obj.pk)] = str(obj)
    for related, pks in m2m_targets.items():
        for obj in related._default_manager.filter(pk__in=pks):
            names[("m2m", obj.pk)] = str(obj)
    return names
