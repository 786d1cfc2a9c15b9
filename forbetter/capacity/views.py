"""Pages of the client-side capacity records. Thin: each finds the partnership the user may see (404
otherwise), refuses partner users (403: the council's own staff costs and advisers are confidential to the
council), looks records up within the partnership, checks the editor's role for forms (403) and hands
writes to :mod:`services`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from forbetter.appraisal.models import LineCategory
from forbetter.calc.capacity import ShareStatus
from forbetter.calc.dates import financial_year
from forbetter.capacity import charts, selectors, services
from forbetter.capacity.forms import ActualForm, AdviserForm, BudgetLineForm, RoleForm, TargetForm
from forbetter.capacity.models import Adviser, ProcurementBudgetLine, ResourceActual, TeamRole
from forbetter.core import exports
from forbetter.core.history import history_of
from forbetter.partnerships import view_helpers
from forbetter.partnerships.models import Partnership
from forbetter.partnerships.view_helpers import partnership_page, save_form, visible_partnership

SECTION = "capacity"
EDIT_REFUSED = "Your role can read the client-side records but not change them"
CONFIDENTIAL = "The council's client-side team, its costs and its advisers are confidential to the council"


def _visible(request: HttpRequest, pk: int) -> Partnership:
    partnership = visible_partnership(request, pk)
    view_helpers.require_confidential(request, CONFIDENTIAL)
    return partnership


def _editable(request: HttpRequest, pk: int) -> Partnership:
    partnership = _visible(request, pk)
    view_helpers.require_edit(request, EDIT_REFUSED)
    return partnership


def page(
    request: HttpRequest, template: str, partnership: Partnership, capacity_section: str, **context: Any
) -> HttpResponse:
    return partnership_page(
        request, template, partnership, SECTION, capacity_section=capacity_section, **context
    )


def form_page(
    request: HttpRequest,
    partnership: Partnership,
    capacity_section: str,
    *,
    title: str,
    cancel: str,
    **context: Any,
) -> HttpResponse:
    return page(
        request, "capacity/form.html", partnership, capacity_section, title=title, cancel=cancel, **context
    )


# ------------------------------------------------------------------------------------------------------
# Team plan
# ------------------------------------------------------------------------------------------------------


def team(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _visible(request, pk)
    roles = selectors.roles(partnership)
    exports.offer(request, selectors.role_rows(roles))
    return page(
        request,
        "capacity/team.html",
        partnership,
        "team",
        rows=selectors.role_rows(roles),
        plan=selectors.plan_years(roles),
    )


def role_form(request: HttpRequest, pk: int, role_pk: int | None = None) -> HttpResponse:
    partnership = _editable(request, pk)
    role = get_object_or_404(TeamRole, partnership=partnership, pk=role_pk) if role_pk is not None else None
    form = RoleForm(request.POST or None, instance=role)
    if save_form(
        request,
        form,
        lambda data: services.role_save(user=request.user, partnership=partnership, role=role, data=data),
        success="Role saved" if role else "Role added to the team plan",
    ):
        return redirect("capacity:team", pk=partnership.pk)
    return form_page(
        request,
        partnership,
        "team",
        form=form,
        title=f"Change the role: {role.title}" if role else "Add a role to the client team plan",
        intro="A role the council needs to specify, procure or manage the partnership. Its cost per year is "
        "required: the plan's cost for each financial year is the sum of the roles needed that year.",
        button="Save the role",
        cancel="capacity:team",
        history=history_of(role) if role else None,
    )


def role_remove(request: HttpRequest, pk: int, role_pk: int) -> HttpResponse:
    """Ask, saying what will happen, then remove. A POST without ``confirm=yes`` changes nothing."""
    partnership = _editable(request, pk)
    role = get_object_or_404(TeamRole, partnership=partnership, pk=role_pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        services.role_remove(user=request.user, role=role)
        messages.success(request, f"{role.title} removed from the team plan")
        return redirect("capacity:team", pk=partnership.pk)
    return page(
        request,
        "capacity/role_remove.html",
        partnership,
        "team",
        role=role,
        unconfirmed=request.method == "POST",
    )


# ------------------------------------------------------------------------------------------------------
# Actuals against the plan
# ------------------------------------------------------------------------------------------------------


def actuals(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _visible(request, pk)
    plan = selectors.plan_years(selectors.roles(partnership))
    recorded = selectors.actuals(partnership)
    exports.offer(request, selectors.actual_rows(plan, recorded))
    line = selectors.business_case_line(partnership, LineCategory.CLIENT_SIDE)
    return page(
        request,
        "capacity/actuals.html",
        partnership,
        "actuals",
        rows=selectors.actual_rows(plan, recorded),
        current_year=financial_year(dt.date.today()),
        business_case=line,
        case_rows=selectors.against_business_case(line, recorded) if line else [],
    )


def actual_form(request: HttpRequest, pk: int, actual_pk: int | None = None) -> HttpResponse:
    partnership = _editable(request, pk)
    actual = (
        get_object_or_404(ResourceActual, partnership=partnership, pk=actual_pk)
        if actual_pk is not None
        else None
    )
    form = ActualForm(request.POST or None, instance=actual)
    if save_form(
        request,
        form,
        lambda data: services.actual_save(
            user=request.user, partnership=partnership, actual=actual, data=data
        ),
        success="Actuals saved",
    ):
        return redirect("capacity:actuals", pk=partnership.pk)
    return form_page(
        request,
        partnership,
        "actuals",
        form=form,
        title=f"Change the actuals for {actual.year_label}" if actual else "Record a year's actuals",
        intro="What the client team actually cost in one financial year, and its FTE, to compare with the "
        "plan (framework action P-CAP-1) and with the contract's value.",
        button="Save the actuals",
        cancel="capacity:actuals",
        history=history_of(actual) if actual else None,
    )


# ------------------------------------------------------------------------------------------------------
# Procurement budget
# ------------------------------------------------------------------------------------------------------


def procurement(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _visible(request, pk)
    rows = selectors.budget_rows(partnership)
    exports.offer(request, rows)
    return page(
        request,
        "capacity/procurement.html",
        partnership,
        "procurement",
        rows=rows,
        totals=selectors.budget_totals(rows),
        business_case=selectors.business_case_line(partnership, LineCategory.PROCUREMENT),
    )


def budget_form(request: HttpRequest, pk: int, line_pk: int | None = None) -> HttpResponse:
    partnership = _editable(request, pk)
    line = (
        get_object_or_404(ProcurementBudgetLine, partnership=partnership, pk=line_pk)
        if line_pk is not None
        else None
    )
    form = BudgetLineForm(request.POST or None, instance=line)
    if save_form(
        request,
        form,
        lambda data: services.budget_line_save(
            user=request.user, partnership=partnership, line=line, data=data
        ),
        success="Budget saved",
    ):
        return redirect("capacity:procurement", pk=partnership.pk)
    return form_page(
        request,
        partnership,
        "procurement",
        form=form,
        title=f"Change the budget: {line.get_category_display()}" if line else "Add a procurement budget",
        intro="The procurement budget for one category of spending, and what has been spent on it so far.",
        button="Save the budget",
        cancel="capacity:procurement",
        history=history_of(line) if line else None,
    )


# ------------------------------------------------------------------------------------------------------
# Advisers
# ------------------------------------------------------------------------------------------------------


def advisers(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _visible(request, pk)
    found = selectors.advisers(partnership)
    figures, by_type = selectors.adviser_figures(found)
    exports.offer(request, selectors.adviser_rows(found))
    return page(
        request,
        "capacity/advisers.html",
        partnership,
        "advisers",
        rows=selectors.adviser_rows(found),
        figures=figures,
        by_type=by_type,
    )


def adviser_form(request: HttpRequest, pk: int, adviser_pk: int | None = None) -> HttpResponse:
    partnership = _editable(request, pk)
    adviser = (
        get_object_or_404(Adviser, partnership=partnership, pk=adviser_pk) if adviser_pk is not None else None
    )
    form = AdviserForm(request.POST or None, instance=adviser)
    if save_form(
        request,
        form,
        lambda data: services.adviser_save(
            user=request.user, partnership=partnership, adviser=adviser, data=data
        ),
        success="Adviser saved",
    ):
        return redirect("capacity:advisers", pk=partnership.pk)
    return form_page(
        request,
        partnership,
        "advisers",
        form=form,
        title=f"Change the adviser: {adviser.firm}" if adviser else "Add an adviser",
        intro="Financial, legal, technical or other advice, in-house or external: what it cost and what it "
        "was worth (framework action P-CAP-2).",
        button="Save the adviser",
        cancel="capacity:advisers",
        history=history_of(adviser) if adviser else None,
    )


# ------------------------------------------------------------------------------------------------------
# Contract management: the team's cost as a share of the contract's value
# ------------------------------------------------------------------------------------------------------


def contract(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _visible(request, pk)
    target = selectors.target(partnership)
    shares = selectors.cost_shares(partnership, selectors.actuals(partnership), target)
    return page(
        request,
        "capacity/contract.html",
        partnership,
        "contract",
        target=target,
        shares=shares,
        missed=[year for year in shares if year.missed],
        missing=[year for year in shares if year.status == ShareStatus.NO_STATEMENTS],
        chart=charts.share_chart(shares, target) if any(y.share is not None for y in shares) else None,
        target_history=history_of(target) if target else None,
    )


def target_form(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _editable(request, pk)
    target = selectors.target(partnership)
    form = TargetForm(request.POST or None, instance=target)
    if save_form(
        request,
        form,
        lambda data: services.target_save(user=request.user, partnership=partnership, data=data),
        success="Target saved",
    ):
        return redirect("capacity:contract", pk=partnership.pk)
    return form_page(
        request,
        partnership,
        "contract",
        form=form,
        title="Change the target share" if target else "Set the target share",
        intro="The council's own target for what managing the contract should cost, as a share of the "
        "contract's annual value. The minimum matters most: the Audit Commission found councils "
        "under-invested in managing their partnerships. A maximum is optional.",
        button="Save the target",
        cancel="capacity:contract",
    )
