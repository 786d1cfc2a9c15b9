"""Reads for partnership pages. Each returns in a fixed number of queries whatever the row count.

``partnerships_visible_to`` is the one function that decides which partnerships a user may see; every
list, detail page, export and API call starts from it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from forbetter.accounts.models import Organisation, OrganisationKind, Role
from forbetter.core.history import HistoryEntry, entry_for, history_of, merge_histories
from forbetter.framework.models import Stage as FrameworkStage
from forbetter.framework.models import Theme
from forbetter.partnerships.models import (
    CLOSED_TASK_STATUSES,
    Document,
    EvidenceLink,
    Partnership,
    StageGate,
    Task,
    TaskStatus,
)


def _council_scope(user: Any) -> QuerySet[Organisation]:
    """The councils whose partnerships a council user or auditor may read."""
    organisation = user.organisation
    if organisation is None:
        return Organisation.objects.none()
    if organisation.kind == OrganisationKind.AUDIT_BODY:
        return organisation.audited_councils.all()
    return Organisation.objects.filter(pk=organisation.pk, kind=OrganisationKind.COUNCIL)


def partnerships_visible_to(user: Any) -> QuerySet[Partnership]:
    """Every partnership this user may see, and no other.

    - administrators: all partnerships;
    - council editors and viewers: partnerships their council is part of;
    - auditors: partnerships of their council, or of the councils their audit body audits;
    - partner users: partnerships where their company is the partner or the joint-venture company.
    """
    partnerships = Partnership.objects.all()
    if not (user.is_authenticated and user.is_active):
        return partnerships.none()
    if user.role == Role.ADMINISTRATOR:
        return partnerships
    if user.role == Role.PARTNER_USER:
        if user.organisation_id is None:
            return partnerships.none()
        return partnerships.filter(
            Q(partner_id=user.organisation_id) | Q(joint_venture_company_id=user.organisation_id)
        )
    if user.role in (Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER, Role.AUDITOR):
        through = Partnership.councils.through
        return partnerships.filter(
            Exists(
                through.objects.filter(
                    partnership_id=OuterRef("pk"), organisation_id__in=_council_scope(user).values("pk")
                )
            )
        )
    return partnerships.none()


def _open_task_filter(prefix: str = "") -> Q:
    return ~Q(**{f"{prefix}status__in": CLOSED_TASK_STATUSES})


def _task_count(condition: Q) -> Coalesce:
    """The partnership's tasks meeting ``condition``, counted by a subquery on the task table's partnership
    index: only the listed page's partnerships are counted (DESIGN section 7), where a join and GROUP BY
    aggregated every task of every partnership before the page was cut."""
    counted = (
        Task.objects.filter(condition, partnership=OuterRef("pk"))
        .order_by()
        .values("partnership")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def portfolio(
    user: Any, *, stage: str = "", status: str = "", search: str = "", today: dt.date | None = None
) -> QuerySet[Partnership]:
    """Visible partnerships with current-stage progress and overdue counts, filtered."""
    today = today or dt.date.today()
    current_stage = Q(action__stage__key=OuterRef("stage"))
    partnerships = (
        partnerships_visible_to(user)
        .select_related("partner", "joint_venture_company")
        .prefetch_related("councils")
        .annotate(
            stage_done=_task_count(current_stage & Q(status=TaskStatus.DONE)),
            stage_applicable=_task_count(current_stage & ~Q(status=TaskStatus.NOT_APPLICABLE)),
            overdue=_task_count(Q(due_on__lt=today) & _open_task_filter()),
        )
        .order_by("name")
    )
    if stage:
        partnerships = partnerships.filter(stage=stage)
    if status:
        partnerships = partnerships.filter(status=status)
    if search:
        partnerships = partnerships.filter(name__icontains=search)
    return partnerships


@dataclass
class MatrixCell:
    stage: FrameworkStage
    theme: Theme
    total: int = 0
    done: int = 0
    in_progress: int = 0
    not_applicable: int = 0
    overdue: int = 0

    @property
    def applicable(self) -> int:
        return self.total - self.not_applicable

    @property
    def state(self) -> str:
        """complete, overdue, in_progress or not_started: drives the tag colour and its text label."""
        if self.applicable == 0 or self.done == self.applicable:
            return "complete"
        if self.overdue:
            return "overdue"
        if self.done or self.in_progress:
            return "in_progress"
        return "not_started"


@dataclass
class MatrixRow:
    theme: Theme
    cells: list[MatrixCell] = field(default_factory=list)


def framework_matrix(
    partnership: Partnership, *, today: dt.date | None = None
) -> tuple[list[Any], list[MatrixRow]]:
    """The 3 × 8 matrix of task counts for a partnership: stages as columns, themes as rows."""
    today = today or dt.date.today()
    stages = list(FrameworkStage.objects.all())
    themes = list(Theme.objects.all())
    counts = (
        Task.objects.filter(partnership=partnership)
        .values("action__stage_id", "action__theme_id")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status=TaskStatus.DONE)),
            in_progress=Count("id", filter=Q(status=TaskStatus.IN_PROGRESS)),
            not_applicable=Count("id", filter=Q(status=TaskStatus.NOT_APPLICABLE)),
            overdue=Count("id", filter=Q(due_on__lt=today) & _open_task_filter()),
        )
    )
    by_cell = {(row["action__stage_id"], row["action__theme_id"]): row for row in counts}
    rows = []
    for theme in themes:
        row = MatrixRow(theme=theme)
        for stage in stages:
            data: dict[str, Any] = dict(by_cell.get((stage.pk, theme.pk), {}))
            row.cells.append(
                MatrixCell(
                    stage=stage,
                    theme=theme,
                    total=data.get("total", 0),
                    done=data.get("done", 0),
                    in_progress=data.get("in_progress", 0),
                    not_applicable=data.get("not_applicable", 0),
                    overdue=data.get("overdue", 0),
                )
            )
        rows.append(row)
    return stages, rows


@dataclass
class ThemeGroup:
    theme: Theme
    tasks: list[Task]


def stage_tasks(partnership: Partnership, stage_key: str) -> list[ThemeGroup]:
    """The tasks of one stage grouped by theme, for the GOV.UK task list."""
    tasks = (
        Task.objects.filter(partnership=partnership, action__stage__key=stage_key)
        .select_related("action", "action__theme", "owner")
        .order_by("action__theme__order", "action__order")
    )
    groups: dict[int, ThemeGroup] = {}
    for task in tasks:
        theme = task.action.theme
        groups.setdefault(theme.pk, ThemeGroup(theme=theme, tasks=[])).tasks.append(task)
    return list(groups.values())


def task_detail(partnership: Partnership, task_pk: int) -> Task:
    return (
        Task.objects.select_related("action", "action__stage", "action__theme", "owner", "partnership")
        .prefetch_related("action__references", "evidence_links")
        .get(partnership=partnership, pk=task_pk)
    )


# Fields of a task that partner users never see, on its page or in its history.
TASK_COUNCIL_ONLY_FIELDS = ("council_notes",)


def evidence_links(task: Task, *, partner_view: bool) -> list[EvidenceLink]:
    """The task's evidence links, each marked ``withdrawn`` if it cites a withdrawn document; a partner
    user's view leaves out the council-only ones. Two queries."""
    links = EvidenceLink.objects.filter(task=task).select_related("content_type").order_by("created_at", "pk")
    if partner_view:
        links = links.filter(council_only=False)
    found = list(links)
    document_ids = [
        link.object_id
        for link in found
        if (link.content_type.app_label, link.content_type.model) == ("partnerships", "document")
    ]
    withdrawn = set(
        Document.objects.filter(pk__in=document_ids, withdrawn_on__isnull=False).values_list("pk", flat=True)
    )
    for link in found:
        link.withdrawn = link.content_type.model == "document" and link.object_id in withdrawn  # type: ignore[attr-defined]
    return found


def task_history(task: Task, *, partner_view: bool) -> list[HistoryEntry]:
    """The task's own changes merged with evidence linked to and unlinked from it, newest first.

    A partner user's view leaves out council-only fields and council-only links, so even the fact that a
    confidential record was linked is not shown.
    """
    hidden = TASK_COUNCIL_ONLY_FIELDS if partner_view else ()
    rows = EvidenceLink.history.filter(task_id=task.pk, history_type__in=("+", "-")).select_related(
        "history_user"
    )
    if partner_view:
        rows = rows.filter(council_only=False)
    link_entries = [
        entry_for(
            row,
            "Evidence linked" if row.history_type == "+" else "Evidence unlinked",
            row.label
            + (
                f" ({row.history_change_reason})"
                if row.history_type == "-"
                and row.history_change_reason not in ("", None, "Evidence unlinked")
                else ""
            ),
        )
        for row in rows.order_by("-history_date")[:200]
    ]
    return merge_histories(history_of(task, hidden_fields=hidden), link_entries)


def due_tasks(
    user: Any,
    *,
    partnership_id: int | None = None,
    today: dt.date | None = None,
    window_days: int | None = None,
) -> QuerySet[Task]:
    """Open tasks that are overdue or due within the window, most overdue first."""
    today = today or dt.date.today()
    window_days = settings.DUE_SOON_DAYS if window_days is None else window_days
    tasks = (
        Task.objects.filter(partnership__in=partnerships_visible_to(user))
        .filter(_open_task_filter(), due_on__isnull=False, due_on__lte=today + dt.timedelta(days=window_days))
        .select_related("action", "action__stage", "action__theme", "owner", "partnership")
        .order_by("due_on", "partnership__name", "action__code")
    )
    if partnership_id is not None:
        tasks = tasks.filter(partnership_id=partnership_id)
    return tasks


def open_tasks_of_stage(partnership: Partnership) -> list[Task]:
    return list(
        Task.objects.filter(partnership=partnership, action__stage__key=partnership.stage)
        .filter(_open_task_filter())
        .select_related("action", "owner")
        .order_by("action__theme__order", "action__order")
    )


def gate_history(partnership: Partnership) -> QuerySet[StageGate]:
    return StageGate.objects.filter(partnership=partnership).select_related("decided_by")


def stage_progress(partnership: Partnership) -> dict[str, dict[str, int]]:
    """Done and applicable task counts per stage key, in one query."""
    rows = (
        Task.objects.filter(partnership=partnership)
        .values("action__stage__key")
        .annotate(
            done=Count("id", filter=Q(status=TaskStatus.DONE)),
            applicable=Count("id", filter=~Q(status=TaskStatus.NOT_APPLICABLE)),
        )
    )
    progress: dict[str, dict[str, int]] = defaultdict(lambda: {"done": 0, "applicable": 0})
    for row in rows:
        progress[row["action__stage__key"]] = {"done": row["done"], "applicable": row["applicable"]}
    return dict(progress)
