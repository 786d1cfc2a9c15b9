"""Business-case pages: forms refuse bad input with a specific message and save nothing, frozen versions
cannot be edited, versions compare with differences marked in words, the results page shows every output,
and its query count does not grow with options or years."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forbetter.accounts.models import Role, User
from forbetter.appraisal import services
from forbetter.appraisal.models import BusinessCaseVersion, CashflowLine, ServiceBaseline, VersionStatus
from forbetter.appraisal.presenters import percentage
from forbetter.calc import appraisal as calc
from forbetter.partnerships.models import ServiceArea
from tests.conftest import World
from tests.factories import client_for
from tests.web.edit_versions import opened_at
from tests.web.test_appraisal_services import build_version

pytestmark = pytest.mark.django_db


def version_url(name: str, version: BusinessCaseVersion, **kwargs: int) -> str:
    return reverse(
        f"appraisal:{name}",
        kwargs={"pk": version.business_case.partnership_id, "version_pk": version.pk, **kwargs},
    )


def settings_data(**changes: str) -> dict[str, str]:
    data = {
        "change_note": "",
        "price_base_year": "2026",
        "discount_schedule": "standard",
        "discount_rate": "",
        "deflator": "0.02",
        "budget_prices": "real",
        "budget": "200, 200, 200",
    }
    return data | changes


# --- forms and bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"discount_schedule": "flat", "discount_rate": "3.5"},
            "Enter the rate as a fraction, like 0.035 for 3.5%",
        ),
        (
            {"discount_schedule": "flat", "discount_rate": "abc"},
            "Enter the rate as a fraction, like 0.035 for 3.5%",
        ),
        (
            {"discount_schedule": "flat", "discount_rate": "-0.01"},
            "The flat discount rate cannot be negative",
        ),
        ({"discount_schedule": "flat"}, "Enter the flat discount rate, like 0.035"),
        ({"deflator": "2"}, "The deflator rate: enter the rate as a fraction, like 0.02 for 2%, not 2"),
        ({"deflator": "0.02, x"}, "Year 2: “x” is not a number"),
        ({"budget": "200, two hundred, 200"}, "Year 1: “two hundred” is not an amount in pounds"),
        ({"budget": "200, -5"}, "Year 1: the amount cannot be negative"),
        ({"budget": "200,,200"}, "Year 1: enter an amount (there is nothing between two commas)"),
        ({"price_base_year": "26"}, "Enter a year from 1990 to 2100"),
    ],
)
def test_settings_form_refuses_bad_input_and_saves_nothing(
    world: World, editor: User, changes: dict[str, str], message: str
) -> None:
    version = build_version(editor, world.ours)
    before = (
        version.discount_schedule,
        version.deflator_rate,
        list(version.budget_years.values_list("amount_gbp")),
    )
    response = client_for(editor).post(version_url("version-settings", version), settings_data(**changes))
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert message in page
    version.refresh_from_db()
    after = (
        version.discount_schedule,
        version.deflator_rate,
        list(version.budget_years.values_list("amount_gbp")),
    )
    assert after == before


def test_settings_form_saves_good_input(world: World, editor: User) -> None:
    version = build_version(editor, world.ours)
    data = settings_data(
        discount_schedule="flat", discount_rate="0.03", deflator="0.025, 0.02", budget="1, 2"
    ) | opened_at(version)
    response = client_for(editor).post(version_url("version-settings", version), data)
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.discount_rate == Decimal("0.03")
    assert version.deflator_rates.count() == 2


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ("100, abc, 100", "Year 1: “abc” is not an amount in pounds"),
        ("100, 100", "Enter 3 values, one for each year from year 0 to year 2; you entered 2"),
        ("100, 100, 100, 100", "you entered 4"),
        ("100, -1, 100", "Year 1: the amount cannot be negative"),
        ("100, 100, 1.234", "Year 2: use at most 2 decimal places (pence)"),
        ("", "Enter the values, one for each year"),
    ],
)
def test_line_form_names_the_year_at_fault_and_saves_nothing(
    world: World, editor: User, values: str, message: str
) -> None:
    version = build_version(editor, world.ours, options=1)
    option = version.options.get()
    data = {"label": "New line", "category": "operating", "prices": "real", "values": values}
    response = client_for(editor).post(version_url("line-create", version, option_pk=option.pk), data)
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert message in page
    assert not CashflowLine.objects.filter(label="New line").exists()


def test_line_form_accepts_pounds_signs_and_new_lines(world: World, editor: User) -> None:
    version = build_version(editor, world.ours, options=1)
    option = version.options.get()
    data = {"label": "New line", "category": "capital", "prices": "nominal", "values": "£100\n200.50\n 0 "}
    response = client_for(editor).post(version_url("line-create", version, option_pk=option.pk), data)
    assert response.status_code == 302
    line = CashflowLine.objects.get(label="New line")
    assert [v.amount_gbp for v in line.values.all()] == [Decimal(100), Decimal("200.50"), Decimal(0)]


def test_line_form_refuses_optimism_bias_on_benefits(world: World, editor: User) -> None:
    version = build_version(editor, world.ours, options=1)
    option = version.options.get()
    data = {
        "label": "Gain",
        "category": "benefits",
        "prices": "real",
        "optimism_bias_applies": "on",
        "values": "1, 1, 1",
    }
    page = (
        client_for(editor)
        .post(version_url("line-create", version, option_pk=option.pk), data)
        .content.decode()
    )
    assert "Optimism bias applies to costs only: untick it for a benefits line" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"years": "abc"}, "Years must be a whole number, like 10"),
        ({"years": "0"}, "Years must be at least 1"),
        ({"years": "51"}, "Years must be 50 or fewer"),
        ({"risk_bearer": "partner"}, "Select a valid choice"),
        ({"change_reason": ""}, "Say why you are changing the option"),
        ({"name": "Option 1"}, "This version already has an option with that name"),
    ],
)
def test_option_form_refuses_bad_input(
    world: World, editor: User, changes: dict[str, str], message: str
) -> None:
    version = build_version(editor, world.ours)
    option = version.options.get(name="Option 0")
    data = {
        "name": "Option 0",
        "kind": "in_house_as_now",
        "years": "3",
        "risk_bearer": "council",
        "optimism_bias_category": "",
        "change_reason": "Correcting the years",
        **opened_at(option),
    } | changes
    page = client_for(editor).post(version_url("option", version, option_pk=option.pk), data).content.decode()
    assert message in page
    option.refresh_from_db()
    assert (option.name, option.years, option.risk_bearer) == ("Option 0", 3, "council")


def test_mitigation_form_refuses_contributions_over_one(world: World, editor: User) -> None:
    version = build_version(editor, world.ours)
    option = version.options.get(name="Option 1")
    url = version_url("contribution-add", version, option_pk=option.pk)
    client = client_for(editor)
    assert client.post(url, {"factor": "A", "contribution": "0.7", "mitigation": "0.5"}).status_code == 302
    page = client.post(url, {"factor": "B", "contribution": "0.4", "mitigation": "5"}).content.decode()
    assert "Enter the rate as a fraction" in page
    page = client.post(url, {"factor": "B", "contribution": "0.4", "mitigation": "0.5"}).content.decode()
    assert "The contributions would add up to 1.1" in page
    assert option.contributions.count() == 1


def test_baseline_forms_refuse_bad_input(world: World, editor: User) -> None:
    service = ServiceArea.objects.get(name="Information technology")
    world.ours.services.add(service)
    client = client_for(editor)
    url = reverse("appraisal:baseline-create", args=[world.ours.pk])
    data = {
        "service": service.pk,
        "annual_cost_gbp": "-5",
        "cost_source": "Outturn",
        "cost_as_at": (dt.date.today() + dt.timedelta(days=3)).isoformat(),
    }
    page = client.post(url, data).content.decode()
    assert "The annual cost cannot be negative" in page
    assert "The date of the figure must be today or in the past" in page
    outside = ServiceArea.objects.get(name="Highways")
    page = client.post(url, data | {"service": outside.pk, "annual_cost_gbp": "5"}).content.decode()
    assert "Select a valid choice" in page
    assert not ServiceBaseline.objects.exists()
    response = client.post(url, data | {"annual_cost_gbp": "7400000", "cost_as_at": "2026-03-31"})
    baseline = ServiceBaseline.objects.get()
    assert response["Location"] == reverse("appraisal:baseline", args=[world.ours.pk, baseline.pk])
    measure_url = reverse("appraisal:measure-create", args=[world.ours.pk, baseline.pk])
    measure = {
        "measure-kind": "volume",
        "measure-name": "Tickets",
        "measure-value": "many",
        "measure-unit": "a year",
        "measure-source": "Service desk",
        "measure-as_at": "2026-03-31",
    }
    assert "The value must be a number" in client.post(measure_url, measure).content.decode()
    assert client.post(measure_url, measure | {"measure-value": "48000"}).status_code == 302
    page = client.get(reverse("appraisal:baselines", args=[world.ours.pk])).content.decode()
    assert "£7,400,000" in page
    assert "Tickets" in page
    assert "48,000 a year" in page


# --- frozen versions, new versions and comparison -----------------------------------------------------------


def test_editing_a_frozen_version_explains_and_offers_a_new_version(world: World, editor: User) -> None:
    version = build_version(editor, world.ours)
    services.version_freeze(user=editor, version=version, reason="Approved by Cabinet")
    option = version.options.get(name="Option 0")
    line = option.lines.get(label="Running cost")
    client = client_for(editor)
    for url in (
        version_url("version-settings", version),
        version_url("option", version, option_pk=option.pk),
        version_url("line-edit", version, option_pk=option.pk, line_pk=line.pk),
    ):
        response = client.get(url, follow=True)
        page = response.content.decode()
        assert response.redirect_chain[-1][0] == version_url("version", version)
        assert "Version 1 was frozen on" in page
        assert "Create a new version from it to make changes" in page
        assert "Create a new version from this one" in page
    data = {"label": "Running cost", "category": "operating", "prices": "real", "values": "1, 1, 1"}
    response = client.post(version_url("line-edit", version, option_pk=option.pk, line_pk=line.pk), data)
    assert response.status_code == 302
    assert [v.amount_gbp for v in line.values.all()] == [Decimal(100)] * 3

    response = client.post(version_url("version-copy", version))
    copy = BusinessCaseVersion.objects.get(number=2)
    assert response["Location"] == version_url("version", copy)
    assert copy.status == VersionStatus.DRAFT
    page = client.get(version_url("version", copy)).content.decode()
    assert "This version is a draft" in page
    assert "created from version 1" in page
    assert "Change settings" in page


def test_viewers_see_no_edit_controls_on_a_draft(world: World, editor: User) -> None:
    version = build_version(editor, world.ours)
    page = client_for(world.users[Role.COUNCIL_VIEWER]).get(version_url("version", version)).content.decode()
    assert "Change settings" not in page
    assert "Freeze this version" not in page
    assert "Add an option" not in page


def test_freezing_needs_a_reason_on_the_page(world: World, editor: User) -> None:
    version = build_version(editor, world.ours)
    client = client_for(editor)
    page = client.post(version_url("version-freeze", version), {"reason": ""}).content.decode()
    assert "Enter why this version is being frozen" in page
    version.refresh_from_db()
    assert not version.is_frozen
    response = client.post(version_url("version-freeze", version), {"reason": "Bundle changed at round 2"})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.freeze_reason == "Bundle changed at round 2"


def _two_versions(world: World, editor: User) -> tuple[BusinessCaseVersion, BusinessCaseVersion]:
    first = build_version(editor, world.ours)
    services.version_freeze(user=editor, version=first, reason="Approved")
    second = services.version_create_from(user=editor, version=first)
    line = CashflowLine.objects.get(option__version=second, option__name="Option 1", label="Running cost")
    services.line_update(user=editor, line=line, data={}, values=[Decimal(90)] * 3)
    services.option_delete(user=editor, option=second.options.get(name="Option 0"), reason="Not viable")
    services.option_create(
        user=editor, version=second, data={"name": "Shared", "kind": "shared_service", "years": 3}
    )
    return first, second


def test_compare_marks_differences_in_words(world: World, editor: User) -> None:
    first, second = _two_versions(world, editor)
    url = reverse("appraisal:compare", args=[world.ours.pk, first.business_case_id])
    page = client_for(editor).get(url).content.decode()
    assert "Version 1 against version 2" in page
    assert "<mark>£90, £90, £90</mark>" in page
    assert "<del>£110, £110, £110</del>" in page
    assert page.count('govuk-tag--orange">Changed') >= 2
    assert 'govuk-tag--red">Removed' in page
    assert 'govuk-tag--green">Added' in page
    assert "Option: Shared" in page
    only = (
        client_for(editor)
        .get(url, {"a": str(first.pk), "b": str(second.pk), "only_differences": "on"})
        .content.decode()
    )
    assert page.count(">Same<") > 0
    assert only.count(">Same<") == 0
    assert "<mark>£90, £90, £90</mark>" in only


def test_compare_refuses_a_version_of_another_business_case(world: World, editor: User) -> None:
    first, _ = _two_versions(world, editor)
    other = build_version(editor, world.ours, title="Another case")
    url = reverse("appraisal:compare", args=[world.ours.pk, first.business_case_id])
    page = client_for(editor).get(url, {"a": str(first.pk), "b": str(other.pk)}).content.decode()
    assert "Select a version of this business case" in page


# --- results ------------------------------------------------------------------------------------------------


def test_results_page_shows_every_output(world: World, editor: User) -> None:
    version = build_version(editor, world.ours, options=2, years=3)
    services.version_update_settings(
        user=editor,
        version=version,
        price_base_year=2026,
        discount_schedule="standard",
        discount_rate=None,
        deflator_rates=[Decimal("0.02")],
        budget_prices="real",
        budget_gbp=[Decimal(200), Decimal(100), Decimal(200)],
    )
    page = client_for(editor).get(version_url("version-results", version)).content.decode()
    engine = calc.appraise_options(
        [
            calc.Option(
                "Option 0",
                3,
                [
                    calc.CashflowLine("Running cost", "cost", "real", [100] * 3),
                    calc.CashflowLine("Set-up", "cost", "real", [50, 0, 0]),
                ],
            ),
            calc.Option(
                "Option 1",
                3,
                [
                    calc.CashflowLine("Running cost", "cost", "real", [110] * 3),
                    calc.CashflowLine("Set-up", "cost", "real", [50, 0, 0]),
                ],
                calc.OptimismBiasAdjustment(0.41, ["Running cost"]),
            ),
        ]
    )
    switching = next(
        s for s in engine.switching_values if s.option == "Option 0" and s.label == "Running cost"
    )
    assert switching.change is not None
    assert (
        "Option 0 stays preferred unless its “Running cost” costs rise by more than "
        f"{percentage(switching.change)}." in page
    )
    npc = engine.option("Option 0").net_present_cost_gbp
    assert f"£{npc:,.0f}" in page
    assert "Preferred" in page
    assert "41.0%" in page
    assert "years 0..n-1" in page
    assert "annuity" in page
    assert "Breaks the budget" in page
    assert "2027/28" in page
    for title in (
        "Net present cost by option",
        "Yearly costs in real terms, after optimism bias",
        "Sensitivity of Option 0&#x27;s net present cost to each cost line (±10%)",
        "equivalent annual cost by contract length",
        "yearly cost against the budget envelope",
    ):
        assert title in page, title
    assert page.count('<img src="data:image/svg+xml;base64,') == 5
    assert "Discounted cash flow of Option 1" in page
    assert "0.9662" in page
    for length in ("7 years", "10 years", "12 years", "15 years"):
        assert length in page


def test_results_page_chooses_an_option_and_contract_lengths(world: World, editor: User) -> None:
    version = build_version(editor, world.ours, options=2, years=3)
    ssp = version.options.get(name="Option 1")
    client = client_for(editor)
    page = client.get(
        version_url("version-results", version), {"option": str(ssp.pk), "lengths": "3, 5"}
    ).content.decode()
    assert "Option 1: equivalent annual cost by contract length" in page
    assert "3 years (as appraised)" in page
    assert "5 years" in page
    assert "15 years" not in page
    page = client.get(version_url("version-results", version), {"lengths": "3, ten"}).content.decode()
    assert "“ten” is not a contract length" in page
    assert "govuk-error-summary" in page


def test_results_page_says_what_is_missing(world: World, editor: User) -> None:
    case = services.business_case_create(user=editor, partnership=world.ours, title="Empty")
    page = client_for(editor).get(version_url("version-results", case.versions.get())).content.decode()
    assert "The appraisal cannot be calculated yet" in page
    assert "Add at least one option to appraise." in page


def _queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["version-results", "version", "compare", "cases"])
def test_page_query_count_does_not_grow_with_options_or_years(world: World, editor: User, name: str) -> None:
    def url(version: BusinessCaseVersion) -> str:
        if name == "compare":
            return reverse("appraisal:compare", args=[world.ours.pk, version.business_case_id])
        if name == "cases":
            return reverse("appraisal:cases", args=[world.ours.pk])
        return version_url(name, version)

    client = client_for(world.users[Role.ADMINISTRATOR])
    small = build_version(editor, world.ours, options=2, years=3, title="Small")
    services.version_freeze(user=editor, version=small, reason="Approved")
    services.version_create_from(user=editor, version=small)
    few = _queries(client, url(small))
    large = build_version(editor, world.theirs, options=6, years=15, title="Large")
    services.version_freeze(user=editor, version=large, reason="Approved")
    services.version_create_from(user=editor, version=large)
    services.business_case_create(user=editor, partnership=world.theirs, title="Another")
    many_url = url(large).replace(f"/partnerships/{world.ours.pk}/", f"/partnerships/{world.theirs.pk}/")
    assert _queries(client, many_url) == few


def test_task_page_lists_a_cited_version(world: World, editor: User) -> None:
    version = build_version(editor, world.ours)
    task = world.ours.tasks.get(action__code="I-VFM-1")
    client = client_for(editor)
    form_url = reverse("partnerships:evidence-add", args=[world.ours.pk, task.pk])
    page = client.get(form_url).content.decode()
    assert "Business case version: Options appraisal, version 1 (draft)" in page
    from django.contrib.contenttypes.models import ContentType

    key = f"{ContentType.objects.get_for_model(version).pk}:{version.pk}"
    client.post(form_url, {"record": key})
    page = client.get(reverse("partnerships:task", args=[world.ours.pk, task.pk])).content.decode()
    assert "Business case version: Options appraisal, version 1 (draft)" in page
