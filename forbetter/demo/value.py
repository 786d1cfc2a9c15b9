"""Demo value-for-money records for the highways and property partnership (contract management).

- Its business case, which it lacked: the full business case approved before contract award, frozen, with
  base year the financial year the service started. The strategic partnership option covers every financial
  year of the twelve-year term: the contract charge at the payment mechanism's £2m a month (real, base-year
  prices), the client-side team, and the benefits profile of the benefits register (cash); the in-house
  comparator runs the services at £27.5m a year. So the value-for-money page compares four years of
  approved statements, deductions, gainshare and realised benefits with it.
- Two purchasing categories the partner buys for the council, each with a market test: road surfacing
  materials bought above the market (an overpayment), LED lanterns bought below it (a saving). Framework
  action C-VFM-4 then cites them (``reconcile_tasks``).

Fictional, fixed, written through the services and created only when missing, so seeding twice changes
nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta

from forbetter.appraisal import services as appraisal_services
from forbetter.appraisal.models import BusinessCase, LineCategory, OptionKind, PriceBase
from forbetter.calc.dates import financial_year
from forbetter.demo.partnerships import CONTRACT_MANAGEMENT
from forbetter.demo.performance import BENEFITS
from forbetter.partnerships.models import Partnership
from forbetter.value import services
from forbetter.value.models import PurchasingCategory

CASE_TITLE = "Highways and property full business case"
FREEZE_REASON = "Full business case approved by Cabinet before contract award"
MONTHLY_CHARGE = Decimal(2_000_000)
CLIENT_SIDE = Decimal(650_000)
COMPARATOR = Decimal(27_500_000)
DEFLATOR = Decimal("0.02")

CATEGORIES = [
    {
        "name": "Road surfacing materials",
        "description": "Asphalt and surface dressing bought by the partner for the council's resurfacing "
        "programme, recharged at cost plus the agreed handling fee.",
        "annual_spend_gbp": Decimal(696_000),
        "unit": "tonne",
        "annual_volume": Decimal(12_000),
        "test": {
            "months_ago": 5,
            "method": "quotes",
            "partner_price_gbp": Decimal("58.00"),
            "comparator": "lowest",
            "quotes": "Tarmac: 55.10\nBreedon Group: 57.40\nAggregate Industries: 60.20",
            "findings": "The partner pays more than the lowest of three quotes for the same specification. "
            "Raised at the operational board: the partner to re-tender its supply agreement at renewal.",
        },
    },
    {
        "name": "LED street lighting lanterns",
        "description": "Replacement LED lanterns for the street lighting renewal programme.",
        "annual_spend_gbp": Decimal(381_600),
        "unit": "lantern",
        "annual_volume": Decimal(1_800),
        "test": {
            "months_ago": 2,
            "method": "benchmark",
            "partner_price_gbp": Decimal("212.00"),
            "comparator": "median",
            "quotes": "Urbis Schreder: 228.50\nThorn Lighting: 235.00\nDW Windsor: 241.75\nHolophane: 219.90",
            "findings": "The partner's group purchasing agreement beats the benchmark prices of four "
            "other councils' suppliers.",
        },
    },
]


def seed(people: dict[str, Any], partnerships_by_name: dict[str, Partnership]) -> None:
    partnership = partnerships_by_name.get(CONTRACT_MANAGEMENT)
    if partnership is None:
        return
    _business_case(people, partnership)
    _market_tests(people, partnership)


def _months_by_year(first: dt.date, months: int) -> dict[int, int]:
    counted: dict[int, int] = {}
    for step in range(months):
        year = financial_year(first + relativedelta(months=step))
        counted[year] = counted.get(year, 0) + 1
    return counted


def _business_case(people: dict[str, Any], partnership: Partnership) -> None:
    if BusinessCase.objects.filter(partnership=partnership).exists():
        return
    mechanism = getattr(partnership, "payment_mechanism", None)
    if mechanism is None or partnership.planned_start_on is None:
        return
    editor = people["editor@ashcombe.example"]
    finance = people["fatima.begum@ashcombe.example"]
    first = mechanism.effective_from
    term = partnership.term_years or 12
    months = _months_by_year(first, term * 12)
    base = min(months)
    years = max(months) - base + 1
    case = appraisal_services.business_case_create(
        user=editor, partnership=partnership, title=CASE_TITLE, price_base_year=base
    )
    version = case.versions.get(number=1)
    appraisal_services.version_update_settings(
        user=editor,
        version=version,
        price_base_year=base,
        discount_schedule="standard",
        discount_rate=None,
        deflator_rates=[DEFLATOR] * (years - 1),
        budget_prices=PriceBase.REAL,
        budget_gbp=[(COMPARATOR * months.get(base + t, 0) / 12).quantize(Decimal(1)) for t in range(years)],
        change_note="",
    )
    appraisal_services.version_set_risk_settings(
        user=editor,
        version=version,
        data={
            "include_register_risks": False,
            "risk_note": "Risks priced in the bidders' charges and the client-side contingency before the "
            "register was quantified.",
        },
    )
    comparator = appraisal_services.option_create(
        user=editor,
        version=version,
        data={
            "name": "In-house improved (public sector comparator)",
            "kind": OptionKind.PUBLIC_SECTOR_COMPARATOR,
            "description": "The council runs highways and its estate itself, improved to the specification.",
            "years": years,
            "optimism_bias_category": "",
        },
    )
    ssp = appraisal_services.option_create(
        user=editor,
        version=version,
        data={
            "name": "Joint venture with a partner (SSP)",
            "kind": OptionKind.SSP,
            "description": "A joint-venture company with the partner delivers the services for twelve years.",
            "years": years,
            "optimism_bias_category": "",
        },
    )
    start = financial_year(first)
    benefits = [
        sum(
            (
                Decimal(round(yearly * min(1.0, 0.5 + 0.25 * (base + t - start)), -3))
                for _, _, yearly, _ in BENEFITS
            ),
            Decimal(0),
        )
        for t in range(years)
    ]
    lines = [
        (
            comparator,
            "Operating cost, improved to the specification",
            LineCategory.OPERATING,
            PriceBase.REAL,
            [COMPARATOR * months.get(base + t, 0) / 12 for t in range(years)],
        ),
        (
            ssp,
            "Contract charge",
            LineCategory.OPERATING,
            PriceBase.REAL,
            [MONTHLY_CHARGE * months.get(base + t, 0) for t in range(years)],
        ),
        (
            ssp,
            "Client-side contract management",
            LineCategory.CLIENT_SIDE,
            PriceBase.REAL,
            [CLIENT_SIDE * months.get(base + t, 0) / 12 for t in range(years)],
        ),
        (ssp, "Benefits profile (register)", LineCategory.BENEFITS, PriceBase.NOMINAL, benefits),
    ]
    for option, label, category, prices, values in lines:
        appraisal_services.line_create(
            user=editor,
            option=option,
            data={"label": label, "category": category, "prices": prices},
            values=[value.quantize(Decimal("0.01")) for value in values],
        )
    appraisal_services.version_freeze(user=finance, version=version, reason=FREEZE_REASON)


def _market_tests(people: dict[str, Any], partnership: Partnership) -> None:
    if PurchasingCategory.objects.filter(partnership=partnership).exists():
        return
    editor = people["editor@ashcombe.example"]
    today = dt.date.today()
    for spec in CATEGORIES:
        test = dict(spec["test"])  # type: ignore[call-overload]
        category = services.category_save(
            user=editor,
            partnership=partnership,
            data={key: value for key, value in spec.items() if key != "test"},
        )
        months_ago = test.pop("months_ago")
        services.market_test_save(
            user=editor,
            category=category,
            data={**test, "tested_on": today - relativedelta(months=months_ago)},
        )
