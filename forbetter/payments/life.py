"""What the partnership has actually cost through its payment mechanism, for the value-for-money-over-the-life
page (:mod:`forbetter.core.life`): the monthly charges of approved statements, the deductions taken from them
(a negative cost) and the council's gainshare (its share of the partner's savings, a negative cost; its share
of an overrun, a cost). Draft statements are not counted: they are not paid yet. Three queries."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.urls import reverse

from forbetter.calc.dates import financial_year
from forbetter.core.life import LifeActual
from forbetter.partnerships.models import Partnership
from forbetter.payments.models import PaymentStatement, StatementStatus
from forbetter.payments.selectors import gainshare_lines, mechanism_of


def _add(target: dict[int, Decimal], year: int, amount: Decimal) -> None:
    target[year] = target.get(year, Decimal(0)) + amount


def life_actuals(partnership: object) -> Iterator[LifeActual]:
    assert isinstance(partnership, Partnership)
    statements = list(
        PaymentStatement.objects.filter(partnership=partnership, status=StatementStatus.APPROVED)
        .order_by("month")
        .values_list("month", "charge_gbp", "deduction_gbp", "adjustment_total_gbp")
    )
    url = reverse("payments:statements", args=[partnership.pk])
    mechanism = mechanism_of(partnership)
    if statements:
        charges: dict[int, Decimal] = {}
        deductions: dict[int, Decimal] = {}
        for month, charge, deduction, adjustments in statements:
            year = financial_year(month)
            _add(charges, year, charge or Decimal(0))
            _add(deductions, year, -((deduction or Decimal(0)) + (adjustments or Decimal(0))))
        span = f"{statements[0][0]:%B %Y} to {statements[-1][0]:%B %Y}"
        changes = (
            tuple(
                f"The monthly charge changed to £{change.monthly_charge_gbp:,.0f} from "
                f"{change.effective_from:%B %Y} ({change.reason})."
                for change in mechanism.charge_changes.all()
            )
            if mechanism is not None
            else ()
        )
        indexed = (
            f" {mechanism.indexed_share:.0%} of the charge is uprated by "
            f"{mechanism.index_name or 'the index'}, so the charge rises with it."
            if mechanism is not None and mechanism.indexed_share
            else ""
        )
        yield LifeActual(
            label="Monthly charges paid",
            kind="cost",
            category="operating",
            by_year=charges,
            explanation=f"The charge of each of the {len(statements)} approved monthly payment statements, "
            f"{span}, before deductions.{indexed}",
            source_url=url,
            notes=changes,
        )
        yield LifeActual(
            label="Deductions for performance failures",
            kind="cost",
            category="operating",
            by_year=deductions,
            explanation="Deductions for KPI failures in the approved statements, with later adjustments for "
            "failures found after a month was frozen: they lower what was paid.",
            source_url=url,
        )
    if mechanism is not None:
        gainshare: dict[int, Decimal] = {}
        for line in gainshare_lines(mechanism):
            if line.result is not None:
                _add(gainshare, line.year.year, -Decimal(str(round(line.result.split.council_gbp, 2))))
        if gainshare:
            yield LifeActual(
                label="Gainshare",
                kind="cost",
                category="operating",
                by_year=gainshare,
                explanation="The council's share of the partner's savings against the gainshare baseline "
                "(lowers the cost), or of an overrun it bears (adds to it), year by year from the open-book "
                "actual cost.",
                source_url=reverse("payments:mechanism", args=[partnership.pk]),
            )
