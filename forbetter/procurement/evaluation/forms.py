"""Forms of the evaluation part. Each field says exactly what is wrong; the rules spanning records are the
services' (:mod:`forbetter.procurement.evaluation.services`), which put their messages on these fields."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator

from forbetter.core.forms import DateInput, GovukFormMixin
from forbetter.partnerships.models import Partnership
from forbetter.procurement.models import (
    Bidder,
    Bundle,
    DialogueRound,
    Evaluation,
    EvaluationCriterion,
    EvaluatorScore,
    Lot,
    LotPrice,
    ModeratedScore,
    ShouldCostSource,
    TenderBid,
)

MONEY_HINT = "Pounds a year. For example, 1,250,000 or £1.25m."


def _money(label: str) -> dict[str, str]:
    return {
        "required": f"Enter the {label}",
        "invalid": f"The {label} must be a number of pounds, like 1250000",
        "min_value": f"The {label} must be more than £0 a year",
        "max_digits": f"The {label} is too large",
        "max_decimal_places": f"The {label} can have at most 2 decimal places (pence)",
    }


def _fraction(label: str, low: str = "0", high: str = "1") -> dict[str, str]:
    message = f"The {label} must be a fraction from {low} to {high}, like 0.4 for 40%"
    # a validator's message is %-formatted with its limit (the digits validator's too), so its literal % is
    # doubled; the "invalid" message is not formatted
    return {
        "required": f"Enter the {label}",
        "invalid": message,
        "min_value": message.replace("%", "%%"),
        "max_value": message.replace("%", "%%"),
        "max_digits": message.replace("%", "%%"),
        "max_whole_digits": message.replace("%", "%%"),
        "max_decimal_places": f"The {label} can have at most 4 decimal places",
    }


class _NoModelClean:
    """The services check the whole record (with messages naming the field); the form checks its fields,
    each against its model field's limits, with the form's own messages (``min_value``, ``max_value``)."""

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


class LotForm(_NoModelClean, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Lot
        fields: ClassVar[list[str]] = ["name", "services"]
        widgets: ClassVar[dict[str, Any]] = {"services": forms.Textarea(attrs={"rows": 3})}
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "name": {"required": "Enter the lot's name"},
            "services": {"required": "Say which services the lot covers"},
        }


class BundleForm(_NoModelClean, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Bundle
        fields: ClassVar[list[str]] = [
            "bidder",
            "name",
            "claimed_synergy_gbp",
            "cross_subsidy_threshold",
            "notes",
        ]
        labels: ClassVar[dict[str, str]] = {
            "name": "Bundle name",
            "claimed_synergy_gbp": "Synergy the bidder claims (optional)",
            "cross_subsidy_threshold": "Cross-subsidy threshold",
        }
        widgets: ClassVar[dict[str, Any]] = {"notes": forms.Textarea(attrs={"rows": 3})}
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "bidder": {"required": "Select the bidder", "invalid_choice": "Select a bidder from the list"},
            "name": {"required": "Enter the bundle's name"},
            "claimed_synergy_gbp": {
                **_money("claimed synergy"),
                "min_value": "The claimed synergy cannot be negative",
            },
            "cross_subsidy_threshold": _fraction("cross-subsidy threshold", "0.01", "0.99"),
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bidder = self.fields["bidder"]
        assert isinstance(bidder, forms.ModelChoiceField)
        bidder.queryset = Bidder.objects.filter(partnership=partnership).order_by("name")
        self.fields["claimed_synergy_gbp"].help_text = "Pounds a year saved over buying the lots separately."


class LotPriceForm(_NoModelClean, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = LotPrice
        fields: ClassVar[list[str]] = ["bidder", "lot", "bundle", "price_gbp"]
        labels: ClassVar[dict[str, str]] = {"price_gbp": "Price a year", "bundle": "Bundle (optional)"}
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "bidder": {"required": "Select the bidder", "invalid_choice": "Select a bidder from the list"},
            "lot": {"required": "Select the lot", "invalid_choice": "Select a lot from the list"},
            "bundle": {"invalid_choice": "Select a bundle from the list"},
            "price_gbp": _money("price"),
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["bidder"].queryset = Bidder.objects.filter(partnership=partnership).order_by("name")
        fields["lot"].queryset = Lot.objects.filter(partnership=partnership).order_by("name")
        fields["bundle"].queryset = Bundle.objects.filter(partnership=partnership).select_related("bidder")
        fields["bundle"].help_text = (
            "Leave empty for the lot's stand-alone price; choose one of the bidder's bundles for its price "
            "inside that bundle."
        )
        fields["bundle"].empty_label = "None: the lot priced alone"
        fields["price_gbp"].help_text = MONEY_HINT


class EvaluationForm(_NoModelClean, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Evaluation
        fields: ClassVar[list[str]] = [
            "name",
            "round",
            "price_weight",
            "price_method",
            "scale_max",
            "spread_threshold",
            "abnormally_low_threshold",
        ]
        labels: ClassVar[dict[str, str]] = {
            "round": "Round (optional)",
            "scale_max": "Highest score on the scale",
        }
        widgets: ClassVar[dict[str, Any]] = {"price_method": forms.RadioSelect}
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "name": {"required": "Enter the evaluation's name"},
            "round": {"invalid_choice": "Select a round from the list"},
            "price_weight": _fraction("price weight"),
            "price_method": {
                "required": "Select the price method",
                "invalid_choice": "Select the price method from the list",
            },
            "scale_max": {
                "required": "Enter the highest score on the scale",
                "invalid": "The highest score must be a whole number, like 4",
                "min_value": "The highest score must be from 1 to 100",
                "max_value": "The highest score must be from 1 to 100",
            },
            "spread_threshold": _fraction("spread threshold"),
            "abnormally_low_threshold": _fraction("abnormally low threshold", "0.01", "1"),
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        round_ = self.fields["round"]
        assert isinstance(round_, forms.ModelChoiceField)
        round_.queryset = DialogueRound.objects.filter(partnership=partnership).order_by("number")
        for name in ("price_weight", "spread_threshold", "abnormally_low_threshold"):
            field = self.fields[name]
            assert isinstance(field, forms.DecimalField)
            field.min_value = None  # the messages above say the range; the validators keep it
            field.max_value = None


class ShouldCostForm(GovukFormMixin, forms.Form):
    """Where the should-cost comes from: typed in with its source, or the business case's figure."""

    source = forms.ChoiceField(
        label="Where the should-cost comes from",
        choices=[
            (ShouldCostSource.TYPED, "Type it in"),
            (ShouldCostSource.BUSINESS_CASE, "Take it from the business case"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select where the should-cost comes from"},
    )
    should_cost_gbp = forms.DecimalField(
        label="Should-cost a year",
        required=False,
        max_digits=14,
        decimal_places=2,
        help_text=MONEY_HINT + " Only when typed in.",
        error_messages=_money("should-cost"),
    )
    basis = forms.CharField(
        label="Where it comes from",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the cost model's name and date. Only when typed in.",
    )


class CriterionForm(_NoModelClean, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = EvaluationCriterion
        fields: ClassVar[list[str]] = ["name", "weight", "description"]
        labels: ClassVar[dict[str, str]] = {"weight": "Weight within quality"}
        widgets: ClassVar[dict[str, Any]] = {"description": forms.Textarea(attrs={"rows": 3})}
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "name": {"required": "Enter the criterion's name"},
            "weight": _fraction("weight", "0.0001", "1"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        weight = self.fields["weight"]
        assert isinstance(weight, forms.DecimalField)
        weight.min_value = weight.max_value = None


class TenderBidForm(_NoModelClean, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = TenderBid
        fields: ClassVar[list[str]] = ["bidder", "price_gbp", "received_on"]
        labels: ClassVar[dict[str, str]] = {"price_gbp": "Price a year", "received_on": "Received on"}
        widgets: ClassVar[dict[str, Any]] = {"received_on": DateInput()}
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "bidder": {"required": "Select the bidder", "invalid_choice": "Select a bidder from the list"},
            "price_gbp": _money("bid's price"),
            "received_on": {"required": "Enter the date the bid was received"},
        }

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["bidder"].queryset = Bidder.objects.filter(partnership=partnership).order_by("name")
        fields["price_gbp"].help_text = MONEY_HINT
        fields["price_gbp"].min_value = None  # the service's message says it: more than £0


def _score_field(form: forms.ModelForm, scale_max: int) -> None:
    score = form.fields["score"]
    assert isinstance(score, forms.DecimalField)
    score.min_value = score.max_value = None
    score.help_text = f"From 0 to {scale_max}."
    score.error_messages["required"] = f"Enter a score from 0 to {scale_max}"
    score.error_messages["invalid"] = f"Enter a score from 0 to {scale_max}, like 3 or 2.5"
    score.error_messages["max_decimal_places"] = "A score can have at most 2 decimal places"
    score.error_messages["max_digits"] = f"Enter a score from 0 to {scale_max} (the scale)"
    score.error_messages["min_value"] = score.error_messages["max_value"] = (
        f"Enter a score from 0 to {scale_max} (the scale)"
    )
    score.validators.append(MaxValueValidator(scale_max))


class ScoreForm(_NoModelClean, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = EvaluatorScore
        fields: ClassVar[list[str]] = ["score", "comment"]
        labels: ClassVar[dict[str, str]] = {"score": "Your score", "comment": "Your comment (optional)"}
        widgets: ClassVar[dict[str, Any]] = {"comment": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, scale_max: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _score_field(self, scale_max)


class ModerationForm(_NoModelClean, GovukFormMixin, forms.ModelForm):
    class Meta:
        model = ModeratedScore
        fields: ClassVar[list[str]] = ["score", "reason"]
        labels: ClassVar[dict[str, str]] = {"score": "Moderated score", "reason": "Reason"}
        widgets: ClassVar[dict[str, Any]] = {"reason": forms.Textarea(attrs={"rows": 4})}
        error_messages: ClassVar[dict[str, dict[str, str]]] = {
            "reason": {"required": "Give the reason for the moderated score"},
        }

    def __init__(self, *args: Any, scale_max: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _score_field(self, scale_max)
        self.fields[
            "reason"
        ].help_text = "Why the agreed score differs from, or confirms, the evaluators' scores."
