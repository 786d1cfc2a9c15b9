"""The key-dates timeline as a chart: each date a marker on a time axis, one row per kind, today marked.

Returns a :class:`~forbetter.core.charts.Chart` (SVG image, title, summary in words, data table).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from matplotlib.dates import date2num
from matplotlib.figure import Figure

from forbetter.calc import key_dates as calc
from forbetter.calc.dates import long_date
from forbetter.core.charts import PALETTE, Chart, cached_chart, new_figure, style_axes
from forbetter.keydates.models import Kind
from forbetter.keydates.selectors import TimelineRow

MARKERS = {
    calc.State.CLOSED: ("o", PALETTE[5]),
    calc.State.PAST: ("o", PALETTE[5]),
    calc.State.REMINDER_DUE: ("D", PALETTE[1]),
    calc.State.UPCOMING: ("o", PALETTE[0]),
}


def summary(rows: Sequence[TimelineRow], today: dt.date) -> str:
    """The timeline in words: how many dates, over what span, the next one and reminders due."""
    if not rows:
        return "No key dates to show."
    first, last = rows[0].falls_on, rows[-1].falls_on
    derived = sum(1 for r in rows if r.derived)
    text = (
        f"{len(rows)} key date{'s' if len(rows) != 1 else ''} from {long_date(first)} to {long_date(last)}"
        + (f", {derived} of them derived from other records" if derived else "")
        + "."
    )
    upcoming = next((r for r in rows if r.is_next), None)
    if upcoming is not None:
        text += (
            f" The next is {upcoming.kind_label.lower()} “{upcoming.title}” "
            f"on {long_date(upcoming.falls_on)}."
        )
    else:
        text += f" None is open from {long_date(today)} on."
    due = [r for r in rows if r.state == calc.State.REMINDER_DUE]
    if due:
        text += f" {len(due)} reminder{'s are' if len(due) != 1 else ' is'} due now."
    return text


def timeline_chart(rows: Sequence[TimelineRow], today: dt.date, *, title: str) -> Chart:
    """The dates on a time axis, a row per kind present (in the kinds' order); a dashed line for today;
    diamonds for reminders due, grey for past or closed dates."""
    order = [value for value in Kind.values if any(r.kind == value for r in rows)]
    labels = [str(Kind(value).label) for value in order]
    points = [(r.falls_on.isoformat(), r.kind, r.state.value, r.is_next, r.derived) for r in rows]

    def draw() -> Figure:
        figure = new_figure(height=max(2.2, 0.45 * len(order) + 1.4))
        axes = figure.add_subplot()
        style_axes(axes)
        axes.grid(axis="x", color="#b1b4b6", linewidth=0.5)
        axes.grid(axis="y", visible=False)
        for row in rows:
            marker, colour = MARKERS[row.state]
            y = len(order) - 1 - order.index(row.kind)
            axes.plot(
                [date2num(row.falls_on)],
                [y],
                marker=marker,
                color=colour,
                markersize=8 if row.is_next else 6,
                markerfacecolor="white" if row.derived else colour,
                linestyle="none",
            )
        axes.axvline(date2num(today), color=PALETTE[2], linestyle="--", linewidth=1)
        axes.annotate("Today", (date2num(today), len(order) - 0.5), fontsize=8, color=PALETTE[2])
        axes.set_yticks(list(range(len(order)))[::-1], labels, fontsize=8)
        axes.set_ylim(-0.6, len(order) - 0.2)
        axes.xaxis_date()
        axes.tick_params(axis="x", labelsize=8)
        axes.set_title(title, loc="left", fontsize=11)
        return figure

    uri = cached_chart(["keydates", title, points, today.isoformat()], draw)
    table = [
        [
            long_date(r.falls_on),
            r.kind_label,
            r.title + (" (derived)" if r.derived else ""),
            r.state_label + (" (next)" if r.is_next else ""),
        ]
        for r in rows
    ]
    return Chart(title, summary(rows, today), uri, ["Date", "Kind", "What it is", "State"], table)
