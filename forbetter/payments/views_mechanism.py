"""Pages for the payment mechanism and its band tables, index values, relief events, gainshare years and
the roles and responsibilities register."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from forbetter.accounts.permissions import can_edit
from forbetter.core.history import history_of
from forbetter.partnerships.view_helpers import (
    apply_errors,
    paginate,
    partnership_page,
    require_edit,
    save_form,
    visible_partnership,
    write_form,
)
from forbetter.payments import selectors, services
from forbetter.payments.forms import (
    BandFormSet,
    ChargeChangeForm,
    GainshareYearForm,
    IndexValueForm,
    MechanismForm,
    ReliefCorrectForm,
    ReliefForm,
    ReliefWithdrawForm,
    ResponsibilityForm,
    ShareBandFormSet,
)
from forbetter.payments.models import PaymentMechanism, ReliefEvent, Responsibility, ShareKind
from forbetter.performance.models import Kpi

SECTION = "payments"
BLANK_ROWS = 2


def mechanism(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    found = selectors.mechanism_of(partnership)
    return partnership_page(
        request,
        "payments/mechanism.html",
        partnership,
        SECTION,
        area="mechanism",
        mechanism=found,
        gainshare=selectors.gainshare_lines(found) if found else [],
        history=history_of(found) if found else [],
    )


def _rows(found: PaymentMechanism | None, kind: str | None) -> list[dict[str, Any]]:
    if found is None:
        return []
    if kind is None:
        return [
            {"from_point": b.from_point, "to_point": b.to_point, "multiplier": b.multiplier}
            for b in found.bands.all()
        ]
    return [
        {"from_gbp": b.from_gbp, "to_gbp": b.to_gbp, "council_share": b.council_share}
        for b in found.share_bands.all()
        if b.kind == kind
    ]


def _apply_row_errors(form: Any, formsets: dict[str, BaseFormSet], error: ValidationError) -> None:
    """Engine errors keyed '<prefix>-<row>-<field>' go on that row's field; the rest on the main form."""
    rest: dict[str, Any] = {}
    for key, messages_ in error.message_dict.items():
        prefix, _, tail = key.partition("-")
        row, _, field = tail.partition("-")
        formset = formsets.get(prefix)
        if formset is not None and row.isdigit() and int(row) < len(formset.forms):
            for message in messages_:
                formset.forms[int(row)].add_error(field, message)
        else:
            rest[key] = messages_
    if rest:
        apply_errors(form, ValidationError(rest))


def mechanism_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    found = selectors.mechanism_of(partnership)
    data = request.POST or None
    form = MechanismForm(data, instance=found)
    formsets: dict[str, BaseFormSet[Any]] = {
        "band": BandFormSet(data, prefix="band", initial=_rows(found, None) + [{}] * BLANK_ROWS),
        "gain": ShareBandFormSet(
            data, prefix="gain", initial=_rows(found, ShareKind.GAIN) + [{}] * BLANK_ROWS
        ),
        "pain": ShareBandFormSet(
            data, prefix="pain", initial=_rows(found, ShareKind.PAIN) + [{}] * BLANK_ROWS
        ),
    }
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in formsets.values()):
        rows = {
            key: [r for r in (f.row() for f in formset.forms) if r is not None]
            for key, formset in formsets.items()
        }
        written, _ = write_form(
            form,
            lambda data: services.mechanism_save(
                user=request.user,
                partnership=partnership,
                data=data,
                bands=rows["band"],
                gain_bands=rows["gain"],
                pain_bands=rows["pain"],
            ),
            on_error=lambda form, error: _apply_row_errors(form, formsets, error),
        )
        if written:
            messages.success(request, "Payment mechanism saved")
            return redirect("payments:mechanism", pk=partnership.pk)
    row_errors = [
        (row[name].auto_id if name in row.fields else "main-content", _row_message(label, index, str(error)))
        for label, formset in (
            ("Band", formsets["band"]),
            ("Gainshare band", formsets["gain"]),
            ("Painshare band", formsets["pain"]),
        )
        for index, row in enumerate(formset.forms)
        for name, field_errors in row.errors.items()
        for error in field_errors
    ]
    return partnership_page(
        request,
        "payments/mechanism_form.html",
        partnership,
        SECTION,
        area="mechanism",
        form=form,
        formsets=formsets,
        row_errors=row_errors,
        creating=found is None,
    )


def _row_message(label: str, index: int, error: str) -> str:
    """Engine messages already name their band ('Band 2: ...'); form messages get the row added."""
    prefix = f"{label} {index + 1}: "
    return error if error.startswith((prefix, f"{label}s: ")) else prefix + error


def index_values(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    found = get_object_or_404(PaymentMechanism, partnership=partnership)
    form = None
    if can_edit(request.user):
        form = IndexValueForm(request.POST or None)
    elif request.method == "POST":
        require_edit(request)
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            record = services.index_value_set(user=request.user, mechanism=found, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Index value for {record.month:%B %Y} saved")
            return redirect("payments:index", pk=partnership.pk)
    return partnership_page(
        request,
        "payments/index_values.html",
        partnership,
        SECTION,
        area="mechanism",
        mechanism=found,
        form=form,
        page_obj=paginate(request, found.index_values.order_by("-month")),
    )


def reliefs(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    form = None
    if can_edit(request.user):
        form = ReliefForm(request.POST or None, kpis=list(Kpi.objects.filter(partnership=partnership)))
    elif request.method == "POST":
        require_edit(request)
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            relief = services.relief_create(
                user=request.user,
                partnership=partnership,
                kpi_id=form.cleaned_data["kpi"],
                month=form.cleaned_data["month"],
                reason=form.cleaned_data["reason"],
                approved_on=form.cleaned_data["approved_on"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{relief} recorded")
            return redirect("payments:reliefs", pk=partnership.pk)
    return partnership_page(
        request,
        "payments/reliefs.html",
        partnership,
        SECTION,
        area="reliefs",
        form=form,
        page_obj=paginate(request, selectors.reliefs_of(partnership)),
    )


def charge_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the monthly charge from a month on (rule PAY-CHARGE-IN-FORCE); earlier months keep theirs."""
    partnership = visible_partnership(request, pk)
    require_edit(request)
    found = get_object_or_404(PaymentMechanism, partnership=partnership)
    form = ChargeChangeForm(request.POST or None)
    if save_form(
        request,
        form,
        lambda data: services.charge_change_add(user=request.user, mechanism=found, **data),
        success="Change of charge saved",
    ):
        return redirect("payments:mechanism", pk=partnership.pk)
    return partnership_page(
        request,
        "payments/charge_change_form.html",
        partnership,
        SECTION,
        area="mechanism",
        form=form,
        mechanism=found,
        changes=list(found.charge_changes.all()),
    )


def relief_detail(request: HttpRequest, pk: int, relief_pk: int) -> HttpResponse:
    """One relief event with its history; editors can correct its reason or withdraw it."""
    partnership = visible_partnership(request, pk)
    relief = get_object_or_404(
        ReliefEvent.objects.select_related("kpi", "approved_by", "withdrawn_by"),
        partnership=partnership,
        pk=relief_pk,
    )
    editing = can_edit(request.user)
    if request.method == "POST":
        require_edit(request)
    action = request.POST.get("action") if request.method == "POST" else None
    correct = ReliefCorrectForm(
        request.POST if action == "correct" else None,
        initial={"reason": relief.reason},
        prefix="correct",
        version_record=relief,
    )
    withdraw = ReliefWithdrawForm(request.POST if action == "withdraw" else None, prefix="withdraw")
    if action == "correct" and save_form(
        request,
        correct,
        lambda data: services.relief_correct(user=request.user, relief=relief, **data),
        success="Relief reason corrected",
    ):
        return redirect("payments:relief", pk=partnership.pk, relief_pk=relief.pk)
    if action == "withdraw" and save_form(
        request,
        withdraw,
        lambda data: services.relief_withdraw(
            user=request.user, relief=relief, reason=data["withdrawal_reason"]
        ),
        success="Relief withdrawn",
    ):
        return redirect("payments:relief", pk=partnership.pk, relief_pk=relief.pk)
    return partnership_page(
        request,
        "payments/relief_detail.html",
        partnership,
        SECTION,
        area="reliefs",
        relief=relief,
        correct=correct if editing and not relief.withdrawn else None,
        withdraw=withdraw if editing and not relief.withdrawn else None,
        frozen=selectors.month_frozen(partnership, relief.month),
        history=history_of(relief),
    )


def gainshare_year(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    found = get_object_or_404(PaymentMechanism, partnership=partnership)
    form = GainshareYearForm(request.POST or None)
    if save_form(
        request,
        form,
        lambda data: services.gainshare_year_set(user=request.user, mechanism=found, **data),
        success="Actual cost for the year saved",
    ):
        return redirect("payments:mechanism", pk=partnership.pk)
    return partnership_page(
        request, "payments/gainshare_form.html", partnership, SECTION, area="mechanism", form=form
    )


def responsibilities(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    return partnership_page(
        request,
        "payments/responsibilities.html",
        partnership,
        SECTION,
        area="responsibilities",
        page_obj=paginate(request, selectors.responsibilities_of(partnership)),
    )


def responsibility_form(request: HttpRequest, pk: int, responsibility_pk: int | None = None) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    if not can_edit(request.user):
        raise PermissionDenied("Your role can read this register but not change it")
    found = (
        get_object_or_404(Responsibility, partnership=partnership, pk=responsibility_pk)
        if responsibility_pk is not None
        else None
    )
    form = ResponsibilityForm(request.POST or None, instance=found)
    if save_form(
        request,
        form,
        lambda data: services.responsibility_save(
            user=request.user, partnership=partnership, data=data, responsibility=found
        ),
        success="Roles and responsibilities register saved",
    ):
        return redirect("payments:responsibilities", pk=partnership.pk)
    return partnership_page(
        request,
        "payments/responsibility_form.html",
        partnership,
        SECTION,
        area="responsibilities",
        form=form,
        responsibility=found,
        history=history_of(found) if found else [],
    )
