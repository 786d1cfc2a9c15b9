"""Forms for the trust records. Each field says exactly what is wrong; rules spanning fields or records
(attendance, duplicates, the gainshare feed) are the services', whose messages land on the same fields.

Model validation is left to the services (``_post_clean`` does nothing), so a refused form changes nothing.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from forbetter.core.forms import DateInput, GovukFormMixin, ServiceValidatesMixin
from forbetter.trust.models import (
    CharterVersion,
    KeyPost,
    MeasureValue,
    OpenBookProtocol,
    OpenBookReview,
    PartnershipMeasure,
    Successor,
    TrustActivity,
)

MONEY_HINT = "In pounds. For example, 24,500,000 or £24.5m."
MARGIN_HINT = "As a fraction: 0.08 for 8%."


def _money(label: str) -> dict[str, str]:
    return {
        "required": f"Enter the {label}",
        "invalid": f"{label[:1].upper()}{label[1:]} must be a number of pounds, like 250000",
        "min_value": f"{label[:1].upper()}{label[1:]} cannot be negative",
        "max_digits": f"{label[:1].upper()}{label[1:]} is too large",
        "max_decimal_places": f"{label[:1].upper()}{label[1:]} can have at most 2 decimal places (pence)",
    }


def _margin(label: str) -> dict[str, str]:
    return {
        "invalid": f"{label} must be a fraction, like 0.08 for 8%%",
        "min_value": f"{label} cannot be negative",
        "max_value": f"{label} must be 1 (100%%) or less: enter 0.08 for 8%%",
        "max_decimal_places": f"{label} can have at most 4 decimal places",
        "max_digits": f"{label} must be 1 (100%%) or less: enter 0.08 for 8%%",
    }


class CharterVersionForm(ServiceValidatesMixin, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = CharterVersion
        fields: ClassVar[list[str]] = [
            "version_date",
            "text",
            "agreed_by_council",
            "agreed_by_partner",
            "summary_of_changes",
        ]
        labels: ClassVar[dict[str, str]] = {
            "version_date": "Date agreed",
            "text": "Charter",
            "agreed_by_council": "Agreed for the council by",
            "agreed_by_partner": "Agreed for the partner by",
            "summary_of_changes": "What changed from the version before (optional)",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "version_date": DateInput(),
            "text": forms.Textarea(attrs={"rows": 10}),
            "summary_of_changes": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "version_date": {"required": "Enter the date this version of the charter was agreed"},
            "text": {"required": "Enter the charter's text"},
            "agreed_by_council": {"required": "Enter who agreed this version for the council"},
            "agreed_by_partner": {"required": "Enter who agreed this version for the partner"},
        }


class ActivityForm(ServiceValidatesMixin, GovukFormMixin, forms.ModelForm):
    widths: ClassVar[dict[str, str]] = {
        "council_count": "govuk-input--width-4",
        "partner_count": "govuk-input--width-4",
    }

    class Meta:
        model = TrustActivity
        fields: ClassVar[list[str]] = [
            "held_on",
            "kind",
            "title",
            "purpose",
            "council_count",
            "council_names",
            "partner_count",
            "partner_names",
            "outcome",
        ]
        labels: ClassVar[dict[str, str]] = {
            "held_on": "Date held",
            "kind": "Kind of activity",
            "council_count": "How many came from the council",
            "council_names": "Council attendees' names (optional)",
            "partner_count": "How many came from the partner",
            "partner_names": "Partner attendees' names (optional)",
            "outcome": "Outcome (optional)",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "council_count": "Leave blank to count the names below. Enter 0 if nobody came.",
            "council_names": "One a line, or separated by commas.",
            "partner_count": "Leave blank to count the names below. Enter 0 if nobody came.",
            "partner_names": "One a line, or separated by commas.",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "held_on": DateInput(),
            "kind": forms.RadioSelect,
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "council_names": forms.Textarea(attrs={"rows": 3}),
            "partner_names": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "held_on": {"required": "Enter the date the activity was held"},
            "kind": {"required": "Select the kind of activity"},
            "title": {"required": "Enter a title for the activity"},
            "purpose": {"required": "Enter the activity's purpose"},
            "council_count": {
                "invalid": "How many came from the council must be a whole number, like 6",
                "min_value": "How many came from the council cannot be negative",
            },
            "partner_count": {
                "invalid": "How many came from the partner must be a whole number, like 6",
                "min_value": "How many came from the partner cannot be negative",
            },
        }


class MeasureForm(ServiceValidatesMixin, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = PartnershipMeasure
        fields: ClassVar[list[str]] = ["name", "description", "how_measured", "higher_is_better"]
        labels: ClassVar[dict[str, str]] = {
            "description": "What it measures (optional)",
            "how_measured": "How it is measured",
            "higher_is_better": "A higher value is better",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "how_measured": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "name": {"required": "Enter the measure's name"},
            "how_measured": {"required": "Say how the measure is arrived at, and on what scale"},
        }


class MeasureValueForm(ServiceValidatesMixin, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = MeasureValue
        fields: ClassVar[list[str]] = ["period_end", "value", "note"]
        labels: ClassVar[dict[str, str]] = {
            "period_end": "Last day of the period",
            "note": "Note (optional)",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "period_end": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "period_end": {"required": "Enter the last day of the period the value is for"},
            "value": {
                "required": "Enter the value",
                "invalid": "Value must be a number, like 3.5",
                "max_digits": "Value is too large",
                "max_decimal_places": "Value can have at most 2 decimal places",
                "max_whole_digits": "Value is too large",
            },
        }


class ProtocolForm(ServiceValidatesMixin, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = OpenBookProtocol
        fields: ClassVar[list[str]] = [
            "cost_categories",
            "margins_shared",
            "margin_detail",
            "frequency",
            "depth",
            "reviewers",
            "agreed_on",
            "notes",
        ]
        labels: ClassVar[dict[str, str]] = {
            "cost_categories": "Cost categories shared",
            "margins_shared": "The partner's margins are shared",
            "margin_detail": "Which margins (optional)",
            "frequency": "How often the books are opened",
            "depth": "How deep",
            "reviewers": "Who may review the books",
            "agreed_on": "Date agreed",
            "notes": "Notes (optional)",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "cost_categories": forms.Textarea(attrs={"rows": 4}),
            "margin_detail": forms.Textarea(attrs={"rows": 2}),
            "frequency": forms.RadioSelect,
            "depth": forms.RadioSelect,
            "reviewers": forms.Textarea(attrs={"rows": 3}),
            "agreed_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "cost_categories": {"required": "List the cost categories the partner shares"},
            "frequency": {"required": "Select how often the books are opened"},
            "depth": {"required": "Select how deep the review goes"},
            "reviewers": {"required": "Say who may review the books"},
            "agreed_on": {"required": "Enter the date the protocol was agreed"},
        }


class ReviewForm(ServiceValidatesMixin, GovukFormMixin, forms.ModelForm):
    widths: ClassVar[dict[str, str]] = {
        "year": "govuk-input--width-4",
        "agreed_margin": "govuk-input--width-5",
        "actual_margin": "govuk-input--width-5",
    }

    class Meta:
        model = OpenBookReview
        fields: ClassVar[list[str]] = [
            "year",
            "reviewed_on",
            "reviewed_by",
            "agreed_cost_gbp",
            "submitted_cost_gbp",
            "agreed_margin",
            "actual_margin",
            "findings",
            "agreed_actual_cost_gbp",
        ]
        labels: ClassVar[dict[str, str]] = {
            "year": "Financial year starting",
            "reviewed_on": "Date of the review",
            "reviewed_by": "Reviewed by",
            "agreed_cost_gbp": "Agreed cost for the year (£)",
            "submitted_cost_gbp": "Cost in the partner's books (£)",
            "agreed_margin": "Agreed margin (optional)",
            "actual_margin": "Margin in the partner's books (optional)",
            "agreed_actual_cost_gbp": "Agreed actual cost (£, optional until agreed)",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "year": "For example 2025 for April 2025 to March 2026.",
            "agreed_cost_gbp": MONEY_HINT,
            "submitted_cost_gbp": MONEY_HINT,
            "agreed_margin": MARGIN_HINT,
            "actual_margin": MARGIN_HINT,
            "agreed_actual_cost_gbp": "The actual cost both sides agree after the review. Once entered it "
            "becomes the year's actual cost for the gainshare, replacing any recorded before.",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "reviewed_on": DateInput(),
            "findings": forms.Textarea(attrs={"rows": 5}),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "year": {
                "required": "Enter the year the financial year reviewed starts",
                "invalid": "Enter a year, for example 2025",
                "min_value": "Enter a year from 2000",
                "max_value": "Enter a year up to 2100",
            },
            "reviewed_on": {"required": "Enter the date of the review"},
            "reviewed_by": {"required": "Enter who carried out the review"},
            "agreed_cost_gbp": _money("agreed cost for the year"),
            "submitted_cost_gbp": _money("cost in the partner's books"),
            "agreed_margin": _margin("Agreed margin"),
            "actual_margin": _margin("Margin in the partner's books"),
            "findings": {"required": "Enter the review's findings"},
            "agreed_actual_cost_gbp": _money("agreed actual cost"),
        }


class KeyPostForm(ServiceValidatesMixin, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = KeyPost
        fields: ClassVar[list[str]] = [
            "post",
            "holder",
            "side",
            "criticality",
            "partner_involvement",
            "plan_reviewed_on",
        ]
        labels: ClassVar[dict[str, str]] = {
            "holder": "Held by (optional)",
            "partner_involvement": "How the other side was involved in succession planning (optional)",
            "plan_reviewed_on": "Succession plan last reviewed (optional)",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "side": forms.RadioSelect,
            "criticality": forms.RadioSelect,
            "partner_involvement": forms.Textarea(attrs={"rows": 3}),
            "plan_reviewed_on": DateInput(),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "post": {"required": "Enter the post's title"},
            "side": {"required": "Select which side the post is on"},
            "criticality": {"required": "Select how critical the post is"},
        }


class SuccessorForm(ServiceValidatesMixin, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Successor
        fields: ClassVar[list[str]] = ["name", "readiness", "development"]
        labels: ClassVar[dict[str, str]] = {
            "name": "Successor's name",
            "development": "What would make them ready (optional)",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "readiness": forms.RadioSelect,
            "development": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "name": {"required": "Enter the successor's name"},
            "readiness": {"required": "Select how ready the successor is"},
        }
