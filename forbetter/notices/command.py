"""``forbetter notice PARTNERSHIP NOTICE [--key KEY] [--today DATE]``: one Procurement Act 2023 notice of a
partnership as an OCDS release package on stdout, checked against Find a Tender's schema (docs/cli.md).

PARTNERSHIP is the partnership's id or its name as a slug (``ashcombe-highways-and-property-partnership``);
NOTICE is UK7, UK9, UK10, UK11 or UK17; KEY picks the occurrence from the calendar (the ISO date it rests on,
or a change's reference for UK10), by default the latest one due. Bad input is one line naming the field and
exit 2, with nothing on stdout."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.utils import timezone
from django.utils.text import slugify

from forbetter.calc.errors import InputError
from forbetter.calc.notice_calendar import Notice
from forbetter.notices import releases, selectors
from forbetter.notices.models import Publication
from forbetter.opendata.validation import package_errors
from forbetter.partnerships.models import Partnership
from forbetter.partnerships.procurement import act_applies


def find_partnership(which: str) -> Partnership:
    if which.isdigit():
        found = Partnership.objects.filter(pk=int(which)).first()
    else:
        found = next((p for p in Partnership.objects.all() if slugify(p.name) == which.lower()), None)
    if found is None:
        raise InputError("partnership", f"no partnership {which!r}: give its id or its name as a slug")
    return found


def notice_package(which: str, notice: str, *, key: str | None = None, today: dt.date | None = None) -> str:
    """The release package as JSON text, or InputError naming what is wrong."""
    today = today or timezone.localdate()
    try:
        kind = Notice(notice.upper())
    except ValueError:
        raise InputError(
            "notice", f"must be one of {', '.join(n.value for n in Notice)}, not {notice!r}"
        ) from None
    partnership = find_partnership(which)
    if not act_applies(partnership):
        raise InputError(
            "partnership",
            f"{partnership.name} is not under the Procurement Act 2023, so its notices do not apply",
        )
    due, _ = selectors.due_notices(partnership, today=today)
    of_kind = [row for row in due if row.notice == kind]
    if not of_kind:
        raise InputError("notice", f"no {kind} notice is due for {partnership.name} yet")
    chosen = of_kind[-1] if key is None else next((row for row in of_kind if row.key == key), None)
    if chosen is None:
        keys = ", ".join(row.key for row in of_kind)
        raise InputError("key", f"no {kind} notice {key!r} in the calendar; the keys are: {keys}")
    record = Publication.objects.filter(partnership=partnership, notice=kind, key=chosen.key).first()
    release = releases.release(
        partnership, chosen, published_on=record.published_on if record else None, today=today
    )
    package: dict[str, Any] = releases.package(
        [release], uri=f"urn:forbetter:notice:{partnership.pk}:{kind}:{chosen.key}", published_on=today
    )
    problems = package_errors(package, "uk-fts")
    if problems:
        raise InputError("notice", f"the data does not pass Find a Tender's schema: {problems[0]}")
    return json.dumps(package, indent=2, ensure_ascii=False) + "\n"
