"""Business-case pages: versions, options and cash-flow lines, results, comparison, service baselines.

Everything here is confidential to the council: the partnership is found through
``partnerships_visible_to`` (404 otherwise), partner users get 403, and changes need ``can_edit`` (403).
Any attempt to change a frozen version sends the user back to the version with a message and the button
that creates a new version from it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from forbetter.appraisal import adapters, frozen, presenters, selectors, services
from forbetter.appraisal.comparison import compare_versions
from forbetter.appraisal.forms import (
    BaselineForm,
    BusinessCaseForm,
    CompareForm,
    ContributionForm,
    FreezeForm,
    LineForm,
    MeasureForm,
    OptionForm,
    OptionRemoveForm,
    OptionRiskShareForm,
    ResultsForm,
    RiskSettingsForm,
    VersionSettingsForm,
)
from forbetter.appraisal.models import AppraisalOption, BusinessCaseVersion, OptionKind, default_risk_bearer
from forbetter.calc.appraisal import EAC_CONVENTION, optimism_bias_table
from forbetter.core.history import history_of
from forbetter.partnerships.models import Partnership
from forbetter.partnerships.view_helpers import (
    apply_errors,
    partnership_page,
    require_confidential,
    require_edit,
    save_form,
    visible_partnership,
    write_form,
)

SECTION = "business-case"


def _partnership(request: HttpRequest, pk: int) -> Partnership:
    partnership = visible_partnership(request, pk)
    require_confidential(request, "The business case is confidential to the council")
    return partnership


def _require_edit(request: HttpRequest) -> None:
    require_edit(request, "Your role can read the business case but not change it")


def _page(request: HttpRequest, template: str, partnership: Partnership, **context: Any) -> HttpResponse:
    return partnership_page(request, template, partnership, SECTION, **context)


def _version(request: HttpRequest, partnership: Partnership, version_pk: int) -> BusinessCaseVersion:
    return selectors.version_with_inputs(partnership, version_pk)


def _draft(request: HttpRequest, version: BusinessCaseVersion) -> HttpResponse | None:
    """A redirect to the version with the 'frozen' message if it is frozen, else None."""
    if version.is_frozen:
        messages.warning(request, services.frozen_message(version))
        return redirect("appraisal:version", pk=version.business_case.partnership_id, version_pk=version.pk)
    return None


def _on_draft_version(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Views that change a version: the partnership must be visible and confidential access allowed, the
    user an editor, and the version a draft (a frozen one redirects to itself with the 'frozen' message).
    The view receives the partnership and the version in place of their ids."""

    @wraps(view)
    def wrapper(request: HttpRequest, pk: int, version_pk: int, **kwargs: Any) -> HttpResponse:
        partnership = _partnership(request, pk)
        _require_edit(request)
        current = _version(request, partnership, version_pk)
        if (frozen := _draft(request, current)) is not None:
            return frozen
        return view(request, partnership, current, **kwargs)

    return wrapper


def _to_version(version: BusinessCaseVersion) -> HttpResponse:
    return redirect("appraisal:version", pk=version.business_case.partnership_id, version_pk=version.pk)


def _to_option(option: AppraisalOption) -> HttpResponse:
    version = option.version
    return redirect(
        "appraisal:option",
        pk=version.business_case.partnership_id,
        version_pk=version.pk,
        option_pk=option.pk,
    )


def _form_page(
    request: HttpRequest,
    partnership: Partnership,
    form: Any,
    *,
    title: str,
    submit: str,
    intro: str = "",
    version: BusinessCaseVersion | None = None,
    cancel: str = "",
) -> HttpResponse:
    """A page with one form. Cancel goes back to the version if there is one, else to ``cancel``."""
    if version is not None and not cancel:
        cancel = reverse("appraisal:version", kwargs={"pk": partnership.pk, "version_pk": version.pk})
    return _page(
        request,
        "appraisal/form.html",
        partnership,
        form=form,
        title=title,
        submit=submit,
        cancel=cancel,
        intro=intro,
        version=version,
    )


# --- business cases and versions ----------------------------------------------------------------------------


def cases(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    return _page(
        request,
        "appraisal/cases.html",
        partnership,
        cases=selectors.business_cases_for(partnership),
        baselines=selectors.baselines_for(partnership),
    )


def case_create(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    _require_edit(request)
    form = BusinessCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.business_case_create(
                user=request.user, partnership=partnership, title=form.cleaned_data["title"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Business case '{case.title}' started: version 1 is a draft")
            return _to_version(case.versions.get(number=1))
    return _form_page(
        request,
        partnership,
        form,
        title="Start a business case",
        submit="Start business case",
        cancel=reverse("appraisal:cases", kwargs={"pk": partnership.pk}),
        intro="A business case compares the ways the services could be delivered. It is kept in numbered "
        "versions: freeze a version when it is approved or its scope changes, then carry on in a new one.",
    )


def version(request: HttpRequest, pk: int, version_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    current = _version(request, partnership, version_pk)
    return _page(
        request,
        "appraisal/version.html",
        partnership,
        version=current,
        options=list(current.options.all()),
        removed=selectors.removed_options(current),
        history=history_of(current),
        siblings=current.business_case.versions.order_by("number"),
    )


@_on_draft_version
def version_settings(
    request: HttpRequest, partnership: Partnership, current: BusinessCaseVersion
) -> HttpResponse:
    rates = [str(r.rate) for r in current.deflator_rates.all()]
    initial = {
        "change_note": current.change_note,
        "price_base_year": current.price_base_year,
        "discount_schedule": current.discount_schedule,
        "discount_rate": current.discount_rate,
        "deflator": ", ".join(rates) if rates else (current.deflator_rate or ""),
        "budget_prices": current.budget_prices,
        "budget": ", ".join(f"{b.amount_gbp:f}" for b in current.budget_years.all()),
    }
    form = VersionSettingsForm(request.POST or None, initial=initial, version_record=current)

    def write(data: dict[str, Any]) -> None:
        services.version_update_settings(
            user=request.user,
            version=current,
            price_base_year=data["price_base_year"],
            discount_schedule=data["discount_schedule"],
            discount_rate=data["discount_rate"],
            deflator_rates=data["deflator"],
            budget_prices=data["budget_prices"],
            budget_gbp=data["budget"],
            change_note=data["change_note"],
        )

    if save_form(request, form, write, success=f"Settings of version {current.number} saved"):
        return _to_version(current)
    return _form_page(
        request,
        partnership,
        form,
        title=f"Settings of version {current.number}",
        submit="Save settings",
        version=current,
        intro="How future costs are discounted, how cash (nominal) prices are converted to real prices, and "
        "what the council can afford each year.",
    )


@_on_draft_version
def version_risk(
    request: HttpRequest, partnership: Partnership, current: BusinessCaseVersion
) -> HttpResponse:
    form = RiskSettingsForm(
        request.POST or None,
        version_record=current,
        initial={
            "include_register_risks": "yes" if current.include_register_risks else "no",
            "risk_percentile": current.risk_percentile,
            "risk_iterations": current.risk_iterations,
            "risk_seed": current.risk_seed,
            "risk_note": current.risk_note,
        },
    )

    def write(data: dict[str, Any]) -> None:
        services.version_set_risk_settings(user=request.user, version=current, data=data)

    if save_form(request, form, write, success=f"Risk settings of version {current.number} saved"):
        return _to_version(current)
    try:
        appraised: adapters.VersionAppraisal | None = adapters.calculate_version(current)
    except adapters.AppraisalInputsError:
        appraised = None
    return _page(
        request,
        "appraisal/risk_settings.html",
        partnership,
        form=form,
        version=current,
        appraised=appraised,
        register_count=len(adapters.register_risks(current)) if current.include_register_risks else None,
    )


@_on_draft_version
def version_freeze(
    request: HttpRequest, partnership: Partnership, current: BusinessCaseVersion
) -> HttpResponse:
    form = FreezeForm(request.POST or None)
    if save_form(
        request,
        form,
        lambda data: services.version_freeze(user=request.user, version=current, reason=data["reason"]),
        success=f"Version {current.number} frozen: it can now be cited and compared",
    ):
        return _to_version(current)
    return _form_page(
        request,
        partnership,
        form,
        title=f"Freeze version {current.number}",
        submit="Freeze version",
        version=current,
        intro="A frozen version cannot be changed. Its figures are worked out now and stored, so they stay "
        "as decided even if the rates, the risk register or the calculations change later; later changes "
        "go into a new version created from it. A version whose appraisal cannot be worked out cannot be "
        "frozen.",
    )


@require_POST
def version_copy(request: HttpRequest, pk: int, version_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    _require_edit(request)
    current = _version(request, partnership, version_pk)
    copy = services.version_create_from(user=request.user, version=current)
    messages.success(
        request, f"Version {copy.number} created from version {current.number} as a draft you can change"
    )
    return _to_version(copy)


def version_results(request: HttpRequest, pk: int, version_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    current = _version(request, partnership, version_pk)
    options = list(current.options.all())
    form = ResultsForm(request.GET or None, options=options)
    choice = form.cleaned_data if form.is_valid() else {}
    context: dict[str, Any] = {
        "version": current,
        "form": form,
        "eac_convention": EAC_CONVENTION,
        "ob_source": optimism_bias_table().source,
    }
    try:
        appraised = adapters.appraise_version(current)
    except adapters.AppraisalInputsError as problem:
        return _page(request, "appraisal/results.html", partnership, problems=problem.messages, **context)
    chosen = appraised.by_pk(choice.get("option"))
    lengths = choice.get("lengths") or list(adapters.DEFAULT_LENGTHS)
    if not form.is_bound:
        form.initial = {"option": chosen.option.pk, "lengths": ", ".join(str(n) for n in lengths)}
    if appraised.stored:
        affordability = frozen.stored_affordability(appraised)
    else:
        affordability = [a for o in options if (a := adapters.affordability_of(current, o)) is not None]
    context.update(
        presenters.results_context(
            appraised,
            chosen=chosen,
            affordability=affordability,
            lengths=adapters.contract_lengths(appraised, chosen, lengths),
        )
    )
    return _page(request, "appraisal/results.html", partnership, **context)


def compare(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    case = selectors.business_case(partnership, case_pk)
    versions = list(case.versions.all())
    choices = [(v.pk, f"Version {v.number} ({v.get_status_display().lower()})") for v in versions]
    data: Any = request.GET if {"a", "b"} & set(request.GET) else None
    if data is None and len(versions) > 1:
        data = {"a": versions[-2].pk, "b": versions[-1].pk}
    form = CompareForm(data, choices=choices)
    context: dict[str, Any] = {"case": case, "form": form, "sections": None}
    if form.is_bound and form.is_valid():
        a, b = form.cleaned_data["a"], form.cleaned_data["b"]
        chosen = selectors.versions_with_inputs(case, [a, b])
        sections = compare_versions(chosen[a], chosen[b])
        context.update(
            sections=(
                [s.only_differences() for s in sections]
                if form.cleaned_data["only_differences"]
                else sections
            ),
            version_a=chosen[a],
            version_b=chosen[b],
            differences=sum(section.differences for section in sections),
        )
    return _page(request, "appraisal/compare.html", partnership, **context)


# --- options, lines and optimism bias -----------------------------------------------------------------------


@_on_draft_version
def option_create(
    request: HttpRequest, partnership: Partnership, current: BusinessCaseVersion
) -> HttpResponse:
    form = OptionForm(
        request.POST or None,
        initial={
            "years": partnership.term_years or 10,
            "kind": OptionKind.SSP,
            "risk_bearer": default_risk_bearer(OptionKind.SSP),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            option = services.option_create(user=request.user, version=current, data=form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Option '{option.name}' added: now add its cash-flow lines")
            return _to_option(option)
    return _form_page(
        request,
        partnership,
        form,
        title=f"Add an option to version {current.number}",
        submit="Add option",
        version=current,
        intro="An option is one way of delivering the services. The public sector comparator is the "
        "council's own service improved to meet the future specification, not only today's service.",
    )


@_on_draft_version
def option(
    request: HttpRequest, partnership: Partnership, current: BusinessCaseVersion, option_pk: int
) -> HttpResponse:
    chosen = selectors.option_of(current, option_pk)
    form = OptionForm(request.POST or None, instance=chosen)
    if request.method == "POST" and form.is_valid():
        written, notes = write_form(
            form,
            lambda data: services.option_update(
                user=request.user, option=chosen, data=data, reason=data.get("change_reason", "")
            ),
        )
        if written:
            messages.success(request, " ".join([f"Option '{chosen.name}' saved.", *notes]))
            return _to_option(chosen)
        chosen = selectors.option_of(current, option_pk)
    return _page(
        request,
        "appraisal/option.html",
        partnership,
        version=current,
        option=chosen,
        form=form,
        optimism_bias=adapters.optimism_bias_of(chosen),
        ob_source=optimism_bias_table().source,
        risk_rows=_option_risk_rows(current, chosen),
    )


def _option_risk_rows(
    version: BusinessCaseVersion, chosen: AppraisalOption
) -> list[adapters.RetainedRiskRow]:
    """How the option retains each of the register's risks now (empty if the version leaves them out)."""
    risks = adapters.register_risks(version)
    found = adapters.option_risk(chosen, version, risks) if risks else None
    return list(found[1].risks) if found else []


@_on_draft_version
def option_delete(
    request: HttpRequest, partnership: Partnership, current: BusinessCaseVersion, option_pk: int
) -> HttpResponse:
    """Rule OPTION-REMOVE-REASON: a page that says exactly what goes, and a reason, before anything is
    removed; the removal is recorded in the history of every record with the reason."""
    chosen = selectors.option_of(current, option_pk)
    form = OptionRemoveForm(request.POST or None)
    summary = services.option_removal_summary(chosen)
    if save_form(
        request,
        form,
        lambda data: services.option_delete(user=request.user, option=chosen, reason=data["reason"]),
        success=f"Option “{chosen.name}” and its {summary['lines']} cash-flow line(s) removed",
    ):
        return _to_version(current)
    return _page(
        request,
        "appraisal/option_delete.html",
        partnership,
        version=current,
        option=chosen,
        form=form,
        **summary,
    )


def _risk_targets(partnership: Partnership) -> list[tuple[str, str]]:
    from forbetter.risks.models import Risk, RiskCategory

    categories = [
        (f"category:{c.pk}", f"Every risk in the category “{c.title}”") for c in RiskCategory.objects.all()
    ]
    risks = [
        (f"risk:{r.pk}", f"{r.reference} {r.title}")
        for r in Risk.objects.filter(partnership=partnership, probability__isnull=False).order_by("number")
    ]
    return [("", "Select a risk or a category"), *risks, *categories]


@_on_draft_version
def option_risk_share_add(
    request: HttpRequest, partnership: Partnership, current: BusinessCaseVersion, option_pk: int
) -> HttpResponse:
    from forbetter.risks.models import Risk, RiskCategory

    chosen = selectors.option_of(current, option_pk)
    form = OptionRiskShareForm(request.POST or None, targets=_risk_targets(partnership))

    def write(data: dict[str, Any]) -> None:
        kind, _, pk = data["target"].partition(":")
        services.option_risk_share_set(
            user=request.user,
            option=chosen,
            risk=Risk.objects.get(pk=pk, partnership=partnership) if kind == "risk" else None,
            category=RiskCategory.objects.get(pk=pk) if kind == "category" else None,
            council_share=data["council_share"],
            first_year=data["first_year"],
            last_year=data["last_year"],
            reason=data["reason"],
        )

    if save_form(request, form, write, success=f"Who bears that risk under “{chosen.name}” saved"):
        return _to_option(chosen)
    return _form_page(
        request,
        partnership,
        form,
        title=f"Say who bears a risk under “{chosen.name}”",
        submit="Save",
        version=current,
        cancel=reverse(
            "appraisal:option",
            kwargs={"pk": partnership.pk, "version_pk": current.pk, "option_pk": chosen.pk},
        ),
        intro="By default this option follows its answer to “who bears the risk register's risks”. Here you "
        "can set, for one risk or for every risk of a category, the share the council would keep under this "
        "option, and the years the risk could fall in. A setting for one risk wins over one for its "
        "category.",
    )


@require_POST
@_on_draft_version
def option_risk_share_delete(
    request: HttpRequest,
    partnership: Partnership,
    current: BusinessCaseVersion,
    option_pk: int,
    share_pk: int,
) -> HttpResponse:
    chosen = selectors.option_of(current, option_pk)
    share = get_object_or_404(chosen.risk_shares.all(), pk=share_pk)
    services.option_risk_share_remove(user=request.user, share=share)
    messages.success(request, f"“{chosen.name}” follows its default for {share.risk or share.category} again")
    return _to_option(chosen)


@require_POST
@_on_draft_version
def option_from_baselines(
    request: HttpRequest, partnership: Partnership, current: BusinessCaseVersion, option_pk: int
) -> HttpResponse:
    chosen = selectors.option_of(current, option_pk)
    try:
        services.option_start_from_baselines(user=request.user, option=chosen)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Operating-cost line added from the service baselines")
    return _to_option(chosen)


def _line_page(
    request: HttpRequest, partnership: Partnership, chosen: AppraisalOption, form: LineForm, creating: bool
) -> HttpResponse:
    return _page(
        request,
        "appraisal/line_form.html",
        partnership,
        version=chosen.version,
        option=chosen,
        form=form,
        creating=creating,
    )


@_on_draft_version
def line_create(
    request: HttpRequest, partnership: Partnership, current: BusinessCaseVersion, option_pk: int
) -> HttpResponse:
    chosen = selectors.option_of(current, option_pk)
    form = LineForm(request.POST or None, years=chosen.years, initial={"prices": "real"})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        values = data.pop("values")
        try:
            line = services.line_create(user=request.user, option=chosen, data=data, values=values)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Line '{line.label}' added")
            return _to_option(chosen)
    return _line_page(request, partnership, chosen, form, creating=True)


@_on_draft_version
def line_edit(
    request: HttpRequest, partnership: Partnership, current: BusinessCaseVersion, option_pk: int, line_pk: int
) -> HttpResponse:
    chosen = selectors.option_of(current, option_pk)
    line = get_object_or_404(chosen.lines.all(), pk=line_pk)
    initial = {
        "label": line.label,
        "category": line.category,
        "prices": line.prices,
        "optimism_bias_applies": line.optimism_bias_applies,
        "values": ", ".join(f"{v.amount_gbp:f}" for v in line.values.all()),
    }
    form = LineForm(request.POST or None, years=chosen.years, initial=initial, version_record=line)
    if request.method == "POST" and form.is_valid():

        def write(data: dict[str, Any]) -> None:
            fields = dict(data)
            values = fields.pop("values")
            services.line_update(user=request.user, line=line, data=fields, values=values)

        if write_form(form, write)[0]:
            messages.success(request, f"Line '{line.label}' saved")
            return _to_option(chosen)
    return _line_page(request, partnership, chosen, form, creating=False)


@require_POST
@_on_draft_version
def line_delete(
    request: HttpRequest, partnership: Partnership, current: BusinessCaseVersion, option_pk: int, line_pk: int
) -> HttpResponse:
    chosen = selectors.option_of(current, option_pk)
    line = get_object_or_404(chosen.lines.all(), pk=line_pk)
    services.line_delete(user=request.user, line=line)
    messages.success(request, f"Line '{line.label}' removed")
    return _to_option(chosen)


@_on_draft_version
def contribution_add(
    request: HttpRequest, partnership: Partnership, current: BusinessCaseVersion, option_pk: int
) -> HttpResponse:
    chosen = selectors.option_of(current, option_pk)
    form = ContributionForm(request.POST or None)
    if save_form(
        request,
        form,
        lambda data: services.contribution_add(user=request.user, option=chosen, **data),
        success="Contributory factor added to the mitigation table",
    ):
        return _to_option(chosen)
    return _form_page(
        request,
        partnership,
        form,
        title=f"Add a contributory factor to “{chosen.name}”",
        submit="Add factor",
        version=current,
        cancel=reverse(
            "appraisal:option",
            kwargs={"pk": partnership.pk, "version_pk": current.pk, "option_pk": chosen.pk},
        ),
        intro="Optimism bias = upper bound × (1 − the sum of contribution × mitigation). The contributions "
        "are shares of the upper bound and add up to at most 1.",
    )


@require_POST
@_on_draft_version
def contribution_delete(
    request: HttpRequest,
    partnership: Partnership,
    current: BusinessCaseVersion,
    option_pk: int,
    contribution_pk: int,
) -> HttpResponse:
    chosen = selectors.option_of(current, option_pk)
    row = get_object_or_404(chosen.contributions.all(), pk=contribution_pk)
    services.contribution_remove(user=request.user, contribution=row)
    messages.success(request, f"Contributory factor '{row.factor}' removed")
    return _to_option(chosen)


# --- service baselines --------------------------------------------------------------------------------------


def baselines(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    found = list(selectors.baselines_for(partnership))
    covered = {b.service_id for b in found}
    missing = [s for s in partnership.services.all() if s.pk not in covered]
    return _page(request, "appraisal/baselines.html", partnership, baselines=found, missing=missing)


def baseline_create(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    _require_edit(request)
    form = BaselineForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            baseline = services.baseline_create(
                user=request.user, partnership=partnership, data=form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Baseline for {baseline.service} recorded: now add its measures")
            return redirect("appraisal:baseline", pk=partnership.pk, baseline_pk=baseline.pk)
    return _form_page(
        request,
        partnership,
        form,
        title="Record a service baseline",
        submit="Record baseline",
        cancel=reverse("appraisal:baselines", kwargs={"pk": partnership.pk}),
        intro="What the service costs and how it performs today, before any transfer, so the comparator "
        "options can start from it and the partnership's performance can be judged against it.",
    )


def _baseline_page(
    request: HttpRequest, partnership: Partnership, baseline_pk: int, form: Any, measure_form: Any
) -> HttpResponse:
    baseline = get_object_or_404(selectors.baselines_for(partnership), pk=baseline_pk)
    return _page(
        request,
        "appraisal/baseline.html",
        partnership,
        baseline=baseline,
        form=form,
        measure_form=measure_form,
        history=history_of(baseline),
    )


def baseline(request: HttpRequest, pk: int, baseline_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    _require_edit(request)
    current = get_object_or_404(selectors.baselines_for(partnership), pk=baseline_pk)
    form = BaselineForm(request.POST or None, instance=current, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            services.baseline_update(user=request.user, baseline=current, data=form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Baseline for {current.service} saved")
            return redirect("appraisal:baselines", pk=partnership.pk)
    return _baseline_page(request, partnership, baseline_pk, form, MeasureForm(prefix="measure"))


def measure_create(request: HttpRequest, pk: int, baseline_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    _require_edit(request)
    current = get_object_or_404(selectors.baselines_for(partnership), pk=baseline_pk)
    measure_form = MeasureForm(request.POST or None, prefix="measure")
    if save_form(
        request,
        measure_form,
        lambda data: services.measure_add(user=request.user, baseline=current, data=data),
        success="Measure added to the baseline",
    ):
        return redirect("appraisal:baseline", pk=partnership.pk, baseline_pk=current.pk)
    form = BaselineForm(instance=current, partnership=partnership)
    return _baseline_page(request, partnership, baseline_pk, form, measure_form)


@require_POST
def measure_delete(request: HttpRequest, pk: int, baseline_pk: int, measure_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    _require_edit(request)
    current = get_object_or_404(selectors.baselines_for(partnership), pk=baseline_pk)
    measure = get_object_or_404(current.measures.all(), pk=measure_pk)
    services.measure_remove(user=request.user, measure=measure)
    messages.success(request, f"Measure '{measure.name}' removed")
    return redirect("appraisal:baseline", pk=partnership.pk, baseline_pk=current.pk)
