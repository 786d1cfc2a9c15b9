"""The value-for-money section of the board pack (:mod:`forbetter.core.pack`): the business case against the
actuals to date, year by year with the variance explained, and the market tests' saving or overpayment, from
the value pages' own selectors. Confidential to the council, like those pages."""

from __future__ import annotations

from forbetter.core.pack import PackSection
from forbetter.partnerships.models import Partnership
from forbetter.value import selectors


def pack_sections(partnership: Partnership, *, partner_view: bool) -> list[PackSection]:
    if partner_view:
        return []
    found = selectors.life_page(partnership)
    rows = selectors.category_rows(partnership)
    return [
        PackSection(
            key="value",
            title="Value for money over the life",
            order=41,
            template="value/pack/value.html",
            context={
                "found": found,
                "comparison": found.comparison,
                "market_rows": rows,
                "market_totals": selectors.market_totals(rows),
            },
            council_only=True,
        )
    ]
