"""Forms for market testing. Each field says exactly what is wrong; rules spanning fields or records (a
duplicate name, the quotes) are the services', whose messages land on the same fields. Model validation is
left to the services (``_post_clean`` does nothing), so a refused form changes nothing."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from forbetter.core.forms import DateInput, GovukFormMixin
from forbetter.value.models import MarketTest, PurchasingCategory

MONEY_HINT = "In pounds. For example, 1,250,000 or £1.25m."


def _number(label: str, *, money: bool = False) -> dict[str, str]:
    name = label[:1].upper() + label[1:]
    kind = "a number of pounds, like 250000" if money else "a number, like 12000"
    return {
        "required": f"Enter the {label}",
        "invalid": f"{name} must be {kind}",
        "min_value": f"{name} cannot be negative",
        "max_digits": f"{name} is too large",
        "max_decimal_places": f"{name} can have at most 2 decimal places",
        "max_whole_digits": f"{name} is too large",
    }


class ServiceValidates:
    def _post_clean(self) -> None:
        pass


class CategoryForm(ServiceValidates, GovukFormMixin, forms.ModelForm):
    widths: ClassVar[dict[str, str]] = {"unit": "govuk-input--width-10"}

    class Meta:
        model = PurchasingCategory
        fields: ClassVar[list[str]] = ["name", "description", "annual_spend_gbp", "unit", "annual_volume"]
        labels: ClassVar[dict[str, str]] = {
            "name": "What the partner buys for the council",
            "description": "Description (optional)",
            "annual_spend_gbp": "Annual spend (£)",
            "unit": "Unit",
            "annual_volume": "Units bought a year",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "name": "For example road surfacing materials, or agency staff.",
            "annual_spend_gbp": MONEY_HINT,
            "unit": "What one unit is: tonne, hour, licence.",
            "annual_volume": "How many units a year; the saving or overpayment a year is the difference in "
            "price per unit times this.",
        }
        widgets: ClassVar[dict[str, Any]] = {"description": forms.Textarea(attrs={"rows": 3})}
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "name": {"required": "Enter what the partner buys, for example road surfacing materials"},
            "annual_spend_gbp": _number("annual spend", money=True),
            "unit": {"required": "Enter the unit it is bought in, for example tonne"},
            "annual_volume": _number("number of units bought a year"),
        }


class MarketTestForm(ServiceValidates, GovukFormMixin, forms.ModelForm):
    quotes = forms.CharField(
        label="Quotes",
        help_text="One a line: the supplier, a colon and the price per unit. For example: Tarmac: 52.40",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10_000,
        error_messages={"required": "Give at least one quote, one a line, like Tarmac: 52.40"},
    )

    class Meta:
        model = MarketTest
        fields: ClassVar[list[str]] = ["tested_on", "method", "partner_price_gbp", "comparator", "findings"]
        labels: ClassVar[dict[str, str]] = {
            "tested_on": "Date of the test",
            "method": "How the market was tested",
            "partner_price_gbp": "The partner's price per unit (£)",
            "comparator": "Compare the partner's price with",
            "findings": "Findings (optional)",
        }
        help_texts: ClassVar[dict[str, str]] = {
            "partner_price_gbp": "What the partner charges the council for one unit, for example 55.20.",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "tested_on": DateInput(),
            "method": forms.RadioSelect,
            "comparator": forms.RadioSelect,
            "findings": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "tested_on": {"required": "Enter the date of the market test"},
            "method": {"required": "Choose how the market was tested"},
            "partner_price_gbp": {
                **_number("partner's price per unit", money=True),
                "max_decimal_places": "The partner's price per unit can have at most 4 decimal places",
            },
            "comparator": {"required": "Choose whether to compare with the lowest or the median quote"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["quotes"] = "\n".join(
                f"{quote.supplier}: {quote.price_gbp.normalize():f}" for quote in self.instance.quotes.all()
            )
