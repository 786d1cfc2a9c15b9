"""Demo key dates. The highways and property partnership (contract management) gets a full timeline: the
year-3 review (done), the year-5 review, two break points with their notice periods, the option to extend,
a performance bond's expiry and an insurance renewal whose reminder is due now; its contract expiry and the
end of its longest extension are derived from its details. The corporate services partnership (initiation)
gets its planned break points and first review point, which its task I-FLX-2 then cites as evidence.

Fictional, fixed relative to each partnership's start, written through the services and created only when
the partnership has no key dates, so seeding twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from forbetter.calc import key_dates as calc
from forbetter.demo.partnerships import CONTRACT_MANAGEMENT, INITIATION
from forbetter.keydates import services
from forbetter.keydates.models import KeyDate
from forbetter.partnerships.models import Partnership


def seed(people: dict[str, Any], partnerships_by_name: dict[str, Partnership]) -> None:
    editor = people["editor@ashcombe.example"]
    today = timezone.localdate()
    highways = partnerships_by_name.get(CONTRACT_MANAGEMENT)
    if highways is not None and not KeyDate.objects.filter(partnership=highways).exists():
        _highways(highways, editor, today)
    corporate = partnerships_by_name.get(INITIATION)
    if corporate is not None and not KeyDate.objects.filter(partnership=corporate).exists():
        _corporate(corporate, editor)


def _add(partnership: Partnership, editor: Any, **data: Any) -> KeyDate:
    return services.key_date_save(user=editor, partnership=partnership, data=data)


def _highways(partnership: Partnership, editor: Any, today: dt.date) -> None:
    start = partnership.planned_start_on or partnership.contract_management_began_on
    assert start is not None
    year = lambda n: calc.contract_end(start, n)  # noqa: E731 - the last day of contract year n
    third = _add(
        partnership,
        editor,
        kind="review_point",
        falls_on=year(3),
        title="Year-3 partnership review",
        owner="Head of commissioning, Ashcombe County Council",
        details="Schedule 14, clause 3: a joint review of the services, the KPIs and the payment mechanism.",
    )
    services.key_date_set_status(
        user=editor,
        key_date=third,
        data={"status": "done", "closed_note": "Review held; findings reported to the partnership board."},
    )
    _add(
        partnership,
        editor,
        kind="review_point",
        falls_on=year(5),
        title="Year-5 partnership review and benchmarking",
        owner="Head of commissioning, Ashcombe County Council",
        details="Schedule 14, clause 4: review and market benchmarking of the highways and property prices.",
    )
    _add(
        partnership,
        editor,
        kind="bond_expiry",
        falls_on=year(5),
        title="Meridian's performance bond expires",
        owner="Contract manager",
        details="A new bond for years 6 to 12 must be in place before this one expires (clause 41).",
    )
    for number in (7, 10):
        _add(
            partnership,
            editor,
            kind="break_point",
            falls_on=year(number),
            title=f"Council break at the end of year {number}",
            owner="Director of place",
            notice_months=12,
            details="Clause 52: the council may end the contract without cause on this date, paying the "
            "compensation in schedule 22.",
        )
    _add(
        partnership,
        editor,
        kind="extension_option",
        falls_on=year(partnership.term_years or 12),
        title="Option to extend by up to 6 years",
        owner="Director of place",
        notice_months=24,
        details="Clause 3.2: the council may extend the term once, by up to six years.",
    )
    _add(
        partnership,
        editor,
        kind="insurance_expiry",
        falls_on=today + dt.timedelta(days=20),
        remind_on=today - relativedelta(days=40),
        title="Meridian's public liability insurance renews",
        owner="Contract manager",
        details="Ask for the renewed certificate (at least £10m cover, clause 44).",
    )


def _corporate(partnership: Partnership, editor: Any) -> None:
    start = partnership.planned_start_on
    if start is None:
        return
    _add(
        partnership,
        editor,
        kind="review_point",
        falls_on=calc.contract_end(start, 3),
        title="Planned year-3 partnership review",
        owner="Assistant director, corporate services",
    )
    for number in (5, 7):
        _add(
            partnership,
            editor,
            kind="break_point",
            falls_on=calc.contract_end(start, number),
            title=f"Planned council break at the end of year {number}",
            owner="Assistant director, corporate services",
            notice_months=12,
            details="To be written into the contract: the council may end it without cause on this date.",
        )
