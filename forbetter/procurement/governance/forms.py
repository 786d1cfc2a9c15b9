"""Forms of the governance part. Each is a ModelForm (so a form on a saved record carries its version, rule
EDIT-NO-LOST-UPDATE); every required field says what to enter, and the services apply the part's rules
again."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django import forms

from forbetter.core.forms import DateInput, GovukFormMixin
from forbetter.partnerships.models import Partnership
from forbetter.procurement.models import (
    Bidder,
    BidderMeeting,
    BriefingConcern,
    CouncilRiskAllocation,
    GovernanceChoice,
    GovernanceOption,
    HeadsOfServiceBriefing,
    KeyPerson,
    ReviewPoint,
    ReviewPointPosition,
    RiskAllocationPosition,
)
from forbetter.risks.models import RiskCategory

TEXT = forms.Textarea(attrs={"rows": 3})


NO_ARTICLE = ("who ", "what ", "why ", "how ", "whether ", "the ", "their ")


class _Messages:
    """Required fields and choices without their own message name the field: "Enter the purpose",
    "Choose the bidder from the list"."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            label = str(field.label or "").rstrip("?")
            lowered = label[:1].lower() + label[1:]
            named = lowered if lowered.startswith(NO_ARTICLE) else f"the {lowered}"
            if field.error_messages.get("required") == forms.Field.default_error_messages["required"]:
                verb = "Choose" if isinstance(field, forms.ChoiceField) else "Enter"
                field.error_messages["required"] = f"{verb} {named}"
            if isinstance(field, forms.ChoiceField) and str(
                field.error_messages.get("invalid_choice", "")
            ).startswith("Select a valid choice"):
                field.error_messages["invalid_choice"] = f"Choose {named} from the list"


def _bidders(field: forms.Field, partnership: Partnership) -> None:
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = Bidder.objects.filter(partnership=partnership)


class GovernanceOptionForm(_Messages, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = GovernanceOption
        fields: ClassVar[list[str]] = [
            "name",
            "kind",
            "proposed_by",
            "setup_cost_gbp",
            "annual_running_cost_gbp",
            "benefits",
            "risks",
        ]
        labels: ClassVar[dict[str, str]] = {
            "name": "Name of the option",
            "kind": "Kind of governance",
            "proposed_by": "Proposed by",
            "setup_cost_gbp": "Set-up cost",
            "annual_running_cost_gbp": "Annual running cost",
            "benefits": "Benefits",
            "risks": "Risks",
        }
        widgets: ClassVar[dict[str, Any]] = {"kind": forms.RadioSelect, "benefits": TEXT, "risks": TEXT}
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "setup_cost_gbp": {"min_value": "Set-up cost cannot be negative"},
            "annual_running_cost_gbp": {"min_value": "Annual running cost cannot be negative"},
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bidders(self.fields["proposed_by"], partnership)
        self.fields["proposed_by"].empty_label = "The council (no bidder)"  # type: ignore[attr-defined]
        for name in ("setup_cost_gbp", "annual_running_cost_gbp"):
            self.fields[name].help_text = "In pounds. For example, 250,000 or £250k."


class GovernanceChoiceForm(_Messages, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = GovernanceChoice
        fields: ClassVar[list[str]] = ["option", "chosen_on", "reason"]
        labels: ClassVar[dict[str, str]] = {
            "option": "Option chosen",
            "chosen_on": "Date chosen",
            "reason": "Why this option was chosen",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "option": forms.RadioSelect,
            "chosen_on": DateInput(),
            "reason": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "reason": {"required": "Enter why this option was chosen"},
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        option = self.fields["option"]
        assert isinstance(option, forms.ModelChoiceField)
        option.queryset = GovernanceOption.objects.filter(partnership=partnership)
        self.fields["reason"].help_text = "Who decided (for example, the cabinet) and on what grounds."
        if self.instance.pk is None:
            self.initial.setdefault("chosen_on", dt.date.today())


class KeyPersonForm(_Messages, GovukFormMixin, forms.ModelForm):
    in_delivery_team = forms.TypedChoiceField(
        label="In the delivery team?",
        error_messages={"required": "Choose whether the person is in the delivery team"},
        choices=[
            ("unknown", "Not known yet"),
            ("yes", "Yes, in the delivery team"),
            ("no", "No, not in the delivery team"),
        ],
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
        widget=forms.RadioSelect,
        help_text="Whether the person works in the team that delivers the contract.",
    )

    class Meta:
        model = KeyPerson
        fields: ClassVar[list[str]] = ["name", "role", "in_delivery_team", "notes"]
        labels: ClassVar[dict[str, str]] = {"name": "Name", "role": "Role in the bid", "notes": "Notes"}
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "name": {"required": "Enter the person's name"},
            "role": {"required": "Enter the person's role in the bid"},
        }
        widgets: ClassVar[dict[str, Any]] = {"notes": TEXT}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        value = self.instance.in_delivery_team if self.instance.pk else None
        self.initial["in_delivery_team"] = "unknown" if value is None else ("yes" if value else "no")


class MeetingForm(_Messages, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = BidderMeeting
        fields: ClassVar[list[str]] = [
            "bidder",
            "held_on",
            "purpose",
            "council_attendees",
            "bidder_attendees",
            "notes",
        ]
        labels: ClassVar[dict[str, str]] = {
            "bidder": "Bidder",
            "held_on": "Date of the meeting",
            "purpose": "Purpose",
            "council_attendees": "Council attendees",
            "bidder_attendees": "Bidder attendees",
            "notes": "Notes",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "held_on": DateInput(),
            "council_attendees": TEXT,
            "bidder_attendees": TEXT,
            "notes": TEXT,
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bidders(self.fields["bidder"], partnership)


class BriefingForm(_Messages, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = HeadsOfServiceBriefing
        fields: ClassVar[list[str]] = ["held_on", "attendees", "services", "covered"]
        labels: ClassVar[dict[str, str]] = {
            "held_on": "Date of the briefing",
            "attendees": "Heads of service who attended",
            "services": "Their services",
            "covered": "What the briefing covered",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "held_on": DateInput(),
            "attendees": TEXT,
            "services": forms.CheckboxSelectMultiple,
            "covered": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        services = self.fields["services"]
        assert isinstance(services, forms.ModelMultipleChoiceField)
        services.queryset = partnership.services.all()
        services.help_text = "The partnership's services that the attendees run."


class ConcernForm(_Messages, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = BriefingConcern
        fields: ClassVar[list[str]] = ["raised_by", "concern", "answer", "answered_on"]
        labels: ClassVar[dict[str, str]] = {
            "raised_by": "Raised by",
            "concern": "Concern",
            "answer": "How it was answered",
            "answered_on": "Date answered",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "concern": TEXT,
            "answer": TEXT,
            "answered_on": DateInput(),
        }


class ReviewPointForm(_Messages, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = ReviewPoint
        fields: ClassVar[list[str]] = ["title", "contract_year", "council_position"]
        labels: ClassVar[dict[str, str]] = {
            "title": "Review point",
            "contract_year": "Contract year",
            "council_position": "The council's position",
        }
        widgets: ClassVar[dict[str, Any]] = {"council_position": TEXT}
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "contract_year": {"min_value": "The contract year must be 1 or more"},
        }


class ReviewPositionForm(_Messages, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = ReviewPointPosition
        fields: ClassVar[list[str]] = ["bidder", "position", "agreed"]
        labels: ClassVar[dict[str, str]] = {
            "bidder": "Bidder",
            "position": "The bidder's position",
            "agreed": "The council has agreed this position",
        }
        widgets: ClassVar[dict[str, Any]] = {"position": TEXT}

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bidders(self.fields["bidder"], partnership)


class CouncilAllocationForm(_Messages, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = CouncilRiskAllocation
        fields: ClassVar[list[str]] = ["category", "allocation", "notes"]
        labels: ClassVar[dict[str, str]] = {
            "category": "Risk category",
            "allocation": "Who the council proposes carries these risks",
            "notes": "Notes",
        }
        widgets: ClassVar[dict[str, Any]] = {"allocation": forms.RadioSelect, "notes": TEXT}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        assert isinstance(category, forms.ModelChoiceField)
        category.queryset = RiskCategory.objects.all()


class RiskPositionForm(_Messages, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = RiskAllocationPosition
        fields: ClassVar[list[str]] = ["bidder", "category", "allocation", "comment", "agreed"]
        labels: ClassVar[dict[str, str]] = {
            "bidder": "Bidder",
            "category": "Risk category",
            "allocation": "Who the bidder proposes carries these risks",
            "comment": "Comment",
            "agreed": "The council has agreed this position",
        }
        widgets: ClassVar[dict[str, Any]] = {"allocation": forms.RadioSelect, "comment": TEXT}

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bidders(self.fields["bidder"], partnership)

    def _get_validation_exclusions(self) -> set[str]:
        """The model's unique check is left to the service, which refuses a second position on a category
        with a message naming the bidder and the category."""
        return {*super()._get_validation_exclusions(), "category"}  # type: ignore[misc]
