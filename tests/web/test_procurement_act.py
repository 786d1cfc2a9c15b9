"""The Procurement Act 2023 applies only where it applies (issue 9, item 13).

Sources: Procurement Act 2023 ss. 52 (KPIs for contracts over £5m) and 71 (assessment at least every 12
months); the Procurement Act 2023 (Commencement No. 3 and Transitional and Saving Provisions) Regulations
2024 (the Act governs procurements started on or after 24 February 2025); the Procurement Regulations 2024
reg. 39 (the five ratings of a contract performance notice).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from forbetter.accounts.models import User
from forbetter.calc.performance import Rating, Status
from forbetter.partnerships import services as partnership_services
from forbetter.partnerships.models import Partnership, ProcurementRegime
from forbetter.partnerships.procurement import act_applies, regime_error
from forbetter.performance import adapters, rules, selectors, services
from forbetter.performance.models import PublishedRating
from tests.conftest import World
from tests.factories import client_for, make_kpi, make_kpi_return
from tests.web.edit_versions import opened_at

pytestmark = pytest.mark.django_db


def _under(partnership: Partnership, regime: str, **fields: object) -> Partnership:
    partnership.procurement_regime = regime
    for name, value in fields.items():
        setattr(partnership, name, value)
    partnership.save()
    return partnership


# ------------------------------------------------------------------------------------ PA23-COMMENCEMENT


def test_rule_pa23_commencement_the_act_applies_only_to_procurements_started_from_24_february_2025(
    world: World, editor: User
) -> None:
    """A procurement started on 23 February 2025 stays under the Public Contracts Regulations 2015; recording
    it as under the Act is refused with a message, by the form and by the service, and nothing changes."""
    assert "applies only to procurements started on or after 24 February 2025" in regime_error(
        ProcurementRegime.PA_2023, procurement_began_on=dt.date(2025, 2, 23)
    )
    assert regime_error(ProcurementRegime.PA_2023, procurement_began_on=dt.date(2025, 2, 24)) == ""
    assert regime_error(ProcurementRegime.PA_2023, procurement_began_on=None) == ""
    assert regime_error(ProcurementRegime.PCR_2015, procurement_began_on=dt.date(2025, 2, 23)) == ""

    world.ours.procurement_began_on = dt.date(2024, 6, 3)
    world.ours.save()
    data = {
        "name": world.ours.name,
        "councils": [world.council_a.pk],
        "vehicle": "contract",
        "value_basis": "total_contract_value",
        "procurement_regime": "pa2023",
    }
    response = client_for(editor).post(
        reverse("partnerships:edit", args=[world.ours.pk]), data | opened_at(world.ours)
    )
    page = response.content.decode()
    assert "this procurement began on 3 June 2024, so it is under the Public Contracts Regulations" in page
    world.ours.refresh_from_db()
    assert world.ours.procurement_regime == ""
    with pytest.raises(ValidationError):
        partnership_services.partnership_update(
            user=editor, partnership=world.ours, data={"procurement_regime": ProcurementRegime.PA_2023}
        )
    response = client_for(editor).post(
        reverse("partnerships:edit", args=[world.ours.pk]),
        {**data, **opened_at(world.ours), "procurement_regime": "pcr2015"},
    )
    assert response.status_code == 302
    world.ours.refresh_from_db()
    assert world.ours.procurement_regime == ProcurementRegime.PCR_2015
    overview = client_for(editor).get(reverse("partnerships:overview", args=[world.ours.pk])).content.decode()
    assert "Procured under the Public Contracts Regulations 2015, so the Procurement Act 2023" in overview


# ------------------------------------------------------------------------------------ PA23-S52-THREE-KPIS


def test_rule_pa23_s52_three_kpis_applies_only_where_the_act_applies(world: World, editor: User) -> None:
    """A £288m contract procured under the Public Contracts Regulations 2015 has no s. 52 duty: the KPI set
    page does not warn about published KPIs and the KPI form does not ask whether one is published."""
    _under(
        world.ours,
        ProcurementRegime.PCR_2015,
        estimated_value_gbp=Decimal(24_000_000),
        value_basis="annual_charge",
    )
    world.ours.term_years = 12
    world.ours.save()
    check = rules.publication_check(world.ours, published=0)
    assert (check.applies, check.met, check.act_applies) == (False, True, False)
    page = client_for(editor).get(reverse("performance:dashboard", args=[world.ours.pk])).content.decode()
    assert "Rule PA23-S52-THREE-KPIS" not in page
    assert "Public Contracts Regulations 2015" in page
    form = client_for(editor).get(reverse("performance:kpi-create", args=[world.ours.pk])).content.decode()
    assert 'name="published"' not in form

    _under(world.ours, ProcurementRegime.PA_2023)
    assert rules.publication_check(world.ours, published=0).applies
    form = client_for(editor).get(reverse("performance:kpi-create", args=[world.ours.pk])).content.decode()
    assert 'name="published"' in form


@pytest.mark.parametrize(
    ("value", "basis", "term", "extension", "applies", "explained"),
    [
        ("400000", "annual_charge", 12, None, False, "annual charge £400,000 × 12 years = £4,800,000"),
        (
            "400000",
            "annual_charge",
            12,
            3,
            True,
            "annual charge £400,000 × (12 + 3 extension) years = £6,000,000",
        ),
        (
            "4800000",
            "total_contract_value",
            12,
            3,
            True,
            "£4,800,000 for 12 years, plus 3 years of extension options at the same yearly rate = £6,000,000",
        ),
    ],
)
def test_rule_pa23_s52_estimated_value_includes_extension_options(
    world: World, value: str, basis: str, term: int, extension: int | None, applies: bool, explained: str
) -> None:
    """Procurement Act 2023 s. 4 and Schedule 3: the estimated value counts options, extensions included, so
    a £4.8m initial term with three more years available is over the £5m threshold of s. 52."""
    _under(
        world.ours,
        ProcurementRegime.PA_2023,
        estimated_value_gbp=Decimal(value),
        value_basis=basis,
        term_years=term,
        extension_years=extension,
    )
    check = rules.publication_check(world.ours, published=0)
    assert check.applies is applies
    assert explained in check.value_explained


# ------------------------------------------------------------------------------- PA23-S71 annual ratings


def _rated_partnership(world: World, editor: User) -> tuple[Partnership, list]:
    _under(world.ours, ProcurementRegime.PA_2023, contract_management_began_on=dt.date(2024, 4, 1))
    amber, failing = make_kpi(world.ours, "AM-1", published=True), make_kpi(world.ours, "RD-1")
    for month in range(12):
        period = dt.date(2024, 4, 1).replace(year=2024 + (3 + month) // 12, month=(3 + month) % 12 + 1)
        make_kpi_return(amber, period, "94.5", user=editor)  # just below the target of 95, every month
        make_kpi_return(failing, period, "80", user=editor)  # far below, beyond the threshold of 90
    make_kpi_return(amber, dt.date(2025, 4, 1), "99", user=editor)  # the year in progress
    return world.ours, [amber, failing]


def test_rule_pa23_s71_ratings_are_shown_only_where_the_act_applies(world: World, editor: User) -> None:
    partnership, _ = _rated_partnership(world, editor)
    url = reverse("performance:ratings", args=[partnership.pk])
    assert "Contract year 1" in client_for(editor).get(url).content.decode()
    _under(partnership, ProcurementRegime.PCR_2015)
    page = client_for(editor).get(url).content.decode()
    assert "Annual ratings are a duty of the Procurement Act 2023 (section 71)" in page
    assert "Proposed rating" not in page
    assert not act_applies(partnership)


def test_kpi_annual_rating_just_below_target_every_month_is_approaching_target_on_the_page(
    world: World, editor: User
) -> None:
    """Regulation 39: "Approaching target" is close to meeting the KPI; "Inadequate" significantly below it.
    A KPI 0.5 short of its target in all twelve months was Inadequate under the share-met rule."""
    partnership, _ = _rated_partnership(world, editor)
    years = selectors.rating_years(partnership, today=dt.date(2025, 6, 1))
    ratings = selectors.annual_ratings(partnership, year=years[1], years=years)
    by_reference = {row.kpi.reference: row for row in ratings.rows}
    assert by_reference["AM-1"].rating is Rating.APPROACHING_TARGET
    assert (by_reference["AM-1"].counts.met, by_reference["AM-1"].counts.approaching) == (0, 12)
    assert by_reference["RD-1"].rating is Rating.INADEQUATE


def test_kpi_annual_rating_the_year_in_progress_is_never_rated(world: World, editor: User) -> None:
    """Section 71 assesses a whole period: the contract year in progress shows its counts so far and "year in
    progress, no rating yet", never a rating, and no rating can be recorded for it."""
    partnership, (amber, _) = _rated_partnership(world, editor)
    years = selectors.rating_years(partnership, today=dt.date(2025, 6, 1))
    current = years[0]
    assert (current.number, current.complete) == (2, False)
    in_progress = selectors.annual_ratings(partnership, year=current, years=years)
    assert all(row.rating is None for row in in_progress.rows)
    with pytest.raises(ValidationError, match="still in progress"):
        services.published_rating_record(
            user=editor,
            kpi=amber,
            year_start=current.start,
            year_end=current.end,
            data={"rating": "Good"},
            today=dt.date(2025, 6, 1),
        )
    assert not PublishedRating.objects.exists()


def test_kpi_annual_rating_year_in_progress_shows_no_rating_on_the_page(world: World, editor: User) -> None:
    partnership, _ = _rated_partnership(world, editor)
    partnership.contract_management_began_on = dt.date.today().replace(day=1)  # year 1 is in progress today
    partnership.save()
    page = client_for(editor).get(reverse("performance:ratings", args=[partnership.pk])).content.decode()
    assert "is in progress: no rating yet" in page
    assert "Year in progress, no rating yet" in page
    assert "govuk-tag--red" not in page


def test_published_rating_and_exemption_reason_are_recorded_per_kpi_per_year_with_history(
    world: World, editor: User
) -> None:
    partnership, (amber, failing) = _rated_partnership(world, editor)
    client = client_for(editor)
    url = reverse("performance:published-rating", args=[partnership.pk, 1, amber.pk])
    form = client.get(url).content.decode()
    assert "ForBetter proposes <strong>Approaching target</strong>" in form
    refused = client.post(url, {"rating": "Other"}).content.decode()
    assert "Explain the rating Other" in refused
    refused = client.post(url, {"explanation": ""}).content.decode()
    assert "Select the rating published, or say why no rating was published" in refused
    assert not PublishedRating.objects.exists()

    response = client.post(url, {"rating": "Approaching target", "published_on": "2025-05-20"})
    assert response.status_code == 302
    response = client.post(url, {"rating": "Good", "explanation": "Agreed at the annual review"})
    assert response.status_code == 302
    record = PublishedRating.objects.get(kpi=amber)
    assert (record.rating, record.year_start, record.year_end) == (
        "Good",
        dt.date(2024, 4, 1),
        dt.date(2025, 3, 31),
    )
    assert record.history.count() == 2

    exempt = reverse("performance:published-rating", args=[partnership.pk, 1, failing.pk])
    assert (
        client.post(exempt, {"exemption_reason": "Not a key performance indicator under s. 52"}).status_code
        == 302
    )
    page = client.get(reverse("performance:ratings", args=[partnership.pk]) + "?year=1").content.decode()
    assert "Agreed at the annual review" in page
    assert "None: Not a key performance indicator under s. 52" in page


def test_rule_pa23_commencement_a_partnership_under_the_act_cannot_start_procurement_before_commencement(
    world: World, editor: User
) -> None:
    """Recording the start of procurement on 1 February 2025 for a partnership recorded as under the Act
    would contradict the Act's commencement: the gate is refused and the partnership stays in Initiation."""
    _under(world.ours, ProcurementRegime.PA_2023, initiation_began_on=dt.date(2024, 6, 1))
    with pytest.raises(ValidationError, match="applies only to procurements started on or after"):
        partnership_services.stage_gate_record(
            user=editor,
            partnership=world.ours,
            decided_on=dt.date(2025, 2, 1),
            delivery_confidence="green",
            commentary="Go",
        )
    world.ours.refresh_from_db()
    assert (world.ours.stage, world.ours.procurement_began_on) == ("initiation", None)


def test_kpi_annual_rating_cut_offs_are_configurable(world: World, editor: User, settings: object) -> None:
    """The regulations set no cut-offs, so an installation can set its own (setting KPI_RATING_CUT_OFFS)."""
    partnership, _ = _rated_partnership(world, editor)
    years = selectors.rating_years(partnership, today=dt.date(2025, 6, 1))
    settings.KPI_RATING_CUT_OFFS = {"requires_improvement": 0.0}  # type: ignore[attr-defined]
    ratings = selectors.annual_ratings(partnership, year=years[1], years=years)
    assert {row.kpi.reference: row.rating for row in ratings.rows}["RD-1"] is Rating.REQUIRES_IMPROVEMENT
    assert ratings.cut_offs["requires_improvement"] == 0.0


def test_kpi_annual_rating_the_last_year_of_an_ended_contract_runs_to_its_end(
    world: World, editor: User
) -> None:
    """Section 71 also asks for an assessment on termination: a contract ended six months into its second
    year has a completed, rateable final period ending on the termination date."""
    partnership, _ = _rated_partnership(world, editor)
    partnership.ended_on = dt.date(2025, 9, 30)
    partnership.save()
    years = selectors.rating_years(partnership, today=dt.date(2025, 12, 1))
    assert [(y.number, y.end, y.complete) for y in years] == [
        (2, dt.date(2025, 9, 30), True),
        (1, dt.date(2025, 3, 31), True),
    ]


def test_rule_kpi_rating_near_miss_a_kpi_without_a_threshold_just_below_target_is_not_inadequate(
    world: World, editor: User
) -> None:
    """Rule KPI-RATING-NEAR-MISS (Procurement Regulations 2024 reg. 39): a KPI with no failure threshold
    that misses its target by a hair every month is close to meeting it, so Approaching target, not
    Inadequate; the month itself still fails for payment (the contract's own terms), and a KPI far below
    its target is still Inadequate."""
    _under(world.ours, ProcurementRegime.PA_2023, contract_management_began_on=dt.date(2024, 4, 1))
    near = make_kpi(world.ours, "NT-1", published=True, failure_threshold=None)
    far = make_kpi(world.ours, "NT-2", failure_threshold=None)
    for month in range(12):
        period = dt.date(2024, 4, 1).replace(year=2024 + (3 + month) // 12, month=(3 + month) % 12 + 1)
        make_kpi_return(near, period, "94.5", user=editor)
        make_kpi_return(far, period, "80", user=editor)
    assert adapters.status_of(near, Decimal("94.5"), dt.date(2024, 4, 1)) == Status.FAILED
    years = selectors.rating_years(world.ours, today=dt.date(2025, 6, 1))
    ratings = selectors.annual_ratings(world.ours, year=years[1], years=years)
    by_reference = {row.kpi.reference: row for row in ratings.rows}
    assert by_reference["NT-1"].rating is Rating.APPROACHING_TARGET
    assert by_reference["NT-2"].rating is Rating.INADEQUATE
    page = client_for(editor).get(reverse("performance:ratings", args=[world.ours.pk])).content.decode()
    assert "a miss within 5% of the target counts as approaching target" in page
