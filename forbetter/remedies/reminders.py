"""Rectification-plan actions coming due or overdue, for the reminders list and email digest (see
:mod:`forbetter.core.reminders`). The notices' and plans' own deadlines, and the last day to publish a
contract performance notice, come in through the key dates (:mod:`forbetter.remedies.dates`), so they are
not repeated here. The partner is a party to every remedies record (decision record 0029): none is
council-only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from django.urls import reverse

from forbetter.core.reminders import Reminder, horizon
from forbetter.remedies.models import OPEN_PLAN_STATUSES, PlanAction


def plan_action_reminders(partnerships: Sequence[Any], today: dt.date) -> Iterator[Reminder]:
    """Actions not done, of open rectification plans, due on or before the horizon: one query."""
    actions = PlanAction.objects.filter(
        plan__partnership__in=[partnership.pk for partnership in partnerships],
        plan__status__in=OPEN_PLAN_STATUSES,
        done_on__isnull=True,
        due_on__lte=horizon(today),
    ).select_related("plan")
    for action in actions.order_by("due_on", "pk"):
        description = action.description if len(action.description) <= 80 else action.description[:77] + "..."
        yield Reminder(
            partnership_id=action.plan.partnership_id,
            kind="plan_action",
            kind_label="Rectification plan action",
            record_key=f"plan-action:{action.pk}",
            title=f"{action.plan.reference}: {description}",
            due_on=action.due_on,
            url=reverse("remedies:plan", args=[action.plan.partnership_id, action.plan_id]),
            detail=f"Owner: {action.owner}",
        )
