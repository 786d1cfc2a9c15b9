"""Forms for the risk register, actions, reviews, the ownership plan, Monte Carlo runs and exit costs.

Each field says exactly what is wrong; rules that span fields come from :mod:`forbetter.risks.rules`, which
the services apply again.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator

from forbetter.accounts.models import User
from forbetter.core.forms import DateInput, GovukFormMixin
from forbetter.partnerships.models import Partnership
from forbetter.risks import selectors
from forbetter.risks.models import (
    IMPACT_CHOICES,
    LIKELIHOOD_CHOICES,
    Allocation,
    ExitAnalysis,
    ExitDiscounting,
    ImpactDistribution,
    OwnershipAction,
    OwnershipContact,
    OwnershipPlan,
    OwnershipTrigger,
    Risk,
    RiskAction,
    RiskCategory,
    RiskStatus,
)
from forbetter.risks.rules import PROBABILITY_RANGE_MESSAGE, SHARE_RANGE_MESSAGE, risk_rule_errors

# Field error messages are %-formatted with the validator's parameters, so a literal % is doubled.
SHARE_RANGE_FIELD_MESSAGE = SHARE_RANGE_MESSAGE.replace("%", "%%")
MONEY_HINT = "In pounds. For example, 250,000 or £250k."


def numeric_text_input(widget: forms.Widget, *, whole: bool) -> forms.TextInput:
    """A text input for numbers, as GOV.UK advises (``type=number`` spins, rounds and rejects text silently):
    the field's own validation gives the message, and mobile keyboards still show digits."""
    attrs = {**widget.attrs, "inputmode": "numeric" if whole else "decimal", "spellcheck": "false"}
    attrs.pop("step", None)
    attrs.pop("min", None)
    attrs.pop("max", None)
    return forms.TextInput(attrs=attrs)


class NumericTextMixin:
    """Swaps every number widget of the form for :func:`numeric_text_input`, keeping its GOV.UK classes."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.NumberInput):
                field.widget = numeric_text_input(field.widget, whole=isinstance(field, forms.IntegerField))


class ModelLimitsMixin:
    """Gives each form field its model field's minimum and maximum, so a value out of range gets the form's
    own message (``min_value``/``max_value`` in ``error_messages``) before anything reaches a service."""

    fields: dict[str, forms.Field]
    _meta: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.ChoiceField):  # choices already limit the values
                continue
            try:
                model_field = self._meta.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            for validator in model_field.validators:
                if (
                    isinstance(validator, MinValueValidator | MaxValueValidator)
                    and validator not in field.validators
                ):
                    field.validators.append(validator)


def _money_messages(label: str, *, negative: bool = False) -> dict[str, str]:
    messages = {
        "invalid": f"{label} must be a number of pounds, like 250000",
        "max_digits": f"{label} is too large",
        "max_decimal_places": f"{label} can have at most 2 decimal places (pence)",
    }
    if not negative:
        messages["min_value"] = f"{label} cannot be negative"
    return messages


def _scale_messages(label: str) -> dict[str, str]:
    return {"required": f"Select the {label}", "invalid_choice": f"Select the {label} from 1 to 5"}


class RiskForm(NumericTextMixin, ModelLimitsMixin, GovukFormMixin, forms.ModelForm):
    widths: ClassVar[dict[str, str]] = {
        "council_share": "govuk-input--width-5",
        "probability": "govuk-input--width-5",
    }

    category = forms.ModelChoiceField(
        queryset=RiskCategory.objects.all(),
        empty_label="Choose a category",
        error_messages={
            "required": "Select a category",
            "invalid_choice": "Select a category from the list",
        },
        help_text="The service-delivery partnership categories come first, "
        "then the OCDS for PPPs categories.",
    )

    class Meta:
        model = Risk
        fields: ClassVar[list[str]] = [
            "title",
            "category",
            "description",
            "cause",
            "effect",
            "owner",
            "allocation",
            "council_share",
            "transferability",
            "inherent_likelihood",
            "inherent_impact",
            "controls",
            "council_notes",
            "residual_likelihood",
            "residual_impact",
            "review_frequency",
            "next_review_on",
            "status",
            "actual_cost_gbp",
            "probability",
            "distribution",
            "impact_minimum_gbp",
            "impact_most_likely_gbp",
            "impact_maximum_gbp",
        ]
        labels: ClassVar[dict[str, str]] = {
            "title": "Short title",
            "cause": "Cause",
            "effect": "Effect if it happens",
            "allocation": "Who carries the risk?",
            "council_share": "Council's share",
            "transferability": "Can the risk be transferred?",
            "inherent_likelihood": "Likelihood before controls",
            "inherent_impact": "Impact before controls",
            "residual_likelihood": "Likelihood now, with the controls",
            "residual_impact": "Impact now, with the controls",
            "controls": "Controls in place",
            "council_notes": "Council-only notes",
            "review_frequency": "How often is it reviewed?",
            "next_review_on": "Next review date",
            "actual_cost_gbp": "Actual cost in pounds",
            "probability": "Probability it happens",
            "distribution": "Shape of the cost range",
            "impact_minimum_gbp": "Minimum cost in pounds",
            "impact_most_likely_gbp": "Most likely cost in pounds",
            "impact_maximum_gbp": "Maximum cost in pounds",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "council_share": "For a shared risk only: the council's share as a fraction, "
            "for example 0.4 for 40%.",
            "next_review_on": "Leave blank to set it one review period from today.",
            "council_notes": "Only council staff, auditors and administrators see these notes; partner users "
            "never do, nor their history. Everything else about the risk except its costs is visible to the "
            "partner.",
            "controls": "The partner can read this.",
            "description": "The partner can read this.",
            "actual_cost_gbp": "Required when the risk has materialised. " + MONEY_HINT,
            "probability": "Optional. The chance the risk happens over the life of the contract, as a "
            "fraction: 0.25 for a one-in-four chance. Fill in all five quantification fields or none. "
            "Partner users never see the probability or the costs.",
            "distribution": "PERT puts more weight on the most likely cost; "
            "triangular spreads it more evenly.",
            "impact_minimum_gbp": MONEY_HINT,
            "impact_most_likely_gbp": MONEY_HINT,
            "impact_maximum_gbp": MONEY_HINT,
        }
        widgets: ClassVar[dict[str, Any]] = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "cause": forms.Textarea(attrs={"rows": 2}),
            "effect": forms.Textarea(attrs={"rows": 2}),
            "controls": forms.Textarea(attrs={"rows": 3}),
            "council_notes": forms.Textarea(attrs={"rows": 3}),
            "allocation": forms.RadioSelect,
            "transferability": forms.RadioSelect,
            "review_frequency": forms.RadioSelect,
            "status": forms.RadioSelect,
            "distribution": forms.RadioSelect,
            "next_review_on": DateInput(),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "title": {"required": "Enter a short title for the risk"},
            "description": {"required": "Describe the risk"},
            "allocation": {"required": "Select who carries the risk"},
            "transferability": {"required": "Select whether the risk can be transferred"},
            "inherent_likelihood": _scale_messages("likelihood before controls"),
            "inherent_impact": _scale_messages("impact before controls"),
            "residual_likelihood": _scale_messages("likelihood now"),
            "residual_impact": _scale_messages("impact now"),
            "review_frequency": {"required": "Select how often the risk is reviewed"},
            "next_review_on": {"invalid": "Next review date must be a real date"},
            "status": {"required": "Select the risk's status"},
            "council_share": {
                "invalid": "The council's share must be a fraction, like 0.4",
                "min_value": SHARE_RANGE_FIELD_MESSAGE,
                "max_value": SHARE_RANGE_FIELD_MESSAGE,
                "max_digits": SHARE_RANGE_FIELD_MESSAGE,
                "max_decimal_places": "The council's share can have at most 4 decimal places",
            },
            "probability": {
                "invalid": "Probability must be a fraction, like 0.25",
                "min_value": PROBABILITY_RANGE_MESSAGE,
                "max_value": PROBABILITY_RANGE_MESSAGE,
                "max_digits": PROBABILITY_RANGE_MESSAGE,
                "max_decimal_places": "Probability can have at most 4 decimal places",
            },
            "actual_cost_gbp": _money_messages("Actual cost"),
            "impact_minimum_gbp": _money_messages("Minimum cost"),
            "impact_most_likely_gbp": _money_messages("Most likely cost"),
            "impact_maximum_gbp": _money_messages("Maximum cost"),
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = selectors.people_for(partnership)
        owner.empty_label = "Choose the owner"
        owner.required = True
        owner.error_messages["required"] = "Select who owns the risk"
        owner.error_messages["invalid_choice"] = "Select an owner from the list"
        owner.help_text = "The person accountable for managing the risk."
        self.fields["next_review_on"].required = False
        distribution = self.fields["distribution"]
        assert isinstance(distribution, forms.ChoiceField)
        distribution.choices = ImpactDistribution.choices
        distribution.required = False
        for name, choices in (
            ("inherent_likelihood", LIKELIHOOD_CHOICES),
            ("residual_likelihood", LIKELIHOOD_CHOICES),
            ("inherent_impact", IMPACT_CHOICES),
            ("residual_impact", IMPACT_CHOICES),
        ):
            scale = self.fields[name]
            assert isinstance(scale, forms.ChoiceField)
            scale.choices = [("", "Choose"), *choices]
        self.fields["status"].help_text = "Record the actual cost when a risk has materialised (happened)."

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        for field, message in risk_rule_errors(data).items():
            if field not in self.errors:
                self.add_error(field, message)
        return data

    def _post_clean(self) -> None:
        # The services run the model's own validation; the form reports rules field by field first.
        pass


class RiskActionForm(ModelLimitsMixin, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = RiskAction
        fields: ClassVar[list[str]] = ["description", "owner", "due_on", "status"]
        labels: ClassVar[dict[str, str]] = {"description": "What will be done", "due_on": "Due date"}
        widgets: ClassVar[dict[str, Any]] = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "due_on": DateInput(),
            "status": forms.RadioSelect,
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "description": {"required": "Describe the action"},
            "due_on": {"required": "Enter the due date", "invalid": "Due date must be a real date"},
            "status": {"required": "Select the action's status"},
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = selectors.people_for(partnership)
        owner.empty_label = "Choose the owner"
        owner.required = True
        owner.error_messages["required"] = "Select who owns the action"

    def _post_clean(self) -> None:
        pass


class RegisterFilterForm(GovukFormMixin, forms.Form):
    search = forms.CharField(label="Title or description contains", required=False)
    category = forms.ModelChoiceField(
        queryset=RiskCategory.objects.all(), required=False, empty_label="Any category"
    )
    allocation = forms.ChoiceField(
        choices=[("", "Anyone"), *Allocation.choices], required=False, label="Carried by"
    )
    status = forms.ChoiceField(choices=[("", "Any status"), *RiskStatus.choices], required=False)
    position = forms.ChoiceField(
        label="Scores to filter on",
        choices=[("residual", "Now, with the controls"), ("inherent", "Before controls")],
        required=False,
    )
    band = forms.ChoiceField(
        choices=[
            ("", "Any band"),
            *[(b.name.replace(" ", "-"), b.name.capitalize()) for b in selectors.BANDS],
        ],
        required=False,
    )
    likelihood = forms.TypedChoiceField(
        choices=[("", "Any likelihood"), *LIKELIHOOD_CHOICES], coerce=int, empty_value=None, required=False
    )
    impact = forms.TypedChoiceField(
        choices=[("", "Any impact"), *IMPACT_CHOICES], coerce=int, empty_value=None, required=False
    )
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False, empty_label="Anyone")
    overdue = forms.BooleanField(label="Only risks whose review is overdue", required=False)
    sort = forms.ChoiceField(
        label="Sort by", choices=[(key, label) for key, (label, _) in selectors.SORTS.items()], required=False
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = selectors.register_owners(partnership)

    def filters(self) -> selectors.RegisterFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return selectors.RegisterFilters(
            category=data.get("category"),
            allocation=data.get("allocation", ""),
            status=data.get("status", ""),
            band=data.get("band", ""),
            owner=data.get("owner"),
            overdue=bool(data.get("overdue")),
            position=data.get("position") or "residual",
            likelihood=data.get("likelihood"),
            impact=data.get("impact"),
            search=data.get("search", "").strip(),
            sort=data.get("sort") or "number",
        )


class ReviewForm(GovukFormMixin, forms.Form):
    """A review: date, reviewer, notes, and for each open risk whether it was reviewed and its score now."""

    reviewed_on = forms.DateField(
        label="Date of the review",
        widget=DateInput(),
        error_messages={
            "required": "Enter the date of the review",
            "invalid": "Date of the review must be a real date",
        },
    )
    reviewer = forms.ModelChoiceField(
        queryset=User.objects.none(),
        empty_label="Choose the reviewer",
        error_messages={"required": "Select who carried out the review"},
    )
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What was discussed and decided, and where it was reported. The partner will be able to "
        "read these notes and the comments on each risk.",
    )

    def __init__(self, *args: Any, partnership: Partnership, risks: list[Risk], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reviewer = self.fields["reviewer"]
        assert isinstance(reviewer, forms.ModelChoiceField)
        reviewer.queryset = selectors.council_people_for(partnership)
        self.risks = risks
        for risk in risks:
            self.fields[f"reviewed_{risk.pk}"] = forms.BooleanField(
                required=False, label=f"Reviewed {risk.reference}"
            )
            self.fields[f"likelihood_{risk.pk}"] = forms.TypedChoiceField(
                choices=LIKELIHOOD_CHOICES,
                coerce=int,
                initial=risk.residual_likelihood,
                label=f"Likelihood of {risk.reference} now",
            )
            self.fields[f"impact_{risk.pk}"] = forms.TypedChoiceField(
                choices=IMPACT_CHOICES,
                coerce=int,
                initial=risk.residual_impact,
                label=f"Impact of {risk.reference} now",
            )
            self.fields[f"comment_{risk.pk}"] = forms.CharField(
                required=False,
                label=f"Comment on {risk.reference}",
                max_length=1000,
                help_text="The partner can read this comment.",
            )
            for name in ("likelihood", "impact"):
                self.fields[f"{name}_{risk.pk}"].widget.attrs["class"] = "govuk-select"
            self.fields[f"comment_{risk.pk}"].widget.attrs["class"] = "govuk-input"
            self.fields[f"reviewed_{risk.pk}"].widget.attrs["class"] = "govuk-checkboxes__input"

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "risk": risk,
                "reviewed": self[f"reviewed_{risk.pk}"],
                "likelihood": self[f"likelihood_{risk.pk}"],
                "impact": self[f"impact_{risk.pk}"],
                "comment": self[f"comment_{risk.pk}"],
            }
            for risk in self.risks
        ]

    def entries(self) -> list[tuple[Risk, int, int, str]]:
        data = self.cleaned_data
        return [
            (
                risk,
                data[f"likelihood_{risk.pk}"],
                data[f"impact_{risk.pk}"],
                data.get(f"comment_{risk.pk}", ""),
            )
            for risk in self.risks
            if data.get(f"reviewed_{risk.pk}")
        ]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if not any(data.get(f"reviewed_{risk.pk}") for risk in self.risks):
            self.add_error(None, "Select at least one risk that was reviewed")
        return data


class OwnershipPlanForm(GovukFormMixin, forms.ModelForm):
    """The plan is confidential to the council: no part of it is shown to partner users."""

    class Meta:
        model = OwnershipPlan
        fields: ClassVar[list[str]] = ["summary", "contract_provisions", "last_reviewed_on"]
        labels: ClassVar[dict[str, str]] = {
            "summary": "Summary of the plan",
            "contract_provisions": "What the contract provides",
            "last_reviewed_on": "Date the plan was last reviewed",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "summary": "The plan in a few sentences: what the council would aim to do. The whole plan is "
            "confidential to the council; partner users cannot see any of it.",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "contract_provisions": forms.Textarea(attrs={"rows": 4}),
            "last_reviewed_on": DateInput(),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "summary": {"required": "Enter a summary of the plan"},
            "last_reviewed_on": {
                "required": "Enter the date the plan was last reviewed",
                "invalid": "Date the plan was last reviewed must be a real date",
            },
        }


class OwnershipTriggerForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = OwnershipTrigger
        fields: ClassVar[list[str]] = ["description", "how_monitored"]
        labels: ClassVar[dict[str, str]] = {"description": "Trigger", "how_monitored": "How it is monitored"}
        widgets: ClassVar[dict[str, Any]] = {"how_monitored": forms.Textarea(attrs={"rows": 2})}
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "description": {"required": "Describe the trigger"}
        }


class OwnershipActionForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = OwnershipAction
        fields: ClassVar[list[str]] = ["description", "responsible", "timescale"]
        labels: ClassVar[dict[str, str]] = {"description": "Action", "responsible": "Who does it"}
        widgets: ClassVar[dict[str, Any]] = {"description": forms.Textarea(attrs={"rows": 2})}
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "description": {"required": "Describe the action"},
            "responsible": {"required": "Enter who does it"},
            "timescale": {"required": "Enter when it is done"},
        }


class OwnershipContactForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = OwnershipContact
        fields: ClassVar[list[str]] = ["name", "organisation", "role", "email", "telephone"]
        labels: ClassVar[dict[str, str]] = {"email": "Email address", "telephone": "Telephone number"}
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "name": {"required": "Enter the contact's name"},
            "organisation": {"required": "Enter the contact's organisation"},
            "role": {"required": "Enter the contact's part in the plan"},
            "email": {"invalid": "Enter an email address like name@example.com"},
        }


PLAN_ITEM_FORMS: dict[str, tuple[type[forms.ModelForm], str]] = {
    "triggers": (OwnershipTriggerForm, "trigger"),
    "actions": (OwnershipActionForm, "action"),
    "contacts": (OwnershipContactForm, "contact"),
}


class SimulationRunForm(NumericTextMixin, GovukFormMixin, forms.Form):
    widths: ClassVar[dict[str, str]] = {"correlation": "govuk-input--width-5"}

    iterations = forms.IntegerField(
        initial=20_000,
        help_text="How many times to simulate the register. 20,000 is usually enough; more gives steadier "
        "P-values and takes longer.",
        error_messages={
            "required": "Enter the number of iterations",
            "invalid": "Iterations must be a whole number, like 20000",
        },
    )
    seed = forms.IntegerField(
        required=False,
        help_text="Optional. The same seed and inputs give exactly the same results. "
        "Leave blank for a random seed, which is recorded.",
        error_messages={"invalid": "The seed must be a whole number, like 2026"},
    )
    correlation = forms.DecimalField(
        label="Rank correlation between the risks' costs",
        initial=Decimal("0.3"),
        max_digits=5,
        decimal_places=4,
        help_text="How far the costs of different risks tend to rise together, from -1 to 1. "
        "0 treats them as independent; 0.3 is a common cautious choice.",
        error_messages={
            "required": "Enter the rank correlation (0 if the costs are independent)",
            "invalid": "Rank correlation must be a number between -1 and 1, like 0.3",
            "max_digits": "Rank correlation must be between -1 and 1, for example 0.3",
            "max_decimal_places": "Rank correlation can have at most 4 decimal places",
        },
    )


class ApplyToBusinessCaseForm(GovukFormMixin, forms.Form):
    version = forms.ChoiceField(
        label="Business case version",
        error_messages={
            "required": "Select the business case version",
            "invalid_choice": "Select a draft version from the list",
        },
    )

    def __init__(self, *args: Any, versions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["version"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose a draft version"), *versions]


BREAK_YEARS = re.compile(r"^\s*\d+(\s*,\s*\d+)*\s*$")


class ExitAnalysisForm(NumericTextMixin, ModelLimitsMixin, GovukFormMixin, forms.ModelForm):
    widths: ClassVar[dict[str, str]] = {
        "term_years": "govuk-input--width-3",
        "amortisation_years": "govuk-input--width-3",
        "discount_rate": "govuk-input--width-5",
    }

    break_years_text = forms.CharField(
        label="Years in which the break clause can be used",
        required=False,
        help_text="Contract years at whose end the council may break, separated by commas, like 5, 10. "
        "Leave blank if there is no break clause.",
    )

    class Meta:
        model = ExitAnalysis
        fields: ClassVar[list[str]] = [
            "term_years",
            "annual_charge_gbp",
            "replacement_annual_cost_gbp",
            "partner_investment_gbp",
            "amortisation_years",
            "tupe_costs_gbp",
            "redundancy_costs_gbp",
            "transition_costs_gbp",
            "reprocurement_costs_gbp",
            "discount_schedule",
            "discount_rate",
            "notes",
        ]
        labels: ClassVar[dict[str, str]] = {
            "discount_schedule": "How are the years left after leaving discounted?",
            "term_years": "Term in years",
            "annual_charge_gbp": "Annual charge in pounds",
            "replacement_annual_cost_gbp": "Annual cost of running the services another way, in pounds",
            "partner_investment_gbp": "Partner's investment in pounds",
            "amortisation_years": "Years over which the investment is written off",
            "tupe_costs_gbp": "TUPE costs in pounds",
            "redundancy_costs_gbp": "Redundancy costs in pounds",
            "transition_costs_gbp": "Transition costs in pounds",
            "reprocurement_costs_gbp": "Re-procurement costs in pounds",
            "discount_rate": "Flat discount rate (only for a flat rate)",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "annual_charge_gbp": "What the council pays the partner each year: the charges it would "
            "no longer pay after leaving. " + MONEY_HINT,
            "replacement_annual_cost_gbp": "What it would cost each year to run the services in-house or "
            "through a new contract after leaving. Enter 0 to count only the charges saved.",
            "partner_investment_gbp": "Money the partner invested up front (systems, buildings) that the "
            "contract lets it recover. " + MONEY_HINT,
            "amortisation_years": "The investment is written off in equal amounts over these years.",
            "tupe_costs_gbp": "One-off costs of transferring staff back: pensions, pay harmonisation.",
            "redundancy_costs_gbp": "One-off redundancy costs on exit.",
            "transition_costs_gbp": "Running both old and new arrangements, data migration, handover.",
            "reprocurement_costs_gbp": "Advisers and staff time to procure a new arrangement.",
            "discount_schedule": "The Green Book schedule is the default. The page shows each exit in cash "
            "as well, and as a present value at the start of the contract so years can be compared.",
            "discount_rate": "As a fraction, like 0.05 for 5%. Used only when you choose a flat rate.",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "discount_schedule": forms.RadioSelect,
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "term_years": {
                "required": "Enter the term in years",
                "invalid": "Term must be a whole number of years, like 10",
                "min_value": "Term must be at least 1 year",
                "max_value": "Term must be 50 years or fewer",
            },
            "amortisation_years": {
                "required": "Enter the years over which the investment is written off",
                "invalid": "Enter a whole number of years, like 8",
                "min_value": "Enter at least 1 year",
                "max_value": "Enter 50 years or fewer",
            },
            "annual_charge_gbp": {"required": "Enter the annual charge", **_money_messages("Annual charge")},
            "replacement_annual_cost_gbp": {
                "required": "Enter the annual cost of running the services another way (0 if none)",
                **_money_messages("Replacement cost"),
            },
            "partner_investment_gbp": {
                "required": "Enter the partner's investment (0 if none)",
                **_money_messages("Partner's investment"),
            },
            "tupe_costs_gbp": {
                "required": "Enter the TUPE costs (0 if none)",
                **_money_messages("TUPE costs"),
            },
            "redundancy_costs_gbp": {
                "required": "Enter the redundancy costs (0 if none)",
                **_money_messages("Redundancy costs"),
            },
            "transition_costs_gbp": {
                "required": "Enter the transition costs (0 if none)",
                **_money_messages("Transition costs"),
            },
            "reprocurement_costs_gbp": {
                "required": "Enter the re-procurement costs (0 if none)",
                **_money_messages("Re-procurement costs"),
            },
            "discount_schedule": {"required": "Select how the years left are discounted"},
            "discount_rate": {
                "required": "Enter the flat discount rate, like 0.05",
                "invalid": "Discount rate must be a fraction, like 0.035",
                "min_value": "Discount rate must be between 0 and 1, for example 0.035",
                "max_value": "Discount rate must be between 0 and 1, for example 0.035",
                "max_digits": "Discount rate must be between 0 and 1, for example 0.035",
                "max_decimal_places": "Discount rate can have at most 4 decimal places",
            },
        }

    def clean_break_years_text(self) -> list[int]:
        text = self.cleaned_data.get("break_years_text", "").strip()
        if not text:
            return []
        if not BREAK_YEARS.match(text):
            raise forms.ValidationError("Enter break years as whole numbers separated by commas, like 5, 10")
        years = [int(part) for part in text.split(",")]
        if len(set(years)) != len(years):
            raise forms.ValidationError("Enter each break year only once")
        return sorted(years)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["discount_rate"].required = False
        schedule = self.fields["discount_schedule"]
        assert isinstance(schedule, forms.ChoiceField)
        schedule.choices = ExitDiscounting.choices

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        rate = data.get("discount_rate")
        if data.get("discount_schedule") == ExitDiscounting.FLAT:
            if not rate and "discount_rate" not in self.errors:
                self.add_error("discount_rate", "Enter the flat discount rate, like 0.05")
        elif "discount_rate" not in self.errors:
            data["discount_rate"] = Decimal(0)
        return data

    def _post_clean(self) -> None:
        pass


class ExitScheduleForm(NumericTextMixin, GovukFormMixin, forms.Form):
    """One route: the council's share of the unamortised investment and compensation for each year."""

    widths: ClassVar[dict[str, str]] = {"investment_share": "govuk-input--width-5"}

    investment_share = forms.DecimalField(
        label="Share of the partner's unamortised investment the council pays",
        max_digits=5,
        decimal_places=4,
        min_value=Decimal(0),
        max_value=Decimal(1),
        help_text="As a fraction: 1 if the contract makes the council pay all of it, 0 if none.",
        error_messages={
            "required": "Enter the share of the unamortised investment (0 if none)",
            "invalid": "The share must be a fraction, like 1 or 0.5",
            "min_value": "The share must be between 0 and 1, for example 1 for all of it",
            "max_value": "The share must be between 0 and 1, for example 1 for all of it",
            "max_digits": "The share must be between 0 and 1, for example 1 for all of it",
        },
    )

    def __init__(self, *args: Any, term_years: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.term_years = term_years
        for year in range(1, term_years + 1):
            self.fields[f"year_{year}"] = forms.DecimalField(
                label=f"Compensation for leaving at the end of year {year}, in pounds",
                required=False,
                max_digits=14,
                decimal_places=2,
                error_messages=_money_messages(f"Compensation for year {year}", negative=True),
                widget=numeric_text_input(
                    forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}), whole=False
                ),
            )

    def year_fields(self) -> list[Any]:
        return [self[f"year_{year}"] for year in range(1, self.term_years + 1)]

    def compensation(self) -> dict[int, Decimal | None]:
        return {year: self.cleaned_data.get(f"year_{year}") for year in range(1, self.term_years + 1)}
