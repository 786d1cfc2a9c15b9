"""The value-for-money area: the business case against the actuals over the partnership's life, and market
tests of what the partner buys on the council's behalf. Confidential to the council (the business case is;
market tests judge the partner's prices). Declared once for navigation, evidence, the demo and the permission
matrix (see :mod:`forbetter.core.areas`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from forbetter.accounts.permissions import can_see_confidential
from forbetter.core.areas import Area, Section, Who, first_pk, form, page
from forbetter.partnerships.models import Partnership
from forbetter.value import pack, services
from forbetter.value.evidence_providers import market_tests
from forbetter.value.models import MarketTest, PurchasingCategory

COUNCIL = Who.COUNCIL


def _category(partnership: Partnership) -> dict[str, int]:
    categories = PurchasingCategory.objects.filter(partnership=partnership)
    return {"category_pk": first_pk(categories, "purchasing category")}


def _test(partnership: Partnership) -> dict[str, int]:
    found = _category(partnership)
    tests = MarketTest.objects.filter(category_id=found["category_pk"])
    return {**found, "test_pk": first_pk(tests, "market test")}


def examples(partnership: Partnership, user: Any) -> None:
    """A purchasing category with one market test."""
    if not MarketTest.objects.filter(category__partnership=partnership).exists():
        category = PurchasingCategory.objects.filter(
            partnership=partnership
        ).first() or services.category_save(
            user=user,
            partnership=partnership,
            data={
                "name": "Road salt",
                "annual_spend_gbp": Decimal(100_000),
                "unit": "tonne",
                "annual_volume": Decimal(1_000),
            },
        )
        services.market_test_save(
            user=user,
            category=category,
            data={
                "tested_on": dt.date(2025, 1, 6),
                "method": "quotes",
                "partner_price_gbp": Decimal(100),
                "comparator": "lowest",
                "quotes": "Supplier A: 95\nSupplier B: 104",
            },
        )


AREA = Area(
    app="value",
    routes=(
        page("life", reads=COUNCIL),
        page("market", reads=COUNCIL),
        form("category-create"),
        page("category", reads=COUNCIL, kwargs=_category),
        form("category-edit", kwargs=_category),
        form("test-create", kwargs=_category),
        form("test-edit", kwargs=_test),
    ),
    sections=(Section("value", "Value for money", "value:life", 41, can_see_confidential),),
    evidence=(market_tests,),
    demo="forbetter.demo.value",
    examples=examples,
    pack_sections=pack.pack_sections,
)
