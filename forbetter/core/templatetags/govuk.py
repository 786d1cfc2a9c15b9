"""Template helpers for GOV.UK patterns and money."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
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
    """Format a number of pounds: 1234567.8 -> '£1,234,568'; negative as '−£1,234'.

    The sign is decided after rounding, so zero, negative zero and amounts that round to zero (−0.4 to the
    pound) all show as £0, never "−£0".
    """
    if value is None or value == "":
        return "—"
    amount = Decimal(str(value))
    if not amount.is_finite():
        return "—"
    rounded = amount.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
    sign = "−" if rounded < 0 else ""
    return f"{sign}£{abs(rounded):,.{int(places)}f}"


# Units that say only "a count of things": the number alone says it, so the word is not appended.
PLAIN_UNITS = frozenset({"", "number", "numbers", "no.", "no", "count", "#"})


def plain_number(value: Any) -> str:
    """94.5000 -> '94.5', 100.0000 -> '100', 1234.5 -> '1,234.5', −0 -> '0'; None -> '—'."""
    if value is None or value == "":
        return "—"
    number = Decimal(str(value))
    if not number.is_finite():
        return "—"
    number = number.normalize()
    if number == 0:
        return "0"
    return f"{number:,f}".replace("-", "−")


@register.filter
def with_unit(value: Any, unit: str | None) -> str:
    """A value with its unit as people write it: '94.5%', '£1,200', '12 days', and '205.3' for a unit of
    "number" or "count" (a count needs no word after it)."""
    text = plain_number(value)
    if text == "—":
        return text
    clean = (unit or "").strip()
    if clean.lower() in PLAIN_UNITS:
        return text
    if clean == "%":
        return f"{text}%"
    if clean in ("£", "GBP", "gbp", "pounds"):
        return f"−£{text[1:]}" if text.startswith("−") else f"£{text}"
    return f"{text} {clean}"


@register.filter
def unit_suffix(unit: str | None) -> str:
    """' (days)' for a column heading, or '' for a unit that is only "number" or "count"."""
    clean = (unit or "").strip()
    return "" if clean.lower() in PLAIN_UNITS else f" ({clean})"


@register.filter
def percent(value: Any, places: int = 0) -> str:
    """Format a fraction as a percentage: 0.246 -> '25%'."""
    if value is None or value == "":
        return "—"
    share = (Decimal(str(value)) * 100).quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
    if share == 0:
        share = abs(share)
    return f"{share:.{int(places)}f}%"


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


@register.simple_tag(takes_context=True)
def query_with_page(context: dict[str, Any], number: int, param: str = "page") -> str:
    """The current query string with the page parameter ``param`` set to ``number``: a page showing two
    paged tables names each table's page differently (``inputs_page``, ``tornado_page``)."""
    return query_with(context, **{param or "page": number})


@register.filter
def page_window(page: Any) -> list[int | None]:
    """The page numbers a GOV.UK pagination shows: the first, the last and two either side of the current
    one, with None where numbers are left out (an ellipsis). A list of thousands of pages stays a handful
    of links (DESIGN section 7)."""
    last = page.paginator.num_pages
    shown = sorted({1, last, *range(max(1, page.number - 2), min(last, page.number + 2) + 1)})
    window: list[int | None] = []
    for number in shown:
        if window and window[-1] is not None and number - window[-1] > 1:
            window.append(None)
        window.append(number)
    return window


@register.inclusion_tag("core/export_links.html", takes_context=True)
def export_links(context: dict[str, Any], param: str = "page", label: str = "") -> dict[str, Any]:
    """Links to export the whole list, as filtered, in each format (:mod:`forbetter.core.exports`): the
    current query string without its page, with ``export`` (and ``list`` on a page of two lists)."""
    from forbetter.core.export_writers import FORMAT_NAMES

    params = context["request"].GET.copy()
    for key in ("page", param, "export", "list"):
        params.pop(key, None)
    links = []
    for fmt, name in FORMAT_NAMES.items():
        params["export"] = fmt
        if param and param != "page":
            params["list"] = param
        links.append({"href": f"?{params.urlencode()}", "name": name})
    return {"links": links, "label": label}
