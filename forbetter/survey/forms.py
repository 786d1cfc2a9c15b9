"""Forms of the partnership survey: a round, one respondent's answers, and a paper form's answers."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from forbetter.core.forms import DateInput, GovukFormMixin
from forbetter.survey.models import Principle, Side, SurveyRound
from forbetter.survey.reference import scale_labels


class RoundForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = SurveyRound
        fields: ClassVar[list[str]] = ["name", "opens_on", "closes_on", "notes"]
        widgets: ClassVar[dict[str, Any]] = {"opens_on": DateInput(), "closes_on": DateInput()}
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "name": {"required": "Enter a name for the round, such as “Spring 2026”"},
            "opens_on": {"required": "Enter the date the round opens"},
            "closes_on": {"required": "Enter the date the round closes"},
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error(
                "closes_on", f"The closing date must be on or after the opening date ({opens_on:%-d %B %Y})"
            )
        return data

    def validate_constraints(self, exclude: Any = None) -> None:
        """The service checks the dates and the name, with messages naming the field."""


class AnswersForm(GovukFormMixin, forms.Form):
    """One radio question per statement, grouped by principle, on the five-point agreement scale."""

    def __init__(self, *args: Any, principles: list[Principle] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if principles is None:
            principles = list(Principle.objects.prefetch_related("statements"))
        choices = [(str(n), label) for n, label in enumerate(scale_labels(), start=1)]
        self.groups: list[tuple[Principle, list[str]]] = []
        for principle in principles:
            names = []
            for statement in principle.statements.all():
                self.fields[statement.key] = forms.TypedChoiceField(
                    label=statement.text,
                    choices=choices,
                    coerce=int,
                    widget=forms.RadioSelect,
                    error_messages={
                        "required": f"Choose how far you agree that “{statement.text}”",
                        "invalid_choice": (
                            f"The answer to “{statement.text}” is outside the scale: choose from strongly "
                            "disagree (1) to strongly agree (5)"
                        ),
                    },
                )
                names.append(statement.key)
            self.groups.append((principle, names))

    def answers(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for _, names in self.groups for name in names}

    def grouped(self) -> list[tuple[Principle, list[forms.BoundField]]]:
        return [(principle, [self[name] for name in names]) for principle, names in self.groups]


class PaperEntryForm(AnswersForm):
    """A paper form's answers, entered by a council editor: the side it came from and its reference."""

    side = forms.ChoiceField(
        label="Which side filled in the form?",
        choices=Side.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the council or the partner side filled in the form"},
    )
    paper_reference = forms.CharField(
        label="Paper form reference",
        max_length=50,
        help_text="The number printed on the form, so the same form is not entered twice",
        error_messages={"required": "Enter the reference printed on the paper form"},
    )
