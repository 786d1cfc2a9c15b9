"""Forms for the client-side capacity records. Each field says exactly what is wrong; rules spanning
fields or records (a last year before the first, a second budget for one category) are the services',
whose messages land on the same fields.

Model validation is left to the services (``_post_clean`` does nothing), so a refused form changes nothing.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from forbetter.capacity.models import (
    Adviser,
    CapacityTarget,
    ProcurementBudgetLine,
    ResourceActual,
    TeamRole,
)
from forbetter.capacity.services import NO_COST
from forbetter.core.forms import GovukFormMixin, ServiceValidatesMixin

YEAR_HINT = "The calendar year the financial year starts in: 2025 for 2025/26."
SHARE_HINT = "As a fraction: 0.03 for 3%."


def _money(label: str, *, required: str | None = None) -> dict[str, str]:
    capital = f"{label[:1].upper()}{label[1:]}"
    return {
        "required": required or f"Enter the {label}",
        "invalid": f"{capital} must be a number of pounds, like 250000",
        "min_value": f"{capital} cannot be negative",
        "max_digits": f"{capital} is too large",
        "max_decimal_places": f"{capital} can have at most 2 decimal places (pence)",
    }


def _year(label: str, required: str) -> dict[str, str]:
    capital = f"{label[:1].upper()}{label[1:]}"
    return {
        "required": required,
        "invalid": f"{capital} must be a year, like 2025 for 2025/26",
        "min_value": f"{capital} must be 1990 or later",
        "max_value": f"{capital} must be 2100 or earlier",
    }


def _fte(label: str, required: str) -> dict[str, str]:
    capital = f"{label[:1].upper()}{label[1:]}"
    return {
        "required": required,
        "invalid": f"{capital} must be a number, like 1 or 0.5",
        "min_value": f"{capital} must be more than 0",
        "max_value": f"{capital} must be 50 or fewer",
        "max_digits": f"{capital} must be 50 or fewer",
        "max_decimal_places": f"{capital} can have at most 2 decimal places",
    }


def _share(label: str, required: str = "") -> dict[str, str]:
    messages = {
        "invalid": f"{label} must be a fraction, like 0.03 for 3 per cent",
        "min_value": f"{label} cannot be negative",
        "max_value": f"{label} must be 1 (100 per cent) or less: enter 0.03 for 3 per cent",
        "max_digits": f"{label} must be 1 (100 per cent) or less: enter 0.03 for 3 per cent",
        "max_decimal_places": f"{label} can have at most 4 decimal places",
    }
    if required:
        messages["required"] = required
    return messages


class RoleForm(ServiceValidatesMixin, GovukFormMixin, forms.ModelForm):
    widths: ClassVar[dict[str, str]] = {
        "fte": "govuk-input--width-4",
        "first_year": "govuk-input--width-4",
        "last_year": "govuk-input--width-4",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cost_per_year_gbp"].required = True

    class Meta:
        model = TeamRole
        fields: ClassVar[list[str]] = [
            "title",
            "grade",
            "fte",
            "cost_per_year_gbp",
            "first_year",
            "last_year",
            "holder",
            "responsibilities",
            "skills_needed",
            "skills_held",
        ]
        labels: ClassVar[dict[str, str]] = {
            "title": "Role",
            "grade": "Grade (optional)",
            "fte": "Full-time equivalents",
            "cost_per_year_gbp": "Cost per year",
            "first_year": "First financial year needed",
            "last_year": "Last financial year needed",
            "holder": "Held by (optional)",
            "responsibilities": "What the role is responsible for (optional)",
            "skills_needed": "Skills needed (optional)",
            "skills_held": "Skills held by whoever fills it (optional)",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "cost_per_year_gbp": "In pounds: what the role costs a year at its FTE (pay, on-costs, "
            "overheads).",
            "first_year": YEAR_HINT,
            "last_year": YEAR_HINT,
            "skills_needed": "One a line. Skills needed but not held are shown as gaps.",
            "skills_held": "One a line.",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "responsibilities": forms.Textarea(attrs={"rows": 3}),
            "skills_needed": forms.Textarea(attrs={"rows": 4}),
            "skills_held": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "title": {"required": "Enter the role's title"},
            "fte": _fte(
                "full-time equivalents",
                "Enter the role's full-time equivalents, like 1 for a full-time post or 0.5 for half",
            ),
            "cost_per_year_gbp": _money("cost per year", required=NO_COST),
            "first_year": _year(
                "the first year", "Enter the first financial year the role is needed, like 2025 for 2025/26"
            ),
            "last_year": _year(
                "the last year", "Enter the last financial year the role is needed, like 2030 for 2030/31"
            ),
        }


class ActualForm(ServiceValidatesMixin, GovukFormMixin, forms.ModelForm):
    widths: ClassVar[dict[str, str]] = {"year": "govuk-input--width-4", "fte": "govuk-input--width-4"}

    class Meta:
        model = ResourceActual
        fields: ClassVar[list[str]] = ["year", "cost_gbp", "fte", "note"]
        labels: ClassVar[dict[str, str]] = {
            "year": "Financial year",
            "cost_gbp": "Actual cost of the client team",
            "fte": "Actual full-time equivalents",
            "note": "Note (optional)",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "year": YEAR_HINT,
            "cost_gbp": "In pounds, as spent: pay, on-costs and overheads of everyone who worked on the "
            "partnership for the council.",
            "fte": "The average over the year, like 4.5.",
        }
        widgets: ClassVar[dict[str, Any]] = {"note": forms.Textarea(attrs={"rows": 3})}
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "year": _year("the financial year", "Enter the financial year, like 2025 for 2025/26"),
            "cost_gbp": _money(
                "actual cost", required="Enter what the client team actually cost in the year"
            ),
            "fte": {
                **_fte(
                    "actual full-time equivalents",
                    "Enter the client team's actual full-time equivalents in the year (0 if none)",
                ),
                "min_value": "Actual full-time equivalents cannot be negative",
            },
        }


class BudgetLineForm(ServiceValidatesMixin, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = ProcurementBudgetLine
        fields: ClassVar[list[str]] = ["category", "budget_gbp", "actual_gbp", "note"]
        labels: ClassVar[dict[str, str]] = {
            "category": "Category",
            "budget_gbp": "Budget",
            "actual_gbp": "Actual spend so far (optional)",
            "note": "Note (optional)",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "budget_gbp": "In pounds, for the whole procurement.",
            "actual_gbp": "In pounds. Leave blank until spending starts.",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "category": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "category": {"required": "Choose the category of spending"},
            "budget_gbp": _money("budget", required="Enter the budget for the category (0 if none was set)"),
            "actual_gbp": _money("actual spend"),
        }


class AdviserForm(ServiceValidatesMixin, GovukFormMixin, forms.ModelForm):
    widths: ClassVar[dict[str, str]] = {"days": "govuk-input--width-5"}

    class Meta:
        model = Adviser
        fields: ClassVar[list[str]] = [
            "adviser_type",
            "firm",
            "provision",
            "fees_gbp",
            "days",
            "work",
            "value_note",
        ]
        labels: ClassVar[dict[str, str]] = {
            "adviser_type": "Type of adviser",
            "firm": "Firm or team",
            "provision": "In-house or external",
            "fees_gbp": "Fees",
            "days": "Days of advice (optional)",
            "work": "What they did (optional)",
            "value_note": "What value the advice gave",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "fees_gbp": "In pounds. For in-house advice, the cost of the staff time.",
            "days": "Leave blank if not known; then no cost per day is worked out.",
            "value_note": "Against doing the work in-house (or externally), or not at all.",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "adviser_type": forms.RadioSelect,
            "provision": forms.RadioSelect,
            "work": forms.Textarea(attrs={"rows": 3}),
            "value_note": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "adviser_type": {"required": "Choose the type of adviser"},
            "firm": {"required": "Enter the firm, or the council team for in-house advice"},
            "provision": {"required": "Choose whether the advice was in-house or external"},
            "fees_gbp": _money(
                "fees", required="Enter the fees (for in-house advice, the cost of the staff time)"
            ),
            "days": {
                "invalid": "Days must be a number, like 20 or 12.5",
                "min_value": "Days must be at least 0.5, or left blank if not known",
                "max_value": "Days must be 100,000 or fewer",
                "max_digits": "Days must be 100,000 or fewer",
                "max_decimal_places": "Days can have at most 1 decimal place, like 12.5",
            },
            "value_note": {
                "required": "Say what value the advice gave, against doing the work in-house or not at all"
            },
        }


class TargetForm(ServiceValidatesMixin, GovukFormMixin, forms.ModelForm):
    widths: ClassVar[dict[str, str]] = {
        "minimum_share": "govuk-input--width-5",
        "maximum_share": "govuk-input--width-5",
    }

    class Meta:
        model = CapacityTarget
        fields: ClassVar[list[str]] = ["minimum_share", "maximum_share", "reason"]
        labels: ClassVar[dict[str, str]] = {
            "minimum_share": "Minimum share of the annual contract value",
            "maximum_share": "Maximum share (optional)",
            "reason": "Why this target (optional)",
        }
        help_texts: ClassVar[dict[str, str]] = {"minimum_share": SHARE_HINT, "maximum_share": SHARE_HINT}
        widgets: ClassVar[dict[str, Any]] = {"reason": forms.Textarea(attrs={"rows": 3})}
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "minimum_share": _share(
                "The minimum share", "Enter the minimum share, as a fraction: 0.03 for 3%"
            ),
            "maximum_share": _share("The maximum share"),
        }
