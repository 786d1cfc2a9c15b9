"""Reads of key dates, each a fixed number of queries whatever the number of rows.

A timeline row is either a key date recorded by hand (``record`` set) or a date derived from another record
through the ``key_dates`` extension point (``source`` says where it comes from). Partner users never see a
derived row an area marks council-only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from forbetter.accounts.permissions import can_see_confidential
from forbetter.calc import key_dates as calc
from forbetter.core.key_dates import DatedRow, derived_dates
from forbetter.keydates.models import KeyDate, Kind, Status
from forbetter.partnerships.models import Partnership
from forbetter.partnerships.selectors import partnerships_visible_to

WINDOWS = {"90": "The next 90 days", "year": "The next year", "all": "All dates"}
STATE_LABELS = {
    calc.State.CLOSED: "Closed",
    calc.State.PAST: "Past",
    calc.State.REMINDER_DUE: "Reminder due",
    calc.State.UPCOMING: "Upcoming",
}


@dataclass(frozen=True)
class TimelineRow:
    partnership_id: int
    falls_on: dt.date
    kind: str
    title: str
    owner: str
    remind_on: dt.date | None
    notice_months: int | None
    notice_deadline: dt.date | None
    state: calc.State
    notice_passed: bool
    record: KeyDate | None = None
    source: str = ""
    source_url: str = ""
    is_next: bool = False
    partnership_name: str = ""

    @property
    def kind_label(self) -> str:
        return str(dict(Kind.choices).get(self.kind, self.kind))

    @property
    def state_label(self) -> str:
        if self.record is not None and self.record.status != Status.OPEN:
            return self.record.get_status_display()
        return STATE_LABELS[self.state]

    @property
    def derived(self) -> bool:
        return self.record is None


def recorded_row(key_date: KeyDate, today: dt.date, name: str = "") -> TimelineRow:
    deadline = key_date.notice_deadline
    return TimelineRow(
        partnership_id=key_date.partnership_id,
        falls_on=key_date.falls_on,
        kind=key_date.kind,
        title=key_date.title,
        owner=key_date.owner,
        remind_on=key_date.remind_on,
        notice_months=key_date.notice_months if key_date.kind in calc.WITH_NOTICE else None,
        notice_deadline=deadline,
        state=calc.state(key_date.falls_on, key_date.remind_on, today, closed=key_date.closed),
        notice_passed=deadline is not None and not key_date.closed and deadline < today <= key_date.falls_on,
        record=key_date,
        partnership_name=name,
    )


def _derived_row(row: DatedRow, today: dt.date, name: str = "") -> TimelineRow:
    return TimelineRow(
        partnership_id=row.partnership_id,
        falls_on=row.falls_on,
        kind=row.kind,
        title=row.title,
        owner="",
        remind_on=row.remind_on,
        notice_months=None,
        notice_deadline=None,
        state=calc.state(row.falls_on, row.remind_on, today),
        notice_passed=False,
        source=row.source,
        source_url=row.source_url,
        partnership_name=name,
    )


def _sorted(rows: Iterable[TimelineRow], today: dt.date, *, mark_next: bool = True) -> list[TimelineRow]:
    """Chronological (recorded before derived on the same day); the next date marked (rule KEYDATE-STATE)."""
    ordered = sorted(rows, key=lambda r: (r.falls_on, r.derived, r.partnership_name, r.title))
    if not mark_next:
        return ordered
    found = calc.next_index([(r.falls_on, r.state == calc.State.CLOSED) for r in ordered], today)
    if found is None:
        return ordered
    ordered[found] = TimelineRow(**{**ordered[found].__dict__, "is_next": True})
    return ordered


def timeline(partnership: Partnership, user: Any, today: dt.date, *, kind: str = "") -> list[TimelineRow]:
    """Every key date of the partnership, recorded and derived, chronologically; of one kind if ``kind``.
    One query for the recorded dates, plus each area's provider's own."""
    return timeline_for(partnership, today, council=can_see_confidential(user), kind=kind)


def timeline_for(
    partnership: Partnership, today: dt.date, *, council: bool, kind: str = ""
) -> list[TimelineRow]:
    """The timeline as a council user (``council``) or a partner user sees it (the board pack's too)."""
    recorded = KeyDate.objects.filter(partnership=partnership).select_related("closed_by")
    if kind:
        recorded = recorded.filter(kind=kind)
    rows = [recorded_row(key_date, today) for key_date in recorded]
    for row in derived_dates([partnership], council=council):
        if not kind or row.kind == kind:
            rows.append(_derived_row(row, today))
    return _sorted(rows, today)


def portfolio(user: Any, today: dt.date, *, kind: str = "", window: str = "year") -> list[TimelineRow]:
    """The key dates, recorded and derived, of every partnership ``user`` may see (and no other), of one
    kind if ``kind``, within the ``window`` from today (``"90"``, ``"year"`` or ``"all"``, which includes
    past dates). Two queries, plus each area's provider's own, whatever the number of rows."""
    partnerships = list(partnerships_visible_to(user).order_by("name"))
    names = {p.pk: p.name for p in partnerships}
    end = calc.window_end(today, window)
    recorded = KeyDate.objects.filter(partnership_id__in=list(names)).select_related("closed_by")
    if kind:
        recorded = recorded.filter(kind=kind)
    if window != "all":
        recorded = recorded.filter(falls_on__gte=today, falls_on__lte=end)
    rows = [recorded_row(key_date, today, names[key_date.partnership_id]) for key_date in recorded]
    for row in derived_dates(partnerships, council=can_see_confidential(user)):
        if kind and row.kind != kind:
            continue
        if end is not None and not today <= row.falls_on <= end:
            continue
        rows.append(_derived_row(row, today, names.get(row.partnership_id, "")))
    return _sorted(rows, today, mark_next=False)


def reminders_due(user: Any, today: dt.date) -> QuerySet[KeyDate]:
    """The open key dates, of partnerships ``user`` may see, whose reminder date has come (on or before
    ``today``) and whose date has not yet passed: what to remind people of today. Issue 14 sends reminders
    from this. One query, earliest date first; each row's ``partnership`` is read with it."""
    return (
        KeyDate.objects.filter(
            partnership__in=partnerships_visible_to(user),
            status=Status.OPEN,
            remind_on__lte=today,
            falls_on__gte=today,
        )
        .select_related("partnership")
        .order_by("falls_on", "partnership__name", "pk")
    )


def at_a_glance(partnership: Partnership, today: dt.date | None = None) -> dict[str, Any]:
    """For the overview, in two queries: ``next`` (the next open key date, recorded or derived, as a
    :class:`TimelineRow`, or ``None``) and ``reminders_due`` (how many open key dates have a reminder due).
    Derived rows an area marks council-only are left out, as the overview is also the partner's."""
    from django.utils import timezone

    today = today or timezone.localdate()
    upcoming = (
        KeyDate.objects.filter(partnership=partnership, status=Status.OPEN, falls_on__gte=today)
        .order_by("falls_on", "pk")
        .first()
    )
    due = KeyDate.objects.filter(
        partnership=partnership, status=Status.OPEN, remind_on__lte=today, falls_on__gte=today
    ).count()
    rows = [recorded_row(upcoming, today)] if upcoming else []
    rows += [
        _derived_row(row, today)
        for row in derived_dates([partnership], council=False)
        if row.falls_on >= today
    ]
    ordered = _sorted(rows, today)
    return {"next": next((row for row in ordered if row.is_next), None), "reminders_due": due}
