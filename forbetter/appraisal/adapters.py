"""The one place that turns business-case models (Decimal) into calculation-engine inputs (float) and the
engine's results back into figures for the pages.

How the risk adjustment is counted: a version's ``risk_adjustment_gbp`` is the quantified value, in year-0
pounds, of the risks the council would keep. Each option keeps ``retained_risk_share`` of it (1 for an
option where the council keeps every risk, as when it delivers the services itself; less where a partner
takes some on). Because the figure is already a present value, it is added to the option as a cost line in
year 0, which is not discounted: the option's net present cost rises by exactly share × amount, and the
line takes part in the sensitivity analysis like any other cost. It is left out of the affordability
check, which compares the yearly costs the council would pay with its budget.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, cast

import numpy as np

from forbetter.appraisal.models import AppraisalOption, BusinessCaseVersion, DiscountSchedule, PriceBase
from forbetter.appraisal.services import RETAINED_RISK_LABEL
from forbetter.calc import appraisal as calc
from forbetter.calc.errors import InputError

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
class OptionResult:
    option: AppraisalOption
    result: calc.OptionAppraisal
    flows: tuple[YearFlow, ...]
    retained_risk_gbp: float
    uplifted_labels: tuple[str, ...]


@dataclass(frozen=True)
class VersionAppraisal:
    version: BusinessCaseVersion
    appraisal: calc.Appraisal
    options: tuple[OptionResult, ...]
    schedule: calc.Schedule
    deflator: calc.Deflator | None
    notes: tuple[str, ...] = ()

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


def retained_risk_gbp(option: AppraisalOption, version: BusinessCaseVersion) -> float:
    return float(option.retained_risk_share * version.risk_adjustment_gbp)


def engine_option(option: AppraisalOption, version: BusinessCaseVersion) -> calc.Option:
    """The option as the engine sees it: its lines, the retained-risk line, and its optimism bias."""
    lines = [
        calc.CashflowLine(
            line.label,
            cast(Literal["cost", "benefit"], line.kind),
            cast(Prices, line.prices),
            values_of(line),
        )
        for line in option.lines.all()
    ]
    risk = retained_risk_gbp(option, version)
    if risk > 0:
        lines.append(
            calc.CashflowLine(RETAINED_RISK_LABEL, "cost", "real", [risk] + [0.0] * (option.years - 1))
        )
    uplifted = [
        line.label for line in option.lines.all() if line.optimism_bias_applies and line.kind == "cost"
    ]
    adjustment = None
    if option.optimism_bias_upper_bound is not None and uplifted:
        adjustment = calc.OptimismBiasAdjustment(
            upper_bound=float(option.optimism_bias_upper_bound),
            applies_to=uplifted,
            contributions=[(float(c.contribution), float(c.mitigation)) for c in option.contributions.all()],
        )
    return calc.Option(option.name, option.years, lines, adjustment)


def optimism_bias_of(option: AppraisalOption) -> float | None:
    """The optimism bias the option's project type and mitigation table give, or None without a type."""
    if option.optimism_bias_upper_bound is None:
        return None
    try:
        return calc.optimism_bias(
            upper_bound=float(option.optimism_bias_upper_bound),
            contributions=[(float(c.contribution), float(c.mitigation)) for c in option.contributions.all()],
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


def appraise_version(version: BusinessCaseVersion) -> VersionAppraisal:
    """Every option of the version appraised by the engine, with its year-by-year discounted cash flow.

    Raises :class:`AppraisalInputsError` listing what to fix when the inputs are incomplete.
    """
    problems = _problems(version)
    if problems:
        raise AppraisalInputsError(problems)
    schedule = schedule_of(version)
    deflator = deflator_of(version)
    models = list(version.options.all())
    try:
        options = [engine_option(option, version) for option in models]
        appraisal = calc.appraise_options(options, schedule=schedule, deflator=deflator)
        results = tuple(
            OptionResult(
                option=model,
                result=result,
                flows=_flows(option, version, schedule, deflator),
                retained_risk_gbp=retained_risk_gbp(model, version),
                uplifted_labels=tuple(option.optimism_bias.applies_to) if option.optimism_bias else (),
            )
            for model, option, result in zip(models, options, appraisal.options, strict=True)
        )
    except InputError as error:
        raise AppraisalInputsError([plain_error(error)]) from None
    return VersionAppraisal(version, appraisal, results, schedule, deflator, tuple(_notes(version)))


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


def cost_profile(option: OptionResult) -> Callable[[int], Sequence[float]]:
    """The option's real yearly costs (after optimism bias, with the retained risk in year 0) for a contract
    of n years: the option's own years, then its last year's cost repeated if n is longer."""
    costs = [flow.costs_real_gbp for flow in option.flows]

    def profile(n: int) -> Sequence[float]:
        return costs[:n] + [costs[-1]] * max(0, n - len(costs))

    return profile


def contract_lengths(
    appraised: VersionAppraisal, option: OptionResult, lengths: Sequence[int]
) -> tuple[calc.ContractLengthCost, ...]:
    return calc.equivalent_annual_cost_by_length(
        cost_profile(option), lengths=list(lengths), schedule=appraised.schedule
    )
