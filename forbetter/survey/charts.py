"""Charts of the survey results: each side's mean per principle in a round, and the gap across rounds.

Each returns a :class:`~forbetter.core.charts.Chart` (SVG image, title, summary in words, data table).
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure

from forbetter.calc import survey as engine
from forbetter.core.charts import PALETTE, Chart, cached_chart, line_chart, new_figure, style_axes
from forbetter.survey.templatetags.survey import signed

NO_MEAN = "Fewer than five answered"


def _shown(value: float | None) -> str:
    return NO_MEAN if value is None else f"{value:.2f}"


def round_chart(result: engine.RoundResult, *, scale: tuple[int, int]) -> Chart:
    """Council and partner means side by side for each principle (a missing bar: fewer than five answered)."""
    labels = [p.name for p in result.principles]
    council = [p.council.mean for p in result.principles]
    partner = [p.partner.mean for p in result.principles]

    def draw() -> Figure:
        figure = new_figure(height=0.6 * len(labels) + 1.2)
        axes = figure.add_subplot()
        style_axes(axes)
        axes.grid(axis="x", color="#b1b4b6", linewidth=0.5)
        positions = list(range(len(labels)))[::-1]
        height = 0.38
        for offset, values, name, colour in (
            (height / 2, council, "Council", 0),
            (-height / 2, partner, "Partner", 1),
        ):
            axes.barh(
                [y + offset for y in positions],
                [v or 0 for v in values],
                height=height,
                color=PALETTE[colour],
                label=name,
            )
        axes.set_yticks(positions, labels, fontsize=8)
        axes.set_xlim(scale[0] - 1 if scale[0] > 0 else 0, scale[1])
        axes.set_xlabel("Mean answer (1 = strongly disagree, 5 = strongly agree)")
        axes.legend(frameon=False, fontsize=8)
        return figure

    uri = cached_chart(["survey-round", result.round, labels, council, partner, list(scale)], draw)
    flagged = [p.name for p in result.principles if p.flagged]
    shown = [p for p in result.principles if p.gap is not None]
    summary = (
        f"Mean answers of each side on each principle in {result.round}. "
        + (
            f"{len(shown)} of {len(labels)} principles had five or more answers on both sides"
            if shown
            else "No principle had five or more answers on both sides yet"
        )
        + (f"; the large gaps are on {', '.join(flagged)}." if flagged else "; no gap is large.")
    )
    rows = [
        [p.name, _shown(p.council.mean), _shown(p.partner.mean), "—" if p.gap is None else signed(p.gap)]
        for p in result.principles
    ]
    return Chart(
        f"Each side's mean answer, {result.round}",
        summary,
        uri,
        ["Principle", "Council", "Partner", "Gap"],
        rows,
    )


def trend_chart(result: engine.SurveyResult) -> Chart:
    """The gap (council − partner) on each principle across rounds."""
    rounds = [r.round for r in result.rounds]
    series: dict[str, Sequence[float | None]] = {}
    for index, principle in enumerate(result.rounds[0].principles if result.rounds else ()):
        series[principle.name] = [r.principles[index].gap for r in result.rounds]
    latest = result.rounds[-1].round if result.rounds else ""
    widening = [t.principle for t in result.trend if t.round == latest and t.direction == "widening"]
    names = {p.principle: p.name for p in (result.rounds[0].principles if result.rounds else ())}
    summary = (
        "The gap between the council's and the partner's mean answers on each principle, round by round "
        "(above zero: the council is more positive). "
        + (
            f"In {latest} the gap widened on: {', '.join(names[key] for key in widening)}."
            if widening
            else f"No gap widened in {latest}."
        )
    )
    chart = line_chart(
        title="Gap between the sides, by round",
        summary=summary,
        x_labels=rounds,
        series=series,
        y_label="Council mean − partner mean",
        reference_lines={
            "Large gap": result.gap_threshold,
            "Large gap (partner more positive)": -result.gap_threshold,
        },
    )
    rows = [[row[0], *("—" if v is None else signed(v) for v in row[1:])] for row in chart.rows]
    return Chart(chart.title, chart.summary, chart.data_uri, chart.columns, rows)
