"""The value-for-money chart: cumulative expected against actual cost, drawn on the server as SVG."""

from __future__ import annotations

from forbetter.calc.life_value import LifeComparison, money
from forbetter.core.charts import Chart, line_chart


def cumulative_cost_chart(comparison: LifeComparison) -> Chart:
    """Cumulative cost, business case against actual, year by year (cash, £m)."""
    years = comparison.years
    last = years[-1]
    gap = last.cumulative_actual_cost - last.cumulative_expected_cost
    if gap > 0:
        words = f"{money(gap)} more than the business case expected"
    elif gap < 0:
        words = f"{money(-gap)} less than the business case expected"
    else:
        words = "exactly what the business case expected"
    summary = (
        f"By the end of {last.label} the partnership had cost {money(last.cumulative_actual_cost)} in cash, "
        f"{words} ({money(last.cumulative_expected_cost)})."
    )
    return line_chart(
        title="Cumulative cost: business case against actual (cash, £m)",
        summary=summary,
        x_labels=[row.label for row in years],
        series={
            "Expected (business case)": [round(float(r.cumulative_expected_cost) / 1e6, 2) for r in years],
            "Actual": [round(float(r.cumulative_actual_cost) / 1e6, 2) for r in years],
        },
        y_label="£m",
    )
