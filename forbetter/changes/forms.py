"""Forms for contract changes. Each field says exactly what is wrong; rules spanning fields or records (a
value required to assess, dates in order, the effective date) are the services', whose messages land on
the same fields. Model validation is left to the services, so a refused form changes nothing."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from forbetter.appraisal.models import BusinessCaseVersion
from forbetter.changes.models import ChangeGroup, ChangeRequest, ChangeTerms, Decision, KpiEffect
from forbetter.core.forms import DateInput, GovukFormMixin, ServiceValidatesMixin
from forbetter.partnerships.models import Partnership
from forbetter.performance.models import Kpi

THRESHOLD_HINT = "As a fraction: 0.10 for 10%. Leave blank for ForBetter's default."


def _fraction(label: str) -> dict[str, str]:
    return {
        "invalid": f"{label} must be a fraction, like 0.10 for 10%%",
        "min_value": f"{label} must be more than 0",
        "max_value": f"{label} must be 1 (100%%) or less: enter 0.10 for 10%%",
        "max_decimal_places": f"{label} can have at most 4 decimal places",
        "max_digits": f"{label} must be 1 (100%%) or less: enter 0.10 for 10%%",
    }


class TermsForm(ServiceValidatesMixin, GovukFormMixin, forms.ModelForm):
    widths: ClassVar[dict[str, str]] = {
        "first_threshold": "govuk-input--width-5",
        "second_threshold": "govuk-input--width-5",
    }

    class Meta:
        model = ChangeTerms
        fields: ClassVar[list[str]] = ["works_contract", "first_threshold", "second_threshold"]
        labels: ClassVar[dict[str, str]] = {
            "works_contract": "This is a works contract (building or civil engineering)",
            "first_threshold": "First threshold (optional)",
            "second_threshold": "Second threshold (optional)",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "works_contract": "A works contract may change by 15% of its value, rather than 10%, before the "
            "Procurement Act 2023 asks for a contract change notice.",
            "first_threshold": THRESHOLD_HINT,
            "second_threshold": THRESHOLD_HINT,
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "first_threshold": _fraction("The first threshold"),
            "second_threshold": _fraction("The second threshold"),
        }


class GroupForm(ServiceValidatesMixin, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = ChangeGroup
        fields: ClassVar[list[str]] = ["name", "description"]
        labels: ClassVar[dict[str, str]] = {
            "name": "Name of the group",
            "description": "What links them (optional)",
        }
        widgets: ClassVar[dict[str, Any]] = {"description": forms.Textarea(attrs={"rows": 3})}
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "name": {"required": "Enter a name for the group of related changes"}
        }


class RequestForm(ServiceValidatesMixin, GovukFormMixin, forms.ModelForm):
    widths: ClassVar[dict[str, str]] = {"reference": "govuk-input--width-10"}

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        group = self.fields["group"]
        assert isinstance(group, forms.ModelChoiceField)
        group.queryset = ChangeGroup.objects.filter(partnership=partnership)

    class Meta:
        model = ChangeRequest
        fields: ClassVar[list[str]] = [
            "reference",
            "title",
            "description",
            "raised_by",
            "raised_by_side",
            "raised_on",
            "group",
        ]
        labels: ClassVar[dict[str, str]] = {
            "raised_by": "Raised by",
            "raised_by_side": "Raised by which side",
            "raised_on": "Date requested",
            "group": "Related changes (optional)",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "reference": "For example CR-012.",
            "group": "Changes that could reasonably have been made together are counted together for the "
            "contract change notice.",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "raised_by_side": forms.RadioSelect,
            "raised_on": DateInput(),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "reference": {"required": "Enter the change's reference, for example CR-012"},
            "title": {"required": "Enter a short title for the change"},
            "description": {"required": "Describe the change"},
            "raised_by": {"required": "Enter who raised the change"},
            "raised_by_side": {"required": "Say which side raised the change"},
            "raised_on": {"required": "Enter the date the change was requested"},
        }


class AssessmentForm(ServiceValidatesMixin, GovukFormMixin, forms.ModelForm):
    widths: ClassVar[dict[str, str]] = {"term_change_months": "govuk-input--width-4"}

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        version = self.fields["business_case_version"]
        assert isinstance(version, forms.ModelChoiceField)
        version.queryset = BusinessCaseVersion.objects.filter(
            business_case__partnership=partnership
        ).select_related("business_case")
        version.label_from_instance = lambda v: f"{v.business_case.title}, version {v.number}"  # type: ignore[method-assign,assignment]
        self.fields["value_gbp"].required = True
        self.fields["value_basis"].required = True
        self.fields["effective_from"].required = True
        self.fields["assessed_on"].required = True
        self.fields["term_change_months"].required = False

    def clean_term_change_months(self) -> int:
        return self.cleaned_data.get("term_change_months") or 0

    class Meta:
        model = ChangeRequest
        fields: ClassVar[list[str]] = [
            "value_gbp",
            "value_basis",
            "effective_from",
            "new_monthly_charge_gbp",
            "term_change_months",
            "risks_affected",
            "novation",
            "business_case_effect",
            "business_case_version",
            "assessed_on",
        ]
        labels: ClassVar[dict[str, str]] = {
            "value_gbp": "Value of the change",
            "value_basis": "Is the value one-off or per year?",
            "effective_from": "Date the change takes effect",
            "new_monthly_charge_gbp": "New monthly charge (optional)",
            "term_change_months": "Change to the term, in months (optional)",
            "risks_affected": "Risks affected (optional)",
            "novation": "This is a novation or assignment on a corporate restructuring",
            "business_case_effect": "Effect on the business case (optional, council only)",
            "business_case_version": "Business case version that shows the effect (optional, council only)",
            "assessed_on": "Date assessed",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "value_gbp": "In pounds; a negative amount for a saving. For example, 250,000 or £0.25m.",
            "effective_from": "The first day of a month, on or after the contract's start. For example, "
            "2027 4 1.",
            "new_monthly_charge_gbp": "The monthly charge (before indexation) from that date, if the change "
            "alters it. Leave blank if it stays the same.",
            "term_change_months": "Months added to the term; negative if it is shortened.",
            "risks_affected": "Which risks change, and how.",
            "business_case_effect": "In words. Partner users do not see this.",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "value_basis": forms.RadioSelect,
            "effective_from": DateInput(),
            "risks_affected": forms.Textarea(attrs={"rows": 3}),
            "business_case_effect": forms.Textarea(attrs={"rows": 3}),
            "assessed_on": DateInput(),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "value_gbp": {
                "required": "Enter the value of the change in pounds: a change without a value cannot be "
                "assessed (enter 0 if it costs nothing, or a negative amount for a saving)",
                "invalid": "The value of the change must be a number of pounds, like 250000",
            },
            "value_basis": {"required": "Say whether the value is one-off or a value per year"},
            "effective_from": {"required": "Enter the date the change takes effect"},
            "new_monthly_charge_gbp": {
                "invalid": "The new monthly charge must be a number of pounds, like 2050000",
                "min_value": "The new monthly charge cannot be negative",
            },
            "assessed_on": {"required": "Enter the date the impact was assessed"},
        }


class KpiEffectForm(ServiceValidatesMixin, GovukFormMixin, forms.ModelForm):
    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kpi = self.fields["kpi"]
        assert isinstance(kpi, forms.ModelChoiceField)
        kpi.queryset = Kpi.objects.filter(partnership=partnership).order_by("reference")
        kpi.label_from_instance = lambda k: f"{k.reference}: {k.name}"  # type: ignore[method-assign,assignment]

    class Meta:
        model = KpiEffect
        fields: ClassVar[list[str]] = ["kpi", "new_target", "new_failure_threshold"]
        labels: ClassVar[dict[str, str]] = {
            "kpi": "KPI",
            "new_target": "New target",
            "new_failure_threshold": "New failure threshold (optional)",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "new_failure_threshold": "Leave blank to keep the KPI's failure threshold."
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "kpi": {"required": "Choose the KPI the change affects"},
            "new_target": {
                "required": "Enter the KPI's new target",
                "invalid": "The new target must be a number",
            },
            "new_failure_threshold": {"invalid": "The new failure threshold must be a number"},
        }


class DecisionForm(GovukFormMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=Decision.choices,
        widget=forms.RadioSelect,
        label="Decision",
        error_messages={"required": "Choose approved, rejected or withdrawn"},
    )
    decided_on = forms.DateField(
        widget=DateInput(),
        label="Date of the decision",
        error_messages={"required": "Enter the date of the decision"},
    )
    decided_by = forms.CharField(
        max_length=200,
        label="Decided by",
        help_text="For example the partnership board, or the officer with delegated authority.",
        error_messages={"required": "Enter who made the decision, for example the partnership board"},
    )
    decision_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Reason for the decision",
        error_messages={"required": "Enter the reason for the decision"},
    )


class NoticeForm(GovukFormMixin, forms.Form):
    notice_published_on = forms.DateField(
        widget=DateInput(),
        label="Date published",
        error_messages={"required": "Enter the date the notice was published"},
    )
    notice_reference = forms.CharField(
        max_length=100,
        label="Find a Tender reference",
        help_text="For example 012345-2026.",
        error_messages={"required": "Enter the notice's Find a Tender reference, for example 012345-2026"},
    )
