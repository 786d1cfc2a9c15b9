"""Business-case rules of issue 9 as a council officer meets them on the pages: the risk adjustment per option
from the register, ranking on net present value, optimism-bias bounds and warnings, frozen versions that
keep their figures, deflators that cover the options, contract lengths, option correction and removal with
a reason, and text without hard-coded rates or raw values."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from forbetter.accounts.models import User
from forbetter.appraisal import adapters, selectors, services
from forbetter.appraisal.models import (
    AppraisalOption,
    BusinessCaseVersion,
    CashflowLine,
    CashflowValue,
    DeflatorRate,
    FrozenResult,
    LineCategory,
)
from forbetter.calc import appraisal as calc
from forbetter.risks.models import Risk
from tests.conftest import World
from tests.factories import client_for, make_risk, risk_category
from tests.web.edit_versions import opened_at
from tests.web.test_appraisal_services import build_version, line_data
from tests.web.test_appraisal_views import settings_data, version_url

pytestmark = pytest.mark.django_db


def _appraise(world: World, version: BusinessCaseVersion) -> adapters.VersionAppraisal:
    return adapters.appraise_version(selectors.version_with_inputs(world.ours, version.pk))


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- item 1: risk adjustment per option ---------------------------------------------------------------------


def test_in_house_options_bear_every_risk_and_partnerships_the_registers_allocation(
    world: World, editor: User
) -> None:
    """Green Book (2022) 5.51-5.54: in-house the council bears every risk; under a partnership it keeps the
    register's council share. A shared risk (council 40%) of expected value 22,500: the in-house option keeps
    22,500, the partnership 9,000. The old method gave in-house only the council's part."""
    version = build_version(editor, world.ours, options=2, years=3)
    make_risk(world.ours, allocation="shared", council_share=Decimal("0.4"))
    by_name = {o.result.name: o for o in _appraise(world, version).options}
    assert by_name["Option 0"].risk is not None
    assert by_name["Option 0"].risk.expected_value_gbp == pytest.approx(22_500)
    assert by_name["Option 1"].risk is not None
    assert by_name["Option 1"].risk.expected_value_gbp == pytest.approx(9_000)


def test_per_risk_and_per_category_overrides_are_stored_rows_with_years(world: World, editor: User) -> None:
    """An option can say who bears one risk or a whole category, and when the risk falls: rows, not JSON.
    A per-risk row wins over a per-category row; the years move the expected value into them."""
    version = build_version(editor, world.ours, options=2, years=3)
    first = make_risk(world.ours)
    make_risk(world.ours)
    ssp = version.options.get(name="Option 1")
    services.option_risk_share_set(
        user=editor, option=ssp, category=risk_category(), council_share=Decimal("0.5"), reason="Shared"
    )
    services.option_risk_share_set(
        user=editor,
        option=ssp,
        risk=first,
        council_share=Decimal(1),
        first_year=2,
        last_year=2,
        reason="Mobilisation risk stays with us",
    )
    result = _appraise(world, version).by_pk(ssp.pk)
    assert result.risk is not None
    assert [r.expected_value_gbp for r in result.risk.risks] == pytest.approx([22_500, 11_250])
    line = next(line for line in result.result.lines if line.label == calc.RISK_ADJUSTMENT_LABEL)
    factors = calc.discount_factors(3)
    assert line.present_value_gbp == pytest.approx(22_500 * factors[2] + 11_250 / 3 * factors.sum())
    assert ssp.risk_shares.count() == 2
    with pytest.raises(Exception, match="year 5 is outside"):
        services.option_risk_share_set(
            user=editor,
            option=ssp,
            risk=first,
            council_share=Decimal(1),
            first_year=4,
            last_year=5,
            reason="Too late",
        )


def test_results_page_shows_the_expected_value_and_the_p_value_as_a_sensitivity(
    world: World, editor: User
) -> None:
    """The P80 is shown beside the expected value and is not in the net present cost."""
    version = build_version(editor, world.ours, options=2, years=3)
    make_risk(world.ours)
    page = _text(client_for(editor).get(version_url("version-results", version)).content.decode())
    appraised = _appraise(world, version)
    risk = appraised.options[0].risk
    assert risk is not None
    assert f"P80: £{round(risk.p_value_gbp):,}" in page
    assert "is not added to the cost" in page


def test_the_risks_page_links_the_register_instead_of_applying_a_p80(world: World, editor: User) -> None:
    """Decision record 0010: using a run in the business case no longer puts the council P80 into the
    options (that double counted the transfer); it links the version to the register with the run's seed."""
    from forbetter.risks import services as risk_services
    from tests.factories import make_finished_simulation_run

    version = build_version(editor, world.ours, options=2, years=3)
    make_risk(world.ours)
    run = make_finished_simulation_run(world.ours, editor)
    before = {o.result.name: o.result.net_present_cost_gbp for o in _appraise(world, version).options}
    risk_services.simulation_apply_to_business_case(user=editor, run=run, version=version)
    version.refresh_from_db()
    assert version.include_register_risks
    assert version.risk_seed == run.seed
    after = {o.result.name: o.result.net_present_cost_gbp for o in _appraise(world, version).options}
    assert after == pytest.approx(before)  # the register's expected values, not the run's P80


# --- item 2: ranking and optimism bias ---------------------------------------------------------------------


def test_options_with_benefits_are_ranked_on_net_present_value(world: World, editor: User) -> None:
    """Green Book (2022) 5.3 and 6.2: with benefits present the preferred option has the highest net present
    value, and the page says which rule ranked the options. Option 1 costs more but brings large savings."""
    version = build_version(editor, world.ours, options=2, years=3)
    services.line_create(
        user=editor,
        option=version.options.get(name="Option 1"),
        data=line_data("Big savings", category=LineCategory.BENEFITS),
        values=[Decimal(500)] * 3,
    )
    appraised = _appraise(world, version)
    assert appraised.ranking_rule == "npv"
    assert appraised.appraisal.preferred == "Option 1"
    page = _text(client_for(editor).get(version_url("version-results", version)).content.decode())
    assert "How the options are ranked: on net present value" in page
    assert "Options ranked by net present value, highest first" in page


def test_optimism_bias_never_below_the_guidance_lower_bound(world: World, editor: User) -> None:
    """Supplementary Green Book Guidance: Optimism Bias (2003), Table 1: standard buildings 24% to 2%. Full
    mitigation leaves 2%, not 0%."""
    version = build_version(editor, world.ours, options=2, years=1)
    ssp = version.options.get(name="Option 1")
    services.option_update(
        user=editor, option=ssp, data={"optimism_bias_category": "standard_buildings"}, reason="Building"
    )
    services.contribution_add(
        user=editor, option=ssp, factor="Everything", contribution=Decimal(1), mitigation=Decimal(1)
    )
    ssp.refresh_from_db()
    assert ssp.optimism_bias_lower_bound == Decimal("0.02")
    assert _appraise(world, version).by_pk(ssp.pk).result.optimism_bias == pytest.approx(0.02)


def test_warning_when_optimism_bias_is_on_some_options_only_and_overlaps_priced_risk(
    world: World, editor: User
) -> None:
    """Optimism bias on Option 1 only, and Option 1 also has a priced risk line: both warnings name them."""
    version = build_version(editor, world.ours, options=2, years=3)
    services.line_create(
        user=editor,
        option=version.options.get(name="Option 1"),
        data=line_data("Contingency", category=LineCategory.RISK),
        values=[Decimal(5)] * 3,
    )
    page = _text(client_for(editor).get(version_url("version-results", version)).content.decode())
    assert "Optimism bias is applied to Option 1 but not to Option 0" in page
    assert (
        "Option 1 has optimism bias of 41.0% on “Running cost” and also priced risk in “Contingency”" in page
    )


# --- item 3: frozen versions keep their figures ------------------------------------------------------------


def test_frozen_version_keeps_its_stored_figures_when_inputs_rates_and_risks_change(
    world: World, editor: User
) -> None:
    """Rule VERSION-FREEZE-FIGURES: results, discount factors and the engine version are stored at freezing;
    a line, the discount rate and the register changed behind its back (straight in the database) change
    neither the results page nor the comparison."""
    version = build_version(editor, world.ours, options=2, years=3)
    make_risk(world.ours)
    services.version_freeze(user=editor, version=version, reason="Approved by Cabinet")
    stored = FrozenResult.objects.get(version=version)
    assert stored.engine_version == calc.ENGINE_VERSION
    frozen_npc = {o.name: o.net_present_cost_gbp for o in stored.options.all()}
    results_url = version_url("version-results", version)
    before = _text(client_for(editor).get(results_url).content.decode())
    compare_url = f"/partnerships/{world.ours.pk}/business-case/{version.business_case_id}/compare/"
    copy = services.version_create_from(user=editor, version=version)
    compare_before = _text(
        client_for(editor).get(compare_url, {"a": version.pk, "b": copy.pk}).content.decode()
    )

    CashflowValue.objects.filter(line__option__version=version).update(amount_gbp=Decimal(999))
    BusinessCaseVersion.objects.filter(pk=version.pk).update(discount_schedule="flat", discount_rate="0.1")
    DeflatorRate.objects.filter(version=version).delete()
    Risk.objects.filter(partnership=world.ours).update(probability=Decimal(1))

    after = _text(client_for(editor).get(results_url).content.decode())
    compare_after = _text(
        client_for(editor).get(compare_url, {"a": version.pk, "b": copy.pk}).content.decode()
    )
    assert after == before
    for name, npc in frozen_npc.items():
        assert f"£{round(npc):,}" in after, name
    assert "stored when it was frozen" in after
    for name, npc in frozen_npc.items():
        assert f"£{round(npc):,}" in compare_before, name
        assert f"£{round(npc):,}" in compare_after, name
    version_a_column = [
        o.result.net_present_cost_gbp
        for o in _appraise(world, BusinessCaseVersion.objects.get(pk=version.pk)).options
    ]
    assert version_a_column == pytest.approx([float(v) for v in frozen_npc.values()])


def test_a_version_whose_appraisal_cannot_be_calculated_cannot_be_frozen(world: World, editor: User) -> None:
    version = build_version(editor, world.ours, options=1, years=3)
    services.option_create(user=editor, version=version, data={"name": "Empty", "kind": "ssp", "years": 3})
    response = client_for(editor).post(version_url("version-freeze", version), {"reason": "Approved"})
    page = _text(response.content.decode())
    assert "cannot be frozen because its appraisal cannot be calculated" in page
    assert "Add a cash-flow line to the option “Empty”" in page
    version.refresh_from_db()
    assert not version.is_frozen
    assert not FrozenResult.objects.filter(version=version).exists()


def test_deflator_series_shorter_than_the_options_years_is_refused(world: World, editor: User) -> None:
    """Green Book (2022) chapter 5: each year needs its deflator. Two yearly rates cannot cover a 5-year
    option (four are needed): the settings form says so and saves nothing; a longer option is refused too."""
    version = build_version(editor, world.ours, options=1, years=5)
    response = client_for(editor).post(
        version_url("version-settings", version), settings_data(deflator="0.02, 0.03") | opened_at(version)
    )
    page = _text(response.content.decode())
    assert "You listed 2 yearly rates, but the option “Option 0” runs for 5 years, so 4 are needed" in page
    assert not DeflatorRate.objects.filter(version=version).exists()
    services.version_update_settings(
        user=editor,
        version=version,
        price_base_year=2026,
        discount_schedule="standard",
        discount_rate=None,
        deflator_rates=[Decimal("0.02")] * 4,
        budget_prices="real",
        budget_gbp=[],
    )
    with pytest.raises(Exception, match="change the version's settings to list 7 rates"):
        services.option_create(user=editor, version=version, data={"name": "Long", "kind": "ssp", "years": 8})


# --- item 16 (business case): options corrected or withdrawn with a reason ---------------------------------


def test_removing_an_option_asks_for_confirmation_and_records_the_reason(world: World, editor: User) -> None:
    """Issue 9 item 16: the confirmation page says exactly what goes (three lines, nine yearly amounts); the
    removal needs a reason, and every removed record's history carries it."""
    version = build_version(editor, world.ours, options=2, years=3)
    option = version.options.get(name="Option 1")
    url = version_url("option-delete", version, option_pk=option.pk)
    page = _text(client_for(editor).get(url).content.decode())
    assert "3 cash-flow lines, with 9 yearly amounts" in page
    refused = _text(client_for(editor).post(url, {"reason": ""}).content.decode())
    assert "Enter why the option is being removed" in refused
    assert AppraisalOption.objects.filter(pk=option.pk).exists()
    client_for(editor).post(url, {"reason": "Bidder withdrew"})
    assert not AppraisalOption.objects.filter(pk=option.pk).exists()
    assert (
        AppraisalOption.history.filter(id=option.pk).first().history_change_reason
        == "Removed: Bidder withdrew"
    )
    removed_lines = CashflowLine.history.filter(option_id=option.pk, history_type="-")
    assert removed_lines.count() == 3
    assert all("Bidder withdrew" in (h.history_change_reason or "") for h in removed_lines)
    version_page = _text(client_for(editor).get(version_url("version", version)).content.decode())
    assert "Options removed from this version" in version_page
    assert "“Option 1”, removed on" in version_page
    assert "Removed: Bidder withdrew" in version_page


def test_correcting_an_option_needs_a_reason_kept_in_its_history(world: World, editor: User) -> None:
    version = build_version(editor, world.ours, options=1, years=3)
    option = version.options.get()
    data = {
        "name": "In-house (corrected)",
        "kind": "in_house_as_now",
        "years": "3",
        "risk_bearer": "council",
        "optimism_bias_category": "",
        "change_reason": "Name agreed at the board",
        **opened_at(option),
    }
    client_for(editor).post(version_url("option", version, option_pk=option.pk), data)
    option.refresh_from_db()
    assert option.name == "In-house (corrected)"
    assert option.history.first().history_change_reason == "Corrected: Name agreed at the board"


# --- item 6: text -------------------------------------------------------------------------------------------


def test_flat_rate_versions_never_show_the_standard_3_5_percent(world: World, editor: User) -> None:
    """A version discounted at a flat 5% says 5.00% (and the annuity gap of 5.0%), never "3.5%"."""
    version = build_version(editor, world.ours, options=2, years=3)
    services.version_update_settings(
        user=editor,
        version=version,
        price_base_year=2026,
        discount_schedule="flat",
        discount_rate=Decimal("0.05"),
        deflator_rates=[Decimal("0.02")],
        budget_prices="real",
        budget_gbp=[Decimal(200)] * 3,
    )
    for name in ("version-results", "version"):
        page = _text(client_for(editor).get(version_url(name, version)).content.decode())
        assert "3.5%" not in page.split("Changes to this version")[0], name
    page = _text(client_for(editor).get(version_url("version-results", version)).content.decode())
    assert "at a flat 5.00% a year" in page
    assert "5.0% higher while the rate is 5.0%" in page


def test_appraisal_pages_show_no_raw_values(world: World, editor: User) -> None:
    """No "None", raw field names, "−£0" or file paths on the business-case pages."""
    version = build_version(editor, world.ours, options=2, years=3)
    make_risk(world.ours)
    option = version.options.first()
    assert option is not None
    for name, kwargs in [
        ("version", {}),
        ("version-results", {}),
        ("version-risk", {}),
        ("option", {"option_pk": option.pk}),
        ("option-delete", {"option_pk": option.pk}),
    ]:
        page = _text(client_for(editor).get(version_url(name, version, **kwargs)).content.decode())
        for raw in (" None ", "_gbp", "−£0 ", "/tmp/", "risk_bearer", "retained_share"):
            assert raw not in page, (name, raw)


def test_frozen_results_page_reads_a_fixed_number_of_queries(world: World, editor: User) -> None:
    """STYLE habit 6: the stored figures are read with the same number of queries whatever the options."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for options in (1, 3):
        version = build_version(editor, world.ours, options=options, years=3, title=f"Case {options}")
        services.version_freeze(user=editor, version=version, reason="Approved")
        client = client_for(editor)
        client.get(version_url("version-results", version))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(version_url("version-results", version)).status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]
