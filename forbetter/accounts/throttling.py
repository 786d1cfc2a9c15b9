"""Login throttling (django-axes): whose address a failure counts against, and what a locked-out person reads.

Axes pauses sign-in to an account from one address after ``AXES_FAILURE_LIMIT`` wrong passwords. With a
cool-off (``AXES_COOLOFF_TIME``) the pause lifts by itself that long after the failure that caused it;
trying again while paused neither works nor lengthens the pause
(``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False``). Without a cool-off it lasts until an
administrator lifts it. The page says which, and when.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from http import HTTPStatus
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def client_ip_address(request: HttpRequest) -> str:
    """The address a sign-in attempt came from, as far as we can trust it.

    Each of the ``TRUSTED_PROXY_COUNT`` reverse proxies in front of the app appends the address it was
    connected from to ``X-Forwarded-For``, so the client is that many entries from the right; entries further
    left were sent by the client and may be forged. With no proxies it is the connection's own address.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote


def duration_in_words(duration: timedelta) -> str:
    """A wait in plain English, rounded up to whole minutes: "1 minute", "1 hour and 30 minutes"."""
    minutes = max(1, math.ceil(duration.total_seconds() / 60))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [
        f"{count} {unit}{'' if count == 1 else 's'}"
        for count, unit in ((days, "day"), (hours, "hour"), (minutes, "minute"))
        if count
    ]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _unlock_time(attempts: QuerySet[Any], *, limit: int, cool_off: timedelta) -> datetime | None:
    """When the failures in ``attempts`` (one row per browser, each with its latest failure's time) stop
    reaching the limit: the pause lifts once the row that brings the newest-first running total to the limit
    is older than the cool-off. None when they do not reach it."""
    total = 0
    for failures, attempt_time in attempts.order_by("-attempt_time").values_list(
        "failures_since_start", "attempt_time"
    ):
        total += failures
        if total >= limit:
            return attempt_time + cool_off
    return None


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The "Sign-in paused" page (``AXES_LOCKOUT_CALLABLE``), saying truthfully how the pause ends."""
    limit = get_failure_limit(request, credentials)
    cool_off = get_cool_off(request)
    context: dict[str, Any] = {"failure_limit": limit, "username": get_client_username(request, credentials)}
    if cool_off:
        now = timezone.now()
        unlock_times = [
            _unlock_time(attempts, limit=limit, cool_off=cool_off)
            for attempts in AxesDatabaseHandler().get_user_attempts(request, credentials)
        ]
        unlock_at = max((when for when in unlock_times if when is not None), default=now + cool_off)
        context |= {
            "cool_off": duration_in_words(cool_off),
            "unlock_at": unlock_at,
            "unlock_today": timezone.localdate(unlock_at) == timezone.localdate(now),
            "wait": duration_in_words(unlock_at - now),
        }
    return render(request, "accounts/locked_out.html", context, status=HTTPStatus.TOO_MANY_REQUESTS)
