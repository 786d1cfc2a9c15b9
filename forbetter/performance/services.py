"""Writes to KPIs, returns and indicator reviews.

Every function is keyword-only, runs in one transaction, checks the user's permission and records who made
the change (django-simple-history), so each step of a return - submitted, validated, disputed, resubmitted
- is in its history.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from forbetter.accounts.permissions import can_edit, can_submit_partner_returns
from forbetter.calc.performance import Rating
from forbetter.partnerships.models import Partnership, Stage
from forbetter.partnerships.procurement import act_applies
from forbetter.partnerships.selectors import partnerships_visible_to
from forbetter.performance import adapters, benchmarks, rules
from forbetter.performance.models import (
    BenchmarkImport,
    BenchmarkValue,
    Benefit,
    BenefitValue,
    IndicatorReview,
    Kpi,
    KpiAgreement,
    KpiReturn,
    KpiState,
    KpiTarget,
    PublishedRating,
    ReturnStatus,
    ReviewOutcome,
)
from forbetter.performance.periods import (
    frequency_rule,
    is_period_start,
    period_end,
    period_label,
)
from forbetter.performance.uploads import EvidenceFileError, check_evidence_file

KPI_FIELDS = (
    "reference",
    "name",
    "definition",
    "measurement_method",
    "measured_by",
    "unit",
    "direction",
    "percent_beyond_range",
    "kpi_type",
    "baseline_value",
    "baseline_method",
    "baseline_measured_on",
    "target",
    "failure_threshold",
    "frequency",
    "first_period",
    "weight",
    "severity_points",
    "owner",
    "published",
    "return_due_days",
)

# Rule RETURN-TRANSITIONS: which step may follow which. A validated value drives status and payment, so
# it can only be disputed (with a reason) by the council, never overwritten by the partner.
TRANSITIONS: dict[str, dict[str | None, str]] = {
    "submit": {None: ReturnStatus.SUBMITTED, ReturnStatus.SUBMITTED: ReturnStatus.SUBMITTED},
    "resubmit": {ReturnStatus.DISPUTED: ReturnStatus.SUBMITTED},
    "validate": {
        ReturnStatus.SUBMITTED: ReturnStatus.VALIDATED,
        ReturnStatus.DISPUTED: ReturnStatus.VALIDATED,
    },
    "dispute": {ReturnStatus.SUBMITTED: ReturnStatus.DISPUTED, ReturnStatus.VALIDATED: ReturnStatus.DISPUTED},
}


def _require_editor(user: Any) -> None:
    if not can_edit(user):
        raise PermissionDenied("Only council editors and administrators can change KPI records")


def _save(instance: Any, user: Any, reason: str = "") -> None:
    instance._history_user = user
    if reason:
        instance._change_reason = reason
    instance.save()


def _kpi_rules(kpi: Kpi) -> None:
    errors: dict[str, str] = {}
    message = adapters.check_thresholds(
        target=kpi.target, failure_threshold=kpi.failure_threshold, higher_is_better=kpi.higher_is_better
    )
    if message:
        errors["failure_threshold"] = f"The failure threshold {message}"
    for name, label in (
        ("target", "The target"),
        ("failure_threshold", "The failure threshold"),
        ("baseline_value", "The baseline"),
    ):
        problem = rules.percent_value_error(
            getattr(kpi, name), unit=kpi.unit, beyond_range=kpi.percent_beyond_range, label=label
        )
        if problem:
            errors.setdefault(name, problem)
    if kpi.first_period and not is_period_start(kpi.first_period, kpi.frequency):
        errors["first_period"] = (
            f"The first period must be the start of a {kpi.get_frequency_display().lower()} period: "
            f"{frequency_rule(kpi.frequency)}"
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def kpi_create(*, user: Any, partnership: Partnership, data: dict[str, Any]) -> Kpi:
    _require_editor(user)
    kpi = Kpi(partnership=partnership, **{key: data[key] for key in KPI_FIELDS if key in data})
    kpi.full_clean(validate_unique=False, validate_constraints=False)
    _kpi_rules(kpi)
    if Kpi.objects.filter(partnership=partnership, reference=kpi.reference).exists():
        raise ValidationError({"reference": f"This partnership already has a KPI {kpi.reference}"})
    reason = "Created"
    if contract_live(partnership):
        # Rule KPI-AGREEMENT-DEFAULT: a KPI added to a live contract comes through its change control, so it
        # is agreed when the council records it; before the contract is live it starts as proposed.
        kpi.agreement = KpiAgreement.AGREED
        kpi.agreed_by = user
        kpi.agreed_at = timezone.now()
        reason = "Created; agreed, the contract being live"
    _save(kpi, user, reason)
    _save(_first_target(kpi), user, "Created with the KPI")
    return kpi


# --- KPI agreement (proposed -> negotiated -> agreed) -------------------------------------------------------

AGREEMENT_ORDER = (KpiAgreement.PROPOSED, KpiAgreement.NEGOTIATED, KpiAgreement.AGREED)
LIVE_STAGES = frozenset({Stage.CONTRACT_MANAGEMENT, Stage.ENDED})


def contract_live(partnership: Partnership) -> bool:
    """The contract is live once the partnership is in contract management (or has ended)."""
    return partnership.stage in LIVE_STAGES


def agreement_next(kpi: Kpi) -> str | None:
    """The state the KPI moves on to, or None once agreed."""
    index = AGREEMENT_ORDER.index(KpiAgreement(kpi.agreement))
    return AGREEMENT_ORDER[index + 1] if index + 1 < len(AGREEMENT_ORDER) else None


def agreement_reopen_refusal(kpi: Kpi) -> str:
    """Why an agreed KPI cannot be reopened (rule KPI-AGREED-STAYS), or '' if it can."""
    if kpi.agreement != KpiAgreement.AGREED:
        return ""
    if contract_live(kpi.partnership):
        return (
            f"{kpi.reference} is agreed and the contract is live: change it through an indicator review "
            "(the contract's change control), not by reopening the negotiation"
        )
    if KpiReturn.objects.filter(kpi=kpi).exists():
        return f"{kpi.reference} is agreed and has returns: it cannot go back to negotiation"
    return ""


@transaction.atomic
def kpi_agreement_move(
    *, user: Any, kpi: Kpi, to: str, reason: str = "", now: dt.datetime | None = None
) -> Kpi:
    """Move the KPI's agreement state one step: on (proposed to negotiated to agreed), or back one step
    with a reason. Agreeing records who agreed and when. Rule KPI-AGREED-STAYS: an agreed KPI goes back to
    negotiation only before the contract is live and before any return (see
    :func:`agreement_reopen_refusal`)."""
    _require_editor(user)
    current = Kpi.objects.select_for_update().select_related("partnership").get(pk=kpi.pk)
    if to not in AGREEMENT_ORDER:
        raise ValidationError({"to": "Select the state the KPI moves to"})
    step = AGREEMENT_ORDER.index(KpiAgreement(to)) - AGREEMENT_ORDER.index(KpiAgreement(current.agreement))
    label = KpiAgreement(to).label.lower()
    if step == 0:
        raise ValidationError({"to": f"{current.reference} is already {label}"})
    if abs(step) > 1:
        raise ValidationError(
            {
                "to": f"{current.reference} is {current.get_agreement_display().lower()}: it moves one step "
                "at a time"
            }
        )
    if step < 0:
        refusal = agreement_reopen_refusal(current)
        if refusal:
            raise ValidationError({"to": refusal})
        if not reason.strip():
            raise ValidationError({"reason": f"Enter why {current.reference} goes back to {label}"})
    current.agreement = to
    if to == KpiAgreement.AGREED:
        current.agreed_by = user
        current.agreed_at = now or timezone.now()
    else:
        current.agreed_by = None
        current.agreed_at = None
    why = f"{KpiAgreement(to).label}" + (f": {reason.strip()}" if reason.strip() else "")
    _save(current, user, why)
    kpi.agreement, kpi.agreed_by, kpi.agreed_at = current.agreement, current.agreed_by, current.agreed_at
    kpi.edit_version = current.edit_version
    return current


def returns_refusal(kpi: Kpi) -> str:
    """Rule KPI-RETURNS-AGREED: why the KPI takes no returns yet, or '' when it does (agreed, contract
    live)."""
    if kpi.agreement != KpiAgreement.AGREED:
        return (
            f"{kpi.reference} is {kpi.get_agreement_display().lower()}, not agreed: returns start once the "
            "council records it as agreed"
        )
    if not contract_live(kpi.partnership):
        return (
            f"Returns start when the contract is live: this partnership is in "
            f"{kpi.partnership.get_stage_display().lower()}, not contract management"
        )
    return ""


def _first_target(kpi: Kpi) -> KpiTarget:
    """The target row a KPI was set with: its target and threshold from its first period."""
    return KpiTarget(
        kpi=kpi,
        effective_from=kpi.first_period,
        target=kpi.target,
        failure_threshold=kpi.failure_threshold,
        reason="Target when the KPI was set",
    )


def _sync_current_target(kpi: Kpi, user: Any) -> None:
    """The KPI form corrects the newest target row (rule KPI-TARGET-IN-FORCE); a change from a date is
    recorded through an indicator review, so earlier periods keep their target."""
    row = KpiTarget.objects.filter(kpi=kpi).order_by("-effective_from").first()
    if row is None:
        row = KpiTarget(kpi=kpi, effective_from=kpi.first_period, reason="Target when the KPI was set")
    elif (row.target, row.failure_threshold) == (kpi.target, kpi.failure_threshold):
        return
    row.target, row.failure_threshold = kpi.target, kpi.failure_threshold
    _save(row, user, "Corrected on the KPI form")


@transaction.atomic
def kpi_update(*, user: Any, kpi: Kpi, data: dict[str, Any]) -> Kpi:
    _require_editor(user)
    for key in KPI_FIELDS:
        if key in data:
            setattr(kpi, key, data[key])
    kpi.full_clean(validate_unique=False, validate_constraints=False)
    _kpi_rules(kpi)
    if (
        Kpi.objects.filter(partnership=kpi.partnership_id, reference=kpi.reference)
        .exclude(pk=kpi.pk)
        .exists()
    ):
        raise ValidationError({"reference": f"This partnership already has a KPI {kpi.reference}"})
    _save(kpi, user)
    _sync_current_target(kpi, user)
    return kpi


def _next_period_start(kpi: Kpi, day: dt.date) -> dt.date:
    """The first reporting period of the KPI that starts after ``day``."""
    period = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    while not is_period_start(period, kpi.frequency):
        period = (period + dt.timedelta(days=32)).replace(day=1)
    return period


def _period_errors(kpi: Kpi, period: dt.date, today: dt.date) -> str:
    """Why ``period`` is not a period the partner can report for this KPI, or ''."""
    label = period_label(period, "monthly")
    if not is_period_start(period, kpi.frequency):
        return (
            f"{label} does not start a reporting period of this {kpi.get_frequency_display().lower()} KPI: "
            f"{frequency_rule(kpi.frequency)}"
        )
    if period < kpi.first_period:
        return f"Reporting for this KPI starts with {period_label(kpi.first_period, kpi.frequency)}"
    if period_end(period, kpi.frequency) >= today:
        return f"The period {period_label(period, kpi.frequency)} has not ended yet"
    return ""


@transaction.atomic
def return_submit(
    *,
    user: Any,
    partnership: Partnership,
    kpi_id: int,
    period: dt.date,
    value: Decimal,
    evidence: UploadedFile | None,
    commentary: str = "",
    now: dt.datetime | None = None,
) -> KpiReturn:
    """The partner's value for a KPI and period, with evidence; replaces a value awaiting validation or
    one the council disputed. Late returns are flagged (rule KPI-RETURN-LATE)."""
    if (
        not can_submit_partner_returns(user)
        or not partnerships_visible_to(user).filter(pk=partnership.pk).exists()
    ):
        raise PermissionDenied("Only the partner's staff can submit returns for this partnership")
    now = now or timezone.now()
    kpi = Kpi.objects.filter(partnership=partnership, pk=kpi_id).first()
    if kpi is None:
        raise ValidationError({"kpi": "Select a KPI of this partnership"})
    if kpi.state == KpiState.RETIRED:
        raise ValidationError({"kpi": f"{kpi.reference} has been retired: it takes no more returns"})
    not_yet = returns_refusal(kpi)
    if not_yet:
        raise ValidationError({"kpi": not_yet})
    percent_problem = rules.percent_value_error(value, unit=kpi.unit, beyond_range=kpi.percent_beyond_range)
    if percent_problem:
        raise ValidationError({"value": percent_problem})
    period_problem = _period_errors(kpi, period, timezone.localdate(now))
    if period_problem:
        raise ValidationError({"period": period_problem})
    if evidence is None:
        raise ValidationError({"evidence": "Upload the evidence for this value"})
    try:
        kind = check_evidence_file(evidence.name or "", evidence.size or 0, evidence)
    except EvidenceFileError as error:
        raise ValidationError({"evidence": str(error)}) from error
    existing = KpiReturn.objects.select_for_update().filter(kpi=kpi, period=period).first()
    step = "resubmit" if existing is not None and existing.status == ReturnStatus.DISPUTED else "submit"
    current = existing.status if existing is not None else None
    if existing is not None and current not in TRANSITIONS[step]:
        raise ValidationError(
            {
                "period": f"The return for {existing.period_label} has been validated by the council and "
                "cannot be changed; contact the council's contract manager"
            }
        )
    due_on = rules.return_due_on(period, frequency=kpi.frequency, due_days=kpi.return_due_days)
    record = existing or KpiReturn(
        kpi=kpi,
        period=period,
        due_on=due_on,
        late=rules.is_late(timezone.localdate(now), due_on=due_on),
    )
    record.value = value
    record.commentary = commentary
    record.status = TRANSITIONS[step][current]
    record.submitted_by = user
    record.submitted_at = now
    record.reviewed_by = None
    record.reviewed_at = None
    record.full_clean(exclude=["evidence_file"])
    evidence.seek(0)
    record.evidence_file.save(evidence.name or f"evidence.{kind.extension}", evidence, save=False)
    record.evidence_name = (evidence.name or "")[:200]
    record.evidence_type = kind.extension
    record.evidence_size = evidence.size
    if step == "resubmit":
        reason = "Resubmitted after dispute"
    else:
        reason = "Submitted" if existing is None else "Corrected before validation"
    if record.late and existing is None:
        reason += f" late (due {due_on:%-d %B %Y})"
    # The file a replaced return pointed to is kept on purpose: its history row still names it, so the
    # council can see what was first submitted (decision record 0012). The new file is stored before the
    # row is written; if the write fails the new file is removed, so that no file in MEDIA_ROOT is left
    # that no record or history row names.
    stored_name = record.evidence_file.name
    storage = record.evidence_file.storage
    try:
        _save(record, user, reason)
    except BaseException:
        if stored_name:
            storage.delete(stored_name)
        raise
    return record


@transaction.atomic
def return_validate(*, user: Any, kpi_return: KpiReturn, now: dt.datetime | None = None) -> KpiReturn:
    """The council accepts the value: from now on it drives status, ratings and payment."""
    _require_editor(user)
    record = KpiReturn.objects.select_for_update().get(pk=kpi_return.pk)
    if record.status not in TRANSITIONS["validate"]:
        raise ValidationError({"decision": "This return has already been validated"})
    record.status = ReturnStatus.VALIDATED
    record.reviewed_by = user
    record.reviewed_at = now or timezone.now()
    _save(record, user, "Validated")
    return record


@transaction.atomic
def return_dispute(
    *, user: Any, kpi_return: KpiReturn, reason: str, now: dt.datetime | None = None
) -> KpiReturn:
    """The council does not accept the value and says why; the partner can resubmit."""
    _require_editor(user)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the return is disputed"})
    record = KpiReturn.objects.select_for_update().get(pk=kpi_return.pk)
    if record.status not in TRANSITIONS["dispute"]:
        raise ValidationError({"decision": "This return is already disputed"})
    record.status = ReturnStatus.DISPUTED
    record.dispute_reason = reason.strip()
    record.reviewed_by = user
    record.reviewed_at = now or timezone.now()
    _save(record, user, f"Disputed: {reason.strip()}"[:100])
    return record


def _target_date_error(kpi: Kpi, applies_from: dt.date) -> str:
    """Why a new target cannot apply from ``applies_from`` (rule KPI-TARGET-IN-FORCE), or ''."""
    if not is_period_start(applies_from, kpi.frequency):
        return (
            f"The new target must apply from the start of a reporting period: {frequency_rule(kpi.frequency)}"
        )
    if applies_from < kpi.first_period:
        return f"Reporting for this KPI starts with {period_label(kpi.first_period, kpi.frequency)}"
    if KpiTarget.objects.filter(kpi=kpi, effective_from__gt=applies_from).exists():
        return "A later target is already recorded: a change cannot go before it"
    return ""


def _apply_target(
    kpi: Kpi, user: Any, target: Decimal, threshold: Decimal | None, applies_from: dt.date, because: str
) -> KpiTarget:
    """Record the target in force from ``applies_from`` on; earlier periods keep theirs (rule
    KPI-TARGET-IN-FORCE)."""
    if not KpiTarget.objects.filter(kpi=kpi).exists():
        _save(_first_target(kpi), user, "Recorded before a change")
    row = KpiTarget.objects.filter(kpi=kpi, effective_from=applies_from).first() or KpiTarget(
        kpi=kpi, effective_from=applies_from
    )
    row.target, row.failure_threshold, row.reason = target, threshold, because[:300]
    _save(row, user, because)
    kpi.target, kpi.failure_threshold = target, threshold
    _save(kpi, user, f"Target changed from {period_label(applies_from, kpi.frequency)}: {because.lower()}")
    return row


def target_change_errors(
    *, kpi: Kpi, target: Decimal | None, failure_threshold: Decimal | None, applies_from: dt.date
) -> dict[str, str]:
    """Why ``target`` (and ``failure_threshold``, or the KPI's own if None) cannot apply to ``kpi`` from
    ``applies_from``: the checks an indicator review makes, keyed ``target``, ``failure_threshold`` and
    ``applies_from``; empty if it can. For other areas (a contract change) to check before they commit."""
    errors: dict[str, str] = {}
    threshold = failure_threshold if failure_threshold is not None else kpi.failure_threshold
    if target is None:
        errors["target"] = f"Enter the new target of {kpi.reference}"
    else:
        message = adapters.check_thresholds(
            target=target, failure_threshold=threshold, higher_is_better=kpi.higher_is_better
        )
        if message:
            field = "failure_threshold" if failure_threshold is not None else "target"
            errors[field] = f"With this target {kpi.reference}'s failure threshold {message}"
    if kpi.state == KpiState.RETIRED:
        errors["applies_from"] = f"{kpi.reference} has been retired: its target cannot change"
    else:
        problem = _target_date_error(kpi, applies_from)
        if problem:
            errors["applies_from"] = f"{kpi.reference}: {problem}"
    return errors


@transaction.atomic
def target_change_add(
    *,
    user: Any,
    kpi: Kpi,
    target: Decimal,
    failure_threshold: Decimal | None,
    applies_from: dt.date,
    reason: str,
) -> KpiTarget:
    """Change a KPI's target from the start of a reporting period on, for a reason other than an indicator
    review (an approved contract change, say). The same checks as a review's new target
    (:func:`target_change_errors`); periods before keep the target in force then (rule KPI-TARGET-IN-FORCE).
    """
    _require_editor(user)
    kpi = Kpi.objects.select_for_update().get(pk=kpi.pk)
    errors = target_change_errors(
        kpi=kpi, target=target, failure_threshold=failure_threshold, applies_from=applies_from
    )
    if not reason.strip():
        errors["reason"] = "Enter why the target changes"
    if errors:
        raise ValidationError(errors)
    threshold = failure_threshold if failure_threshold is not None else kpi.failure_threshold
    return _apply_target(kpi, user, target, threshold, applies_from, reason.strip())


@transaction.atomic
def review_schedule(*, user: Any, kpi: Kpi, due_on: dt.date) -> IndicatorReview:
    _require_editor(user)
    if kpi.state == KpiState.RETIRED:
        raise ValidationError({"kpi": f"{kpi.reference} has been retired: there is nothing to review"})
    if IndicatorReview.objects.filter(kpi=kpi, reviewed_on__isnull=True).exists():
        raise ValidationError({"kpi": f"A review of {kpi.reference} is already scheduled"})
    review = IndicatorReview(kpi=kpi, due_on=due_on)
    review.full_clean()
    _save(review, user, "Scheduled")
    return review


@transaction.atomic
def review_record(
    *,
    user: Any,
    review: IndicatorReview,
    reviewed_on: dt.date,
    outcome: str,
    notes: str,
    new_target: Decimal | None = None,
    new_failure_threshold: Decimal | None = None,
    new_target_from: dt.date | None = None,
    next_review_on: dt.date | None = None,
) -> IndicatorReview:
    """Record the outcome of an indicator review (framework action C-PM-2) and apply it to the KPI.

    Changing the target needs the new target; it applies from ``new_target_from`` (default: the first
    reporting period that starts after the review) and earlier periods keep the target in force then
    (rule KPI-TARGET-IN-FORCE). Replacing or retiring a KPI retires it (it takes no more returns); keeping or
    changing it can schedule the next review.
    """
    _require_editor(user)
    if review.reviewed_on is not None:
        raise ValidationError({"outcome": "This review has already been recorded"})
    kpi = Kpi.objects.select_for_update().get(pk=review.kpi_id)
    errors: dict[str, str] = {}
    threshold = new_failure_threshold if new_failure_threshold is not None else kpi.failure_threshold
    applies_from = new_target_from or _next_period_start(kpi, reviewed_on)
    if outcome == ReviewOutcome.CHANGE_TARGET:
        if new_target is None:
            errors["new_target"] = "Enter the new target"
        else:
            message = adapters.check_thresholds(
                target=new_target, failure_threshold=threshold, higher_is_better=kpi.higher_is_better
            )
            if message:
                field = "new_failure_threshold" if new_failure_threshold is not None else "new_target"
                errors[field] = f"With this target the KPI's failure threshold {message}"
        problem = _target_date_error(kpi, applies_from)
        if problem:
            errors["new_target_from"] = problem
    if outcome in (ReviewOutcome.REPLACE, ReviewOutcome.RETIRE) and not notes.strip():
        errors["notes"] = "Say why the indicator is being replaced or retired, and what replaces it"
    if next_review_on is not None and next_review_on <= reviewed_on:
        errors["next_review_on"] = "The next review must be after this one"
    if errors:
        raise ValidationError(errors)
    review.reviewed_on = reviewed_on
    review.reviewed_by = user
    review.outcome = outcome
    review.notes = notes.strip()
    changing = outcome == ReviewOutcome.CHANGE_TARGET
    review.new_target = new_target if changing else None
    review.new_failure_threshold = new_failure_threshold if changing else None
    review.new_target_from = applies_from if changing else None
    review.full_clean()
    _save(review, user, f"Reviewed: {review.get_outcome_display().lower()}")
    if changing and new_target is not None:
        because = f"Changed at the indicator review of {reviewed_on:%-d %B %Y}"
        _apply_target(kpi, user, new_target, threshold, applies_from, because)
    elif outcome in (ReviewOutcome.REPLACE, ReviewOutcome.RETIRE):
        kpi.state = KpiState.RETIRED
        _save(kpi, user, f"Retired at the indicator review of {reviewed_on:%-d %B %Y}")
    if next_review_on is not None and kpi.state == KpiState.ACTIVE:
        _save(IndicatorReview(kpi=kpi, due_on=next_review_on), user, "Scheduled at the previous review")
    return review


@transaction.atomic
def benchmark_import(*, user: Any, kpi: Kpi, file_name: str, text: str) -> BenchmarkImport:
    """Import comparator values for a KPI after checking every row; any bad row and nothing is saved.

    A value for a council and period already held is replaced (its history keeps the old value).
    """
    _require_editor(user)
    preview = benchmarks.parse(kpi, text)
    if not preview.ok:
        first = preview.errors[0] if preview.errors else None
        where = f"Row {first.row}, {first.column}: " if first and first.column else ""
        raise ValidationError({"file": f"{where}{first.message if first else 'no rows'}"})
    batch = BenchmarkImport(
        kpi=kpi, file_name=file_name[:200] or "upload.csv", row_count=len(preview.rows), imported_by=user
    )
    _save(batch, user, "Imported")
    existing = {
        (value.council.casefold(), value.period): value
        for value in BenchmarkValue.objects.select_for_update().filter(
            kpi=kpi, period__in={row.period for row in preview.rows}
        )
    }
    new_values = []
    for row in preview.rows:
        current = existing.get((row.council.casefold(), row.period))
        if current is not None:
            current.value, current.source, current.source_import = row.value, row.source, batch
            _save(current, user, f"Replaced by import of {batch.file_name}")
        else:
            new_values.append(
                BenchmarkValue(
                    kpi=kpi,
                    source_import=batch,
                    council=row.council,
                    period=row.period,
                    value=row.value,
                    source=row.source,
                )
            )
    bulk_create_with_history(
        new_values,
        BenchmarkValue,
        default_user=user,
        default_change_reason=f"Imported from {batch.file_name}",
    )
    return batch


BENEFIT_FIELDS = ("name", "description", "category", "owner", "evidence")


@transaction.atomic
def benefit_save(
    *,
    user: Any,
    partnership: Partnership,
    data: dict[str, Any],
    values: list[dict[str, Any]],
    benefit: Benefit | None = None,
) -> Benefit:
    """Create or change a benefit and its planned and realised values by financial year.

    ``values`` is the whole set of year rows: years left out are removed, so the register always shows
    exactly what the officer last saved.
    """
    _require_editor(user)
    years = [row["year"] for row in values]
    duplicates = sorted({year for year in years if years.count(year) > 1})
    if duplicates:
        raise ValidationError(
            {"values": f"Each year can appear once; {duplicates[0]} appears more than once"}
        )
    creating = benefit is None
    benefit = benefit or Benefit(partnership=partnership)
    for key in BENEFIT_FIELDS:
        if key in data:
            setattr(benefit, key, data[key])
    benefit.full_clean()
    _save(benefit, user, "Created" if creating else "")
    current = {value.year: value for value in benefit.values.all()} if not creating else {}
    for row in values:
        value = current.pop(row["year"], None) or BenefitValue(benefit=benefit, year=row["year"])
        if value.pk and (value.planned_gbp, value.realised_gbp) == (
            row["planned_gbp"],
            row.get("realised_gbp"),
        ):
            continue
        value.planned_gbp = row["planned_gbp"]
        value.realised_gbp = row.get("realised_gbp")
        value.full_clean()
        _save(value, user)
    for value in current.values():
        value._history_user = user  # type: ignore[attr-defined]
        value.delete()
    return benefit


@transaction.atomic
def published_rating_record(
    *,
    user: Any,
    kpi: Kpi,
    year_start: dt.date,
    year_end: dt.date,
    data: dict[str, Any],
    today: dt.date | None = None,
) -> PublishedRating:
    """Record the rating published for a KPI and a completed contract year, or why none was (s. 71).

    Refused: a partnership not under the Procurement Act 2023, a year not yet over (rule
    KPI-ANNUAL-RATING rates whole years only), neither a rating nor an exemption reason, "Other" without an
    explanation, and a publication date before the year ended or in the future.
    """
    _require_editor(user)
    today = today or dt.date.today()
    if not act_applies(kpi.partnership):
        raise ValidationError(
            "The Procurement Act 2023 does not apply to this partnership, so there is no rating to publish"
        )
    if year_end >= today:
        raise ValidationError("This contract year is still in progress: it can be rated once it has ended")
    rating = data.get("rating") or ""
    explanation = (data.get("explanation") or "").strip()
    exemption = (data.get("exemption_reason") or "").strip()
    published_on = data.get("published_on")
    errors: dict[str, str] = {}
    if not rating and not exemption:
        errors["rating"] = "Select the rating published, or say why no rating was published"
    if rating and exemption:
        errors["exemption_reason"] = "Leave the exemption reason blank when a rating was published"
    if rating == Rating.OTHER and not explanation:
        errors["explanation"] = "Explain the rating Other: the regulations ask for the reason"
    if published_on is not None and not year_end < published_on <= today:
        errors["published_on"] = (
            f"The publication date must be after the year ended ({year_end.day} {year_end:%B %Y}) and not "
            "in the future"
        )
    if errors:
        raise ValidationError(errors)
    record = PublishedRating.objects.filter(kpi=kpi, year_start=year_start).first() or PublishedRating(
        kpi=kpi, year_start=year_start
    )
    created = record.pk is None
    record.year_end = year_end
    record.rating = rating
    record.explanation = explanation
    record.exemption_reason = exemption
    record.published_on = published_on if rating else None
    record.recorded_by = user
    record.full_clean(validate_unique=False, validate_constraints=False)
    _save(record, user, "Rating recorded" if created else "Rating changed")
    return record
