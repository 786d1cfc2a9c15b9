"""The tamper-evident audit log: history written through the app verifies; tampering with the database
directly (edit, delete, insert a history row; delete, alter or reorder a chain entry; rewrite the chain) is
reported specifically. Runs on SQLite and, with DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps as global_apps
from django.core.management import call_command
from django.db import connection, connections, models
from django.db.models.fields.files import FieldFile

from forbetter import cli
from forbetter.accounts.models import Role
from forbetter.core import audit
from forbetter.core.models import AuditChainHead, AuditChainLink, AuditFieldList
from forbetter.partnerships import services as partnership_services
from forbetter.risks import services as risk_services
from forbetter.risks.models import Risk
from tests.conftest import World
from tests.factories import make_risk, risk_service_data

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[Any]]
HistoricalRisk = Risk.history.model  # type: ignore[attr-defined]


@pytest.fixture
def edited_risk(world: World, django_capture_on_commit_callbacks: Capture) -> Risk:
    """A risk added and then changed through the services, each in a transaction that commits (so the chain
    is extended as it is after every real commit)."""
    editor = world.users[Role.COUNCIL_EDITOR]
    with django_capture_on_commit_callbacks(execute=True):
        risk = risk_services.risk_create(user=editor, partnership=world.ours, data=risk_service_data())
    with django_capture_on_commit_callbacks(execute=True):
        risk_services.risk_update(user=editor, risk=risk, data={"title": "Winter standards missed"})
    return risk


def _sql(statement: str, params: list[Any] | tuple[Any, ...] = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _link_of(model: type[models.Model], row_id: int) -> AuditChainLink:
    return AuditChainLink.objects.get(history_model=model._meta.label, history_row_id=row_id)


def _latest_risk_history(risk: Risk) -> Any:
    return risk.history.order_by("-history_id").first()  # type: ignore[attr-defined]


def _history_row_count() -> int:
    return sum(model._default_manager.count() for model in audit.history_models())


def _run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = cli.main(["verify-audit", *args])
    return code, capsys.readouterr().out.splitlines()


# --- the chain as the app writes it -----------------------------------------------------------------------


def test_history_written_through_a_service_is_chained_when_its_transaction_commits(edited_risk: Risk) -> None:
    report = audit.verify_audit()
    assert report.problems == []
    assert report.pending == 0
    assert report.entries == _history_row_count() == AuditChainLink.objects.count()
    assert report.tables == len(audit.history_models())
    head = AuditChainHead.objects.get()
    assert (report.head_sequence, report.head_hash) == (head.sequence, head.link_hash)
    assert report.summary() == (
        f"Audit log intact: {report.entries} entries in {report.tables} tables, "
        f"chain head {head.sequence} {head.link_hash}"
    )
    created, changed = edited_risk.history.order_by("history_id")  # type: ignore[attr-defined]
    assert _link_of(HistoricalRisk, changed.pk).sequence > _link_of(HistoricalRisk, created.pk).sequence


def test_history_not_yet_committed_is_pending_but_its_content_is_already_checked(world: World) -> None:
    risk = make_risk(world.ours)
    report = audit.verify_audit()
    assert report.intact
    assert report.pending == AuditChainLink.objects.count() > 0
    assert "not chained yet" in report.summary()
    row = _latest_risk_history(risk)
    _sql(f"UPDATE {_q(HistoricalRisk._meta.db_table)} SET title = %s WHERE history_id = %s", ["X", row.pk])
    assert audit.verify_audit().problems == [
        f"Edited: risks.HistoricalRisk row {row.pk} (a newly written entry not chained yet) has been changed "
        "since it was written."
    ]


def test_bulk_written_and_many_to_many_history_is_chained(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    editor = world.users[Role.COUNCIL_EDITOR]
    with django_capture_on_commit_callbacks(execute=True):
        partnership = partnership_services.partnership_create(
            user=editor, data={"name": "Audited partnership", "councils": [world.council_a]}
        )
    tasks = partnership.tasks.all()  # type: ignore[attr-defined]
    assert tasks.exists()  # written by bulk_create_with_history
    task_history = tasks.model.history.model.objects.filter(partnership_id=partnership.pk)
    councils_history = global_apps.get_model("partnerships", "HistoricalPartnership_councils")
    for model, ids in (
        (task_history.model, list(task_history.values_list("pk", flat=True))),
        (councils_history, list(councils_history.objects.values_list("pk", flat=True))),
    ):
        assert ids
        chained = AuditChainLink.objects.filter(history_model=model._meta.label, history_row_id__in=ids)
        assert chained.filter(sequence__isnull=False).count() == len(ids)
    assert audit.verify_audit().problems == []


def test_values_the_database_rounds_hash_the_same_as_when_they_were_written(world: World) -> None:
    # More decimal places than the columns keep (the database rounds them) and a negative zero.
    risk = make_risk(
        world.ours,
        probability=Decimal("0.12345"),
        impact_minimum_gbp=Decimal("-0.00"),
        impact_most_likely_gbp=Decimal("1234567.125"),
        impact_maximum_gbp=Decimal("2000000.005"),
    )
    risk.title = "Saved again"
    risk.save()
    audit.extend_chain()
    report = audit.verify_audit()
    assert report.problems == []
    assert report.pending == 0


def test_canonical_values_match_what_the_database_gives_back() -> None:
    file_field = models.FileField()
    assert audit.canonical_value(file_field, FieldFile(None, file_field, "evidence/a.pdf"), "sqlite") == (
        audit.canonical_value(file_field, "evidence/a.pdf", "sqlite")
    )
    assert audit.canonical_value(file_field, FieldFile(None, file_field, None), "postgresql") == ""
    money = models.DecimalField(max_digits=6, decimal_places=2)
    assert audit.canonical_value(money, Decimal("0.125"), "sqlite") == "0.12"  # SQLite: half-even
    assert audit.canonical_value(money, Decimal("0.125"), "postgresql") == "0.13"  # numeric: half up
    assert audit.canonical_value(money, 3, "sqlite") == "3.00"
    wide = models.DecimalField(max_digits=20, decimal_places=2)
    assert audit.canonical_value(wide, Decimal("123456789012345678.91"), "postgresql") == (
        "123456789012346000.00"  # 15 significant digits, as SQLite keeps them
    )
    moment = dt.datetime(2026, 6, 1, 13, 0, 0, 5, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert audit.canonical_value(models.DateTimeField(), moment, "sqlite") == "2026-06-01T12:00:00.000005"
    document = models.JSONField()
    assert audit.canonical_value(document, {"b": 1.0, "a": [1e16]}, "postgresql") == (
        audit.canonical_value(document, {"a": [10**16], "b": 1}, "postgresql")
    )
    assert audit.canonical_value(money, None, "sqlite") is None


# --- tampering with the database directly -----------------------------------------------------------------


def test_an_edited_history_row_is_reported(edited_risk: Risk, capsys: pytest.CaptureFixture[str]) -> None:
    row = _latest_risk_history(edited_risk)
    entry = _link_of(HistoricalRisk, row.pk).sequence
    _sql(
        f"UPDATE {_q(HistoricalRisk._meta.db_table)} SET inherent_impact = 1 WHERE history_id = %s", [row.pk]
    )
    code, lines = _run_cli(capsys)
    assert code == 1
    assert lines[:-1] == [
        f"Edited: risks.HistoricalRisk row {row.pk} (entry {entry}) has been changed since it was written."
    ]
    assert lines[-1].startswith("Audit log NOT intact: 1 problem found; ")


def test_a_deleted_history_row_is_reported(edited_risk: Risk) -> None:
    row = _latest_risk_history(edited_risk)
    entry = _link_of(HistoricalRisk, row.pk).sequence
    _sql(f"DELETE FROM {_q(HistoricalRisk._meta.db_table)} WHERE history_id = %s", [row.pk])
    assert audit.verify_audit().problems == [
        f"Deleted: entry {entry} records risks.HistoricalRisk row {row.pk}, "
        "which is no longer in the database."
    ]


def test_a_history_row_inserted_by_sql_is_reported(edited_risk: Risk) -> None:
    row = _latest_risk_history(edited_risk)
    columns = ", ".join(
        _q(f.column) for f in HistoricalRisk._meta.concrete_fields if f.attname != "history_id"
    )
    table = _q(HistoricalRisk._meta.db_table)
    _sql(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {table} WHERE history_id = %s", [row.pk])
    inserted = HistoricalRisk.objects.order_by("-history_id").values_list("history_id", flat=True)[0]
    assert inserted != row.pk
    assert audit.verify_audit().problems == [
        f"Inserted: risks.HistoricalRisk row {inserted} is not recorded in the chain, "
        "so it was not written by the app."
    ]


def test_a_deleted_chain_entry_is_reported(edited_risk: Risk) -> None:
    row = edited_risk.history.order_by("history_id").first()  # type: ignore[attr-defined]
    link = _link_of(HistoricalRisk, row.pk)
    assert link.sequence is not None
    assert link.sequence < AuditChainHead.objects.get().sequence
    _sql(f"DELETE FROM {_q(AuditChainLink._meta.db_table)} WHERE id = %s", [link.pk])
    assert audit.verify_audit().problems == [
        f"Chain broken: entry {link.sequence} of the chain is missing.",
        f"Inserted: risks.HistoricalRisk row {row.pk} is not recorded in the chain, "
        "so it was not written by the app.",
    ]


def test_deleting_the_last_entries_and_their_rows_is_still_reported(edited_risk: Risk) -> None:
    row = _latest_risk_history(edited_risk)
    link = _link_of(HistoricalRisk, row.pk)
    head = AuditChainHead.objects.get()
    _sql(f"DELETE FROM {_q(AuditChainLink._meta.db_table)} WHERE sequence >= %s", [link.sequence])
    _sql(f"DELETE FROM {_q(HistoricalRisk._meta.db_table)} WHERE history_id = %s", [row.pk])
    problems = audit.verify_audit().problems
    assert problems[0] == (
        f"Chain broken: the chain ends at entry {link.sequence - 1}, but its head records entry "
        f"{head.sequence}; the last entries were deleted."
    )


def test_an_entry_rewritten_to_hide_an_edit_is_reported(edited_risk: Risk) -> None:
    row = _latest_risk_history(edited_risk)
    link = _link_of(HistoricalRisk, row.pk)
    _sql(f"UPDATE {_q(HistoricalRisk._meta.db_table)} SET title = %s WHERE history_id = %s", ["Y", row.pk])
    row.refresh_from_db()
    forged = audit.row_hash(HistoricalRisk, row, connection.vendor)
    _sql(f"UPDATE {_q(AuditChainLink._meta.db_table)} SET content_hash = %s WHERE id = %s", [forged, link.pk])
    assert audit.verify_audit().problems == [
        f"Chain broken: entry {link.sequence} (risks.HistoricalRisk row {row.pk}) has been altered: its hash "
        "does not match what it records."
    ]


def test_reordered_chain_entries_are_reported(edited_risk: Risk) -> None:
    created, changed = edited_risk.history.order_by("history_id")  # type: ignore[attr-defined]
    first, second = _link_of(HistoricalRisk, created.pk), _link_of(HistoricalRisk, changed.pk)
    assert first.sequence is not None
    assert second.sequence is not None
    table = _q(AuditChainLink._meta.db_table)
    # Swap what the two entries record, keeping each entry's number and hashes.
    for link, other in ((first, second), (second, first)):
        _sql(
            f"UPDATE {table} SET history_row_id = %s, content_hash = %s WHERE id = %s",
            [other.history_row_id, other.content_hash, link.pk],
        )
    problems = audit.verify_audit().problems
    assert (
        f"Chain broken: entry {first.sequence} (risks.HistoricalRisk row {changed.pk}) has been altered: "
        in (problems[0])
    )
    assert len(problems) == 2


def test_a_tampered_field_list_is_reported(edited_risk: Risk) -> None:
    link = _link_of(HistoricalRisk, _latest_risk_history(edited_risk).pk)
    listed = AuditFieldList.objects.get(code=link.field_list)
    _sql(
        f"UPDATE {_q(AuditFieldList._meta.db_table)} SET field_names = %s WHERE code = %s",
        [listed.field_names.replace("title,", ""), listed.code],
    )
    problems = audit.verify_audit().problems
    assert problems[0] == (
        f"Edited: the list of fields hashed for risks.HistoricalRisk ({listed.code}) has been changed."
    )
    assert all("risks.HistoricalRisk" in line for line in problems)


def test_the_whole_chain_rewritten_is_caught_only_against_a_recorded_head(
    edited_risk: Risk, capsys: pytest.CaptureFixture[str]
) -> None:
    recorded = AuditChainHead.objects.get().link_hash
    assert _run_cli(capsys, "--expect-head", recorded.upper())[0] == 0
    # An attacker edits a row and then rebuilds every entry and the head consistently.
    row = _latest_risk_history(edited_risk)
    _sql(f"UPDATE {_q(HistoricalRisk._meta.db_table)} SET title = %s WHERE history_id = %s", ["Z", row.pk])
    AuditChainLink.objects.all().delete()
    AuditChainHead.objects.all().delete()
    audit.link_existing_history(global_apps, "default")
    assert audit.verify_audit().intact  # undetectable without a head kept elsewhere...
    code, lines = _run_cli(capsys, "--expect-head", recorded)
    assert code == 1
    assert lines[0] == (
        f"Chain rewritten: no entry has the expected head hash {recorded}; the chain has been replaced or "
        "cut short since that hash was recorded."
    )


def test_a_recorded_head_still_verifies_after_the_chain_grows(edited_risk: Risk) -> None:
    recorded = AuditChainHead.objects.get().link_hash
    edited_risk.title = "Grown"
    edited_risk.save()
    assert audit.extend_chain() == 1
    assert AuditChainHead.objects.get().link_hash != recorded
    assert audit.verify_audit(expect_head=recorded).problems == []


def test_existing_history_is_linked_by_when_it_was_written_then_table_then_id(edited_risk: Risk) -> None:
    AuditChainLink.objects.all().delete()
    AuditChainHead.objects.all().delete()
    count = audit.link_existing_history(global_apps, "default")
    assert count == _history_row_count()
    assert audit.verify_audit().problems == []
    order = [
        (link.history_model, link.history_row_id) for link in AuditChainLink.objects.order_by("sequence")
    ]
    written = {
        (model._meta.label, pk): when
        for model in audit.history_models()
        if "history_date" in {f.name for f in model._meta.concrete_fields}
        for pk, when in model._default_manager.values_list("pk", "history_date")
    }
    keys = [(written[key], *key) for key in order if key in written]
    assert keys == sorted(keys)


def test_a_field_added_to_a_table_later_does_not_make_older_rows_look_edited(edited_risk: Risk) -> None:
    # As if "title" had been added by a later migration: the row's entry covers only the fields it had.
    row = _latest_risk_history(edited_risk)
    link = _link_of(HistoricalRisk, row.pk)
    older = tuple(n for n in audit.field_names(HistoricalRisk) if n != "title")
    code = audit.field_list_code("risks.HistoricalRisk", older)
    AuditFieldList.objects.create(
        code=code, history_model="risks.HistoricalRisk", field_names=",".join(older)
    )
    content = audit.content_hash(
        [
            audit.canonical_value(HistoricalRisk._meta.get_field(n), getattr(row, n), connection.vendor)
            for n in older
        ]
    )
    AuditChainLink.objects.filter(pk=link.pk).update(field_list=code, content_hash=content)
    AuditChainLink.objects.all().update(sequence=None, previous_hash="", link_hash="")
    AuditChainHead.objects.all().delete()
    audit.extend_chain()
    assert audit.verify_audit().problems == []


def test_a_row_hashed_with_a_field_since_removed_cannot_be_checked_and_says_so(edited_risk: Risk) -> None:
    row = _latest_risk_history(edited_risk)
    link = _link_of(HistoricalRisk, row.pk)
    names = (*audit.field_names(HistoricalRisk), "retired_note")
    code = audit.field_list_code("risks.HistoricalRisk", names)
    AuditFieldList.objects.create(
        code=code, history_model="risks.HistoricalRisk", field_names=",".join(names)
    )
    AuditChainLink.objects.filter(pk=link.pk).update(field_list=code)
    problems = audit.verify_audit().problems
    assert (
        f"Cannot check risks.HistoricalRisk row {row.pk} (entry {link.sequence}): it was hashed with the "
        "field retired_note, which the table no longer has." in problems
    )


# --- the commands ----------------------------------------------------------------------------------------


def test_verify_audit_command_exit_codes_and_bad_head(
    edited_risk: Risk, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines = _run_cli(capsys)
    assert code == 0
    assert len(lines) == 1
    assert lines[0].startswith("Audit log intact: ")
    assert cli.main(["verify-audit", "--expect-head", "abc"]) == 2
    error = capsys.readouterr().err
    assert "a head hash is 64 hexadecimal characters" in error
    assert error.count("\n") == 1


def test_verify_audit_management_command(edited_risk: Risk, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("verify_audit")
    assert capsys.readouterr().out.startswith("Audit log intact: ")
    row = _latest_risk_history(edited_risk)
    _sql(f"DELETE FROM {_q(HistoricalRisk._meta.db_table)} WHERE history_id = %s", [row.pk])
    with pytest.raises(SystemExit) as exited:
        call_command("verify_audit")
    assert exited.value.code == 1
    assert "Deleted: entry" in capsys.readouterr().out


# --- concurrent writers (PostgreSQL) ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite takes the write lock when each transaction begins")
    risks = [make_risk(world.ours, number=n) for n in range(1, 5)]
    audit.extend_chain()
    barrier = threading.Barrier(len(risks))
    errors: list[BaseException] = []

    def save_many(risk: Risk) -> None:
        try:
            barrier.wait(timeout=10)
            for turn in range(5):
                risk.title = f"Turn {turn}"
                risk.save()  # autocommit: each save commits and extends the chain at once
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save_many, args=(risk,)) for risk in risks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = audit.verify_audit()
    assert report.problems == []
    assert report.pending == 0
    assert report.entries == _history_row_count()


@pytest.mark.django_db(transaction=True)
def test_a_committed_service_edit_is_chained_without_any_help(world: World) -> None:
    audit.extend_chain()  # the world's own writes, committed one by one, are already chained
    risk = risk_services.risk_create(
        user=world.users[Role.COUNCIL_EDITOR], partnership=world.ours, data=risk_service_data()
    )
    report = audit.verify_audit()
    assert report.problems == []
    assert report.pending == 0
    assert _link_of(HistoricalRisk, _latest_risk_history(risk).pk).sequence == report.head_sequence


def test_the_forbetter_command_loads_django_only_for_verify_audit() -> None:
    code = (
        "import sys, forbetter.cli; "
        "sys.exit(1 if any(name.split('.')[0] == 'django' for name in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_the_whole_demo_verifies_on_this_database() -> None:
    # Every kind of value the app stores (money, fractions, dates, JSON, uploaded files' names, many-to-many
    # history, bulk-written history) hashed when written and again as read back from this database.
    call_command("seed_demo", verbosity=0)
    audit.extend_chain()
    report = audit.verify_audit()
    assert report.problems == []
    assert report.entries == _history_row_count() > 1000


def test_the_audit_module_examples_hold() -> None:
    import doctest

    outcome = doctest.testmod(audit)
    assert outcome.attempted >= 5
    assert outcome.failed == 0
