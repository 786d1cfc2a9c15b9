"""Writes to key dates. Keyword-only, one transaction each, council editors only, history recorded.

Bad input is refused with a ``ValidationError`` keyed by field, and nothing is saved:

- a date before the contract starts (the partnership's planned start, else the day contract management
  began), naming that day;
- a reminder after the date itself;
- a notice period on a kind that has none, or none on a break point or an extension option;
- a date outside 1990 to 2100 (rule INPUT-DATE-PLAUSIBLE).

A break point whose last day to give notice has already passed is saved (it is still a fact of the
contract) but flagged: see :func:`notice_passed`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from forbetter.accounts.permissions import can_edit
from forbetter.calc import key_dates as calc
from forbetter.calc.dates import long_date
from forbetter.core.forms import check_date
from forbetter.core.history import save_as
from forbetter.keydates.models import KeyDate, Kind, Status
from forbetter.partnerships.models import Partnership

FIELDS = ("kind", "falls_on", "title", "details", "owner", "remind_on", "notice_months")


def _require_editor(user: Any) -> None:
    if not can_edit(user):
        raise PermissionDenied("Only council editors and administrators can change key dates")


def contract_start(partnership: Partnership) -> tuple[dt.date | None, str]:
    """The day the contract starts and where that comes from: the partnership's planned start, else the day
    contract management began; ``(None, "")`` if neither is recorded."""
    if partnership.planned_start_on is not None:
        return partnership.planned_start_on, "the partnership's planned start"
    if partnership.contract_management_began_on is not None:
        return partnership.contract_management_began_on, "the day contract management began"
    return None, ""


def notice_passed(key_date: KeyDate, today: dt.date | None = None) -> bool:
    """A break point or extension option, not closed, whose last day to give notice is before ``today``
    while the date itself is not: notice can no longer be given in time."""
    today = today or timezone.localdate()
    deadline = key_date.notice_deadline
    return deadline is not None and key_date.status == Status.OPEN and deadline < today <= key_date.falls_on


def _check(key_date: KeyDate, partnership: Partnership) -> None:
    errors: dict[str, str] = {}
    if not key_date.kind:
        errors["kind"] = "Choose what kind of key date this is"
    elif key_date.kind not in Kind.values:
        errors["kind"] = "Choose one of the kinds listed"
    if not (key_date.title or "").strip():
        errors["title"] = "Enter what the key date is, for example “Break at the end of year 7”"
    if key_date.falls_on is None:
        errors["falls_on"] = "Enter the date"
    else:
        try:
            check_date(key_date.falls_on, label="the date")
        except ValidationError as error:
            errors["falls_on"] = error.messages[0]
    if key_date.remind_on is not None:
        try:
            check_date(key_date.remind_on, label="the reminder date")
        except ValidationError as error:
            errors["remind_on"] = error.messages[0]
    if errors:
        raise ValidationError(errors)
    kind_label = Kind(key_date.kind).label.lower()
    if key_date.kind in calc.WITH_NOTICE:
        if key_date.notice_months is None:
            errors["notice_months"] = (
                f"Enter the notice period in months the contract requires for the {kind_label} "
                "(0 if it needs no notice)"
            )
        elif not 0 <= key_date.notice_months <= calc.MAX_NOTICE_MONTHS:
            errors["notice_months"] = f"The notice period must be 0 to {calc.MAX_NOTICE_MONTHS} months"
    elif key_date.notice_months is not None:
        errors["notice_months"] = (
            f"Only break points and extension options have a notice period: leave it blank for a {kind_label}"
        )
    start, source = contract_start(partnership)
    if start is not None and key_date.falls_on < start:
        errors["falls_on"] = (
            f"The date cannot be before the contract starts on {long_date(start)} ({source}): "
            f"enter {long_date(start)} or later"
        )
    if errors:
        raise ValidationError(errors)
    if key_date.remind_on is None:
        key_date.remind_on = calc.default_reminder(key_date.kind, key_date.falls_on, key_date.notice_months)
    elif key_date.remind_on > key_date.falls_on:
        raise ValidationError(
            {
                "remind_on": f"The reminder date must be on or before the date itself, "
                f"{long_date(key_date.falls_on)}: a reminder after it comes too late"
            }
        )


@transaction.atomic
def key_date_save(
    *, user: Any, partnership: Partnership, data: dict[str, Any], key_date: KeyDate | None = None
) -> KeyDate:
    """Add or change a key date. A blank reminder date takes the kind's default (rule KEYDATE-REMINDER)."""
    _require_editor(user)
    creating = key_date is None
    key_date = key_date or KeyDate(partnership=partnership, created_by=user)
    for name in FIELDS:
        if name in data:
            setattr(key_date, name, data[name])
    for name in ("title", "details", "owner"):
        setattr(key_date, name, (getattr(key_date, name) or "").strip())
    _check(key_date, partnership)
    key_date.full_clean(exclude=["closed_by", "created_by", "partnership"])
    save_as(key_date, user, "Created" if creating else "")
    return key_date


@transaction.atomic
def key_date_set_status(*, user: Any, key_date: KeyDate, data: dict[str, Any]) -> KeyDate:
    """Mark a key date done or dismissed (recording who and when) or open again."""
    _require_editor(user)
    status = data.get("status") or ""
    note = (data.get("closed_note") or "").strip()
    if status not in Status.values:
        raise ValidationError({"status": "Choose done, dismissed or open"})
    if status == Status.DISMISSED and not note:
        raise ValidationError({"closed_note": "Say why the key date is dismissed"})
    if status == Status.OPEN:
        key_date.closed_by, key_date.closed_at = None, None
    elif status != key_date.status or key_date.closed_by_id is None:
        key_date.closed_by, key_date.closed_at = user, timezone.now()
    reason = {Status.DONE: "Marked done", Status.DISMISSED: "Dismissed", Status.OPEN: "Opened again"}
    key_date.status = status
    key_date.closed_note = note
    key_date.full_clean(exclude=["closed_by", "created_by", "partnership"])
    save_as(key_date, user, reason[Status(status)])
    return key_date
