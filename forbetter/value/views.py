"""Pages of value for money: the business case against the actuals over the life, and market testing.

Thin: each finds the partnership the user may see (404 otherwise), refuses partner users (403: the business
case and the market tests are confidential to the council), checks the editor's role for forms (403) and
hands writes to :mod:`services`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from forbetter.core import exports
from forbetter.core.history import history_of
from forbetter.partnerships import view_helpers
from forbetter.partnerships.models import Partnership
from forbetter.partnerships.view_helpers import partnership_page, save_form, visible_partnership
from forbetter.value import charts, selectors, services
from forbetter.value.forms import CategoryForm, MarketTestForm
from forbetter.value.models import MarketTest, PurchasingCategory

SECTION = "value"
CONFIDENTIAL = "Value for money is confidential to the council: it judges the partner's prices and costs"
EDIT_REFUSED = "Your role can read the market tests but not change them"


def _partnership(request: HttpRequest, pk: int) -> Partnership:
    partnership = visible_partnership(request, pk)
    view_helpers.require_confidential(request, CONFIDENTIAL)
    return partnership


def _editable(request: HttpRequest, pk: int) -> Partnership:
    partnership = _partnership(request, pk)
    view_helpers.require_edit(request, EDIT_REFUSED)
    return partnership


def page(
    request: HttpRequest, template: str, partnership: Partnership, value_section: str, **context: Any
) -> HttpResponse:
    return partnership_page(request, template, partnership, SECTION, value_section=value_section, **context)


def life(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    found = selectors.life_page(partnership)
    return page(
        request,
        "value/life.html",
        partnership,
        "life",
        found=found,
        comparison=found.comparison,
        chart=charts.cumulative_cost_chart(found.comparison) if found.comparison.years else None,
    )


def market(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    rows = selectors.category_rows(partnership)
    exports.offer(request, rows)
    return page(
        request,
        "value/market.html",
        partnership,
        "market",
        rows=rows,
        totals=selectors.market_totals(rows),
    )


def category(request: HttpRequest, pk: int, category_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    found = get_object_or_404(selectors.categories(partnership), pk=category_pk)
    return page(
        request,
        "value/category.html",
        partnership,
        "market",
        category=found,
        tests=[selectors.market_test_row(test, found) for test in found.tests.all()],
        history=history_of(found),
    )


def category_form(request: HttpRequest, pk: int, category_pk: int | None = None) -> HttpResponse:
    partnership = _editable(request, pk)
    found = (
        get_object_or_404(PurchasingCategory, partnership=partnership, pk=category_pk)
        if category_pk is not None
        else None
    )
    form = CategoryForm(request.POST or None, instance=found)
    written = save_form(
        request,
        form,
        lambda data: services.category_save(
            user=request.user, partnership=partnership, category=found, data=data
        ),
        success="Purchasing category saved" if found else "Purchasing category added",
    )
    if written:
        saved = found or PurchasingCategory.objects.get(
            partnership=partnership, name=form.cleaned_data["name"].strip()
        )
        return redirect("value:category", pk=partnership.pk, category_pk=saved.pk)
    return page(
        request,
        "value/form.html",
        partnership,
        "market",
        form=form,
        title="Change the purchasing category" if found else "Add a purchasing category",
        intro="Something the partner buys on the council's behalf, with what the council pays for it and "
        "how much it buys a year.",
        button="Save the category",
        cancel_url=(
            reverse("value:category", args=[partnership.pk, found.pk])
            if found
            else reverse("value:market", args=[partnership.pk])
        ),
        history=history_of(found) if found else None,
    )


def market_test_form(
    request: HttpRequest, pk: int, category_pk: int, test_pk: int | None = None
) -> HttpResponse:
    partnership = _editable(request, pk)
    found = get_object_or_404(PurchasingCategory, partnership=partnership, pk=category_pk)
    test = get_object_or_404(MarketTest, category=found, pk=test_pk) if test_pk is not None else None
    form = MarketTestForm(request.POST or None, instance=test)
    if save_form(
        request,
        form,
        lambda data: services.market_test_save(user=request.user, category=found, test=test, data=data),
        success="Market test saved" if test else "Market test recorded",
    ):
        return redirect("value:category", pk=partnership.pk, category_pk=found.pk)
    return page(
        request,
        "value/form.html",
        partnership,
        "market",
        form=form,
        title=f"{'Change the' if test else 'Record a'} market test of {found.name}",
        intro=f"The partner's price per {found.unit} against prices from the market. The saving or "
        f"overpayment a year is the difference per {found.unit} times {found.annual_volume.normalize():,f} "
        f"{found.unit}s a year.",
        button="Save the market test",
        cancel_url=reverse("value:category", args=[partnership.pk, found.pk]),
        history=history_of(test) if test else None,
    )
