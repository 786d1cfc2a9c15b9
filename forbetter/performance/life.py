"""The benefits the partnership has realised, for the value-for-money-over-the-life page
(:mod:`forbetter.core.life`): one line per benefit of the benefits register, its realised values by financial
year. A year planned but with no realised value yet is named in the line's notes (a benefit not yet realised).
Two queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.urls import reverse

from forbetter.calc.dates import financial_year
from forbetter.core.life import LifeActual
from forbetter.partnerships.models import Partnership
from forbetter.performance.models import Benefit


def life_actuals(partnership: object) -> Iterator[LifeActual]:
    assert isinstance(partnership, Partnership)
    current = financial_year(dt.date.today())
    for benefit in Benefit.objects.filter(partnership=partnership).prefetch_related("values"):
        realised: dict[int, Decimal] = {}
        missing: list[str] = []
        planned_to_date = Decimal(0)
        for value in benefit.values.all():
            if value.year > current:
                continue
            planned_to_date += value.planned_gbp
            if value.realised_gbp is not None:
                realised[value.year] = value.realised_gbp
            elif value.planned_gbp and value.year < current:
                missing.append(f"{value.year_label} (£{value.planned_gbp:,.0f} planned)")
        notes = (f"{benefit.name}: not yet realised in {', '.join(missing)}.",) if missing else ()
        total = sum(realised.values(), Decimal(0))
        yield LifeActual(
            label=benefit.name,
            kind="benefit",
            category="benefits",
            by_year=realised,
            explanation=f"{benefit.get_category_display()} from the benefits register: £{total:,.0f} "
            f"realised against £{planned_to_date:,.0f} planned in the register to date.",
            source_url=reverse("performance:benefit", args=[partnership.pk, benefit.pk]),
            notes=notes,
        )
