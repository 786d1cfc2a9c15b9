"""Forms of the procurement area's incentives part. The bidder mechanism form reads its terms with the
contract mechanism form's labels and messages (``forbetter.payments.forms.MechanismForm``), and its points
bands with the same band rows (``BandFormSet``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django import forms

from forbetter.appraisal.forms import parse_yearly_amounts
from forbetter.core.forms import GovukFormMixin, NumberError, parse_number, split_amounts
from forbetter.partnerships.models import Partnership
from forbetter.payments.forms import MechanismForm
from forbetter.procurement.models import (
    Bidder,
    BidderMechanism,
    DialogueRound,
    PricedOffer,
    ScenarioKind,
)

_MECHANISM_TERMS = ("monthly_charge_gbp", "indexed_share", "points_threshold", "point_value_gbp", "cap")


class PricedOfferForm(GovukFormMixin, forms.ModelForm):
    widths: ClassVar[dict[str, str]] = {"contract_years": "govuk-input--width-3"}
    charges = forms.CharField(
        label="Yearly charges (£)",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The charge the bidder priced for each contract year from year 0, separated by a comma and "
        "a space, a semicolon or a new line; or one amount if it is the same every year. For example: "
        "16,100,000, 16,000,000, 15,900,000.",
        error_messages={"required": "Enter the bidder's yearly charges"},
    )

    class Meta:
        model = PricedOffer
        fields: ClassVar[list[str]] = [
            "bidder",
            "round",
            "contract_years",
            "prices",
            "one_off_costs_gbp",
            "notes",
        ]
        labels: ClassVar[dict[str, str]] = {
            "contract_years": "Contract length priced (years)",
            "prices": "The prices are",
        }
        widgets: ClassVar[dict[str, Any]] = {"prices": forms.RadioSelect}
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "bidder": {
                "required": "Select the bidder",
                "invalid_choice": "Select a bidder of this partnership",
            },
            "round": {"required": "Select the round", "invalid_choice": "Select a round of this partnership"},
            "contract_years": {
                "required": "Enter the contract length the bidder priced, in years",
                "invalid": "Enter the contract length as a whole number of years",
                "min_value": "The contract length is at least 1 year",
                "max_value": "The contract length is at most 50 years",
            },
            "prices": {"required": "Select whether the prices are real or nominal"},
            "one_off_costs_gbp": {
                "invalid": "Enter the one-off costs in pounds, for example 1,200,000",
                "min_value": "One-off costs cannot be negative",
            },
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bidder"].queryset = Bidder.objects.filter(partnership=partnership)  # type: ignore[attr-defined]
        self.fields["round"].queryset = DialogueRound.objects.filter(partnership=partnership)  # type: ignore[attr-defined]
        self.fields["one_off_costs_gbp"].required = False
        if self.instance.pk is not None and not self.is_bound:
            self.initial["charges"] = ", ".join(f"{row.charge_gbp:,.2f}" for row in self.instance.years.all())

    def clean_one_off_costs_gbp(self) -> Decimal:
        return self.cleaned_data.get("one_off_costs_gbp") or Decimal(0)

    def clean_charges(self) -> list[Decimal]:
        return parse_yearly_amounts(self.cleaned_data.get("charges", ""))

    def validate_unique(self) -> None:
        """The service says which offer already has this length, in words; nothing to check here."""


class OfferToBusinessCaseForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why this bid is being priced into the business case",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="For example: round 2 detailed solutions received; re-appraise value for money against the "
        "public sector comparator.",
        error_messages={"required": "Enter why this bid is being priced into the business case"},
    )


class BidderMechanismForm(GovukFormMixin, forms.ModelForm):
    widths: ClassVar[dict[str, str]] = {
        name: MechanismForm.widths[name] for name in _MECHANISM_TERMS if name in MechanismForm.widths
    }

    class Meta:
        model = BidderMechanism
        fields: ClassVar[list[str]] = ["bidder", "pricing_type", *_MECHANISM_TERMS, "notes"]
        labels: ClassVar[dict[str, str]] = {
            "pricing_type": "How the bidder proposes to price the services",
            **{name: MechanismForm.Meta.labels[name] for name in _MECHANISM_TERMS},
        }
        help_texts: ClassVar[dict[str, str]] = {
            "indexed_share": "The share of the charge the bidder would uprate by an index, as a fraction: "
            "0.3 "
            "for 30%. The simulation is in the prices bid, before indexation.",
            "cap": "The most that can be deducted in a month, as a fraction of the month's charge: 0.1 for "
            "10%. Leave blank for no cap.",
        }
        widgets: ClassVar[dict[str, Any]] = {"pricing_type": forms.RadioSelect}
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "bidder": {
                "required": "Select the bidder",
                "invalid_choice": "Select a bidder of this partnership",
            },
            "pricing_type": {"required": "Select how the bidder proposes to price the services"},
            **{name: MechanismForm.Meta.error_messages[name] for name in _MECHANISM_TERMS},
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            del self.fields["bidder"]
        else:
            bidders = Bidder.objects.filter(partnership=partnership, mechanism__isnull=True)
            self.fields["bidder"].queryset = bidders  # type: ignore[attr-defined]

    def validate_unique(self) -> None:
        """The service says which bidder already has a mechanism, in words."""


def _points(text: str, label: str) -> list[int] | None:
    if not text.strip():
        return None
    points = []
    for month, item in enumerate(split_amounts(text), 1):
        try:
            number = parse_number(item)
        except NumberError as error:
            raise forms.ValidationError(f"{label}, month {month}: {error}") from error
        if number < 0 or number != number.to_integral_value():
            raise forms.ValidationError(f"{label}, month {month}: enter a whole number of points, 0 or more")
        points.append(int(number))
    if len(points) != 12:
        raise forms.ValidationError(
            f"{label}: enter 12 months of points, one for each month; you entered {len(points)}"
        )
    return points


class ScenarioForm(GovukFormMixin, forms.Form):
    """The points of each scenario, given ``version_record=mechanism``; blank keeps the defaults."""

    steady = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    bad_quarter = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    persistent_failure = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, defaults: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in ScenarioKind.choices:
            self.fields[key].label = f"{label}: points in months 1 to 12"
            self.fields[
                key
            ].help_text = (
                f"12 whole numbers separated by commas. Leave blank for the default: {defaults[key]}."
            )

    def _clean_scenario(self, key: str) -> list[int] | None:
        return _points(self.cleaned_data.get(key, ""), str(ScenarioKind(key).label))

    def clean_steady(self) -> list[int] | None:
        return self._clean_scenario("steady")

    def clean_bad_quarter(self) -> list[int] | None:
        return self._clean_scenario("bad_quarter")

    def clean_persistent_failure(self) -> list[int] | None:
        return self._clean_scenario("persistent_failure")
