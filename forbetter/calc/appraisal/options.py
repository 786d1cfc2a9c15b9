"""Options appraisal: the delivery options as inputs (cash-flow lines, optimism bias adjustment, option),
their results (each line's present value; each option's NPC, PV of benefits, NPV, EAC and ranks; the whole
appraisal with its preferred option and switching values), the ranking rule, and :func:`appraise_options`,
which deflates, uplifts and discounts every line of every option on one schedule. Source: HM Treasury, The
Green Book (2022), chapter 5 and Annex A6; Supplementary Green Book Guidance: Optimism Bias (2003).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from forbetter.calc.appraisal._validation import (
    _describe,
    _money,
    _number,
    _schedule,
    _sequence,
    _text,
    _whole,
    _word,
)
from forbetter.calc.appraisal.conventions import (
    EAC_CONVENTION,
    KINDS,
    PRICE_BASES,
    RANK_BY_NPC,
    RANK_BY_NPV,
    STANDARD,
    Deflator,
    FloatArray,
    Schedule,
)
from forbetter.calc.appraisal.discounting import _factors
from forbetter.calc.appraisal.optimism import _contributions, _upper_bound, optimism_bias
from forbetter.calc.appraisal.prices import _deflator_rates
from forbetter.calc.errors import InputError

# --- options: inputs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CashflowLine:
    """One line of an option: pounds a year from year 0, a cost or a benefit, in real or nominal prices."""

    label: str
    kind: Literal["cost", "benefit"]
    prices: Literal["real", "nominal"]
    values_gbp: Sequence[float]
    prices_risk: bool = False  # the line is a priced risk (a quantified risk adjustment or a contingency)

    def __post_init__(self) -> None:
        _text(self.label, field="label")
        if not isinstance(self.prices_risk, bool):
            raise InputError("prices_risk", f"must be true or false, got {_describe(self.prices_risk)}")
        _word(self.kind, KINDS, field="kind")
        _word(self.prices, PRICE_BASES, field="prices")
        object.__setattr__(self, "values_gbp", tuple(_money(self.values_gbp, field="values_gbp").tolist()))


@dataclass(frozen=True)
class OptimismBiasAdjustment:
    """Optimism bias for an option: the upper bound, the cost lines it applies to, its mitigation, and the
    guidance's lower bound for the project type, below which mitigation cannot take it."""

    upper_bound: float
    applies_to: Sequence[str]
    contributions: Sequence[Sequence[float]] = ()
    lower_bound: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "upper_bound", _upper_bound(self.upper_bound, field="upper_bound"))
        lower = _upper_bound(self.lower_bound, field="lower_bound")
        if lower > self.upper_bound:
            raise InputError(
                "lower_bound", f"must not be above the upper bound ({self.upper_bound:g}), got {lower:g}"
            )
        object.__setattr__(self, "lower_bound", lower)
        labels = _sequence(self.applies_to, field="applies_to", what="line labels")
        if not labels:
            raise InputError("applies_to", "must name at least one cost line")
        for i, label in enumerate(labels):
            _text(label, field=f"applies_to[{i}]")
        object.__setattr__(self, "applies_to", tuple(str(label) for label in labels))
        object.__setattr__(self, "contributions", _contributions(self.contributions, field="contributions"))

    @property
    def fraction(self) -> float:
        """The optimism bias applied, OB (see :func:`optimism_bias`)."""
        return optimism_bias(
            upper_bound=self.upper_bound, contributions=self.contributions, lower_bound=self.lower_bound
        )


@dataclass(frozen=True)
class Option:
    """One delivery option: a name, how many years (0 ... years - 1) and its cash-flow lines."""

    name: str
    years: int
    lines: Sequence[CashflowLine]
    optimism_bias: OptimismBiasAdjustment | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", _text(self.name, field="name"))
        years = _whole(self.years, field="years")
        object.__setattr__(self, "years", years)
        lines = tuple(_sequence(self.lines, field="lines", what="cash-flow lines"))
        if not lines:
            raise InputError("lines", "must list at least one cost or benefit line")
        seen: dict[str, int] = {}
        for j, line in enumerate(lines):
            if not isinstance(line, CashflowLine):
                raise InputError(f"lines[{j}]", f"must be a CashflowLine, got {_describe(line)}")
            if len(line.values_gbp) != years:
                raise InputError(
                    f"lines[{j}].values_gbp",
                    f"must have one value per year: years is {years}, so {years} values (year 0 to year "
                    f"{years - 1}), got {len(line.values_gbp)}",
                )
            if line.label in seen:
                raise InputError(
                    f"lines[{j}].label", f"duplicate label {line.label!r} (also lines[{seen[line.label]}])"
                )
            seen[line.label] = j
        object.__setattr__(self, "lines", lines)
        if self.optimism_bias is not None:
            self._check_optimism_bias(self.optimism_bias, seen)

    def _check_optimism_bias(self, adjustment: object, labels: dict[str, int]) -> None:
        if not isinstance(adjustment, OptimismBiasAdjustment):
            raise InputError(
                "optimism_bias", f"must be an OptimismBiasAdjustment, got {_describe(adjustment)}"
            )
        for i, label in enumerate(adjustment.applies_to):
            field = f"optimism_bias.applies_to[{i}]"
            if label not in labels:
                raise InputError(
                    field, f"no line labelled {label!r} in this option; labels are {sorted(labels)}"
                )
            j = labels[label]
            line = self.lines[j]
            if line.kind != "cost":
                raise InputError(field, f"optimism bias applies to costs, but {label!r} is a benefit line")
            negative = [t for t, value in enumerate(line.values_gbp) if value < 0]
            if negative:
                raise InputError(
                    f"lines[{j}].values_gbp[{negative[0]}]",
                    "must not be negative in a line that optimism bias applies to (the uplift would reduce "
                    "the cost): enter receipts as a separate line",
                )


# --- options: results --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinePresentValue:
    """A line's present value in year-0 real pounds, after deflating and any optimism bias."""

    label: str
    kind: str
    present_value_gbp: float


@dataclass(frozen=True)
class OptionAppraisal:
    """The appraisal of one option. Money is in real pounds at year-0 prices, discounted to year 0."""

    name: str
    years: int
    net_present_cost_gbp: float
    present_value_benefits_gbp: float
    net_present_value_gbp: float
    equivalent_annual_cost_gbp: float  # over years 0 ... n - 1 (EAC_CONVENTION)
    annuity_equivalent_annual_cost_gbp: float  # Green Book annuity over years 1 ... n
    discount_factors: tuple[float, ...]
    optimism_bias: float  # the fraction applied; 0 when none
    rank: int  # 1 = preferred under the appraisal's ranking rule (see Appraisal.ranking_rule)
    rank_by_equivalent_annual_cost: int
    lines: tuple[LinePresentValue, ...]
    rank_by_net_present_cost: int = 0  # 1 = lowest net present cost
    rank_by_net_present_value: int = 0  # 1 = highest net present value


@dataclass(frozen=True)
class SwitchingValue:
    """The change to one cost line (a fraction: 0.25 = +25%) at which the preferred option loses its rank.

    ``change`` is None when no change can switch the ranking; ``note`` says why, or what the change means.
    """

    option: str
    label: str
    change: float | None
    note: str


@dataclass(frozen=True)
class Appraisal:
    """Every option appraised on one discount schedule, ranked, with switching values for each cost line."""

    schedule: Schedule
    options: tuple[OptionAppraisal, ...]
    preferred: str  # rank 1 under ``ranking_rule`` (ties go to the first listed)
    switching_values: tuple[SwitchingValue, ...]
    eac_convention: str = EAC_CONVENTION
    ranking_rule: str = RANK_BY_NPC  # "npc": lowest net present cost; "npv": highest net present value
    warnings: tuple[str, ...] = ()

    def option(self, name: str) -> OptionAppraisal:
        """The result for the option called ``name``."""
        return self.options[_option_position(self, name)]


def rank_lowest_first(values: Sequence[float]) -> tuple[int, ...]:
    """Rank of each value, 1 for the lowest; equal values are ranked in the order given.

    >>> rank_lowest_first([300.0, 100.0, 200.0, 100.0])
    (4, 1, 3, 2)
    """
    numbers = [_number(v, field=f"values[{i}]") for i, v in enumerate(values)]
    order = sorted(range(len(numbers)), key=lambda i: (numbers[i], i))
    ranks = [0] * len(numbers)
    for rank, i in enumerate(order, start=1):
        ranks[i] = rank
    return tuple(ranks)


def ranking_rule(results: Sequence[tuple[float, float]]) -> str:
    """Rule RANKING-NPSV: with benefits present, options are ranked on net present (social) value, highest
    first; with none (every option's present value of benefits is zero) on net present cost, lowest first.

    ``results`` lists (net present cost, present value of benefits) per option. Source: HM Treasury, The
    Green Book (2022), paragraphs 5.3 and 6.2: the preferred option offers the best net present social
    value; cost-effectiveness (lowest net present cost) is used when benefits are the same or not valued.

    >>> ranking_rule([(100.0, 0.0), (90.0, 0.0)]), ranking_rule([(100.0, 150.0), (90.0, 0.0)])
    ('npc', 'npv')
    """
    return RANK_BY_NPV if any(benefits != 0 for _, benefits in results) else RANK_BY_NPC


def ranking_scores(results: Sequence[tuple[float, float]], rule: str) -> list[float]:
    """The figure each option is ranked on, lowest best: NPC under "npc", -NPV = NPC - PV(benefits) under
    "npv". A cost line's change moves both by the same amount, so switching values work on either.

    >>> ranking_scores([(100.0, 150.0)], "npv")
    [-50.0]
    """
    if rule == RANK_BY_NPV:
        return [npc - benefits for npc, benefits in results]
    return [npc for npc, _ in results]


def _deflator_for(options: Sequence[Option], deflator: Deflator | None, years: int) -> FloatArray:
    """Price index for the longest option, checking that every nominal line has a deflator that covers it."""
    nominal = [
        (i, j, option, line)
        for i, option in enumerate(options)
        for j, line in enumerate(option.lines)
        if line.prices == "nominal"
    ]
    if deflator is None:
        if nominal:
            i, j, _, line = nominal[0]
            raise InputError(
                "deflator",
                f"is needed because options[{i}].lines[{j}] ({line.label!r}) has nominal prices: give a GDP "
                "deflator rate such as 0.02, or one rate per year, or enter real prices",
            )
        return np.ones(years)
    # Rule DEFLATOR-COVERS-OPTIONS: a yearly series must cover every option's years; it is never extended.
    longest = max(options, key=lambda option: option.years)
    needed = longest.years
    needed_by = f"option {longest.name!r}, which runs for {needed} years; a shorter series is not extended"
    rates = _deflator_rates(deflator, years=needed, needed_by=needed_by)
    index = np.ones(years)
    index[1:needed] = np.cumprod(1.0 + rates)
    return index


def _appraise_one(
    option: Option, factors: FloatArray, index: FloatArray
) -> tuple[float, float, float, float, float, tuple[LinePresentValue, ...]]:
    n = option.years
    discount = factors[:n]
    adjustment = option.optimism_bias
    uplift = adjustment.fraction if adjustment else 0.0
    uplifted = set(adjustment.applies_to) if adjustment else set()
    lines = []
    for line in option.lines:
        values = np.asarray(line.values_gbp, dtype=np.float64)
        if line.prices == "nominal":
            values = values / index[:n]
        if line.label in uplifted:
            values = values * (1.0 + uplift)
        lines.append(LinePresentValue(line.label, line.kind, float(values @ discount)))
    npc = math.fsum(line.present_value_gbp for line in lines if line.kind == "cost")
    benefits = math.fsum(line.present_value_gbp for line in lines if line.kind == "benefit")
    eac = npc / float(discount.sum())
    annuity = npc / float(factors[1 : n + 1].sum())
    return npc, benefits, eac, annuity, uplift, tuple(lines)


def appraise_options(
    options: Sequence[Option], *, schedule: Schedule = STANDARD, deflator: Deflator | None = None
) -> Appraisal:
    """Appraise delivery options: NPC, PV of benefits, NPV, EAC, ranks, preferred option, switching values.

    For each option: nominal lines are deflated to year-0 prices (``deflator`` is required if any line is
    nominal; a yearly list must cover the longest option), optimism bias uplifts the named cost lines,
    then NPC = sum of cost-line PVs, NPV = PV(benefits) - NPC and EAC = NPC / sum_{t=0}^{n-1} DF_t. Rank 1
    is the preferred option under :func:`ranking_rule`: the highest NPV when any option has benefits, else
    the lowest NPC. Switching values (on the same rule) are described in :func:`switching_values`;
    ``warnings`` come from :func:`appraisal_warnings`.

    Source: HM Treasury, The Green Book (2022), chapter 5 and Annex A6; Supplementary Green Book Guidance:
    Optimism Bias (2003).

    >>> in_house = Option("In-house", 2, [CashflowLine("Staff", "cost", "real", [100, 100])])
    >>> outsourced = Option("Outsourced", 2, [CashflowLine("Contract", "cost", "real", [90, 115])])
    >>> result = appraise_options([in_house, outsourced], schedule=0.1)
    >>> result.preferred, round(result.option("Outsourced").net_present_cost_gbp, 2)
    ('In-house', 194.55)
    """
    chosen = _schedule(schedule)
    items = _sequence(options, field="options", what="options")
    if not items:
        raise InputError("options", "must list at least one option")
    names: dict[str, int] = {}
    for i, option in enumerate(items):
        if not isinstance(option, Option):
            raise InputError(f"options[{i}]", f"must be an Option, got {_describe(option)}")
        if option.name in names:
            raise InputError(
                f"options[{i}].name",
                f"duplicate option name {option.name!r} (also options[{names[option.name]}])",
            )
        names[option.name] = i
    checked = [option for option in items if isinstance(option, Option)]
    longest = max(option.years for option in checked)
    factors = _factors(longest + 1, chosen)
    index = _deflator_for(checked, deflator, longest)
    figures = [_appraise_one(option, factors, index) for option in checked]
    npc_ranks = rank_lowest_first([f[0] for f in figures])
    npv_ranks = rank_lowest_first([f[0] - f[1] for f in figures])
    eac_ranks = rank_lowest_first([f[2] for f in figures])
    rule = ranking_rule([(f[0], f[1]) for f in figures])
    ranks = npv_ranks if rule == RANK_BY_NPV else npc_ranks
    results = tuple(
        OptionAppraisal(
            name=option.name,
            years=option.years,
            net_present_cost_gbp=npc,
            present_value_benefits_gbp=benefits,
            net_present_value_gbp=benefits - npc,
            equivalent_annual_cost_gbp=eac,
            annuity_equivalent_annual_cost_gbp=annuity,
            discount_factors=tuple(factors[: option.years].tolist()),
            optimism_bias=uplift,
            rank=rank,
            rank_by_equivalent_annual_cost=eac_rank,
            lines=lines,
            rank_by_net_present_cost=npc_rank,
            rank_by_net_present_value=npv_rank,
        )
        for option, (npc, benefits, eac, annuity, uplift, lines), rank, eac_rank, npc_rank, npv_rank in zip(
            checked, figures, ranks, eac_ranks, npc_ranks, npv_ranks, strict=True
        )
    )
    preferred = results[ranks.index(1)].name
    return Appraisal(
        schedule=chosen,
        options=results,
        preferred=preferred,
        switching_values=_switching_values(results, rule),
        ranking_rule=rule,
        warnings=appraisal_warnings(checked),
    )


# --- warnings -----------------------------------------------------------------------------------------------


def appraisal_warnings(options: Sequence[Option]) -> tuple[str, ...]:
    """What a reader of the appraisal must be told, in words:

    * Rule OB-CONSISTENT: optimism bias applied to some options and not others (the options compared are
      then not adjusted on the same basis; Supplementary Green Book Guidance: Optimism Bias, 2003, s.2:
      adjust every option, the do-minimum included).
    * Rule OB-NOT-WITH-PRICED-RISK: an option with optimism bias on some lines and also priced risk lines (a
      quantified risk adjustment or a contingency): the same risk may be counted twice. The guidance
      expects optimism bias to fall as risks are identified and priced (The Green Book 2022, A2.15-A2.17).

    >>> a = Option("A", 1, [CashflowLine("Run", "cost", "real", [100])],
    ...            OptimismBiasAdjustment(0.41, ["Run"]))
    >>> b = Option("B", 1, [CashflowLine("Fee", "cost", "real", [90])])
    >>> appraisal_warnings([a, b])[0][:60]
    'Optimism bias is applied to A but not to B: the options are '
    """
    warnings = []
    with_bias = [o.name for o in options if o.optimism_bias is not None and o.optimism_bias.fraction > 0]
    without = [o.name for o in options if o.name not in with_bias]
    if with_bias and without:
        warnings.append(
            f"Optimism bias is applied to {_names(with_bias)} but not to {_names(without)}: the options are "
            "not adjusted on the same basis. Give every option a project type and the lines it applies to, "
            "or record why an option has none."
        )
    for option in options:
        if option.optimism_bias is None or option.optimism_bias.fraction <= 0:
            continue
        risky = [line.label for line in option.lines if line.prices_risk]
        if risky:
            uplifted = ", ".join(f"“{label}”" for label in option.optimism_bias.applies_to)
            priced = ", ".join(f"“{label}”" for label in risky)
            warnings.append(
                f"{option.name} has optimism bias of {option.optimism_bias.fraction:.1%} on {uplifted} and "
                f"also priced risk in {priced}: the same risks may be counted twice. Reduce the optimism "
                "bias (record the quantified risks as mitigation) or take the overlapping risks out of the "
                "priced lines."
            )
    return tuple(warnings)


def _names(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# --- looking up an option; switching values for every appraisal -------------------------------------------


def _option_position(appraisal: Appraisal, name: str) -> int:
    for i, option in enumerate(appraisal.options):
        if option.name == name:
            return i
    raise InputError(
        "option", f"no option called {name!r}; options are {[o.name for o in appraisal.options]}"
    )


def _switching_values(
    results: Sequence[OptionAppraisal], rule: str = RANK_BY_NPC
) -> tuple[SwitchingValue, ...]:
    npcs = ranking_scores([(r.net_present_cost_gbp, r.present_value_benefits_gbp) for r in results], rule)
    measure = "net present value" if rule == RANK_BY_NPV else "net present cost"
    preferred = next(i for i, r in enumerate(results) if r.rank == 1)
    others = [npc for i, npc in enumerate(npcs) if i != preferred]
    runner_up = min(others) if others else None
    values = []
    for i, result in enumerate(results):
        for line in result.lines:
            if line.kind != "cost":
                continue
            pv = line.present_value_gbp
            change: float | None = None
            if runner_up is None:
                note = "there is only one option, so no change can alter the ranking"
            elif pv == 0:
                note = f"the line's present value is zero, so no change to it moves the {measure}"
            else:
                target = runner_up if i == preferred else npcs[preferred]
                change = (target - npcs[i]) / pv
                whom = "the runner-up" if i == preferred else "the preferred option"
                if change < -1:
                    note = f"only a cut of {-change:.0%} (more than the whole line) would make it tie {whom}"
                    change = None
                else:
                    note = f"at this change the option ties {whom} on {measure}"
            values.append(SwitchingValue(result.name, line.label, change, note))
    return tuple(values)
