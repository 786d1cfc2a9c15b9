"""The notices' due dates, offered to the key-dates timeline through the ``key_dates`` extension point
(:mod:`forbetter.core.key_dates`), so they are never typed twice and reminders can pick them up: each notice
not yet recorded as published, for partnerships under the Procurement Act 2023.

Contract change notices are left to the contract-changes register (whether one is needed takes the whole
change history); the performance notice after a failure not improved is the remedies area's date."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from django.urls import reverse
from django.utils import timezone

from forbetter.calc import key_dates as key_dates_calc
from forbetter.calc import notice_calendar as rules
from forbetter.core.key_dates import DatedRow
from forbetter.notices.models import Invoice, Publication
from forbetter.partnerships.procurement import act_applies

REMIND_DAYS_BEFORE = 14
"""Two weeks before a notice is due: time to draft it and have it signed off."""


def notice_deadlines(partnerships: Sequence[Any], *, today: dt.date | None = None) -> Iterator[DatedRow]:
    """Unpublished notices' due dates for the partnerships under the Act: two queries (invoices, and
    publications) plus none per partnership (contract years start from the contract start date)."""
    today = today or timezone.localdate()
    under_act = {p.pk: p for p in partnerships if act_applies(p)}
    if not under_act:
        return
    days: dict[int, list[dt.date]] = defaultdict(list)
    for partnership_id, received, paid in Invoice.objects.filter(partnership_id__in=under_act).values_list(
        "partnership_id", "received_on", "paid_on"
    ):
        days[partnership_id].append(received)
        if paid is not None:
            days[partnership_id].append(paid)
    published = set(
        Publication.objects.filter(partnership_id__in=under_act).values_list(
            "partnership_id", "notice", "key"
        )
    )
    for pk, partnership in under_act.items():
        due: list[rules.DueNotice] = []
        entered = partnership.contract_management_began_on
        if entered is not None:
            due.append(rules.contract_details_due(entered))
            due.extend(
                rules.performance_notices_due(
                    entered.replace(day=1), today=today, ended_on=partnership.ended_on
                )
            )
        if partnership.ended_on is not None:
            due.append(rules.termination_due(partnership.ended_on))
        due.extend(rules.payments_compliance_due(days[pk], today=today))
        for notice in due:
            if (pk, notice.notice.value, notice.key) in published:
                continue
            yield DatedRow(
                partnership_id=pk,
                falls_on=notice.due_on,
                kind=key_dates_calc.NOTICE_DEADLINE,
                title=f"{notice.notice} {notice.title}: last day to publish",
                source=f"From the Procurement Act notices calendar. {notice.rule}",
                remind_on=notice.due_on - dt.timedelta(days=REMIND_DAYS_BEFORE),
                source_url=reverse("notices:overview", args=[pk]),
            )
