"""The procurement area's incentives part: bidders' priced offers and the one step that prices an offer into
a new draft business-case version (rule BID-INTO-BUSINESS-CASE), bidders' payment mechanisms simulated on
scenarios by the contract payment engine, and KPI agreement states (rules KPI-AGREED-STAYS,
KPI-RETURNS-AGREED, KPI-AGREEMENT-DEFAULT)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from forbetter.accounts.models import Role, User
from forbetter.appraisal.models import BusinessCaseVersion, CashflowLine, OptionKind
from forbetter.partnerships.evidence import EVIDENCE_KIND_MODELS
from forbetter.partnerships.models import Partnership
from forbetter.performance import services as performance
from forbetter.performance.models import Kpi, KpiAgreement, KpiReturn
from forbetter.procurement import examples as shared
from forbetter.procurement.incentives import selectors, services, simulation
from forbetter.procurement.incentives.evidence_providers import bidder_mechanisms
from forbetter.procurement.models import (
    Bidder,
    BidderMechanism,
    DialogueRound,
    PricedOffer,
    PricingType,
    RoundEntry,
)
from tests.conftest import World
from tests.factories import client_for, make_contract_live, make_kpi, pdf
from tests.web.edit_versions import opened_at
from tests.web.test_appraisal_services import build_version

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------------------------- helpers


def _competition(partnership: Partnership) -> tuple[Bidder, DialogueRound]:
    bidder = shared.bidder(partnership, dt.date(2026, 1, 5), name="Corvane Partnerships plc")
    first = shared.dialogue_round(partnership, dt.date(2026, 1, 5))
    RoundEntry.objects.get_or_create(round=first, bidder=bidder)
    return bidder, first


def _offer(
    world: World, editor: User, *, years: int = 4, charges: list[Decimal] | None = None, one_off: int = 30
) -> PricedOffer:
    bidder, first = _competition(world.ours)
    return services.offer_save(
        user=editor,
        partnership=world.ours,
        data={
            "bidder": bidder,
            "round": first,
            "contract_years": years,
            "prices": "real",
            "one_off_costs_gbp": Decimal(one_off),
        },
        charges=charges if charges is not None else [Decimal(90), Decimal(91), Decimal(92), Decimal(93)],
    )


def _values(line: CashflowLine) -> list[Decimal]:
    return [value.amount_gbp for value in line.values.all()]


def _url(name: str, partnership: Partnership, **kwargs: Any) -> str:
    return reverse(f"procurement:{name}", kwargs={"pk": partnership.pk, **kwargs})


# ------------------------------------------------------------------------------------------ priced offers


def test_an_offer_keeps_one_charge_a_year_and_one_amount_means_every_year(world: World, editor: User) -> None:
    offer = _offer(world, editor, years=3, charges=[Decimal(50)])
    assert [row.charge_gbp for row in offer.years.all()] == [Decimal(50)] * 3
    assert offer.history.first().history_user == editor


@pytest.mark.parametrize(
    ("charges", "message"),
    [
        ([], "Enter the bidder's yearly charges: this offer has no prices"),
        ([Decimal(90), Decimal(0), Decimal(92), Decimal(93)], "Year 1: a price must be above £0"),
        ([Decimal(-5)], "Year 0: a price must be above £0"),
        ([Decimal(90), Decimal(91)], "Enter one charge for every year, or 4 charges"),
    ],
)
def test_rule_bid_price_positive_refuses_no_prices_or_a_price_of_zero_or_below(
    world: World, editor: User, charges: list[Decimal], message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        _offer(world, editor, charges=charges)
    assert message in refused.value.message_dict["charges"][0]
    assert not PricedOffer.objects.exists()


def test_rule_bid_in_round_refuses_a_bidder_that_was_not_in_the_round(world: World, editor: User) -> None:
    _, first = _competition(world.ours)
    outsider = shared.bidder(world.ours, name="Late Ltd")
    with pytest.raises(ValidationError) as refused:
        services.offer_save(
            user=editor,
            partnership=world.ours,
            data={"bidder": outsider, "round": first, "contract_years": 2, "prices": "real"},
            charges=[Decimal(10)],
        )
    assert "Late Ltd did not take part in Round 1" in refused.value.message_dict["round"][0]


def test_a_second_offer_for_the_same_length_is_refused_but_another_length_is_kept(
    world: World, editor: User
) -> None:
    _offer(world, editor)
    with pytest.raises(ValidationError) as refused:
        _offer(world, editor)
    assert "already has a 4-year offer in round 1" in refused.value.message_dict["contract_years"][0]
    _offer(world, editor, years=2, charges=[Decimal(80)])
    assert PricedOffer.objects.count() == 2


def test_only_editors_record_offers(world: World) -> None:
    with pytest.raises(PermissionDenied):
        _offer(world, world.users[Role.COUNCIL_VIEWER])


# --------------------------------------------------------------------- rule BID-INTO-BUSINESS-CASE


def test_rule_bid_into_business_case_builds_a_new_draft_version_and_leaves_the_old_one(
    world: World, editor: User
) -> None:
    old = build_version(editor, world.ours, years=3)
    offer = _offer(world, editor)
    version, notes = services.offer_to_business_case(user=editor, offer=offer, reason="Round 1 prices in")

    assert (version.number, version.status, version.based_on_id) == (2, "draft", old.pk)
    assert version.change_note == (
        "Built from Corvane Partnerships plc's 4-year offer in round 1: Round 1 prices in"
    )
    assert version.history.first().history_change_reason == version.change_note
    ssp = version.options.get(kind=OptionKind.SSP)
    assert ssp.years == 4
    lines = {line.label: line for line in ssp.lines.all()}
    assert "Running cost" not in lines  # the option's operating (contract charge) line is replaced
    assert _values(lines["Contract charge bid by Corvane Partnerships plc (round 1)"]) == [
        Decimal(90),
        Decimal(91),
        Decimal(92),
        Decimal(93),
    ]
    assert _values(lines["One-off costs bid by Corvane Partnerships plc (round 1)"]) == [
        Decimal(30),
        Decimal(0),
        Decimal(0),
        Decimal(0),
    ]
    # the other lines carry on at their last year's amount into the fourth year
    assert _values(lines["Savings"]) == [Decimal(5)] * 4
    assert _values(lines["Set-up"]) == [Decimal(50), Decimal(0), Decimal(0), Decimal(0)]
    assert any("now runs for the bid's 4 years" in note for note in notes)

    # the version it came from is unchanged
    old_ssp = old.options.get(kind=OptionKind.SSP)
    assert old_ssp.years == 3
    assert _values(old_ssp.lines.get(label="Running cost")) == [Decimal(110)] * 3
    assert not old_ssp.lines.filter(label__startswith="Contract charge bid").exists()
    offer.refresh_from_db()
    assert offer.built_version == version


def test_a_shorter_bid_cuts_the_other_lines_back(world: World, editor: User) -> None:
    build_version(editor, world.ours, years=3)
    offer = _offer(world, editor, years=2, charges=[Decimal(70)], one_off=0)
    version, notes = services.offer_to_business_case(user=editor, offer=offer, reason="Shorter term")
    ssp = version.options.get(kind=OptionKind.SSP)
    assert ssp.years == 2
    assert _values(ssp.lines.get(label="Savings")) == [Decimal(5)] * 2
    assert not ssp.lines.filter(label__startswith="One-off costs").exists()
    assert any("cut back" in note for note in notes)


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("no case", "This partnership has no business case yet"),
        ("no ssp", "has no strategic partnership (SSP) option"),
        ("no prices", "This offer has no prices"),
        ("zero price", "Year 1 of this offer is priced at £0.00: a price must be above £0"),
        ("no reason", "Enter why this bid is being priced into the business case"),
    ],
)
def test_bad_input_to_the_bid_step_gets_a_message_and_creates_nothing(
    world: World, editor: User, setup: str, message: str
) -> None:
    if setup != "no case":
        build_version(editor, world.ours, years=4, options=1 if setup == "no ssp" else 2)
    offer = _offer(world, editor)
    if setup == "no prices":
        offer.years.all().delete()
    if setup == "zero price":
        offer.years.filter(year=1).update(charge_gbp=0)
    before = BusinessCaseVersion.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.offer_to_business_case(
            user=editor, offer=offer, reason="" if setup == "no reason" else "Round 1"
        )
    assert message in refused.value.message_dict["reason"][0]
    assert BusinessCaseVersion.objects.count() == before
    assert PricedOffer.objects.get().built_version is None


def test_the_bid_step_page_asks_for_a_reason_then_shows_the_versions_compared(
    world: World, editor: User
) -> None:
    old = build_version(editor, world.ours, years=4)
    offer = _offer(world, editor)
    client = client_for(editor)
    url = _url("priced-offer-to-business-case", world.ours, offer_pk=offer.pk)
    asked = client.get(url)
    assert (
        "This creates version 2 of “Options appraisal” as a draft copy of version 1" in asked.content.decode()
    )
    refused = client.post(url, {"reason": "  "})
    assert "Enter why this bid is being priced into the business case" in refused.content.decode()
    assert BusinessCaseVersion.objects.count() == 1
    done = client.post(url, {"reason": "Round 1 prices"})
    new = BusinessCaseVersion.objects.get(number=2)
    assert done.status_code == 302
    compare = reverse("appraisal:compare", args=[world.ours.pk, old.business_case_id])
    assert done["Location"] == f"{compare}?a={old.pk}&b={new.pk}"
    page = client.get(done["Location"]).content.decode()
    assert "Contract charge bid by Corvane Partnerships plc (round 1)" in page


def test_the_offer_pages_record_and_correct_an_offer(world: World, editor: User) -> None:
    bidder, first = _competition(world.ours)
    client = client_for(editor)
    data = {
        "bidder": bidder.pk,
        "round": first.pk,
        "contract_years": "2",
        "prices": "nominal",
        "one_off_costs_gbp": "£1.2m",
        "charges": "16,100,000, 0",
        "notes": "",
    }
    refused = client.post(_url("priced-offer-create", world.ours), data)
    assert "Year 1: a price must be above £0; the bidder priced £0.00" in refused.content.decode()
    assert not PricedOffer.objects.exists()
    done = client.post(_url("priced-offer-create", world.ours), {**data, "charges": "16,100,000, 16,000,000"})
    assert done.status_code == 302
    offer = PricedOffer.objects.get()
    assert (offer.one_off_costs_gbp, offer.total_charges_gbp) == (Decimal(1_200_000), Decimal(32_100_000))
    edit = _url("priced-offer-edit", world.ours, offer_pk=offer.pk)
    assert "16,100,000.00, 16,000,000.00" in client.get(edit).content.decode()
    changed = client.post(edit, {**data, "charges": "15,000,000", **opened_at(offer)})
    assert changed.status_code == 302
    assert PricedOffer.objects.get().total_charges_gbp == Decimal(30_000_000)
    listed = client.get(_url("priced-offers", world.ours)).content.decode()
    assert "£30,000,000" in listed
    assert "the 2 yearly charges, not discounted" in listed


# ---------------------------------------------------------------------------- bidders' mechanisms


BANDS = [
    {"from_point": 21, "to_point": 100, "multiplier": Decimal("1.0")},
    {"from_point": 101, "to_point": 200, "multiplier": Decimal("1.2")},
    {"from_point": 201, "to_point": None, "multiplier": Decimal("1.5")},
]


def _mechanism(world: World, editor: User, **terms: Any) -> BidderMechanism:
    bidder, _ = _competition(world.ours)
    data = {
        "bidder": bidder,
        "pricing_type": PricingType.FIXED_PRICE,
        "monthly_charge_gbp": Decimal(100_000),
        "indexed_share": Decimal(0),
        "points_threshold": 20,
        "point_value_gbp": Decimal(3),
        "cap": Decimal("0.1"),
        "notes": "",
        **terms,
    }
    return services.mechanism_save(
        user=editor, partnership=world.ours, data=data, bands=terms.pop("bands", BANDS)
    )


def _simulated(mechanism: BidderMechanism) -> dict[str, simulation.ScenarioResult]:
    found = selectors.mechanism_of(mechanism.partnership, mechanism.pk)
    result = selectors.simulations([found])[0]
    return {r.key: r for r in result.scenarios}


def test_the_simulation_matches_deductions_worked_out_by_hand(world: World, editor: User) -> None:
    """Threshold 20, £3 a point, bands 21-100 x1.0, 101-200 x1.2, 201+ x1.5, cap 10% of £100,000.
    A bad quarter: three months of 60 points, 40 above the threshold at £3 = £120 a month, £360 in all.
    Persistent failure: £120 in each of 12 months = £1,440. Steady (10 points a month): nothing."""
    results = _simulated(_mechanism(world, editor))
    assert results["steady"].deductions_gbp == Decimal("0.00")
    assert results["steady"].payable_gbp == Decimal("1200000.00")
    assert results["bad_quarter"].deductions_gbp == Decimal("360.00")
    assert results["bad_quarter"].monthly_deductions_gbp[3:6] == (Decimal("120.00"),) * 3
    assert results["bad_quarter"].deducting_months == 3
    assert results["persistent_failure"].deductions_gbp == Decimal("1440.00")
    assert results["persistent_failure"].payable_gbp == Decimal("1198560.00")
    assert results["persistent_failure"].capped_months == 0
    assert "under 1% of the charge: a weak incentive" in results["persistent_failure"].meaning
    assert "loses nothing" in results["steady"].meaning


def test_the_council_sets_scenario_points_and_the_cap_shows(world: World, editor: User) -> None:
    """300 points: 80 x £3 + 100 x £3.60 + 100 x £4.50 = £1,050, above a cap of 0.5% of £100,000 (£500)."""
    mechanism = _mechanism(world, editor, cap=Decimal("0.005"))
    services.scenario_set(user=editor, mechanism=mechanism, points={"persistent_failure": [300] * 12})
    results = _simulated(mechanism)
    assert results["persistent_failure"].edited
    assert results["persistent_failure"].deductions_gbp == Decimal("6000.00")  # 12 x the £500 cap
    assert results["persistent_failure"].capped_months == 12
    assert "worse performance costs it nothing more" in results["persistent_failure"].meaning
    services.scenario_set(user=editor, mechanism=mechanism, points={"persistent_failure": None})
    assert not _simulated(mechanism)["persistent_failure"].edited


@pytest.mark.parametrize(
    ("terms", "field", "message"),
    [
        (
            {"bands": [{"from_point": 25, "to_point": None, "multiplier": Decimal(1)}]},
            "band-0-from_point",
            "the first band must start at threshold + 1 = 21",
        ),
        ({"cap": Decimal("1.5")}, "cap", "Enter the cap as a fraction of the monthly charge from 0 to 1"),
    ],
)
def test_rule_mechanism_as_contract_checks_the_terms_with_the_payment_engine(
    world: World, editor: User, terms: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        _mechanism(world, editor, **terms)
    assert message in refused.value.message_dict[field][0]
    assert not BidderMechanism.objects.exists()


def test_rule_scenario_months_needs_twelve_months(world: World, editor: User) -> None:
    mechanism = _mechanism(world, editor)
    with pytest.raises(ValidationError) as refused:
        services.scenario_set(user=editor, mechanism=mechanism, points={"steady": [1, 2]})
    assert "Enter 12 months of points" in refused.value.message_dict["steady"][0]


def test_the_mechanism_pages_show_each_bidder_side_by_side_with_what_pricing_incentivises(
    world: World, editor: User
) -> None:
    _mechanism(world, editor)
    page = client_for(editor).get(_url("bidder-mechanisms", world.ours)).content.decode()
    assert "A bad quarter: the year side by side" in page
    assert "£360.00" in page
    assert "£1,440.00" in page
    assert "What each pricing mechanism incentivises" in page
    for name in ("Fixed price", "Unit rates", "Cost-plus", "Gainshare-led"):
        assert name in page
    assert "Source: ForBetter" in page
    assert "plain-English summary" in page


def test_the_mechanism_form_refuses_a_band_gap_on_the_row_and_saves_nothing(
    world: World, editor: User
) -> None:
    bidder, _ = _competition(world.ours)
    data = {
        "bidder": bidder.pk,
        "pricing_type": "unit_rates",
        "monthly_charge_gbp": "100000",
        "indexed_share": "0",
        "points_threshold": "20",
        "point_value_gbp": "3",
        "cap": "0.1",
        "notes": "",
        "band-TOTAL_FORMS": "2",
        "band-INITIAL_FORMS": "0",
        "band-0-from_point": "21",
        "band-0-to_point": "100",
        "band-0-multiplier": "1",
        "band-1-from_point": "102",
        "band-1-to_point": "",
        "band-1-multiplier": "1.2",
    }
    client = client_for(editor)
    refused = client.post(_url("bidder-mechanism-create", world.ours), data)
    assert (
        "Band 2: starts at 102 but the previous band ends at 100, leaving a gap" in refused.content.decode()
    )
    assert not BidderMechanism.objects.exists()
    done = client.post(_url("bidder-mechanism-create", world.ours), {**data, "band-1-from_point": "101"})
    assert done.status_code == 302
    found = BidderMechanism.objects.get()
    assert found.bands.count() == 2


def test_a_bidder_mechanism_is_evidence_of_the_payment_mechanism_task(world: World, editor: User) -> None:
    mechanism = _mechanism(world, editor)
    assert "procurement.biddermechanism" in EVIDENCE_KIND_MODELS["payment_mechanism"]
    candidate = next(iter(bidder_mechanisms(world.ours)))
    assert candidate.record == mechanism
    assert candidate.council_only
    assert "£" not in candidate.label


# ------------------------------------------------------------------------------------- KPI agreement


def _submit(world: World, kpi: Kpi) -> KpiReturn:
    return performance.return_submit(
        user=world.users[Role.PARTNER_USER],
        partnership=world.ours,
        kpi_id=kpi.pk,
        period=dt.date(2024, 4, 1),
        value=Decimal(96),
        evidence=pdf(),
    )


KPI_DATA = {
    "reference": "N-01",
    "name": "New indicator",
    "definition": "What is counted",
    "measurement_method": "From the system",
    "measured_by": "Partner",
    "unit": "%",
    "direction": "higher",
    "kpi_type": "outcome",
    "target": Decimal(95),
    "failure_threshold": Decimal(90),
    "frequency": "monthly",
    "first_period": dt.date(2024, 1, 1),
    "severity_points": 10,
}


def test_rule_kpi_agreement_default_proposed_before_the_contract_is_live(world: World, editor: User) -> None:
    kpi = performance.kpi_create(user=editor, partnership=world.ours, data=KPI_DATA)
    assert (kpi.agreement, kpi.agreed_by) == (KpiAgreement.PROPOSED, None)
    make_contract_live(world.ours)
    live = performance.kpi_create(user=editor, partnership=world.ours, data={**KPI_DATA, "reference": "N-02"})
    assert (live.agreement, live.agreed_by) == (KpiAgreement.AGREED, editor)
    assert live.agreed_at is not None


def test_a_kpi_moves_proposed_negotiated_agreed_with_who_and_when(world: World, editor: User) -> None:
    kpi = make_kpi(world.ours, agreement=KpiAgreement.PROPOSED)
    with pytest.raises(ValidationError) as skipped:
        performance.kpi_agreement_move(user=editor, kpi=kpi, to=KpiAgreement.AGREED)
    assert "moves one step at a time" in skipped.value.message_dict["to"][0]
    performance.kpi_agreement_move(user=editor, kpi=kpi, to=KpiAgreement.NEGOTIATED)
    performance.kpi_agreement_move(user=editor, kpi=kpi, to=KpiAgreement.AGREED)
    kpi.refresh_from_db()
    assert (kpi.agreement, kpi.agreed_by) == (KpiAgreement.AGREED, editor)
    assert [h.agreement for h in kpi.history.order_by("history_date")][-2:] == ["negotiated", "agreed"]
    with pytest.raises(PermissionDenied):
        performance.kpi_agreement_move(
            user=world.users[Role.COUNCIL_VIEWER], kpi=kpi, to=KpiAgreement.NEGOTIATED, reason="x"
        )


def test_rule_kpi_agreed_stays_going_back_needs_a_reason_and_is_refused_once_live(
    world: World, editor: User
) -> None:
    kpi = make_kpi(world.ours)  # agreed
    with pytest.raises(ValidationError) as no_reason:
        performance.kpi_agreement_move(user=editor, kpi=kpi, to=KpiAgreement.NEGOTIATED)
    assert "Enter why K-01 goes back to negotiated" in no_reason.value.message_dict["reason"][0]
    performance.kpi_agreement_move(user=editor, kpi=kpi, to=KpiAgreement.NEGOTIATED, reason="Bidder asks")
    kpi.refresh_from_db()
    assert (kpi.agreement, kpi.agreed_by, kpi.agreed_at) == (KpiAgreement.NEGOTIATED, None, None)
    performance.kpi_agreement_move(user=editor, kpi=kpi, to=KpiAgreement.AGREED)
    make_contract_live(world.ours)
    kpi.refresh_from_db()
    with pytest.raises(ValidationError) as live:
        performance.kpi_agreement_move(user=editor, kpi=kpi, to=KpiAgreement.NEGOTIATED, reason="Again")
    assert "the contract is live: change it through an indicator review" in live.value.message_dict["to"][0]


def test_rule_kpi_returns_agreed_refuses_returns_until_agreed_and_live(world: World, media: Any) -> None:
    kpi = make_kpi(world.ours, agreement=KpiAgreement.NEGOTIATED)
    make_contract_live(world.ours)
    with pytest.raises(ValidationError) as not_agreed:
        _submit(world, kpi)
    assert "K-01 is negotiated, not agreed: returns start once" in not_agreed.value.message_dict["kpi"][0]
    Partnership.objects.filter(pk=world.ours.pk).update(stage="procurement")
    Kpi.objects.filter(pk=kpi.pk).update(agreement=KpiAgreement.AGREED)
    with pytest.raises(ValidationError) as not_live:
        _submit(world, kpi)
    assert "Returns start when the contract is live" in not_live.value.message_dict["kpi"][0]
    assert not KpiReturn.objects.exists()
    make_contract_live(world.ours)
    assert _submit(world, kpi).pk is not None


def test_the_agreement_page_moves_the_kpi_and_partners_see_the_state(world: World, editor: User) -> None:
    kpi = make_kpi(world.ours, agreement=KpiAgreement.PROPOSED)
    url = reverse("performance:kpi-agreement", args=[world.ours.pk, kpi.pk])
    client = client_for(editor)
    page = client.get(url).content.decode()
    assert "No returns yet: K-01 is proposed, not agreed" in page
    done = client.post(url, {"to": "negotiated", "reason": "", **opened_at(kpi)})
    assert done.status_code == 302
    stale = client.post(url, {"to": "agreed", "reason": "", "edit_version": "1"})
    assert "after you opened this form" in stale.content.decode()
    assert Kpi.objects.get().agreement == KpiAgreement.NEGOTIATED
    partner = client_for(world.users[Role.PARTNER_USER])
    assert (
        "Agreement: negotiated"
        in partner.get(reverse("performance:dashboard", args=[world.ours.pk])).content.decode()
    )
    detail = partner.get(reverse("performance:kpi", args=[world.ours.pk, kpi.pk])).content.decode()
    assert "Negotiated: returns start once the KPI is agreed and the contract is live" in detail
    assert partner.get(url).status_code == 403


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _queries(client: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_lists_take_a_fixed_number_of_queries(world: World, editor: User) -> None:
    client = client_for(editor)
    _offer(world, editor)
    _mechanism(world, editor)
    offers, mechanisms = _url("priced-offers", world.ours), _url("bidder-mechanisms", world.ours)
    before = (_queries(client, offers), _queries(client, mechanisms))
    for name in ("Second Ltd", "Third Ltd"):
        bidder = shared.bidder(world.ours, name=name)
        _, first = _competition(world.ours)
        RoundEntry.objects.create(round=first, bidder=bidder)
        services.offer_save(
            user=editor,
            partnership=world.ours,
            data={"bidder": bidder, "round": first, "contract_years": 3, "prices": "real"},
            charges=[Decimal(10), Decimal(11), Decimal(12)],
        )
        _mechanism(world, editor, bidder=bidder)
    assert (_queries(client, offers), _queries(client, mechanisms)) == before


# ------------------------------------------------------------------------------------------------ demo


def test_the_demo_procurement_partnership_has_kpis_in_negotiation_bids_priced_and_mechanisms(
    seeded_demo: None,
) -> None:
    from forbetter.demo.partnerships import PROCUREMENT
    from forbetter.partnerships.models import EvidenceLink

    partnership = Partnership.objects.get(name=PROCUREMENT)
    states = sorted(Kpi.objects.filter(partnership=partnership).values_list("agreement", flat=True))
    assert states == ["agreed", "negotiated", "negotiated", "proposed", "proposed"]
    offers = {(o.bidder.name, o.contract_years) for o in PricedOffer.objects.filter(partnership=partnership)}
    assert offers == {
        ("Corvane Partnerships plc", 12),
        ("Corvane Partnerships plc", 10),
        ("Meridian Public Services Ltd", 12),
    }
    assert PricedOffer.objects.filter(partnership=partnership, round__number=2).count() == 3
    mechanisms = list(selectors.mechanisms_for(partnership))
    assert [m.bidder.name for m in mechanisms] == ["Corvane Partnerships plc", "Meridian Public Services Ltd"]
    for result in selectors.simulations(mechanisms):
        assert result.problem == ""
        assert [r.key for r in result.scenarios] == ["steady", "bad_quarter", "persistent_failure"]
    built = BusinessCaseVersion.objects.get(business_case__partnership=partnership, number=2)
    assert built.change_note.startswith("Built from Corvane Partnerships plc's 12-year offer in round 2")
    ssp = built.options.get(kind=OptionKind.SSP)
    assert ssp.years == 12
    assert ssp.lines.filter(label="Contract charge bid by Corvane Partnerships plc (round 2)").exists()
    cited = set(
        EvidenceLink.objects.filter(task__partnership=partnership).values_list(
            "task__action__code", flat=True
        )
    )
    assert {"P-VFM-2", "P-FLX-1", "P-INC-2", "P-PM-2"} <= cited
