"""Forms for partnership reviews, change mechanisms and scenarios. Each field says exactly what is wrong;
rules spanning fields or records (completing a review, which service a decision may name, what each kind of
scenario needs) are the services', whose messages land on the same fields.

Model validation is left to the services (``_post_clean`` does nothing), so a refused form changes nothing.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from forbetter.core.forms import DateInput, GovukFormMixin, ServiceValidatesMixin
from forbetter.partnerships.models import ServiceArea
from forbetter.reviews.models import (
    PartnershipReview,
    PricingTerms,
    ReviewSchedule,
    Scenario,
    ServiceDecision,
    ServiceMechanism,
)

MONEY_HINT = "In pounds a year, in today's prices. For example, 1,250,000 or £1.25m."
FRACTION_HINT = "As a fraction: 0.05 for 5%."


def _money(label: str) -> dict[str, str]:
    name = f"{label[:1].upper()}{label[1:]}"
    return {
        "required": f"Enter the {label}",
        "invalid": f"{name} must be a number of pounds, like 250000",
        "min_value": f"{name} cannot be negative",
        "max_digits": f"{name} is too large",
        "max_decimal_places": f"{name} can have at most 2 decimal places (pence)",
    }


def _fraction(label: str, *, top: str = "1 (100%%)") -> dict[str, str]:
    return {
        "required": f"Enter the {label[:1].lower()}{label[1:]}, as a fraction: 0.05 for 5%",
        "invalid": f"{label} must be a fraction, like 0.05 for 5%",
        "min_value": f"{label} cannot be negative",
        "max_value": f"{label} must be {top} or less",
        "max_decimal_places": f"{label} can have at most 4 decimal places",
        "max_digits": f"{label} must be {top} or less",
    }


def _whole(label: str, low: int, high: int, example: int) -> dict[str, str]:
    return {
        "required": f"Enter the {label}",
        "invalid": f"The {label} must be a whole number, like {example}",
        "min_value": f"The {label} must be at least {low}",
        "max_value": f"The {label} must be {high} or less",
    }


class ScheduleForm(ServiceValidatesMixin, GovukFormMixin, forms.ModelForm):
    widths: ClassVar[dict[str, str]] = {"interval_years": "govuk-input--width-3"}

    class Meta:
        model = ReviewSchedule
        fields: ClassVar[list[str]] = ["interval_years"]
        labels: ClassVar[dict[str, str]] = {"interval_years": "Years between reviews"}
        help_texts: ClassVar[dict[str, str]] = {
            "interval_years": "The council decides how often it reviews the whole partnership. Unless it "
            "sets an interval here, a review falls due every 3 years.",
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "interval_years": _whole("years between reviews", 1, 15, 3)
        }


class ReviewForm(ServiceValidatesMixin, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = PartnershipReview
        fields: ClassVar[list[str]] = [
            "period_from",
            "period_to",
            "planned_on",
            "status",
            "completed_on",
            "scope",
            "participants",
            "findings",
        ]
        labels: ClassVar[dict[str, str]] = {
            "period_from": "Start of the period covered",
            "period_to": "End of the period covered",
            "planned_on": "Planned date of the review",
            "status": "Status",
            "completed_on": "Date completed (when completed)",
            "scope": "Scope",
            "participants": "Who took part (optional)",
            "findings": "Findings (needed to complete the review)",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "status": "A review can be completed once it has findings and at least one decision about a "
            "service.",
            "scope": "What the review looks at: the services, the outcomes, the contract's terms.",
            "participants": "Names and roles, on each side.",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "period_from": DateInput(),
            "period_to": DateInput(),
            "planned_on": DateInput(),
            "completed_on": DateInput(),
            "status": forms.RadioSelect,
            "scope": forms.Textarea(attrs={"rows": 3}),
            "participants": forms.Textarea(attrs={"rows": 3}),
            "findings": forms.Textarea(attrs={"rows": 6}),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "period_from": {"required": "Enter the first day of the period the review covers"},
            "period_to": {"required": "Enter the last day of the period the review covers"},
            "planned_on": {"required": "Enter the date the review is planned for"},
            "status": {"required": "Select the review's status"},
            "scope": {"required": "Say what the review looks at (its scope)"},
        }


class DecisionForm(ServiceValidatesMixin, GovukFormMixin, forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        service = self.fields["service"]
        assert isinstance(service, forms.ModelChoiceField)
        service.queryset = ServiceArea.objects.order_by("name")
        service.empty_label = "Choose a service"

    class Meta:
        model = ServiceDecision
        fields: ClassVar[list[str]] = ["service", "new_service_name", "decision", "reason"]
        labels: ClassVar[dict[str, str]] = {
            "service": "Service",
            "new_service_name": "Or a new service to add (optional)",
            "decision": "Decision",
            "reason": "Reason",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "service": "A service in the partnership's bundle, or one to add to it.",
            "new_service_name": "Only for adding a service that is not on the list.",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "decision": forms.RadioSelect,
            "reason": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "service": {"invalid_choice": "Choose a service from the list"},
            "decision": {"required": "Select the decision about the service"},
            "reason": {"required": "Give the reason for the decision"},
        }


class MechanismForm(ServiceValidatesMixin, GovukFormMixin, forms.ModelForm):
    widths: ClassVar[dict[str, str]] = {
        "variable_share": "govuk-input--width-5",
        "tolerance_band": "govuk-input--width-5",
        "increase_rate": "govuk-input--width-5",
        "decrease_rate": "govuk-input--width-5",
        "notice_months": "govuk-input--width-3",
        "compensation_share": "govuk-input--width-5",
    }

    def __init__(self, *args: Any, services: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["service"]
        assert isinstance(field, forms.ModelChoiceField)
        if services is not None:
            field.queryset = services
        field.empty_label = "Choose a service"

    class Meta:
        model = ServiceMechanism
        fields: ClassVar[list[str]] = [
            "service",
            "annual_charge_gbp",
            "variable_share",
            "tolerance_band",
            "increase_rate",
            "decrease_rate",
            "notice_months",
            "compensation_share",
            "compensation_fixed_gbp",
            "notes",
        ]
        labels: ClassVar[dict[str, str]] = {
            "service": "Service",
            "annual_charge_gbp": "Annual charge (£)",
            "variable_share": "Share of the charge that varies with demand",
            "tolerance_band": "Tolerance band",
            "increase_rate": "Rate for demand above the band",
            "decrease_rate": "Rate for demand below the band",
            "notice_months": "Notice to withdraw the service (months)",
            "compensation_share": "Compensation on withdrawal, as a share of the lost annual charge",
            "compensation_fixed_gbp": "Fixed compensation on withdrawal (£)",
            "notes": "Notes (optional)",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "annual_charge_gbp": MONEY_HINT,
            "variable_share": FRACTION_HINT + " The rest is fixed whatever the demand.",
            "tolerance_band": FRACTION_HINT + " Demand changes up to this share either way cost nothing.",
            "increase_rate": "1 prices extra demand pro rata; 1.1 at a 10% premium.",
            "decrease_rate": "1 credits lower demand pro rata; 0.8 gives back only 80% of it.",
            "compensation_share": FRACTION_HINT,
            "compensation_fixed_gbp": "In pounds, on top of the share. Enter 0 if none.",
            "notes": "Where in the contract these terms are.",
        }
        widgets: ClassVar[dict[str, Any]] = {"notes": forms.Textarea(attrs={"rows": 3})}
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "service": {
                "required": "Choose the service these change mechanisms are for",
                "invalid_choice": "Choose a service in the partnership's bundle",
            },
            "annual_charge_gbp": _money("annual charge"),
            "variable_share": _fraction("Share of the charge that varies with demand"),
            "tolerance_band": _fraction("Tolerance band"),
            "increase_rate": _fraction("Rate for demand above the band", top="5"),
            "decrease_rate": _fraction("Rate for demand below the band", top="5"),
            "notice_months": _whole("notice in months", 0, 60, 6),
            "compensation_share": _fraction("Compensation share"),
            "compensation_fixed_gbp": _money("fixed compensation (0 if none)"),
        }


class TermsForm(ServiceValidatesMixin, GovukFormMixin, forms.ModelForm):
    widths: ClassVar[dict[str, str]] = {
        "margin": "govuk-input--width-5",
        "policy_council_share": "govuk-input--width-5",
    }

    class Meta:
        model = PricingTerms
        fields: ClassVar[list[str]] = ["price_basis", "margin", "policy_council_share", "notes"]
        labels: ClassVar[dict[str, str]] = {
            "price_basis": "How an added service is priced",
            "margin": "Margin on an added service's cost",
            "policy_council_share": "The council's share of the cost of a change in policy or law",
            "notes": "Notes (optional)",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "margin": FRACTION_HINT + " Only used for cost plus.",
            "policy_council_share": FRACTION_HINT + " The partner absorbs the rest.",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "price_basis": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "price_basis": {"required": "Select how an added service is priced"},
            "margin": _fraction("Margin"),
            "policy_council_share": _fraction("The council's share of a policy change"),
        }


class ScenarioForm(ServiceValidatesMixin, GovukFormMixin, forms.ModelForm):
    widths: ClassVar[dict[str, str]] = {
        "demand_change": "govuk-input--width-5",
        "first_year": "govuk-input--width-4",
        "years": "govuk-input--width-3",
        "starts_in_year": "govuk-input--width-3",
    }

    def __init__(self, *args: Any, services: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["service"]
        assert isinstance(field, forms.ModelChoiceField)
        if services is not None:
            field.queryset = services
        field.empty_label = "Choose a service"

    class Meta:
        model = Scenario
        fields: ClassVar[list[str]] = [
            "name",
            "kind",
            "description",
            "service",
            "demand_change",
            "in_house_annual_cost_gbp",
            "new_service_name",
            "new_service_cost_gbp",
            "policy_annual_cost_gbp",
            "first_year",
            "years",
            "starts_in_year",
        ]
        labels: ClassVar[dict[str, str]] = {
            "name": "Name",
            "kind": "Kind of change",
            "description": "Description (optional)",
            "service": "Service (demand changes and withdrawals)",
            "demand_change": "How far demand moves (demand changes)",
            "in_house_annual_cost_gbp": "Cost of running it in house a year (£, withdrawals, optional)",
            "new_service_name": "Service added (added services)",
            "new_service_cost_gbp": "Its annual cost, or the partner's quoted price (£, added services)",
            "policy_annual_cost_gbp": "Estimated cost a year (£, policy changes)",
            "first_year": "First financial year starting",
            "years": "Years to show",
            "starts_in_year": "The change starts in year",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "demand_change": FRACTION_HINT + " Enter the size; the kind of change says up or down.",
            "in_house_annual_cost_gbp": "Leave blank if nobody would run it.",
            "new_service_cost_gbp": MONEY_HINT,
            "policy_annual_cost_gbp": MONEY_HINT,
            "first_year": "For example 2026 for April 2026 to March 2027.",
            "starts_in_year": "1 for the first year shown.",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "kind": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "name": {"required": "Give the scenario a name"},
            "kind": {"required": "Select the kind of change"},
            "service": {"invalid_choice": "Choose a service with change mechanisms recorded"},
            "demand_change": _fraction("How far demand moves", top="5 (500%%)"),
            "in_house_annual_cost_gbp": _money("cost of running it in house"),
            "new_service_cost_gbp": _money("added service's annual cost"),
            "policy_annual_cost_gbp": _money("policy change's cost a year"),
            "first_year": {
                "required": "Enter the year the first financial year starts",
                "invalid": "Enter a year, for example 2026",
                "min_value": "Enter a year from 2000",
                "max_value": "Enter a year up to 2100",
            },
            "years": _whole("years to show", 1, 15, 5),
            "starts_in_year": _whole("year the change starts", 1, 15, 1),
        }
