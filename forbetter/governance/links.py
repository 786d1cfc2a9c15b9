"""What an agenda item may link to: records of the same partnership that a meeting discusses.

Each entry of :data:`LINKABLE` names a model (``app_label.modelname``), the records of one partnership that
may be linked, and how to describe one. It is the extension point for kinds of record that do not exist
yet: when changes to the contract are built, add ``"changes.change": Linkable(...)`` here and agenda items
can link to them, with the same-partnership check, without other changes.

Payment statements: only approved ones, because a draft is council-confidential and still changing while
agenda items are read by the partner's users too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from forbetter.partnerships.models import Partnership


@dataclass(frozen=True)
class Linkable:
    kind: str
    """What the record is, in words ("KPI")."""
    records: Callable[[Partnership], QuerySet[Any]]
    label: Callable[[Any], str]


def _kpis(partnership: Partnership) -> QuerySet[Any]:
    return apps.get_model("performance", "Kpi").objects.filter(partnership=partnership).order_by("reference")


def _risks(partnership: Partnership) -> QuerySet[Any]:
    return apps.get_model("risks", "Risk").objects.filter(partnership=partnership).order_by("pk")


def _statements(partnership: Partnership) -> QuerySet[Any]:
    model = apps.get_model("payments", "PaymentStatement")
    return model.objects.filter(partnership=partnership, status="approved").order_by("-month")


def _actions(partnership: Partnership) -> QuerySet[Any]:
    model = apps.get_model("governance", "GovernanceAction")
    return model.objects.filter(partnership=partnership).order_by("due_on", "pk")


def _changes(partnership: Partnership) -> QuerySet[Any]:
    model = apps.get_model("changes", "ChangeRequest")
    return model.objects.filter(partnership=partnership).order_by("raised_on", "pk")


LINKABLE: dict[str, Linkable] = {
    "performance.kpi": Linkable("KPI", _kpis, lambda kpi: f"KPI {kpi.reference}: {kpi.name}"),
    "risks.risk": Linkable("Risk", _risks, lambda risk: f"Risk {risk.reference}: {risk.title}"),
    "payments.paymentstatement": Linkable(
        "Payment statement",
        _statements,
        lambda statement: f"Payment statement for {statement.month:%B %Y}",
    ),
    "governance.governanceaction": Linkable(
        "Governance action", _actions, lambda action: f"Action due {action.due_on:%-d %b %Y}: {action}"
    ),
    "changes.changerequest": Linkable(
        "Contract change", _changes, lambda change: f"Contract change {change.reference}: {change.title}"
    ),
}


def choices_for(partnership: Partnership) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices ``(kind, [(key, label)])`` of the partnership's linkable records; the key is
    ``'<content type id>:<object id>'``."""
    grouped = []
    for label, linkable in LINKABLE.items():
        content_type = ContentType.objects.get_for_model(apps.get_model(label))
        options = [
            (f"{content_type.pk}:{record.pk}", linkable.label(record))
            for record in linkable.records(partnership)
        ]
        if options:
            grouped.append((linkable.kind, options))
    return grouped


def find(partnership: Partnership, key: str) -> tuple[ContentType, Any] | None:
    """The content type and record ``key`` names, if it is a linkable record of ``partnership``; else None
    (no such record, a kind that cannot be linked, or a record of another partnership)."""
    try:
        type_id, object_id = (int(part) for part in key.split(":"))
        content_type = ContentType.objects.get_for_id(type_id)
    except (ValueError, ContentType.DoesNotExist):
        return None
    linkable = LINKABLE.get(f"{content_type.app_label}.{content_type.model}")
    if linkable is None:
        return None
    record = linkable.records(partnership).filter(pk=object_id).first()
    return (content_type, record) if record is not None else None


def describe(content_type: ContentType, record: Any) -> str:
    return LINKABLE[f"{content_type.app_label}.{content_type.model}"].label(record)
