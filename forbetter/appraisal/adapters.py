"""The one place that turns business-case models (Decimal) into calculation-engine inputs (float) and the
engine's results back into figures for the pages.

How the risk adjustment is counted (decision record 0010, superseding 0005): when the version includes the
register's risks, each open quantified risk of the partnership's register is retained by each option in a
share: the option's per-risk override, else its per-category override, else its ``risk_bearer`` default
(1 when the council bears every risk, as in-house; the register's council share when the partner takes what
it is allocated). The option's risk adjustment is the expected value of what it retains (probability × PERT
or triangular mean × share), spread over the years the risk falls in (the override's years, else evenly over
the option's years), added as a real cost line and discounted like every other. The P-value of the same
retained risks (seeded, reproducible) is shown beside it as a sensitivity and is not in the net present
cost. Affordability leaves the risk adjustment out: it is an expected value, not a payment.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, cast

import numpy as np
from django.core.cache import cache

from forbetter.appraisal.models import (
    AppraisalOption,
    BusinessCaseVersion,
    DiscountSchedule,
    LineCategory,
    PriceBase,
    RiskBearer,
)
from forbetter.calc import appraisal as calc
from forbetter.calc.errors import InputError
from forbetter.calc.risk import QuantifiedRisk
from forbetter.risks.models import Risk, RiskStatus

DEFAULT_LENGTHS = (7, 10, 12, 15)
Prices = Literal["real", "nominal"]


class AppraisalInputsError(Exception):
    """The version's inputs are not complete enough to appraise; ``messages`` say what to do."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class YearFlow:
    """One year of an option's discounted cash flow, in real year-0 pounds."""

    year: int
    label: str
    costs_real_gbp: float
    benefits_real_gbp: float
    discount_factor: float
    present_value_costs_gbp: float
    present_value_benefits_gbp: float


@dataclass(frozen=True)
class RetainedRiskRow:
    """One risk's part of an option's risk adjustment, with why the option keeps that share."""

    reference: str
    title: str
    retained_share: float
    expected_value_gbp: float
    first_year: int
    last_year: int
    basis: str


@dataclass(frozen=True)
class OptionRisk:
    """An option's risk adjustment: the expected value in the net present cost, the P-value beside it."""

    expected_value_gbp: float
    present_value_gbp: float
    p_value_gbp: float
    percentile: int  # 80 for P80
    risks: tuple[RetainedRiskRow, ...]

    @property
    def percentile_label(self) -> str:
        return f"P{self.percentile}"

    @property
    def margin_gbp(self) -> float:
        return self.p_value_gbp - self.expected_value_gbp


@dataclass(frozen=True)
class OptionResult:
    option: AppraisalOption
    result: calc.OptionAppraisal
    flows: tuple[YearFlow, ...]
    risk: OptionRisk | None
    uplifted_labels: tuple[str, ...]

    @property
    def retained_risk_gbp(self) -> float:
        """The risk adjustment's expected value (undiscounted), 0 without one."""
        return self.risk.expected_value_gbp if self.risk else 0.0


@dataclass(frozen=True)
class VersionAppraisal:
    version: BusinessCaseVersion
    appraisal: calc.Appraisal
    options: tuple[OptionResult, ...]
    schedule: calc.Schedule
    deflator: calc.Deflator | None
    notes: tuple[str, ...] = ()
    stored: bool = False  # figures read from what was stored when the version was frozen
    engine_version: str = calc.ENGINE_VERSION
    risk_seed: int | None = None
    risk_iterations: int | None = None

    @property
    def ranking_rule(self) -> str:
        return self.appraisal.ranking_rule

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.appraisal.warnings

    @property
    def preferred(self) -> OptionResult:
        return next(o for o in self.options if o.result.name == self.appraisal.preferred)

    def by_pk(self, pk: int | None) -> OptionResult:
        """The option with this primary key, or the preferred option."""
        return next((o for o in self.options if o.option.pk == pk), self.preferred)


def schedule_of(version: BusinessCaseVersion) -> calc.Schedule:
    if version.discount_schedule == DiscountSchedule.FLAT and version.discount_rate is not None:
        return float(version.discount_rate)
    return calc.STANDARD


def deflator_of(version: BusinessCaseVersion) -> calc.Deflator | None:
    """The GDP deflator: the yearly rates g1, g2, ... if listed, else the single rate, else none."""
    rates = [float(rate.rate) for rate in version.deflator_rates.all()]
    if rates:
        return rates
    if version.deflator_rate is not None:
        return float(version.deflator_rate)
    return None


def values_of(line: object) -> list[float]:
    return [float(value.amount_gbp) for value in line.values.all()]  # type: ignore[attr-defined]


def register_risks(version: BusinessCaseVersion) -> list[Risk]:
    """The partnership's open quantified risks (one query), or none if the version leaves them out."""
    if not version.include_register_risks:
        return []
    return list(
        Risk.objects.filter(
            partnership_id=version.business_case.partnership_id,
            status=RiskStatus.OPEN,
            probability__isnull=False,
        )
        .select_related("category")
        .order_by("number")
    )


def quantified(risk: Risk) -> QuantifiedRisk:
    return QuantifiedRisk(
        id=risk.reference,
        probability=float(risk.probability),
        minimum_gbp=float(risk.impact_minimum_gbp),
        mode_gbp=float(risk.impact_most_likely_gbp),
        maximum_gbp=float(risk.impact_maximum_gbp),
        distribution=risk.distribution,  # type: ignore[arg-type]
        allocation=risk.allocation,  # type: ignore[arg-type]
        council_share=float(risk.council_share)
        if risk.allocation == "shared" and risk.council_share
        else (0.0 if risk.allocation == "shared" else None),
    )


def retained_risks(
    option: AppraisalOption, risks: Sequence[Risk]
) -> list[tuple[Risk, calc.RetainedRisk, str]]:
    """Rule RISK-BEARER: each register risk as this option retains it, with the reason in words."""
    by_risk = {share.risk_id: share for share in option.risk_shares.all() if share.risk_id is not None}
    by_category = {share.category_id: share for share in option.risk_shares.all() if share.category_id}
    retained = []
    for risk in risks:
        engine_risk = quantified(risk)
        share = by_risk.get(risk.pk) or by_category.get(risk.category_id)
        first = last = None
        if share is not None:
            fraction = float(share.council_share)
            first, last = share.first_year, share.last_year
            which = "this risk" if share.risk_id else f"the category “{risk.category.title}”"
            basis = f"Set for {which} under this option: {share.reason}"
        elif option.risk_bearer == RiskBearer.COUNCIL:
            fraction = 1.0
            basis = "The council bears every risk under this option"
        else:
            fraction = engine_risk.council_fraction
            basis = f"As the register allocates it ({risk.get_allocation_display().lower()})"
        retained.append(
            (
                risk,
                calc.RetainedRisk(
                    risk=engine_risk, retained_share=fraction, first_year=first, last_year=last
                ),
                basis,
            )
        )
    return retained


def _cached_percentile(
    retained: list[calc.RetainedRisk], *, percentile: float, iterations: int, seed: int
) -> calc.RiskPercentile:
    """:func:`calc.retained_risk_percentile`, cached by its inputs (DESIGN section 7: a draft's results
    page ran one simulation per option on every request). The simulation is seeded, so the same inputs
    always give the same figure and a cached one is exactly what a new run would give; any change to a
    risk, a share, the percentile, the iterations or the seed is a different key."""
    key = (
        "appraisal-percentile:"
        + hashlib.sha256(repr((retained, percentile, iterations, seed)).encode()).hexdigest()
    )
    found = cache.get(key)
    if found is None:
        found = calc.retained_risk_percentile(
            retained, percentile=percentile, iterations=iterations, seed=seed
        )
        cache.set(key, found, timeout=3600)
    return cast(calc.RiskPercentile, found)


def option_risk(
    option: AppraisalOption, version: BusinessCaseVersion, risks: Sequence[Risk]
) -> tuple[calc.RiskAdjustment, OptionRisk] | None:
    """The option's risk adjustment and its P-value, or None when the version has no register risks."""
    if not risks:
        return None
    rows = retained_risks(option, risks)
    adjustment = calc.risk_adjustment([retained for _, retained, _ in rows], years=option.years)
    p_value = _cached_percentile(
        [retained for _, retained, _ in rows],
        percentile=version.risk_percentile / 100,
        iterations=version.risk_iterations,
        seed=version.risk_seed,
    )
    parts = tuple(
        RetainedRiskRow(
            reference=risk.reference,
            title=risk.title,
            retained_share=part.retained_share,
            expected_value_gbp=part.expected_value_gbp,
            first_year=part.first_year,
            last_year=part.last_year,
            basis=basis,
        )
        for (risk, _, basis), part in zip(rows, adjustment.risks, strict=True)
    )
    summary = OptionRisk(
        adjustment.expected_value_gbp, 0.0, p_value.value_gbp, version.risk_percentile, parts
    )
    return adjustment, summary


def engine_option(
    option: AppraisalOption, version: BusinessCaseVersion, adjustment: calc.RiskAdjustment | None = None
) -> calc.Option:
    """The option as the engine sees it: its lines, its risk adjustment line, and its optimism bias."""
    lines = [
        calc.CashflowLine(
            line.label,
            cast(Literal["cost", "benefit"], line.kind),
            cast(Prices, line.prices),
            values_of(line),
            prices_risk=line.category == LineCategory.RISK,
        )
        for line in option.lines.all()
    ]
    if adjustment is not None and adjustment.expected_value_gbp > 0:
        lines.append(adjustment.line())
    uplifted = [
        line.label for line in option.lines.all() if line.optimism_bias_applies and line.kind == "cost"
    ]
    ob = None
    if option.optimism_bias_upper_bound is not None and uplifted:
        ob = calc.OptimismBiasAdjustment(
            upper_bound=float(option.optimism_bias_upper_bound),
            applies_to=uplifted,
            contributions=[(float(c.contribution), float(c.mitigation)) for c in option.contributions.all()],
            lower_bound=float(option.optimism_bias_lower_bound or 0),
        )
    return calc.Option(option.name, option.years, lines, ob)


def optimism_bias_of(option: AppraisalOption) -> float | None:
    """The optimism bias the option's project type and mitigation table give, or None without a type."""
    if option.optimism_bias_upper_bound is None:
        return None
    try:
        return calc.optimism_bias(
            upper_bound=float(option.optimism_bias_upper_bound),
            contributions=[(float(c.contribution), float(c.mitigation)) for c in option.contributions.all()],
            lower_bound=float(option.optimism_bias_lower_bound or 0),
        )
    except InputError:
        return None


def _problems(version: BusinessCaseVersion) -> list[str]:
    options = list(version.options.all())
    problems = []
    if not options:
        problems.append("Add at least one option to appraise.")
    for option in options:
        lines = list(option.lines.all())
        if not lines:
            problems.append(f"Add a cash-flow line to the option “{option.name}”.")
        for line in lines:
            if len(line.values.all()) != option.years:
                problems.append(
                    f"The line “{line.label}” of “{option.name}” needs {option.years} values, one a year."
                )
        if deflator_of(version) is None and any(line.prices == PriceBase.NOMINAL for line in lines):
            problems.append(
                f"The option “{option.name}” has lines in nominal prices: enter a GDP deflator in the "
                "version's settings so they can be converted to real prices."
            )
    return problems


def _notes(version: BusinessCaseVersion) -> list[str]:
    notes = []
    for option in version.options.all():
        ticked = [line for line in option.lines.all() if line.optimism_bias_applies]
        if option.optimism_bias_category and not ticked:
            notes.append(
                f"“{option.name}” has an optimism-bias project type but no line it applies to, so no "
                "optimism bias is added. Tick “Apply optimism bias” on the lines it should uplift."
            )
        if ticked and not option.optimism_bias_category:
            notes.append(
                f"Lines of “{option.name}” are marked for optimism bias but the option has no project type, "
                "so none is added."
            )
    return notes


def plain_error(error: InputError) -> str:
    """An engine error in words for the page (the engine names fields by their path in its input)."""
    where = error.field.split(".")[0].split("[")[0]
    names = {"deflator": "GDP deflator", "schedule": "Discount rate", "options": "Options"}
    return f"{names.get(where, error.field)}: {error.message}"


def _flows(
    option: calc.Option, version: BusinessCaseVersion, schedule: calc.Schedule, deflator: calc.Deflator | None
) -> tuple[YearFlow, ...]:
    years = option.years
    factors = calc.discount_factors(years, schedule=schedule)
    costs = np.zeros(years)
    benefits = np.zeros(years)
    uplift = option.optimism_bias.fraction if option.optimism_bias else 0.0
    uplifted = set(option.optimism_bias.applies_to) if option.optimism_bias else set()
    for line in option.lines:
        values = np.asarray(line.values_gbp, dtype=np.float64)
        if line.prices == "nominal":
            assert deflator is not None
            values = calc.real_from_nominal(values, deflator=deflator)
        if line.label in uplifted:
            values = calc.apply_optimism_bias(values, optimism_bias=uplift)
        if line.kind == "cost":
            costs += values
        else:
            benefits += values
    return tuple(
        YearFlow(
            year=t,
            label=version.year_label(t),
            costs_real_gbp=float(costs[t]),
            benefits_real_gbp=float(benefits[t]),
            discount_factor=float(factors[t]),
            present_value_costs_gbp=float(costs[t] * factors[t]),
            present_value_benefits_gbp=float(benefits[t] * factors[t]),
        )
        for t in range(years)
    )


def _with_present_value(risk: OptionRisk | None, result: calc.OptionAppraisal) -> OptionRisk | None:
    if risk is None:
        return None
    present = next(
        (line.present_value_gbp for line in result.lines if line.label == calc.RISK_ADJUSTMENT_LABEL), 0.0
    )
    return replace(risk, present_value_gbp=present)


def calculate_version(version: BusinessCaseVersion) -> VersionAppraisal:
    """Every option of the version appraised by the engine now, from its inputs and the live register.

    Raises :class:`AppraisalInputsError` listing what to fix when the inputs are incomplete.
    """
    problems = _problems(version)
    if problems:
        raise AppraisalInputsError(problems)
    schedule = schedule_of(version)
    deflator = deflator_of(version)
    models = list(version.options.all())
    risks = register_risks(version)
    try:
        risk_parts = [option_risk(option, version, risks) for option in models]
        options = [
            engine_option(option, version, part[0] if part else None)
            for option, part in zip(models, risk_parts, strict=True)
        ]
        appraisal = calc.appraise_options(options, schedule=schedule, deflator=deflator)
        results = tuple(
            OptionResult(
                option=model,
                result=result,
                flows=_flows(option, version, schedule, deflator),
                risk=_with_present_value(part[1] if part else None, result),
                uplifted_labels=tuple(option.optimism_bias.applies_to) if option.optimism_bias else (),
            )
            for model, option, result, part in zip(
                models, options, appraisal.options, risk_parts, strict=True
            )
        )
    except InputError as error:
        raise AppraisalInputsError([plain_error(error)]) from None
    return VersionAppraisal(
        version,
        appraisal,
        results,
        schedule,
        deflator,
        tuple(_notes(version)),
        risk_seed=version.risk_seed if risks else None,
        risk_iterations=version.risk_iterations if risks else None,
    )


def appraise_version(version: BusinessCaseVersion) -> VersionAppraisal:
    """The version's figures for a page: the stored figures of a frozen version (Rule
    VERSION-FREEZE-FIGURES: they never change afterwards), else calculated now from the inputs."""
    if version.is_frozen:
        from forbetter.appraisal import frozen

        stored = frozen.load_figures(version)
        if stored is not None:
            return stored
    return calculate_version(version)


# --- affordability ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AffordabilityYear:
    year: int
    label: str
    charge_gbp: float
    budget_gbp: float
    headroom_gbp: float

    @property
    def breaks(self) -> bool:
        return self.headroom_gbp < 0


@dataclass(frozen=True)
class OptionAffordability:
    """An option's yearly costs against the budget envelope, in the budget's price base."""

    option: AppraisalOption
    price_base: str
    years: tuple[AffordabilityYear, ...] = ()
    problem: str = ""
    unassessed_years: int = 0
    breach_labels: tuple[str, ...] = field(default_factory=tuple)


def affordability_of(version: BusinessCaseVersion, option: AppraisalOption) -> OptionAffordability | None:
    """The option's yearly cost lines as entered (before optimism bias and without the retained-risk
    allowance) against the budget envelope, over the years the envelope covers. None with no envelope."""
    budget = [float(b.amount_gbp) for b in version.budget_years.all()]
    if not budget:
        return None
    budget_base = cast(Prices, version.budget_prices)
    cost_lines = [line for line in option.lines.all() if line.kind == "cost"]
    assessed = min(option.years, len(budget))
    deflator = deflator_of(version)
    try:
        if all(line.prices == budget_base for line in cost_lines):
            charges = np.zeros(assessed)
            for line in cost_lines:
                charges += np.asarray(values_of(line)[:assessed])
            charge_base: Prices = budget_base
        else:
            if deflator is None:
                return OptionAffordability(
                    option,
                    budget_base,
                    problem="Enter a GDP deflator in the version's settings: the option's costs and the "
                    "budget are in different price bases.",
                )
            charges = np.zeros(assessed)
            for line in cost_lines:
                values = np.asarray(values_of(line)[:assessed])
                if line.prices == PriceBase.NOMINAL:
                    values = calc.real_from_nominal(values, deflator=deflator)
                charges += values
            charge_base = "real"
        result = calc.affordability(
            charges,
            budget_gbp=budget[:assessed],
            charges_prices=charge_base,
            budget_prices=budget_base,
            deflator=deflator,
        )
    except InputError as error:
        return OptionAffordability(option, budget_base, problem=plain_error(error))
    years = tuple(
        AffordabilityYear(t, version.year_label(t), budget[t] - headroom, budget[t], headroom)
        for t, headroom in enumerate(result.headroom_gbp)
    )
    return OptionAffordability(
        option,
        result.price_base,
        years,
        unassessed_years=option.years - assessed,
        breach_labels=tuple(version.year_label(t) for t in result.breach_years),
    )


# --- contract lengths ---------------------------------------------------------------------------------------


def priced_profiles(appraised: VersionAppraisal, option: OptionResult) -> dict[int, list[float]]:
    """Rule LENGTH-PRICED-PROFILE: the real yearly costs priced for each contract length: the option's own,
    and those of other options of the same kind priced at other lengths (for example the partnership at 10
    and at 15 years). Costs are after optimism bias and include the risk adjustment."""
    profiles = {
        other.result.years: [flow.costs_real_gbp for flow in other.flows]
        for other in appraised.options
        if other.option.kind == option.option.kind and other is not option
    }
    profiles[option.result.years] = [flow.costs_real_gbp for flow in option.flows]
    return profiles


def contract_lengths(
    appraised: VersionAppraisal, option: OptionResult, lengths: Sequence[int]
) -> tuple[calc.ContractLengthCost, ...]:
    """The EAC at each length from what was priced; each says whether it was priced, shortened or
    extrapolated (never by repeating the last year's cost)."""
    return calc.equivalent_annual_cost_by_priced_length(
        priced_profiles(appraised, option), lengths=list(lengths), schedule=appraised.schedule
    )
