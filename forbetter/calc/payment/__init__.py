"""Payment mechanism of a strategic service-delivery partnership: monthly charge, deductions, gainshare.

A month's payment is worked out in six steps, each a named rule below:

====================  =====================================================================================
rule                  what it does
====================  =====================================================================================
PAY-CHARGE-IN-FORCE   the monthly charge in force in a month, after variations (:func:`charge_in_force`)
PAY-INDEX             uprate the indexed share of the monthly charge by the index (:func:`indexed_charge`)
PAY-INDEX-ANNUAL      the uprating is done once a year, in the indexation month (:func:`uprating_month`)
PAY-MISSING-RETURN    a KPI with no validated value: failed or provisional, as the mechanism says
PAY-THRESHOLD-SCOPE   whose points the free threshold covers: all KPIs or monthly ones (:func:`banded_points`)
PAY-RELIEF            a failure covered by a relief event earns no points (:func:`unrelieved_points_by_kpi`)
PAY-RATCHET           a KPI failing k months running has its points multiplied (:func:`ratchet_multiplier`)
PAY-BANDS             points above the free threshold cost money in bands (:func:`deduction_from_points`)
PAY-CAP               the deduction is limited to a share of the month's charge (:func:`capped_deduction`)
PAY-LATE-ADJUSTMENT   a failure validated after its month was frozen is deducted later
                      (:func:`adjustment_amount`)
PAY-PAYABLE           payable = charge - deduction - adjustments (:func:`payable`)
PAY-ROUNDING          one rounding to the penny, for every user of a statement (:func:`rounded_statement`)
PAY-GAINSHARE         savings or overruns against a baseline are split in bands (:func:`gainshare`)
PAY-GAINSHARE-BASE    the baseline pro-rated to part-years and uprated by the index
                      (rule PAY-GAINSHARE-BASELINE, :func:`gainshare_baseline`)
====================  =====================================================================================

Sources: ODPM Strategic Partnering Taskforce, *Payment Mechanisms: Technical Note* (2004), on charges that
fall with performance through points, thresholds and caps; HM Treasury, *Standardisation of PFI Contracts*
version 4 (2007), chapter 7 (payment mechanism: indexation, performance deductions, ratchets, relief events);
and the PFI/SSP practice summarised in DESIGN section 5.

Conventions: money is float pounds (``_gbp`` where a name would otherwise be ambiguous); shares and caps are
fractions (0.1, not 10); periods are calendar months written ``YYYY-MM``. Nothing is rounded here except the
figures written into explanation lines, which use :func:`pennies` (round half up to the penny) so that the
lines agree with the rounded figures a statement shows.

Per period the engine is scalar (:func:`payment_statement`); for a whole portfolio it is vectorised over
contracts x KPIs x months (:func:`portfolio_deductions`). Both do the same floating-point operations in the
same order, so they agree to the last bit.

The code is split by reason to change: :mod:`~forbetter.calc.payment.mechanism` holds the value types and
their checks (including the shape of the bands), :mod:`~forbetter.calc.payment.rules` the PAY rules one
function each, :mod:`~forbetter.calc.payment.statement` the month-by-month statement with its explanation
lines and money formatting, :mod:`~forbetter.calc.payment.portfolio` the vectorised engine, and
:mod:`~forbetter.calc.payment.gain_sharing` the gainshare split. Import the names from here.
"""

from __future__ import annotations

from forbetter.calc.payment.gain_sharing import (
    Baseline,
    GainshareResult,
    ShareBand,
    gainshare,
    gainshare_baseline,
    split_in_bands,
    validate_share_bands,
)
from forbetter.calc.payment.mechanism import (
    MISSING_FAIL,
    MISSING_PROVISIONAL,
    MISSING_RULES,
    PERIOD_MONTHS,
    THRESHOLD_ALL_KPIS,
    THRESHOLD_MONTHLY_KPIS,
    THRESHOLD_SCOPES,
    Adjustment,
    Band,
    BoolArray,
    ChargeChange,
    Failure,
    FloatArray,
    Index,
    IntArray,
    Mechanism,
    Missing,
    PeriodInput,
    Ratchet,
    RunState,
    check_day,
    month_number,
    month_text,
    validate_bands,
)
from forbetter.calc.payment.portfolio import (
    BandTable,
    PortfolioResult,
    band_table,
    consecutive_failure_runs,
    portfolio_deductions,
)
from forbetter.calc.payment.rules import (
    adjustment_amount,
    banded_points,
    capped_deduction,
    charge_in_force,
    closing_runs,
    deduction_from_points,
    failure_runs,
    index_value_for,
    indexed_charge,
    payable,
    points_by_band,
    ratchet_multiplier,
    unrelieved_points_by_kpi,
    uprating_factor,
    uprating_month,
    weighted_points,
)
from forbetter.calc.payment.statement import (
    AdjustmentResult,
    PeriodStatement,
    RoundedAdjustment,
    RoundedPeriod,
    RoundedStatement,
    Statement,
    format_money,
    payment_statement,
    pennies,
    period_statement,
    rounded_period,
    rounded_statement,
)

__all__ = [
    "MISSING_FAIL",
    "MISSING_PROVISIONAL",
    "MISSING_RULES",
    "PERIOD_MONTHS",
    "THRESHOLD_ALL_KPIS",
    "THRESHOLD_MONTHLY_KPIS",
    "THRESHOLD_SCOPES",
    "Adjustment",
    "AdjustmentResult",
    "Band",
    "BandTable",
    "Baseline",
    "BoolArray",
    "ChargeChange",
    "Failure",
    "FloatArray",
    "GainshareResult",
    "Index",
    "IntArray",
    "Mechanism",
    "Missing",
    "PeriodInput",
    "PeriodStatement",
    "PortfolioResult",
    "Ratchet",
    "RoundedAdjustment",
    "RoundedPeriod",
    "RoundedStatement",
    "RunState",
    "ShareBand",
    "Statement",
    "adjustment_amount",
    "band_table",
    "banded_points",
    "capped_deduction",
    "charge_in_force",
    "check_day",
    "closing_runs",
    "consecutive_failure_runs",
    "deduction_from_points",
    "failure_runs",
    "format_money",
    "gainshare",
    "gainshare_baseline",
    "index_value_for",
    "indexed_charge",
    "month_number",
    "month_text",
    "payable",
    "payment_statement",
    "pennies",
    "period_statement",
    "points_by_band",
    "portfolio_deductions",
    "ratchet_multiplier",
    "rounded_period",
    "rounded_statement",
    "split_in_bands",
    "unrelieved_points_by_kpi",
    "uprating_factor",
    "uprating_month",
    "validate_bands",
    "validate_share_bands",
    "weighted_points",
]
