"""Reads for the notices area: the calendar of a partnership's Procurement Act 2023 notices with what is
published, due or overdue; its invoices; and the payments compliance figures of a reporting period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse

from forbetter.calc import notice_calendar as rules
from forbetter.calc import payments_compliance as calc
from forbetter.calc.notice_calendar import DueNotice, Notice, State
from forbetter.changes import selectors as changes
from forbetter.changes.models import ChangeStatus
from forbetter.notices.models import Invoice, Publication
from forbetter.partnerships.models import Partnership
from forbetter.partnerships.procurement import act_applies
from forbetter.performance.selectors import year_one_start


@dataclass(frozen=True)
class CalendarRow:
    due: DueNotice
    state: State
    published_on: dt.date | None
    notice_id: str
    url: str
    record_url: str
    """Where an editor records it as published."""

    @property
    def published(self) -> bool:
        return self.published_on is not None


@dataclass(frozen=True)
class Calendar:
    partnership: Partnership
    applies: bool
    regime_note: str
    rows: list[CalendarRow]
    notes: list[str]
    """What the calendar could not work out, and why (a missing contract start, for example)."""

    @property
    def overdue(self) -> list[CalendarRow]:
        return [row for row in self.rows if row.state == State.OVERDUE]


def regime_note(partnership: Partnership) -> str:
    """Whether the notices apply, in words (the changes area's wording of the same rule)."""
    if act_applies(partnership):
        return (
            "Procured under the Procurement Act 2023: the council publishes these notices about the contract "
            "on Find a Tender."
        )
    if not partnership.procurement_regime:
        return (
            "The procurement regime is not recorded, so ForBetter cannot say whether the Procurement Act "
            "2023's notices apply. Record it on the partnership's details."
        )
    return (
        f"Procured under the {partnership.get_procurement_regime_display()}: the Procurement Act 2023's "
        "contract notices (contract details, performance, change, termination and payments compliance) do "
        "not apply to this contract."
    )


def payment_days(partnership: Partnership) -> list[dt.date]:
    """Every day an invoice of the partnership was received or paid (one query)."""
    days: list[dt.date] = []
    for received, paid in Invoice.objects.filter(partnership=partnership).values_list(
        "received_on", "paid_on"
    ):
        days.append(received)
        if paid is not None:
            days.append(paid)
    return days


def due_notices(partnership: Partnership, *, today: dt.date) -> tuple[list[DueNotice], list[str]]:
    """Every notice the contract needs so far, by the calendar's rules, and notes on what is missing. Empty
    when the Act does not apply. Five queries at most (invoices, the KPIs' first period, the changes)."""
    if not act_applies(partnership):
        return [], []
    due: list[DueNotice] = []
    notes: list[str] = []
    entered = partnership.contract_management_began_on
    if entered is None:
        notes.append(
            "No contract start is recorded (the date contract management began, at the stage gate), so the "
            "contract details and performance notices cannot be dated yet."
        )
    else:
        due.append(rules.contract_details_due(entered))
        first, _ = year_one_start(partnership)
        if first is not None:
            due.extend(rules.performance_notices_due(first, today=today, ended_on=partnership.ended_on))
    summary = changes.summary(partnership)
    for row in summary.rows:
        if row.change.status != ChangeStatus.APPROVED or row.notice is None or not row.notice.needed:
            continue
        takes_effect = row.change.effective_from or row.change.decided_on
        if takes_effect is None:
            continue
        due.append(rules.change_notice_due(row.change.reference, row.change.title, takes_effect))
    if partnership.ended_on is not None:
        due.append(rules.termination_due(partnership.ended_on))
    due.extend(rules.payments_compliance_due(payment_days(partnership), today=today))
    due.sort(key=lambda notice: (notice.due_on, notice.notice))
    return due, notes


def publications(partnership: Partnership) -> dict[tuple[str, str], Publication]:
    return {
        (record.notice, record.key): record for record in Publication.objects.filter(partnership=partnership)
    }


def calendar(partnership: Partnership, *, today: dt.date) -> Calendar:
    """The notices due so far with their state (published, published late, due or overdue)."""
    due, notes = due_notices(partnership, today=today)
    published = publications(partnership)
    changes_by_reference = {change.reference: change for change in changes.register(partnership)}
    rows = []
    for notice in due:
        if notice.notice == Notice.CONTRACT_CHANGE:
            change = changes_by_reference[notice.key]
            published_on = change.notice_published_on if change.notice_reference else None
            notice_id, url = change.notice_reference, ""
            record_url = reverse("changes:notice", args=[partnership.pk, change.pk])
        else:
            record = published.get((notice.notice, notice.key))
            published_on = record.published_on if record else None
            notice_id = record.notice_id if record else ""
            url = record.url if record else ""
            record_url = reverse("notices:publish", args=[partnership.pk, notice.notice, notice.key])
        rows.append(
            CalendarRow(
                due=notice,
                state=rules.state(notice.due_on, published_on, today=today),
                published_on=published_on,
                notice_id=notice_id,
                url=url,
                record_url=record_url,
            )
        )
    return Calendar(partnership, act_applies(partnership), regime_note(partnership), rows, notes)


def find_due(partnership: Partnership, notice: str, key: str, *, today: dt.date) -> DueNotice | None:
    """The calendar's entry for ``notice`` and ``key``, if the contract needs it."""
    due, _ = due_notices(partnership, today=today)
    return next((row for row in due if row.notice == notice and row.key == key), None)


def is_published(partnership: Partnership, notice: str, key: str) -> bool:
    """Whether that notice is recorded as published (public from then on): one query."""
    if notice == Notice.CONTRACT_CHANGE:
        return changes.register(partnership).filter(reference=key).exclude(notice_reference="").exists()
    return Publication.objects.filter(partnership=partnership, notice=notice, key=key).exists()


def invoices(partnership: Partnership) -> QuerySet[Invoice]:
    return Invoice.objects.filter(partnership=partnership).select_related("payment_statement")


def as_calc(invoice: Invoice) -> calc.PaidInvoice:
    return calc.PaidInvoice(invoice.reference, invoice.received_on, invoice.paid_on, invoice.amount_gbp)


def compliance(partnership: Partnership, *, start: dt.date, end: dt.date) -> calc.Compliance:
    """The payments compliance figures of one reporting period from the recorded invoices (one query)."""
    rows = Invoice.objects.filter(partnership=partnership, received_on__lte=end).only(
        "reference", "received_on", "paid_on", "amount_gbp"
    )
    return calc.compliance([as_calc(row) for row in rows], start=start, end=end)


def period_figures(rows: list[Invoice]) -> list[calc.Compliance]:
    """The figures of every six-month reporting period an invoice was received or paid in, newest first."""
    periods = {
        calc.reporting_period(day)
        for invoice in rows
        for day in (invoice.received_on, invoice.paid_on)
        if day is not None
    }
    invoices_ = [as_calc(invoice) for invoice in rows]
    return [calc.compliance(invoices_, start=start, end=end) for start, end in sorted(periods, reverse=True)]
