"""Reads of reminders: a user's list, across the partnerships they see, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from forbetter.accounts.permissions import can_see_confidential
from forbetter.core.reminders import Reminder, collect
from forbetter.partnerships.models import Partnership
from forbetter.partnerships.selectors import partnerships_visible_to
from forbetter.reminders.models import ReminderPreference


@dataclass(frozen=True)
class ReminderList:
    reminders: list[Reminder]
    partnerships: list[Partnership]
    kinds: list[tuple[str, str]] = field(default_factory=list)
    """The kinds present before filtering, as (key, label), for the filter."""

    @property
    def overdue(self) -> int:
        return sum(1 for reminder in self.reminders if reminder.overdue)

    @property
    def coming_due(self) -> int:
        return len(self.reminders) - self.overdue


def reminders_for(
    user: Any,
    today: dt.date,
    *,
    partnership_id: int | None = None,
    kind: str = "",
    mine: bool = False,
) -> ReminderList:
    """What is overdue then coming due in the partnerships ``user`` sees (only ``partnership_id`` if given),
    never council-only reminders for partner users; of one ``kind`` if given, and only those naming the user
    if ``mine``. One query for the partnerships, plus each area's provider's own."""
    partnerships = list(partnerships_visible_to(user).order_by("name"))
    chosen = [p for p in partnerships if partnership_id is None or p.pk == partnership_id]
    found = collect(chosen, today, council=can_see_confidential(user))
    kinds = sorted({(r.kind, r.kind_label.split(":")[0]) for r in found}, key=lambda pair: pair[1])
    if kind:
        found = [r for r in found if r.kind == kind]
    if mine:
        found = [r for r in found if r.concerns_user_id == user.pk]
    return ReminderList(reminders=found, partnerships=partnerships, kinds=kinds)


def wants_email(user: Any) -> bool:
    """True unless the user has turned the reminders email off (one query)."""
    preference = ReminderPreference.objects.filter(user=user).first()
    return preference is None or preference.email_digest


def preference_of(user: Any) -> ReminderPreference:
    """The user's saved choice, or an unsaved default (emails on)."""
    return ReminderPreference.objects.filter(user=user).first() or ReminderPreference(user=user)
