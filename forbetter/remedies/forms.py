"""Forms for the remedies ladder and the exit plan. Each field says exactly what is wrong; rules spanning
fields or records (dates in order, a plan's due date, the opportunity to improve) are the services', whose
messages land on the same fields. Model validation is left to the services, so a refused form changes
nothing. Record choices list only the partnership's own records."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from forbetter.core.forms import DateInput, GovukFormMixin
from forbetter.partnerships.models import Partnership
from forbetter.performance.models import Kpi
from forbetter.remedies.models import (
    Dispute,
    ExitPlan,
    Intervention,
    PlanAction,
    RectificationPlan,
    RemedySettings,
    UnimprovedFailure,
    WarningNotice,
)
from forbetter.remedies.services import NO_DUE_DATE

TEXT = forms.Textarea(attrs={"rows": 4})
COUNCIL_NOTES = "Council's internal notes (optional, never shown to the partner)"


class ServiceValidates:
    """The services validate the record; the form only reads the input."""

    def _post_clean(self) -> None:
        pass


def _limit(form: Any, partnership: Partnership) -> None:
    """Record choices of this partnership only."""
    if "kpis" in form.fields:
        form.fields["kpis"].queryset = Kpi.objects.filter(partnership=partnership).order_by("reference")
    if "warning_notice" in form.fields:
        form.fields["warning_notice"].queryset = WarningNotice.objects.filter(partnership=partnership)
    if "rectification_plan" in form.fields:
        form.fields["rectification_plan"].queryset = RectificationPlan.objects.filter(partnership=partnership)


class SettingsForm(ServiceValidates, GovukFormMixin, forms.ModelForm):
    widths: ClassVar[dict[str, str]] = {"failures": "govuk-input--width-3", "window": "govuk-input--width-3"}

    class Meta:
        model = RemedySettings
        fields: ClassVar[list[str]] = ["failures", "window", "contract_clause"]
        labels: ClassVar[dict[str, str]] = {
            "failures": "Failures that make a persistent breach",
            "window": "Periods in the window",
            "contract_clause": "Contract clause (optional)",
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "failures": {
                "required": "Enter how many failures make a persistent breach",
                "min_value": "The number of failures must be at least 1",
                "max_value": "The number of failures must be 60 or fewer",
            },
            "window": {
                "required": "Enter how many periods the window counts",
                "min_value": "The window must be at least 1 period",
                "max_value": "The window must be 60 periods or fewer",
            },
        }


class NoticeForm(ServiceValidates, GovukFormMixin, forms.ModelForm):
    widths: ClassVar[dict[str, str]] = {"reference": "govuk-input--width-10"}

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, partnership)

    class Meta:
        model = WarningNotice
        fields: ClassVar[list[str]] = [
            "reference",
            "served_on",
            "failure",
            "kpis",
            "remedy_by",
            "status",
            "closed_on",
            "outcome",
            "council_notes",
        ]
        labels: ClassVar[dict[str, str]] = {
            "served_on": "Date served",
            "failure": "The failure or obligation",
            "kpis": "KPIs concerned (optional)",
            "remedy_by": "Date to remedy by",
            "closed_on": "Date closed (once remedied, not remedied or withdrawn)",
            "outcome": "Outcome (optional)",
            "council_notes": COUNCIL_NOTES,
        }
        widgets: ClassVar[dict[str, Any]] = {
            "served_on": DateInput(),
            "remedy_by": DateInput(),
            "closed_on": DateInput(),
            "failure": TEXT,
            "outcome": TEXT,
            "council_notes": TEXT,
            "kpis": forms.CheckboxSelectMultiple,
            "status": forms.RadioSelect,
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "reference": {"required": "Enter the warning notice's reference, for example WN-01"},
            "served_on": {"required": "Enter the date the warning notice was served"},
            "failure": {"required": "Enter the failure or obligation the notice is about"},
            "remedy_by": {"required": "Enter the date to remedy by: the end of the notice's cure period"},
            "status": {"required": "Choose the notice's status"},
        }


class PlanForm(ServiceValidates, GovukFormMixin, forms.ModelForm):
    widths: ClassVar[dict[str, str]] = {"reference": "govuk-input--width-10"}

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, partnership)
        self.fields["due_on"].required = True

    class Meta:
        model = RectificationPlan
        fields: ClassVar[list[str]] = [
            "reference",
            "warning_notice",
            "failure",
            "kpis",
            "requested_on",
            "due_on",
            "status",
            "submitted_on",
            "accepted_on",
            "closed_on",
            "partner_response",
            "council_notes",
        ]
        labels: ClassVar[dict[str, str]] = {
            "warning_notice": "Warning notice it answers (optional)",
            "failure": "What the plan must put right",
            "kpis": "KPIs concerned (optional)",
            "requested_on": "Date requested",
            "due_on": "Due date",
            "submitted_on": "Date the partner submitted it",
            "accepted_on": "Date the council accepted it",
            "closed_on": "Date completed or failed",
            "partner_response": "The partner's plan (optional)",
            "council_notes": COUNCIL_NOTES,
        }
        help_texts: ClassVar[dict[str, str]] = {
            "due_on": "The date by which the plan must be carried out. Every rectification plan needs one.",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "requested_on": DateInput(),
            "due_on": DateInput(),
            "submitted_on": DateInput(),
            "accepted_on": DateInput(),
            "closed_on": DateInput(),
            "failure": TEXT,
            "partner_response": TEXT,
            "council_notes": TEXT,
            "kpis": forms.CheckboxSelectMultiple,
            "status": forms.RadioSelect,
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "reference": {"required": "Enter the rectification plan's reference, for example RP-01"},
            "failure": {"required": "Enter what the rectification plan must put right"},
            "requested_on": {"required": "Enter the date the rectification plan was requested"},
            "due_on": {"required": NO_DUE_DATE},
            "status": {"required": "Choose the plan's status"},
        }


class ActionForm(ServiceValidates, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = PlanAction
        fields: ClassVar[list[str]] = ["description", "owner", "due_on", "done_on"]
        labels: ClassVar[dict[str, str]] = {
            "description": "What the action is",
            "owner": "Who does it",
            "due_on": "Due date",
            "done_on": "Date done (optional)",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "due_on": DateInput(),
            "done_on": DateInput(),
            "description": TEXT,
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "description": {"required": "Enter what the action is"},
            "owner": {"required": "Enter who does the action"},
            "due_on": {"required": "Enter the date the action is due"},
        }


class FailureForm(ServiceValidates, GovukFormMixin, forms.ModelForm):
    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, partnership)

    class Meta:
        model = UnimprovedFailure
        fields: ClassVar[list[str]] = [
            "found_on",
            "warning_notice",
            "rectification_plan",
            "not_improved",
            "notice_published_on",
            "notice_reference",
            "council_notes",
        ]
        labels: ClassVar[dict[str, str]] = {
            "found_on": "Date found",
            "warning_notice": "Warning notice that gave the opportunity to improve",
            "rectification_plan": "Rectification plan that gave the opportunity to improve",
            "not_improved": "What was not improved",
            "notice_published_on": "Date the contract performance notice was published (optional)",
            "notice_reference": "Notice reference (optional)",
            "council_notes": COUNCIL_NOTES,
        }
        help_texts: ClassVar[dict[str, str]] = {
            "warning_notice": "Choose the notice, the plan, or both.",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "found_on": DateInput(),
            "notice_published_on": DateInput(),
            "not_improved": TEXT,
            "council_notes": TEXT,
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "found_on": {"required": "Enter the date the council found the partner had not improved"},
            "not_improved": {"required": "Enter what the partner did not improve"},
        }


class InterventionForm(ServiceValidates, GovukFormMixin, forms.ModelForm):
    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, partnership)

    class Meta:
        model = Intervention
        fields: ClassVar[list[str]] = [
            "kind",
            "started_on",
            "ended_on",
            "reason",
            "cost_gbp",
            "warning_notice",
            "rectification_plan",
            "council_notes",
        ]
        labels: ClassVar[dict[str, str]] = {
            "kind": "Remedy",
            "started_on": "Date appointed or started",
            "ended_on": "Date ended (optional)",
            "cost_gbp": "Cost (£, optional)",
            "warning_notice": "Warning notice behind it (optional)",
            "rectification_plan": "Rectification plan behind it (optional)",
            "council_notes": COUNCIL_NOTES,
        }
        widgets: ClassVar[dict[str, Any]] = {
            "started_on": DateInput(),
            "ended_on": DateInput(),
            "reason": TEXT,
            "council_notes": TEXT,
            "kind": forms.RadioSelect,
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "kind": {"required": "Choose whether this is a remedial adviser or step-in"},
            "started_on": {"required": "Enter the date the adviser was appointed or step-in started"},
            "reason": {"required": "Enter the reason for it"},
            "cost_gbp": {"min_value": "The cost cannot be negative"},
        }


class DisputeForm(ServiceValidates, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Dispute
        fields: ClassVar[list[str]] = [
            "raised_on",
            "raised_by",
            "subject",
            "stage",
            "outcome",
            "closed_on",
            "council_notes",
        ]
        labels: ClassVar[dict[str, str]] = {
            "raised_on": "Date raised",
            "raised_by": "Raised by",
            "stage": "Stage reached",
            "outcome": "Outcome (optional until closed)",
            "closed_on": "Date closed (optional)",
            "council_notes": COUNCIL_NOTES,
        }
        widgets: ClassVar[dict[str, Any]] = {
            "raised_on": DateInput(),
            "closed_on": DateInput(),
            "outcome": TEXT,
            "council_notes": TEXT,
            "raised_by": forms.RadioSelect,
            "stage": forms.RadioSelect,
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "raised_on": {"required": "Enter the date the dispute was raised"},
            "raised_by": {"required": "Choose which side raised the dispute"},
            "subject": {"required": "Enter what the dispute is about"},
            "stage": {"required": "Choose the stage the dispute has reached"},
        }


class ExitPlanForm(ServiceValidates, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = ExitPlan
        fields: ClassVar[list[str]] = [
            "assets",
            "assets_readiness",
            "data",
            "data_readiness",
            "staff",
            "staff_list_provided_on",
            "staff_readiness",
            "knowledge_transfer",
            "knowledge_readiness",
            "last_reviewed_on",
            "council_notes",
        ]
        labels: ClassVar[dict[str, str]] = {
            "assets": "Assets, and who owns them at exit",
            "assets_readiness": "Assets: readiness",
            "data": "Data: what, in what format, from where",
            "data_readiness": "Data: readiness",
            "staff": "Staff lists and TUPE information",
            "staff_list_provided_on": "Date the staff list was last provided (optional)",
            "staff_readiness": "Staff: readiness",
            "knowledge_transfer": "Knowledge transfer",
            "knowledge_readiness": "Knowledge transfer: readiness",
            "last_reviewed_on": "Date last reviewed (optional)",
            "council_notes": COUNCIL_NOTES,
        }
        widgets: ClassVar[dict[str, Any]] = {
            "assets": TEXT,
            "data": TEXT,
            "staff": TEXT,
            "knowledge_transfer": TEXT,
            "council_notes": TEXT,
            "staff_list_provided_on": DateInput(),
            "last_reviewed_on": DateInput(),
            "assets_readiness": forms.RadioSelect,
            "data_readiness": forms.RadioSelect,
            "staff_readiness": forms.RadioSelect,
            "knowledge_readiness": forms.RadioSelect,
        }
