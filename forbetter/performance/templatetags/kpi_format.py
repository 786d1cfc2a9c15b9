"""Template filters for KPI values: plain numbers without trailing zeros or exponent notation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def num(value: Any) -> str:
    """94.5000 -> '94.5', 100.0000 -> '100', 1234.5 -> '1,234.5'; None -> '—'."""
    if value is None or value == "":
        return "—"
    number = Decimal(str(value)).normalize()
    text = f"{number:,f}"
    return "0" if text in ("-0", "") else text
