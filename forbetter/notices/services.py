"""Writes for the notices area: record or correct an invoice, and record a notice as published on Find a
Tender. Each validates everything first (a specific message per field), then writes in one transaction with
its history; bad input changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from forbetter.accounts.permissions import can_edit
from forbetter.calc.dates import long_date
from forbetter.calc.notice_calendar import Notice
from forbetter.core.forms import check_date
from forbetter.core.history import save_as
from forbetter.notices.models import Invoice, Publication
from forbetter.partnerships.models import Partnership
from forbetter.partnerships.procurement import act_applies
from forbetter.payments.models import PaymentStatement

NOT_UNDER_ACT = "This partnership is not under the Procurement Act 2023, so its notices do not apply"
INVOICE_FIELDS = ("reference", "amount_gbp", "received_on", "paid_on", "payment_statement")


def _require_editor(user: Any) -> None:
    if not can_edit(user):
        raise PermissionDenied("Only council editors and administrators can record invoices and notices")


def _date_error(value: dt.date | None, label: str, today: dt.date) -> str:
    try:
        check_date(value, label=label, not_in_future=True, today=today)
    except ValidationError as error:
        return str(error.messages[0])
    return ""


def invoice_errors(
    partnership: Partnership, data: dict[str, Any], *, invoice: Invoice | None, today: dt.date
) -> dict[str, str]:
    """Every problem with an invoice's ``data``, by field: a reference not used already, an amount above
    £0, a received date that has happened, a paid date not before the received one and not in the future,
    and a payment statement of this partnership."""
    errors: dict[str, str] = {}
    reference = (data.get("reference") or "").strip()
    if not reference:
        errors["reference"] = "Enter the invoice reference, for example INV-2026-014"
    else:
        taken = Invoice.objects.filter(partnership=partnership, reference__iexact=reference)
        if invoice is not None:
            taken = taken.exclude(pk=invoice.pk)
        if taken.exists():
            errors["reference"] = f"Invoice {reference} is already recorded for this partnership"
    amount = data.get("amount_gbp")
    if amount is None:
        errors["amount_gbp"] = "Enter the invoice amount in pounds, for example 125000"
    elif Decimal(amount) <= 0:
        errors["amount_gbp"] = "The invoice amount must be more than £0"
    received = data.get("received_on")
    paid = data.get("paid_on")
    if received is None:
        errors["received_on"] = "Enter the date the invoice was received"
    elif problem := _date_error(received, "the date received", today):
        errors["received_on"] = problem
    if paid is not None:
        if problem := _date_error(paid, "the date paid", today):
            errors["paid_on"] = problem
        elif received is not None and paid < received:
            errors["paid_on"] = f"The date paid must be on or after the date received, {long_date(received)}"
    statement = data.get("payment_statement")
    if statement is not None and (
        not isinstance(statement, PaymentStatement) or statement.partnership_id != partnership.pk
    ):
        errors["payment_statement"] = "Choose a payment statement of this partnership"
    return errors


@transaction.atomic
def invoice_save(
    *,
    user: Any,
    partnership: Partnership,
    data: dict[str, Any],
    invoice: Invoice | None = None,
    today: dt.date | None = None,
) -> Invoice:
    """Record a new invoice, or correct one (``invoice``): for example to add the date it was paid."""
    _require_editor(user)
    today = today or timezone.localdate()
    if invoice is not None:  # a correction may give only the fields it changes
        data = {field: getattr(invoice, field) for field in INVOICE_FIELDS} | data
    errors = invoice_errors(partnership, data, invoice=invoice, today=today)
    if errors:
        raise ValidationError(errors)
    if invoice is None:
        invoice = Invoice(partnership=partnership, recorded_by=user)
        reason = "Invoice recorded"
    else:
        reason = "Invoice corrected"
    for field in INVOICE_FIELDS:
        if field in data:
            value = data[field]
            setattr(invoice, field, value.strip() if isinstance(value, str) else value)
    invoice.full_clean()
    save_as(invoice, user, reason)
    return invoice


@transaction.atomic
def publication_record(
    *,
    user: Any,
    partnership: Partnership,
    notice: str,
    key: str,
    due_keys: set[tuple[str, str]],
    data: dict[str, Any],
    today: dt.date | None = None,
) -> Publication:
    """Record that a notice (``notice`` for occurrence ``key``) was published on Find a Tender, or correct
    the record. Refused unless the partnership is under the Act and the notice is one of its calendar's
    (``due_keys``); a contract change notice is recorded on its change request instead."""
    _require_editor(user)
    today = today or timezone.localdate()
    if not act_applies(partnership):
        raise ValidationError({"notice_id": NOT_UNDER_ACT})
    if notice == Notice.CONTRACT_CHANGE:
        raise ValidationError({"notice_id": "Record a contract change notice on its change request"})
    if (notice, key) not in due_keys:
        raise ValidationError({"notice_id": "This notice is not in the partnership's calendar of notices"})
    errors: dict[str, str] = {}
    published: dt.date | None = data.get("published_on")
    if published is None:
        errors["published_on"] = "Enter the date the notice was published"
    elif problem := _date_error(published, "the date published", today):
        errors["published_on"] = problem
    notice_id = (data.get("notice_id") or "").strip()
    if not notice_id:
        errors["notice_id"] = "Enter the notice's Find a Tender identifier, for example 012345-2026"
    url = (data.get("url") or "").strip()
    if url and not url.startswith("https://"):
        errors["url"] = "Enter the link to the notice starting https://, or leave it blank"
    if errors or published is None:
        raise ValidationError(errors)
    record = Publication.objects.filter(partnership=partnership, notice=notice, key=key).first()
    if record is None:
        record = Publication(partnership=partnership, notice=notice, key=key, recorded_by=user)
    record.published_on, record.notice_id, record.url, record.recorded_by = published, notice_id, url, user
    record.full_clean()
    save_as(record, user, f"{notice} notice recorded as published")
    return record
