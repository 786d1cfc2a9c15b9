"""Forms of the notices area. Each field says exactly what is wrong; the rules across fields and records
(paid not before received, a reference not used twice, the notice in the calendar) are the services', whose
messages land on the same fields."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from forbetter.core.forms import DateInput, GovukFormMixin, ServiceValidatesMixin
from forbetter.notices.models import Invoice
from forbetter.partnerships.models import Partnership
from forbetter.payments.models import PaymentStatement


class InvoiceForm(ServiceValidatesMixin, GovukFormMixin, forms.ModelForm):
    widths: ClassVar[dict[str, str]] = {"reference": "govuk-input--width-20"}

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        statement = self.fields["payment_statement"]
        assert isinstance(statement, forms.ModelChoiceField)
        statement.queryset = PaymentStatement.objects.filter(partnership=partnership)
        statement.required = False

    class Meta:
        model = Invoice
        fields: ClassVar[list[str]] = [
            "reference",
            "amount_gbp",
            "received_on",
            "paid_on",
            "payment_statement",
        ]
        labels: ClassVar[dict[str, str]] = {
            "reference": "Invoice reference",
            "amount_gbp": "Amount (£)",
            "received_on": "Date received",
            "paid_on": "Date paid (optional)",
            "payment_statement": "Payment statement (optional)",
        }
        widgets: ClassVar[dict[str, Any]] = {"received_on": DateInput(), "paid_on": DateInput()}
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "reference": {"required": "Enter the invoice reference, for example INV-2026-014"},
            "amount_gbp": {
                "required": "Enter the invoice amount in pounds, for example 125000",
                "invalid": "Enter the invoice amount in pounds, for example 125000",
            },
            "received_on": {
                "required": "Enter the date the invoice was received",
                "invalid": "Enter the date received as a real date, for example 14 April 2026",
            },
            "paid_on": {"invalid": "Enter the date paid as a real date, for example 2 May 2026"},
        }


class PublishedForm(GovukFormMixin, forms.Form):
    published_on = forms.DateField(
        widget=DateInput(),
        label="Date published",
        error_messages={
            "required": "Enter the date the notice was published",
            "invalid": "Enter the date published as a real date, for example 3 May 2026",
        },
    )
    notice_id = forms.CharField(
        max_length=100,
        label="Find a Tender notice identifier",
        help_text="For example 012345-2026.",
        error_messages={"required": "Enter the notice's Find a Tender identifier, for example 012345-2026"},
    )
    url = forms.CharField(
        max_length=200,
        required=False,
        label="Link to the notice (optional)",
        help_text="The notice's address on Find a Tender, starting https://.",
    )
