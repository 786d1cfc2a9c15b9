"""Pages of the remedies ladder and the exit plan. Thin: each finds the partnership the user may see (404
otherwise), looks records up within it, checks the editor's role for forms (403) and hands writes to
:mod:`services`.

The partner is a party to every record, so its users read every page; the council's internal notes and the
exit-cost summary are left out of what partner users see (``can_see_confidential``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from forbetter.accounts.permissions import can_see_confidential
from forbetter.calc import remedies as calc
from forbetter.core.history import history_of
from forbetter.partnerships import view_helpers
from forbetter.partnerships.models import Partnership
from forbetter.partnerships.view_helpers import paginate, partnership_page, save_form, visible_partnership
from forbetter.remedies import selectors, services
from forbetter.remedies.forms import (
    ActionForm,
    DisputeForm,
    ExitPlanForm,
    FailureForm,
    InterventionForm,
    NoticeForm,
    PlanForm,
    SettingsForm,
)
from forbetter.remedies.models import (
    Dispute,
    Intervention,
    PlanAction,
    Readiness,
    RectificationPlan,
    UnimprovedFailure,
    WarningNotice,
)

SECTION = "remedies"
READINESS = dict(Readiness.choices)
EDIT_REFUSED = "Your role can read the remedies records but not change them"


def require_edit(request: HttpRequest) -> None:
    view_helpers.require_edit(request, EDIT_REFUSED)


def page(
    request: HttpRequest, template: str, partnership: Partnership, remedies_section: str, **context: Any
) -> HttpResponse:
    return partnership_page(
        request, template, partnership, SECTION, remedies_section=remedies_section, **context
    )


def _form(
    request: HttpRequest,
    partnership: Partnership,
    remedies_section: str,
    form: Any,
    write: Callable[[dict[str, Any]], object],
    *,
    success: str,
    done: str,
    done_args: tuple[Any, ...] = (),
    title: str,
    intro: str = "",
    button: str,
    record: Any = None,
) -> HttpResponse:
    if save_form(request, form, write, success=success):
        return redirect(done, partnership.pk, *done_args)
    return page(
        request,
        "remedies/form.html",
        partnership,
        remedies_section,
        form=form,
        title=title,
        intro=intro,
        button=button,
        cancel=done,
        cancel_args=done_args,
        history=history_of(record) if record is not None else None,
    )


# ------------------------------------------------------------------------------------------------------
# The ladder and persistent breaches
# ------------------------------------------------------------------------------------------------------


def overview(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    breaches = selectors.persistent_breaches(partnership)
    return page(
        request,
        "remedies/overview.html",
        partnership,
        "overview",
        ladder=selectors.ladder(partnership),
        breaches=breaches,
        rungs=list(calc.Rung)[1:],
    )


def breaches(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    return page(
        request,
        "remedies/breaches.html",
        partnership,
        "breaches",
        breaches=selectors.persistent_breaches(partnership),
    )


def settings_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    record = getattr(partnership, "remedy_settings", None)
    form = SettingsForm(request.POST or None, instance=record)
    return _form(
        request,
        partnership,
        "breaches",
        form,
        lambda data: services.settings_save(user=request.user, partnership=partnership, data=data),
        success="Persistent-breach threshold saved",
        done="remedies:breaches",
        title="Persistent-breach threshold",
        intro="A KPI is in persistent breach when at least this many of its latest periods in the window "
        "were failed. Without a setting of its own the partnership uses 3 failures in 6 periods.",
        button="Save the threshold",
        record=record,
    )


# ------------------------------------------------------------------------------------------------------
# Warning notices
# ------------------------------------------------------------------------------------------------------


def notices(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    today = dt.date.today()
    page_obj = paginate(request, selectors.notices(partnership))
    return page(
        request,
        "remedies/notices.html",
        partnership,
        "notices",
        page_obj=page_obj,
        today=today,
    )


def notice_form(request: HttpRequest, pk: int, notice_pk: int | None = None) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    notice = get_object_or_404(WarningNotice, partnership=partnership, pk=notice_pk) if notice_pk else None
    form = NoticeForm(request.POST or None, instance=notice, partnership=partnership)
    return _form(
        request,
        partnership,
        "notices",
        form,
        lambda data: services.notice_save(
            user=request.user, partnership=partnership, notice=notice, data=data
        ),
        success="Warning notice saved" if notice else "Warning notice recorded",
        done="remedies:notices",
        title=f"Change warning notice {notice.reference}" if notice else "Record a warning notice",
        intro="The failure or obligation, the KPIs concerned and the date by which the partner must remedy "
        "it.",
        button="Save the warning notice",
        record=notice,
    )


# ------------------------------------------------------------------------------------------------------
# Rectification plans
# ------------------------------------------------------------------------------------------------------


def plans(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    page_obj = paginate(request, selectors.plans(partnership))
    return page(
        request,
        "remedies/plans.html",
        partnership,
        "plans",
        page_obj=page_obj,
        rows=selectors.plan_rows(page_obj.object_list),
    )


def plan_detail(request: HttpRequest, pk: int, plan_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    plan = get_object_or_404(selectors.plans(partnership), pk=plan_pk)
    return page(
        request, "remedies/plan.html", partnership, "plans", row=selectors.plan_rows([plan])[0], plan=plan
    )


def plan_form(request: HttpRequest, pk: int, plan_pk: int | None = None) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    plan = get_object_or_404(RectificationPlan, partnership=partnership, pk=plan_pk) if plan_pk else None
    form = PlanForm(request.POST or None, instance=plan, partnership=partnership)
    return _form(
        request,
        partnership,
        "plans",
        form,
        lambda data: services.plan_save(user=request.user, partnership=partnership, plan=plan, data=data),
        success="Rectification plan saved" if plan else "Rectification plan recorded",
        done="remedies:plans",
        title=f"Change rectification plan {plan.reference}" if plan else "Record a rectification plan",
        intro="Every rectification plan needs a due date. Its dates follow its state: requested, submitted "
        "by "
        "the partner, accepted by the council, then completed or failed.",
        button="Save the rectification plan",
        record=plan,
    )


def action_form(request: HttpRequest, pk: int, plan_pk: int, action_pk: int | None = None) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    plan = get_object_or_404(RectificationPlan, partnership=partnership, pk=plan_pk)
    action = get_object_or_404(PlanAction, plan=plan, pk=action_pk) if action_pk else None
    form = ActionForm(request.POST or None, instance=action)
    return _form(
        request,
        partnership,
        "plans",
        form,
        lambda data: services.action_save(user=request.user, plan=plan, action=action, data=data),
        success="Action saved" if action else "Action added",
        done="remedies:plan",
        done_args=(plan.pk,),
        title=f"{'Change an' if action else 'Add an'} action of rectification plan {plan.reference}",
        button="Save the action",
        record=action,
    )


# ------------------------------------------------------------------------------------------------------
# Failures not improved, interventions, disputes
# ------------------------------------------------------------------------------------------------------


def failures(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    page_obj = paginate(request, selectors.failures(partnership))
    return page(
        request,
        "remedies/failures.html",
        partnership,
        "failures",
        page_obj=page_obj,
        rows=selectors.failure_rows(partnership, page_obj.object_list),
    )


def failure_form(request: HttpRequest, pk: int, failure_pk: int | None = None) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    failure = (
        get_object_or_404(UnimprovedFailure, partnership=partnership, pk=failure_pk) if failure_pk else None
    )
    form = FailureForm(request.POST or None, instance=failure, partnership=partnership)
    return _form(
        request,
        partnership,
        "failures",
        form,
        lambda data: services.failure_save(
            user=request.user, partnership=partnership, failure=failure, data=data
        ),
        success="Failure to improve saved" if failure else "Failure to improve recorded",
        done="remedies:failures",
        title="Change the failure to improve" if failure else "Record a failure not improved",
        intro="Record the date the council found that the partner, given a proper opportunity (a warning "
        "notice or rectification plan), did not improve.",
        button="Save",
        record=failure,
    )


def interventions(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    return page(
        request,
        "remedies/interventions.html",
        partnership,
        "interventions",
        page_obj=paginate(request, selectors.interventions(partnership)),
    )


def intervention_form(request: HttpRequest, pk: int, intervention_pk: int | None = None) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    intervention = (
        get_object_or_404(Intervention, partnership=partnership, pk=intervention_pk)
        if intervention_pk
        else None
    )
    form = InterventionForm(request.POST or None, instance=intervention, partnership=partnership)
    return _form(
        request,
        partnership,
        "interventions",
        form,
        lambda data: services.intervention_save(
            user=request.user, partnership=partnership, intervention=intervention, data=data
        ),
        success="Saved" if intervention else "Recorded",
        done="remedies:interventions",
        title="Change the remedial adviser or step-in"
        if intervention
        else "Record a remedial adviser or step-in",
        button="Save",
        record=intervention,
    )


def disputes(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    return page(
        request,
        "remedies/disputes.html",
        partnership,
        "disputes",
        page_obj=paginate(request, selectors.disputes(partnership)),
    )


def dispute_form(request: HttpRequest, pk: int, dispute_pk: int | None = None) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    dispute = get_object_or_404(Dispute, partnership=partnership, pk=dispute_pk) if dispute_pk else None
    form = DisputeForm(request.POST or None, instance=dispute)
    return _form(
        request,
        partnership,
        "disputes",
        form,
        lambda data: services.dispute_save(
            user=request.user, partnership=partnership, dispute=dispute, data=data
        ),
        success="Dispute saved" if dispute else "Dispute logged",
        done="remedies:disputes",
        title="Change the dispute" if dispute else "Log a dispute",
        button="Save the dispute",
        record=dispute,
    )


# ------------------------------------------------------------------------------------------------------
# Exit plan
# ------------------------------------------------------------------------------------------------------


def exit_plan(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    plan = selectors.exit_plan(partnership)
    today = dt.date.today()
    return page(
        request,
        "remedies/exit_plan.html",
        partnership,
        "exit",
        plan=plan,
        review=calc.exit_review(plan.last_reviewed_on if plan else None, today=today),
        overall=READINESS[calc.exit_readiness(plan.readiness_values)] if plan else None,
        exit_costs=selectors.exit_cost_summary(partnership) if can_see_confidential(request.user) else None,
    )


def exit_plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    plan = selectors.exit_plan(partnership)
    form = ExitPlanForm(request.POST or None, instance=plan)
    return _form(
        request,
        partnership,
        "exit",
        form,
        lambda data: services.exit_plan_save(user=request.user, partnership=partnership, data=data),
        success="Exit plan saved",
        done="remedies:exit-plan",
        title="Change the exit plan" if plan else "Set up the exit plan",
        intro="Keep the plan current: review it at least every 12 months and record the date.",
        button="Save the exit plan",
        record=plan,
    )
