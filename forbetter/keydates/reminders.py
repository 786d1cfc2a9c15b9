"""Key dates whose reminder has come, for the reminders list and email digest (see
:mod:`forbetter.core.reminders`): the open key dates recorded by hand and every area's derived dates
(contract expiry, remedy deadlines, notice deadlines, the next partnership review, and any date an area
offers through ``key_dates``), so break points, notices and the like are reminded once, from the date
each one says to be reminded.

A recorded key date still open after its date is overdue until someone marks it done or dismissed. A derived
date is offered by its area only while its record is open, but some dates simply pass (a contract expiry, a
break point, an insurance expiry): once past they are history, not overdue, so only the deadlines in
:data:`STAYS_OVERDUE` are reminded after their date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from django.urls import reverse

from forbetter.calc import key_dates as calc
from forbetter.calc.dates import long_date
from forbetter.core.key_dates import derived_dates
from forbetter.core.reminders import Reminder
from forbetter.keydates.models import KeyDate, Kind, Status

STAYS_OVERDUE = frozenset({calc.REMEDY_DEADLINE, calc.NOTICE_DEADLINE, calc.REVIEW_POINT})
"""Derived deadlines that are still to be met after their date (their areas stop offering them once met)."""

KIND_LABELS = dict(Kind.choices)


def key_date_reminders(partnerships: Sequence[Any], today: dt.date) -> Iterator[Reminder]:
    """Open recorded key dates whose reminder date has come, and derived dates likewise: one query plus
    each area's ``key_dates`` provider's own."""
    ids = [partnership.pk for partnership in partnerships]
    recorded = KeyDate.objects.filter(partnership__in=ids, status=Status.OPEN, remind_on__lte=today)
    for key_date in recorded.order_by("falls_on", "pk"):
        deadline = key_date.notice_deadline
        notes = [f"Owner: {key_date.owner}" if key_date.owner else "No owner named"]
        if deadline is not None:
            notes.append(f"notice must be given by {long_date(deadline)}")
        yield Reminder(
            partnership_id=key_date.partnership_id,
            kind="key_date",
            kind_label=f"Key date: {key_date.get_kind_display().lower()}",
            record_key=f"key-date:{key_date.pk}",
            title=key_date.title,
            due_on=key_date.falls_on,
            remind_from=key_date.remind_on,
            url=reverse("keydates:key-date", args=[key_date.partnership_id, key_date.pk]),
            detail="; ".join(notes),
        )
    for row in derived_dates(partnerships, council=True):
        if row.remind_on is None or row.remind_on > today:
            continue
        if row.falls_on < today and row.kind not in STAYS_OVERDUE:
            continue
        label = str(KIND_LABELS.get(row.kind, row.kind)).lower()
        yield Reminder(
            partnership_id=row.partnership_id,
            kind="key_date",
            kind_label=f"Key date: {label}",
            record_key=f"derived:{row.partnership_id}:{row.kind}:{row.title}",
            title=row.title,
            due_on=row.falls_on,
            remind_from=row.remind_on,
            url=row.source_url or reverse("keydates:timeline", args=[row.partnership_id]),
            council_only=row.council_only,
            detail=row.source,
        )
