"""Reads for the API, each in a fixed number of queries whatever the row count. Every one starts from the
partnership the pages would show this user (``partnerships_visible_to``) and keeps the pages' rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from forbetter.api.models import ApiToken
from forbetter.partnerships.models import Partnership, Task
from forbetter.partnerships.selectors import partnerships_visible_to
from forbetter.performance import selectors as performance
from forbetter.performance.models import KpiReturn
from forbetter.risks.models import Risk


def partnerships_for(user: Any) -> QuerySet[Partnership]:
    return (
        partnerships_visible_to(user)
        .select_related("partner", "joint_venture_company")
        .prefetch_related("councils", "services")
        .order_by("name")
    )


def partnership_for(user: Any, pk: int) -> Partnership:
    """The partnership, or 404 if it does not exist or this user may not see it (as the pages)."""
    return get_object_or_404(partnerships_for(user), pk=pk)


def tasks_of(
    partnership: Partnership, *, stage: str = "", theme: str = "", status: str = ""
) -> QuerySet[Task]:
    tasks = Task.objects.filter(partnership=partnership).select_related(
        "action", "action__stage", "action__theme", "owner"
    )
    if stage:
        tasks = tasks.filter(action__stage__key=stage)
    if theme:
        tasks = tasks.filter(action__theme__key=theme)
    if status:
        tasks = tasks.filter(status=status)
    return tasks.order_by("action__stage__order", "action__theme__order", "action__order")


def risks_of(
    partnership: Partnership, *, status: str = "", category: str = "", allocation: str = ""
) -> QuerySet[Risk]:
    risks = Risk.objects.filter(partnership=partnership).select_related("category", "owner")
    if status:
        risks = risks.filter(status=status)
    if category:
        risks = risks.filter(category__code=category)
    if allocation:
        risks = risks.filter(allocation=allocation)
    return risks.order_by("number")


def returns_of(
    partnership: Partnership, *, kpi: int | None = None, period: dt.date | None = None, status: str = ""
) -> QuerySet[KpiReturn]:
    returns = performance.returns_for(partnership, status=status, kpi_id=kpi)
    if period is not None:
        returns = returns.filter(period=period)
    return returns


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)
