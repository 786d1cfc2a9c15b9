"""Field-level change history of any record kept by django-simple-history, ready for a page.

Each entry says who changed the record, when, and for every field that changed its old and new value in
words: the field's label (not its database name), choice labels and related records' names (not ids), money
as pounds with thousands separators, fractions as percentages, dates in words, and an uploaded file's name
rather than where it is stored. An empty value reads "blank".

Pages that partner users can read pass ``hidden_fields`` so that council-only fields never appear, not even
as "changed". Entries about related records (evidence linked to a task, say) are built by the caller as
:class:`HistoryEntry` objects and merged with :func:`merge_histories`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from simple_history.models import ModelChange

from forbetter.core.templatetags.govuk import plain_number

HISTORY_TYPES = {"+": "Created", "~": "Changed", "-": "Deleted"}
HIDDEN_FIELDS = {"id", "edit_version", "updated_at", "created_at", "recorded_at", "password", "last_login"}
BLANK = "blank"


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


def field_label(model_field: Any, name: str) -> str:
    """The field's label in words: its verbose name, without a unit suffix such as 'gbp'.

    >>> field_label(None, "risk_adjustment_gbp")
    'Risk adjustment'
    """
    label = str(getattr(model_field, "verbose_name", name)).replace("_", " ").strip()
    for suffix in (" gbp", " GBP"):
        if label.endswith(suffix):
            label = label[: -len(suffix)]
    return label[:1].upper() + label[1:]


def money(value: Decimal | float | int) -> str:
    """Pounds with thousands separators; pence only when there are any; a minus sign before the £.

    >>> money(Decimal("3200000.00")), money(Decimal("-12.5")), money(Decimal("-0.00"))
    ('£3,200,000', '−£12.50', '£0')
    """
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    if amount == 0:
        return "£0"
    sign = "−" if amount < 0 else ""
    amount = abs(amount)
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{sign}£{text}"


def _is_money(model_field: Any) -> bool:
    name = getattr(model_field, "name", "")
    return isinstance(model_field, models.DecimalField) and (name.endswith("_gbp") or "_gbp_" in name)


def _is_fraction(model_field: Any) -> bool:
    """Fractions shown as percentages: fields limited to 1, or stored with the project's fraction shape
    (5 digits, 4 places: shares, rates, caps, optimism bias bounds up to 200%). Correlations are not
    percentages."""
    if not isinstance(model_field, models.DecimalField) or "correlation" in model_field.name:
        return False
    if (model_field.max_digits, model_field.decimal_places) == (5, 4):
        return True
    return any(isinstance(v, MaxValueValidator) and v.limit_value == 1 for v in model_field.validators)


def _percent(value: Decimal | float) -> str:
    return f"{plain_number(Decimal(str(value)) * 100)}%"


def _date_in_words(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def display_value(model_field: Any, value: Any, names: dict[tuple[Any, Any], str] | None = None) -> str:
    """One stored value as a person would say it (see the module docstring)."""
    names = names or {}
    if value is None or value == "" or (isinstance(value, FieldFile) and not value):
        return BLANK
    if model_field is not None and getattr(model_field, "choices", None):
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        return names.get((model_field.related_model, value), "a record since removed")
    if isinstance(model_field, models.ManyToManyField):
        related = model_field.related_model
        labels = sorted(
            names.get((related, row.get(_m2m_target_key(model_field))), "a record since removed")
            for row in value or []
        )
        return ", ".join(labels) or "none"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(model_field, models.FileField) or isinstance(value, FieldFile):
        return os.path.basename(str(getattr(value, "name", value)))
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{_date_in_words(local)} at {local:%H:%M}"
    if isinstance(value, dt.date):
        return _date_in_words(value)
    if isinstance(value, Decimal | float) or (isinstance(value, int) and abs(value) >= 10000):
        if _is_money(model_field):
            return money(value)
        if _is_fraction(model_field):
            return _percent(value)
        return plain_number(value)
    if isinstance(value, list):
        return f"{len(value)} item{'' if len(value) == 1 else 's'}"
    if isinstance(value, dict):
        return "details changed"
    return str(value)


def _m2m_target_key(model_field: Any) -> str:
    """The column of a many-to-many history row that names the related record (not the owner)."""
    through = model_field.remote_field.through
    for through_field in through._meta.get_fields():
        if (
            isinstance(through_field, models.ForeignKey)
            and through_field.related_model is model_field.related_model
            and through_field.name != model_field.model._meta.model_name
        ):
            return str(through_field.name)
    return str(model_field.related_model._meta.model_name)


def history_of(
    instance: models.Model, *, limit: int = 200, hidden_fields: Collection[str] = ()
) -> list[HistoryEntry]:
    """The record's history, newest first, in a bounded number of queries.

    ``hidden_fields`` are left out entirely (a change to only those fields leaves no entry), so a page a
    partner user reads never hints at a council-only note.
    """
    records = list(_history_rows(instance)[: limit + 1])
    return _entries(
        instance, records[:limit], records[limit] if len(records) > limit else None, hidden_fields
    )


def history_page(instance: models.Model, page_number: Any, *, hidden_fields: Collection[str] = ()) -> Page:
    """A page of the record's history, newest first (``settings.PAGE_SIZE`` changes a page), whose
    ``object_list`` is the entries: however long the history, a page reads its changes, the one change
    before them (to say what the oldest on the page changed) and their related names, in a fixed number of
    queries. The count is of recorded changes; a change only to fields a page leaves out shows no entry.
    """
    rows = _history_rows(instance)
    page = Paginator(rows, settings.PAGE_SIZE).get_page(page_number)
    start, size = max(page.start_index() - 1, 0), page.paginator.per_page
    records = list(rows[start : start + size + 1])
    page.object_list = _entries(
        instance, records[:size], records[size] if len(records) > size else None, hidden_fields
    )
    return page


def _history_rows(instance: models.Model) -> Any:
    return instance.history.select_related("history_user").order_by("-history_date", "-history_id")  # type: ignore[attr-defined]


def _entries(
    instance: models.Model, records: list[Any], before: Any, hidden_fields: Collection[str]
) -> list[HistoryEntry]:
    """Entries for ``records`` (newest first); ``before`` is the record just older than the last of them,
    if any, against which the last one's changes are worked out."""
    model = type(instance)
    m2m_names = [f.name for f in getattr(instance.history.model, "_history_m2m_fields", [])]  # type: ignore[attr-defined]
    compared = [*records, before] if before is not None else records
    m2m_rows = _m2m_rows(compared, m2m_names)
    fields = {f.name: f for f in model._meta.get_fields() if hasattr(f, "attname")}
    hidden = HIDDEN_FIELDS | set(hidden_fields)
    pairs = []
    for index, record in enumerate(records):
        previous = compared[index + 1] if index + 1 < len(compared) else None
        delta = None
        if previous is not None and record.history_type == "~":
            # Many-to-many changes are compared from the prefetched rows: one query per field for the
            # whole page, not two per entry (DESIGN section 7: a fixed query count).
            delta = record.diff_against(previous, excluded_fields=m2m_names)
            delta.changes.extend(_m2m_changes(m2m_rows, record, previous, m2m_names))
        pairs.append((record, delta))

    names = _resolve_names(fields, pairs)
    uploaded_names = _uploaded_name_fields(fields)
    hidden |= set(uploaded_names.values())
    entries = []
    for record, delta in pairs:
        entry = HistoryEntry(
            when=record.history_date,
            who=_who(record.history_user),
            kind=HISTORY_TYPES.get(record.history_type, record.history_type),
            reason=record.history_change_reason or "",
        )
        if delta is not None:
            for change in delta.changes:
                if change.field in hidden:
                    continue
                model_field = fields.get(change.field)
                old = display_value(model_field, change.old, names)
                new = display_value(model_field, change.new, names)
                if change.field in uploaded_names:
                    old, new = _uploaded_names(delta, uploaded_names[change.field], old, new)
                entry.changes.append(FieldChange(field_label(model_field, change.field), old, new))
            if not entry.changes:
                continue
        entries.append(entry)
    return entries


def _m2m_rows(records: list[Any], names: list[str]) -> dict[tuple[str, Any], list[dict[str, Any]]]:
    """Each history record's many-to-many rows, keyed by (field, history id), as django-simple-history's
    diff gives them (the through fields other than its own keys, sorted): one query per field."""
    found: dict[tuple[str, Any], list[dict[str, Any]]] = {}
    if not records:
        return found
    for name in names:
        m2m_model = getattr(records[0], name).model
        through_fields = [
            f
            for f in m2m_model._meta.fields
            if f.editable and f.name not in ("id", "m2m_history_id", "history")
        ]
        for row in m2m_model.objects.filter(history_id__in=[r.pk for r in records]):
            found.setdefault((name, row.history_id), []).append(
                {f.name: getattr(row, f.attname) for f in through_fields}
            )
    for rows in found.values():
        rows.sort(key=lambda row: sorted((k, str(v)) for k, v in row.items()))
    return found


def _m2m_changes(
    rows: dict[tuple[str, Any], list[dict[str, Any]]], record: Any, previous: Any, names: list[str]
) -> list[ModelChange]:
    changes = []
    for name in names:
        old, new = rows.get((name, previous.pk), []), rows.get((name, record.pk), [])
        if old != new:
            changes.append(ModelChange(name, old, new))
    return changes


def _uploaded_name_fields(fields: dict[str, Any]) -> dict[str, str]:
    """File fields whose model also keeps the name the file was uploaded under (``evidence_file`` and
    ``evidence_name``): the history shows that name, never the random stored path."""
    found = {}
    for name, model_field in fields.items():
        if isinstance(model_field, models.FileField):
            sibling = f"{name.removesuffix('_file')}_name"
            if sibling in fields:
                found[name] = sibling
    return found


def _uploaded_names(delta: Any, name_field: str, old: str, new: str) -> tuple[str, str]:
    old_name = getattr(delta.old_record, name_field, "") or (old if old == BLANK else "")
    new_name = getattr(delta.new_record, name_field, "") or (new if new == BLANK else "")
    old_name = old_name or "a file"
    new_name = new_name or "a file"
    if old_name == new_name and new_name != BLANK:
        new_name = f"{new_name} (uploaded again)"
    return old_name, new_name


def _who(user: Any) -> str:
    return (user.get_full_name() or user.email) if user else "System"


def entry_for(historical: Any, kind: str, reason: str = "") -> HistoryEntry:
    """An entry about a related record (evidence linked, a plan item removed...) from its history row."""
    return HistoryEntry(
        when=historical.history_date, who=_who(historical.history_user), kind=kind, reason=reason
    )


def merge_histories(*histories: Iterable[HistoryEntry]) -> list[HistoryEntry]:
    """Entries of several histories as one, newest first."""
    merged = [entry for history in histories for entry in history]
    merged.sort(key=lambda entry: entry.when, reverse=True)
    return merged


def _resolve_names(fields: dict[str, Any], pairs: list[tuple[Any, Any]]) -> dict[tuple[Any, Any], str]:
    """Names of the related records mentioned in the changes: one query per related model.

    Names are keyed by (model, primary key), so a council and a service area that share a primary key are
    never confused.
    """
    wanted: dict[Any, set[Any]] = {}
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
                key = _m2m_target_key(model_field)
                for rows in (change.old, change.new):
                    wanted.setdefault(model_field.related_model, set()).update(
                        row.get(key) for row in rows or []
                    )
    names: dict[tuple[Any, Any], str] = {}
    for related, pks in wanted.items():
        for obj in related._default_manager.filter(pk__in=pks):
            names[(related, obj.pk)] = str(obj)
    return names


def save_as(instance: models.Model, user: Any, reason: str = "") -> None:
    """Save ``instance`` with its history row naming ``user`` and, if given, the ``reason`` for the change
    (shortened to the history column by the ``pre_create_historical_record`` receiver in ``core/apps.py``)."""
    instance._history_user = user  # type: ignore[attr-defined]
    if reason:
        instance._change_reason = reason  # type: ignore[attr-defined]
    instance.save()
