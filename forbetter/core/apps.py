from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _register_field_lists(using: str = "default", **_: Any) -> None:
    """After every migrate, record the field lists new history rows are hashed over (skipped when the
    chain's tables are not there, as after ``migrate core zero``)."""
    from django.db import connections

    from forbetter.core.audit import register_field_lists
    from forbetter.core.models import AuditFieldList

    if AuditFieldList._meta.db_table in connections[using].introspection.table_names():
        register_field_lists(using)


class CoreConfig(AppConfig):
    """Shared page furniture: base template, GOV.UK form vocabulary, history rendering; the audit chain."""

    name = "forbetter.core"
    label = "core"

    def ready(self) -> None:
        from forbetter.core import audit

        audit.connect()
        post_migrate.connect(_register_field_lists, sender=self, dispatch_uid="forbetter_audit_field_lists")
