"""Risk reviews coming due or overdue, for the reminders list and email digest (see
:mod:`forbetter.core.reminders`): each open risk's next review date. The register is read by the partner
too, so these are not council-only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from django.urls import reverse

from forbetter.core.reminders import Reminder, horizon
from forbetter.risks.models import Risk, RiskStatus


def risk_review_reminders(partnerships: Sequence[Any], today: dt.date) -> Iterator[Reminder]:
    """Open risks whose next review falls on or before the horizon: one query."""
    risks = Risk.objects.filter(
        partnership__in=[partnership.pk for partnership in partnerships],
        status=RiskStatus.OPEN,
        next_review_on__lte=horizon(today),
    ).select_related("owner")
    for risk in risks.order_by("next_review_on", "number"):
        yield Reminder(
            partnership_id=risk.partnership_id,
            kind="risk_review",
            kind_label="Risk review",
            record_key=f"risk:{risk.pk}",
            title=f"Review risk {risk}",
            due_on=risk.next_review_on,
            url=reverse("risks:risk", args=[risk.partnership_id, risk.pk]),
            concerns_user_id=risk.owner_id,
            detail=f"Owner: {risk.owner}" if risk.owner else "No owner",
        )
