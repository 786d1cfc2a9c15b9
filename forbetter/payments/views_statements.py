"""Pages for monthly payment statements: the list, drafting one, reading one, approving and freezing it.

Partner users see approved statements only; a draft is council-confidential until it is approved.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from forbetter.accounts.permissions import can_edit, can_see_confidential
from forbetter.partnerships.view_helpers import (
    apply_errors,
    paginate,
    partnership_page,
    require_edit,
    visible_partnership,
)
from forbetter.payments import selectors, services
from forbetter.payments.forms import StatementApproveForm, StatementCreateForm
from forbetter.payments.models import PaymentStatement

SECTION = "payments"


def statements(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    form = None
    if can_edit(request.user):
        form = StatementCreateForm(request.POST or None)
    elif request.method == "POST":
        require_edit(request)
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            statement = services.statement_create(
                user=request.user, partnership=partnership, month=form.cleaned_data["month"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Draft statement for {statement.month:%B %Y} created")
            return redirect("payments:statement", pk=partnership.pk, statement_pk=statement.pk)
    mechanism = selectors.mechanism_of(partnership)
    page_obj = paginate(
        request, selectors.statements_for(partnership, partner_view=not can_see_confidential(request.user))
    )
    return partnership_page(
        request,
        "payments/statements.html",
        partnership,
        SECTION,
        area="statements",
        form=form,
        mechanism=mechanism,
        page_obj=page_obj,
        views=selectors.statement_views(partnership, mechanism, list(page_obj.object_list)),
    )


def _statement(request: HttpRequest, partnership_pk: int, statement_pk: int) -> PaymentStatement:
    statement = get_object_or_404(PaymentStatement, partnership_id=partnership_pk, pk=statement_pk)
    if not statement.frozen and not can_see_confidential(request.user):
        raise PermissionDenied("The partner sees a statement once the council has approved it")
    return statement


def statement_detail(request: HttpRequest, pk: int, statement_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    statement = _statement(request, partnership.pk, statement_pk)
    return partnership_page(
        request,
        "payments/statement_detail.html",
        partnership,
        SECTION,
        area="statements",
        view=selectors.statement_view(partnership, statement),
        approve_form=StatementApproveForm() if can_edit(request.user) and not statement.frozen else None,
    )


@require_POST
def statement_approve(request: HttpRequest, pk: int, statement_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    statement = _statement(request, partnership.pk, statement_pk)
    form = StatementApproveForm(request.POST)
    if form.is_valid():
        try:
            services.statement_approve(
                user=request.user, statement=statement, override_reason=form.cleaned_data["override_reason"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Statement for {statement.month:%B %Y} approved and frozen")
            return redirect("payments:statement", pk=partnership.pk, statement_pk=statement.pk)
    return partnership_page(
        request,
        "payments/statement_detail.html",
        partnership,
        SECTION,
        area="statements",
        view=selectors.statement_view(partnership, statement),
        approve_form=form,
    )
