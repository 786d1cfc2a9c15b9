"""Pages for partnerships, their framework matrix and task lists, evidence, documents and gates.

Views are thin: they find the partnership through ``partnerships_visible_to`` (so anything a user may not
see is a 404), check edit permission (403), and hand writes to services.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from forbetter.accounts.permissions import can_create_partnership, can_edit, can_see_confidential
from forbetter.core import exports
from forbetter.core.areas import areas
from forbetter.core.history import history_of, history_page
from forbetter.partnerships import lifecycle, selectors, services
from forbetter.partnerships.evidence import candidates_for
from forbetter.partnerships.forms import (
    DocumentCorrectionForm,
    DocumentForm,
    DocumentWithdrawForm,
    EvidenceLinkForm,
    EvidenceRemoveForm,
    PartnershipCreateForm,
    PartnershipForm,
    PortfolioFilterForm,
    StageGateForm,
    TaskForm,
)
from forbetter.partnerships.models import Document, EvidenceLink, Stage, TaskStatus
from forbetter.partnerships.view_helpers import (
    apply_errors,
    paginate,
    partnership_page,
    require_edit,
    save_form,
    visible_partnership,
)


def portfolio(request: HttpRequest) -> HttpResponse:
    form = PortfolioFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    partnerships = selectors.portfolio(
        request.user,
        stage=filters.get("stage", ""),
        status=filters.get("status", ""),
        search=filters.get("search", ""),
    )
    return render(
        request,
        "partnerships/portfolio.html",
        {
            "form": form,
            "page_obj": paginate(request, partnerships),
            "can_create": can_create_partnership(request.user),
        },
    )


def partnership_create(request: HttpRequest) -> HttpResponse:
    if not can_create_partnership(request.user):
        raise PermissionDenied("Only council editors and administrators can create partnerships")
    form = PartnershipCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partnership = services.partnership_create(user=request.user, data=form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, f"Partnership '{partnership.name}' created with its framework task list"
            )
            return redirect("partnerships:overview", pk=partnership.pk)
    return render(request, "partnerships/partnership_form.html", {"form": form, "creating": True})


def overview(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    return partnership_page(
        request,
        "partnerships/overview.html",
        partnership,
        "overview",
        progress=selectors.stage_progress(partnership),
        gates=selectors.gate_history(partnership),
        transition=lifecycle.next_transition(partnership),
        stages=[choice for choice in Stage if choice != Stage.ENDED],
        glances=[
            (area.glance_template, area.glance(partnership)) for area in areas() if area.glance is not None
        ],
    )


def partnership_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    form = PartnershipForm(request.POST or None, instance=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            services.partnership_update(user=request.user, partnership=partnership, data=form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Partnership details saved")
            return redirect("partnerships:overview", pk=partnership.pk)
        partnership.refresh_from_db()
    return partnership_page(
        request, "partnerships/partnership_form.html", partnership, "overview", form=form, creating=False
    )


def matrix(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    stages, rows = selectors.framework_matrix(partnership)
    return partnership_page(
        request, "partnerships/matrix.html", partnership, "matrix", stages=stages, rows=rows
    )


def task_list(request: HttpRequest, pk: int, stage: str | None = None) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    stage_key = stage or (
        partnership.stage if partnership.stage != Stage.ENDED else Stage.CONTRACT_MANAGEMENT
    )
    if stage_key not in (Stage.INITIATION, Stage.PROCUREMENT, Stage.CONTRACT_MANAGEMENT):
        raise PermissionDenied("Unknown stage")
    groups = selectors.stage_tasks(partnership, stage_key)
    exports.offer(request, [task for group in groups for task in group.tasks], name="tasks")
    done = sum(1 for group in groups for task in group.tasks if task.status == TaskStatus.DONE)
    applicable = sum(
        1 for group in groups for task in group.tasks if task.status != TaskStatus.NOT_APPLICABLE
    )
    today = dt.date.today()
    overdue = sum(
        1 for group in groups for task in group.tasks if task.is_open and task.due_on and task.due_on < today
    )
    return partnership_page(
        request,
        "partnerships/task_list.html",
        partnership,
        "tasks",
        groups=groups,
        stage_key=stage_key,
        stage_label=Stage(stage_key).label,
        stages=[choice for choice in Stage if choice != Stage.ENDED],
        done=done,
        applicable=applicable,
        overdue=overdue,
        today=today,
    )


def task_detail(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    task = get_object_or_404(partnership.tasks.select_related("action"), pk=task_pk)
    task = selectors.task_detail(partnership, task.pk)
    partner_view = not can_see_confidential(request.user)
    return partnership_page(
        request,
        "partnerships/task_detail.html",
        partnership,
        "tasks",
        task=task,
        history=selectors.task_history(task, partner_view=partner_view),
        links=selectors.evidence_links(task, partner_view=partner_view),
        today=dt.date.today(),
    )


def task_edit(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    task = get_object_or_404(partnership.tasks.select_related("action", "owner"), pk=task_pk)
    initial = {
        "status": task.status,
        "owner": task.owner_id,
        "due_on": task.due_on,
        "evidence_notes": task.evidence_notes,
        "not_applicable_reason": task.not_applicable_reason,
        "no_evidence_reason": task.no_evidence_reason,
        "council_notes": task.council_notes,
    }
    form = TaskForm(request.POST or None, initial=initial, partnership=partnership, task=task)
    if save_form(
        request,
        form,
        lambda data: services.task_update(user=request.user, task=task, **data),
        success=f"Action {task.action.code} saved",
    ):
        return redirect("partnerships:task", pk=partnership.pk, task_pk=task.pk)
    return partnership_page(
        request, "partnerships/task_form.html", partnership, "tasks", task=task, form=form
    )


def evidence_add(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    task = get_object_or_404(partnership.tasks.select_related("action"), pk=task_pk)
    choices = [(c.key, f"{c.kind}: {c.label}") for c in candidates_for(partnership)]
    form = EvidenceLinkForm(request.POST or None, choices=choices)
    if save_form(
        request,
        form,
        lambda data: services.evidence_link_add(
            user=request.user, task=task, record_key=data["record"], council_only=data["council_only"]
        ),
        success="Evidence linked",
    ):
        return redirect("partnerships:task", pk=partnership.pk, task_pk=task.pk)
    return partnership_page(
        request, "partnerships/evidence_form.html", partnership, "tasks", task=task, form=form
    )


def evidence_remove(request: HttpRequest, pk: int, task_pk: int, link_pk: int) -> HttpResponse:
    """Ask, then remove. A POST without the confirmation changes nothing and asks again."""
    partnership = visible_partnership(request, pk)
    require_edit(request)
    link = get_object_or_404(
        EvidenceLink.objects.select_related("task__action"),
        pk=link_pk,
        task__pk=task_pk,
        task__partnership=partnership,
    )
    form = EvidenceRemoveForm(request.POST or None)
    if save_form(
        request,
        form,
        lambda data: services.evidence_link_remove(user=request.user, link=link, reason=data["reason"]),
        success="Evidence link removed; the removal is kept in the action's history",
    ):
        return redirect("partnerships:task", pk=partnership.pk, task_pk=task_pk)
    return partnership_page(
        request,
        "partnerships/evidence_remove.html",
        partnership,
        "tasks",
        task=link.task,
        link=link,
        form=form,
    )


def documents(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    form = None
    if can_edit(request.user):
        form = DocumentForm(request.POST or None)
    elif request.method == "POST":
        raise PermissionDenied("Your role can read this partnership but not change it")
    if form is not None and save_form(
        request,
        form,
        lambda data: services.document_create(user=request.user, partnership=partnership, data=data),
        success="Document recorded",
    ):
        return HttpResponseRedirect(reverse("partnerships:documents", args=[partnership.pk]))
    recorded = partnership.documents.select_related("created_by")
    return partnership_page(
        request,
        "partnerships/documents.html",
        partnership,
        "documents",
        form=form,
        page_obj=paginate(request, recorded.filter(withdrawn_on__isnull=True)),
        withdrawn=recorded.filter(withdrawn_on__isnull=False).order_by("-withdrawn_on", "title"),
    )


def _document(partnership: object, document_pk: int) -> Document:
    return get_object_or_404(
        Document.objects.select_related("created_by"), pk=document_pk, partnership=partnership
    )


def document_detail(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    document = _document(partnership, document_pk)
    return partnership_page(
        request,
        "partnerships/document_detail.html",
        partnership,
        "documents",
        document=document,
        history=history_of(document),
    )


def document_edit(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    document = _document(partnership, document_pk)
    if document.is_withdrawn:
        messages.info(request, "This document has been withdrawn, so it cannot be corrected")
        return redirect("partnerships:document", pk=partnership.pk, document_pk=document.pk)
    form = DocumentCorrectionForm(request.POST or None, instance=document)
    if save_form(
        request,
        form,
        lambda data: services.document_correct(
            user=request.user, document=document, data=data, reason=data["reason"]
        ),
        success="Document corrected; the old values are kept in its history",
    ):
        return redirect("partnerships:document", pk=partnership.pk, document_pk=document.pk)
    document.refresh_from_db()
    return partnership_page(
        request, "partnerships/document_form.html", partnership, "documents", document=document, form=form
    )


def document_withdraw(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    """Ask, with the reason, then withdraw. A POST without the confirmation changes nothing."""
    partnership = visible_partnership(request, pk)
    require_edit(request)
    document = _document(partnership, document_pk)
    if document.is_withdrawn:
        messages.info(request, "This document has already been withdrawn")
        return redirect("partnerships:document", pk=partnership.pk, document_pk=document.pk)
    form = DocumentWithdrawForm(request.POST or None)
    if save_form(
        request,
        form,
        lambda data: services.document_withdraw(user=request.user, document=document, reason=data["reason"]),
        success=f"'{document.title}' withdrawn; it stays listed with the reason",
    ):
        return redirect("partnerships:document", pk=partnership.pk, document_pk=document.pk)
    linked = EvidenceLink.objects.filter(
        content_type__app_label="partnerships", content_type__model="document", object_id=document.pk
    ).count()
    return partnership_page(
        request,
        "partnerships/document_withdraw.html",
        partnership,
        "documents",
        document=document,
        form=form,
        linked=linked,
    )


def gate(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a stage gate decision in two steps: the decision, then a page that says what will happen and
    asks for confirmation. Only a POST carrying ``confirm=yes`` records anything."""
    partnership = visible_partnership(request, pk)
    require_edit(request)
    transition = lifecycle.next_transition(partnership)
    if transition is None:
        messages.info(request, "This partnership has ended; there is no further stage")
        return redirect("partnerships:overview", pk=partnership.pk)
    ending = transition.to_stage == Stage.ENDED
    form = StageGateForm(request.POST or None, ending=ending)
    open_tasks = selectors.open_tasks_of_stage(partnership)
    context = {
        "form": form,
        "transition": transition,
        "to_stage_label": Stage(transition.to_stage).label,
        "open_tasks": open_tasks,
        "ending": ending,
    }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        errors = lifecycle.guard_errors(
            partnership,
            transition,
            decided_on=data["decided_on"],
            end_status=data.get("end_status", ""),
            end_reason=data.get("end_reason", ""),
        )
        for field, message in errors.items():
            form.add_error(None if field not in form.fields else field, message)
        if not errors and request.POST.get("confirm") != "yes":
            return partnership_page(
                request,
                "partnerships/gate_confirm.html",
                partnership,
                "overview",
                data=form.cleaned_data,
                **context,
            )
        if not errors:
            try:
                services.stage_gate_record(user=request.user, partnership=partnership, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                partnership.refresh_from_db()
                messages.success(
                    request,
                    f"Gate decision recorded: the partnership is now in {partnership.get_stage_display()}",
                )
                return redirect("partnerships:overview", pk=partnership.pk)
    return partnership_page(request, "partnerships/gate_form.html", partnership, "overview", **context)


def history(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    page_obj = history_page(partnership, request.GET.get("page"))
    return partnership_page(
        request,
        "partnerships/history.html",
        partnership,
        "history",
        history=page_obj.object_list,
        page_obj=page_obj,
    )


def due(request: HttpRequest) -> HttpResponse:
    partnership_id = request.GET.get("partnership") or None
    visible = selectors.partnerships_visible_to(request.user).only("pk", "name")
    selected = None
    if partnership_id is not None:
        selected = get_object_or_404(visible, pk=partnership_id) if partnership_id.isdigit() else None
        if selected is None:
            raise PermissionDenied("Choose a partnership from the list")
    tasks = selectors.due_tasks(request.user, partnership_id=selected.pk if selected else None)
    return render(
        request,
        "partnerships/due.html",
        {"page_obj": paginate(request, tasks), "partnerships": visible, "selected": selected},
    )
