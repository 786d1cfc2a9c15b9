"""Forms for the payment mechanism (with its band tables), index values, relief, statements, gainshare
years and the roles and responsibilities register."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from forbetter.core.forms import DateInput, GovukFormMixin, check_date
from forbetter.partnerships.life import contract_life, window_limits
from forbetter.payments.models import MissingReturnRule, PaymentMechanism, Responsibility, ThresholdScope
from forbetter.performance.forms import PeriodField, row_error_ids
from forbetter.performance.models import Kpi

MONEY = {
    "invalid": "Enter an amount in pounds, for example 250000",
    "min_value": "The amount cannot be negative",
    "max_digits": "The amount is too large",
    "max_decimal_places": "Give pounds and pence only",
}
FRACTION_MESSAGE = "as a fraction from 0 to 1, for example 0.3 for 30%"
# Messages of validators with parameters (min_value, max_value) are %-formatted, so a literal % is %%:
# without it a share above 1 was a 500 ("incomplete format") instead of this message.
FRACTION_LIMIT_MESSAGE = FRACTION_MESSAGE.replace("%", "%%")


class MechanismForm(GovukFormMixin, forms.ModelForm):
    widths: ClassVar[dict[str, str]] = {
        "indexed_share": "govuk-input--width-5",
        "index_base": "govuk-input--width-5",
        "index_name": "govuk-input--width-10",
        "points_threshold": "govuk-input--width-5",
        "point_value_gbp": "govuk-input--width-5",
        "cap": "govuk-input--width-5",
        "ratchet_consecutive": "govuk-input--width-3",
        "ratchet_multiplier": "govuk-input--width-4",
        "indexation_month": "govuk-input--width-2",
        "missing_return_points": "govuk-input--width-4",
    }

    class Meta:
        model = PaymentMechanism
        fields: ClassVar[list[str]] = [
            "effective_from",
            "monthly_charge_gbp",
            "indexed_share",
            "index_name",
            "index_base",
            "points_threshold",
            "point_value_gbp",
            "cap",
            "ratchet_consecutive",
            "ratchet_multiplier",
            "indexation_month",
            "threshold_scope",
            "missing_return_rule",
            "missing_return_points",
            "gainshare_baseline_gbp",
        ]
        labels: ClassVar[dict[str, str]] = {
            "effective_from": "First month paid under this mechanism",
            "monthly_charge_gbp": "Monthly charge (£)",
            "indexed_share": "Indexed share",
            "index_name": "Index",
            "index_base": "Index base value",
            "points_threshold": "Free points a month (threshold)",
            "point_value_gbp": "Value of a point (£)",
            "cap": "Cap on deductions",
            "ratchet_consecutive": "Ratchet from consecutive failed months",
            "ratchet_multiplier": "Ratchet multiplier",
            "gainshare_baseline_gbp": "Gainshare baseline (£ a year)",
            "indexation_month": "Month the indexed share is uprated each year (optional)",
            "threshold_scope": "Whose points do the free points cover?",
            "missing_return_rule": "A KPI with no validated value by the statement date is",
            "missing_return_points": "Points for a KPI treated as failed with no validated value (optional)",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "ratchet_multiplier": "For example 1.5: from that month the KPI's points count one and a half "
            "times.",
            "indexation_month": "1 for January to 12 for December. Leave blank to uprate in the anniversary "
            "month of the first month paid.",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "effective_from": DateInput(),
            "threshold_scope": forms.RadioSelect,
            "missing_return_rule": forms.RadioSelect,
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "effective_from": {"required": "Enter the first month paid", "invalid": "Enter a real date"},
            "monthly_charge_gbp": {"required": "Enter the monthly charge", **MONEY},
            "point_value_gbp": {"required": "Enter the value of a point", **MONEY},
            "gainshare_baseline_gbp": MONEY,
            "indexed_share": {
                "invalid": f"Enter the indexed share {FRACTION_MESSAGE}",
                "min_value": f"Enter the indexed share {FRACTION_LIMIT_MESSAGE}",
                "max_value": f"Enter the indexed share {FRACTION_LIMIT_MESSAGE}",
            },
            "cap": {
                "invalid": f"Enter the cap {FRACTION_MESSAGE} of the monthly charge",
                "min_value": f"Enter the cap {FRACTION_LIMIT_MESSAGE} of the monthly charge",
                "max_value": "The cap cannot be above 1: a month's deductions cannot exceed its whole charge",
            },
            "points_threshold": {
                "required": "Enter the number of free points, or 0",
                "invalid": "Enter the threshold as a whole number of points",
                "min_value": "The threshold cannot be negative",
            },
            "ratchet_consecutive": {
                "invalid": "Enter a whole number of months",
                "min_value": "A ratchet starts from at least 1 month",
            },
            "ratchet_multiplier": {
                "invalid": "Enter the multiplier as a number, for example 1.5",
                "min_value": "A ratchet multiplier is at least 1",
            },
            "index_base": {"invalid": "Enter the index value as a number, for example 108.0"},
            "indexation_month": {
                "invalid": "Enter the month as a number from 1 (January) to 12 (December)",
                "min_value": "Enter the month as a number from 1 (January) to 12 (December)",
                "max_value": "Enter the month as a number from 1 (January) to 12 (December)",
            },
            "missing_return_points": {
                "invalid": "Enter a whole number of points",
                "min_value": "Points cannot be negative",
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Left unanswered, the two rules keep their defaults (today's behaviour), so older forms still save.
        for name in ("threshold_scope", "missing_return_rule"):
            self.fields[name].required = False

    def clean_threshold_scope(self) -> str:
        return self.cleaned_data.get("threshold_scope") or ThresholdScope.ALL_KPIS

    def clean_missing_return_rule(self) -> str:
        return self.cleaned_data.get("missing_return_rule") or MissingReturnRule.PROVISIONAL


class BandForm(GovukFormMixin, forms.Form):
    widths: ClassVar[dict[str, str]] = {
        "from_point": "govuk-input--width-4",
        "to_point": "govuk-input--width-4",
        "multiplier": "govuk-input--width-4",
    }
    from_point = forms.IntegerField(
        label="From point",
        required=False,
        min_value=1,
        error_messages={"invalid": "Enter a whole number of points", "min_value": "Bands start from point 1"},
    )
    to_point = forms.IntegerField(
        label="To point (blank for no upper end)",
        required=False,
        min_value=1,
        error_messages={
            "invalid": "Enter a whole number of points",
            "min_value": "Bands end at point 1 or above",
        },
    )
    multiplier = forms.DecimalField(
        label="Multiplier",
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=3,
        error_messages={
            "invalid": "Enter the multiplier as a number, for example 1.2",
            "min_value": "A multiplier cannot be negative",
        },
    )

    def full_clean(self) -> None:
        super().full_clean()
        row_error_ids(self)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if (
            data.get("from_point") is not None
            and data.get("multiplier") is None
            and "multiplier" not in self.errors
        ):
            self.add_error("multiplier", "Enter the band's multiplier")
        if (
            data.get("from_point") is None
            and (data.get("to_point") is not None or data.get("multiplier") is not None)
            and "from_point" not in self.errors
        ):
            self.add_error("from_point", "Enter the point the band starts from")
        return data

    def row(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if data.get("from_point") is None:
            return None
        return {
            "from_point": data["from_point"],
            "to_point": data.get("to_point"),
            "multiplier": data["multiplier"],
        }


class ShareBandForm(GovukFormMixin, forms.Form):
    widths: ClassVar[dict[str, str]] = {
        "from_gbp": "govuk-input--width-10",
        "to_gbp": "govuk-input--width-10",
        "council_share": "govuk-input--width-5",
    }
    from_gbp = forms.DecimalField(
        label="From (£)", required=False, min_value=0, max_digits=14, decimal_places=2, error_messages=MONEY
    )
    to_gbp = forms.DecimalField(
        label="To (£, blank for no upper end)",
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        error_messages=MONEY,
    )
    council_share = forms.DecimalField(
        label="Council's share",
        required=False,
        min_value=0,
        max_value=1,
        max_digits=5,
        decimal_places=4,
        error_messages={
            "invalid": f"Enter the share {FRACTION_MESSAGE}",
            "min_value": f"Enter the share {FRACTION_LIMIT_MESSAGE}",
            "max_value": f"Enter the share {FRACTION_LIMIT_MESSAGE}",
        },
    )

    def full_clean(self) -> None:
        super().full_clean()
        row_error_ids(self)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if (
            data.get("from_gbp") is not None
            and data.get("council_share") is None
            and "council_share" not in self.errors
        ):
            self.add_error("council_share", "Enter the council's share")
        return data

    def row(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if data.get("from_gbp") is None:
            return None
        return {
            "from_gbp": data["from_gbp"],
            "to_gbp": data.get("to_gbp"),
            "council_share": data["council_share"],
        }


BandFormSet = forms.formset_factory(BandForm, extra=0)
ShareBandFormSet = forms.formset_factory(ShareBandForm, extra=0)


class IndexValueForm(GovukFormMixin, forms.Form):
    widths: ClassVar[dict[str, str]] = {"month": "govuk-input--width-5", "value": "govuk-input--width-5"}
    month = PeriodField(label="Month", help_text="For example 2024-04.")
    value = forms.DecimalField(
        label="Index value",
        max_digits=10,
        decimal_places=4,
        error_messages={"required": "Enter the index value", "invalid": "Enter the index value as a number"},
    )


class ReliefForm(GovukFormMixin, forms.Form):
    widths: ClassVar[dict[str, str]] = {"month": "govuk-input--width-5"}
    kpi = forms.TypedChoiceField(
        label="KPI",
        coerce=int,
        error_messages={"required": "Select the KPI", "invalid_choice": "Select a KPI of this partnership"},
    )
    month = PeriodField(
        label="Month excused",
        help_text="The month whose failure is excused, for example 2024-04. For a quarterly KPI, the "
        "quarter's last month.",
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The relief event in the contract that applies, and what happened.",
        error_messages={"required": "Enter why the failure is excused"},
    )
    approved_on = forms.DateField(
        label="Date approved",
        widget=DateInput(),
        error_messages={"required": "Enter the date relief was approved", "invalid": "Enter a real date"},
    )

    def __init__(self, *args: Any, kpis: list[Kpi], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kpi"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "Choose a KPI")] + [(k.pk, str(k)) for k in kpis]
        self.partnership = kpis[0].partnership if kpis else None

    def clean(self) -> dict[str, Any]:
        """Rule INPUT-DATE-PLAUSIBLE: the month excused lies in the contract's life; approval has happened."""
        data: dict[str, Any] = super().clean() or {}
        if self.partnership is None:
            return data
        window = contract_life(self.partnership)
        checks = (
            ("month", {"label": "the month excused", **window_limits(window)}),
            (
                "approved_on",
                {
                    "label": "the date approved",
                    "not_in_future": True,
                    "earliest": self.partnership.initiation_began_on,
                    "earliest_because": "the partnership began then",
                },
            ),
        )
        for name, options in checks:
            try:
                check_date(data.get(name), **options)
            except forms.ValidationError as error:
                self.add_error(name, error)
        return data


class ChargeChangeForm(GovukFormMixin, forms.Form):
    widths: ClassVar[dict[str, str]] = {
        "effective_from": "govuk-input--width-5",
        "monthly_charge_gbp": "govuk-input--width-10",
    }
    effective_from = PeriodField(
        label="First month of the new charge",
        help_text="For example 2025-04. Earlier months keep their charge.",
    )
    monthly_charge_gbp = forms.DecimalField(
        label="New monthly charge before indexation (£)",
        min_value=0,
        max_digits=14,
        decimal_places=2,
        error_messages={"required": "Enter the new monthly charge", **MONEY},
    )
    reason = forms.CharField(
        label="Reason",
        max_length=300,
        help_text="For example the change-control variation number and what it changed.",
        error_messages={
            "required": "Enter why the charge changes",
            "max_length": "Keep it to 300 characters",
        },
    )


class ReliefCorrectForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={
            "required": "Enter why the failure is excused",
            "max_length": "Keep it to 2,000 characters",
        },
    )
    why = forms.CharField(
        label="Why the reason is being corrected",
        max_length=200,
        error_messages={"required": "Enter why the reason is being corrected", "max_length": "Keep it short"},
    )


class ReliefWithdrawForm(GovukFormMixin, forms.Form):
    withdrawal_reason = forms.CharField(
        label="Why the relief is withdrawn",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="If the month's statement is already approved, the failure is deducted as an adjustment in "
        "the next statement approved.",
        error_messages={
            "required": "Enter why the relief is withdrawn",
            "max_length": "Keep it to 2,000 characters",
        },
    )


class StatementApproveForm(GovukFormMixin, forms.Form):
    override_reason = forms.CharField(
        label="Reason to approve with returns not validated",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed only when some returns for the month are not validated. It is recorded with your "
        "name and shown on the statement.",
        error_messages={"max_length": "Keep the reason to 2,000 characters or fewer"},
    )


class StatementCreateForm(GovukFormMixin, forms.Form):
    widths: ClassVar[dict[str, str]] = {"month": "govuk-input--width-5"}
    month = PeriodField(label="Month", help_text="The month the statement is for, for example 2024-04.")


class GainshareYearForm(GovukFormMixin, forms.Form):
    widths: ClassVar[dict[str, str]] = {"year": "govuk-input--width-4"}
    year = forms.IntegerField(
        label="Financial year starting",
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "Enter the year the financial year starts",
            "invalid": "Enter a year, for example 2024",
            "min_value": "Enter a year from 2000",
            "max_value": "Enter a year up to 2100",
        },
    )
    actual_cost_gbp = forms.DecimalField(
        label="Actual cost (£)",
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text="The partner's open-book cost for the year.",
        error_messages={"required": "Enter the actual cost", **MONEY},
    )
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ResponsibilityForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Responsibility
        fields: ClassVar[list[str]] = [
            "obligation",
            "clause_reference",
            "responsible",
            "accountable",
            "consulted",
            "informed",
        ]
        labels: ClassVar[dict[str, str]] = {"clause_reference": "Contract clause"}
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "obligation": {"required": "Enter the obligation"},
            "responsible": {"required": "Enter who is responsible"},
            "accountable": {"required": "Enter who is accountable"},
        }
