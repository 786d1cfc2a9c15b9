"""Council-confidential risk pages: Monte Carlo runs (request, progress, results, business-case link) and the
exit-cost analysis. Partner users get 403 on every page here; changes also need ``can_edit``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from forbetter.calc import risk as risk_engine
from forbetter.calc.errors import InputError
from forbetter.calc.exit_costs import compensation_overlaps, costliest_exit, exit_cost_table
from forbetter.core.form_handling import write_form
from forbetter.risks import adapters, charts, selectors, services
from forbetter.risks.forms import (
    ApplyToBusinessCaseForm,
    ExitAnalysisForm,
    ExitScheduleForm,
    SimulationRunForm,
)
from forbetter.risks.models import ExitAnalysis, ExitRoute, RunStatus, SimulationRun
from forbetter.risks.views import (
    apply_errors,
    page,
    paginate,
    require_confidential,
    require_edit,
    save_form,
    visible_partnership,
)

REFRESH_SECONDS = 10
TORNADO_BARS = 15
INPUTS_PAGE = "inputs_page"
TORNADO_PAGE = "tornado_page"


# ------------------------------------------------------------------------------------------------------
# Monte Carlo runs
# ------------------------------------------------------------------------------------------------------


def runs(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_confidential(request)
    services.simulation_runs_sweep_stale(partnership=partnership)
    return page(
        request,
        "risks/runs.html",
        partnership,
        "simulations",
        page_obj=paginate(request, selectors.simulation_runs(partnership)),
        summary=selectors.register_summary(partnership),
        heartbeat_limit=services.heartbeat_limit_text(),
    )


def run_create(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_confidential(request)
    require_edit(request)
    form = SimulationRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.simulation_run_request(
                user=request.user,
                partnership=partnership,
                iterations=form.cleaned_data["iterations"],
                seed=form.cleaned_data["seed"],
                correlation=form.cleaned_data["correlation"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Monte Carlo run {run.pk} requested")
            return redirect("risks:run", pk=partnership.pk, run_pk=run.pk)
    return page(
        request,
        "risks/run_form.html",
        partnership,
        "simulations",
        form=form,
        summary=selectors.register_summary(partnership),
        max_iterations=risk_engine.MAX_ITERATIONS,
        min_iterations=risk_engine.MIN_ITERATIONS,
    )


def _run(partnership: Any, run_pk: int) -> SimulationRun:
    try:
        return selectors.simulation_run_detail(partnership, run_pk)
    except SimulationRun.DoesNotExist as error:
        raise Http404("No such run") from error


def run_detail(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_confidential(request)
    services.simulation_runs_sweep_stale(partnership=partnership)
    run = _run(partnership, run_pk)
    if run.status != RunStatus.FINISHED:
        auto_refresh = run.is_pending and request.GET.get("refresh") != "off"
        response = page(
            request,
            "risks/run_progress.html",
            partnership,
            "simulations",
            run=run,
            auto_refresh=auto_refresh,
            refresh_seconds=REFRESH_SECONDS,
            heartbeat_limit=services.heartbeat_limit_text(),
            retries=list(run.retries.order_by("pk")),
        )
        if auto_refresh:
            response["Refresh"] = str(REFRESH_SECONDS)
        return response
    return page(
        request,
        "risks/run_results.html",
        partnership,
        "simulations",
        run=run,
        **run_results(run),
        inputs_page=_table_page(request, selectors.simulation_inputs(run), INPUTS_PAGE),
        tornado_page=_table_page(request, selectors.simulation_tornado(run), TORNADO_PAGE),
        tables_open=INPUTS_PAGE in request.GET or TORNADO_PAGE in request.GET,
    )


def _table_page(request: HttpRequest, rows: Any, param: str) -> Page:
    """One page of one of the results page's two tables, each paged by its own query parameter, so a run
    over thousands of risks reads and shows a page of each (DESIGN section 7)."""
    return paginate(request, rows, page_param=param)


def run_results(run: SimulationRun) -> dict[str, Any]:
    """The results page's charts and sentences, every figure from the stored results of the engine."""
    key = ["run", run.pk, str(run.finished_at)]
    council_p80 = float(run.council_p80_gbp)
    p_values = [
        ("P10", run.p10_gbp, "10%"),
        ("P50 (median)", run.p50_gbp, "50%"),
        ("P80", run.p80_gbp, "80%"),
        ("P90", run.p90_gbp, "90%"),
        ("P95", run.p95_gbp, "95%"),
    ]
    s_curve = charts.s_curve_chart(
        run_key=key,
        s_curve_gbp=run.s_curve_gbp,
        council_p80_gbp=council_p80,
        summary=(
            f"The S-curve reads as a chance: there is a 50% chance the risks cost no more than "
            f"{charts.pounds(float(run.p50_gbp))} in total, and an 80% chance they cost no more than "
            f"{charts.pounds(float(run.p80_gbp))}. The dashed line marks the council's P80, "
            f"{charts.pounds(council_p80)}."
        ),
    )
    counts = list(run.histogram_counts)
    edges = list(run.histogram_edges_gbp)
    busiest = max(range(len(counts)), key=counts.__getitem__) if counts else 0
    histogram = charts.histogram_chart(
        run_key=key,
        edges_gbp=edges,
        counts=counts,
        summary=(
            f"The most common totals were between {charts.pounds(edges[busiest])} and "
            f"{charts.pounds(edges[busiest + 1])} "
            f"({counts[busiest] / max(sum(counts), 1):.0%} of iterations)."
            if counts
            else "No totals were recorded."
        ),
    )
    bars = list(selectors.simulation_tornado(run)[:TORNADO_BARS])
    labels = [f"{bar.input.reference} {bar.input.title[:40]}" for bar in bars]
    strongest = bars[0] if bars else None
    tornado = charts.tornado_chart(
        run_key=key,
        labels=labels,
        correlations=[float(bar.rank_correlation) for bar in bars],
        summary=(
            f"The risk that most drives the total is {strongest.input.reference} "
            f"“{strongest.input.title}”: the rank correlation of its cost with the total is "
            f"{float(strongest.rank_correlation):.2f} (1 would mean it alone decides the total)."
            if strongest
            else "No risk drives the total."
        ),
    )
    split = charts.split_chart(
        run_key=key,
        council=[float(run.council_mean_gbp), float(run.council_p50_gbp), float(run.council_p80_gbp)],
        partner=[float(run.partner_mean_gbp), float(run.partner_p50_gbp), float(run.partner_p80_gbp)],
        summary=(
            f"On average the council bears {charts.pounds(float(run.council_mean_gbp))} and the partner "
            f"{charts.pounds(float(run.partner_mean_gbp))}; shared risks are split by the council's share."
        ),
    )
    difference = (
        abs(float(run.mean_gbp) / float(run.analytic_mean_gbp) - 1) if float(run.analytic_mean_gbp) else 0.0
    )
    return {
        "p_values": p_values,
        "charts": [s_curve, histogram, tornado, split],
        "s_curve": s_curve,
        "histogram": histogram,
        "tornado": tornado,
        "split": split,
        "mean_difference": difference,
        "business_case_available": services.business_case_link() is not None,
    }


def run_apply(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_confidential(request)
    require_edit(request)
    run = get_object_or_404(SimulationRun, partnership=partnership, pk=run_pk)
    if run.status != RunStatus.FINISHED:
        messages.info(request, "The run has not finished, so its results cannot be used yet")
        return redirect("risks:run", pk=partnership.pk, run_pk=run.pk)
    link = services.business_case_link()
    versions = list(link[0](partnership)) if link else []
    form = ApplyToBusinessCaseForm(request.POST or None, versions=[(str(v.pk), str(v)) for v in versions])
    if request.method == "POST" and link is not None and form.is_valid():
        version = next(v for v in versions if str(v.pk) == form.cleaned_data["version"])
        try:
            services.simulation_apply_to_business_case(user=request.user, run=run, version=version)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"{version} now gives each option the expected value of the register's risks it keeps, "
                f"with a P-value from seed {run.seed} beside it",
            )
            return redirect("risks:run", pk=partnership.pk, run_pk=run.pk)
    return page(
        request,
        "risks/run_apply.html",
        partnership,
        "simulations",
        run=run,
        form=form,
        available=link is not None,
        versions=versions,
        source=services.risk_adjustment_source(run),
    )


def run_cancel(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    """Ask, then cancel a queued or running run. A POST without ``confirm=yes`` changes nothing."""
    return _run_action(request, pk, run_pk, action="cancel")


def run_retry(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    """Ask, then queue a new run with a failed or cancelled run's inputs, seed and iterations."""
    return _run_action(request, pk, run_pk, action="retry")


def _run_action(request: HttpRequest, pk: int, run_pk: int, *, action: str) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_confidential(request)
    require_edit(request)
    services.simulation_runs_sweep_stale(partnership=partnership)
    run = get_object_or_404(
        SimulationRun.objects.select_related("requested_by"), partnership=partnership, pk=run_pk
    )
    allowed = run.is_pending if action == "cancel" else run.status in (RunStatus.FAILED, RunStatus.CANCELLED)
    error = ""
    if request.method == "POST" and allowed and request.POST.get("confirm") == "yes":
        try:
            if action == "cancel":
                services.simulation_run_cancel(user=request.user, run=run)
                messages.success(request, f"Monte Carlo run {run.pk} cancelled")
                return redirect("risks:run", pk=partnership.pk, run_pk=run.pk)
            retry = services.simulation_run_retry(user=request.user, run=run)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, f"Monte Carlo run {retry.pk} requested: a retry of run {run.pk}")
            return redirect("risks:run", pk=partnership.pk, run_pk=retry.pk)
    return page(
        request,
        "risks/run_action.html",
        partnership,
        "simulations",
        run=run,
        action=action,
        allowed=allowed,
        error=error,
        unconfirmed=request.method == "POST" and not error,
    )


# ------------------------------------------------------------------------------------------------------
# Exit analysis
# ------------------------------------------------------------------------------------------------------


def exit_analysis(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_confidential(request)
    analysis = selectors.exit_analysis(partnership)
    context: dict[str, Any] = {"analysis": analysis, "routes": ExitRoute.choices}
    if analysis is not None:
        context.update(exit_results(analysis))
    return page(request, "risks/exit_analysis.html", partnership, "exit", **context)


def exit_results(analysis: ExitAnalysis) -> dict[str, Any]:
    """The exit-cost table from the engine, its chart, a breakdown per route and the sentences."""
    break_years = [row.year for row in analysis.break_years.all()]
    terms = {row.route: row for row in analysis.route_terms.all()}
    try:
        inputs = adapters.exit_inputs(
            analysis,
            break_years=break_years,
            route_terms=terms.values(),
            schedule=analysis.compensation.all(),
        )
        table = exit_cost_table(inputs)
    except InputError as error:
        return {"engine_error": adapters.exit_error_text(error)}
    labels = dict(ExitRoute.choices)
    overlaps = [
        f"{labels[overlap.route]}: in year{'s' if len(overlap.years) > 1 else ''} "
        f"{', '.join(str(year) for year in overlap.years)} the council would pay both the compensation "
        f"entered and {float(terms[overlap.route].investment_share):.0%} of the partner's investment not yet "
        "written off. Under standard contract terms compensation on this route usually already repays that "
        "investment, so the same money may be counted twice: check the compensation schedule, or set the "
        "investment share for this route to 0."
        for overlap in compensation_overlaps(inputs)
    ]
    years = list(range(1, analysis.term_years + 1))
    worst = costliest_exit(table)
    expiry = table["expiry"][-1]
    summary = (
        f"The costliest way out is {labels[worst.route].lower()} at the end of year {worst.year}: "
        f"{charts.pounds(worst.net_cost_gbp or 0.0)} net at the date of exit "
        f"({charts.pounds(worst.net_cash_gbp or 0.0)} in cash). Leaving at expiry, at the end of year "
        f"{analysis.term_years}, costs {charts.pounds(expiry.net_cost_gbp or 0.0)}."
        if worst is not None
        else "No route is available in any year."
    )
    chart = charts.exit_cost_chart(
        key=["exit", analysis.pk, str(analysis.updated_at)],
        years=years,
        series={labels[route]: [cost.net_cost_gbp for cost in costs] for route, costs in table.items()},
        summary=summary,
    )
    breakdown = [
        {
            "route": route,
            "label": labels[route],
            "costs": costs,
            "share": terms[route].investment_share if route in terms else None,
            "entries": sum(1 for row in analysis.compensation.all() if row.route == route),
        }
        for route, costs in table.items()
    ]
    return {
        "chart": chart,
        "breakdown": breakdown,
        "worst": worst,
        "expiry": expiry,
        "break_years": break_years,
        "overlaps": overlaps,
        "discounting": adapters.exit_discounting_text(analysis),
    }


def _initial_analysis(partnership: Any) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "term_years": partnership.term_years,
        "discount_schedule": "standard",
        "discount_rate": 0,
    }
    if partnership.value_basis == "annual_charge" and partnership.estimated_value_gbp:
        initial["annual_charge_gbp"] = partnership.estimated_value_gbp
    elif partnership.estimated_value_gbp and partnership.term_years:
        initial["annual_charge_gbp"] = round(partnership.estimated_value_gbp / partnership.term_years, 2)
    return initial


def exit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_confidential(request)
    require_edit(request)
    analysis = selectors.exit_analysis(partnership)
    initial: dict[str, Any] = {}
    if analysis is None:
        initial = _initial_analysis(partnership)
    else:
        initial = {"break_years_text": ", ".join(str(row.year) for row in analysis.break_years.all())}
    form = ExitAnalysisForm(request.POST or None, instance=analysis, initial=initial)
    if request.method == "POST" and form.is_valid():

        def show(form: Any, error: ValidationError) -> None:
            if hasattr(error, "error_dict") and "break_years" in error.error_dict:
                error.error_dict["break_years_text"] = error.error_dict.pop("break_years")
            apply_errors(form, error)

        written, _ = write_form(
            form,
            lambda data: services.exit_analysis_save(
                user=request.user,
                partnership=partnership,
                data={key: value for key, value in data.items() if key != "break_years_text"},
                break_years=data["break_years_text"],
            ),
            on_error=show,
        )
        if written:
            messages.success(request, "Exit-cost inputs saved")
            return redirect("risks:exit", pk=partnership.pk)
    return page(request, "risks/exit_form.html", partnership, "exit", form=form, analysis=analysis)


def exit_schedule(request: HttpRequest, pk: int, route: str) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_confidential(request)
    require_edit(request)
    if route not in ExitRoute.values:
        raise Http404("No such way of ending")
    analysis = selectors.exit_analysis(partnership)
    if analysis is None:
        messages.info(request, "Enter the exit-cost inputs first; then each route's compensation")
        return redirect("risks:exit-edit", pk=partnership.pk)
    terms = {row.route: row for row in analysis.route_terms.all()}
    initial: dict[str, Any] = {
        "investment_share": terms[route].investment_share if route in terms else 0,
        **{
            f"year_{row.year}": row.compensation_gbp
            for row in analysis.compensation.all()
            if row.route == route
        },
    }
    # The schedule's rows hang off the analysis: saving one claims the analysis's version (rule
    # EDIT-NO-LOST-UPDATE), so a schedule or inputs saved meanwhile by someone else are not overwritten.
    form = ExitScheduleForm(
        request.POST or None, term_years=analysis.term_years, initial=initial, version_record=analysis
    )

    def write(data: dict[str, Any]) -> None:
        services.exit_schedule_save(
            user=request.user,
            analysis=analysis,
            route=route,
            investment_share=data["investment_share"],
            compensation=form.compensation(),
        )

    if save_form(request, form, write, success=f"{ExitRoute(route).label}: schedule saved"):
        return redirect("risks:exit", pk=partnership.pk)
    return page(
        request,
        "risks/exit_schedule_form.html",
        partnership,
        "exit",
        form=form,
        analysis=analysis,
        route_label=ExitRoute(route).label,
        route=route,
        break_years=[row.year for row in analysis.break_years.all()],
    )
