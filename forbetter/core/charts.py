"""Charts drawn on the server as SVG with matplotlib, shown as images with their data table beside them.

Each chart is an :class:`Chart`: a title, a plain-English summary (also the image's alt text), the SVG as
a ``data:`` URI (so it works without JavaScript, under the page's content security policy, and in print)
and the table of the numbers it draws. Rendering is cached by the chart's inputs.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib

matplotlib.use("svg")

from matplotlib.figure import Figure

PALETTE = ["#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#505a5f", "#b58840", "#28a197"]
_CACHE: OrderedDict[str, str] = OrderedDict()
_CACHE_SIZE = 256


@dataclass(frozen=True)
class Chart:
    title: str
    summary: str
    data_uri: str
    columns: Sequence[str] = field(default_factory=tuple)
    rows: Sequence[Sequence[Any]] = field(default_factory=tuple)


def new_figure(*, width: float = 7.5, height: float = 3.6) -> Figure:
    """A figure in the house style: GOV.UK-ish colours, Arial-like font, no chart junk."""
    figure = Figure(figsize=(width, height), dpi=100)
    figure.set_layout_engine("tight")
    return figure


def style_axes(axes: Any) -> None:
    axes.spines["top"].set_visible(False)
    axes.spines["right"].set_visible(False)
    axes.grid(axis="y", color="#b1b4b6", linewidth=0.5)
    axes.set_axisbelow(True)


def figure_to_data_uri(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def cached_chart(key_parts: Any, draw: Callable[[], Figure]) -> str:
    """The chart's data URI, drawn once per distinct input (the key must capture every input)."""
    key = hashlib.sha256(json.dumps(key_parts, sort_keys=True, default=str).encode()).hexdigest()
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    uri = figure_to_data_uri(draw())
    _CACHE[key] = uri
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return uri


def line_chart(
    *,
    title: str,
    summary: str,
    x_labels: Sequence[str],
    series: dict[str, Sequence[float | None]],
    y_label: str = "",
    reference_lines: dict[str, float] | None = None,
) -> Chart:
    """Lines over a shared x axis, with optional horizontal reference lines (targets, thresholds)."""
    reference_lines = reference_lines or {}

    def draw() -> Figure:
        figure = new_figure()
        axes = figure.add_subplot()
        style_axes(axes)
        positions = list(range(len(x_labels)))
        for index, (name, values) in enumerate(series.items()):
            points = [(x, v) for x, v in zip(positions, values, strict=True) if v is not None]
            axes.plot([p[0] for p in points], [p[1] for p in points], label=name, color=PALETTE[index % 8])
        for index, (name, value) in enumerate(reference_lines.items()):
            axes.axhline(value, label=name, color=PALETTE[(index + 1) % 8], linestyle="--", linewidth=1)
        step = max(1, len(x_labels) // 12)
        axes.set_xticks(positions[::step], [x_labels[i] for i in positions[::step]], rotation=45, ha="right")
        axes.set_ylabel(y_label)
        axes.set_title(title, loc="left", fontsize=11)
        if len(series) + len(reference_lines) > 1:
            axes.legend(frameon=False, fontsize=8)
        return figure

    uri = cached_chart(["line", title, list(x_labels), series, y_label, reference_lines], draw)
    columns = ["", *series.keys()]
    rows = [[label, *[values[i] for values in series.values()]] for i, label in enumerate(x_labels)]
    return Chart(title, summary, uri, columns, rows)


def bar_chart(
    *,
    title: str,
    summary: str,
    labels: Sequence[str],
    values: Sequence[float],
    value_label: str = "",
    horizontal: bool = False,
) -> Chart:
    def draw() -> Figure:
        figure = new_figure(height=max(2.5, 0.35 * len(labels) + 1) if horizontal else 3.6)
        axes = figure.add_subplot()
        style_axes(axes)
        if horizontal:
            axes.barh(list(labels)[::-1], list(values)[::-1], color=PALETTE[0])
            axes.set_xlabel(value_label)
        else:
            axes.bar(list(labels), list(values), color=PALETTE[0])
            axes.set_ylabel(value_label)
            axes.tick_params(axis="x", rotation=30)
        axes.set_title(title, loc="left", fontsize=11)
        return figure

    uri = cached_chart(["bar", title, list(labels), list(values), value_label, horizontal], draw)
    rows = [[label, value] for label, value in zip(labels, values, strict=True)]
    return Chart(title, summary, uri, ["", value_label or "Value"], rows)
