"""The tamper-evident audit chain: hashing history rows as they are written, and checking them later.

Every history row django-simple-history writes (one at a time, in bulk, or many-to-many rows) gets an
:class:`~forbetter.core.models.AuditChainLink` in the same transaction holding the SHA-256 hash of the row's
canonical content (:func:`content_hash`). That costs one INSERT and takes no lock, so two requests saving at
once never wait on each other or deadlock. When the transaction commits, :func:`extend_chain` numbers the
new links and chains them: each link's hash is ``H(previous link's hash, number, table, row id, field list,
content hash)``; the chain's last link is kept in ``AuditChainHead``, whose row is locked while the chain is
extended so two extensions never fork it.

:func:`verify_audit` walks the chain and every history table and says in plain English what does not fit:
a history row edited, deleted or inserted outside the app, and a chain broken, cut short or reordered.

The canonical content of a row is the same whether it is computed from the values just written or read back
later from SQLite or PostgreSQL: decimals are rounded as the database rounds them (and, as SQLite keeps
them, to 15 significant digits), date-times are in UTC with microseconds, a file field is its stored name,
JSON has sorted keys, and an empty value is ``null``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, connections, models, router, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64
"""The 'previous hash' of the chain's first entry."""
HEAD_ID = 1
HISTORY_KEYS = ("history_id", "m2m_history_id")
"""Primary keys of django-simple-history's history tables and of its many-to-many history tables."""
SQLITE_DIGITS = 15
"""SQLite keeps a decimal as a REAL: 15 significant digits survive, so hashes use no more than that."""
_WIDE = decimal.Context(prec=100)
_SQLITE_ROUNDING = decimal.Context(prec=SQLITE_DIGITS, rounding=decimal.ROUND_HALF_EVEN)


# ---------------------------------------------------------------------------------------------------------
# Canonical content
# ---------------------------------------------------------------------------------------------------------


def is_history_model(model: type[models.Model]) -> bool:
    """True for django-simple-history's history tables (and its many-to-many history tables)."""
    return model._meta.pk is not None and model._meta.pk.attname in HISTORY_KEYS


def history_models(registry: Any = global_apps) -> list[type[models.Model]]:
    """Every history model of the project, sorted by label."""
    found = [m for m in registry.get_models() if is_history_model(m)]
    return sorted(found, key=lambda m: m._meta.label)


def field_names(model: type[models.Model]) -> tuple[str, ...]:
    """The database attribute names a history row's hash covers: all its columns, sorted (so the order in
    which migrations added them does not matter)."""
    return tuple(sorted(f.attname for f in model._meta.concrete_fields))


def field_list_code(label: str, names: Sequence[str]) -> str:
    """A short code naming one table's list of hashed fields; it changes if the label or a name does.

    >>> field_list_code("risks.HistoricalRisk", ["history_id", "id", "title"])
    '724e7ddbde9396aa'
    """
    return hashlib.sha256(f"{label}\n{','.join(names)}".encode()).hexdigest()[:16]


def _canonical_json(value: Any) -> Any:
    """JSON values with integral floats as integers, because PostgreSQL's jsonb gives 1e16 back as 10^16."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_canonical_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _canonical_json(v) for k, v in value.items()}
    return value


def _canonical_decimal(model_field: models.DecimalField, value: Any, vendor: str) -> str:
    number = model_field.to_python(value)
    assert isinstance(number, decimal.Decimal)
    places = decimal.Decimal(1).scaleb(-(model_field.decimal_places or 0))
    if vendor == "sqlite":
        # As Django reads it back: a float to 15 digits, then quantized half-even.
        number = _SQLITE_ROUNDING.plus(number).quantize(
            places, rounding=decimal.ROUND_HALF_EVEN, context=_WIDE
        )
    else:
        # PostgreSQL's numeric(p, s) rounds half away from zero.
        number = number.quantize(places, rounding=decimal.ROUND_HALF_UP, context=_WIDE)
    number = _SQLITE_ROUNDING.plus(number).quantize(places, context=_WIDE)
    if number == 0:
        number = abs(number)
    return format(number, "f")


def canonical_value(model_field: models.Field[Any, Any], value: Any, vendor: str) -> Any:
    """One column's value as a JSON value that is the same before it is written and after it is read back.

    >>> money = models.DecimalField(max_digits=6, decimal_places=2)
    >>> canonical_value(money, decimal.Decimal("-0.001"), "postgresql")
    '0.00'
    >>> canonical_value(models.DateTimeField(), dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC), "sqlite")
    '2026-01-02T03:04:00.000000'
    """
    if value is None:
        return None
    if isinstance(model_field, models.ForeignKey):
        return canonical_value(model_field.target_field, value, vendor)
    if isinstance(model_field, models.FileField):
        return str(getattr(value, "name", value) or "")
    if isinstance(model_field, models.JSONField):
        encoded = json.dumps(value, cls=model_field.encoder)
        return json.dumps(_canonical_json(json.loads(encoded)), sort_keys=True, separators=(",", ":"))
    if isinstance(model_field, models.DecimalField):
        return _canonical_decimal(model_field, value, vendor)
    if isinstance(model_field, models.DateTimeField):
        moment = model_field.to_python(value)
        assert isinstance(moment, dt.datetime)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, timezone.get_default_timezone())
        return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    if isinstance(model_field, models.DateField | models.TimeField):
        return model_field.to_python(value).isoformat()
    if isinstance(model_field, models.DurationField):
        return int(model_field.to_python(value) // dt.timedelta(microseconds=1))
    if isinstance(model_field, models.BooleanField):
        return bool(value)
    if isinstance(model_field, models.IntegerField | models.AutoField):
        return int(value)
    if isinstance(model_field, models.FloatField):
        return float(value)
    if isinstance(model_field, models.UUIDField):
        return str(model_field.to_python(value))
    return str(value)


def content_hash(canonical_values: Sequence[Any]) -> str:
    """SHA-256 of a row's canonical values, in the order of its field list."""
    text = json.dumps(list(canonical_values), separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def link_hash(*, previous: str, sequence: int, label: str, row_id: int, field_list: str, content: str) -> str:
    """The hash of one chain entry, binding it to the entry before it.

    >>> link_hash(previous=GENESIS_HASH, sequence=1, label="x.Y", row_id=1, field_list="a", content="b")[:12]
    'bfc11e295ee4'
    """
    text = f"{previous}\n{sequence}\n{label}\n{row_id}\n{field_list}\n{content}"
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class _TableShape:
    label: str
    names: tuple[str, ...]
    fields: tuple[models.Field[Any, Any], ...]
    code: str


_SHAPES: dict[type[models.Model], _TableShape] = {}


def _shape(model: type[models.Model]) -> _TableShape:
    shape = _SHAPES.get(model)
    if shape is None:
        names = field_names(model)
        by_name = {f.attname: f for f in model._meta.concrete_fields}
        label = model._meta.label
        shape = _TableShape(label, names, tuple(by_name[n] for n in names), field_list_code(label, names))
        _SHAPES[model] = shape
    return shape


def row_hash(model: type[models.Model], row: models.Model, vendor: str) -> str:
    """The content hash of a history row object as it stands in memory (just written)."""
    shape = _shape(model)
    return content_hash([canonical_value(f, getattr(row, f.attname), vendor) for f in shape.fields])


# ---------------------------------------------------------------------------------------------------------
# Writing: one pending link per history row, chained after commit
# ---------------------------------------------------------------------------------------------------------


def register_field_lists(using: str = DEFAULT_DB_ALIAS, registry: Any = global_apps) -> None:
    """Record each history table's current field list (run after every migrate)."""
    field_list = registry.get_model("core", "AuditFieldList")
    rows = []
    for model in history_models(registry):
        names = field_names(model)
        label = model._meta.label
        rows.append(
            field_list(code=field_list_code(label, names), history_model=label, field_names=",".join(names))
        )
    field_list.objects.using(using).bulk_create(rows, ignore_conflicts=True)


def record_history_rows(rows: Sequence[models.Model], using: str | None = None) -> None:
    """Write a pending chain link for each history row just written (same transaction) and arrange for the
    chain to be extended once the transaction commits."""
    if not rows:
        return
    from forbetter.core.models import AuditChainLink

    model = type(rows[0])
    shape = _shape(model)
    alias = using or rows[0]._state.db or router.db_for_write(model)
    vendor = connections[alias].vendor
    links = []
    for row in rows:
        if row.pk is None:
            raise RuntimeError(
                f"{shape.label} rows were written in bulk without their ids, "
                "so the audit chain cannot record them"
            )
        links.append(
            AuditChainLink(
                history_model=shape.label,
                history_row_id=row.pk,
                field_list=shape.code,
                content_hash=row_hash(model, row, vendor),
            )
        )
    AuditChainLink.objects.using(alias).bulk_create(links)
    _extend_after_commit(alias)


class _Extender:
    """The after-commit callback for one database, a single object so it is scheduled once a transaction."""

    def __init__(self, alias: str) -> None:
        self.alias = alias

    def __call__(self) -> None:
        extend_chain(using=self.alias)


_EXTENDERS: dict[str, _Extender] = {}


def _extend_after_commit(alias: str) -> None:
    extender = _EXTENDERS.setdefault(alias, _Extender(alias))
    connection = connections[alias]
    if connection.in_atomic_block:
        # Once a transaction (or savepoint) is enough: the extension chains every pending link.
        level = set(connection.savepoint_ids)
        if any(entry[0] == level and entry[1] is extender for entry in connection.run_on_commit):
            return
    # robust: the history is already committed; a failure to extend is logged and the next commit retries.
    transaction.on_commit(extender, using=alias, robust=True)


def extend_chain(using: str = DEFAULT_DB_ALIAS) -> int:
    """Chain every pending link, oldest first, after the chain's head; return how many were chained.

    The head row is locked first, so a second extension waits and then finds nothing left to chain. Plain
    SQL, because this runs after every commit that wrote history and the ORM's overhead would dominate.
    """
    from forbetter.core.models import AuditChainHead, AuditChainLink

    connection = connections[using]
    quote = connection.ops.quote_name
    head_table, link_table = quote(AuditChainHead._meta.db_table), quote(AuditChainLink._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(f"SELECT sequence, link_hash FROM {head_table} WHERE id = %s{lock}", [HEAD_ID])
        found = cursor.fetchone()
        if found is None:
            cursor.execute(
                f"INSERT INTO {head_table} (id, sequence, link_hash) VALUES (%s, 0, %s)",
                [HEAD_ID, GENESIS_HASH],
            )
            found = (0, GENESIS_HASH)
        sequence, previous = int(found[0]), str(found[1])
        cursor.execute(
            f"SELECT id, history_model, history_row_id, field_list, content_hash FROM {link_table} "
            "WHERE sequence IS NULL ORDER BY id"
        )
        pending = cursor.fetchall()
        if not pending:
            return 0
        updates = []
        for link_id, label, row_id, code, content in pending:
            sequence += 1
            current = link_hash(
                previous=previous,
                sequence=sequence,
                label=label,
                row_id=row_id,
                field_list=code,
                content=content,
            )
            updates.append((sequence, previous, current, link_id))
            previous = current
        cursor.executemany(
            f"UPDATE {link_table} SET sequence = %s, previous_hash = %s, link_hash = %s WHERE id = %s",
            updates,
        )
        cursor.execute(
            f"UPDATE {head_table} SET sequence = %s, link_hash = %s WHERE id = %s",
            [sequence, previous, HEAD_ID],
        )
    return len(pending)


def link_existing_history(registry: Any, using: str) -> int:
    """Start the chain on a database that already has history: link every row, ordered by when it was
    written, then table, then id (used by the migration that adds the chain)."""
    link_model = registry.get_model("core", "AuditChainLink")
    head_model = registry.get_model("core", "AuditChainHead")
    register_field_lists(using, registry)
    vendor = connections[using].vendor
    found: list[tuple[dt.datetime, str, int, str, str]] = []
    for model in history_models(registry):
        label = model._meta.label
        names = field_names(model)
        by_name = {f.attname: f for f in model._meta.concrete_fields}
        code = field_list_code(label, names)
        when = "history_date" if "history_date" in by_name else "history__history_date"
        key = model._meta.pk.attname
        rows = model._default_manager.using(using).values_list(key, when, *names)
        for row_id, written, *values in rows.iterator(chunk_size=2000):
            canonical = [canonical_value(by_name[n], v, vendor) for n, v in zip(names, values, strict=True)]
            found.append((written, label, row_id, code, content_hash(canonical)))
    found.sort()
    previous, links = GENESIS_HASH, []
    for sequence, (_written, label, row_id, code, content) in enumerate(found, start=1):
        current = link_hash(
            previous=previous, sequence=sequence, label=label, row_id=row_id, field_list=code, content=content
        )
        links.append(
            link_model(
                sequence=sequence,
                history_model=label,
                history_row_id=row_id,
                field_list=code,
                content_hash=content,
                previous_hash=previous,
                link_hash=current,
            )
        )
        previous = current
    link_model.objects.using(using).bulk_create(links, batch_size=1000)
    head_model.objects.using(using).update_or_create(
        pk=HEAD_ID, defaults={"sequence": len(links), "link_hash": previous}
    )
    return len(links)


# ---------------------------------------------------------------------------------------------------------
# Checking
# ---------------------------------------------------------------------------------------------------------


@dataclass
class AuditReport:
    """What :func:`verify_audit` found: one plain-English line per problem, and the chain's extent."""

    problems: list[str] = field(default_factory=list)
    entries: int = 0
    tables: int = 0
    pending: int = 0
    head_sequence: int = 0
    head_hash: str = GENESIS_HASH

    @property
    def intact(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        extent = f"{self.entries} entries in {self.tables} tables, chain head {self.head_sequence}"
        extent += f" {self.head_hash}"
        if self.pending:
            extent += f" ({self.pending} newer entries not chained yet)"
        if self.intact:
            return f"Audit log intact: {extent}"
        count = len(self.problems)
        return f"Audit log NOT intact: {count} problem{'' if count == 1 else 's'} found; {extent}"


@dataclass
class _LinkSeen:
    sequence: int | None
    field_list: str
    content_hash: str
    matched: bool = False


def _entry(sequence: int | None) -> str:
    return f"entry {sequence}" if sequence is not None else "a newly written entry not chained yet"


def _row(label: str, row_id: int) -> str:
    return f"{label} row {row_id}"


def verify_audit(
    *,
    expect_head: str | None = None,
    using: str = DEFAULT_DB_ALIAS,
    tables: Sequence[type[models.Model]] | None = None,
) -> AuditReport:
    """Walk the chain and every history table (or only ``tables``) and report what does not fit (see the
    module docstring)."""
    from forbetter.core.models import AuditChainHead, AuditChainLink, AuditFieldList

    report = AuditReport()
    field_lists: dict[str, tuple[str, tuple[str, ...]]] = {}
    for listed in AuditFieldList.objects.using(using).order_by("code"):
        names = tuple(n for n in listed.field_names.split(",") if n)
        if field_list_code(listed.history_model, names) != listed.code:
            report.problems.append(
                f"Edited: the list of fields hashed for {listed.history_model} ({listed.code}) "
                "has been changed."
            )
            continue
        field_lists[listed.code] = (listed.history_model, names)

    links = _check_chain(report, AuditChainLink.objects.using(using), expect_head)
    head = AuditChainHead.objects.using(using).filter(pk=HEAD_ID).first()
    _check_head(report, head)

    vendor = connections[using].vendor
    known_labels = set()
    for model in history_models() if tables is None else tables:
        known_labels.add(model._meta.label)
        report.tables += 1
        _check_table(report, model, links, field_lists, vendor, using)
    for (label, row_id), seen in links.items():
        if seen.matched:
            continue
        if label not in known_labels:
            report.problems.append(
                f"Deleted: {_entry(seen.sequence)} records {_row(label, row_id)}, "
                "but there is no longer a history table of that name."
            )
        else:
            report.problems.append(
                f"Deleted: {_entry(seen.sequence)} records {_row(label, row_id)}, "
                "which is no longer in the database."
            )
    return report


def _check_chain(
    report: AuditReport, links: models.QuerySet[Any], expect_head: str | None
) -> dict[tuple[str, int], _LinkSeen]:
    seen: dict[tuple[str, int], _LinkSeen] = {}
    expected, previous = 1, GENESIS_HASH
    expected_head_found = expect_head is None
    fields = ("sequence", "history_model", "history_row_id", "field_list", "content_hash")
    rows: Iterator[tuple[Any, ...]] = (
        links.order_by(models.F("sequence").asc(nulls_last=True), "id")
        .values_list(*fields, "previous_hash", "link_hash")
        .iterator(chunk_size=5000)
    )
    for sequence, label, row_id, code, content, previous_hash, stored_hash in rows:
        key = (label, row_id)
        if key in seen:
            report.problems.append(
                f"Inserted: {_entry(sequence)} records {_row(label, row_id)} a second time "
                f"(it is already recorded by {_entry(seen[key].sequence)})."
            )
        else:
            seen[key] = _LinkSeen(sequence, code, content)
        if sequence is None:
            report.pending += 1
            continue
        report.entries += 1
        if sequence != expected:
            missing = (
                f"entry {expected}" if sequence == expected + 1 else f"entries {expected} to {sequence - 1}"
            )
            report.problems.append(
                f"Chain broken: {missing} of the chain {'is' if sequence == expected + 1 else 'are'} missing."
            )
        elif previous_hash != previous:
            report.problems.append(
                f"Chain broken: entry {sequence} does not follow entry {sequence - 1} (the previous hash it "
                "records differs), so entries were removed, inserted or reordered here."
            )
        recomputed = link_hash(
            previous=previous_hash,
            sequence=sequence,
            label=label,
            row_id=row_id,
            field_list=code,
            content=content,
        )
        if recomputed != stored_hash:
            report.problems.append(
                f"Chain broken: entry {sequence} ({_row(label, row_id)}) has been altered: its hash does not "
                "match what it records."
            )
        if stored_hash == expect_head:
            expected_head_found = True
        previous, expected = stored_hash, sequence + 1
        report.head_sequence, report.head_hash = sequence, stored_hash
    if not expected_head_found:
        report.problems.append(
            f"Chain rewritten: no entry has the expected head hash {expect_head}; the chain has been "
            "replaced or cut short since that hash was recorded."
        )
    return seen


def _check_head(report: AuditReport, head: Any) -> None:
    if head is None:
        if report.entries:
            report.problems.append("Chain broken: the record of the chain's last entry is missing.")
        return
    if head.sequence != report.head_sequence or head.link_hash != report.head_hash:
        if head.sequence > report.head_sequence:
            report.problems.append(
                f"Chain broken: the chain ends at entry {report.head_sequence}, but its head records entry "
                f"{head.sequence}; the last entries were deleted."
            )
        else:
            report.problems.append(
                f"Chain broken: the chain's head records entry {head.sequence} with hash {head.link_hash}, "
                f"which does not match entry {report.head_sequence}."
            )


def _check_table(
    report: AuditReport,
    model: type[models.Model],
    links: dict[tuple[str, int], _LinkSeen],
    field_lists: dict[str, tuple[str, tuple[str, ...]]],
    vendor: str,
    using: str,
) -> None:
    label = model._meta.label
    by_name = {f.attname: f for f in model._meta.concrete_fields}
    names = tuple(sorted(by_name))
    key = model._meta.pk.attname
    rows: Iterable[tuple[Any, ...]] = (
        model._default_manager.using(using).order_by(key).values_list(*names).iterator(chunk_size=5000)
    )
    position = names.index(key)
    for values in rows:
        row_id = values[position]
        seen = links.get((label, row_id))
        if seen is None:
            report.problems.append(
                f"Inserted: {_row(label, row_id)} is not recorded in the chain, "
                "so it was not written by the app."
            )
            continue
        seen.matched = True
        listed = field_lists.get(seen.field_list)
        if listed is None or listed[0] != label:
            report.problems.append(
                f"Cannot check {_row(label, row_id)} ({_entry(seen.sequence)}): the list of fields it was "
                f"hashed over ({seen.field_list}) is missing."
            )
            continue
        gone = [n for n in listed[1] if n not in by_name]
        if gone:
            report.problems.append(
                f"Cannot check {_row(label, row_id)} ({_entry(seen.sequence)}): it was hashed with the "
                f"field{'s' if len(gone) > 1 else ''} {', '.join(gone)}, which the table no longer has."
            )
            continue
        value_of = dict(zip(names, values, strict=True))
        canonical = [canonical_value(by_name[n], value_of[n], vendor) for n in listed[1]]
        if content_hash(canonical) != seen.content_hash:
            report.problems.append(
                f"Edited: {_row(label, row_id)} ({_entry(seen.sequence)}) has been changed "
                "since it was written."
            )


# ---------------------------------------------------------------------------------------------------------
# Wiring to django-simple-history
# ---------------------------------------------------------------------------------------------------------


def _on_history_record(sender: type[models.Model], history_instance: models.Model, **kwargs: Any) -> None:
    record_history_rows([history_instance], using=kwargs.get("using"))


def _on_m2m_history_rows(sender: type[models.Model], created_rows: Sequence[models.Model], **_: Any) -> None:
    record_history_rows(list(created_rows))


_plain_bulk_history_create: Any = None


def _wrap_bulk_history_create() -> None:
    """django-simple-history sends no signal for history rows it writes in bulk (``bulk_create_with_history``,
    ``bulk_update_with_history``), so its one bulk writer is wrapped to record them too."""
    from simple_history.manager import HistoryManager

    global _plain_bulk_history_create
    if getattr(HistoryManager.bulk_history_create, "audit_chained", False):
        return
    original = _plain_bulk_history_create = HistoryManager.bulk_history_create

    def bulk_history_create(self: Any, objs: Any, *args: Any, **kwargs: Any) -> Any:
        alias = router.db_for_write(self.model)
        with transaction.atomic(using=alias, savepoint=False):
            created = original(self, objs, *args, **kwargs)
            if created:
                record_history_rows(list(created), using=alias)
        return created

    bulk_history_create.audit_chained = True  # type: ignore[attr-defined]
    HistoryManager.bulk_history_create = bulk_history_create


def disconnect() -> None:
    """Stop recording history rows in the chain: only for the benchmark's baseline (bench/audit_chain.py).
    History written meanwhile is reported as inserted by :func:`verify_audit`."""
    from simple_history.manager import HistoryManager
    from simple_history.signals import post_create_historical_m2m_records, post_create_historical_record

    post_create_historical_record.disconnect(dispatch_uid="forbetter_audit_chain")
    post_create_historical_m2m_records.disconnect(dispatch_uid="forbetter_audit_chain_m2m")
    if _plain_bulk_history_create is not None:
        HistoryManager.bulk_history_create = _plain_bulk_history_create


def connect() -> None:
    """Record every history row in the chain (called once, from the core app's ``ready``)."""
    from simple_history.signals import post_create_historical_m2m_records, post_create_historical_record

    post_create_historical_record.connect(_on_history_record, dispatch_uid="forbetter_audit_chain")
    post_create_historical_m2m_records.connect(_on_m2m_history_rows, dispatch_uid="forbetter_audit_chain_m2m")
    _wrap_bulk_history_create()
