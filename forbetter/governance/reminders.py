"""Governance actions coming due or overdue, for the reminders list and email digest (see
:mod:`forbetter.core.reminders`): open actions agreed at meetings, each with its owner."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from django.urls import reverse

from forbetter.core.reminders import Reminder, horizon
from forbetter.governance.models import ActionStatus, GovernanceAction


def action_reminders(partnerships: Sequence[Any], today: dt.date) -> Iterator[Reminder]:
    """Open governance actions due on or before the horizon: one query. Each links to the actions list,
    which everyone who sees the partnership reads (the edit page is for editors)."""
    actions = GovernanceAction.objects.filter(
        partnership__in=[partnership.pk for partnership in partnerships],
        status=ActionStatus.OPEN,
        due_on__lte=horizon(today),
    ).select_related("owner", "meeting__forum")
    for action in actions.order_by("due_on", "pk"):
        yield Reminder(
            partnership_id=action.partnership_id,
            kind="governance_action",
            kind_label="Governance action",
            record_key=f"governance-action:{action.pk}",
            title=str(action),
            due_on=action.due_on,
            url=reverse("governance:actions", args=[action.partnership_id]),
            concerns_user_id=action.owner_id,
            detail=f"Owner: {action.owner}; agreed at {action.meeting}",
        )
