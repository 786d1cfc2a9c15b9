"""The key-dates area: break points, review points, extension options, notice deadlines, insurance, bond and
contract expiries, each with a reminder date, on one timeline per partnership and across the portfolio.
Every partnership page is joint (the partner is a party to break points, insurance and bonds): anyone who
sees the partnership reads it, council editors change it. Declared once for navigation, evidence, the demo,
the overview's glance, derived dates and the permission matrix (see :mod:`forbetter.core.areas`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from forbetter.core.areas import Area, Scope, Section, first_pk, form, page
from forbetter.keydates import pack, selectors, services
from forbetter.keydates.derived import partnership_dates
from forbetter.keydates.evidence_providers import key_dates
from forbetter.keydates.models import KeyDate
from forbetter.keydates.reminders import key_date_reminders
from forbetter.partnerships.models import Partnership


def _key_date(partnership: Partnership) -> dict[str, int]:
    return {"key_date_pk": first_pk(KeyDate.objects.filter(partnership=partnership), "key date")}


def examples(partnership: Partnership, user: Any, today: dt.date | None = None) -> None:
    """A review point a year after today or the contract's start, whichever is later."""
    if KeyDate.objects.filter(partnership=partnership).exists():
        return
    today = today or dt.date.today()
    start, _source = services.contract_start(partnership)
    day = max(today, start or today) + dt.timedelta(days=365)
    services.key_date_save(
        user=user,
        partnership=partnership,
        data={"kind": "review_point", "falls_on": day, "title": "Annual review", "owner": "Contract manager"},
    )


AREA = Area(
    app="keydates",
    routes=(
        page("portfolio", scope=Scope.GLOBAL),
        page("timeline"),
        form("create"),
        page("key-date", kwargs=_key_date),
        form("edit", kwargs=_key_date),
        form("status", kwargs=_key_date),
    ),
    sections=(Section("keydates", "Key dates", "keydates:timeline", 32),),
    evidence=(key_dates,),
    demo="forbetter.demo.keydates",
    glance=selectors.at_a_glance,
    glance_template="keydates/_glance.html",
    key_dates=partnership_dates,
    examples=examples,
    reminders=key_date_reminders,
    pack_sections=pack.pack_sections,
)
