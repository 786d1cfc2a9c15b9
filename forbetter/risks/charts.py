"""Charts of the risk pages: S-curve, histogram, tornado, council/partner split and exit costs by year.

Each returns a :class:`~forbetter.core.charts.Chart` (SVG image, title, summary in words, data table),
drawn on the server and cached by its inputs. Money is shown in pounds; axes in £ thousands or millions.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from forbetter.core.charts import PALETTE, Chart, cached_chart, new_figure, style_axes

ROUTE_STYLES = ["-", "--", "-.", ":", (0, (5, 1)), (0, (1, 1))]
ROUTE_MARKERS = ["o", "s", "^", "D", "v", "P"]


def pounds(value: float) -> str:
    sign = "−" if value < 0 else ""
    return f"{sign}£{abs(value):,.0f}"


def _cell(value: float | None) -> str:
    return "Not available" if value is None else pounds(value)


def _money_axis(axes: Any, *, axis: str = "y") -> None:
    def short(value: float, _position: int) -> str:
        magnitude = abs(value)
        sign = "−" if value < 0 else ""
        if magnitude >= 1e6:
            return f"{sign}£{magnitude / 1e6:,.1f}m"
        if magnitude >= 1e3:
            return f"{sign}£{magnitude / 1e3:,.0f}k"
        return f"{sign}£{magnitude:,.0f}"

    target = axes.yaxis if axis == "y" else axes.xaxis
    target.set_major_formatter(FuncFormatter(short))


def s_curve_chart(
    *, run_key: Any, s_curve_gbp: Sequence[float], council_p80_gbp: float, summary: str
) -> Chart:
    """Cumulative probability (y) that the total cost is at most x, from the 101 stored percentiles."""

    def draw() -> Figure:
        figure = new_figure()
        axes = figure.add_subplot()
        style_axes(axes)
        axes.plot(list(s_curve_gbp), list(range(len(s_curve_gbp))), color=PALETTE[0], label="All risks")
        axes.axvline(council_p80_gbp, color=PALETTE[1], linestyle="--", linewidth=1, label="Council P80")
        axes.axhline(80, color="#505a5f", linestyle=":", linewidth=1)
        _money_axis(axes, axis="x")
        axes.set_ylabel("Chance the total is no more than this (%)")
        axes.set_xlabel("Total cost of the risks")
        axes.set_ylim(0, 100)
        axes.set_title("S-curve of the total risk cost", loc="left", fontsize=11)
        axes.legend(frameon=False, fontsize=8, loc="lower right")
        return figure

    uri = cached_chart(["s-curve", run_key, list(s_curve_gbp), council_p80_gbp], draw)
    rows = [[f"P{percent}", pounds(s_curve_gbp[percent])] for percent in range(0, 101, 5)]
    return Chart("S-curve of the total risk cost", summary, uri, ["Percentile", "Total cost at most"], rows)


def histogram_chart(
    *, run_key: Any, edges_gbp: Sequence[float], counts: Sequence[int], summary: str
) -> Chart:
    total = sum(counts) or 1

    def draw() -> Figure:
        figure = new_figure()
        axes = figure.add_subplot()
        style_axes(axes)
        widths = [high - low for low, high in itertools.pairwise(edges_gbp)]
        axes.bar(
            list(edges_gbp[:-1]),
            [100 * c / total for c in counts],
            width=widths,
            align="edge",
            color=PALETTE[0],
            edgecolor="white",
            linewidth=0.5,
        )
        _money_axis(axes, axis="x")
        axes.set_ylabel("Share of iterations (%)")
        axes.set_xlabel("Total cost of the risks")
        axes.set_title("How often each total cost came up", loc="left", fontsize=11)
        return figure

    uri = cached_chart(["histogram", run_key, list(edges_gbp), list(counts)], draw)
    rows = [
        [f"{pounds(low)} to {pounds(high)}", f"{count:,}", f"{100 * count / total:.1f}%"]
        for low, high, count in zip(edges_gbp, edges_gbp[1:], counts, strict=False)
    ]
    return Chart(
        "How often each total cost came up", summary, uri, ["Total cost", "Iterations", "Share"], rows
    )


def tornado_chart(
    *, run_key: Any, labels: Sequence[str], correlations: Sequence[float], summary: str
) -> Chart:
    """Horizontal bars, strongest driver at the top."""

    def draw() -> Figure:
        figure = new_figure(height=max(2.5, 0.32 * len(labels) + 1.2))
        axes = figure.add_subplot()
        style_axes(axes)
        axes.grid(axis="x", color="#b1b4b6", linewidth=0.5)
        axes.barh(list(labels)[::-1], list(correlations)[::-1], color=PALETTE[0])
        axes.set_xlim(min(0.0, *correlations) - 0.05, max(0.0, *correlations) + 0.05)
        axes.set_xlabel("Rank correlation with the total cost")
        axes.tick_params(axis="y", labelsize=8)
        axes.set_title("What drives the total: tornado", loc="left", fontsize=11)
        return figure

    uri = cached_chart(["tornado", run_key, list(labels), list(correlations)], draw)
    rows = [[label, f"{value:.3f}"] for label, value in zip(labels, correlations, strict=True)]
    return Chart("What drives the total: tornado", summary, uri, ["Risk", "Rank correlation"], rows)


def split_chart(*, run_key: Any, council: Sequence[float], partner: Sequence[float], summary: str) -> Chart:
    """Grouped bars: mean, P50 and P80 of the council's part and of the partner's part."""
    measures = ["Mean", "P50", "P80"]

    def draw() -> Figure:
        figure = new_figure(height=3.2)
        axes = figure.add_subplot()
        style_axes(axes)
        positions = list(range(len(measures)))
        axes.bar([p - 0.2 for p in positions], list(council), width=0.4, color=PALETTE[0], label="Council")
        axes.bar(
            [p + 0.2 for p in positions],
            list(partner),
            width=0.4,
            color=PALETTE[3],
            label="Partner",
            hatch="//",
            edgecolor="white",
        )
        axes.set_xticks(positions, measures)
        _money_axis(axes)
        axes.legend(frameon=False, fontsize=8)
        axes.set_title("Who bears the cost: council and partner", loc="left", fontsize=11)
        return figure

    uri = cached_chart(["split", run_key, list(council), list(partner)], draw)
    rows = [[m, pounds(c), pounds(p)] for m, c, p in zip(measures, council, partner, strict=True)]
    return Chart("Who bears the cost: council and partner", summary, uri, ["", "Council", "Partner"], rows)


def exit_cost_chart(
    *, key: Any, years: Sequence[int], series: dict[str, Sequence[float | None]], summary: str
) -> Chart:
    """One line per way of ending, net cost to the council by the contract year of exit; a route that is
    available in only some years (break clause, expiry) shows as markers."""

    def draw() -> Figure:
        figure = new_figure(height=4.0)
        axes = figure.add_subplot()
        style_axes(axes)
        for index, (name, values) in enumerate(series.items()):
            points = [(year, value) for year, value in zip(years, values, strict=True) if value is not None]
            axes.plot(
                [p[0] for p in points],
                [p[1] for p in points],
                label=name,
                color=PALETTE[index % len(PALETTE)],
                linestyle=ROUTE_STYLES[index % len(ROUTE_STYLES)],
                marker=ROUTE_MARKERS[index % len(ROUTE_MARKERS)],
                markersize=4,
            )
        axes.axhline(0, color="#0b0c0c", linewidth=0.8)
        axes.set_xticks(list(years))
        axes.set_xlabel("Contract year at whose end the partnership ends")
        _money_axis(axes)
        axes.set_ylabel("Net cost to the council")
        axes.legend(frameon=False, fontsize=8)
        axes.set_title("Net cost to the council of ending, by year and route", loc="left", fontsize=11)
        return figure

    uri = cached_chart(["exit", key, list(years), series], draw)
    rows = [
        [f"Year {year}", *[_cell(values[i]) for values in series.values()]] for i, year in enumerate(years)
    ]
    return Chart(
        "Net cost to the council of ending, by year and route",
        summary,
        uri,
        ["Exit at end of", *series],
        rows,
    )
