"""The upload form: what the file holds and the file itself. The file is checked by the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from forbetter.core.forms import GovukFormMixin
from forbetter.imports.kinds import kind_choices
from forbetter.imports.reader import megabytes


class UploadForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="What does the file hold?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what the file holds",
            "invalid_choice": "Choose what the file holds",
        },
    )
    file = forms.FileField(
        label="File",
        error_messages={"required": "Choose an XLSX or CSV file to check", "empty": "The file is empty"},
    )

    def __init__(self, *args: Any, partner: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = kind_choices(partner=partner)
        max_bytes = settings.IMPORT_MAX_BYTES
        self.fields["file"].help_text = (
            f"An XLSX workbook or a CSV file in UTF-8, made from the template, up to {megabytes(max_bytes)}. "
            "Nothing is saved until you have checked the dry run and confirmed it."
        )
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv"
