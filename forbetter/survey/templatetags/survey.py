"""Template filters of the survey pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def signed(value: float | None) -> str:
    """A gap or a change with its sign, to two places: "+1.60", "−0.40", "0.00"."""
    if value is None:
        return ""
    if round(value, 2) == 0:
        return "0.00"
    return f"+{value:.2f}" if value > 0 else f"−{abs(value):.2f}"
