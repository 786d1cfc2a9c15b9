"""The Procurement Act notices sections of the board pack (:mod:`forbetter.core.pack`): the calendar of
notices due with what has been published, and, for the council, how promptly invoices were paid (the payments
compliance figures), from the notices pages' own selectors. Partnerships under the Public Contracts
Regulations 2015 have no notices, so no section."""

from __future__ import annotations

import datetime as dt

from forbetter.core.pack import PackSection
from forbetter.notices import selectors
from forbetter.partnerships.models import Partnership


def pack_sections(partnership: Partnership, *, partner_view: bool) -> list[PackSection]:
    calendar = selectors.calendar(partnership, today=dt.date.today())
    if not calendar.applies:
        return []
    sections = [
        PackSection(
            key="notices",
            title="Procurement Act notices",
            order=74,
            template="notices/pack/calendar.html",
            context={"calendar": calendar},
        )
    ]
    if not partner_view:
        sections.append(
            PackSection(
                key="notices-payments",
                title="Payments compliance",
                order=75,
                template="notices/pack/payments.html",
                context={"periods": selectors.period_figures(list(selectors.invoices(partnership)))},
                council_only=True,
            )
        )
    return sections
