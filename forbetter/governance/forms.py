"""Forms of the governance area. Plain forms: the views pass the record being edited as ``version_record``
(rule EDIT-NO-LOST-UPDATE) and the services check every rule again, so a form alone never saves anything."""

from __future__ import annotations

from typing import Any

from django import forms

from forbetter.accounts.models import User
from forbetter.core.forms import DateInput, GovukFormMixin, RecordChoiceField, RecordsChoiceField
from forbetter.governance import links, selectors
from forbetter.governance.models import ActionStatus, AppointedBy, Forum, ForumMember, Meeting, Side, Tier
from forbetter.partnerships.models import Partnership

NOTE = 10_000


class PeopleChoice(RecordsChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.email}, {obj.organisation}"


class MemberChoice(RecordsChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}, {obj.organisation} ({obj.get_side_display().lower()} side), {obj.forum.name}"


class ForumChoice(RecordChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_tier_display().lower()} tier)"


def _text(label: str, *, required: bool = True, rows: int = 4, hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=NOTE,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": f"Enter the {label.lower()}"},
    )


def _date(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        error_messages={"required": f"Enter the {label.lower()}", "invalid": f"{label} must be a real date"},
    )


class GovernanceModelForm(GovukFormMixin, forms.Form):
    summary = _text("Summary", hint="How the tiers work together and what each is for.")
    reserved_matters = _text(
        "Shareholder reserved matters",
        required=False,
        rows=6,
        hint="For a joint-venture company: the decisions the shareholders keep to themselves, one a line.",
    )


class ForumForm(GovukFormMixin, forms.Form):
    tier = forms.ChoiceField(
        choices=Tier.choices, widget=forms.RadioSelect, error_messages={"required": "Select the forum's tier"}
    )
    name = forms.CharField(max_length=200, error_messages={"required": "Enter the forum's name"})
    remit = _text("Remit or terms of reference")
    frequency_months = forms.IntegerField(
        label="Meets every this many months",
        min_value=1,
        max_value=12,
        help_text="1 for monthly, 3 for quarterly, 12 for yearly.",
        error_messages={
            "required": "Enter how often the forum meets, in months",
            "min_value": "The forum meets at least every 1 month: enter 1 or more",
            "max_value": "Enter 12 months or fewer: a forum meeting less than yearly is not governing",
        },
    )
    quorum = forms.IntegerField(
        min_value=1,
        help_text="How many members must attend for the meeting to decide; at most the members.",
        error_messages={"required": "Enter the quorum", "min_value": "The quorum must be 1 or more"},
    )
    set_up_on = _date("Date set up")
    members = PeopleChoice(
        label="Members from ForBetter",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Add named people who are not ForBetter users from the forum's page.",
    )

    def __init__(self, *args: Any, partnership: Partnership, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["members"]
        else:
            field = self.fields["members"]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = selectors.people_for(partnership)


class MemberForm(GovukFormMixin, forms.Form):
    user = forms.ModelChoiceField(
        label="A ForBetter user",
        queryset=User.objects.none(),
        required=False,
        empty_label="Not a ForBetter user: give the name below",
    )
    name = forms.CharField(label="Or a named person", max_length=200, required=False)
    side = forms.ChoiceField(
        label="Their side (named person)", choices=[("", "Choose a side"), *Side.choices], required=False
    )
    organisation = forms.CharField(label="Their organisation (named person)", max_length=200, required=False)
    role = forms.CharField(
        label="Role on the forum", max_length=200, required=False, help_text="For example chair."
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = selectors.people_for(partnership)


class MeetingForm(GovukFormMixin, forms.Form):
    forum = forms.ModelChoiceField(
        queryset=Forum.objects.none(),
        empty_label="Choose the forum",
        error_messages={"required": "Select the forum the meeting belongs to"},
    )
    held_on = _date("Date of the meeting")
    attendees = MemberChoice(
        label="Who attended",
        queryset=ForumMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Members of the meeting's forum only.",
    )
    apologies = MemberChoice(
        label="Who sent apologies",
        queryset=ForumMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    minutes = _text(
        "Minutes", required=False, rows=6, hint="A note of the discussion, or where the minutes are."
    )

    def __init__(
        self, *args: Any, partnership: Partnership, forum: Forum | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choice = self.fields["forum"]
        assert isinstance(choice, forms.ModelChoiceField)
        choice.queryset = Forum.objects.filter(partnership=partnership)
        members = ForumMember.objects.filter(forum__partnership=partnership).select_related("forum")
        if forum is not None:
            members = members.filter(forum=forum)
        for name in ("attendees", "apologies"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = members


class AgendaItemForm(GovukFormMixin, forms.Form):
    title = forms.CharField(max_length=300, error_messages={"required": "Enter the agenda item's title"})
    # Text with a list of choices: a record not offered (another partnership's) reaches the service, which
    # refuses it with a message naming the problem rather than Django's generic "not one of the choices".
    record = forms.CharField(
        label="The record it discusses",
        required=False,
        max_length=50,
        help_text="A KPI, risk, approved payment statement or governance action of this partnership.",
        widget=forms.Select,
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["record"].widget.choices = [("", "None"), *links.choices_for(partnership)]


class DecisionForm(GovukFormMixin, forms.Form):
    text = _text("Decision", hint="What was decided, in a sentence or two.")
    decided_on = _date("Date decided", required=False)


class ActionForm(GovukFormMixin, forms.Form):
    description = _text("Action", hint="What will be done.", rows=3)
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(),
        empty_label="Choose the owner",
        error_messages={"required": "Select who owns the action"},
    )
    due_on = _date("Due date")
    status = forms.ChoiceField(
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        initial=ActionStatus.OPEN,
        error_messages={"required": "Select the action's status"},
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = selectors.people_for(partnership)
        self.fields["due_on"].error_messages["required"] = "Enter the date the action is due"


class EscalationForm(GovukFormMixin, forms.Form):
    subject = forms.ChoiceField(
        label="What is escalated", error_messages={"required": "Select the agenda item or action to escalate"}
    )
    to_forum = ForumChoice(
        label="Escalated to",
        queryset=Forum.objects.none(),
        empty_label="Choose the forum",
        help_text="A forum of the next tier up.",
        error_messages={"required": "Select the forum it goes to"},
    )
    escalated_on = _date("Date escalated")
    reason = _text("Why it is escalated", rows=3)

    def __init__(self, *args: Any, meeting: Meeting | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        subject = self.fields["subject"]
        assert isinstance(subject, forms.ChoiceField)
        forum = self.fields["to_forum"]
        assert isinstance(forum, forms.ModelChoiceField)
        if meeting is None:  # built without a meeting (the form census): nothing to choose
            subject.choices = [("", "Choose an item or action")]
            return
        subject.choices = [
            ("", "Choose an item or action"),
            *[(f"item:{item.pk}", f"Agenda item: {item.title}") for item in meeting.items.all()],
            *[(f"action:{action.pk}", f"Action: {action}") for action in meeting.actions.all()],
        ]
        forum.queryset = Forum.objects.filter(partnership_id=meeting.partnership_id).exclude(
            pk=meeting.forum_id
        )


class OutcomeForm(GovukFormMixin, forms.Form):
    outcome = _text("Outcome", required=False, rows=3, hint="What the forum it went to decided.")
    outcome_on = _date("Date of the outcome", required=False)


class ReviewForm(GovukFormMixin, forms.Form):
    reviewed_on = _date("Date of the review")
    reviewer = forms.ModelChoiceField(
        queryset=User.objects.none(),
        empty_label="Choose the reviewer",
        error_messages={"required": "Select the reviewer"},
    )
    findings = _text("Findings", hint="What works and what does not in the governance model.")
    decisions = _text("Decisions", hint="What will change as a result.")

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reviewer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = selectors.people_for(partnership)


class DirectorForm(GovukFormMixin, forms.Form):
    name = forms.CharField(max_length=200, error_messages={"required": "Enter the director's name"})
    appointed_by = forms.ChoiceField(
        label="Appointed by",
        choices=AppointedBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select which shareholder appointed the director"},
    )
    role = forms.CharField(max_length=200, required=False, help_text="For example chair, finance director.")
    appointed_on = _date("Date appointed", required=False)


class ActionFilterForm(GovukFormMixin, forms.Form):
    overdue = forms.BooleanField(label="Only open actions past their due date", required=False)
