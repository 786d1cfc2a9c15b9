"""The demo's contract-management partnership has a frozen business case covering its contract years, a
value-for-money page with real comparisons, and two market tests (a saving and an overpayment) that C-VFM-4
cites."""

from __future__ import annotations

import pytest
from django.test import Client

from forbetter.accounts.models import User
from forbetter.appraisal.models import BusinessCaseVersion, OptionKind, VersionStatus
from forbetter.calc.dates import financial_year
from forbetter.demo import value
from forbetter.demo.partnerships import CONTRACT_MANAGEMENT
from forbetter.demo.people import seed_people
from forbetter.partnerships.models import Partnership
from forbetter.value import selectors
from forbetter.value.models import MarketTest

pytestmark = pytest.mark.django_db


@pytest.fixture
def highways(seeded_demo: None) -> Partnership:
    return Partnership.objects.get(name=CONTRACT_MANAGEMENT)


def test_the_highways_partnership_has_a_frozen_business_case_over_its_contract_years(
    highways: Partnership,
) -> None:
    version = BusinessCaseVersion.objects.get(business_case__partnership=highways)
    assert version.status == VersionStatus.FROZEN
    ssp = version.options.get(kind=OptionKind.SSP)
    assert version.frozen_result.preferred == ssp.name
    first = financial_year(highways.payment_mechanism.effective_from)
    assert version.price_base_year == first
    assert ssp.years >= highways.term_years
    charge = ssp.lines.get(label="Contract charge")
    full_year = charge.values.get(year=1).amount_gbp
    assert full_year == highways.payment_mechanism.monthly_charge_gbp * 12
    assert {line.category for line in ssp.lines.all()} == {"operating", "client_side", "benefits"}


def test_the_value_for_money_page_compares_every_complete_year(highways: Partnership) -> None:
    found = selectors.life_page(highways)
    comparison = found.comparison
    assert found.version is not None
    assert len(comparison.years) >= 3
    assert comparison.actual_cost > 0
    assert comparison.actual_benefit > 0
    assert comparison.expected_cost > 0
    labels = {row.label for row in found.actual_rows}
    assert {"Monthly charges paid", "Deductions for performance failures", "Gainshare"} <= labels
    client = Client()
    client.force_login(User.objects.get(email="editor@ashcombe.example"))
    page = client.get(f"/partnerships/{highways.pk}/value/").content.decode()
    assert "The variance explained" in page
    assert "Of which Monthly charges paid" in page
    partner = Client()
    partner.force_login(User.objects.get(email="partner@meridian.example"))
    assert partner.get(f"/partnerships/{highways.pk}/value/").status_code == 403


def test_two_market_tests_one_saving_one_overpayment_cited_by_c_vfm_4(highways: Partnership) -> None:
    outcomes = {row.category.name: row.latest.comparison.outcome for row in selectors.category_rows(highways)}
    assert outcomes == {"LED street lighting lanterns": "saving", "Road surfacing materials": "overpayment"}
    task = highways.tasks.get(action__code="C-VFM-4")
    cited = {link.record for link in task.evidence_links.all()}
    assert all(link.council_only for link in task.evidence_links.all())
    assert cited == set(MarketTest.objects.filter(category__partnership=highways))


def test_seeding_again_changes_nothing(highways: Partnership) -> None:
    before = (BusinessCaseVersion.objects.count(), MarketTest.objects.count())
    value.seed(seed_people(), {CONTRACT_MANAGEMENT: highways})
    assert (BusinessCaseVersion.objects.count(), MarketTest.objects.count()) == before
