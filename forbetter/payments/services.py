"""Writes to the payment mechanism, relief events, payment statements and the roles register.

Keyword-only, one transaction each, editors only, history recorded. The mechanism is checked by the
engine itself (:class:`forbetter.calc.payment.Mechanism`), so a band table with a gap or an overlap, or a
cap above 1, is refused with the engine's own words, attached to the field at fault.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from forbetter.accounts.permissions import can_edit
from forbetter.calc import payment as engine
from forbetter.calc.errors import InputError
from forbetter.partnerships.models import Partnership
from forbetter.payments import adapters, selectors
from forbetter.payments.models import (
    ChargeChange,
    DeductionBand,
    GainshareYear,
    IndexValue,
    PaymentMechanism,
    PaymentStatement,
    RatchetRun,
    ReliefEvent,
    Responsibility,
    ShareBand,
    ShareKind,
    StatementAdjustment,
    StatementItem,
    StatementStatus,
)
from forbetter.performance.models import Kpi
from forbetter.performance.periods import month_start, parse_month

MECHANISM_FIELDS = (
    "effective_from",
    "monthly_charge_gbp",
    "indexed_share",
    "index_name",
    "index_base",
    "points_threshold",
    "point_value_gbp",
    "cap",
    "ratchet_consecutive",
    "ratchet_multiplier",
    "indexation_month",
    "threshold_scope",
    "missing_return_rule",
    "missing_return_points",
    "gainshare_baseline_gbp",
)
# The engine names fields the way the command line's JSON does; forms name them the way models do.
ENGINE_FIELDS = {
    "monthly_charge": "monthly_charge_gbp",
    "indexed_share": "indexed_share",
    "points.threshold": "points_threshold",
    "points.value": "point_value_gbp",
    "cap": "cap",
    "ratchet.consecutive": "ratchet_consecutive",
    "ratchet.multiplier": "ratchet_multiplier",
    "index.base": "index_base",
    "indexation_month": "indexation_month",
    "effective_from": "effective_from",
    "threshold_scope": "threshold_scope",
    "missing_returns.rule": "missing_return_rule",
    "missing_returns.points": "missing_return_points",
}
_BAND_FIELD = re.compile(r"^(points\.bands|gain_bands|pain_bands)(?:\[(\d+)\])?(?:\.(\w+))?$")
_BAND_PREFIX = {
    "points.bands": ("band", "Band"),
    "gain_bands": ("gain", "Gainshare band"),
    "pain_bands": ("pain", "Painshare band"),
}
_BAND_COLUMN = {"from": "from", "to": "to", "multiplier": "multiplier", "council_share": "council_share"}


def _require_editor(user: Any) -> None:
    if not can_edit(user):
        raise PermissionDenied("Only council editors and administrators can change payment records")


def _save(instance: Any, user: Any, reason: str = "") -> None:
    instance._history_user = user
    if reason:
        instance._change_reason = reason
    instance.save()


def engine_error(error: InputError) -> ValidationError:
    """The engine's complaint as a form error on the field (or band row and column) it names.

    Band rows come back as keys like ``band-1-from_point`` (the formset prefix, row and field).
    """
    match = _BAND_FIELD.match(error.field)
    if match:
        prefix, label = _BAND_PREFIX[match.group(1)]
        if match.group(2) is None:
            return ValidationError({f"{prefix}-0-{_column(prefix, 'from')}": f"{label}s: {error.message}"})
        row = int(match.group(2))
        column = _column(prefix, match.group(3) or "from")
        return ValidationError({f"{prefix}-{row}-{column}": f"{label} {row + 1}: {error.message}"})
    name = ENGINE_FIELDS.get(error.field.split(".values")[0], "__all__")
    return ValidationError({name: f"{error.message[0].upper()}{error.message[1:]}"})


def _column(prefix: str, engine_name: str) -> str:
    if prefix == "band":
        return {"from": "from_point", "to": "to_point"}.get(engine_name, engine_name)
    return {"from": "from_gbp", "to": "to_gbp"}.get(engine_name, engine_name)


def _check_mechanism(
    mechanism: PaymentMechanism, bands: list[DeductionBand], shares: list[ShareBand]
) -> None:
    errors: dict[str, str] = {}
    if mechanism.cap is not None and not Decimal(0) <= mechanism.cap <= Decimal(1):
        errors["cap"] = (
            "Enter the cap as a fraction of the monthly charge from 0 to 1, for example 0.1 for 10%"
        )
    if mechanism.indexed_share and mechanism.index_base is None:
        errors["index_base"] = "Enter the index value the charge was priced at, or set the indexed share to 0"
    if (mechanism.ratchet_consecutive is None) != (mechanism.ratchet_multiplier is None):
        errors["ratchet_multiplier" if mechanism.ratchet_consecutive else "ratchet_consecutive"] = (
            "Give both the number of consecutive months and the multiplier for a ratchet, or neither"
        )
    if errors:
        raise ValidationError(errors)
    try:
        adapters.engine_mechanism(
            mechanism,
            bands=bands,
            charge_changes=list(mechanism.charge_changes.all()) if mechanism.pk else [],
        )
        for kind, name in ((ShareKind.GAIN, "gain_bands"), (ShareKind.PAIN, "pain_bands")):
            of_kind = adapters.engine_share_bands(shares, kind)
            if of_kind:
                engine.validate_share_bands(of_kind, field_name=name)
    except InputError as error:
        raise engine_error(error) from error


@transaction.atomic
def mechanism_save(
    *,
    user: Any,
    partnership: Partnership,
    data: dict[str, Any],
    bands: list[dict[str, Any]],
    gain_bands: list[dict[str, Any]],
    pain_bands: list[dict[str, Any]],
) -> PaymentMechanism:
    """Create or change the mechanism and replace its points bands and gainshare/painshare bands.

    Approved statements keep the figures they were approved with; only drafts follow the change.
    """
    _require_editor(user)
    mechanism = PaymentMechanism.objects.filter(partnership=partnership).first()
    creating = mechanism is None
    mechanism = mechanism or PaymentMechanism(partnership=partnership)
    for key in MECHANISM_FIELDS:
        if key in data:
            setattr(mechanism, key, data[key])
    if mechanism.effective_from:
        mechanism.effective_from = month_start(mechanism.effective_from)
    if not mechanism.indexed_share:
        mechanism.indexed_share = Decimal(0)
    band_rows = [DeductionBand(mechanism=mechanism, **row) for row in bands]
    share_rows = [ShareBand(mechanism=mechanism, kind=ShareKind.GAIN, **row) for row in gain_bands] + [
        ShareBand(mechanism=mechanism, kind=ShareKind.PAIN, **row) for row in pain_bands
    ]
    _check_mechanism(mechanism, band_rows, share_rows)
    mechanism.full_clean(exclude=["partnership"])
    _save(mechanism, user, "Created" if creating else "Changed")
    if not creating:
        for old in [*mechanism.bands.all(), *mechanism.share_bands.all()]:
            old._history_user = user  # type: ignore[attr-defined]
            old.delete()
    bulk_create_with_history(band_rows, DeductionBand, default_user=user, default_change_reason="Band set")
    bulk_create_with_history(share_rows, ShareBand, default_user=user, default_change_reason="Band set")
    return mechanism


@transaction.atomic
def index_value_set(*, user: Any, mechanism: PaymentMechanism, month: dt.date, value: Decimal) -> IndexValue:
    _require_editor(user)
    if value <= 0:
        raise ValidationError({"value": "An index value must be above 0"})
    record = IndexValue.objects.filter(mechanism=mechanism, month=month_start(month)).first()
    record = record or IndexValue(mechanism=mechanism, month=month_start(month))
    record.value = value
    record.full_clean()
    _save(record, user)
    return record


@transaction.atomic
def relief_create(
    *, user: Any, partnership: Partnership, kpi_id: int, month: dt.date, reason: str, approved_on: dt.date
) -> ReliefEvent:
    """Excuse a KPI's failure in a month (rule PAY-RELIEF); the approver is the user recording it."""
    _require_editor(user)
    kpi = Kpi.objects.filter(partnership=partnership, pk=kpi_id).first()
    if kpi is None:
        raise ValidationError({"kpi": "Select a KPI of this partnership"})
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the failure is excused"})
    month = month_start(month)
    if PaymentStatement.objects.filter(
        partnership=partnership, month=month, status=StatementStatus.APPROVED
    ).exists():
        raise ValidationError(
            {
                "month": f"The statement for {month:%B %Y} has been approved and frozen: "
                "relief can no longer change it"
            }
        )
    if ReliefEvent.objects.filter(kpi=kpi, month=month, withdrawn_at__isnull=True).exists():
        raise ValidationError({"month": f"{kpi.reference} already has relief for {month:%B %Y}"})
    relief = ReliefEvent(
        partnership=partnership,
        kpi=kpi,
        month=month,
        reason=reason.strip(),
        approved_by=user,
        approved_on=approved_on,
    )
    relief.full_clean()
    _save(relief, user, "Relief granted")
    return relief


@transaction.atomic
def relief_correct(*, user: Any, relief: ReliefEvent, reason: str, why: str) -> ReliefEvent:
    """Correct the recorded reason for a relief event; the history keeps the old words and why it changed.

    The relief itself (which KPI and month) is not changed: to take it back, withdraw it.
    """
    _require_editor(user)
    relief = ReliefEvent.objects.select_for_update().get(pk=relief.pk)
    errors: dict[str, str] = {}
    if relief.withdrawn:
        errors["reason"] = "This relief has been withdrawn; it can no longer be corrected"
    if not reason.strip():
        errors["reason"] = "Enter why the failure is excused"
    if not why.strip():
        errors["why"] = "Enter why the reason is being corrected"
    if errors:
        raise ValidationError(errors)
    relief.reason = reason.strip()
    relief.full_clean()
    _save(relief, user, f"Corrected: {why.strip()}"[:100])
    return relief


@transaction.atomic
def relief_withdraw(
    *, user: Any, relief: ReliefEvent, reason: str, now: dt.datetime | None = None
) -> ReliefEvent:
    """Withdraw a relief event with a reason; it stays in the register, marked withdrawn, with its history.

    Before the month's statement is approved, the draft simply counts the failure again. After it is
    approved and frozen, the failure the relief excused is deducted as a dated adjustment in the next
    statement approved (rule PAY-LATE-ADJUSTMENT), so the frozen statement never changes and nothing is
    lost.
    """
    _require_editor(user)
    relief = ReliefEvent.objects.select_for_update().get(pk=relief.pk)
    if relief.withdrawn:
        raise ValidationError({"withdrawal_reason": "This relief has already been withdrawn"})
    if not reason.strip():
        raise ValidationError({"withdrawal_reason": "Enter why the relief is withdrawn"})
    if len(reason.strip()) > 2000:
        raise ValidationError({"withdrawal_reason": "Keep the reason to 2,000 characters or fewer"})
    relief.withdrawn_at = now or timezone.now()
    relief.withdrawn_by = user
    relief.withdrawal_reason = reason.strip()
    relief.full_clean(validate_constraints=False)
    _save(relief, user, f"Withdrawn: {reason.strip()}"[:100])
    return relief


@transaction.atomic
def statement_create(
    *, user: Any, partnership: Partnership, month: dt.date, today: dt.date | None = None
) -> PaymentStatement:
    """A draft statement for a month that has ended, on or after the mechanism's first month."""
    _require_editor(user)
    today = today or timezone.localdate()
    month = month_start(month)
    mechanism = PaymentMechanism.objects.filter(partnership=partnership).first()
    if mechanism is None:
        raise ValidationError({"month": "Set up the payment mechanism before drawing up statements"})
    if month < mechanism.effective_from:
        raise ValidationError({"month": f"The mechanism pays from {mechanism.effective_from:%B %Y}"})
    if month >= month_start(today):
        raise ValidationError({"month": f"{month:%B %Y} has not ended yet"})
    if PaymentStatement.objects.filter(partnership=partnership, month=month).exists():
        raise ValidationError({"month": f"There is already a statement for {month:%B %Y}"})
    statement = PaymentStatement(partnership=partnership, month=month, created_by=user)
    _save(statement, user, "Drafted")
    return statement


@transaction.atomic
def statement_approve(
    *, user: Any, statement: PaymentStatement, override_reason: str = "", now: dt.datetime | None = None
) -> PaymentStatement:
    """Approve a draft and freeze it: its figures, explanation lines, failing KPIs, adjustments for late
    failures and every KPI's ratchet state are stored as they are now and never recomputed.

    A month with returns not submitted, awaiting validation or disputed is refused unless the approver gives
    a reason to approve anyway; the override (who, when, why and which returns) is stored and shown on the
    statement (rule PAY-MISSING-RETURN). Failures validated later are deducted as adjustments in a later
    statement (rule PAY-LATE-ADJUSTMENT).
    """
    _require_editor(user)
    statement = PaymentStatement.objects.select_for_update().get(pk=statement.pk)
    if statement.frozen:
        raise ValidationError("This statement has already been approved and frozen")
    partnership = statement.partnership
    view = selectors.statement_view(partnership, statement)
    if view.error or view.figures is None:
        raise ValidationError(view.error or "The statement cannot be worked out")
    now = now or timezone.now()
    override_reason = override_reason.strip()
    if view.pending:
        if not override_reason:
            many = len(view.pending) > 1
            raise ValidationError(
                {
                    "override_reason": f"{len(view.pending)} KPI return{'s' if many else ''} for "
                    f"{statement.month:%B %Y} {'are' if many else 'is'} not validated "
                    f"({'; '.join(view.pending)}). Wait for them, or give the reason to approve now"
                }
            )
        if len(override_reason) > 2000:
            raise ValidationError({"override_reason": "Keep the reason to 2,000 characters or fewer"})
        statement.override_reason = override_reason
        statement.override_by = user
        statement.override_at = now
        statement.override_pending = list(view.pending)
    figures = view.figures
    statement.charge_gbp = figures.charge_gbp
    statement.points = figures.points
    statement.relieved_points = figures.relieved_points
    statement.deduction_before_cap_gbp = figures.deduction_before_cap_gbp
    statement.deduction_gbp = figures.deduction_gbp
    statement.capped = figures.capped
    statement.adjustment_total_gbp = figures.adjustment_total_gbp
    statement.payable_gbp = figures.payable_gbp
    statement.lines = list(figures.lines)
    statement.status = StatementStatus.APPROVED
    statement.approved_by = user
    statement.approved_at = now
    statement.runs_stored = True
    _save(statement, user, "Approved and frozen" + (" with returns not validated" if view.pending else ""))
    bulk_create_with_history(
        [
            StatementItem(
                statement=statement,
                kpi_id=item.kpi_id,
                kpi_label=item.label,
                value=item.value,
                target=item.target,
                points=item.points,
                relieved=item.relieved,
                relief_reason=item.reason,
                deemed=item.deemed,
            )
            for item in view.items
        ],
        StatementItem,
        default_user=user,
        default_change_reason="Frozen with the statement",
    )
    bulk_create_with_history(
        [
            StatementAdjustment(
                statement=statement,
                kpi_id=a.kpi_id,
                kpi_label=a.label,
                original_month=a.original_month,
                points=a.points,
                amount_gbp=a.amount_gbp,
                validated_on=a.known_on,
                reason=a.reason[:300],
                line=a.line,
            )
            for a in figures.adjustments
        ],
        StatementAdjustment,
        default_user=user,
        default_change_reason="Deducted with the statement",
    )
    RatchetRun.objects.bulk_create(
        RatchetRun(
            statement=statement, kpi_id=kpi_id, run=state.run, last_period=parse_month(state.last_period)
        )
        for kpi_id, state in view.runs.items()
    )
    return statement


@transaction.atomic
def charge_change_add(
    *,
    user: Any,
    mechanism: PaymentMechanism,
    effective_from: dt.date,
    monthly_charge_gbp: Decimal,
    reason: str,
) -> ChargeChange:
    """Rule PAY-CHARGE-IN-FORCE: change the monthly charge from a month on (a change-control variation).

    Months before it keep the charge in force then; a change cannot reach back into approved statements.
    """
    _require_editor(user)
    month = month_start(effective_from)
    errors: dict[str, str] = {}
    if month <= mechanism.effective_from:
        errors["effective_from"] = (
            f"The mechanism starts in {mechanism.effective_from:%B %Y}: a change applies from a later month "
            "(change the mechanism itself to correct its first charge)"
        )
    latest = (
        PaymentStatement.objects.filter(partnership=mechanism.partnership_id, status=StatementStatus.APPROVED)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    if latest is not None and month <= latest:
        errors["effective_from"] = (
            f"Statements up to {latest:%B %Y} are approved and frozen: the change can apply from "
            f"{latest + relativedelta(months=1):%B %Y} at the earliest"
        )
    if ChargeChange.objects.filter(mechanism=mechanism, effective_from=month).exists():
        errors["effective_from"] = f"There is already a change of charge from {month:%B %Y}"
    if not reason.strip():
        errors["reason"] = "Enter why the charge changes, for example the variation number"
    if errors:
        raise ValidationError(errors)
    change = ChargeChange(
        mechanism=mechanism,
        effective_from=month,
        monthly_charge_gbp=monthly_charge_gbp,
        reason=reason.strip(),
    )
    change.full_clean()
    _save(change, user, "Charge changed from a date")
    return change


@transaction.atomic
def gainshare_year_set(
    *, user: Any, mechanism: PaymentMechanism, year: int, actual_cost_gbp: Decimal, notes: str = ""
) -> GainshareYear:
    _require_editor(user)
    record = GainshareYear.objects.filter(mechanism=mechanism, year=year).first()
    record = record or GainshareYear(mechanism=mechanism, year=year)
    record.actual_cost_gbp = actual_cost_gbp
    record.notes = notes
    record.full_clean()
    _save(record, user)
    return record


RESPONSIBILITY_FIELDS = (
    "obligation",
    "clause_reference",
    "responsible",
    "accountable",
    "consulted",
    "informed",
)


@transaction.atomic
def responsibility_save(
    *, user: Any, partnership: Partnership, data: dict[str, Any], responsibility: Responsibility | None = None
) -> Responsibility:
    """Add or change a line of the roles and responsibilities register (framework action C-INC-2)."""
    _require_editor(user)
    creating = responsibility is None
    responsibility = responsibility or Responsibility(partnership=partnership)
    for key in RESPONSIBILITY_FIELDS:
        if key in data:
            setattr(responsibility, key, data[key])
    responsibility.full_clean()
    _save(responsibility, user, "Created" if creating else "")
    return responsibility
