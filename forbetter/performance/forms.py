"""Forms for KPIs, returns, indicator reviews, benchmark imports and the benefits register.

Forms check each field and say exactly what is wrong; services enforce the rules that span records.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from django.db.models import Q, QuerySet

from forbetter.accounts.models import User
from forbetter.core.forms import EARLIEST_DATE, LATEST_DATE, DateInput, GovukFormMixin, check_date
from forbetter.partnerships.life import contract_life
from forbetter.partnerships.models import Partnership
from forbetter.partnerships.procurement import act_applies
from forbetter.performance.models import (
    RATING_CHOICES,
    Benefit,
    Kpi,
    KpiState,
    ReturnStatus,
    ReviewOutcome,
)
from forbetter.performance.periods import PeriodError, parse_month
from forbetter.performance.uploads import ALLOWED_TEXT, max_bytes, size_text

NUMBER_MESSAGES = {
    "invalid": "Enter the value as a number, for example 94.5",
    "max_digits": "The value has too many digits",
    "max_decimal_places": "Give the value to at most 4 decimal places",
    "max_whole_digits": "The value is too large",
}


def people_of(partnership: Partnership) -> QuerySet[User]:
    """Users of the partnership's councils, its partner and its joint-venture company."""
    organisations = Q(organisation__in=partnership.councils.all())
    for organisation_id in (partnership.partner_id, partnership.joint_venture_company_id):
        if organisation_id is not None:
            organisations |= Q(organisation_id=organisation_id)
    return User.objects.filter(organisations, is_active=True).order_by("first_name", "last_name")


def row_error_ids(form: forms.Form) -> None:
    """In a formset each row's error message needs its own id: '<prefix>-<field>-error' (the GOV.UK
    mixin names it after the field alone)."""
    for name in form.errors:
        if name in form.fields:
            widget = form.fields[name].widget
            described = widget.attrs.get("aria-describedby", "").split()
            widget.attrs["aria-describedby"] = " ".join(
                f"{form.add_prefix(name)}-error" if item == f"{name}-error" else item for item in described
            )


class PeriodField(forms.Field):
    """A period typed as year and month, 2024-04."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {"required": "Enter the period, for example 2024-04"})
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        text = str(value or "").strip()
        if not text:
            return None
        try:
            month = parse_month(text)
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from error
        except ValueError as error:  # year 0000: no such date
            raise forms.ValidationError(
                f"“{text}” is not a month: enter a year from {EARLIEST_DATE.year} to {LATEST_DATE.year} and "
                "a month, for example 2024-04"
            ) from error
        if not EARLIEST_DATE <= month <= LATEST_DATE:
            raise forms.ValidationError(
                f"Enter a month from {EARLIEST_DATE.year} to {LATEST_DATE.year}, for example 2024-04, "
                f"not {text}"
            )
        return month

    def prepare_value(self, value: Any) -> Any:
        return f"{value:%Y-%m}" if isinstance(value, dt.date) else value


class KpiForm(GovukFormMixin, forms.ModelForm):
    widths: ClassVar[dict[str, str]] = {
        "reference": "govuk-input--width-10",
        "unit": "govuk-input--width-10",
        "weight": "govuk-input--width-5",
        "severity_points": "govuk-input--width-5",
        "return_due_days": "govuk-input--width-3",
    }
    first_period = PeriodField(
        label="First period reported",
        help_text="Year and month, for example 2024-04. Quarters start in January, April, July or October; "
        "annual KPIs in April.",
    )

    class Meta:
        model = Kpi
        fields: ClassVar[list[str]] = [
            "reference",
            "name",
            "definition",
            "measurement_method",
            "measured_by",
            "unit",
            "percent_beyond_range",
            "direction",
            "kpi_type",
            "baseline_value",
            "baseline_method",
            "baseline_measured_on",
            "target",
            "failure_threshold",
            "frequency",
            "first_period",
            "weight",
            "severity_points",
            "owner",
            "published",
            "return_due_days",
        ]
        labels: ClassVar[dict[str, str]] = {
            "reference": "Reference",
            "name": "Name",
            "measured_by": "Who measures it",
            "baseline_value": "Baseline value",
            "baseline_measured_on": "When the baseline was measured",
            "target": "Target",
            "failure_threshold": "Failure threshold",
            "weight": "Weight",
            "owner": "Owner",
            "published": "Published under the Procurement Act 2023",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "baseline_value": "The value before the service transferred, in the KPI's unit.",
            "target": "The value that counts as met, in the KPI's unit. Changing it here corrects the "
            "target in force now; to change the target from a date, record an indicator review, so earlier "
            "periods keep theirs.",
            "measurement_method": "The data source, the calculation and any sampling.",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "definition": forms.Textarea(attrs={"rows": 3}),
            "measurement_method": forms.Textarea(attrs={"rows": 3}),
            "baseline_method": forms.Textarea(attrs={"rows": 2}),
            "baseline_measured_on": DateInput(),
            "direction": forms.RadioSelect,
            "kpi_type": forms.RadioSelect,
            "frequency": forms.RadioSelect,
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "reference": {"required": "Enter a reference, for example HW-01"},
            "name": {"required": "Enter the KPI's name"},
            "definition": {"required": "Enter what the KPI counts"},
            "measurement_method": {"required": "Enter how the KPI is measured"},
            "measured_by": {"required": "Enter who measures the KPI"},
            "unit": {"required": "Enter the unit, for example %"},
            "kpi_type": {"required": "Select the type of indicator"},
            "target": {
                **NUMBER_MESSAGES,
                "required": "Enter the target",
                "invalid": "Enter the target as a number, for example 95",
            },
            "failure_threshold": {**NUMBER_MESSAGES, "invalid": "Enter the failure threshold as a number"},
            "baseline_value": {**NUMBER_MESSAGES, "invalid": "Enter the baseline as a number"},
            "weight": {
                "invalid": "Enter the weight as a fraction, for example 0.05",
                "min_value": "Weight must be between 0 and 1",
                "max_value": "Weight must be between 0 and 1",
            },
            "severity_points": {
                "invalid": "Enter severity points as a whole number",
                "min_value": "Severity points cannot be negative",
            },
            "return_due_days": {
                "invalid": "Enter a whole number of days",
                "max_value": "Allow at most 90 days",
                "min_value": "Days cannot be negative",
            },
            "baseline_measured_on": {"invalid": "Enter a real date"},
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = people_of(partnership)
        owner.help_text = "The council officer who answers for this KPI."
        if not act_applies(partnership):  # the Act's publication duty (s. 52) does not apply
            del self.fields["published"]
        self.partnership = partnership

    def clean_baseline_measured_on(self) -> dt.date | None:
        """Rule INPUT-DATE-PLAUSIBLE: a baseline has been measured, so its date is not in the future."""
        value: dt.date | None = self.cleaned_data.get("baseline_measured_on")
        check_date(value, label="when the baseline was measured", not_in_future=True)
        return value

    def clean_first_period(self) -> dt.date | None:
        """Rule INPUT-DATE-PLAUSIBLE: the first period reported falls before the contract's end."""
        value: dt.date | None = self.cleaned_data.get("first_period")
        life = contract_life(self.partnership)
        check_date(
            value, label="the first period reported", latest=life.latest, latest_because=life.latest_because
        )
        return value


class ReturnForm(GovukFormMixin, forms.Form):
    widths: ClassVar[dict[str, str]] = {"period": "govuk-input--width-5"}

    kpi = forms.TypedChoiceField(
        label="KPI",
        coerce=int,
        error_messages={
            "required": "Select the KPI this return is for",
            "invalid_choice": "Select a KPI of this partnership",
        },
    )
    period = PeriodField(label="Period", help_text="Year and month the period starts, for example 2024-04.")
    value = forms.DecimalField(
        label="Value",
        max_digits=14,
        decimal_places=4,
        # GOV.UK advises a text input for numbers: type=number mangles some values and reads badly.
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={"required": "Enter the value", **NUMBER_MESSAGES},
    )
    evidence = forms.FileField(
        label="Evidence",
        error_messages={
            "required": "Upload the evidence for this value",
            "empty": "The evidence file is empty",
        },
    )
    commentary = forms.CharField(
        label="Commentary (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, kpis: list[Kpi], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kpi"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "Choose a KPI")] + [(k.pk, str(k)) for k in kpis if k.state == KpiState.ACTIVE]
        self.fields["evidence"].help_text = f"A {ALLOWED_TEXT} file smaller than {size_text(max_bytes())}."


class ReturnReviewForm(GovukFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("validate", "Validate: the value is right and counts"), ("dispute", "Dispute it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you validate or dispute the return"},
    )
    reason = forms.CharField(
        label="Why the return is disputed",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when you dispute. The partner sees it and can send a corrected return.",
    )

    def __init__(self, *args: Any, validated: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if validated:  # a validated value can only be disputed
            decision = self.fields["decision"]
            assert isinstance(decision, forms.ChoiceField)
            decision.choices = [("dispute", "Dispute it: the validated value is wrong")]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("decision") == "dispute" and not data.get("reason", "").strip():
            self.add_error("reason", "Enter why the return is disputed")
        return data


class ReturnFilterForm(GovukFormMixin, forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "All"), *ReturnStatus.choices, ("late", "Late")],
    )


class ReviewScheduleForm(GovukFormMixin, forms.Form):
    kpi = forms.TypedChoiceField(
        label="KPI",
        coerce=int,
        error_messages={
            "required": "Select the KPI to review",
            "invalid_choice": "Select a KPI of this partnership",
        },
    )
    due_on = forms.DateField(
        label="Review due on",
        widget=DateInput(),
        error_messages={"required": "Enter when the review is due", "invalid": "Enter a real date"},
    )

    def __init__(self, *args: Any, kpis: list[Kpi], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kpi"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "Choose a KPI")] + [(k.pk, str(k)) for k in kpis]


class ReviewRecordForm(GovukFormMixin, forms.Form):
    reviewed_on = forms.DateField(
        label="Date of the review",
        widget=DateInput(),
        error_messages={"required": "Enter the date of the review", "invalid": "Enter a real date"},
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=ReviewOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome of the review"},
    )
    new_target = forms.DecimalField(
        label="New target (if the target changes)",
        required=False,
        max_digits=14,
        decimal_places=4,
        error_messages=NUMBER_MESSAGES,
    )
    new_failure_threshold = forms.DecimalField(
        label="New failure threshold (optional)",
        required=False,
        max_digits=14,
        decimal_places=4,
        help_text="Leave blank to keep the failure threshold in force.",
        error_messages=NUMBER_MESSAGES,
    )
    new_target_from = forms.DateField(
        label="The new target applies from (optional)",
        required=False,
        widget=DateInput(),
        help_text="The first reporting period it applies to. Blank: the first period that starts after the "
        "review. Earlier periods, their statuses, ratings and payment statements keep the target in force "
        "then.",
        error_messages={"invalid": "Enter a real date"},
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Is it still measuring the right thing? What evidence did the review look at?",
    )
    next_review_on = forms.DateField(
        label="Next review due on (optional)",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "Enter a real date"},
    )


class BenchmarkUploadForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns council, period, value, source. Nothing is saved until you confirm.",
        error_messages={"required": "Choose a CSV file to check", "empty": "The file is empty"},
    )


class BenchmarkConfirmForm(forms.Form):
    csv_text = forms.CharField(widget=forms.HiddenInput, strip=False)
    file_name = forms.CharField(widget=forms.HiddenInput, max_length=200)


class BenefitForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Benefit
        fields: ClassVar[list[str]] = ["name", "description", "category", "owner", "evidence"]
        labels: ClassVar[dict[str, str]] = {"name": "Benefit", "evidence": "Evidence"}
        widgets: ClassVar[dict[str, Any]] = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "evidence": forms.Textarea(attrs={"rows": 3}),
            "category": forms.RadioSelect,
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "name": {"required": "Enter the benefit"},
            "category": {"required": "Select the kind of benefit"},
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = people_of(partnership)


MONEY_MESSAGES = {
    "invalid": "Enter an amount in pounds, for example 125000",
    "min_value": "Amounts cannot be negative",
    "max_digits": "The amount is too large",
    "max_decimal_places": "Give pounds and pence only",
}


class BenefitValueForm(GovukFormMixin, forms.Form):
    widths: ClassVar[dict[str, str]] = {
        "year": "govuk-input--width-4",
        "planned_gbp": "govuk-input--width-10",
        "realised_gbp": "govuk-input--width-10",
    }
    year = forms.IntegerField(
        label="Financial year starting",
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": "Enter the year the financial year starts, for example 2024",
            "min_value": "Enter a year from 2000",
            "max_value": "Enter a year up to 2100",
        },
    )
    planned_gbp = forms.DecimalField(
        label="Planned (£)",
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        error_messages=MONEY_MESSAGES,
    )
    realised_gbp = forms.DecimalField(
        label="Realised (£)",
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        error_messages=MONEY_MESSAGES,
    )

    def full_clean(self) -> None:
        super().full_clean()
        row_error_ids(self)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        filled = [data.get(name) is not None for name in ("planned_gbp", "realised_gbp")]
        if any(filled) and data.get("year") is None and "year" not in self.errors:
            self.add_error("year", "Enter the financial year for this row")
        if (
            data.get("year") is not None
            and data.get("planned_gbp") is None
            and "planned_gbp" not in self.errors
        ):
            self.add_error("planned_gbp", "Enter the planned value, or 0")
        return data

    def row(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if data.get("year") is None:
            return None
        return {
            "year": data["year"],
            "planned_gbp": data.get("planned_gbp") or Decimal(0),
            "realised_gbp": data.get("realised_gbp"),
        }


BenefitValueFormSet = forms.formset_factory(BenefitValueForm, extra=0)


class PublishedRatingForm(GovukFormMixin, forms.Form):
    """The rating published for a KPI's contract year (Procurement Act 2023 s. 71), or why there is none."""

    rating = forms.ChoiceField(
        label="Rating published",
        choices=RATING_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        help_text="One of the five ratings of the Procurement Regulations 2024, regulation 39.",
    )
    explanation = forms.CharField(
        label="Explanation (needed for Other, or if the rating differs from the proposal)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    published_on = forms.DateField(
        label="Date the contract performance notice was published (optional)",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "Enter a real date"},
    )
    exemption_reason = forms.CharField(
        label="If no rating was published, why",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the contract is exempt from the duty to assess performance.",
    )


class KpiAgreementForm(GovukFormMixin, forms.Form):
    """Move a KPI's agreement state one step (rule KPI-AGREED-STAYS), given ``version_record=kpi``."""

    to = forms.ChoiceField(
        label="Move the KPI to",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the state the KPI moves to",
            "invalid_choice": "Select one of the states offered",
        },
    )
    reason = forms.CharField(
        label="Why (needed to go back a step)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
