"""Monte Carlo runs in the app (background task lifecycle, limits, results) and the exit-cost analysis."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from forbetter.accounts.models import Role, User
from forbetter.calc import risk as risk_engine
from forbetter.calc.errors import InputError
from forbetter.risks import adapters, services
from forbetter.risks.models import (
    ExitAnalysis,
    ExitBreakYear,
    ExitCompensation,
    ExitRouteTerms,
    RunStatus,
    SimulationInput,
    SimulationRun,
)
from tests.conftest import World
from tests.factories import client_for, make_exit_analysis, make_finished_simulation_run, make_risk
from tests.web.edit_versions import opened_at

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------------------------------------------
# Monte Carlo runs
# ------------------------------------------------------------------------------------------------------


def _quantified_register(world: World) -> None:
    make_risk(world.ours, allocation="council")
    make_risk(world.ours, allocation="partner", probability=Decimal("0.2"))
    make_risk(world.ours, allocation="shared", council_share=Decimal("0.25"), distribution="triangular")
    make_risk(world.ours, quantified=False)
    make_risk(world.ours, status="closed")


def test_run_lifecycle_with_the_immediate_backend(world: World, editor: User) -> None:
    _quantified_register(world)
    client = client_for(editor)
    response = client.post(
        reverse("risks:run-create", args=[world.ours.pk]),
        {"iterations": "5000", "seed": "42", "correlation": "0.3"},
    )
    run = SimulationRun.objects.get()
    assert response["Location"] == reverse("risks:run", args=[world.ours.pk, run.pk])
    assert run.status == RunStatus.FINISHED
    assert run.progress == Decimal(1)
    assert run.started_at is not None
    assert run.finished_at is not None
    # The inputs are a snapshot of the open quantified risks only.
    assert list(run.inputs.values_list("reference", flat=True)) == ["R001", "R002", "R003"]
    shared = run.inputs.get(reference="R003")
    assert (shared.allocation, shared.council_share, shared.distribution) == (
        "shared",
        Decimal("0.25"),
        "triangular",
    )
    # The stored results are the engine's for the same inputs, seed and iterations.
    expected = risk_engine.simulate_register(
        [adapters.input_as_quantified(row) for row in run.inputs.order_by("pk")],
        iterations=5000,
        seed=42,
        correlation=0.3,
    )
    assert float(run.mean_gbp) == pytest.approx(expected.mean_gbp, abs=0.01)
    assert float(run.council_p80_gbp) == pytest.approx(expected.council.p80_gbp, abs=0.01)
    assert len(run.s_curve_gbp) == 101
    assert sum(run.histogram_counts) == 5000
    assert run.tornado.count() == 3
    assert [bar.input.reference for bar in run.tornado.all()] == [bar.id for bar in expected.tornado]
    page = client.get(response["Location"]).content.decode()
    assert (
        "There is an 80% chance the council's retained risk costs no more than "
        f"£{float(run.council_p80_gbp):,.0f}" in page
    )
    for title in (
        "S-curve of the total risk cost",
        "How often each total cost came up",
        "tornado",
        "council and partner",
    ):
        assert title in page


def test_same_seed_gives_identical_stored_results(world: World, editor: User) -> None:
    _quantified_register(world)
    first = services.simulation_run_request(user=editor, partnership=world.ours, iterations=2000, seed=9)
    second = services.simulation_run_request(user=editor, partnership=world.ours, iterations=2000, seed=9)
    fields = ("mean_gbp", "p50_gbp", "p80_gbp", "council_p80_gbp", "partner_p80_gbp", "s_curve_gbp")
    assert [getattr(first, name) for name in fields] == [getattr(second, name) for name in fields]


def test_run_above_the_maximum_iterations_is_refused_naming_the_limit(world: World, editor: User) -> None:
    _quantified_register(world)
    limit = risk_engine.MAX_ITERATIONS
    response = client_for(editor).post(
        reverse("risks:run-create", args=[world.ours.pk]), {"iterations": str(limit + 1), "correlation": "0"}
    )
    assert response.status_code == 200
    assert (
        f"Enter {limit:,} iterations or fewer: that is the most one run may use" in response.content.decode()
    )
    assert not SimulationRun.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"iterations": "10", "correlation": "0"},
            f"Enter at least {risk_engine.MIN_ITERATIONS:,} iterations",
        ),
        ({"iterations": "lots", "correlation": "0"}, "Iterations must be a whole number, like 20000"),
        (
            {"iterations": "1000", "correlation": "1.5"},
            "Rank correlation must be between -1 and 1, for example 0.3",
        ),
        ({"iterations": "1000", "correlation": "-0.9"}, "the rank correlation cannot be below"),
        (
            {"iterations": "1000", "correlation": "0", "seed": "-1"},
            "The seed must be a whole number from 0 to",
        ),
    ],
)
def test_bad_run_requests_get_specific_messages(
    world: World, editor: User, data: dict[str, str], message: str
) -> None:
    _quantified_register(world)
    response = client_for(editor).post(reverse("risks:run-create", args=[world.ours.pk]), data)
    assert message in response.content.decode()
    assert not SimulationRun.objects.exists()


def test_a_register_without_quantified_risks_cannot_be_simulated(world: World, editor: User) -> None:
    make_risk(world.ours, quantified=False)
    with pytest.raises(ValidationError, match="no open quantified risks"):
        services.simulation_run_request(user=editor, partnership=world.ours, iterations=1000)


def test_queued_run_shows_a_progress_page_that_refreshes(world: World, editor: User, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _quantified_register(world)
    run = services.simulation_run_request(user=editor, partnership=world.ours, iterations=1000, seed=1)
    assert run.status == RunStatus.QUEUED
    client = client_for(editor)
    url = reverse("risks:run", args=[world.ours.pk, run.pk])
    response = client.get(url)
    assert response["Refresh"] == "10"
    assert "waiting for the background worker" in response.content.decode()
    assert "Refresh" not in client.get(url, {"refresh": "off"})
    # The worker then runs it.
    services.simulation_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FINISHED
    assert "Refresh" not in client.get(url)
    # A run already finished is not run again when the task is delivered twice.
    finished_at = run.finished_at
    services.simulation_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.finished_at == finished_at


def test_engine_refusal_marks_the_run_failed_with_its_message(world: World, editor: User) -> None:
    _quantified_register(world)
    run = services.simulation_run_create(
        user=editor, partnership=world.ours, iterations=1000, seed=1, correlation=Decimal(0)
    )
    SimulationInput.objects.filter(run=run).update(probability=Decimal(1), minimum_gbp=Decimal(900_000))
    services.simulation_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "minimum_gbp" in run.error_message
    page = client_for(editor).get(reverse("risks:run", args=[world.ours.pk, run.pk])).content.decode()
    assert "The run failed" in page


def test_progress_follows_the_engines_chunks(
    world: World, editor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    _quantified_register(world)
    run = services.simulation_run_create(
        user=editor, partnership=world.ours, iterations=1000, seed=1, correlation=Decimal(0)
    )
    seen: list[Decimal] = []
    engine = risk_engine.simulate_register

    def chunked(*args: Any, progress: Any, **kwargs: Any) -> Any:
        for fraction in (0.25, 0.255, 0.5):
            progress(fraction)
            seen.append(SimulationRun.objects.get(pk=run.pk).progress)
        return engine(*args, progress=progress, **kwargs)

    monkeypatch.setattr(risk_engine, "simulate_register", chunked)
    services.simulation_run_execute(run_id=run.pk)
    # Stored after each chunk, except a step too small to be worth a write.
    assert seen == [Decimal("0.25"), Decimal("0.25"), Decimal("0.5")]
    run.refresh_from_db()
    assert (run.status, run.progress) == (RunStatus.FINISHED, Decimal(1))


def test_running_run_shows_how_far_it_has_got(world: World, editor: User) -> None:
    _quantified_register(world)
    run = services.simulation_run_create(
        user=editor, partnership=world.ours, iterations=1000, seed=1, correlation=Decimal(0)
    )
    SimulationRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, progress=Decimal("0.4"))
    page = client_for(editor).get(reverse("risks:run", args=[world.ours.pk, run.pk])).content.decode()
    assert "40% of the iterations are simulated" in page


def test_using_a_run_links_the_register_and_never_applies_the_council_p80(world: World, editor: User) -> None:
    """Decision record 0010 (Green Book 5.51-5.54): the council P80 is already net of the partner's part,
    so it is not put into the business case; the version is linked to the register (each option then keeps
    the expected value of the risks it bears) and takes the run's seed and iterations for its P-value."""
    from forbetter.appraisal.services import business_case_create

    case = business_case_create(user=editor, partnership=world.ours, title="Outline business case")
    version = case.versions.get()
    run = make_finished_simulation_run(world.ours, editor)
    client = client_for(editor)
    url = reverse("risks:run-apply", args=[world.ours.pk, run.pk])
    form = client.get(url).content.decode()
    assert "Outline business case, version 1" in form
    assert "is not put into any option" in form
    missing = client.post(url, {"version": ""})
    assert "Select the business case version" in missing.content.decode()
    response = client.post(url, {"version": str(version.pk)})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.include_register_risks
    assert (version.risk_seed, version.risk_iterations) == (7, 1_000)
    assert f"Monte Carlo run {run.pk}" in version.risk_note
    assert not hasattr(version, "risk_adjustment_gbp")


def test_business_case_link_missing_is_explained_not_an_error(
    world: World, editor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "business_case_link", lambda: None)
    run = make_finished_simulation_run(world.ours, editor)
    client = client_for(editor)
    page = client.get(reverse("risks:run-apply", args=[world.ours.pk, run.pk])).content.decode()
    assert "The business case area is not available" in page
    assert (
        client.post(reverse("risks:run-apply", args=[world.ours.pk, run.pk]), {"version": "1"}).status_code
        == 200
    )
    with pytest.raises(ValidationError):
        services.simulation_apply_to_business_case(user=editor, run=run, version=object())


def test_run_list_query_count_does_not_grow(world: World, editor: User) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(editor)
    url = reverse("risks:runs", args=[world.ours.pk])
    make_finished_simulation_run(world.ours, editor)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(5):
        make_finished_simulation_run(world.ours, editor)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


# ------------------------------------------------------------------------------------------------------
# Exit analysis
# ------------------------------------------------------------------------------------------------------

EXIT_FORM = {
    "term_years": "10",
    "break_years_text": "5",
    "annual_charge_gbp": "2000000",
    "replacement_annual_cost_gbp": "1800000",
    "partner_investment_gbp": "5000000",
    "amortisation_years": "5",
    "tupe_costs_gbp": "100000",
    "redundancy_costs_gbp": "50000",
    "transition_costs_gbp": "300000",
    "reprocurement_costs_gbp": "250000",
    "discount_schedule": "none",
    "discount_rate": "0",
    "notes": "",
}


def test_exit_analysis_worked_example_through_the_pages(world: World, editor: User) -> None:
    client = client_for(editor)
    pk = world.ours.pk
    response = client.post(reverse("risks:exit-edit", args=[pk]), EXIT_FORM)
    assert response.status_code == 302
    analysis = ExitAnalysis.objects.get()
    assert list(analysis.break_years.values_list("year", flat=True)) == [5]
    assert ExitRouteTerms.objects.filter(analysis=analysis).count() == 6
    schedule = {"investment_share": "1", "year_3": "1000000", "year_5": "800000", **opened_at(analysis)}
    client.post(reverse("risks:exit-schedule", args=[pk, "council_voluntary_termination"]), schedule)
    assert ExitCompensation.objects.filter(analysis=analysis).count() == 2
    page = client.get(reverse("risks:exit", args=[pk])).content.decode()
    # Year 3, voluntary termination (tests/calc/test_exit_costs.py): £2,300,000.
    assert "£2,300,000" in page
    assert "Net cost to the council of ending, by year and route" in page
    assert "Not available" in page
    # Clearing a year removes its entry; it then counts as £0.
    client.post(
        reverse("risks:exit-schedule", args=[pk, "council_voluntary_termination"]),
        {"investment_share": "1", "year_3": "", "year_5": "800000", **opened_at(analysis)},
    )
    assert list(ExitCompensation.objects.values_list("year", flat=True)) == [5]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"break_years_text": "5, ten"},
            "Enter break years as whole numbers separated by commas, like 5, 10",
        ),
        ({"break_years_text": "10"}, "Break years must be between 1 and 9, before the last year of the term"),
        ({"discount_rate": "3.5"}, "Discount rate must be between 0 and 1, for example 0.035"),
        ({"discount_schedule": "flat", "discount_rate": ""}, "Enter the flat discount rate, like 0.05"),
        ({"discount_schedule": ""}, "Select how the years left are discounted"),
        ({"annual_charge_gbp": "-5"}, "Annual charge cannot be negative"),
        ({"term_years": "0"}, "Term must be at least 1 year"),
        ({"partner_investment_gbp": ""}, "Enter the partner&#x27;s investment (0 if none)"),
    ],
)
def test_bad_exit_inputs_get_specific_messages_and_save_nothing(
    world: World, editor: User, changes: dict[str, str], message: str
) -> None:
    response = client_for(editor).post(
        reverse("risks:exit-edit", args=[world.ours.pk]), {**EXIT_FORM, **changes}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ExitAnalysis.objects.exists()
    assert not ExitBreakYear.objects.exists()


def test_bad_schedule_input_saves_nothing(world: World, editor: User) -> None:
    analysis = make_exit_analysis(world.ours, editor)
    client = client_for(editor)
    url = reverse("risks:exit-schedule", args=[world.ours.pk, "council_voluntary_termination"])
    response = client.post(url, {"investment_share": "1.5", "year_2": "abc"})
    content = response.content.decode()
    assert "The share must be between 0 and 1, for example 1 for all of it" in content
    assert "Compensation for year 2 must be a number of pounds, like 250000" in content
    assert not ExitCompensation.objects.filter(analysis=analysis).exists()
    assert client.get(reverse("risks:exit-schedule", args=[world.ours.pk, "walk_away"])).status_code == 404


def test_schedule_before_the_analysis_exists_sends_the_editor_to_the_inputs(
    world: World, editor: User
) -> None:
    response = client_for(editor).get(reverse("risks:exit-schedule", args=[world.ours.pk, "expiry"]))
    assert response["Location"] == reverse("risks:exit-edit", args=[world.ours.pk])


def test_exit_inputs_start_from_the_partnership(world: World, editor: User) -> None:
    world.ours.term_years = 12
    world.ours.value_basis = "annual_charge"
    world.ours.estimated_value_gbp = Decimal("14500000")
    world.ours.save()
    page = client_for(editor).get(reverse("risks:exit-edit", args=[world.ours.pk])).content.decode()
    assert 'value="12"' in page
    assert 'value="14500000' in page


def test_engine_error_on_stored_exit_inputs_is_shown_not_raised(
    world: World, editor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_exit_analysis(world.ours, editor)

    def refuse(inputs: object) -> None:
        raise InputError("term_years", "must be from 1 to 50")

    monkeypatch.setattr("forbetter.risks.analysis_views.exit_cost_table", refuse)
    page = client_for(editor).get(reverse("risks:exit", args=[world.ours.pk])).content.decode()
    assert "The figures cannot be worked out from the inputs: Term: must be from 1 to 50" in page


def test_partner_user_cannot_read_runs_or_exit_costs(world: World, editor: User) -> None:
    run = make_finished_simulation_run(world.ours, editor)
    make_exit_analysis(world.ours, editor)
    client = client_for(world.users[Role.PARTNER_USER])
    for url in (
        reverse("risks:runs", args=[world.ours.pk]),
        reverse("risks:run", args=[world.ours.pk, run.pk]),
        reverse("risks:exit", args=[world.ours.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert "confidential to the council" in response.content.decode()


def test_exit_costs_are_discounted_by_default_and_show_cash_and_present_value(
    world: World, editor: User
) -> None:
    """Rule EXIT-DISCOUNTED (Green Book 2022, Annex A6): a new analysis is discounted on the standard
    schedule; the page shows each exit's cost at the exit date, in cash and as a present value. Year 3 of
    the worked example: charges saved 2,000,000 × A(3, 7) instead of 14,000,000, with A the sum of
    1/1.035^j for j = 1..7."""
    client = client_for(editor)
    pk = world.ours.pk
    form = client.get(reverse("risks:exit-edit", args=[pk])).content.decode()
    assert 'value="standard" checked' in form
    client.post(reverse("risks:exit-edit", args=[pk]), {**EXIT_FORM, "discount_schedule": "standard"})
    client.post(
        reverse("risks:exit-schedule", args=[pk, "council_voluntary_termination"]),
        {"investment_share": "1", "year_3": "1000000", **opened_at(ExitAnalysis.objects.get())},
    )
    page = client.get(reverse("risks:exit", args=[pk])).content.decode()
    annuity = sum(1.035**-j for j in range(1, 8))
    net = 1_000_000 + 2_000_000 + 150_000 + 550_000 - 200_000 * annuity
    assert f"£{round(net):,}" in page
    assert "£2,300,000" in page  # the same exit in cash
    assert f"£{round(net / 1.035**3):,}" in page  # its present value at the start of the contract
    assert "Green Book standard schedule" in page


def test_compensation_and_unamortised_investment_overlap_is_warned(world: World, editor: User) -> None:
    """Rule EXIT-NO-DOUBLE-COUNT (HM Treasury SoPC4, ch. 21): voluntary-termination compensation in year 3
    while the council also pays all of the partner's unamortised investment: the page warns and names it."""
    client = client_for(editor)
    pk = world.ours.pk
    client.post(reverse("risks:exit-edit", args=[pk]), EXIT_FORM)
    client.post(
        reverse("risks:exit-schedule", args=[pk, "council_voluntary_termination"]),
        {
            "investment_share": "1",
            "year_3": "1000000",
            "year_7": "500000",
            **opened_at(ExitAnalysis.objects.get()),
        },
    )
    page = client.get(reverse("risks:exit", args=[pk])).content.decode()
    assert "Compensation and the partner's unamortised investment may overlap" in page
    assert "Council voluntary termination: in year 3 the council would pay both" in page
