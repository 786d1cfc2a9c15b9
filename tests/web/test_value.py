"""Value for money: market testing of partner purchasing (services, pages, evidence) and value for money over
the life (the business case against every area's actuals, pages for each role). Bad input is refused with a
specific message and nothing is saved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forbetter.accounts.models import Role, User
from forbetter.appraisal import services as appraisal_services
from forbetter.appraisal.models import LineCategory, OptionKind
from forbetter.calc.dates import financial_year
from forbetter.core.areas import Area, Kind, areas
from forbetter.core.life import LifeActual
from forbetter.partnerships.evidence import candidates_for, is_council_only, matching_candidates
from forbetter.payments.life import life_actuals as payment_actuals
from forbetter.payments.models import PaymentStatement, ShareBand
from forbetter.performance import services as performance_services
from forbetter.performance.life import life_actuals as benefit_actuals
from forbetter.value import selectors, services
from forbetter.value.models import MarketQuote, MarketTest, PurchasingCategory
from tests.conftest import World
from tests.factories import client_for, make_payment_mechanism
from tests.web.edit_versions import opened_at

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
THIS_YEAR = financial_year(TODAY)


def _url(name: str, world: World, *args: Any) -> str:
    return reverse(f"value:{name}", args=[world.ours.pk, *args])


def _category(world: World, editor: User, **changes: Any) -> PurchasingCategory:
    data = {
        "name": "Road salt",
        "annual_spend_gbp": Decimal(60_000),
        "unit": "tonne",
        "annual_volume": Decimal(1_000),
        **changes,
    }
    return services.category_save(user=editor, partnership=world.ours, data=data)


def _test_data(**changes: Any) -> dict[str, Any]:
    return {
        "tested_on": dt.date(2025, 3, 1),
        "method": "quotes",
        "partner_price_gbp": Decimal(62),
        "comparator": "lowest",
        "quotes": "Compass Minerals: 58\nSalt Union: 60.50\nPeacock: 64",
        **changes,
    }


# ------------------------------------------------------------------------------------------------------
# Market testing: services
# ------------------------------------------------------------------------------------------------------


def test_a_market_test_records_its_quotes_and_finds_the_overpayment(world: World, editor: User) -> None:
    category = _category(world, editor)
    test = services.market_test_save(user=editor, category=category, data=_test_data())
    assert [(q.supplier, q.price_gbp) for q in test.quotes.all()] == [
        ("Compass Minerals", Decimal(58)),
        ("Salt Union", Decimal("60.5")),
        ("Peacock", Decimal(64)),
    ]
    row = selectors.category_rows(world.ours)[0]
    assert row.latest is not None
    comparison = row.latest.comparison
    assert comparison is not None
    assert comparison.saving_a_year_gbp == Decimal("-4000.00")  # (58 - 62) x 1,000 tonnes
    assert comparison.outcome == "overpayment"
    assert selectors.market_totals([row]) == {"saving": 0, "overpayment": Decimal("4000.00")}
    assert test.history.first().history_user == editor


def test_changing_a_test_replaces_its_quotes(world: World, editor: User) -> None:
    category = _category(world, editor)
    test = services.market_test_save(user=editor, category=category, data=_test_data())
    services.market_test_save(
        user=editor, category=category, test=test, data=_test_data(quotes="Only one: 70", comparator="median")
    )
    assert list(test.quotes.values_list("supplier", flat=True)) == ["Only one"]
    assert MarketQuote.history.filter(history_type="-").count() == 3


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "  "}, "name", "Enter what the partner buys"),
        ({"annual_spend_gbp": None}, "annual_spend_gbp", "Enter what the council pays for it a year"),
        ({"annual_spend_gbp": Decimal(0)}, "annual_spend_gbp", "The annual spend must be more than £0"),
        ({"unit": ""}, "unit", "Enter the unit it is bought in"),
        ({"annual_volume": None}, "annual_volume", "Enter how many units are bought a year"),
        ({"annual_volume": Decimal(-1)}, "annual_volume", "The annual volume must be more than 0"),
    ],
)
def test_a_bad_category_is_refused_and_nothing_saved(
    world: World, editor: User, changes: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        _category(world, editor, **changes)
    assert message in " ".join(refused.value.message_dict[field])
    assert not PurchasingCategory.objects.exists()


def test_a_duplicate_category_name_is_refused(world: World, editor: User) -> None:
    _category(world, editor)
    with pytest.raises(ValidationError) as refused:
        _category(world, editor, name="road SALT")
    assert refused.value.message_dict["name"] == ["There is already a purchasing category called “road SALT”"]
    assert PurchasingCategory.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"tested_on": None}, "tested_on", "Enter the date of the market test"),
        ({"tested_on": TODAY + dt.timedelta(days=3)}, "tested_on", "must be today or in the past"),
        ({"tested_on": dt.date(1900, 1, 1)}, "tested_on", "must be between 1990 and 2100"),
        ({"method": ""}, "method", "Choose how the market was tested"),
        ({"partner_price_gbp": None}, "partner_price_gbp", "Enter the partner's price per unit"),
        ({"partner_price_gbp": Decimal(0)}, "partner_price_gbp", "The partner's price must be more than £0"),
        ({"comparator": ""}, "comparator", "Choose whether to compare with the lowest or the median quote"),
        ({"quotes": ""}, "quotes", "Give at least one quote"),
        (
            {"quotes": "Salt Union 60"},
            "quotes",
            "Quotes: line 1 (“Salt Union 60”) needs the supplier, a colon",
        ),
        ({"quotes": "A: 5\nB: free"}, "quotes", "Quotes: line 2 (B): “free” is not a price in pounds"),
        ({"quotes": "A: 0"}, "quotes", "Quotes: line 1 (A): the price must be more than £0"),
        ({"quotes": "A: 5\na: 6"}, "quotes", "Quotes: line 2: a is quoted twice"),
    ],
)
def test_a_bad_market_test_is_refused_and_nothing_saved(
    world: World, editor: User, changes: dict[str, Any], field: str, message: str
) -> None:
    category = _category(world, editor)
    with pytest.raises(ValidationError) as refused:
        services.market_test_save(user=editor, category=category, data=_test_data(**changes))
    assert message in " ".join(refused.value.message_dict[field])
    assert not MarketTest.objects.exists()
    assert not MarketQuote.objects.exists()


def test_only_council_editors_change_market_tests(world: World, editor: User) -> None:
    category = _category(world, editor)
    for role in (Role.COUNCIL_VIEWER, Role.PARTNER_USER, Role.AUDITOR):
        with pytest.raises(PermissionDenied):
            services.market_test_save(user=world.users[role], category=category, data=_test_data())
        with pytest.raises(PermissionDenied):
            _category(world, world.users[role], name="Other")
    assert not MarketTest.objects.exists()


def test_a_market_test_evidences_c_vfm_4_and_is_council_only(world: World, editor: User) -> None:
    test = services.market_test_save(user=editor, category=_category(world, editor), data=_test_data())
    found = matching_candidates(candidates_for(world.ours), ["market_test"])
    assert [candidate.record for candidate in found] == [test]
    assert is_council_only(found[0])
    from forbetter.framework.models import Action

    assert Action.objects.get(code="C-VFM-4").evidence_kinds == ["market_test"]


# ------------------------------------------------------------------------------------------------------
# Market testing: pages
# ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.COUNCIL_EDITOR, 200),
        (Role.COUNCIL_VIEWER, 200),
        (Role.AUDITOR, 200),
        (Role.ADMINISTRATOR, 200),
        (Role.PARTNER_USER, 403),
    ],
)
def test_the_pages_are_the_councils_only(world: World, editor: User, role: str, status: int) -> None:
    category = _category(world, editor)
    services.market_test_save(user=editor, category=category, data=_test_data())
    client = client_for(world.users[role])
    for url in (_url("life", world), _url("market", world), _url("category", world, category.pk)):
        assert client.get(url).status_code == status, url
    page = client.get(_url("category", world, category.pk)).content.decode()
    if status == 200:
        assert "Overpayment" in page
        assert "£4,000 a year" in page
        assert "The partner pays −£4.00" not in page
    else:
        assert "Compass Minerals" not in page


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.COUNCIL_EDITOR, 200), (Role.COUNCIL_VIEWER, 403), (Role.AUDITOR, 403), (Role.PARTNER_USER, 403)],
)
def test_only_editors_open_the_forms(world: World, editor: User, role: str, status: int) -> None:
    category = _category(world, editor)
    test = services.market_test_save(user=editor, category=category, data=_test_data())
    client = client_for(world.users[role])
    for url in (
        _url("category-create", world),
        _url("category-edit", world, category.pk),
        _url("test-create", world, category.pk),
        _url("test-edit", world, category.pk, test.pk),
    ):
        assert client.get(url).status_code == status, url


def test_recording_a_test_through_the_form(world: World, editor: User) -> None:
    client = client_for(editor)
    response = client.post(
        _url("category-create", world),
        {"name": "Salt", "annual_spend_gbp": "£60k", "unit": "tonne", "annual_volume": "1,000"},
    )
    category = PurchasingCategory.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("category", world, category.pk)
    assert category.annual_spend_gbp == Decimal(60_000)
    response = client.post(
        _url("test-create", world, category.pk),
        {
            "tested_on": "2025-03-01",
            "method": "tender",
            "partner_price_gbp": "55",
            "comparator": "median",
            "quotes": "A: 58\nB: 62",
        },
    )
    assert response.status_code == 302
    page = client.get(_url("category", world, category.pk)).content.decode()
    assert "Saving" in page
    assert "£5,000 a year" in page  # median 60 - 55 = £5 x 1,000


def test_the_form_shows_the_services_message_and_saves_nothing(world: World, editor: User) -> None:
    category = _category(world, editor)
    response = client_for(editor).post(
        _url("test-create", world, category.pk),
        {
            "tested_on": "2025-03-01",
            "method": "quotes",
            "partner_price_gbp": "55",
            "comparator": "lowest",
            "quotes": "A 58",
        },
    )
    assert response.status_code == 200
    assert "needs the supplier, a colon and the price" in response.content.decode()
    assert not MarketTest.objects.exists()


def test_editing_a_test_from_an_old_page_is_refused(world: World, editor: User) -> None:
    category = _category(world, editor)
    test = services.market_test_save(user=editor, category=category, data=_test_data())
    seen = opened_at(test)
    services.market_test_save(user=editor, category=category, test=test, data=_test_data(findings="Later"))
    response = client_for(editor).post(
        _url("test-edit", world, category.pk, test.pk),
        {
            **seen,
            "tested_on": "2025-03-01",
            "method": "quotes",
            "partner_price_gbp": "50",
            "comparator": "lowest",
            "quotes": "A: 58",
        },
    )
    assert response.status_code == 200
    test.refresh_from_db()
    assert test.partner_price_gbp == Decimal(62)


def test_records_of_another_partnership_are_not_found(world: World, editor: User) -> None:
    admin = world.users[Role.ADMINISTRATOR]
    theirs = services.category_save(
        user=admin,
        partnership=world.theirs,
        data={"name": "Theirs", "annual_spend_gbp": Decimal(1), "unit": "t", "annual_volume": Decimal(1)},
    )
    assert client_for(editor).get(_url("category", world, theirs.pk)).status_code == 404


# ------------------------------------------------------------------------------------------------------
# Value for money over the life
# ------------------------------------------------------------------------------------------------------


def _frozen_business_case(world: World, editor: User, base: int) -> None:
    """A frozen version, base year ``base``: an SSP with a £1.2m a year charge (real, 2% deflator), a client
    side of £100k and benefits of £50k a year (cash); an in-house comparator at £1.5m."""
    case = appraisal_services.business_case_create(
        user=editor, partnership=world.ours, title="Full business case", price_base_year=base
    )
    version = case.versions.get()
    appraisal_services.version_update_settings(
        user=editor,
        version=version,
        price_base_year=base,
        discount_schedule="standard",
        discount_rate=None,
        deflator_rates=[Decimal("0.02")] * 4,
        budget_prices="real",
        budget_gbp=[Decimal(2_000_000)] * 5,
    )
    appraisal_services.version_set_risk_settings(
        user=editor, version=version, data={"include_register_risks": False}
    )
    in_house = appraisal_services.option_create(
        user=editor,
        version=version,
        data={"name": "In-house", "kind": OptionKind.IN_HOUSE_AS_NOW, "years": 5},
    )
    ssp = appraisal_services.option_create(
        user=editor, version=version, data={"name": "Partnership", "kind": OptionKind.SSP, "years": 5}
    )
    for option, label, category, prices, amount in (
        (in_house, "Running cost", LineCategory.OPERATING, "real", 1_500_000),
        (ssp, "Contract charge", LineCategory.OPERATING, "real", 1_200_000),
        (ssp, "Client side", LineCategory.CLIENT_SIDE, "real", 100_000),
        (ssp, "Savings", LineCategory.BENEFITS, "nominal", 50_000),
    ):
        appraisal_services.line_create(
            user=editor,
            option=option,
            data={"label": label, "category": category, "prices": prices},
            values=[Decimal(amount)] * 5,
        )
    appraisal_services.version_freeze(user=editor, version=version, reason="Approved by Cabinet")


def _statement(world: World, editor: User, month: dt.date, charge: int, deduction: int, status: str) -> None:
    PaymentStatement.objects.create(
        partnership=world.ours,
        month=month,
        status=status,
        charge_gbp=Decimal(charge),
        deduction_gbp=Decimal(deduction),
        adjustment_total_gbp=Decimal(0),
        payable_gbp=Decimal(charge - deduction),
        created_by=editor,
    )


def test_payments_offer_charges_deductions_and_gainshare_of_approved_statements(
    world: World, editor: User
) -> None:
    mechanism = make_payment_mechanism(
        world.ours, effective_from=dt.date(2024, 4, 1), gainshare_baseline_gbp=Decimal(1_200_000)
    )
    ShareBand.objects.create(
        mechanism=mechanism, kind="gain", from_gbp=0, to_gbp=None, council_share=Decimal("0.5")
    )
    mechanism.gainshare_years.create(year=2024, actual_cost_gbp=Decimal(1_100_000))
    _statement(world, editor, dt.date(2025, 3, 1), 100_000, 2_000, "approved")
    _statement(world, editor, dt.date(2025, 4, 1), 100_000, 0, "approved")
    _statement(world, editor, dt.date(2025, 5, 1), 100_000, 9_000, "draft")
    rows = {row.label: row for row in payment_actuals(world.ours)}
    assert rows["Monthly charges paid"].by_year == {2024: Decimal(100_000), 2025: Decimal(100_000)}
    assert rows["Deductions for performance failures"].by_year == {2024: Decimal(-2_000), 2025: Decimal(0)}
    assert rows["Gainshare"].by_year == {
        2024: Decimal(-50_000)
    }  # half of the £100k saving, back to the council
    assert all(row.kind == "cost" and row.category == "operating" for row in rows.values())


def test_performance_offers_benefits_realised_and_names_years_not_yet_realised(
    world: World, editor: User
) -> None:
    performance_services.benefit_save(
        user=editor,
        partnership=world.ours,
        data={"name": "Energy savings", "category": "cashable"},
        values=[
            {"year": THIS_YEAR - 2, "planned_gbp": Decimal(100), "realised_gbp": Decimal(90)},
            {"year": THIS_YEAR - 1, "planned_gbp": Decimal(100), "realised_gbp": None},
            {"year": THIS_YEAR + 1, "planned_gbp": Decimal(100), "realised_gbp": None},
        ],
    )
    (row,) = benefit_actuals(world.ours)
    assert row.kind == "benefit"
    assert row.by_year == {THIS_YEAR - 2: Decimal(90)}
    assert f"not yet realised in {THIS_YEAR - 1}/" in row.notes[0]


def test_the_life_page_compares_the_frozen_business_case_with_the_actuals(world: World, editor: User) -> None:
    base = THIS_YEAR - 2
    _frozen_business_case(world, editor, base)
    make_payment_mechanism(world.ours, effective_from=dt.date(base, 4, 1))
    for step in range(12):
        month = dt.date(base + (step + 3) // 12, (step + 3) % 12 + 1, 1)
        _statement(world, editor, month, 100_000, 1_000 if step == 5 else 0, "approved")
    page = client_for(editor).get(_url("life", world)).content.decode()
    assert "Full business case, version 1" in page
    assert "Compared with “Partnership”, the business case&#x27;s preferred option." in page
    assert "turned into cash with its GDP deflator" in page
    # year 0: expected £1.3m (real = cash in the base year), actual £1.2m of charges less £1,000
    assert "£1,300,000" in page
    assert "£1,199,000" in page
    assert "Of which Deductions for performance failures: −£1,000." in page
    assert "Client-side management: £" in page
    assert "no area records actuals of this kind yet" in page
    assert "Cumulative cost: business case against actual (cash, £m)" in page
    assert "is under way" in page


def test_any_areas_actuals_appear_on_the_page(
    world: World, editor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page takes every area's ``life_actuals`` without knowing the area: a fake one shows, counted or
    not, with its explanation and notes."""
    year = THIS_YEAR - 1

    def fake(partnership: Any) -> list[LifeActual]:
        return [
            LifeActual(
                "Client team cost", "cost", "client_side", {year: Decimal(42_000)}, "From the team plan."
            ),
            LifeActual(
                "Approved changes",
                "cost",
                "operating",
                {year: Decimal(7_000)},
                "Already in the charges paid.",
                counts=False,
                notes=("Change 3 raised the charge.",),
            ),
        ]

    monkeypatch.setattr(selectors, "areas", lambda: (Area(app="fake", routes=(), life_actuals=fake),))
    page = client_for(editor).get(_url("life", world)).content.decode()
    assert "Client team cost" in page
    assert "From the team plan." in page
    assert "£42,000" in page
    assert "Approved changes: £7,000. Already in the charges paid. Change 3 raised the charge." in page
    assert "has no frozen business case yet" in page
    found = selectors.life_page(world.ours)
    assert found.comparison.actual_cost == Decimal(42_000)  # the change is shown, not added


def test_the_life_page_without_anything(world: World, editor: User) -> None:
    page = client_for(world.users[Role.COUNCIL_VIEWER]).get(_url("life", world)).content.decode()
    assert "There are no expected or actual figures to date to compare." in page
    assert "No area records actual costs or benefits for this partnership yet" in page


TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "1e400",
            "NaN",
            "99999999999999999999",
            "0000-00-00",
            "\x00",
            "x" * 3000,
            "A: 1e400",
        ]
    ),
)


def test_every_value_form_answers_generated_posts_without_a_server_error(world: World, editor: User) -> None:
    """Property: whatever an editor posts into any value-for-money form, the page answers with a form or a
    redirect, never a server error."""
    [area] = [area for area in areas() if area.app == "value"]
    assert area.examples is not None
    area.examples(world.ours, editor)
    client = client_for(editor)
    targets = []
    for route in area.routes:
        if route.writes is None or route.kind != Kind.PAGE:
            continue
        url = reverse(
            area.url_name(route),
            kwargs={"pk": world.ours.pk, **(route.kwargs(world.ours) if route.kwargs else {})},
        )
        targets.append((url, list(client.get(url).context["form"].fields)))
    assert len(targets) == 4

    @settings(max_examples=6, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def post_generated(data: st.DataObject) -> None:
        for url, fields in targets:
            values = {name: data.draw(TEXT, label=name) for name in fields if name != "edit_version"}
            if "edit_version" in fields:
                values["edit_version"] = client.get(url).context["form"]["edit_version"].value()
            assert client.post(url, values).status_code < 500, url

    post_generated()
