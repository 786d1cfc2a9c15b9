"""Framework tasks coming due or overdue, for the reminders list and email digest (see
:mod:`forbetter.core.reminders`): the same open tasks the "Overdue and due soon" page lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from django.urls import reverse

from forbetter.core.reminders import Reminder, horizon
from forbetter.partnerships.models import CLOSED_TASK_STATUSES, Task


def task_reminders(partnerships: Sequence[Any], today: dt.date) -> Iterator[Reminder]:
    """Open tasks with a due date on or before the horizon: one query."""
    tasks = (
        Task.objects.filter(
            partnership__in=[partnership.pk for partnership in partnerships],
            due_on__isnull=False,
            due_on__lte=horizon(today),
        )
        .exclude(status__in=CLOSED_TASK_STATUSES)
        .select_related("action", "owner")
    )
    for task in tasks.order_by("due_on", "action__code"):
        assert task.due_on is not None  # filtered above
        yield Reminder(
            partnership_id=task.partnership_id,
            kind="framework_task",
            kind_label="Framework task",
            record_key=f"task:{task.pk}",
            title=f"{task.action.code} {task.action.title}",
            due_on=task.due_on,
            url=reverse("partnerships:task", args=[task.partnership_id, task.pk]),
            concerns_user_id=task.owner_id,
            detail=f"Owner: {task.owner}" if task.owner else "No owner",
        )
