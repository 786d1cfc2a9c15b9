"""Partnership reviews planned and not yet completed, for the reminders list and email digest (see
:mod:`forbetter.core.reminders`). A planned review is a council record (decision record 0030), so its
reminder is council-only. The *next* review due by the council's interval comes in through the key dates
(:mod:`forbetter.reviews.dates`), so it is not repeated here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from django.urls import reverse

from forbetter.calc.dates import long_date
from forbetter.core.reminders import Reminder, horizon
from forbetter.reviews.models import PartnershipReview, ReviewStatus


def review_reminders(partnerships: Sequence[Any], today: dt.date) -> Iterator[Reminder]:
    """Reviews planned on or before the horizon and not completed: one query."""
    reviews = PartnershipReview.objects.filter(
        partnership__in=[partnership.pk for partnership in partnerships],
        planned_on__lte=horizon(today),
    ).exclude(status=ReviewStatus.COMPLETED)
    for review in reviews.order_by("planned_on", "pk"):
        yield Reminder(
            partnership_id=review.partnership_id,
            kind="partnership_review",
            kind_label="Partnership review",
            record_key=f"review:{review.pk}",
            title=str(review),
            due_on=review.planned_on,
            url=reverse("reviews:review", args=[review.partnership_id, review.pk]),
            council_only=True,
            detail=f"Planned for {long_date(review.planned_on)}; {review.get_status_display().lower()}",
        )
