"""How promptly invoices were paid over a reporting period: the figures of a payments compliance notice.

=====================  ==================================================================================
rule                   what it says
=====================  ==================================================================================
PA23-S69-PERIODS       a payments compliance notice covers a reporting period of six months: 1 April to
                       30 September, or 1 October to 31 March (Procurement Act 2023, s. 69; Cabinet
                       Office guidance on payments compliance notices)
PA23-S69-DAYS          the days taken to pay an invoice are counted from the day it was received to the day
                       it was paid: an invoice paid the day it arrived took 0 days, one paid the next day 1
PA23-S69-BANDS         invoices paid in the period are put in three bands by days taken: 30 or fewer (paid
                       within the 30 days of the implied payment term of s. 68), 31 to 60, and 61 or more
                       (Procurement Regulations 2024, reg. 38)
=====================  ==================================================================================

Only invoices *paid* in the period are counted (their payment falls in it); an invoice received but not yet
paid at the period's end is counted as outstanding, not as a band. The shares are fractions of the number of
invoices paid in the period (not of their value). Nothing here imports Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from forbetter.calc.dates import financial_year
from forbetter.calc.errors import InputError

PROMPT_DAYS = 30
"""The implied payment term: a valid invoice is paid within 30 days of receipt (Procurement Act 2023,
s. 68)."""
LATE_DAYS = 60
"""The end of the middle band (31 to 60 days); 61 days or more is the last band (reg. 38)."""


@dataclass(frozen=True)
class PaidInvoice:
    """One invoice: when it was received, when (if yet) it was paid, and its amount in pounds."""

    reference: str
    received_on: dt.date
    paid_on: dt.date | None
    amount_gbp: Decimal


@dataclass(frozen=True)
class Compliance:
    """The figures for one reporting period (``start`` to ``end`` inclusive)."""

    start: dt.date
    end: dt.date
    paid: int
    """Invoices paid in the period."""
    paid_gbp: Decimal
    mean_days: Decimal | None
    """Mean days from receipt to payment over invoices paid in the period, to one decimal place; ``None``
    when none was paid."""
    within_30: int
    days_31_to_60: int
    days_61_or_more: int
    outstanding: int
    """Invoices received by the period's end and not paid by then."""

    def share(self, count: int) -> Decimal | None:
        """``count`` as a fraction of the invoices paid, to four places; ``None`` when none was paid."""
        if not self.paid:
            return None
        return (Decimal(count) / Decimal(self.paid)).quantize(Decimal("0.0001"))

    @property
    def share_within_30(self) -> Decimal | None:
        return self.share(self.within_30)

    @property
    def share_31_to_60(self) -> Decimal | None:
        return self.share(self.days_31_to_60)

    @property
    def share_61_or_more(self) -> Decimal | None:
        return self.share(self.days_61_or_more)


def reporting_period(day: dt.date) -> tuple[dt.date, dt.date]:
    """Rule PA23-S69-PERIODS: the six-month reporting period that ``day`` falls in.

    >>> reporting_period(dt.date(2026, 5, 17))
    (datetime.date(2026, 4, 1), datetime.date(2026, 9, 30))
    >>> reporting_period(dt.date(2027, 2, 1))
    (datetime.date(2026, 10, 1), datetime.date(2027, 3, 31))
    """
    year = financial_year(day)
    if 4 <= day.month <= 9:
        return dt.date(year, 4, 1), dt.date(year, 9, 30)
    return dt.date(year, 10, 1), dt.date(year + 1, 3, 31)


def days_to_pay(invoice: PaidInvoice) -> int:
    """Rule PA23-S69-DAYS: days from receipt to payment.

    >>> days_to_pay(PaidInvoice("A", dt.date(2026, 4, 1), dt.date(2026, 5, 1), Decimal(1)))
    30
    """
    if invoice.paid_on is None:
        raise InputError("paid_on", f"invoice {invoice.reference} is not paid")
    if invoice.paid_on < invoice.received_on:
        raise InputError("paid_on", f"invoice {invoice.reference} is paid before it was received")
    return (invoice.paid_on - invoice.received_on).days


def band(days: int) -> str:
    """Rule PA23-S69-BANDS: ``"within_30"``, ``"31_to_60"`` or ``"61_or_more"``.

    >>> [band(d) for d in (0, 30, 31, 60, 61)]
    ['within_30', 'within_30', '31_to_60', '31_to_60', '61_or_more']
    """
    if days < 0:
        raise InputError("days", "days to pay cannot be negative")
    if days <= PROMPT_DAYS:
        return "within_30"
    if days <= LATE_DAYS:
        return "31_to_60"
    return "61_or_more"


def compliance(invoices: Iterable[PaidInvoice], *, start: dt.date, end: dt.date) -> Compliance:
    """The payments compliance figures of the period ``start`` to ``end`` (inclusive).

    Worked example: three invoices paid in April to September 2026 after 10, 45 and 70 days; a fourth
    received in September and unpaid at the end. Mean (10 + 45 + 70) / 3 = 41.7 days; one in each band, so a
    third each; one outstanding.

    >>> rows = [
    ...     PaidInvoice("A", dt.date(2026, 4, 1), dt.date(2026, 4, 11), Decimal(100)),
    ...     PaidInvoice("B", dt.date(2026, 4, 1), dt.date(2026, 5, 16), Decimal(200)),
    ...     PaidInvoice("C", dt.date(2026, 4, 1), dt.date(2026, 6, 10), Decimal(300)),
    ...     PaidInvoice("D", dt.date(2026, 9, 20), None, Decimal(400)),
    ... ]
    >>> result = compliance(rows, start=dt.date(2026, 4, 1), end=dt.date(2026, 9, 30))
    >>> result.mean_days, result.within_30, result.days_31_to_60, result.days_61_or_more, result.outstanding
    (Decimal('41.7'), 1, 1, 1, 1)
    >>> result.share_within_30, result.paid_gbp
    (Decimal('0.3333'), Decimal('600'))
    """
    if end < start:
        raise InputError("end", "the period must end on or after its start")
    bands = {"within_30": 0, "31_to_60": 0, "61_or_more": 0}
    total_days = 0
    paid = 0
    paid_gbp = Decimal(0)
    outstanding = 0
    for invoice in invoices:
        if invoice.amount_gbp <= 0:
            raise InputError("amount_gbp", f"invoice {invoice.reference} must be for more than £0")
        if invoice.paid_on is not None and start <= invoice.paid_on <= end:
            days = days_to_pay(invoice)
            bands[band(days)] += 1
            total_days += days
            paid += 1
            paid_gbp += invoice.amount_gbp
        elif invoice.received_on <= end and (invoice.paid_on is None or invoice.paid_on > end):
            outstanding += 1
    mean = (Decimal(total_days) / Decimal(paid)).quantize(Decimal("0.1")) if paid else None
    return Compliance(
        start=start,
        end=end,
        paid=paid,
        paid_gbp=paid_gbp,
        mean_days=mean,
        within_30=bands["within_30"],
        days_31_to_60=bands["31_to_60"],
        days_61_or_more=bands["61_or_more"],
        outstanding=outstanding,
    )
