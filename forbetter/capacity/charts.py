"""The chart of the client team's cost as a share of the contract's annual value, year by year, against
the council's target (a :class:`~forbetter.core.charts.Chart`: SVG image, title, summary, data table)."""

from __future__ import annotations

from forbetter.calc import capacity as calc
from forbetter.capacity.models import CapacityTarget
from forbetter.core.charts import Chart, line_chart

STATUS_WORDS = {
    calc.ShareStatus.MET: "Meets the target",
    calc.ShareStatus.BELOW_MINIMUM: "Below the minimum",
    calc.ShareStatus.ABOVE_MAXIMUM: "Above the maximum",
    calc.ShareStatus.NO_TARGET: "No target set",
    calc.ShareStatus.PART_YEAR: "Part year: not judged",
    calc.ShareStatus.NO_STATEMENTS: "Missing: no approved statements",
    calc.ShareStatus.NO_COST: "Missing: no team cost recorded",
}


def _percent(value: object) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f}%"  # type: ignore[arg-type]


def share_chart(shares: list[calc.ShareYear], target: CapacityTarget | None) -> Chart:
    """Rule CAP-COST-SHARE over time: one point a year with a share; dashed lines at the target."""
    labels = [year.label for year in shares]
    values = [None if year.share is None else round(float(year.share) * 100, 2) for year in shares]
    references: dict[str, float] = {}
    if target is not None:
        references[f"Minimum {_percent(target.minimum_share)}"] = float(target.minimum_share) * 100
        if target.maximum_share is not None:
            references[f"Maximum {_percent(target.maximum_share)}"] = float(target.maximum_share) * 100
    title = "Client team cost as a share of the annual contract value"
    chart = line_chart(
        title=title,
        summary=summary(shares, target),
        x_labels=labels,
        series={"Share (%)": values},
        y_label="% of the year's approved payments",
        reference_lines=references,
    )
    rows = [
        [
            year.label,
            "—" if year.team_cost_gbp is None else f"£{year.team_cost_gbp:,.0f}",
            "—"
            if year.contract_value_gbp is None
            else f"£{year.contract_value_gbp:,.0f} ({year.months} months)",
            _percent(year.share),
            STATUS_WORDS[year.status],
        ]
        for year in shares
    ]
    return Chart(
        chart.title,
        chart.summary,
        chart.data_uri,
        ["Financial year", "Team cost", "Approved payments", "Share", "Against the target"],
        rows,
    )


def summary(shares: list[calc.ShareYear], target: CapacityTarget | None) -> str:
    """The chart in words."""
    shown = [year for year in shares if year.share is not None]
    if not shown:
        return "No year has both a team cost and approved payment statements yet."
    low = min(shown, key=lambda year: year.share or 0)
    high = max(shown, key=lambda year: year.share or 0)
    words = (
        f"The client team cost between {_percent(low.share)} ({low.label}) and {_percent(high.share)} "
        f"({high.label}) of the year's approved payments, over {len(shown)} "
        f"year{'s' if len(shown) != 1 else ''}."
    )
    if target is None:
        return words + " No target share has been set."
    missed = [year.label for year in shares if year.missed]
    words += f" The council's minimum is {_percent(target.minimum_share)}"
    if target.maximum_share is not None:
        words += f" and its maximum {_percent(target.maximum_share)}"
    words += "; " + (f"missed in {', '.join(missed)}." if missed else "no full year missed it.")
    missing = [year.label for year in shares if year.status == calc.ShareStatus.NO_STATEMENTS]
    if missing:
        words += f" No approved statements in {', '.join(missing)}, so no share there."
    return words
