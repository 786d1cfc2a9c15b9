"""How the test database is built, and a description of a database to check that build against migrations.

The suite builds its test database from the models (``--no-migrations`` in pyproject.toml): replaying the
migrations costs about 35 CPU seconds, almost all of it Django re-rendering the migration state after each of
some 300 operations (every history model points at the user model, so each re-render touches most of the
project's models), against about 1 second for creating the tables from the models.
``load_reference_data`` then loads what the migrations' data steps load into a fresh database.
tests/web/test_migrations.py proves the two ways give the same tables, columns, constraints and reference
data, by running the real migrations on a fresh database in a subprocess:
``python -m tests.database_build`` migrates the database named by DATABASE_URL and prints its description.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from typing import Any

# The reference data each data migration loads on a fresh database, by its natural key. The other data
# migrations only change rows that cannot exist yet in a fresh database.
NATURAL_KEYS = {
    "framework.FrameworkVersion": "version",
    "framework.Stage": "key",
    "framework.Theme": "key",
    "framework.Reference": "number",
    "framework.Action": "code",
    "partnerships.ServiceArea": "name",
    "risks.RiskCategoryVersion": "version",
    "risks.RiskCategory": "code",
    "survey.SurveyDataVersion": "version",
    "survey.Principle": "key",
    "survey.Statement": "key",
}
# The migration history: only migrations create and fill it.
UNCOMPARED_TABLES = {"django_migrations"}
# Django's own auth migration gives this id the project's DEFAULT_AUTO_FIELD (bigint on PostgreSQL), the
# model gives it the auth app's AutoField (integer); nothing of ours depends on it.
UNCOMPARED_COLUMNS = {("auth_group_permissions", "id")}
# The audit chain's field lists record each history table's columns as they were when the chain first saw
# them: a migrated database also keeps the lists of tables a later migration widened (edit_version, say),
# which a database built from today's models never had. Their columns are compared, their count is not.
UNCOUNTED_TABLES = {"core_auditfieldlist"}


def record_migrations_as_applied() -> None:
    """Mark every migration applied, as on a migrated database: the tables were built from the models, which
    the migrations describe (tests/web/test_migrations.py checks that), so a backup taken of the test
    database names the same migrations as one taken of a migrated database."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder
    from django.test.utils import override_settings

    recorder = MigrationRecorder(connection)
    recorder.ensure_schema()
    applied = set(recorder.applied_migrations())
    with override_settings(MIGRATION_MODULES={}):  # --no-migrations hides them from the loader
        on_disk = MigrationLoader(connection, ignore_no_migrations=True).graph.nodes
    missing = [key for key in on_disk if key not in applied]
    recorder.migration_qs.bulk_create(recorder.Migration(app=app, name=name) for app, name in missing)


def load_reference_data() -> None:
    """Load what a fresh database gets from the migrations' data steps, in the migrations' order."""
    from django.apps import apps

    from forbetter.core.audit import link_existing_history
    from forbetter.framework.loader import ensure_framework
    from forbetter.risks.reference import load_risk_categories
    from forbetter.survey.reference import load_survey_principles

    ensure_framework()
    importlib.import_module("forbetter.partnerships.migrations.0002_service_areas").add(apps, None)
    load_risk_categories(apps)
    # A migration's models have no history, so a migrated database holds no history rows for the categories.
    apps.get_model("risks", "RiskCategory").history.all().delete()
    load_survey_principles(apps)
    # ... and the chain the audit migration starts over that (empty) history: no links, a genesis head.
    apps.get_model("core", "AuditChainLink").objects.all().delete()
    link_existing_history(apps, "default")


def _reference_rows(label: str) -> list[dict[str, Any]]:
    """Every row of a reference model with relations given by natural key, so ids do not matter."""
    from django.apps import apps
    from django.db import models

    model = apps.get_model(label)
    key = NATURAL_KEYS[label]
    fields: list[str] = []
    many: list[tuple[str, str]] = []
    for field in model._meta.get_fields():
        if isinstance(field, models.ManyToManyField):
            many.append((field.name, NATURAL_KEYS[field.related_model._meta.label]))
        elif field.auto_created or not field.concrete or getattr(field, "auto_now", False):
            continue
        elif field.is_relation:
            fields.append(f"{field.name}__{NATURAL_KEYS[field.related_model._meta.label]}")  # type: ignore[union-attr]
        elif not field.primary_key:
            fields.append(field.name)
    objects = model.objects.order_by(key)
    values = list(objects.values(*fields))
    for row, obj in zip(values, objects.prefetch_related(*[name for name, _ in many]), strict=True):
        for name, target_key in many:
            row[name] = sorted(getattr(related, target_key) for related in getattr(obj, name).all())
    return json.loads(json.dumps(values, default=str, sort_keys=True))


def _constraint_signature(name: str, info: dict[str, Any]) -> list[Any]:
    # SQLite names its unnamed constraints by their position in the table, which follows the column order.
    generated = name.startswith("__") or name.startswith("fk_") or name.startswith("sqlite_autoindex")
    return [
        "" if generated else name,
        list(info["columns"] or []),
        bool(info["primary_key"]),
        bool(info["unique"]),
        list(info["foreign_key"] or []),
        bool(info["check"]),
        bool(info["index"]),
    ]


def describe_database() -> dict[str, Any]:
    """Tables (columns, constraints and indexes, row counts) and the reference data of the default database.

    Column order is left out: a column added by a later migration comes last in a migrated table.
    """
    from django.db import connection

    tables: dict[str, Any] = {}
    with connection.cursor() as cursor:
        for table in sorted(set(connection.introspection.table_names(cursor)) - UNCOMPARED_TABLES):
            columns = {
                column.name: [
                    str(column.type_code),
                    column.internal_size,
                    column.precision,
                    column.scale,
                    column.null_ok,
                    column.default,
                    column.collation,
                ]
                for column in connection.introspection.get_table_description(cursor, table)
                if (table, column.name) not in UNCOMPARED_COLUMNS
            }
            constraints = sorted(
                _constraint_signature(name, info)
                for name, info in connection.introspection.get_constraints(cursor, table).items()
            )
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            tables[table] = {"columns": columns, "constraints": constraints, "rows": cursor.fetchone()[0]}
            if table in UNCOUNTED_TABLES:
                tables[table]["rows"] = None
    reference = {label: _reference_rows(label) for label in NATURAL_KEYS}
    return json.loads(json.dumps({"tables": tables, "reference": reference}, default=str))


def main() -> int:
    """Migrate the (empty) database named by DATABASE_URL from zero and print its description as JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forbetter.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    json.dump(describe_database(), sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
