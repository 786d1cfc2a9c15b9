"""Forms for business cases, versions, options, cash-flow lines and service baselines.

Each says exactly what is wrong, naming the year for a list of yearly values; services enforce the rules
that span records (unique names, matching lengths, frozen versions).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, ClassVar

from django import forms

from forbetter.appraisal.models import (
    MAX_OPTION_YEARS,
    AppraisalOption,
    BaselineMeasure,
    DiscountSchedule,
    LineCategory,
    OptionKind,
    PriceBase,
    RiskBearer,
    RiskPercentile,
    ServiceBaseline,
    optimism_bias_choices,
)
from forbetter.core.forms import (
    DateInput,
    GovukFormMixin,
    MoneyField,
    NumberError,
    check_date,
    parse_number,
    split_amounts,
)
from forbetter.partnerships.models import Partnership

SEPARATORS = re.compile(r"[,;\n]")
RATE_AS_FRACTION = "Enter the rate as a fraction, like 0.035 for 3.5%"
MONEY_LIMIT = Decimal("999999999999.99")


def _number(text: str, *, money: bool = True) -> Decimal | None:
    try:
        return parse_number(text, money=money)
    except NumberError:
        return None


def parse_yearly_amounts(text: str, *, first_year: int = 0) -> list[Decimal]:
    """Pounds for years first_year, first_year + 1, ... from 'a, b, c' (commas, semicolons or new lines).

    Raises a ValidationError naming the year at fault.
    """
    if not text.strip():
        return []
    amounts = []
    for offset, item in enumerate(split_amounts(text)):
        year = first_year + offset
        if not item.strip():
            raise forms.ValidationError(f"Year {year}: enter an amount (there is nothing between two commas)")
        try:
            number = parse_number(item, money=True)
        except NumberError as error:
            detail = str(error) if error.specific else f"“{item.strip()}” is not an amount in pounds"
            raise forms.ValidationError(
                f"Year {year}: {detail}; separate years with a comma and a space, like 1,250,000, 1,300,000"
            ) from error
        if number < 0:
            raise forms.ValidationError(f"Year {year}: the amount cannot be negative")
        if number > MONEY_LIMIT:
            raise forms.ValidationError(f"Year {year}: the amount is too large")
        if -number.as_tuple().exponent > 2:  # type: ignore[operator]
            raise forms.ValidationError(f"Year {year}: use at most 2 decimal places (pence)")
        amounts.append(number)
    return amounts


def parse_deflator(text: str) -> list[Decimal]:
    """One GDP deflator rate, or one per year from year 1, as fractions between -0.5 and 1."""
    if not text.strip():
        return []
    items = split_amounts(text)
    rates = []
    for year, item in enumerate(items, start=1):
        where = "The deflator rate" if len(items) == 1 else f"Year {year}"
        rate = _number(item, money=False)
        if rate is None:
            raise forms.ValidationError(
                f"{where}: “{item.strip()}” is not a number; enter the rate as a fraction, like 0.02 for 2%"
            )
        if rate > 1:
            raise forms.ValidationError(
                f"{where}: enter the rate as a fraction, like 0.02 for 2%, not {rate}"
            )
        if rate < Decimal("-0.5"):
            raise forms.ValidationError(f"{where}: a fall in prices of more than 50% a year is not plausible")
        if -rate.as_tuple().exponent > 4:  # type: ignore[operator]
            raise forms.ValidationError(f"{where}: use at most 4 decimal places, like 0.0213")
        rates.append(rate)
    return rates


def _rate_field(label: str, help_text: str, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        required=required,
        min_value=0,
        max_value=1,
        max_digits=5,
        decimal_places=4,
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": RATE_AS_FRACTION,
            # Messages of validators with parameters are %-formatted, so a literal % is written %%.
            "max_value": RATE_AS_FRACTION.replace("%", "%%"),
            "min_value": f"The {label.lower()} cannot be negative",
            "max_decimal_places": "Use at most 4 decimal places, like 0.0350",
            "max_digits": RATE_AS_FRACTION.replace("%", "%%"),
            "max_whole_digits": RATE_AS_FRACTION.replace("%", "%%"),
        },
    )


def _money_field(label: str, help_text: str = "") -> forms.DecimalField:
    return MoneyField(
        label=label,
        help_text=help_text or "In pounds. For example, 1,250,000 or £1.25m.",
        min_value=0,
        max_digits=14,
        decimal_places=2,
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"The {label.lower()} must be an amount in pounds, like 1250000",
            "min_value": f"The {label.lower()} cannot be negative",
            "max_digits": f"The {label.lower()} is too large",
            "max_whole_digits": f"The {label.lower()} is too large",
            "max_decimal_places": "Use at most 2 decimal places (pence)",
        },
    )


class BusinessCaseForm(GovukFormMixin, forms.Form):
    title = forms.CharField(
        max_length=200,
        help_text="For example, 'Corporate services options appraisal'. Version 1 is created as a draft.",
        error_messages={"required": "Enter a title for the business case"},
    )


class VersionSettingsForm(GovukFormMixin, forms.Form):
    widths: ClassVar[dict[str, str]] = {
        "price_base_year": "govuk-input--width-4",
        "discount_rate": "govuk-input--width-5",
    }

    change_note = forms.CharField(
        label="What this version changes, and why",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example, 'Bundle changed: customer services removed at soft market testing'.",
    )
    price_base_year = forms.IntegerField(
        label="Year 0 starts in",
        help_text="The calendar year in which year 0, the price base year, begins: 2026 means 2026/27. "
        "Real prices are this year's prices.",
        min_value=1990,
        max_value=2100,
        error_messages={
            "required": "Enter the year in which year 0 begins, like 2026",
            "invalid": "Enter the year in which year 0 begins as four digits, like 2026",
            "min_value": "Enter a year from 1990 to 2100",
            "max_value": "Enter a year from 1990 to 2100",
        },
    )
    discount_schedule = forms.ChoiceField(
        label="Discount rate",
        choices=DiscountSchedule.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how to discount"},
    )
    discount_rate = _rate_field(
        "Flat discount rate", "Only for a flat rate. As a fraction: 0.035 for 3.5%.", required=False
    )
    deflator = forms.CharField(
        label="GDP deflator growth",
        required=False,
        help_text="Needed only for lines in nominal (cash) prices. One rate for every year, like 0.02, or "
        "one rate per year from year 1 separated by commas, like 0.025, 0.021, 0.02.",
    )
    budget_prices = forms.ChoiceField(
        label="The budget envelope is in",
        choices=PriceBase.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the budget envelope's price base"},
    )
    budget = forms.CharField(
        label="Budget envelope, year by year",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the council can afford to spend on these services each year, in pounds, from year 0, "
        "separated by a comma and a space, a semicolon or a new line. "
        "For example: 24,000,000, 24,500,000, 25,000,000.",
    )

    def clean_deflator(self) -> list[Decimal]:
        return parse_deflator(self.cleaned_data.get("deflator", ""))

    def clean_budget(self) -> list[Decimal]:
        return parse_yearly_amounts(self.cleaned_data.get("budget", ""))

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        flat = data.get("discount_schedule") == DiscountSchedule.FLAT
        if flat and data.get("discount_rate") is None and "discount_rate" not in self.errors:
            self.add_error("discount_rate", "Enter the flat discount rate, like 0.035")
        return data


class RiskSettingsForm(GovukFormMixin, forms.Form):
    widths: ClassVar[dict[str, str]] = {
        "risk_iterations": "govuk-input--width-10",
        "risk_seed": "govuk-input--width-10",
    }

    include_register_risks = forms.TypedChoiceField(
        label="Include the risk register's quantified risks?",
        choices=[
            ("yes", "Yes: each option adds the expected value of the risks it retains"),
            ("no", "No: the options' cost lines already price the risks"),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to include the register's risks"},
    )
    risk_percentile = forms.TypedChoiceField(
        label="P-value shown beside each option's risk adjustment",
        choices=RiskPercentile.choices,
        coerce=int,
        widget=forms.RadioSelect,
        help_text="A sensitivity only: it is shown beside the expected value and is not added to the net "
        "present cost.",
        error_messages={"required": "Select the P-value to show"},
    )
    risk_iterations = forms.IntegerField(
        label="Iterations of the simulation",
        min_value=1_000,
        max_value=200_000,
        error_messages={
            "required": "Enter the number of iterations",
            "invalid": "Enter a whole number of iterations, like 20000",
            "min_value": "Use at least 1,000 iterations",
            "max_value": "Use at most 200,000 iterations",
        },
    )
    risk_seed = forms.IntegerField(
        label="Seed",
        min_value=0,
        max_value=2**63 - 1,
        help_text="The same seed and register give the same P-value again.",
        error_messages={
            "required": "Enter a seed",
            "invalid": "The seed must be a whole number, like 7",
            "min_value": "The seed cannot be negative",
            "max_value": "The seed is too large",
        },
    )
    risk_note = forms.CharField(
        label="Where these settings come from (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Keep the note to 2,000 characters or fewer"},
    )


class OptionRiskShareForm(GovukFormMixin, forms.Form):
    """Who bears one risk, or every risk of a category, under one option."""

    widths: ClassVar[dict[str, str]] = {
        "council_share": "govuk-input--width-5",
        "first_year": "govuk-input--width-3",
        "last_year": "govuk-input--width-3",
    }

    target = forms.ChoiceField(
        label="Risk or category",
        error_messages={
            "required": "Select a risk or a category",
            "invalid_choice": "Select a risk or a category",
        },
    )
    council_share = _rate_field(
        "Share the council keeps",
        "As a fraction: 1 if the council keeps all of it, 0 if the partner takes it all.",
    )
    first_year = forms.IntegerField(
        label="First year it may fall in (optional)",
        required=False,
        min_value=0,
        error_messages={"invalid": "Enter a year number, like 0", "min_value": "Years start at 0"},
    )
    last_year = forms.IntegerField(
        label="Last year it may fall in (optional)",
        required=False,
        min_value=0,
        help_text="Leave both years empty to spread the risk evenly over the option's years.",
        error_messages={"invalid": "Enter a year number, like 3", "min_value": "Years start at 0"},
    )
    reason = forms.CharField(
        label="Why does this option differ from its default?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Say why this risk is borne differently under this option",
            "max_length": "Keep the reason to 2,000 characters or fewer",
        },
    )

    def __init__(self, *args: Any, targets: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target = self.fields["target"]
        assert isinstance(target, forms.ChoiceField)
        target.choices = targets

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        first, last = data.get("first_year"), data.get("last_year")
        if (first is None) != (last is None) and not self.errors:
            self.add_error("last_year", "Enter both the first and the last year, or neither")
        elif first is not None and last is not None and first > last:
            self.add_error("last_year", "The last year cannot be before the first year")
        return data


class OptionRemoveForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why are you removing this option?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why the option is being removed",
            "max_length": "Keep the reason to 2,000 characters or fewer",
        },
    )


class FreezeForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why are you freezing this version?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, 'Outline business case approved by Cabinet' or 'Bundle changed at dialogue "
        "round 2'.",
        error_messages={"required": "Enter why this version is being frozen"},
    )


class OptionForm(GovukFormMixin, forms.ModelForm):
    widths: ClassVar[dict[str, str]] = {"years": "govuk-input--width-3"}

    change_reason = forms.CharField(
        label="Why are you changing it?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded in the version's history with the change.",
        error_messages={"max_length": "Keep the reason to 2,000 characters or fewer"},
    )

    class Meta:
        model = AppraisalOption
        fields: ClassVar[list[str]] = [
            "name",
            "kind",
            "description",
            "years",
            "risk_bearer",
            "optimism_bias_category",
        ]
        labels: ClassVar[dict[str, str]] = {
            "name": "Option name",
            "kind": "What kind of option is it?",
            "years": "Years appraised",
            "risk_bearer": "Who bears the risk register's risks under this option?",
            "optimism_bias_category": "Optimism bias project type",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "years": f"Years 0 to n − 1; at most {MAX_OPTION_YEARS}.",
            "risk_bearer": "You can then say, risk by risk or category by category, where this option "
            "differs.",
            "optimism_bias_category": "The Green Book upper bound for this type is applied to the lines you "
            "mark, less the mitigation you record.",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "kind": forms.RadioSelect,
            "risk_bearer": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "name": {"required": "Enter the option's name"},
            "kind": {"required": "Select what kind of option it is"},
            "years": {
                "required": "Enter the number of years to appraise",
                "invalid": "Years must be a whole number, like 10",
                "min_value": "Years must be at least 1",
                "max_value": f"Years must be {MAX_OPTION_YEARS} or fewer",
            },
            "risk_bearer": {"required": "Select who bears the register's risks under this option"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = self.fields["optimism_bias_category"]
        assert isinstance(category, forms.ChoiceField)
        category.choices = [("", "No optimism bias"), *optimism_bias_choices()]
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = OptionKind.choices
        bearer = self.fields["risk_bearer"]
        assert isinstance(bearer, forms.ChoiceField)
        bearer.choices = RiskBearer.choices
        if self.instance.pk is not None:
            self.fields["change_reason"].required = True
            self.fields["change_reason"].error_messages["required"] = "Say why you are changing the option"


class LineForm(GovukFormMixin, forms.Form):
    label = forms.CharField(max_length=100, error_messages={"required": "Enter a label for the line"})
    category = forms.ChoiceField(
        choices=[("", "Choose a category"), *LineCategory.choices],
        help_text="Benefits lines are counted as benefits; every other category is a cost.",
        error_messages={"required": "Select the line's category"},
    )
    prices = forms.ChoiceField(
        choices=PriceBase.choices,
        widget=forms.RadioSelect,
        label="Prices",
        error_messages={"required": "Select whether the values are in real or nominal prices"},
    )
    optimism_bias_applies = forms.BooleanField(label="Apply optimism bias to this line", required=False)
    values = forms.CharField(
        label="Values",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the values, one for each year"},
    )

    def __init__(self, *args: Any, years: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.years = years
        self.fields["values"].label = f"Values for years 0 to {years - 1}"
        self.fields["values"].help_text = (
            f"{years} amounts in pounds, one a year from year 0, separated by a comma and a space, a "
            "semicolon or a new line. For example: 1,250,000, 1,300,000."
        )

    def clean_values(self) -> list[Decimal]:
        values = parse_yearly_amounts(self.cleaned_data.get("values", ""))
        if len(values) != self.years:
            raise forms.ValidationError(
                f"Enter {self.years} values, one for each year from year 0 to year {self.years - 1}; "
                f"you entered {len(values)}"
            )
        return values

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("optimism_bias_applies") and data.get("category") == LineCategory.BENEFITS:
            self.add_error(
                "optimism_bias_applies", "Optimism bias applies to costs only: untick it for a benefits line"
            )
        return data


class ContributionForm(GovukFormMixin, forms.Form):
    widths: ClassVar[dict[str, str]] = {
        "contribution": "govuk-input--width-5",
        "mitigation": "govuk-input--width-5",
    }

    factor = forms.CharField(
        label="Contributory factor",
        max_length=200,
        help_text="For example, 'Complexity of contract structure' or 'Poor contractor capabilities'.",
        error_messages={"required": "Enter the contributory factor"},
    )
    contribution = _rate_field(
        "Contribution", "This factor's share of the upper bound, as a fraction: 0.3 for 30%."
    )
    mitigation = _rate_field(
        "Mitigation", "How much of this factor has been mitigated, as a fraction: 0.5 for half."
    )


class BaselineForm(GovukFormMixin, forms.ModelForm):
    widths: ClassVar[dict[str, str]] = {"annual_cost_gbp": "govuk-input--width-10"}

    class Meta:
        model = ServiceBaseline
        fields: ClassVar[list[str]] = ["service", "annual_cost_gbp", "cost_source", "cost_as_at", "notes"]
        labels: ClassVar[dict[str, str]] = {
            "annual_cost_gbp": "Current annual cost",
            "cost_source": "Where the cost comes from",
            "cost_as_at": "Date of the figure",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "annual_cost_gbp": "The full cost of running the service today, in pounds.",
            "cost_source": "For example, '2025/26 revenue outturn, cost centre analysis'.",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "cost_as_at": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "service": {"required": "Select the service"},
            "annual_cost_gbp": {
                "required": "Enter the current annual cost",
                "invalid": "The annual cost must be an amount in pounds, like 1250000",
                "min_value": "The annual cost cannot be negative",
                "max_digits": "The annual cost is too large",
                "max_whole_digits": "The annual cost is too large",
                "max_decimal_places": "Use at most 2 decimal places (pence)",
            },
            "cost_source": {"required": "Say where the cost comes from"},
            "cost_as_at": {
                "required": "Enter the date of the figure",
                "invalid": "The date must be a real date",
            },
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        service = self.fields["service"]
        assert isinstance(service, forms.ModelChoiceField)
        service.queryset = partnership.services.all()
        service.empty_label = "Choose a service in scope"

    def clean_cost_as_at(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("cost_as_at")
        if value and value > dt.date.today():
            raise forms.ValidationError("The date of the figure must be today or in the past")
        return value


class MeasureForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = BaselineMeasure
        fields: ClassVar[list[str]] = ["kind", "name", "value", "unit", "source", "as_at"]
        labels: ClassVar[dict[str, str]] = {
            "kind": "Type of measure",
            "name": "Measure",
            "as_at": "Date of the figure",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "name": "For example, 'Invoices paid', 'Cost per payslip', 'Calls answered within 60 seconds'.",
            "value": "For example, 182,000 or 94.5.",
        }
        widgets: ClassVar[dict[str, Any]] = {"kind": forms.RadioSelect, "as_at": DateInput()}
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "kind": {"required": "Select the type of measure"},
            "name": {"required": "Enter the measure's name"},
            "value": {
                "required": "Enter the value",
                "invalid": "The value must be a number, like 182000 or 94.5",
                "max_digits": "The value is too large",
                "max_whole_digits": "The value is too large",
                "max_decimal_places": "Use at most 4 decimal places",
            },
            "unit": {"required": "Enter the unit, like 'calls a year' or '%'"},
            "source": {"required": "Say where the figure comes from"},
            "as_at": {"required": "Enter the date of the figure", "invalid": "The date must be a real date"},
        }

    def clean_value(self) -> Decimal | None:
        value: Decimal | None = self.cleaned_data.get("value")
        if value is not None and value < 0:
            raise forms.ValidationError("The value cannot be negative")
        return value

    def clean_as_at(self) -> dt.date | None:
        """Rule INPUT-DATE-PLAUSIBLE: a measured figure's date is not in the future."""
        value: dt.date | None = self.cleaned_data.get("as_at")
        check_date(value, label="the date of the figure", not_in_future=True)
        return value


class ResultsForm(GovukFormMixin, forms.Form):
    """Which option the affordability and contract-length sections look at, and which lengths."""

    option = forms.TypedChoiceField(label="Option", coerce=int, required=False)
    lengths = forms.CharField(
        label="Contract lengths to compare, in years",
        required=False,
        help_text="Whole numbers separated by commas, like 7, 10, 12, 15.",
    )

    def __init__(self, *args: Any, options: list[AppraisalOption], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        option = self.fields["option"]
        assert isinstance(option, forms.ChoiceField)
        option.choices = [(o.pk, o.name) for o in options]

    def clean_lengths(self) -> list[int]:
        text = self.cleaned_data.get("lengths", "")
        if not text.strip():
            return []
        lengths = []
        for item in SEPARATORS.split(text.strip().rstrip(",;")):
            if not item.strip().isdigit() or not 1 <= int(item) <= MAX_OPTION_YEARS:
                raise forms.ValidationError(
                    f"“{item.strip()}” is not a contract length: enter whole numbers of years from 1 to "
                    f"{MAX_OPTION_YEARS} separated by commas, like 7, 10, 12, 15"
                )
            lengths.append(int(item))
        return sorted(set(lengths))


class CompareForm(GovukFormMixin, forms.Form):
    a = forms.TypedChoiceField(label="Compare version", coerce=int)
    b = forms.TypedChoiceField(label="with version", coerce=int)
    only_differences = forms.BooleanField(label="Show only what differs", required=False)

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("a", "b"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices
            field.error_messages["required"] = "Select a version"
            field.error_messages["invalid_choice"] = "Select a version of this business case"
