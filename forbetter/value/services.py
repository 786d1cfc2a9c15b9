"""Writes to the market-testing records. Keyword-only, one transaction each, council editors only, history
recorded. Bad input is refused with a ``ValidationError`` keyed by field, and nothing is saved.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from forbetter.accounts.permissions import can_edit
from forbetter.calc import market_testing as calc
from forbetter.calc.errors import InputError
from forbetter.core.forms import check_date
from forbetter.core.history import save_as
from forbetter.partnerships.models import Partnership
from forbetter.value.models import MarketQuote, MarketTest, PurchasingCategory

CATEGORY_FIELDS = ("name", "description", "annual_spend_gbp", "unit", "annual_volume")
TEST_FIELDS = ("tested_on", "method", "partner_price_gbp", "comparator", "findings")


def _require_editor(user: Any) -> None:
    if not can_edit(user):
        raise PermissionDenied("Only council editors and administrators can change market tests")


def _assign(record: Any, data: dict[str, Any], fields: tuple[str, ...]) -> None:
    for key in fields:
        if key in data:
            setattr(record, key, data[key])


@transaction.atomic
def category_save(
    *,
    user: Any,
    partnership: Partnership,
    data: dict[str, Any],
    category: PurchasingCategory | None = None,
) -> PurchasingCategory:
    """Add or change a purchasing category: a name unique in the partnership, a positive spend and volume."""
    _require_editor(user)
    creating = category is None
    category = category or PurchasingCategory(partnership=partnership)
    _assign(category, data, CATEGORY_FIELDS)
    errors: dict[str, str] = {}
    if not (category.name or "").strip():
        errors["name"] = "Enter what the partner buys, for example road surfacing materials"
    elif (
        PurchasingCategory.objects.filter(partnership=partnership, name__iexact=category.name.strip())
        .exclude(pk=category.pk)
        .exists()
    ):
        errors["name"] = f"There is already a purchasing category called “{category.name.strip()}”"
    if category.annual_spend_gbp is None:
        errors["annual_spend_gbp"] = "Enter what the council pays for it a year"
    elif category.annual_spend_gbp <= 0:
        errors["annual_spend_gbp"] = "The annual spend must be more than £0"
    if not (category.unit or "").strip():
        errors["unit"] = "Enter the unit it is bought in, for example tonne"
    if category.annual_volume is None:
        errors["annual_volume"] = "Enter how many units are bought a year"
    elif category.annual_volume <= 0:
        errors["annual_volume"] = "The annual volume must be more than 0"
    if errors:
        raise ValidationError(errors)
    category.name = category.name.strip()
    category.unit = category.unit.strip()
    category.full_clean()
    save_as(category, user, "Created" if creating else "")
    return category


def _quotes(data: dict[str, Any]) -> list[calc.Quote]:
    raw = data.get("quotes")
    if isinstance(raw, str) and raw.strip():
        try:
            return calc.parse_quotes(raw)
        except InputError as error:
            raise ValidationError({"quotes": f"Quotes: {error.message}"}) from None
    if not raw:
        raise ValidationError({"quotes": "Give at least one quote, one a line, like Tarmac: 52.40"})
    return [calc.Quote(str(supplier), Decimal(price)) for supplier, price in raw]


@transaction.atomic
def market_test_save(
    *,
    user: Any,
    category: PurchasingCategory,
    data: dict[str, Any],
    test: MarketTest | None = None,
) -> MarketTest:
    """Record or change a market test and its quotes (``data["quotes"]``: text, one "supplier: price" a line,
    or a list of (supplier, price)). The quotes replace any recorded before."""
    _require_editor(user)
    creating = test is None
    test = test or MarketTest(category=category)
    _assign(test, data, TEST_FIELDS)
    errors: dict[str, Any] = {}
    if test.tested_on is None:
        errors["tested_on"] = "Enter the date of the market test"
    else:
        try:
            check_date(test.tested_on, label="the date of the test", not_in_future=True)
        except ValidationError as error:
            errors["tested_on"] = error.messages
    if not test.method:
        errors["method"] = "Choose how the market was tested"
    if test.partner_price_gbp is None:
        errors["partner_price_gbp"] = "Enter the partner's price per unit"
    elif test.partner_price_gbp <= 0:
        errors["partner_price_gbp"] = "The partner's price must be more than £0"
    if not test.comparator:
        errors["comparator"] = "Choose whether to compare with the lowest or the median quote"
    try:
        quotes = _quotes(data)
    except ValidationError as error:
        errors.update(error.message_dict)
        quotes = []
    if errors:
        raise ValidationError(errors)
    test.full_clean()
    save_as(test, user, "Market test recorded" if creating else "")
    if not creating:
        for old in test.quotes.all():
            old._history_user = user  # type: ignore[attr-defined]
            old._change_reason = "Quotes replaced"  # type: ignore[attr-defined]
            old.delete()
    for quote in quotes:
        row = MarketQuote(test=test, supplier=quote.supplier, price_gbp=quote.price_gbp)
        row.full_clean()
        save_as(row, user, "Quote recorded")
    return test
