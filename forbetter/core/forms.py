"""A small GOV.UK form vocabulary: every form mixes in :class:`GovukFormMixin`.

The mixin gives each widget its GOV.UK class, marks fields in error, and the template partial
``core/field.html`` renders label, hint, error message and input the GOV.UK way. It also makes every form
read input the same way, so no app can save a value other than the one typed:

=====================  ==================================================================================
rule                   what it says
=====================  ==================================================================================
INPUT-NUMBER-AS-TYPED  numbers are read as people type them ("10,000,000", "1 200", "£1,200.50", "£1.2m",
                       "£250k" in money fields) or refused with a message saying what is wrong; never
                       NaN, Infinity or an exponent (:func:`parse_number`)
INPUT-LIST-AS-TYPED    a list of yearly amounts is split on semicolons, new lines and commas that do not
                       group thousands, so "10,000,000" is one amount, not three (:func:`split_amounts`)
INPUT-DATE-PLAUSIBLE   every date is between 1990 and 2100, and forms can narrow that to a partnership's
                       life or to "not in the future" (:func:`check_date`)
INPUT-TEXT-LIMIT       free text has a length limit named in its error (10,000 characters for notes)
INPUT-NO-BLANK-RADIO   radio buttons never offer or pre-select the blank "---------" choice
=====================  ==================================================================================
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models

from forbetter.core.versioning import add_version_field, expect_version, move_version_error

WIDGET_CLASSES: dict[str, str] = {
    "text": "govuk-input",
    "email": "govuk-input",
    "password": "govuk-input",
    "number": "govuk-input govuk-input--width-10",
    "numeric": "govuk-input govuk-input--width-10",
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


# ---------------------------------------------------------------------------------------------------------
# Numbers (rule INPUT-NUMBER-AS-TYPED)

MONEY_SUFFIXES: dict[str, int] = {"k": 1_000, "m": 1_000_000, "bn": 1_000_000_000}
_SPACES = "\u00a0\u202f\u2009 "  # no-break, narrow no-break, thin and plain spaces group thousands too
_PLAIN = r"(?:\d+(?:\.\d+)?|\.\d+)"
_COMMA_GROUPED = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?"
_SPACE_GROUPED = rf"\d{{1,3}}(?:[{_SPACES}]\d{{3}})+(?:\.\d+)?"
_NUMBER = re.compile(
    rf"(?P<sign>[-\u2212])?\s*(?P<pound>£)?\s*(?P<sign2>[-\u2212])?\s*"
    rf"(?P<digits>{_COMMA_GROUPED}|{_SPACE_GROUPED}|{_PLAIN})\s*(?P<suffix>k|m|bn)?",
    re.IGNORECASE,
)
_NOT_FINITE = re.compile(r"nan|inf", re.IGNORECASE)
_EXPONENT = re.compile(r"\d\s*e\s*[-+]?\d", re.IGNORECASE)
_LIST_SEPARATOR = re.compile(r"[;\n]|,(?!\d{3}(?!\d))|(?<!\d),")


class NumberError(ValueError):
    """Text that is not a number as ForBetter reads numbers; the message says why, for the form to show.

    ``specific`` is False when there is nothing more to say than "not a number", so a field may show its
    own message (which usually gives an example) instead.
    """

    def __init__(self, message: str, *, specific: bool = True) -> None:
        super().__init__(message)
        self.specific = specific


def parse_number(text: str, *, money: bool = False) -> Decimal:
    """Rule INPUT-NUMBER-AS-TYPED: the number a person meant by ``text``, or :class:`NumberError`.

    Accepted: plain numbers (``1250000``, ``94.5``, ``-5``), thousands grouped by commas in threes
    (``10,000,000``) or by spaces (``1 200``), a leading ``£`` and, in money fields, a ``k``, ``m`` or ``bn``
    suffix (``£1.2m`` is 1,200,000; ``£250k`` is 250,000). Refused, each with its own message: NaN and
    Infinity, exponents (``1e400``), commas that do not group thousands (``1,20``: a decimal comma or a typo),
    and anything else that is not a number. Only the digits typed are kept: nothing is rounded here.

    >>> parse_number("10,000,000"), parse_number("1 200"), parse_number("£1,200.50", money=True)
    (Decimal('10000000'), Decimal('1200'), Decimal('1200.50'))
    >>> parse_number("£1.2m", money=True), parse_number("-£250k", money=True)
    (Decimal('1200000'), Decimal('-250000'))
    """
    stripped = text.strip()
    if _NOT_FINITE.search(stripped):
        raise NumberError(f"“{stripped}” is not a number: enter a finite amount, like 1250000")
    if _EXPONENT.search(stripped):
        raise NumberError(f"Write the number in full, like 1250000, not as “{stripped}”")
    match = _NUMBER.fullmatch(stripped)
    if match is None or (match["sign"] and match["sign2"]):
        if re.fullmatch(r"[-\u2212£\s]*[\d.,]+\s*(k|m|bn)?", stripped, re.IGNORECASE) and "," in stripped:
            raise NumberError(
                f"“{stripped}” is not a number: use commas only to group thousands, like 1,250,000, "
                "and a full stop for pence or decimals"
            )
        raise NumberError(f"“{stripped}” is not a number", specific=False)
    suffix = (match["suffix"] or "").lower()
    if suffix and not money:
        raise NumberError(f"“{stripped}” is not a number: write it in full, without “{match['suffix']}”")
    if match["pound"] and not money:
        raise NumberError(f"“{stripped}” is not a number: leave out the £ sign")
    digits = re.sub(f"[,{_SPACES}]", "", match["digits"])
    try:
        number = Decimal(digits)
    except InvalidOperation as error:  # pragma: no cover - the pattern only lets digits through
        raise NumberError(f"“{stripped}” is not a number") from error
    if suffix:
        number = (number * MONEY_SUFFIXES[suffix]).normalize()
        if number.as_tuple().exponent > 0:  # type: ignore[operator]
            number = number.quantize(Decimal(1))
    if match["sign"] or match["sign2"]:
        number = -number
    return number


def split_amounts(text: str) -> list[str]:
    """Rule INPUT-LIST-AS-TYPED: the items of a typed list of amounts, one per year.

    Items are separated by semicolons, new lines, or commas, except a comma between digits that is followed
    by exactly three digits, which groups thousands. So ``"10,000,000"`` is one item, and
    ``"1,250,000, 1,300,000"`` or ``"1250000,1300000"`` are two.

    >>> split_amounts("10,000,000")
    ['10,000,000']
    >>> split_amounts("1,250,000, 1,300,000; 900")
    ['1,250,000', '1,300,000', '900']
    """
    return [item.strip() for item in _LIST_SEPARATOR.split(text.strip().rstrip(",;"))]


class NumericInput(forms.TextInput):
    """A text box for numbers, as GOV.UK advises: ``type=number`` refuses "10,000,000" in the browser and
    sends nothing (so the value would be lost without a word); the field's own validation gives the message
    instead, and ``inputmode`` still brings up a numeric keyboard on phones."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"inputmode": "decimal", "spellcheck": "false", **(attrs or {})})


class NumberField(forms.DecimalField):
    """A decimal read with :func:`parse_number`; every other check (digits, places, range) is Django's."""

    widget = NumericInput
    money = False

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # No min/max/step attributes: the browser would refuse or round values without a message.
        return {}

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # stubs say int
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return Decimal(str(value))
        try:
            return parse_number(str(value), money=self.money)
        except NumberError as error:
            message = str(error) if error.specific else self.error_messages["invalid"]
            raise ValidationError(message, code="invalid") from error

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and not value.is_finite():  # pragma: no cover - to_python refuses these
            raise ValidationError(self.error_messages["invalid"], code="invalid")


class MoneyField(NumberField):
    """An amount in pounds: ``£1,200.50``, ``£1.2m`` and ``£250k`` are read; pence at most (2 places).

    Any form field named ``*_gbp`` (STYLE: money fields name their unit) becomes one automatically through
    :class:`GovukFormMixin`.
    """

    money = True

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)


class WholeNumberField(forms.IntegerField):
    """A whole number read with :func:`parse_number` ("1,200" is 1200), within a range the database holds."""

    widget = NumericInput
    LIMIT = 2_147_483_647  # the largest integer every supported database column holds

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {"inputmode": "numeric"}

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            number = parse_number(str(value))
        except NumberError as error:
            message = str(error) if error.specific else self.error_messages["invalid"]
            raise ValidationError(message, code="invalid") from error
        if number != number.to_integral_value():
            raise ValidationError(f"Enter a whole number, not {number}", code="invalid")
        if abs(number) > self.LIMIT:
            raise ValidationError(f"Enter a number no larger than {self.LIMIT:,}", code="max_value")
        return int(number)


# ---------------------------------------------------------------------------------------------------------
# Dates (rule INPUT-DATE-PLAUSIBLE)

EARLIEST_DATE = dt.date(1990, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)


def _long_date(value: dt.date) -> str:
    return f"{value.day} {value:%B} {value.year}"


def check_date(
    value: dt.date | None,
    *,
    label: str,
    earliest: dt.date | None = None,
    latest: dt.date | None = None,
    earliest_because: str = "",
    latest_because: str = "",
    not_in_future: bool = False,
    today: dt.date | None = None,
) -> None:
    """Rule INPUT-DATE-PLAUSIBLE: refuse a date outside its window with a message naming the window.

    Every date must lie in 1990 to 2100 (no contract ForBetter holds is outside it: "0000-01-01" or
    "9999-12-31" is a typing slip). A form narrows the window with ``earliest``/``latest`` and says why
    (``earliest_because="the partnership began on 3 March 2024"``), or refuses future dates for things
    that have happened (approvals, decisions, documents).
    """
    if value is None:
        return
    name = label[:1].upper() + label[1:]
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            f"{name} must be between {EARLIEST_DATE.year} and {LATEST_DATE.year}, not {_long_date(value)}",
            code="out_of_range",
        )
    today = today or dt.date.today()
    if not_in_future and value > today:
        raise ValidationError(f"{name} must be today or in the past, not {_long_date(value)}", code="future")
    if earliest is not None and value < earliest:
        reason = f": {earliest_because}" if earliest_because else ""
        raise ValidationError(
            f"{name} must be on or after {_long_date(earliest)}{reason}", code="before_window"
        )
    if latest is not None and value > latest:
        reason = f": {latest_because}" if latest_because else ""
        raise ValidationError(
            f"{name} must be on or before {_long_date(latest)}{reason}", code="after_window"
        )


def _plausible_date(label: str) -> Any:
    def validator(value: dt.date) -> None:
        check_date(value, label=label)

    validator.plausible_date = True  # type: ignore[attr-defined]
    return validator


# ---------------------------------------------------------------------------------------------------------
# Text (rule INPUT-TEXT-LIMIT)

NOTE_MAX_LENGTH = 10_000
LINE_MAX_LENGTH = 1_000


def length_message(label: str, limit: int) -> str:
    """The error for text over its limit, naming the limit (``%(show_value)s`` is the length typed)."""
    name = label[:1].upper() + label[1:]
    return f"{name} must be {limit:,} characters or fewer; you entered %(show_value)s characters"


class TextLengthValidator(MaxLengthValidator):
    """Django's length check, with the length typed shown as 100,000 rather than 100000."""

    def clean(self, x: Any) -> Any:
        return TextLength(len(x))


class TextLength(int):
    def __str__(self) -> str:
        return f"{int(self):,}"


DJANGO_DATE_INVALID = forms.DateField.default_error_messages["invalid"]
BLANK_LABEL = "---------"  # Django's label for "nothing chosen", which means nothing to a reader


def _choices(field: forms.ChoiceField) -> list[tuple[Any, Any]]:
    return list(field.choices)  # type: ignore[arg-type]


MAX_RECORD_ID = 2**63 - 1
"""The largest id a database row can have: a posted choice beyond it names no record."""


def _names_no_record(field: forms.ModelChoiceField, value: Any) -> bool:
    """Whether a posted choice cannot be a record's id, so the database need not be asked (a number too
    large for SQLite's integers would otherwise stop the query with an error)."""
    queryset = field.queryset
    if field.to_field_name is not None or queryset is None:
        return False
    if not isinstance(queryset.model._meta.pk, models.AutoField | models.BigAutoField | models.IntegerField):
        return False
    text = str(value).strip()
    return not (text.isascii() and text.isdigit() and int(text) <= MAX_RECORD_ID)


class RecordChoiceField(forms.ModelChoiceField):
    """A choice of one record that refuses, as an invalid choice, a value that cannot be a record's id."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and _names_no_record(self, value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class RecordsChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several records that refuses, as invalid, values that cannot be records' ids."""

    def _check_values(self, value: Any) -> Any:
        for item in value if isinstance(value, list | tuple) else [value]:
            if _names_no_record(self, item):
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
        return super()._check_values(value)  # type: ignore[misc]


def _upgrade(name: str, field: forms.Field) -> None:
    """Give a field the vocabulary's reading of input (rules INPUT-*), whichever app's form it is in.

    Plain Django number fields become :class:`NumberField`, :class:`MoneyField` (``*_gbp``) or
    :class:`WholeNumberField`: the subclasses add no state, so swapping the class keeps the field's limits
    and messages. Dates get the plausible range, free text a length limit, radios lose the blank choice.
    """
    label = str(field.label or name.replace("_", " "))
    if type(field) is forms.DecimalField:
        field.__class__ = MoneyField if name.endswith("_gbp") else NumberField
    elif type(field) is forms.IntegerField:
        field.__class__ = WholeNumberField
    elif type(field) is forms.ModelChoiceField:
        field.__class__ = RecordChoiceField
    elif type(field) is forms.ModelMultipleChoiceField:
        field.__class__ = RecordsChoiceField
    if isinstance(field, NumberField | WholeNumberField) and isinstance(field.widget, forms.NumberInput):
        attrs = {k: v for k, v in field.widget.attrs.items() if k not in ("min", "max", "step")}
        field.widget = NumericInput(attrs=attrs)
        if isinstance(field, WholeNumberField):
            field.widget.attrs["inputmode"] = "numeric"
    if isinstance(field, forms.DateField) and field.error_messages.get("invalid") == DJANGO_DATE_INVALID:
        field.error_messages["invalid"] = (
            f"{label[:1].upper()}{label[1:]} must be a real date, like 2024-03-27"
        )
    if isinstance(field, forms.DateField) and not any(
        getattr(v, "plausible_date", False) for v in field.validators
    ):
        field.validators.append(_plausible_date(label))
    if isinstance(field, forms.CharField) and not isinstance(field, forms.ChoiceField):
        field.validators = [
            TextLengthValidator(v.limit_value) if type(v) is MaxLengthValidator else v
            for v in field.validators
        ]
        if field.max_length is None:
            limit = NOTE_MAX_LENGTH if isinstance(field.widget, forms.Textarea) else LINE_MAX_LENGTH
            field.max_length = limit
            field.validators.append(TextLengthValidator(limit))
        field.error_messages.setdefault("max_length", length_message(label, int(field.max_length)))
    if isinstance(field, forms.ChoiceField) and isinstance(field.widget, forms.RadioSelect):
        if isinstance(field, forms.ModelChoiceField):
            field.empty_label = None
        else:
            field.choices = [(value, text) for value, text in _choices(field) if value not in ("", None)]
    elif isinstance(field, forms.ModelChoiceField) and field.empty_label == BLANK_LABEL:
        field.empty_label = "Choose one" if field.required else "None"
    elif (
        isinstance(field, forms.ChoiceField)
        and not isinstance(field, forms.ModelChoiceField)  # its choices would cost a query
        and any(text == BLANK_LABEL for _, text in _choices(field))
    ):
        blank = "Choose one" if field.required else "None"
        field.choices = [(value, blank if text == BLANK_LABEL else text) for value, text in _choices(field)]


class GovukFormMixin:
    """Adds GOV.UK classes and error states to a Django form's widgets."""

    fields: dict[str, forms.Field]
    errors: Any
    # field name -> extra width class, e.g. {"term_years": "govuk-input--width-3"}
    widths: ClassVar[dict[str, str]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        if "version_record" in kwargs:  # a plain form editing a saved record (rule EDIT-NO-LOST-UPDATE)
            self.version_record = kwargs.pop("version_record")
        super().__init__(*args, **kwargs)
        add_version_field(self)  # rule EDIT-NO-LOST-UPDATE: the version this form was opened at
        for name, field in self.fields.items():
            _upgrade(name, field)
            widget_type = field.widget.__class__.__name__.lower().replace("input", "").replace("widget", "")
            css = WIDGET_CLASSES.get(widget_type, WIDGET_CLASSES.get(_input_type(field.widget), ""))
            if name in self.widths:
                css = css.replace("govuk-input--width-10", "") + " " + self.widths[name]
            if css:
                field.widget.attrs["class"] = " ".join(
                    (field.widget.attrs.get("class", "") + " " + css).split()
                )

    def full_clean(self) -> None:
        for name, field in self.fields.items():  # fields a form added after __init__ read input the same way
            _upgrade(name, field)
        super().full_clean()  # type: ignore[misc]
        move_version_error(self)  # a missing or altered version: "reload the page", shown on top
        expect_version(self)  # rule EDIT-NO-LOST-UPDATE: the record's save() claims the version seen
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


class ServiceValidatesMixin:
    """The services validate the record; the form only reads the input (the record is left untouched).

    Each number field takes its model field's minimum and maximum, so a value out of range gets the form's
    own message for the field (``min_value``/``max_value``) rather than a generic one from the model."""

    fields: dict[str, forms.Field]
    _meta: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.ChoiceField):
                continue
            try:
                model_field = self._meta.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            for validator in model_field.validators:
                if (
                    isinstance(validator, MinValueValidator | MaxValueValidator)
                    and validator not in field.validators
                ):
                    field.validators.append(validator)

    def _post_clean(self) -> None:
        pass
