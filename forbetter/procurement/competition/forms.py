"""Forms of the competition part. Fields read input the GOV.UK way (:mod:`forbetter.core.forms`); the rules
that depend on the partnership (regime, names, rounds, outcomes) are the services', which give each its
own message on the field at fault."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from forbetter.core.forms import DateInput, GovukFormMixin
from forbetter.partnerships.models import Partnership
from forbetter.procurement.competition import services
from forbetter.procurement.models import (
    Bidder,
    ConflictDeclaration,
    ConflictOutcome,
    DialogueRound,
    Milestone,
    ProcurementNotice,
    ProcurementPlan,
    RoundEntry,
)


class _ServiceChecked:
    """The model's own checks run in the service (with the partnership's rules), not twice here."""

    def _post_clean(self) -> None:
        pass


def _offer_only(field: forms.Field, allowed: list[tuple[str, str]], empty: str) -> None:
    """Show only the choices the regime allows, while accepting any known value so that one the regime
    refuses gets the service's message naming the regime rather than "not a valid choice"."""
    field.widget.choices = [("", empty), *allowed]


class PlanForm(_ServiceChecked, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = ProcurementPlan
        fields: ClassVar[list[str]] = list(services.PLAN_FIELDS)
        labels: ClassVar[dict[str, str]] = {
            "procedure": "Procedure",
            "procedure_reason": "Why this procedure",
            "standstill_days": "Length of the standstill (days)",
            "standstill_starts_on": "Standstill starts on",
            "standstill_ends_on": "Standstill ends on",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "procedure_reason": forms.Textarea(attrs={"rows": 3}),
            "standstill_starts_on": DateInput(),
            "standstill_ends_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "procedure": {
                "required": "Choose the procedure",
                "invalid_choice": "Choose a procedure from the list",
            },
        }

    widths: ClassVar[dict[str, str]] = {"standstill_days": "govuk-input--width-3"}

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer_only(self.fields["procedure"], services.procedures_for(partnership), "Choose the procedure")
        default = services.default_standstill(partnership)
        self.fields["standstill_days"].help_text = (
            f"Leave blank for the default under {services.regime_words(partnership)}: {default[0]} "
            f"{default[1]}."
            if default
            else "Record the procurement regime first: the default length depends on it."
        )
        self.fields["standstill_ends_on"].help_text = (
            "Leave blank to work it out from the start: under the Procurement Act 2023 (s.51) the standstill "
            "is 8 working days beginning with the day the contract award notice is published, skipping "
            "Saturdays and Sundays (bank holidays are not counted in: check them yourself); under the "
            "Regulations (reg 87) it ends 10 calendar days after the award decision is sent electronically."
        )


class MilestoneForm(_ServiceChecked, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Milestone
        fields: ClassVar[list[str]] = list(services.MILESTONE_FIELDS)
        labels: ClassVar[dict[str, str]] = {
            "name": "Milestone",
            "planned_on": "Planned date",
            "actual_on": "Actual date",
        }
        help_texts: ClassVar[dict[str, str]] = {"actual_on": "Leave blank until the milestone is reached."}
        widgets: ClassVar[dict[str, Any]] = {
            "planned_on": DateInput(),
            "actual_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "name": {"required": "Enter the milestone's name"},
            "planned_on": {"required": "Enter the planned date"},
        }


class NoticeForm(_ServiceChecked, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = ProcurementNotice
        fields: ClassVar[list[str]] = list(services.NOTICE_FIELDS)
        labels: ClassVar[dict[str, str]] = {
            "notice_type": "Notice",
            "planned_on": "Planned date",
            "published_on": "Published on",
            "reference": "Find a Tender reference",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "published_on": "Leave blank until the notice is published.",
            "reference": "Needed once the notice is published.",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "planned_on": DateInput(),
            "published_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "notice_type": {
                "required": "Choose the notice",
                "invalid_choice": "Choose a notice from the list",
            },
            "planned_on": {"required": "Enter the planned date"},
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer_only(self.fields["notice_type"], services.notice_types_for(partnership), "Choose the notice")


class BidderForm(_ServiceChecked, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Bidder
        fields: ClassVar[list[str]] = list(services.BIDDER_FIELDS)
        labels: ClassVar[dict[str, str]] = {
            "name": "Bidder's name",
            "organisation": "Organisation in ForBetter (optional)",
            "expressed_interest_on": "Expressed interest on",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "expressed_interest_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "name": {"required": "Enter the bidder's name"},
            "expressed_interest_on": {"required": "Enter the date the bidder expressed interest"},
            "organisation": {
                "invalid_choice": "Choose the bidder's organisation from the list: only partner and "
                "joint-venture companies can be bidders"
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ModelChoiceField)
        organisation.queryset = services.bidder_organisations()
        organisation.help_text = "Only partner and joint-venture companies are offered."


class RoundForm(_ServiceChecked, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = DialogueRound
        fields: ClassVar[list[str]] = list(services.ROUND_FIELDS)
        labels: ClassVar[dict[str, str]] = {
            "number": "Round number",
            "name": "Name",
            "kind": "Kind of round",
            "starts_on": "Starts on",
            "ends_on": "Ends on",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "kind": forms.RadioSelect,
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "number": {"required": "Enter the round's number"},
            "name": {"required": "Enter the round's name"},
            "kind": {"required": "Choose the kind of round"},
            "starts_on": {"required": "Enter the date the round starts"},
        }

    widths: ClassVar[dict[str, str]] = {"number": "govuk-input--width-3"}


class RoundEntryForm(_ServiceChecked, GovukFormMixin, forms.ModelForm):
    """Adds a bidder to a round (the bidder is chosen) or changes its outcome (the bidder is fixed)."""

    class Meta:
        model = RoundEntry
        fields: ClassVar[list[str]] = ["bidder", "outcome", "reason", "decided_on"]
        labels: ClassVar[dict[str, str]] = {
            "bidder": "Bidder",
            "outcome": "Outcome",
            "reason": "Reason",
            "decided_on": "Decided on",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "outcome": forms.RadioSelect,
            "reason": forms.Textarea(attrs={"rows": 3}),
            "decided_on": DateInput(),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "bidder": {
                "required": "Choose the bidder taking part in the round",
                "invalid_choice": "Choose one of this partnership's bidders not yet in the round",
            },
            "outcome": {"required": "Choose the outcome"},
        }

    def __init__(self, *args: Any, dialogue_round: DialogueRound, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            del self.fields["bidder"]
        else:
            bidder = self.fields["bidder"]
            assert isinstance(bidder, forms.ModelChoiceField)
            bidder.queryset = Bidder.objects.filter(partnership_id=dialogue_round.partnership_id).exclude(
                round_entries__round=dialogue_round
            )
            bidder.empty_label = "Choose the bidder"
        self.fields["reason"].help_text = "Needed when the bidder was deselected or withdrew."


def _people(field: forms.Field, partnership: Partnership, what: str) -> None:
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = services.council_people(partnership)
    field.empty_label = f"Choose the {what}"
    field.required = True
    field.error_messages["required"] = f"Choose the {what}"
    field.error_messages["invalid_choice"] = (
        f"Choose the {what} from the users of this partnership's councils"
    )
    field.label_from_instance = lambda user: f"{user.get_full_name() or user.email} ({user.organisation})"  # type: ignore[method-assign,assignment]


class ConflictDeclareForm(_ServiceChecked, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = ConflictDeclaration
        fields: ClassVar[list[str]] = ["person", "bidder", "interest", "declared_on"]
        labels: ClassVar[dict[str, str]] = {
            "person": "Person declaring the interest",
            "bidder": "Bidder the interest concerns (optional)",
            "interest": "The interest",
            "declared_on": "Declared on",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "interest": forms.Textarea(attrs={"rows": 3}),
            "declared_on": DateInput(),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "interest": {"required": "Describe the interest"},
            "declared_on": {"required": "Enter the date the interest was declared"},
            "bidder": {"invalid_choice": "Choose one of this partnership's bidders"},
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _people(self.fields["person"], partnership, "person declaring the interest")
        bidder = self.fields["bidder"]
        assert isinstance(bidder, forms.ModelChoiceField)
        bidder.queryset = Bidder.objects.filter(partnership=partnership)
        bidder.empty_label = "None: the interest concerns no one bidder"


class ConflictAssessForm(_ServiceChecked, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = ConflictDeclaration
        fields: ClassVar[list[str]] = ["outcome", "assessed_by", "assessed_on", "mitigation"]
        labels: ClassVar[dict[str, str]] = {
            "outcome": "What the assessment concluded",
            "assessed_by": "Assessed by",
            "assessed_on": "Assessed on",
            "mitigation": "Mitigation",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "mitigation": "How the conflict is mitigated (needed for “mitigated”).",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "outcome": forms.RadioSelect,
            "assessed_on": DateInput(),
            "mitigation": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "outcome": {"required": "Choose what the assessment concluded"},
            "assessed_on": {"required": "Enter the date of the assessment"},
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        outcome = self.fields["outcome"]
        assert isinstance(outcome, forms.ChoiceField)
        outcome.choices = [
            (value, label)
            for value, label in ConflictOutcome.choices
            if value != ConflictOutcome.NOT_ASSESSED
        ]
        if self.instance.outcome == ConflictOutcome.NOT_ASSESSED and not self.is_bound:
            self.initial["outcome"] = None
        self.fields["assessed_on"].required = True
        _people(self.fields["assessed_by"], partnership, "assessor")


class ConflictReviewForm(_ServiceChecked, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = ConflictDeclaration
        fields: ClassVar[list[str]] = ["last_reviewed_on"]
        labels: ClassVar[dict[str, str]] = {"last_reviewed_on": "Last reviewed on"}
        widgets: ClassVar[dict[str, Any]] = {"last_reviewed_on": DateInput()}
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "last_reviewed_on": {"required": "Enter the date the declaration was last reviewed"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["last_reviewed_on"].required = True
