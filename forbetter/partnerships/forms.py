"""Forms for partnerships, tasks, evidence, documents and stage gates.

Forms check each field and say exactly what is wrong; services enforce the rules that span records.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django import forms

from forbetter.accounts.models import Organisation, OrganisationKind, User
from forbetter.core.forms import DateInput, GovukFormMixin, check_date
from forbetter.partnerships.life import partnership_life
from forbetter.partnerships.models import (
    DeliveryConfidence,
    Document,
    Partnership,
    PartnershipStatus,
    ServiceArea,
    Stage,
    Task,
    TaskStatus,
    Vehicle,
)
from forbetter.partnerships.procurement import regime_error


class PartnershipForm(GovukFormMixin, forms.ModelForm):
    widths: ClassVar[dict[str, str]] = {
        "term_years": "govuk-input--width-3",
        "council_equity_share": "govuk-input--width-5",
        "estimated_value_gbp": "govuk-input--width-10",
    }

    councils = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.filter(kind=OrganisationKind.COUNCIL),
        widget=forms.CheckboxSelectMultiple,
        help_text="A county and a district can share one partnership: "
        "select every council that is party to it.",
        error_messages={"required": "Select at least one council"},
    )
    services = forms.ModelMultipleChoiceField(
        queryset=ServiceArea.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Services in scope",
    )

    class Meta:
        model = Partnership
        fields: ClassVar[list[str]] = [
            "name",
            "description",
            "councils",
            "partner",
            "vehicle",
            "joint_venture_company",
            "council_equity_share",
            "services",
            "planned_start_on",
            "term_years",
            "extension_options",
            "extension_years",
            "estimated_value_gbp",
            "value_basis",
            "procurement_regime",
        ]
        labels: ClassVar[dict[str, str]] = {
            "name": "Partnership name",
            "planned_start_on": "Planned service start date",
            "term_years": "Term in years",
            "estimated_value_gbp": "Estimated value in pounds",
            "value_basis": "What the estimated value covers",
            "council_equity_share": "Councils' equity share",
            "joint_venture_company": "Joint-venture company",
            "extension_years": "Years of extension options",
            "procurement_regime": "Procured under",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "extension_options": "For example, 'up to two extensions of 5 years each'.",
            "estimated_value_gbp": "In pounds. For example, 120,000,000 or £120m.",
            "council_equity_share": "As a fraction between 0 and 1. For example, 0.2 for 20%.",
            "term_years": "The initial term, not counting extensions.",
            "extension_years": "The most the term could be extended by, counting every option. For example, "
            "5. The Procurement Act 2023 counts extension options in a contract's estimated value.",
            "procurement_regime": "The Procurement Act 2023 applies only to procurements started on or after "
            "24 February 2025; earlier ones stay under the Public Contracts Regulations. Leave blank until "
            "it is decided.",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "planned_start_on": DateInput(),
            "vehicle": forms.RadioSelect,
            "value_basis": forms.RadioSelect,
            "procurement_regime": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "name": {
                "required": "Enter the partnership's name",
                "unique": "A partnership with this name already exists",
            },
            "term_years": {
                "invalid": "Term must be a whole number of years, like 10",
                "min_value": "Term must be at least 1 year",
                "max_value": "Term must be 50 years or fewer",
            },
            "estimated_value_gbp": {
                "invalid": "Estimated value must be a number of pounds, like 120000000",
                "min_value": "Estimated value cannot be negative",
                "max_digits": "Estimated value is too large",
            },
            "council_equity_share": {
                "invalid": "Equity share must be a fraction, like 0.2",
                "min_value": "Equity share must be between 0 and 1",
                "max_value": "Equity share must be between 0 and 1",
            },
            "planned_start_on": {"invalid": "Planned start date must be a real date"},
            "extension_years": {
                "invalid": "Years of extension options must be a whole number, like 5",
                "max_value": "Years of extension options must be 50 or fewer",
                "min_value": "Years of extension options cannot be negative",
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partner = self.fields["partner"]
        partner.help_text = "The company running the services. Leave blank until contract award."

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        problem = regime_error(
            data.get("procurement_regime", ""), procurement_began_on=self.instance.procurement_began_on
        )
        if problem and "procurement_regime" not in self.errors:
            self.add_error("procurement_regime", problem)
        if data.get("vehicle") == Vehicle.JOINT_VENTURE:
            if not data.get("joint_venture_company"):
                self.add_error("joint_venture_company", "Select the joint-venture company")
            if data.get("council_equity_share") is None:
                self.add_error(
                    "council_equity_share", "Enter the councils' share of the joint-venture company"
                )
        elif data.get("vehicle") == Vehicle.CONTRACT:
            data["joint_venture_company"] = None
            data["council_equity_share"] = None
        return data


class PartnershipCreateForm(PartnershipForm):
    initiation_began_on = forms.DateField(
        label="Date initiation began",
        widget=DateInput(),
        required=False,
        help_text="Leave blank for today.",
        error_messages={"invalid": "Date initiation began must be a real date"},
    )

    class Meta(PartnershipForm.Meta):
        fields: ClassVar[list[str]] = [*PartnershipForm.Meta.fields, "initiation_began_on"]

    def clean_initiation_began_on(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("initiation_began_on")
        if value and value > dt.date.today():
            raise forms.ValidationError("Date initiation began must be today or in the past")
        return value


class TaskForm(GovukFormMixin, forms.Form):
    status = forms.ChoiceField(choices=TaskStatus.choices, widget=forms.RadioSelect)
    not_applicable_reason = forms.CharField(
        label="Why does this action not apply?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when the status is 'Not applicable'. The partner can read this.",
    )
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False, empty_label="No owner yet")
    due_on = forms.DateField(
        label="Due date",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "Due date must be a real date"},
    )
    evidence_notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What has been done and where the evidence is. The partner will be able to read these "
        "notes and their history.",
    )
    no_evidence_reason = forms.CharField(
        label="Why is it done without evidence?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only if you mark it done with no record linked and no evidence notes. "
        "The partner can read this.",
    )
    council_notes = forms.CharField(
        label="Council-only notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only council staff, auditors and administrators see these notes. Partner users never see "
        "them, nor that they changed.",
    )

    def __init__(self, *args: Any, partnership: Partnership, task: Task | None = None, **kwargs: Any) -> None:
        self.version_record = task  # rule EDIT-NO-LOST-UPDATE: the form carries the task's version
        super().__init__(*args, **kwargs)
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = User.objects.filter(
            is_active=True, organisation__in=partnership.councils.all()
        ).order_by("first_name", "last_name", "email")
        self.fields["status"].error_messages["required"] = "Select a status"
        if task is not None and task.action.evidence_kinds:
            words = task.action.evidence_in_words
            self.fields["status"].help_text = f"The framework asks for evidence before this is done: {words}."
        self.partnership = partnership

    def clean_due_on(self) -> dt.date | None:
        """Rule INPUT-DATE-PLAUSIBLE: an action is due within the partnership's life (2099 is a slip)."""
        value: dt.date | None = self.cleaned_data.get("due_on")
        life = partnership_life(self.partnership)
        check_date(value, label="the due date", latest=life.latest, latest_because=life.latest_because)
        return value

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if (
            data.get("status") == TaskStatus.NOT_APPLICABLE
            and not data.get("not_applicable_reason", "").strip()
        ):
            self.add_error("not_applicable_reason", "Enter why this action does not apply")
        return data


class EvidenceLinkForm(GovukFormMixin, forms.Form):
    record = forms.ChoiceField(
        label="Record to link", error_messages={"required": "Select a record to link as evidence"}
    )
    council_only = forms.BooleanField(
        label="Keep this link from the partner",
        required=False,
        help_text="Partner users can see the action's evidence links unless you tick this. Links to "
        "business cases, service baselines, Monte Carlo runs, exit costs and the change-of-ownership plan "
        "are always kept from them.",
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        record = self.fields["record"]
        assert isinstance(record, forms.ChoiceField)
        record.choices = [("", "Choose a record"), *choices]


class EvidenceRemoveForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why are you removing it? (optional)",
        required=False,
        max_length=200,
        help_text="Kept in the action's history with the removal.",
    )
    confirm = forms.BooleanField(
        label="Yes, remove this evidence link",
        widget=forms.HiddenInput,
        error_messages={"required": "Use the 'Yes, remove the link' button to confirm"},
    )


class DocumentForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Document
        fields: ClassVar[list[str]] = ["title", "location", "document_date", "description"]
        widgets: ClassVar[dict[str, Any]] = {
            "document_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        labels: ClassVar[dict[str, str]] = {"document_date": "Date of the document"}
        help_texts: ClassVar[dict[str, str]] = {
            "location": "Where the document is held: a web address or a file reference.",
            "description": "Optional. Everyone who can see the partnership, including the partner, can read "
            "the document's record.",
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "title": {"required": "Enter the document's title"},
            "location": {"required": "Enter where the document is held"},
            "document_date": {
                "required": "Enter the date of the document",
                "invalid": "Date of the document must be a real date",
            },
        }

    def clean_document_date(self) -> dt.date | None:
        """Rule INPUT-DATE-PLAUSIBLE: evidence already exists, so its date is not in the future."""
        value: dt.date | None = self.cleaned_data.get("document_date")
        check_date(value, label="the date of the document", not_in_future=True)
        return value


class DocumentCorrectionForm(DocumentForm):
    reason = forms.CharField(
        label="What was corrected and why?",
        max_length=300,
        help_text="Kept in the document's history with the old and new values.",
        error_messages={"required": "Enter what was corrected and why"},
    )

    class Meta(DocumentForm.Meta):
        pass


class DocumentWithdrawForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is the document withdrawn?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="For example, 'superseded by version 3' or 'recorded against the wrong partnership'. "
        "Everyone who can see the partnership, including the partner, can read the reason.",
        error_messages={"required": "Enter why the document is withdrawn"},
    )
    confirm = forms.BooleanField(
        label="Yes, withdraw this document",
        widget=forms.HiddenInput,
        error_messages={"required": "Use the 'Yes, withdraw the document' button to confirm"},
    )


class StageGateForm(GovukFormMixin, forms.Form):
    decided_on = forms.DateField(
        label="Date of the decision",
        widget=DateInput(),
        error_messages={
            "required": "Enter the date of the decision",
            "invalid": "Date of the decision must be a real date",
        },
    )
    delivery_confidence = forms.ChoiceField(
        label="Delivery confidence",
        choices=DeliveryConfidence.choices,
        widget=forms.RadioSelect,
        help_text="How confident the decision-makers are that the partnership will deliver, on the "
        "five-point scale used in gateway reviews.",
        error_messages={"required": "Select a delivery confidence rating"},
    )
    commentary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Why the decision was made and any conditions attached. The partner can read this on the "
        "partnership's overview.",
        error_messages={"required": "Enter the commentary on the decision"},
    )
    end_status = forms.ChoiceField(
        label="How did the partnership end?",
        choices=[
            (PartnershipStatus.EXPIRED, "It expired at the end of its term"),
            (PartnershipStatus.TERMINATED_EARLY, "It was terminated early"),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    end_reason = forms.CharField(
        label="Reason for early termination",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="The partner can read this on the partnership's overview.",
    )

    def __init__(self, *args: Any, ending: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ending = ending
        if not ending:
            del self.fields["end_status"]
            del self.fields["end_reason"]
        else:
            self.fields["end_status"].required = True
            self.fields["end_status"].error_messages["required"] = "Select how the partnership ended"

    def clean_decided_on(self) -> dt.date | None:
        """Rule INPUT-DATE-PLAUSIBLE: a decision is recorded once it has been made."""
        value: dt.date | None = self.cleaned_data.get("decided_on")
        check_date(value, label="the date of the decision", not_in_future=True)
        return value


class PortfolioFilterForm(GovukFormMixin, forms.Form):
    search = forms.CharField(label="Name contains", required=False)
    stage = forms.ChoiceField(choices=[("", "Any stage"), *Stage.choices], required=False)
    status = forms.ChoiceField(choices=[("", "Any status"), *PartnershipStatus.choices], required=False)
