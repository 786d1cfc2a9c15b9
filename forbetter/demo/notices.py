"""Demo invoices for the highways and property partnership (contract management): the partner's monthly
invoices for the last eight months with the dates the council received and paid them. Most are paid within
30 days; one took 41 days, one 66, and the newest is not paid yet, so every band of the payments figures has
something in it. The partnership was procured under the Public Contracts Regulations 2015, so its
Procurement Act 2023 notices do not apply (the notices page says so); the invoices still show how promptly
the council pays (the Regulations' 30-day term, reg. 113). No demo partnership under the Act is in contract
yet, so the notices' releases are shown by the tests' fixtures rather than the demo. Fictional, fixed
relative to today, and created only when the partnership has no invoices, so seeding twice changes
nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from forbetter.demo.partnerships import CONTRACT_MANAGEMENT
from forbetter.notices import services
from forbetter.notices.models import Invoice
from forbetter.partnerships.models import Partnership

DAYS_TO_PAY = [18, 22, 41, 27, 66, 14, 25, None]
"""Days each month's invoice took to pay, oldest first (``None``: not paid yet)."""


def seed(people: dict[str, Any], partnerships_by_name: dict[str, Partnership]) -> None:
    partnership = partnerships_by_name.get(CONTRACT_MANAGEMENT)
    if partnership is None or Invoice.objects.filter(partnership=partnership).exists():
        return
    editor = people["editor@ashcombe.example"]
    today = timezone.localdate()
    first = today.replace(day=1) - relativedelta(months=len(DAYS_TO_PAY))
    for number, days in enumerate(DAYS_TO_PAY):
        received = first + relativedelta(months=number) + dt.timedelta(days=2)
        paid = received + dt.timedelta(days=days) if days is not None else None
        if paid is not None and paid > today:
            paid = None
        services.invoice_save(
            user=editor,
            partnership=partnership,
            data={
                "reference": f"AMS-{received:%Y-%m}",
                "amount_gbp": Decimal("1985000.00") + Decimal(number * 1250),
                "received_on": received,
                "paid_on": paid,
            },
            today=today,
        )
