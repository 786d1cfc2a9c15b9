"""A small GOV.UK form vocabulary: every form mixes in :class:`GovukFormMixin`.

The mixin gives each widget its GOV.UK class, marks fields in error, and the template partial
``core/field.html`` renders label, hint, error message and input the GOV.UK way.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

WIDGET_CLASSES: dict[str, str] = {
    "text": "govuk-input",
    "email": "govuk-input",
    "password": "govuk-input",
    "number": "govuk-input govuk-input--width-10",
    "url": "govuk-input",
    "date": "govuk-input govuk-input--width-10",
    "select": "govuk-select",
    "textarea": "govuk-textarea",
    "selectmultiple": "govuk-select",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
}
ERROR_SUFFIX: dict[str, str] = {
    "govuk-input": "govuk-input--error",
    "govuk-select": "govuk-select--error",
    "govuk-textarea": "govuk-textarea--error",
    "govuk-file-upload": "govuk-file-upload--error",
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class GovukFormMixin:
    """Adds GOV.UK classes and error states to a Django form's widgets."""

    fields: dict[str, forms.Field]
    errors: Any
    # field name -> extra width class, e.g. {"term_years": "govuk-input--width-3"}
    widths: ClassVar[dict[str, str]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget_type = field.widget.__class__.__name__.lower().replace("input", "").replace("widget", "")
            css = WIDGET_CLASSES.get(widget_type, WIDGET_CLASSES.get(_input_type(field.widget), ""))
            if name in self.widths:
                css = css.replace("govuk-input--width-10", "") + " " + self.widths[name]
            if css:
                field.widget.attrs["class"] = " ".join(
                    (field.widget.attrs.get("class", "") + " " + css).split()
                )

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            classes = widget.attrs.get("class", "").split()
            for base, error in ERROR_SUFFIX.items():
                if base in classes and error not in classes:
                    classes.append(error)
            widget.attrs["class"] = " ".join(classes)
            described = widget.attrs.get("aria-describedby", "").split()
            if f"{name}-error" not in described:
                described.append(f"{name}-error")
            widget.attrs["aria-describedby"] = " ".join(described)


def _input_type(widget: forms.Widget) -> str:
    return str(getattr(widget, "input_type", ""))
