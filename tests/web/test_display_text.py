"""What reaches a page is written for people (issue 9, item 6): no "−£0", no "205.3 number", no "---------"
radio pre-selected, no raw ISO timestamps."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from forbetter.accounts.models import User
from forbetter.core.templatetags.govuk import gbp, percent, unit_suffix, with_unit
from forbetter.partnerships.models import DeliveryConfidence, StageGate
from tests.conftest import World
from tests.factories import make_kpi, make_kpi_return


@pytest.mark.parametrize("value", [0, "0", "-0", Decimal("-0.00"), -0.0, Decimal("-0.4"), Decimal("-0.004")])
def test_money_is_never_shown_as_minus_zero(value: object) -> None:
    """Zero, negative zero and amounts that round to zero show as £0: "−£0" reads as a debt of nothing."""
    assert gbp(value) == "£0"
    assert gbp(Decimal("-0.004"), 2) == "£0.00"
    assert gbp(Decimal("-0.5")) == "−£1"
    assert gbp(Decimal("-1234.5")) == "−£1,235"
    assert percent(Decimal("-0.001")) == "0%"


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (Decimal("205.3000"), "number", "205.3"),
        (Decimal("205.3"), "Number", "205.3"),
        (Decimal("12"), "count", "12"),
        (Decimal("94.5000"), "%", "94.5%"),
        (Decimal("12"), "days", "12 days"),
        (Decimal("1200"), "£", "£1,200"),
        (Decimal("-0.0"), "days", "0 days"),
        (None, "days", "—"),
    ],
)
def test_kpi_values_are_shown_with_their_unit_as_people_write_it(
    value: Decimal, unit: str, shown: str
) -> None:
    assert with_unit(value, unit) == shown


def test_unit_number_is_not_appended_as_a_word_on_kpi_pages(
    world: World, editor: User, client: Client
) -> None:
    kpi = make_kpi(world.ours, "N-1", unit="number", target=Decimal("200"), failure_threshold=Decimal("150"))
    make_kpi_return(kpi, dt.date(2024, 3, 1), "205.3", user=editor)
    client.force_login(editor)
    for url in (
        reverse("performance:dashboard", args=[world.ours.pk]),
        reverse("performance:kpi", args=[world.ours.pk, kpi.pk]),
        reverse("performance:returns", args=[world.ours.pk]),
    ):
        page = client.get(url).content.decode()
        assert "205.3 number" not in page, url
        assert "200 number" not in page, url
    assert unit_suffix("number") == ""
    assert unit_suffix("days") == " (days)"


def test_stage_gate_names_its_date_in_words_not_iso(world: World, editor: User) -> None:
    gate = StageGate(
        partnership=world.ours,
        from_stage="initiation",
        to_stage="procurement",
        decided_on=dt.date(2024, 3, 5),
        decided_by=editor,
        delivery_confidence=DeliveryConfidence.GREEN,
        commentary="Go",
    )
    assert str(gate) == "Initiation to Procurement and contract award on 5 March 2024"


def test_radio_pages_do_not_offer_a_blank_choice(world: World, editor: User, client: Client) -> None:
    """The partnership form's radios (vehicle, value basis, procurement regime) offer no "---------"."""
    client.force_login(editor)
    page = client.get(reverse("partnerships:edit", args=[world.ours.pk])).content.decode()
    assert "---------" not in page
    assert 'name="procurement_regime" type="radio" value=""' not in page


@given(
    amount=st.decimals(min_value=-10, max_value=10, allow_nan=False, allow_infinity=False, places=4),
    places=st.integers(0, 2),
)
def test_property_money_shows_minus_only_for_amounts_that_round_below_zero(
    amount: Decimal, places: int
) -> None:
    shown = gbp(amount, places)
    rounded = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    assert shown.startswith("−") is (rounded < 0)
    assert shown.lstrip("−") == f"£{abs(rounded):,.{places}f}"
