"""The remedies ladder's deadlines, offered to the key-dates timeline through the ``key_dates`` extension
point (:mod:`forbetter.core.key_dates`), so they are never typed twice: each open warning notice's date to
remedy by, each open rectification plan's due date, and, under the Procurement Act 2023, the last day to
publish the contract performance notice for a failure not improved (rule PA23-S71-NOTICE). The partner is a
party to all three (decision record 0029), so none is council-only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from django.urls import reverse

from forbetter.calc import key_dates as key_dates_calc
from forbetter.calc import remedies as calc
from forbetter.core.key_dates import DatedRow
from forbetter.remedies.models import (
    OPEN_PLAN_STATUSES,
    NoticeStatus,
    RectificationPlan,
    UnimprovedFailure,
    WarningNotice,
)

REMIND_DAYS_BEFORE = 14
"""A remedy deadline's reminder: two weeks before, enough to check progress with the partner."""


def _remind(day: dt.date, since: dt.date) -> dt.date:
    """Two weeks before ``day``, but not before the record began (``since``)."""
    return max(day - dt.timedelta(days=REMIND_DAYS_BEFORE), since)


def remedy_deadlines(partnerships: Sequence[Any]) -> Iterator[DatedRow]:
    """Open notices' and plans' deadlines and unpublished performance notices' due dates: three queries."""
    by_id = {partnership.pk: partnership for partnership in partnerships}
    notices = WarningNotice.objects.filter(partnership_id__in=by_id, status=NoticeStatus.OPEN)
    for notice in notices.order_by("remedy_by", "pk"):
        yield DatedRow(
            partnership_id=notice.partnership_id,
            falls_on=notice.remedy_by,
            kind=key_dates_calc.REMEDY_DEADLINE,
            title=f"Warning notice {notice.reference}: the date to remedy by",
            source=f"From the warning notice served on {notice.served_on:%-d %B %Y}",
            remind_on=_remind(notice.remedy_by, notice.served_on),
            source_url=reverse("remedies:notices", args=[notice.partnership_id]),
        )
    plans = RectificationPlan.objects.filter(
        partnership_id__in=by_id, status__in=OPEN_PLAN_STATUSES, due_on__isnull=False
    )
    for plan in plans.order_by("due_on", "pk"):
        assert plan.due_on is not None  # filtered above
        yield DatedRow(
            partnership_id=plan.partnership_id,
            falls_on=plan.due_on,
            kind=key_dates_calc.REMEDY_DEADLINE,
            title=f"Rectification plan {plan.reference} due",
            source=f"From the rectification plan requested on {plan.requested_on:%-d %B %Y}",
            remind_on=_remind(plan.due_on, plan.requested_on),
            source_url=reverse("remedies:plan", args=[plan.partnership_id, plan.pk]),
        )
    failures = UnimprovedFailure.objects.filter(partnership_id__in=by_id, notice_published_on__isnull=True)
    for failure in failures.order_by("found_on", "pk"):
        partnership = by_id[failure.partnership_id]
        performance_notice = calc.performance_notice(
            regime=partnership.procurement_regime,
            found_on=failure.found_on,
            published_on=None,
            today=failure.found_on,
        )
        due_on = performance_notice.due_on
        if due_on is None:  # not under the Act, or the regime is not recorded
            continue
        yield DatedRow(
            partnership_id=failure.partnership_id,
            falls_on=due_on,
            kind=key_dates_calc.NOTICE_DEADLINE,
            title="Last day to publish the contract performance notice",
            source=f"From the failure not improved, found on {failure.found_on:%-d %B %Y} (Procurement Act "
            "2023, section 71: within 30 days)",
            remind_on=failure.found_on,
            source_url=reverse("remedies:failures", args=[failure.partnership_id]),
        )
