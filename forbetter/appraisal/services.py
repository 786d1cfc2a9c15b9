"""Writes to business cases, their versions, options and cash-flow lines, and to service baselines.

Every function is keyword-only, runs in one transaction, checks that the user may edit and records who
made the change. Rule VERSION-FROZEN: nothing in a frozen version can change; a new version is created
from it instead (:func:`version_create_from`), copying every input. Rule VERSION-FREEZE-FIGURES: a version is
frozen only if its appraisal can be calculated, and its figures are then stored with the engine version
(:mod:`forbetter.appraisal.frozen`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from forbetter.accounts.permissions import can_edit
from forbetter.appraisal.models import (
    BENEFIT_CATEGORIES,
    AppraisalOption,
    BaselineMeasure,
    BudgetYear,
    BusinessCase,
    BusinessCaseVersion,
    CashflowLine,
    CashflowValue,
    DeflatorRate,
    DiscountSchedule,
    LineCategory,
    OptimismBiasContribution,
    OptionRiskShare,
    PriceBase,
    ServiceBaseline,
    VersionStatus,
    default_risk_bearer,
)
from forbetter.calc.appraisal import (
    RISK_ADJUSTMENT_LABEL,
    optimism_bias_lower_bound,
    optimism_bias_upper_bound,
)
from forbetter.partnerships.models import Partnership
from forbetter.risks.models import Risk, RiskCategory

RETAINED_RISK_LABEL = RISK_ADJUSTMENT_LABEL
BASELINE_LINE_LABEL = "Operating cost of the services today (from the service baselines)"
OPTION_FIELDS = ("name", "kind", "description", "years", "risk_bearer", "optimism_bias_category")
RISK_SETTINGS_FIELDS = (
    "include_register_risks",
    "risk_percentile",
    "risk_iterations",
    "risk_seed",
    "risk_note",
)
LINE_FIELDS = ("label", "category", "prices", "optimism_bias_applies")
BASELINE_FIELDS = ("service", "annual_cost_gbp", "cost_source", "cost_as_at", "notes")
MEASURE_FIELDS = ("kind", "name", "value", "unit", "source", "as_at")


def _require_editor(user: Any) -> None:
    if not can_edit(user):
        raise PermissionDenied("Only council editors and administrators can change a business case")


def _save(instance: Any, user: Any, reason: str = "") -> None:
    instance._history_user = user
    if reason:
        instance._change_reason = reason
    instance.save()


def _delete(instance: Any, user: Any, reason: str = "") -> None:
    instance._history_user = user
    if reason:
        instance._change_reason = reason
    instance.delete()


def _deflator_years(version: BusinessCaseVersion, rates: int) -> None:
    """Rule DEFLATOR-COVERS-OPTIONS: a yearly deflator series must cover every option's years."""
    if rates <= 1:
        return
    longest = version.options.order_by("-years").first()
    if longest is not None and rates < longest.years - 1:
        raise ValidationError(
            {
                "deflator": f"You listed {rates} yearly rates, but the option “{longest.name}” runs for "
                f"{longest.years} years, so {longest.years - 1} are needed (years 1 to {longest.years - 1}). "
                "A shorter series is not extended: list every year, or give one rate for every year."
            }
        )


def _option_years_within_deflator(option: AppraisalOption) -> None:
    rates = DeflatorRate.objects.filter(version_id=option.version_id).count()
    if rates and rates < option.years - 1:
        raise ValidationError(
            {
                "years": f"The version's GDP deflator lists {rates} yearly rates, which cover {rates + 1} "
                f"years; change the version's settings to list {option.years - 1} rates before appraising "
                f"{option.years} years."
            }
        )


def frozen_message(version: BusinessCaseVersion) -> str:
    when = f" on {version.frozen_at:%-d %B %Y}" if version.frozen_at else ""
    return (
        f"Version {version.number} was frozen{when} and cannot be changed. "
        "Create a new version from it to make changes."
    )


def _require_draft(version: BusinessCaseVersion) -> None:
    """Rule VERSION-FROZEN: a frozen version is read-only."""
    current = BusinessCaseVersion.objects.only("status", "frozen_at", "number").get(pk=version.pk)
    if current.status == VersionStatus.FROZEN:
        raise ValidationError(frozen_message(current))


# --- business cases and versions ----------------------------------------------------------------------------


@transaction.atomic
def business_case_create(
    *, user: Any, partnership: Partnership, title: str, price_base_year: int | None = None
) -> BusinessCase:
    """A new business case with an empty draft version 1 on the Green Book standard schedule."""
    _require_editor(user)
    if not title.strip():
        raise ValidationError({"title": "Enter a title for the business case"})
    case = BusinessCase(partnership=partnership, title=title.strip())
    case.full_clean()
    _save(case, user, "Created")
    version = BusinessCaseVersion(
        business_case=case, number=1, price_base_year=price_base_year or dt.date.today().year
    )
    version.full_clean()
    _save(version, user, "Created")
    return case


@transaction.atomic
def version_update_settings(
    *,
    user: Any,
    version: BusinessCaseVersion,
    price_base_year: int,
    discount_schedule: str,
    discount_rate: Decimal | None,
    deflator_rates: Sequence[Decimal],
    budget_prices: str,
    budget_gbp: Sequence[Decimal],
    change_note: str = "",
) -> BusinessCaseVersion:
    """Discounting, the GDP deflator and the budget envelope of a draft version.

    ``deflator_rates`` is empty (no deflator), one rate for every year, or g1, g2, ... one per year from
    year 1. ``budget_gbp`` lists the budget envelope for years 0, 1, ... (empty: no envelope).
    """
    _require_editor(user)
    _require_draft(version)
    if discount_schedule == DiscountSchedule.FLAT and discount_rate is None:
        raise ValidationError({"discount_rate": "Enter the flat discount rate, like 0.035"})
    _deflator_years(version, len(deflator_rates))
    version.change_note = change_note.strip()
    version.price_base_year = price_base_year
    version.discount_schedule = discount_schedule
    version.discount_rate = discount_rate if discount_schedule == DiscountSchedule.FLAT else None
    version.deflator_rate = deflator_rates[0] if len(deflator_rates) == 1 else None
    version.budget_prices = budget_prices
    version.full_clean()
    _save(version, user, "Settings changed")
    for rate in version.deflator_rates.all():
        _delete(rate, user)
    if len(deflator_rates) > 1:
        rates = [DeflatorRate(version=version, year=k, rate=g) for k, g in enumerate(deflator_rates, 1)]
        for rate in rates:
            rate.full_clean(exclude=["version"])
        bulk_create_with_history(rates, DeflatorRate, default_user=user)
    for budget in version.budget_years.all():
        _delete(budget, user)
    budgets = [BudgetYear(version=version, year=t, amount_gbp=v) for t, v in enumerate(budget_gbp)]
    for budget in budgets:
        budget.full_clean(exclude=["version"])
    bulk_create_with_history(budgets, BudgetYear, default_user=user)
    return version


@transaction.atomic
def version_set_risk_settings(
    *, user: Any, version: BusinessCaseVersion, data: dict[str, Any], reason: str = "Risk settings changed"
) -> BusinessCaseVersion:
    """Whether a draft version's options carry the expected value of the register's risks they retain, and
    the seeded P-value shown beside it (see decision record 0010). Refuses a frozen version; records history.
    The risk pages call this to link a Monte Carlo run's seed and iterations to the business case."""
    _require_editor(user)
    _require_draft(version)
    current = BusinessCaseVersion.objects.get(pk=version.pk)  # bad input leaves the caller's copy as it was
    changed = {
        key: data[key].strip() if isinstance(data[key], str) else data[key]
        for key in RISK_SETTINGS_FIELDS
        if key in data
    }
    for key, value in changed.items():
        setattr(current, key, value)
    current.full_clean()
    _save(current, user, reason)
    for key, value in changed.items():
        setattr(version, key, value)
    return version


@transaction.atomic
def version_freeze(*, user: Any, version: BusinessCaseVersion, reason: str) -> BusinessCaseVersion:
    """Freeze a draft version so it can be cited and compared, storing its figures.

    Rule VERSION-FREEZE-REASON: needs a reason. Rule VERSION-FREEZE-FIGURES: the appraisal must calculate
    (otherwise the messages say what to fix and nothing changes); its results, discount factors, risk
    adjustment, affordability and the engine version are stored so the version's pages never change later.
    """
    from forbetter.appraisal import frozen  # the adapters import this module

    _require_editor(user)
    _require_draft(version)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why this version is being frozen"})
    try:
        frozen.store_figures(version)
    except frozen.NotCalculableError as problem:
        raise ValidationError(
            {
                "reason": "This version cannot be frozen because its appraisal cannot be calculated: "
                + " ".join(problem.messages)
            }
        ) from None
    version.status = VersionStatus.FROZEN
    version.frozen_at = timezone.now()
    version.frozen_by = user
    version.freeze_reason = reason.strip()
    version.full_clean()
    _save(version, user, f"Frozen: {version.freeze_reason}")
    return version


@transaction.atomic
def version_create_from(*, user: Any, version: BusinessCaseVersion) -> BusinessCaseVersion:
    """A new draft version of the same business case with a copy of every input of ``version``."""
    _require_editor(user)
    case = BusinessCase.objects.select_for_update().get(pk=version.business_case_id)
    number = (case.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    copy = BusinessCaseVersion(
        business_case=case,
        number=number,
        based_on=version,
        price_base_year=version.price_base_year,
        discount_schedule=version.discount_schedule,
        discount_rate=version.discount_rate,
        deflator_rate=version.deflator_rate,
        budget_prices=version.budget_prices,
        include_register_risks=version.include_register_risks,
        risk_percentile=version.risk_percentile,
        risk_iterations=version.risk_iterations,
        risk_seed=version.risk_seed,
        risk_note=version.risk_note,
    )
    _save(copy, user, f"Created from version {version.number}")
    bulk_create_with_history(
        [DeflatorRate(version=copy, year=r.year, rate=r.rate) for r in version.deflator_rates.all()],
        DeflatorRate,
        default_user=user,
    )
    bulk_create_with_history(
        [BudgetYear(version=copy, year=b.year, amount_gbp=b.amount_gbp) for b in version.budget_years.all()],
        BudgetYear,
        default_user=user,
    )
    values: list[CashflowValue] = []
    options = version.options.prefetch_related("contributions", "lines__values", "risk_shares")
    for option in options:
        contributions = list(option.contributions.all())
        lines = list(option.lines.all())
        shares = list(option.risk_shares.all())
        option.pk = None
        option.version = copy
        _save(option, user, f"Copied from version {version.number}")
        bulk_create_with_history(
            [
                OptionRiskShare(
                    option=option,
                    risk_id=share.risk_id,
                    category_id=share.category_id,
                    council_share=share.council_share,
                    first_year=share.first_year,
                    last_year=share.last_year,
                    reason=share.reason,
                )
                for share in shares
            ],
            OptionRiskShare,
            default_user=user,
        )
        bulk_create_with_history(
            [
                OptimismBiasContribution(
                    option=option, factor=c.factor, contribution=c.contribution, mitigation=c.mitigation
                )
                for c in contributions
            ],
            OptimismBiasContribution,
            default_user=user,
        )
        for line in lines:
            line_values = list(line.values.all())
            line.pk = None
            line.option = option
            _save(line, user, f"Copied from version {version.number}")
            values.extend(CashflowValue(line=line, year=v.year, amount_gbp=v.amount_gbp) for v in line_values)
    bulk_create_with_history(values, CashflowValue, default_user=user)
    return copy


# --- options ------------------------------------------------------------------------------------------------


def _set_optimism_bias(option: AppraisalOption) -> None:
    """Keep the bounds the project type had in the Green Book table when it was chosen."""
    if option.optimism_bias_category:
        bound = optimism_bias_upper_bound(option.optimism_bias_category)
        option.optimism_bias_upper_bound = Decimal(str(bound))
        lower = optimism_bias_lower_bound(option.optimism_bias_category)
        option.optimism_bias_lower_bound = Decimal(str(lower))
    else:
        option.optimism_bias_upper_bound = None
        option.optimism_bias_lower_bound = None


def _check_option_name(option: AppraisalOption) -> None:
    clash = AppraisalOption.objects.filter(version_id=option.version_id, name=option.name)
    if clash.exclude(pk=option.pk).exists():
        raise ValidationError({"name": "This version already has an option with that name"})


@transaction.atomic
def option_create(*, user: Any, version: BusinessCaseVersion, data: dict[str, Any]) -> AppraisalOption:
    _require_editor(user)
    _require_draft(version)
    top = version.options.aggregate(top=Max("order"))["top"]
    option = AppraisalOption(
        version=version,
        order=0 if top is None else top + 1,
        **{key: data[key] for key in OPTION_FIELDS if key in data},
    )
    if not data.get("risk_bearer"):
        option.risk_bearer = default_risk_bearer(option.kind)
    _set_optimism_bias(option)
    option.full_clean(validate_constraints=False)
    _check_option_name(option)
    _option_years_within_deflator(option)
    _save(option, user, "Created")
    return option


@transaction.atomic
def option_update(*, user: Any, option: AppraisalOption, data: dict[str, Any], reason: str = "") -> list[str]:
    """Correct an option, with the reason recorded in its history. If its number of years changes, every
    line is cut back or extended with zeros to match; the notes returned say so, for the page to tell the
    user."""
    _require_editor(user)
    _require_draft(option.version)
    old_years = option.years
    for key in OPTION_FIELDS:
        if key in data:
            setattr(option, key, data[key])
    _set_optimism_bias(option)
    option.full_clean(validate_constraints=False)
    _check_option_name(option)
    _option_years_within_deflator(option)
    _save(option, user, f"Corrected: {reason.strip()}" if reason.strip() else "")
    notes: list[str] = []
    if option.years != old_years:
        lines = list(option.lines.all())
        if option.years < old_years:
            dropped = CashflowValue.objects.filter(line__option=option, year__gte=option.years)
            for value in dropped:
                _delete(value, user)
            if lines:
                notes.append(
                    f"The values for years {option.years} to {old_years - 1} were removed from "
                    f"{len(lines)} line(s)."
                )
        else:
            bulk_create_with_history(
                [
                    CashflowValue(line=line, year=year, amount_gbp=Decimal(0))
                    for line in lines
                    for year in range(old_years, option.years)
                ],
                CashflowValue,
                default_user=user,
            )
            if lines:
                notes.append(
                    f"Years {old_years} to {option.years - 1} were added to {len(lines)} line(s) with "
                    "values of £0: enter the amounts for those years."
                )
    return notes


def option_removal_summary(option: AppraisalOption) -> dict[str, int]:
    """What removing an option takes with it, for the confirmation page to say exactly."""
    return {
        "lines": option.lines.count(),
        "values": CashflowValue.objects.filter(line__option=option).count(),
        "contributions": option.contributions.count(),
        "risk_shares": option.risk_shares.count(),
    }


@transaction.atomic
def option_delete(*, user: Any, option: AppraisalOption, reason: str) -> dict[str, int]:
    """Withdraw an option from a draft version with everything under it, recording the reason on every
    record removed (Rule OPTION-REMOVE-REASON). Returns what was removed."""
    _require_editor(user)
    _require_draft(option.version)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the option is being removed"})
    removed = option_removal_summary(option)
    why = f"Removed with the option “{option.name}”: {reason.strip()}"
    for value in CashflowValue.objects.filter(line__option=option):
        _delete(value, user, why)
    for line in option.lines.all():
        _delete(line, user, why)
    for row in option.contributions.all():
        _delete(row, user, why)
    for share in option.risk_shares.all():
        _delete(share, user, why)
    _delete(option, user, f"Removed: {reason.strip()}")
    return removed


# --- who bears each risk under an option -------------------------------------------------------------------


@transaction.atomic
def option_risk_share_set(
    *,
    user: Any,
    option: AppraisalOption,
    risk: Risk | None = None,
    category: RiskCategory | None = None,
    council_share: Decimal,
    first_year: int | None = None,
    last_year: int | None = None,
    reason: str,
) -> OptionRiskShare:
    """Say what share of one risk, or of every risk in a category, the council keeps under this option,
    overriding the option's ``risk_bearer`` (a per-risk row wins over a per-category row). Replaces any row
    for the same risk or category; records the reason."""
    _require_editor(user)
    _require_draft(option.version)
    errors: dict[str, str] = {}
    if (risk is None) == (category is None):
        errors["target"] = "Select one risk or one category"
    if risk is not None and risk.partnership_id != option.version.business_case.partnership_id:
        errors["target"] = "Select a risk of this partnership's register"
    if (first_year is None) != (last_year is None):
        errors["last_year"] = "Enter both the first and the last year, or neither"
    elif first_year is not None and last_year is not None:
        if first_year > last_year:
            errors["last_year"] = "The last year cannot be before the first year"
        elif last_year >= option.years:
            errors["last_year"] = (
                f"The option runs for {option.years} years (year 0 to year {option.years - 1}); "
                f"year {last_year} is outside it"
            )
    if not reason.strip():
        errors["reason"] = "Say why this risk is borne differently under this option"
    if errors:
        raise ValidationError(errors)
    share = OptionRiskShare.objects.filter(option=option, risk=risk, category=category).first()
    if share is None:
        share = OptionRiskShare(option=option, risk=risk, category=category)
    share.council_share = council_share
    share.first_year = first_year
    share.last_year = last_year
    share.reason = reason.strip()
    share.full_clean(validate_constraints=False)
    _save(share, user, reason.strip())
    return share


@transaction.atomic
def option_risk_share_remove(*, user: Any, share: OptionRiskShare) -> None:
    """Go back to the option's default for this risk or category."""
    _require_editor(user)
    _require_draft(share.option.version)
    _delete(share, user, "Back to the option's default")


@transaction.atomic
def option_start_from_baselines(*, user: Any, option: AppraisalOption) -> CashflowLine:
    """Add an operating-cost line, in real prices, equal every year to the total current annual cost of the
    partnership's service baselines (services in scope only)."""
    _require_editor(user)
    _require_draft(option.version)
    partnership = option.version.business_case.partnership
    baselines = ServiceBaseline.objects.filter(
        partnership=partnership, service__in=partnership.services.all()
    )
    costs = [baseline.annual_cost_gbp for baseline in baselines]
    if not costs:
        raise ValidationError("Record the service baselines first: there are none for the services in scope")
    if option.lines.filter(label=BASELINE_LINE_LABEL).exists():
        raise ValidationError("This option already has a line started from the service baselines")
    total = sum(costs, Decimal(0))
    return line_create(
        user=user,
        option=option,
        data={"label": BASELINE_LINE_LABEL, "category": LineCategory.OPERATING, "prices": PriceBase.REAL},
        values=[total] * option.years,
    )


# --- cash-flow lines ----------------------------------------------------------------------------------------


def _check_line(line: CashflowLine, values: Sequence[Decimal], years: int) -> None:
    errors: dict[str, str] = {}
    if line.label.strip() == RETAINED_RISK_LABEL:
        errors["label"] = "That label is kept for the quantified retained risk: choose another"
    elif CashflowLine.objects.filter(option_id=line.option_id, label=line.label).exclude(pk=line.pk).exists():
        errors["label"] = "This option already has a line with that label"
    if line.optimism_bias_applies and line.category in BENEFIT_CATEGORIES:
        errors["optimism_bias_applies"] = "Optimism bias applies to costs only: untick it for a benefits line"
    if len(values) != years:
        errors["values"] = (
            f"Enter {years} values, one for each year from year 0 to year {years - 1}; "
            f"you entered {len(values)}"
        )
    else:
        for year, value in enumerate(values):
            if value < 0:
                errors["values"] = (
                    f"Year {year}: amounts cannot be negative; enter savings or income as a benefits line"
                )
                break
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def line_create(
    *, user: Any, option: AppraisalOption, data: dict[str, Any], values: Sequence[Decimal]
) -> CashflowLine:
    _require_editor(user)
    _require_draft(option.version)
    top = option.lines.aggregate(top=Max("order"))["top"]
    line = CashflowLine(
        option=option, order=0 if top is None else top + 1, **{k: data[k] for k in LINE_FIELDS if k in data}
    )
    line.full_clean(validate_constraints=False)
    _check_line(line, values, option.years)
    _save(line, user, "Created")
    bulk_create_with_history(
        [CashflowValue(line=line, year=year, amount_gbp=value) for year, value in enumerate(values)],
        CashflowValue,
        default_user=user,
    )
    return line


@transaction.atomic
def line_update(
    *, user: Any, line: CashflowLine, data: dict[str, Any], values: Sequence[Decimal]
) -> CashflowLine:
    """Change a line and its values; only the years whose amount changed get a history record."""
    _require_editor(user)
    _require_draft(line.option.version)
    for key in LINE_FIELDS:
        if key in data:
            setattr(line, key, data[key])
    line.full_clean(validate_constraints=False)
    _check_line(line, values, line.option.years)
    _save(line, user)
    existing = {value.year: value for value in line.values.all()}
    changed = []
    for year, amount in enumerate(values):
        current = existing.pop(year, None)
        if current is None:
            bulk_create_with_history(
                [CashflowValue(line=line, year=year, amount_gbp=amount)], CashflowValue, default_user=user
            )
        elif current.amount_gbp != amount:
            current.amount_gbp = amount
            changed.append(current)
    if changed:
        bulk_update_with_history(changed, CashflowValue, ["amount_gbp"], default_user=user)
    for leftover in existing.values():
        _delete(leftover, user)
    return line


@transaction.atomic
def line_delete(*, user: Any, line: CashflowLine) -> None:
    _require_editor(user)
    _require_draft(line.option.version)
    _delete(line, user)


# --- optimism bias mitigation -------------------------------------------------------------------------------


@transaction.atomic
def contribution_add(
    *, user: Any, option: AppraisalOption, factor: str, contribution: Decimal, mitigation: Decimal
) -> OptimismBiasContribution:
    """Add a row to the mitigation table. Rule OB-CONTRIBUTIONS-SUM: contributions add up to at most 1."""
    _require_editor(user)
    _require_draft(option.version)
    row = OptimismBiasContribution(
        option=option, factor=factor.strip(), contribution=contribution, mitigation=mitigation
    )
    row.full_clean()
    total = sum((c.contribution for c in option.contributions.all()), Decimal(0)) + contribution
    if total > 1:
        raise ValidationError(
            {
                "contribution": f"The contributions would add up to {total:g}; as shares of the upper bound "
                "they cannot add up to more than 1"
            }
        )
    _save(row, user, "Created")
    return row


@transaction.atomic
def contribution_remove(*, user: Any, contribution: OptimismBiasContribution) -> None:
    _require_editor(user)
    _require_draft(contribution.option.version)
    _delete(contribution, user)


# --- service baselines --------------------------------------------------------------------------------------


def _check_baseline(baseline: ServiceBaseline) -> None:
    partnership = baseline.partnership
    if not partnership.services.filter(pk=baseline.service_id).exists():
        raise ValidationError({"service": "Select one of the partnership's services in scope"})
    clash = ServiceBaseline.objects.filter(partnership=partnership, service_id=baseline.service_id)
    if clash.exclude(pk=baseline.pk).exists():
        raise ValidationError({"service": "That service already has a baseline: change it instead"})


@transaction.atomic
def baseline_create(*, user: Any, partnership: Partnership, data: dict[str, Any]) -> ServiceBaseline:
    _require_editor(user)
    baseline = ServiceBaseline(partnership=partnership, **{k: data[k] for k in BASELINE_FIELDS if k in data})
    baseline.full_clean(validate_constraints=False)
    _check_baseline(baseline)
    _save(baseline, user, "Created")
    return baseline


@transaction.atomic
def baseline_update(*, user: Any, baseline: ServiceBaseline, data: dict[str, Any]) -> ServiceBaseline:
    _require_editor(user)
    for key in BASELINE_FIELDS:
        if key in data:
            setattr(baseline, key, data[key])
    baseline.full_clean(validate_constraints=False)
    _check_baseline(baseline)
    _save(baseline, user)
    return baseline


@transaction.atomic
def measure_add(*, user: Any, baseline: ServiceBaseline, data: dict[str, Any]) -> BaselineMeasure:
    _require_editor(user)
    measure = BaselineMeasure(baseline=baseline, **{k: data[k] for k in MEASURE_FIELDS if k in data})
    measure.full_clean()
    _save(measure, user, "Created")
    return measure


@transaction.atomic
def measure_remove(*, user: Any, measure: BaselineMeasure) -> None:
    _require_editor(user)
    _delete(measure, user)
