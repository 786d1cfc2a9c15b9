"""Forms for key dates. Each field says exactly what is wrong; the rules spanning fields and the partnership
(a date before the contract starts, a reminder after the date, notice periods) are the service's, whose
messages land on the same fields. Model validation is left to the service, so a refused form changes
nothing."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from forbetter.calc import key_dates as calc
from forbetter.core.forms import DateInput, GovukFormMixin
from forbetter.keydates.models import KeyDate, Kind
from forbetter.keydates.selectors import WINDOWS


class KeyDateForm(GovukFormMixin, forms.ModelForm):
    widths: ClassVar[dict[str, str]] = {"notice_months": "govuk-input--width-3"}

    class Meta:
        model = KeyDate
        fields: ClassVar[list[str]] = [
            "kind",
            "falls_on",
            "title",
            "owner",
            "notice_months",
            "remind_on",
            "details",
        ]
        labels: ClassVar[dict[str, str]] = {
            "kind": "Kind of key date",
            "falls_on": "Date",
            "title": "What it is",
            "owner": "Owner (optional)",
            "notice_months": "Notice period in months (break points and extension options only)",
            "remind_on": "Reminder date (optional)",
            "details": "Details (optional)",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "remind_on": "Leave blank for the default: for a break point or an extension option, "
            f"{calc.DECISION_MONTHS} months before the last day to give notice; otherwise a lead time set "
            "by the kind (two months for an insurance or bond expiry). It must not be after the date.",
            "notice_months": "The notice the contract requires. The last day to give notice is the date less "
            "this many months.",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "falls_on": DateInput(),
            "remind_on": DateInput(),
            "kind": forms.Select,
            "details": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "kind": {"required": "Choose what kind of key date this is"},
            "falls_on": {"required": "Enter the date", "invalid": "Enter the date as a real date"},
            "title": {"required": "Enter what the key date is, for example “Break at the end of year 7”"},
            "remind_on": {"invalid": "Enter the reminder date as a real date"},
            "notice_months": {
                "invalid": "Enter the notice period as a whole number of months, like 6",
                "min_value": "The notice period cannot be negative",
                "max_value": f"The notice period must be {calc.MAX_NOTICE_MONTHS} months or fewer",
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["remind_on"].required = False  # blank: the kind's default (rule KEYDATE-REMINDER)

    def _post_clean(self) -> None:
        pass


class StatusForm(GovukFormMixin, forms.ModelForm):
    """Mark a key date done or dismissed, or open it again."""

    class Meta:
        model = KeyDate
        fields: ClassVar[list[str]] = ["status", "closed_note"]
        labels: ClassVar[dict[str, str]] = {
            "status": "State of the key date",
            "closed_note": "Note (needed to dismiss it)",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "status": forms.RadioSelect,
            "closed_note": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "status": {
                "required": "Choose done, dismissed or open",
                "invalid_choice": "Choose done, dismissed or open",
            },
        }

    def _post_clean(self) -> None:
        pass


class FilterForm(GovukFormMixin, forms.Form):
    """Which key dates to show (a GET form): one kind or all; on the portfolio, a window of time."""

    kind = forms.ChoiceField(
        label="Kind",
        required=False,
        choices=[("", "All kinds"), *Kind.choices],
        error_messages={"invalid_choice": "Choose a kind from the list"},
    )
    window = forms.ChoiceField(
        label="Dates",
        required=False,
        choices=list(WINDOWS.items()),
        error_messages={"invalid_choice": "Choose the next 90 days, the next year or all dates"},
    )

    def __init__(self, *args: Any, with_window: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_window:
            del self.fields["window"]

    def choice(self, name: str, default: str) -> str:
        if not self.is_valid():
            return default
        return str(self.cleaned_data.get(name) or default)
