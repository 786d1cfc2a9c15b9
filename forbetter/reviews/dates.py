"""When each partnership's next whole-partnership review is due, offered to the key-dates timeline through
the ``key_dates`` extension point (:mod:`forbetter.core.key_dates`), so the date is never typed twice.

The date comes from the council's review interval and the last completed review (rule REVIEW-DUE), both
council records, so the row is council-only (decision record 0030): partner users do not see it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import Max
from django.urls import reverse

from forbetter.calc import key_dates as key_dates_calc
from forbetter.calc import partnership_review as review_calc
from forbetter.core.key_dates import DatedRow
from forbetter.reviews.models import PartnershipReview, ReviewSchedule, ReviewStatus


def next_reviews(partnerships: Sequence[Any]) -> Iterator[DatedRow]:
    """The next review due of each partnership that is running or has had a review: two queries."""
    ids = [partnership.pk for partnership in partnerships]
    intervals = dict(
        ReviewSchedule.objects.filter(partnership_id__in=ids).values_list("partnership_id", "interval_years")
    )
    last_completed = dict(
        PartnershipReview.objects.filter(partnership_id__in=ids, status=ReviewStatus.COMPLETED)
        .values("partnership_id")
        .annotate(last=Max("completed_on"))
        .values_list("partnership_id", "last")
    )
    for partnership in partnerships:
        interval = intervals.get(partnership.pk, review_calc.DEFAULT_INTERVAL_YEARS)
        last = last_completed.get(partnership.pk)
        due = review_calc.next_review_due(
            last_completed_on=last,
            service_started_on=partnership.contract_management_began_on or partnership.planned_start_on,
            interval_years=interval,
        )
        if due is None:
            continue
        since = f"the last completed review of {last:%-d %B %Y}" if last else "the start of the service"
        yield DatedRow(
            partnership_id=partnership.pk,
            falls_on=due,
            kind=key_dates_calc.REVIEW_POINT,
            title="Next review of the whole partnership due",
            source=f"From the partnership reviews: every {interval} year{'s' if interval != 1 else ''} "
            f"from {since}",
            remind_on=key_dates_calc.default_reminder(key_dates_calc.REVIEW_POINT, due),
            source_url=reverse("reviews:list", args=[partnership.pk]),
            council_only=True,
        )
