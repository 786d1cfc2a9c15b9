"""Options appraisal: the Green Book arithmetic behind a business case.

One financial idea per function. Conventions, stated once and used by every function here:

* Years count from year 0, the base year. ``years=n`` means the years 0, 1, ..., n - 1. Year 0 is not
  discounted (DF_0 = 1) and each year's cash is treated as falling at one point in that year.
* Money is in pounds (GBP) at real prices of year 0, unless a name or keyword says ``nominal``.
* Rates are fractions per year: 0.035 means 3.5%. A rate above 1 is taken to be a percentage typed by
  mistake and refused.
* Bad input raises :class:`~forbetter.calc.errors.InputError` naming the field; nothing returns NaN.

Sources: HM Treasury, *The Green Book: central government guidance on appraisal and evaluation* (2022
edition), chapter 5 and Annex A6 (discounting; real and nominal prices); HM Treasury, *Supplementary Green
Book Guidance: Optimism Bias* (2003). Check the figures against the edition in force when a case is made.

The package holds one idea per module; import every name from here, ``forbetter.calc.appraisal``:
:mod:`~forbetter.calc.appraisal.conventions` (type aliases and constants),
:mod:`~forbetter.calc.appraisal.discounting`, :mod:`~forbetter.calc.appraisal.prices` (real and nominal),
:mod:`~forbetter.calc.appraisal.optimism` (optimism bias), :mod:`~forbetter.calc.appraisal.options` (the
options, their results, ranking and :func:`appraise_options`),
:mod:`~forbetter.calc.appraisal.sensitivity_analysis` (switching values, sensitivity, tornado) and
:mod:`~forbetter.calc.appraisal.affordability_and_length`.
"""

from forbetter.calc.appraisal.affordability_and_length import (
    LENGTH_EXTRAPOLATED,
    LENGTH_PRICED,
    LENGTH_SHORTENED,
    Affordability,
    ContractLengthCost,
    affordability,
    equivalent_annual_cost_by_length,
    equivalent_annual_cost_by_priced_length,
    length_profile,
)
from forbetter.calc.appraisal.conventions import (
    DISCOUNT_SCHEDULES,
    EAC_CONVENTION,
    ENGINE_VERSION,
    GREEN_BOOK_STANDARD_BANDS,
    KINDS,
    MAX_ABS_GBP,
    MAX_CHANGE,
    MAX_OPTIMISM_BIAS,
    MAX_YEARS,
    PRICE_BASES,
    RANK_BY_NPC,
    RANK_BY_NPV,
    RANKING_RULES,
    STANDARD,
    Deflator,
    FloatArray,
    IntArray,
    Schedule,
)
from forbetter.calc.appraisal.discounting import (
    annuity_equivalent_annual_cost,
    discount_factors,
    discount_rates,
    equivalent_annual_cost,
    net_present_value,
    present_value,
)
from forbetter.calc.appraisal.optimism import (
    OptimismBiasCategory,
    OptimismBiasTable,
    apply_optimism_bias,
    optimism_bias,
    optimism_bias_lower_bound,
    optimism_bias_table,
    optimism_bias_upper_bound,
)
from forbetter.calc.appraisal.options import (
    Appraisal,
    CashflowLine,
    LinePresentValue,
    OptimismBiasAdjustment,
    Option,
    OptionAppraisal,
    SwitchingValue,
    appraisal_warnings,
    appraise_options,
    rank_lowest_first,
    ranking_rule,
    ranking_scores,
)
from forbetter.calc.appraisal.prices import (
    deflator_rates_from_index,
    nominal_from_real,
    price_index,
    real_from_nominal,
    rebase_index,
)
from forbetter.calc.appraisal.risk_adjustment import (
    DEFAULT_ITERATIONS,
    DEFAULT_PERCENTILE,
    DEFAULT_SEED,
    PERCENTILES,
    RISK_ADJUSTMENT_LABEL,
    RetainedRisk,
    RetainedRiskValue,
    RiskAdjustment,
    RiskPercentile,
    retained_risk_percentile,
    risk_adjustment,
)
from forbetter.calc.appraisal.sensitivity_analysis import (
    BatchSensitivity,
    Sensitivity,
    TornadoBar,
    batch_sensitivity,
    cost_line_present_values,
    scale_line,
    sensitivity,
    switching_values,
    tornado,
)

__all__ = [
    "DEFAULT_ITERATIONS",
    "DEFAULT_PERCENTILE",
    "DEFAULT_SEED",
    "DISCOUNT_SCHEDULES",
    "EAC_CONVENTION",
    "ENGINE_VERSION",
    "GREEN_BOOK_STANDARD_BANDS",
    "KINDS",
    "LENGTH_EXTRAPOLATED",
    "LENGTH_PRICED",
    "LENGTH_SHORTENED",
    "MAX_ABS_GBP",
    "MAX_CHANGE",
    "MAX_OPTIMISM_BIAS",
    "MAX_YEARS",
    "PERCENTILES",
    "PRICE_BASES",
    "RANKING_RULES",
    "RANK_BY_NPC",
    "RANK_BY_NPV",
    "RISK_ADJUSTMENT_LABEL",
    "STANDARD",
    "Affordability",
    "Appraisal",
    "BatchSensitivity",
    "CashflowLine",
    "ContractLengthCost",
    "Deflator",
    "FloatArray",
    "IntArray",
    "LinePresentValue",
    "OptimismBiasAdjustment",
    "OptimismBiasCategory",
    "OptimismBiasTable",
    "Option",
    "OptionAppraisal",
    "RetainedRisk",
    "RetainedRiskValue",
    "RiskAdjustment",
    "RiskPercentile",
    "Schedule",
    "Sensitivity",
    "SwitchingValue",
    "TornadoBar",
    "affordability",
    "annuity_equivalent_annual_cost",
    "apply_optimism_bias",
    "appraisal_warnings",
    "appraise_options",
    "batch_sensitivity",
    "cost_line_present_values",
    "deflator_rates_from_index",
    "discount_factors",
    "discount_rates",
    "equivalent_annual_cost",
    "equivalent_annual_cost_by_length",
    "equivalent_annual_cost_by_priced_length",
    "length_profile",
    "net_present_value",
    "nominal_from_real",
    "optimism_bias",
    "optimism_bias_lower_bound",
    "optimism_bias_table",
    "optimism_bias_upper_bound",
    "present_value",
    "price_index",
    "rank_lowest_first",
    "ranking_rule",
    "ranking_scores",
    "real_from_nominal",
    "rebase_index",
    "retained_risk_percentile",
    "risk_adjustment",
    "scale_line",
    "sensitivity",
    "switching_values",
    "tornado",
]
