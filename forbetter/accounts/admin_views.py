"""Pages for administrators: organisations and users."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from forbetter.accounts import services
from forbetter.accounts.admin_forms import OrganisationForm, UserForm
from forbetter.accounts.models import Organisation, User
from forbetter.accounts.permissions import can_administer
from forbetter.core.form_handling import apply_errors
from forbetter.core.history import history_of
from forbetter.partnerships.view_helpers import paginate


def _require_administrator(request: HttpRequest) -> None:
    if not can_administer(request.user):
        raise PermissionDenied("Only administrators can manage organisations and users")


def organisations(request: HttpRequest) -> HttpResponse:
    _require_administrator(request)
    page = paginate(request, Organisation.objects.order_by("name"))
    return render(request, "accounts/organisations.html", {"page_obj": page})


def organisation_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require_administrator(request)
    organisation = get_object_or_404(Organisation, pk=pk) if pk else Organisation()
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_save(
                user=request.user,
                organisation=form.instance,
                audited_councils=form.cleaned_data["audited_councils"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Organisation '{form.instance.name}' saved")
            return redirect("accounts:organisations")
    history = history_of(organisation) if organisation.pk else []
    return render(request, "accounts/organisation_form.html", {"form": form, "history": history})


def users(request: HttpRequest) -> HttpResponse:
    _require_administrator(request)
    queryset = User.objects.select_related("organisation").order_by("email")
    page = paginate(request, queryset)
    return render(request, "accounts/users.html", {"page_obj": page})


def user_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require_administrator(request)
    account = get_object_or_404(User, pk=pk) if pk else User()
    form = UserForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_save(
                user=request.user, account=form.instance, password=form.cleaned_data["password"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"User {form.instance.email} saved")
            return redirect("accounts:users")
    history = history_of(account) if account.pk else []
    return render(request, "accounts/user_form.html", {"form": form, "history": history, "account": account})
