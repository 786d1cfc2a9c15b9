"""Payment mechanism of a strategic service-delivery partnership: monthly charge, deductions, gainshare.

A month's payment is worked out in six steps, each a named rule below:

====================  =====================================================================================
rule                  what it does
====================  =====================================================================================
PAY-INDEX             uprate the indexed share of the monthly charge by the index (:func:`indexed_charge`)
PAY-RELIEF            a failure covered by a relief event earns no points (:func:`unrelieved_points_by_kpi`)
PAY-RATCHET           a KPI failing k months running has its points multiplied (:func:`ratchet_multiplier`)
PAY-BANDS             points above the free threshold cost money in bands (:func:`deduction_from_points`)
PAY-CAP               the deduction is limited to a share of the month's charge (:func:`capped_deduction`)
PAY-PAYABLE           payable = charge - deduction (:func:`payable`)
PAY-GAINSHARE         savings or overruns against a baseline are split in bands (:func:`gainshare`)
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
    GainshareResult,
    ShareBand,
    gainshare,
    split_in_bands,
    validate_share_bands,
)
from forbetter.calc.payment.mechanism import (
    Band,
    BoolArray,
    Failure,
    FloatArray,
    Index,
    IntArray,
    Mechanism,
    PeriodInput,
    Ratchet,
    month_number,
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
    capped_deduction,
    deduction_from_points,
    failure_runs,
    index_value_for,
    indexed_charge,
    payable,
    points_by_band,
    ratchet_multiplier,
    unrelieved_points_by_kpi,
    weighted_points,
)
from forbetter.calc.payment.statement import (
    PeriodStatement,
    Statement,
    format_money,
    payment_statement,
    pennies,
    period_statement,
)

__all__ = [
    "Band",
    "BandTable",
    "BoolArray",
    "Failure",
    "FloatArray",
    "GainshareResult",
    "Index",
    "IntArray",
    "Mechanism",
    "PeriodInput",
    "PeriodStatement",
    "PortfolioResult",
    "Ratchet",
    "ShareBand",
    "Statement",
    "band_table",
    "capped_deduction",
    "consecutive_failure_runs",
    "deduction_from_points",
    "failure_runs",
    "format_money",
    "gainshare",
    "index_value_for",
    "indexed_charge",
    "month_number",
    "payable",
    "payment_statement",
    "pennies",
    "period_statement",
    "points_by_band",
    "portfolio_deductions",
    "ratchet_multiplier",
    "split_in_bands",
    "unrelieved_points_by_kpi",
    "validate_bands",
    "validate_share_bands",
    "weighted_points",
]
