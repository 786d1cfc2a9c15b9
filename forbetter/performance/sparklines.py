"""Coordinates for the tiny trend lines on the KPI dashboard, drawn by a template as inline SVG.

Only the geometry is worked out here; the figures a sparkline shows are the validated values themselves,
listed in words beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT, PAD = 120, 28, 3


@dataclass(frozen=True)
class Sparkline:
    points: str
    target_y: float | None
    last_x: float
    last_y: float
    width: int = WIDTH
    height: int = HEIGHT


def sparkline(values: Sequence[Decimal], *, target: Decimal | None = None) -> Sparkline | None:
    """SVG polyline points (oldest first) scaled to the box, with the target's height if it fits."""
    if len(values) < 2:
        return None
    numbers = [float(v) for v in values]
    scale = numbers + ([float(target)] if target is not None else [])
    low, high = min(scale), max(scale)
    span = (high - low) or 1.0
    step = (WIDTH - 2 * PAD) / (len(numbers) - 1)

    def y(value: float) -> float:
        return round(HEIGHT - PAD - (value - low) / span * (HEIGHT - 2 * PAD), 1)

    coordinates = [(round(PAD + i * step, 1), y(v)) for i, v in enumerate(numbers)]
    return Sparkline(
        points=" ".join(f"{x},{yy}" for x, yy in coordinates),
        target_y=y(float(target)) if target is not None else None,
        last_x=coordinates[-1][0],
        last_y=coordinates[-1][1],
    )
