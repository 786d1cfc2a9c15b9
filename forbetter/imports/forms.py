"""The upload form: what the file holds and the file itself. The file is checked by the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from forbetter.core.forms import GovukFormMixin
from forbetter.imports.kinds import KINDS, kind_choices
from forbetter.imports.reader import megabytes
from forbetter.partnerships.models import Partnership


class VersionField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.business_case.title}, version {obj.number} (draft)"


class UploadForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="What does the file hold?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what the file holds",
            "invalid_choice": "Choose what the file holds",
        },
    )
    version = VersionField(
        label="Business-case version (for business-case lines and GDP deflator rates only)",
        queryset=None,
        required=False,
        empty_label="Not needed",
        help_text="They go into a draft version; a frozen version cannot change.",
    )
    file = forms.FileField(
        label="File",
        error_messages={"required": "Choose an XLSX or CSV file to check", "empty": "The file is empty"},
    )

    def __init__(
        self, *args: Any, partner: bool = False, partnership: Partnership | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        from forbetter.appraisal.models import BusinessCaseVersion, VersionStatus

        version = self.fields["version"]
        assert isinstance(version, forms.ModelChoiceField)
        version.queryset = BusinessCaseVersion.objects.filter(
            business_case__partnership=partnership, status=VersionStatus.DRAFT
        ).select_related("business_case")
        version.error_messages["invalid_choice"] = (
            "Choose a draft version of this partnership's business cases"
        )
        if partner:
            del self.fields["version"]
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = kind_choices(partner=partner)
        max_bytes = settings.IMPORT_MAX_BYTES
        self.fields["file"].help_text = (
            f"An XLSX workbook or a CSV file in UTF-8, made from the template, up to {megabytes(max_bytes)}. "
            "Nothing is saved until you have checked the dry run and confirmed it."
        )
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv"

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        chosen = KINDS.get(data.get("kind") or "")
        if (
            chosen is not None
            and chosen.needs_version
            and not data.get("version")
            and "version" not in self.errors
        ):
            self.add_error("version", "Choose the draft business-case version the file goes into")
        return data
