"""Template helpers for GOV.UK patterns and money."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.forms import BoundField

register = template.Library()


@register.filter
def widget_type(bound_field: BoundField) -> str:
    """The field's widget kind: 'radioselect', 'checkboxselectmultiple', 'checkbox', 'select', 'text'..."""
    return bound_field.widget_type


@register.filter
def gbp(value: Any, places: int = 0) -> str:
    """Format a number of pounds: 1234567.8 -> '£1,234,568'; negative as '−£1,234'."""
    if value is None or value == "":
        return "—"
    amount = Decimal(str(value))
    sign = "−" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.{int(places)}f}"


@register.filter
def percent(value: Any, places: int = 0) -> str:
    """Format a fraction as a percentage: 0.246 -> '25%'."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(str(value)) * 100:.{int(places)}f}%"


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (for pagination and filter links)."""
    request = context["request"]
    params = request.GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
