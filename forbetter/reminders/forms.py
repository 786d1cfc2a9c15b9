from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from forbetter.core.forms import GovukFormMixin


class PreferenceForm(GovukFormMixin, forms.Form):
    """The user's own choice: the reminders email on or off."""

    email_digest = forms.TypedChoiceField(
        label="Send me the reminders email?",
        choices=[("yes", "Yes, email me what is newly due or overdue"), ("no", "No, I will check the page")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to get the reminders email"},
        help_text="At most one email a day, listing what has newly come due or become overdue in your "
        "partnerships. Each reminder is sent once as it comes due and once if it becomes overdue.",
    )


class FilterForm(GovukFormMixin, forms.Form):
    """Which reminders the list shows (GET)."""

    partnership = forms.TypedChoiceField(label="Partnership", required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label="Kind", required=False)
    mine = forms.BooleanField(label="Only those naming me as owner", required=False)

    def __init__(
        self,
        *args: Any,
        partnerships: Sequence[tuple[int, str]] = (),
        kinds: Sequence[tuple[str, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        partnership = self.fields["partnership"]
        kind = self.fields["kind"]
        assert isinstance(partnership, forms.ChoiceField)
        assert isinstance(kind, forms.ChoiceField)
        partnership.choices = [("", "All partnerships"), *partnerships]
        kind.choices = [("", "All kinds"), *kinds]
