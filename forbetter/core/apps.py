from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from simple_history.signals import pre_create_historical_record


def _register_field_lists(using: str = "default", **_: Any) -> None:
    """After every migrate, record the field lists new history rows are hashed over (skipped when the
    chain's tables are not there, as after ``migrate core zero``)."""
    from django.db import connections

    from forbetter.core.audit import register_field_lists
    from forbetter.core.models import AuditFieldList

    if AuditFieldList._meta.db_table in connections[using].introspection.table_names():
        register_field_lists(using)


def _fit_change_reason(history_instance: Any, **_: Any) -> None:
    """Shorten a history row's change reason to its column (100 characters), ending it with an ellipsis.

    Services record the reason a person typed (a version built from a bid, a deletion) as the change reason;
    the full text stays on the record itself. SQLite would store a longer reason anyway, PostgreSQL refuses
    it (and the whole save with it), so the reason is fitted here, once, for every model."""
    reason = history_instance.history_change_reason
    limit = history_instance._meta.get_field("history_change_reason").max_length
    if reason and limit and len(reason) > limit:
        history_instance.history_change_reason = reason[: limit - 1].rstrip() + "…"


class CoreConfig(AppConfig):
    """Shared page furniture: base template, GOV.UK form vocabulary, history rendering; the audit chain."""

    name = "forbetter.core"
    label = "core"

    def ready(self) -> None:
        from forbetter.core import audit

        audit.connect()
        pre_create_historical_record.connect(_fit_change_reason, dispatch_uid="forbetter_fit_change_reason")
        post_migrate.connect(_register_field_lists, sender=self, dispatch_uid="forbetter_audit_field_lists")
