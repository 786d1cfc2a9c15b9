"""Demo records of the procurement area's incentives part, on the procurement-stage partnership: KPIs in
negotiation (two proposed, two negotiated, one agreed), priced offers from Corvane and Meridian in round 2
(twelve years; Corvane also prices ten), the payment mechanisms Corvane and Meridian propose (simulated on
the mechanisms page), and business-case versions built from the preferred bid (Corvane's twelve- and
ten-year offers), each cited as evidence by the procurement stage's tasks. Idempotent: nothing is added if
the partnership already has priced offers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType

from forbetter.partnerships import services as partnership_services
from forbetter.partnerships.models import Partnership
from forbetter.performance import services as performance
from forbetter.performance.models import Kpi, KpiAgreement
from forbetter.procurement.incentives import services
from forbetter.procurement.models import PricedOffer, PricingType

MILLION = Decimal(1_000_000)

# reference, name, unit, direction, target, failure threshold, severity points, agreement state reached
KPIS = (
    ("SS-01", "Payslips paid accurately and on time", "%", "higher", 99.5, 99.0, 10, KpiAgreement.AGREED),
    ("SS-02", "Supplier invoices paid within 30 days", "%", "higher", 95, 90, 8, KpiAgreement.NEGOTIATED),
    ("SS-03", "Calls answered within 60 seconds", "%", "higher", 85, 75, 6, KpiAgreement.NEGOTIATED),
    ("SS-04", "Benefit claims decided within 20 days", "%", "higher", 90, 80, 10, KpiAgreement.PROPOSED),
    ("SS-05", "Residents satisfied with the contact centre", "%", "higher", 80, 70, 4, KpiAgreement.PROPOSED),
)

# bidder, years, yearly charges (£m, real), one-off costs (£m)
OFFERS = (
    ("corvane", 12, [12.9, 12.6, 12.2, 11.9, 11.8, 11.8, 11.7, 11.7, 11.7, 11.7, 11.7, 11.7], 1.4),
    ("corvane", 10, [13.0, 12.7, 12.4, 12.1, 12.0, 12.0, 11.9, 11.9, 11.9, 11.9], 1.4),
    ("meridian", 12, [11.2, 11.0, 10.9, 10.8, 10.6, 10.6, 10.6, 10.6, 10.6, 10.6, 10.6, 10.6], 1.1),
)

MECHANISMS: dict[str, dict[str, Any]] = {
    "corvane": {
        "pricing_type": PricingType.FIXED_PRICE,
        "monthly_charge_gbp": Decimal(996_000),
        "indexed_share": Decimal("0.6"),
        "points_threshold": 20,
        "point_value_gbp": Decimal(400),
        "cap": Decimal("0.08"),
        "notes": "Fixed annual price; deductions for failures above 20 points a month, capped at 8%.",
        "bands": [
            {"from_point": 21, "to_point": 100, "multiplier": Decimal("1.0")},
            {"from_point": 101, "to_point": None, "multiplier": Decimal("1.5")},
        ],
    },
    "meridian": {
        "pricing_type": PricingType.GAINSHARE_LED,
        "monthly_charge_gbp": Decimal(894_000),
        "indexed_share": Decimal("0.5"),
        "points_threshold": 40,
        "point_value_gbp": Decimal(500),
        "cap": Decimal("0.02"),
        "notes": "Savings against the baseline shared 50:50; a generous threshold, a high value a point, "
        "but deductions capped at 2% of the month's charge.",
        "bands": [{"from_point": 41, "to_point": None, "multiplier": Decimal("1.0")}],
    },
}

REASON_12 = (
    "Round 2 detailed solutions: the preferred bidder's twelve-year prices, appraised against the public "
    "sector comparator before final tenders"
)
REASON_10 = "Contract length: Corvane's ten-year prices, to weigh ten years against twelve"


def seed(
    people: dict[str, Any], partnerships_by_name: dict[str, Partnership], *, today: dt.date | None = None
) -> None:
    """Seed this part's demo records where they are missing (idempotent)."""
    from forbetter.demo.procurement import CORVANE, MERIDIAN, competition, procurement_partnership

    partnership = procurement_partnership(partnerships_by_name)
    if partnership is None or PricedOffer.objects.filter(partnership=partnership).exists():
        return
    today = today or dt.date.today()
    editor = people["editor@ashcombe.example"]
    found = competition(partnership, today=today)
    bidders = {"corvane": found.bidders[CORVANE], "meridian": found.bidders[MERIDIAN]}
    second = found.rounds[1]
    kpis = _kpis(partnership, editor, today)
    offers = {}
    for key, years, charges, one_off in OFFERS:
        offers[(key, years)] = services.offer_save(
            user=editor,
            partnership=partnership,
            data={
                "bidder": bidders[key],
                "round": second,
                "contract_years": years,
                "prices": "real",
                "one_off_costs_gbp": Decimal(str(one_off)) * MILLION,
                "notes": "Priced at round 2 (detailed solutions), in 2026/27 prices.",
            },
            charges=[Decimal(str(c)) * MILLION for c in charges],
        )
    mechanisms = [
        services.mechanism_save(
            user=editor,
            partnership=partnership,
            data={"bidder": bidders[key], **{k: v for k, v in terms.items() if k != "bands"}},
            bands=list(terms["bands"]),
        )
        for key, terms in MECHANISMS.items()
    ]
    twelve, _ = services.offer_to_business_case(user=editor, offer=offers[("corvane", 12)], reason=REASON_12)
    ten, _ = services.offer_to_business_case(user=editor, offer=offers[("corvane", 10)], reason=REASON_10)
    _cite(
        editor,
        partnership,
        {"P-VFM-2": [twelve], "P-FLX-1": [twelve, ten], "P-INC-2": mechanisms, "P-PM-2": kpis},
    )


def _kpis(partnership: Partnership, editor: Any, today: dt.date) -> list[Kpi]:
    start = (partnership.planned_start_on or today + relativedelta(months=7)).replace(day=1)
    created = []
    for reference, name, unit, direction, target, threshold, points, state in KPIS:
        kpi = Kpi.objects.filter(partnership=partnership, reference=reference).first()
        if kpi is None:
            kpi = performance.kpi_create(
                user=editor,
                partnership=partnership,
                data={
                    "reference": reference,
                    "name": name,
                    "definition": f"{name}, as the output specification defines it.",
                    "measurement_method": "From the partner's case management system, checked by the council",
                    "measured_by": "Partner, validated by the council's client team",
                    "unit": unit,
                    "direction": direction,
                    "kpi_type": "outcome",
                    "target": Decimal(str(target)),
                    "failure_threshold": Decimal(str(threshold)),
                    "frequency": "monthly",
                    "first_period": start,
                    "severity_points": points,
                },
            )
        order = (KpiAgreement.PROPOSED, KpiAgreement.NEGOTIATED, KpiAgreement.AGREED)
        while order.index(KpiAgreement(kpi.agreement)) < order.index(state):
            following = order[order.index(KpiAgreement(kpi.agreement)) + 1]
            kpi = performance.kpi_agreement_move(user=editor, kpi=kpi, to=following)
        created.append(kpi)
    return created


def _cite(editor: Any, partnership: Partnership, links: dict[str, list[Any]]) -> None:
    for code, records in links.items():
        task = partnership.tasks.filter(action__code=code).first()
        if task is None:
            continue
        for record in records:
            key = f"{ContentType.objects.get_for_model(record).pk}:{record.pk}"
            partnership_services.evidence_link_add(user=editor, task=task, record_key=key)
