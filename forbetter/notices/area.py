"""The Procurement Act 2023 notices area: the calendar of a contract's notices (contract details,
performance, change, termination, payments compliance), each as an OCDS release for Find a Tender with a
preview and a JSON download, and the invoices behind the payments compliance figures. Everyone who sees the
partnership reads the calendar and the published notices; drafts and invoices are council-only; council
editors record invoices and publications. Declared once for navigation, key dates and the permission matrix
(see :mod:`forbetter.core.areas`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from forbetter.calc.notice_calendar import Notice
from forbetter.core.areas import Area, Section, Who, first_pk, form, page
from forbetter.notices import pack, selectors, services
from forbetter.notices.dates import notice_deadlines
from forbetter.notices.models import Invoice, Publication
from forbetter.partnerships.models import Partnership


def _first(partnership: Partnership, notice: Notice) -> str:
    due, _ = selectors.due_notices(partnership, today=timezone.localdate())
    found = next((row.key for row in due if row.notice == notice), None)
    if found is None:
        raise LookupError(f"No {notice} notice due: the area's examples should make one due.")
    return found


def _published(partnership: Partnership) -> dict[str, str]:
    record = Publication.objects.filter(partnership=partnership).order_by("pk").first()
    if record is None:
        raise LookupError("No published notice to address: the area's examples should record one.")
    return {"notice": record.notice, "key": record.key}


def _draft(partnership: Partnership) -> dict[str, str]:
    return {
        "notice": Notice.CONTRACT_PERFORMANCE.value,
        "key": _first(partnership, Notice.CONTRACT_PERFORMANCE),
    }


def _invoice(partnership: Partnership) -> dict[str, int]:
    return {"invoice_pk": first_pk(Invoice.objects.filter(partnership=partnership), "invoice")}


def examples(partnership: Partnership, user: Any) -> None:
    """The performance area's KPI (which puts the partnership under the Act), a contract start in January
    2024, a paid invoice, and the contract details notice recorded as published; the first contract year's
    performance notice stays a draft."""
    from forbetter.performance.area import examples as performance_examples  # the Act and a KPI

    performance_examples(partnership, user)
    if partnership.contract_management_began_on is None:
        Partnership.objects.filter(pk=partnership.pk).update(contract_management_began_on=dt.date(2024, 1, 1))
        partnership.refresh_from_db()
    if not Invoice.objects.filter(partnership=partnership).exists():
        services.invoice_save(
            user=user,
            partnership=partnership,
            data={
                "reference": "INV-001",
                "amount_gbp": Decimal(100_000),
                "received_on": dt.date(2026, 1, 5),
                "paid_on": dt.date(2026, 1, 30),
            },
        )
    if not Publication.objects.filter(partnership=partnership).exists():
        today = timezone.localdate()
        due_keys = {(row.notice.value, row.key) for row in selectors.due_notices(partnership, today=today)[0]}
        services.publication_record(
            user=user,
            partnership=partnership,
            notice=Notice.CONTRACT_DETAILS,
            key=_first(partnership, Notice.CONTRACT_DETAILS),
            due_keys=due_keys,
            data={"published_on": dt.date(2024, 1, 20), "notice_id": "000001-2024"},
        )


def _publish(partnership: Partnership) -> dict[str, str]:
    return _draft(partnership)


AREA = Area(
    app="notices",
    routes=(
        page("overview"),
        page("invoices", reads=Who.COUNCIL),
        form("invoice-create"),
        form("invoice-edit", kwargs=_invoice),
        page("notice", kwargs=_published, variant="published"),
        page("notice", reads=Who.COUNCIL, kwargs=_draft, variant="draft"),
        page("notice-json", kwargs=_published, variant="published"),
        page("notice-json", reads=Who.COUNCIL, kwargs=_draft, variant="draft"),
        form("publish", kwargs=_publish),
    ),
    sections=(Section("notices", "Procurement Act notices", "notices:overview", 74),),
    demo="forbetter.demo.notices",
    examples=examples,
    key_dates=notice_deadlines,
    pack_sections=pack.pack_sections,
)
