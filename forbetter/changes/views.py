"""Pages of contract changes. Thin: each finds the partnership the user may see (404 otherwise), looks records
up within it, checks the editor's role for forms (403) and hands writes to :mod:`services`.

Both sides read every change (the partner is a party to each); the business-case effect is the council's
own and is left out for partner users, on the page and in the history.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from forbetter.accounts.permissions import can_see_confidential
from forbetter.changes import selectors, services
from forbetter.changes.forms import (
    AssessmentForm,
    DecisionForm,
    GroupForm,
    KpiEffectForm,
    NoticeForm,
    RequestForm,
    TermsForm,
)
from forbetter.changes.models import COUNCIL_ONLY_FIELDS, ChangeRequest, ChangeTerms
from forbetter.core import exports
from forbetter.core.history import history_of
from forbetter.partnerships import view_helpers
from forbetter.partnerships.models import Partnership
from forbetter.partnerships.view_helpers import partnership_page, save_form, visible_partnership

SECTION = "changes"
EDIT_REFUSED = "Your role can read contract changes but not change them"


def require_edit(request: HttpRequest) -> None:
    view_helpers.require_edit(request, EDIT_REFUSED)


def form_page(
    request: HttpRequest, partnership: Partnership, *, title: str, cancel: str, **context: Any
) -> HttpResponse:
    return partnership_page(
        request, "changes/form.html", partnership, SECTION, title=title, cancel=cancel, **context
    )


def _change(partnership: Partnership, change_pk: int) -> ChangeRequest:
    return get_object_or_404(
        ChangeRequest.objects.select_related("group", "business_case_version__business_case"),
        partnership=partnership,
        pk=change_pk,
    )


def register(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    summary = selectors.summary(partnership)
    exports.offer(request, summary.rows)
    return partnership_page(request, "changes/register.html", partnership, SECTION, summary=summary)


def change_detail(request: HttpRequest, pk: int, change_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    change = _change(partnership, change_pk)
    council = can_see_confidential(request.user)
    summary = selectors.summary(partnership)
    return partnership_page(
        request,
        "changes/change.html",
        partnership,
        SECTION,
        change=change,
        row=selectors.row_for(summary, change),
        summary=summary,
        effects=list(change.kpi_effects.select_related("kpi")),
        council=council,
        history=history_of(change, hidden_fields=set() if council else set(COUNCIL_ONLY_FIELDS)),
    )


def change_form(request: HttpRequest, pk: int, change_pk: int | None = None) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    change = _change(partnership, change_pk) if change_pk is not None else None
    form = RequestForm(request.POST or None, instance=change, partnership=partnership)
    saved: dict[str, ChangeRequest] = {}

    def write(data: dict[str, Any]) -> None:
        saved["change"] = services.change_save(
            user=request.user, partnership=partnership, change=change, data=data
        )

    if save_form(request, form, write, success="Change request saved" if change else "Change request raised"):
        return redirect("changes:change", pk=partnership.pk, change_pk=saved["change"].pk)
    return form_page(
        request,
        partnership,
        form=form,
        title=f"Correct the request {change.reference}" if change else "Raise a change request",
        intro="A change request says what should change and who asked. Its impact (value, charge, KPIs, "
        "risks, business case) is assessed next, then it is decided.",
        button="Save the request",
        cancel="changes:register",
    )


def assessment(request: HttpRequest, pk: int, change_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    change = _change(partnership, change_pk)
    form = AssessmentForm(request.POST or None, instance=change, partnership=partnership)
    if save_form(
        request,
        form,
        lambda data: services.assessment_record(user=request.user, change=change, data=data),
        success="Impact assessment saved",
    ):
        return redirect("changes:change", pk=partnership.pk, change_pk=change.pk)
    return form_page(
        request,
        partnership,
        form=form,
        title=f"Assess the impact of {change.reference}",
        intro="The value of the change is required: a change without a value cannot be assessed or "
        "approved. A yearly value counts for the years of the original term left from the date the "
        "change takes effect.",
        button="Save the assessment",
        cancel="changes:register",
    )


def kpi_effect_add(request: HttpRequest, pk: int, change_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    change = _change(partnership, change_pk)
    form = KpiEffectForm(request.POST or None, partnership=partnership, version_record=change)
    if save_form(
        request,
        form,
        lambda data: services.kpi_effect_save(user=request.user, change=change, data=data),
        success="KPI effect saved",
    ):
        return redirect("changes:change", pk=partnership.pk, change_pk=change.pk)
    when = f" from {change.effective_from:%B %Y}" if change.effective_from else ""
    return form_page(
        request,
        partnership,
        form=form,
        title=f"A KPI that {change.reference} changes",
        intro=f"The KPI's new target applies{when}, once the approved change is applied; earlier "
        "periods keep their target. A second entry for the same KPI replaces the first.",
        button="Save the KPI effect",
        cancel="changes:register",
    )


def decision(request: HttpRequest, pk: int, change_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    change = _change(partnership, change_pk)
    initial = {
        "decision": change.status if change.decided_on else None,
        "decided_on": change.decided_on,
        "decided_by": change.decided_by,
        "decision_reason": change.decision_reason,
    }
    form = DecisionForm(request.POST or None, initial=initial, version_record=change)
    if save_form(
        request,
        form,
        lambda data: services.decision_record(user=request.user, change=change, data=data),
        success="Decision recorded",
    ):
        return redirect("changes:change", pk=partnership.pk, change_pk=change.pk)
    return form_page(
        request,
        partnership,
        form=form,
        title=f"Decide {change.reference}",
        intro="Approve, reject or withdraw the change, saying who decided, when and why. Only an assessed "
        "change, one with a value, can be approved. A decision is final.",
        button="Record the decision",
        cancel="changes:register",
    )


def notice(request: HttpRequest, pk: int, change_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    change = _change(partnership, change_pk)
    initial = {"notice_published_on": change.notice_published_on, "notice_reference": change.notice_reference}
    form = NoticeForm(request.POST or None, initial=initial, version_record=change)
    if save_form(
        request,
        form,
        lambda data: services.notice_record(user=request.user, change=change, data=data),
        success="Contract change notice recorded",
    ):
        return redirect("changes:change", pk=partnership.pk, change_pk=change.pk)
    return form_page(
        request,
        partnership,
        form=form,
        title=f"Contract change notice for {change.reference}",
        intro=selectors.regime_note(partnership),
        button="Save the notice",
        cancel="changes:register",
    )


def change_apply(request: HttpRequest, pk: int, change_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    change = _change(partnership, change_pk)
    problems: list[str] = []
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.change_apply(user=request.user, change=change)
        except ValidationError as error:
            problems = list(error.messages)
        else:
            messages.success(request, f"{change.reference} applied from {change.effective_from:%B %Y}")
            return redirect("changes:change", pk=partnership.pk, change_pk=change.pk)
    return partnership_page(
        request,
        "changes/apply.html",
        partnership,
        SECTION,
        change=change,
        effects=list(change.kpi_effects.select_related("kpi")),
        problems=problems,
        unconfirmed=request.method == "POST" and not problems,
    )


def group_create(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    form = GroupForm(request.POST or None)
    if save_form(
        request,
        form,
        lambda data: services.group_save(user=request.user, partnership=partnership, data=data),
        success="Group of related changes added",
    ):
        return redirect("changes:register", pk=partnership.pk)
    return form_page(
        request,
        partnership,
        form=form,
        title="Add a group of related changes",
        intro="Changes that could reasonably have been made together are counted as one when deciding "
        "whether a contract change notice is needed (Procurement Act 2023, section 75(4) and (5)). "
        "Put each in the group on its request.",
        button="Save the group",
        cancel="changes:register",
    )


def terms(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    record = ChangeTerms.objects.filter(partnership=partnership).first()
    form = TermsForm(request.POST or None, instance=record)
    if save_form(
        request,
        form,
        lambda data: services.terms_save(user=request.user, partnership=partnership, data=data),
        success="Change-control terms saved",
    ):
        return redirect("changes:register", pk=partnership.pk)
    return form_page(
        request,
        partnership,
        form=form,
        title="Change-control terms",
        intro="Whether the contract is for works, and the thresholds the cumulative value of approved "
        "changes is reported against, if the council sets its own (otherwise 10% and 50%).",
        button="Save the terms",
        cancel="changes:register",
    )
