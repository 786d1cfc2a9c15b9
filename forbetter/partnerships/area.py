"""The partnerships area: the portfolio, each partnership's overview, framework task list, documents, stage
gate and history. Declared once for navigation, evidence and the permission matrix (see
:mod:`forbetter.core.areas`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType

from forbetter.core.areas import Area, Scope, Section, confirm, first_pk, form, page
from forbetter.partnerships import pack, services
from forbetter.partnerships.evidence_providers import documents, gate_decisions
from forbetter.partnerships.models import Document, EvidenceLink, Partnership, Task
from forbetter.partnerships.reminders import task_reminders


def _task(partnership: Partnership) -> dict[str, object]:
    return {"task_pk": first_pk(Task.objects.filter(partnership=partnership), "task")}


def _document(partnership: Partnership) -> dict[str, object]:
    return {"document_pk": first_pk(Document.objects.filter(partnership=partnership), "document")}


def _evidence_link(partnership: Partnership) -> dict[str, object]:
    link = EvidenceLink.objects.filter(task__partnership=partnership).order_by("pk").first()
    if link is None:
        raise LookupError("No evidence link to address: the area's examples should create one.")
    return {"task_pk": link.task_id, "link_pk": link.pk}


def examples(partnership: Partnership, user: Any) -> None:
    """A document, linked as evidence to the partnership's first task."""
    document = Document.objects.filter(partnership=partnership).order_by("pk").first()
    if document is None:
        document = services.document_create(
            user=user,
            partnership=partnership,
            data={"title": "Charter", "location": "file 2", "document_date": dt.date(2026, 1, 1)},
        )
    if not EvidenceLink.objects.filter(task__partnership=partnership).exists():
        task = Task.objects.filter(partnership=partnership).order_by("pk").first()
        assert task is not None, "a partnership has its framework tasks from the start"
        key = f"{ContentType.objects.get_for_model(document).pk}:{document.pk}"
        services.evidence_link_add(user=user, task=task, record_key=key)


AREA = Area(
    app="partnerships",
    routes=(
        page("portfolio", scope=Scope.GLOBAL),
        page("due", scope=Scope.GLOBAL),
        form("create", scope=Scope.GLOBAL),
        page("overview"),
        form("edit"),
        page("matrix"),
        page("tasks"),
        page("tasks-stage", kwargs=lambda partnership: {"stage": "procurement"}),
        page("task", kwargs=_task),
        form("task-edit", kwargs=_task),
        form("evidence-add", kwargs=_task),
        confirm("evidence-remove", kwargs=_evidence_link),
        page("documents"),
        page("document", kwargs=_document),
        form("document-edit", kwargs=_document),
        form("document-withdraw", kwargs=_document),
        form("gate"),
        page("history"),
    ),
    sections=(
        Section("overview", "Overview", "partnerships:overview", 10),
        Section("matrix", "Framework matrix", "partnerships:matrix", 20),
        Section("tasks", "Task list", "partnerships:tasks", 30),
        Section("documents", "Documents", "partnerships:documents", 90),
        Section("history", "History", "partnerships:history", 100),
    ),
    evidence=(documents, gate_decisions),
    examples=examples,
    reminders=task_reminders,
    pack_sections=pack.pack_sections,
)
