"""KPI returns and indicator reviews coming due or overdue, for the reminders list and email digest (see
:mod:`forbetter.core.reminders`).

A return is due ``return_due_days`` after its period ends (rule KPI-RETURN-LATE); it is expected for every
period of an agreed KPI in use while the contract is in contract management (rule KPI-RETURNS-AGREED), from
the KPI's first period. A period with no return at all is reminded; a return once submitted, whatever the
council then decides, is no longer "due". Only returns due within the last :data:`LOOKBACK_DAYS` are
reminded: older gaps stay on the KPI's returns page and in the persistent-breach record, rather than
filling everyone's inbox. The partner submits returns, so these are not council-only; an indicator review
is listed on a page the partner reads too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from dateutil.relativedelta import relativedelta
from django.urls import reverse

from forbetter.core.reminders import Reminder, horizon
from forbetter.partnerships.models import Stage
from forbetter.performance.models import IndicatorReview, Kpi, KpiAgreement, KpiReturn, KpiState
from forbetter.performance.periods import MONTHS_IN, period_label
from forbetter.performance.rules import return_due_on

LOOKBACK_DAYS = 366
"""Missing returns due up to a year ago are reminded; older ones are left to the returns page."""


def _due_periods(kpi: Kpi, earliest: dt.date, latest: dt.date) -> Iterator[tuple[dt.date, dt.date]]:
    """(period, due date) of the KPI's periods whose return falls due between ``earliest`` and ``latest``."""
    step = relativedelta(months=MONTHS_IN[kpi.frequency])
    period = kpi.first_period
    while True:
        due = return_due_on(period, frequency=kpi.frequency, due_days=kpi.return_due_days)
        if due > latest:
            return
        if due >= earliest:
            yield period, due
        period += step


def kpi_reminders(partnerships: Sequence[Any], today: dt.date) -> Iterator[Reminder]:
    """Missing returns of agreed KPIs in use of partnerships in contract management, and indicator reviews
    not done, due on or before the horizon: three queries."""
    ids = [partnership.pk for partnership in partnerships]
    latest = horizon(today)
    earliest = today - dt.timedelta(days=LOOKBACK_DAYS)
    kpis = list(
        Kpi.objects.filter(
            partnership__in=ids,
            partnership__stage=Stage.CONTRACT_MANAGEMENT,
            state=KpiState.ACTIVE,
            agreement=KpiAgreement.AGREED,
        ).order_by("reference", "pk")
    )
    received = set(
        KpiReturn.objects.filter(
            kpi__in=[kpi.pk for kpi in kpis], period__gte=earliest - relativedelta(months=12)
        ).values_list("kpi_id", "period")
    )
    for kpi in kpis:
        for period, due in _due_periods(kpi, earliest, latest):
            if (kpi.pk, period) in received:
                continue
            label = period_label(period, kpi.frequency)
            yield Reminder(
                partnership_id=kpi.partnership_id,
                kind="kpi_return",
                kind_label="KPI return",
                record_key=f"kpi:{kpi.pk}:{period.isoformat()}",
                title=f"{kpi.reference} {kpi.name}: return for {label}",
                due_on=due,
                url=reverse("performance:kpi", args=[kpi.partnership_id, kpi.pk]),
                concerns_user_id=kpi.owner_id,
                detail=f"Due {kpi.return_due_days} days after the period ends; no return received yet",
            )
    reviews = IndicatorReview.objects.filter(
        kpi__partnership__in=ids, reviewed_on__isnull=True, due_on__lte=latest
    ).select_related("kpi")
    for review in reviews.order_by("due_on", "pk"):
        yield Reminder(
            partnership_id=review.kpi.partnership_id,
            kind="kpi_review",
            kind_label="Indicator review",
            record_key=f"indicator-review:{review.pk}",
            title=f"Review of {review.kpi.reference} {review.kpi.name}",
            due_on=review.due_on,
            url=reverse("performance:reviews", args=[review.kpi.partnership_id]),
            concerns_user_id=review.kpi.owner_id,
            detail="Does the KPI still measure the right thing?",
        )
