"""The figures of a frozen business-case version: stored when it is frozen, read back for its pages.

Rule VERSION-FREEZE-FIGURES (decision record 0010): a frozen version is the record of what was decided, so
its figures must not move when the engine, the Green Book rates, the risk register or anything else changes
later. At freezing, :func:`store_figures` calculates the appraisal once and stores every figure the pages
show (each option's results and ranks, each line's present value, each year's costs, benefits and discount
factor, the risk adjustment and its P-value, the affordability check, the switching values, the warnings)
with the engine version, as typed rows. :func:`load_figures` rebuilds the page's view of the appraisal from
those rows alone. A version that cannot be calculated cannot be frozen (:class:`NotCalculableError`).
"""

from __future__ import annotations

from decimal import Decimal

from forbetter.appraisal import adapters
from forbetter.appraisal.models import (
    BusinessCaseVersion,
    DiscountSchedule,
    FrozenAffordabilityYear,
    FrozenLineResult,
    FrozenOptionResult,
    FrozenResult,
    FrozenRetainedRisk,
    FrozenSwitchingValue,
    FrozenYearFlow,
)
from forbetter.calc import appraisal as calc

PENNY = Decimal("0.01")


class NotCalculableError(Exception):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def _gbp(value: float) -> Decimal:
    return Decimal(repr(float(value))).quantize(PENNY)


def _fraction(value: float, places: int = 10) -> Decimal:
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places))


def store_figures(version: BusinessCaseVersion) -> FrozenResult:
    """Calculate the version now and store every figure its pages show. Raises NotCalculableError."""
    try:
        appraised = adapters.calculate_version(version)
    except adapters.AppraisalInputsError as problem:
        raise NotCalculableError(problem.messages) from None
    FrozenResult.objects.filter(version=version).delete()
    stored = FrozenResult.objects.create(
        version=version,
        engine_version=calc.ENGINE_VERSION,
        discount_schedule=version.discount_schedule,
        discount_rate=version.discount_rate if version.discount_schedule == DiscountSchedule.FLAT else None,
        ranking_rule=appraised.appraisal.ranking_rule,
        preferred=appraised.appraisal.preferred,
        risk_percentile=version.risk_percentile if appraised.risk_seed is not None else None,
        risk_iterations=appraised.risk_iterations,
        risk_seed=appraised.risk_seed,
        warnings="\n".join(appraised.appraisal.warnings),
        notes="\n".join(appraised.notes),
    )
    affordability = {
        a.option.pk: a
        for o in appraised.options
        if (a := adapters.affordability_of(version, o.option)) is not None
    }
    lines: list[FrozenLineResult] = []
    flows: list[FrozenYearFlow] = []
    risks: list[FrozenRetainedRisk] = []
    years: list[FrozenAffordabilityYear] = []
    for order, item in enumerate(appraised.options):
        result = item.result
        afford = affordability.get(item.option.pk)
        row = FrozenOptionResult.objects.create(
            result=stored,
            option=item.option,
            order=order,
            name=result.name,
            years=result.years,
            net_present_cost_gbp=_gbp(result.net_present_cost_gbp),
            present_value_benefits_gbp=_gbp(result.present_value_benefits_gbp),
            net_present_value_gbp=_gbp(result.net_present_value_gbp),
            equivalent_annual_cost_gbp=_gbp(result.equivalent_annual_cost_gbp),
            annuity_equivalent_annual_cost_gbp=_gbp(result.annuity_equivalent_annual_cost_gbp),
            optimism_bias=_fraction(result.optimism_bias),
            uplifted_labels="\n".join(item.uplifted_labels),
            rank=result.rank,
            rank_by_net_present_cost=result.rank_by_net_present_cost,
            rank_by_net_present_value=result.rank_by_net_present_value,
            rank_by_equivalent_annual_cost=result.rank_by_equivalent_annual_cost,
            risk_expected_value_gbp=_gbp(item.risk.expected_value_gbp) if item.risk else None,
            risk_present_value_gbp=_gbp(item.risk.present_value_gbp) if item.risk else None,
            risk_p_value_gbp=_gbp(item.risk.p_value_gbp) if item.risk else None,
            affordability_problem=afford.problem if afford else "",
            affordability_price_base=afford.price_base if afford else "",
            affordability_unassessed_years=afford.unassessed_years if afford else 0,
        )
        lines += [
            FrozenLineResult(
                option_result=row,
                order=j,
                label=line.label,
                kind=line.kind,
                present_value_gbp=_gbp(line.present_value_gbp),
            )
            for j, line in enumerate(result.lines)
        ]
        flows += [
            FrozenYearFlow(
                option_result=row,
                year=flow.year,
                costs_real_gbp=_gbp(flow.costs_real_gbp),
                benefits_real_gbp=_gbp(flow.benefits_real_gbp),
                discount_factor=_fraction(flow.discount_factor, 12),
            )
            for flow in item.flows
        ]
        if item.risk:
            risks += [
                FrozenRetainedRisk(
                    option_result=row,
                    reference=part.reference,
                    title=part.title,
                    retained_share=_fraction(part.retained_share, 4),
                    expected_value_gbp=_gbp(part.expected_value_gbp),
                    first_year=part.first_year,
                    last_year=part.last_year,
                    basis=part.basis[:300],
                )
                for part in item.risk.risks
            ]
        if afford and afford.years:
            years += [
                FrozenAffordabilityYear(
                    option_result=row,
                    year=y.year,
                    charge_gbp=_gbp(y.charge_gbp),
                    budget_gbp=_gbp(y.budget_gbp),
                )
                for y in afford.years
            ]
    FrozenLineResult.objects.bulk_create(lines)
    FrozenYearFlow.objects.bulk_create(flows)
    FrozenRetainedRisk.objects.bulk_create(risks)
    FrozenAffordabilityYear.objects.bulk_create(years)
    FrozenSwitchingValue.objects.bulk_create(
        FrozenSwitchingValue(
            result=stored,
            order=k,
            option=value.option,
            label=value.label,
            change=None if value.change is None else _fraction(value.change),
            note=value.note,
        )
        for k, value in enumerate(appraised.appraisal.switching_values)
    )
    return stored


def _stored(version: BusinessCaseVersion) -> FrozenResult | None:
    try:
        return (
            FrozenResult.objects.select_related("version")
            .prefetch_related(
                "options__option",
                "options__lines",
                "options__flows",
                "options__risks",
                "options__affordability",
                "switching_values",
            )
            .get(version=version)
        )
    except FrozenResult.DoesNotExist:
        return None


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line for line in text.split("\n") if line)


def load_figures(version: BusinessCaseVersion) -> adapters.VersionAppraisal | None:
    """The version's stored figures as the pages' view of an appraisal, or None if none were stored (a
    version frozen before figures were stored, which the pages then calculate and say so)."""
    stored = _stored(version)
    if stored is None:
        return None
    schedule: calc.Schedule = (
        float(stored.discount_rate)
        if stored.discount_schedule == DiscountSchedule.FLAT and stored.discount_rate is not None
        else calc.STANDARD
    )
    rows = list(stored.options.all())
    results = []
    for row in rows:
        flows = list(row.flows.all())
        result = calc.OptionAppraisal(
            name=row.name,
            years=row.years,
            net_present_cost_gbp=float(row.net_present_cost_gbp),
            present_value_benefits_gbp=float(row.present_value_benefits_gbp),
            net_present_value_gbp=float(row.net_present_value_gbp),
            equivalent_annual_cost_gbp=float(row.equivalent_annual_cost_gbp),
            annuity_equivalent_annual_cost_gbp=float(row.annuity_equivalent_annual_cost_gbp),
            discount_factors=tuple(float(f.discount_factor) for f in flows),
            optimism_bias=float(row.optimism_bias),
            rank=row.rank,
            rank_by_equivalent_annual_cost=row.rank_by_equivalent_annual_cost,
            lines=tuple(
                calc.LinePresentValue(line.label, line.kind, float(line.present_value_gbp))
                for line in row.lines.all()
            ),
            rank_by_net_present_cost=row.rank_by_net_present_cost,
            rank_by_net_present_value=row.rank_by_net_present_value,
        )
        risk = None
        if row.risk_expected_value_gbp is not None:
            risk = adapters.OptionRisk(
                expected_value_gbp=float(row.risk_expected_value_gbp),
                present_value_gbp=float(row.risk_present_value_gbp or 0),
                p_value_gbp=float(row.risk_p_value_gbp or 0),
                percentile=stored.risk_percentile or 80,
                risks=tuple(
                    adapters.RetainedRiskRow(
                        r.reference,
                        r.title,
                        float(r.retained_share),
                        float(r.expected_value_gbp),
                        r.first_year,
                        r.last_year,
                        r.basis,
                    )
                    for r in row.risks.all()
                ),
            )
        results.append(
            adapters.OptionResult(
                option=row.option,
                result=result,
                flows=tuple(
                    adapters.YearFlow(
                        year=f.year,
                        label=version.year_label(f.year),
                        costs_real_gbp=float(f.costs_real_gbp),
                        benefits_real_gbp=float(f.benefits_real_gbp),
                        discount_factor=float(f.discount_factor),
                        present_value_costs_gbp=float(f.costs_real_gbp) * float(f.discount_factor),
                        present_value_benefits_gbp=float(f.benefits_real_gbp) * float(f.discount_factor),
                    )
                    for f in flows
                ),
                risk=risk,
                uplifted_labels=_lines(row.uplifted_labels),
            )
        )
    appraisal = calc.Appraisal(
        schedule=schedule,
        options=tuple(r.result for r in results),
        preferred=stored.preferred,
        switching_values=tuple(
            calc.SwitchingValue(v.option, v.label, None if v.change is None else float(v.change), v.note)
            for v in stored.switching_values.all()
        ),
        ranking_rule=stored.ranking_rule,
        warnings=_lines(stored.warnings),
    )
    return adapters.VersionAppraisal(
        version,
        appraisal,
        tuple(results),
        schedule,
        None,
        _lines(stored.notes),
        stored=True,
        engine_version=stored.engine_version,
        risk_seed=stored.risk_seed,
        risk_iterations=stored.risk_iterations,
    )


def stored_affordability(appraised: adapters.VersionAppraisal) -> list[adapters.OptionAffordability]:
    """The affordability check as it was frozen."""
    stored = _stored(appraised.version)
    if stored is None:
        return []
    checks = []
    for row in stored.options.all():
        years = tuple(
            adapters.AffordabilityYear(
                y.year,
                appraised.version.year_label(y.year),
                float(y.charge_gbp),
                float(y.budget_gbp),
                float(y.budget_gbp - y.charge_gbp),
            )
            for y in row.affordability.all()
        )
        if not years and not row.affordability_problem:
            continue
        checks.append(
            adapters.OptionAffordability(
                row.option,
                row.affordability_price_base,
                years,
                problem=row.affordability_problem,
                unassessed_years=row.affordability_unassessed_years,
                breach_labels=tuple(y.label for y in years if y.breaks),
            )
        )
    return checks
