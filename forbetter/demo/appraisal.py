"""The initiation-stage partnership's business case: service baselines, and two versions of an options
appraisal (the outline business case approved by Cabinet, then the bundle without customer services).

All figures are fictional but of a realistic size for a county council's corporate services (about £21m a
year). Amounts are in pounds; 'm' below means million. Idempotent: nothing is added if the partnership
already has a business case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from forbetter.appraisal import services
from forbetter.appraisal.models import (
    AppraisalOption,
    BusinessCase,
    BusinessCaseVersion,
    LineCategory,
    MeasureKind,
    OptionKind,
    PriceBase,
    ServiceBaseline,
)
from forbetter.demo.partnerships import INITIATION, PROCUREMENT
from forbetter.partnerships import services as partnership_services
from forbetter.partnerships.models import Partnership, ServiceArea

YEARS = 10
SHARED_YEARS = 12
BASE_YEAR = 2026
AS_AT = dt.date(2026, 3, 31)
FREEZE_V1 = "Outline business case approved by Cabinet"
CHANGE_V2 = "Bundle changed: customer services removed at soft market testing"


def _m(*values: float) -> list[Decimal]:
    """Millions of pounds to pounds, to the nearest £1,000."""
    return [Decimal(round(v * 1000)) * 1000 for v in values]


def _pad(values: list[float], years: int) -> list[float]:
    return values + [values[-1]] * (years - len(values))


@dataclass(frozen=True)
class Measure:
    kind: str
    name: str
    value: str
    unit: str


BASELINES: dict[str, tuple[float, str, list[Measure]]] = {
    "Information technology": (
        7.4,
        "2025/26 revenue outturn, IT cost centres, plus the share of support costs",
        [
            Measure(MeasureKind.VOLUME, "Service desk tickets", "48000", "tickets a year"),
            Measure(MeasureKind.UNIT_COST, "Cost per service desk ticket", "38.50", "£ per ticket"),
            Measure(MeasureKind.PERFORMANCE, "Tickets resolved at first contact", "68", "%"),
            Measure(MeasureKind.PERFORMANCE, "Core systems availability", "99.2", "%"),
        ],
    ),
    "Human resources and payroll": (
        2.9,
        "2025/26 revenue outturn, HR and payroll cost centres",
        [
            Measure(MeasureKind.VOLUME, "Payslips issued", "62400", "payslips a year"),
            Measure(MeasureKind.UNIT_COST, "Cost per payslip", "6.80", "£ per payslip"),
            Measure(MeasureKind.PERFORMANCE, "Payslips paid accurately and on time", "99.4", "%"),
        ],
    ),
    "Finance and accountancy": (
        3.6,
        "2025/26 revenue outturn, finance cost centres (excluding the s151 officer's team)",
        [
            Measure(MeasureKind.VOLUME, "Supplier invoices paid", "182000", "invoices a year"),
            Measure(MeasureKind.UNIT_COST, "Cost per invoice paid", "4.90", "£ per invoice"),
            Measure(MeasureKind.PERFORMANCE, "Invoices paid within 30 days", "91", "%"),
        ],
    ),
    "Revenues and benefits": (
        5.1,
        "2025/26 revenue outturn less government administration grant",
        [
            Measure(MeasureKind.VOLUME, "Council tax accounts", "236000", "accounts"),
            Measure(MeasureKind.UNIT_COST, "Cost per council tax account", "21.60", "£ per account"),
            Measure(MeasureKind.PERFORMANCE, "Council tax collected in year", "97.1", "%"),
            Measure(MeasureKind.PERFORMANCE, "Time to process a new benefit claim", "24", "days on average"),
        ],
    ),
    "Customer services": (
        2.3,
        "2025/26 revenue outturn, contact centre and reception",
        [
            Measure(MeasureKind.VOLUME, "Calls handled", "410000", "calls a year"),
            Measure(MeasureKind.UNIT_COST, "Cost per call handled", "5.60", "£ per call"),
            Measure(MeasureKind.PERFORMANCE, "Calls answered within 60 seconds", "74", "%"),
        ],
    ),
}

SSP_MITIGATION_V1 = [
    ("Complexity of contract structure", "0.2", "0.9"),
    ("Late contractor involvement in design", "0.1", "0.6"),
    ("Poor contractor capabilities", "0.25", "0.9"),
    ("Government guidelines and legislation", "0.15", "0.8"),
    ("Inadequacy of the business case", "0.2", "0.9"),
    ("Disputes and claims", "0.1", "0.7"),
]
COMPARATOR_MITIGATION = [
    ("Complexity of the systems and digital programme", "0.4", "0.85"),
    ("Degree of innovation", "0.35", "0.8"),
    ("Inadequacy of the business case", "0.25", "0.6"),
]


@dataclass(frozen=True)
class LineSpec:
    label: str
    category: str
    values: list[float]
    prices: str = PriceBase.REAL
    optimism_bias: bool = False


OptionSpec = tuple[dict[str, Any], list[LineSpec], list[tuple[str, str, str]]]


def _options_v1() -> list[OptionSpec]:
    """Four options of the outline business case: (option data, lines in £m, mitigation rows)."""
    as_now: OptionSpec = (
        {
            "name": "In-house as now",
            "kind": OptionKind.IN_HOUSE_AS_NOW,
            "description": "The council keeps running the services as they are today.",
            "years": YEARS,
            "optimism_bias_category": "",
        },
        [
            LineSpec(
                "Systems refresh", LineCategory.CAPITAL, [0.3, 2.4, 0.6, 0.2, 0.2, 2.8, 0.6, 0.2, 0.2, 2.2]
            ),
            LineSpec("Corporate management of the services", LineCategory.CLIENT_SIDE, [0.35] * YEARS),
            LineSpec("Legacy systems failure (priced risk)", LineCategory.RISK, [0.3] * YEARS),
        ],
        [],
    )
    comparator: OptionSpec = (
        {
            "name": "In-house improved (public sector comparator)",
            "kind": OptionKind.PUBLIC_SECTOR_COMPARATOR,
            "description": "The council's own service transformed to meet the future outcome specification: "
            "digital channels, a new ERP system and a leaner structure.",
            "years": YEARS,
            "optimism_bias_category": "equipment_development",
        },
        [
            LineSpec(
                "Operating cost, improved to the future specification",
                LineCategory.OPERATING,
                [21.3, 21.0, 20.2, 19.4, 18.9, 18.7, 18.6, 18.5, 18.5, 18.5],
            ),
            LineSpec(
                "Investment in systems and digital channels",
                LineCategory.CAPITAL,
                [2.6, 3.1, 1.0, 0.3, 0.3, 0.9, 0.3, 0.3, 0.3, 0.9],
                optimism_bias=True,
            ),
            LineSpec(
                "Restructuring and redundancy", LineCategory.TRANSITION, [0.7, 1.1, 0.4, 0, 0, 0, 0, 0, 0, 0]
            ),
            LineSpec("Procurement of the new systems", LineCategory.PROCUREMENT, [0.35, 0.15] + [0] * 8),
            LineSpec(
                "Programme and change management", LineCategory.CLIENT_SIDE, [0.6, 0.6, 0.45] + [0.35] * 7
            ),
            LineSpec(
                "Improvement programme delivery risk (priced)",
                LineCategory.RISK,
                [0.25, 0.3, 0.2] + [0.1] * 7,
            ),
            LineSpec(
                "Better services for residents (valued)", LineCategory.BENEFITS, [0, 0.3, 0.6] + [0.9] * 7
            ),
        ],
        COMPARATOR_MITIGATION,
    )
    ssp: OptionSpec = (
        {
            "name": "Strategic partnership (SSP)",
            "kind": OptionKind.SSP,
            "description": "A ten-year contract with a private partner that runs the services to the future "
            "specification for an annual charge.",
            "years": YEARS,
            "optimism_bias_category": "outsourcing",
        },
        [
            LineSpec(
                "Annual charge to the partner",
                LineCategory.OPERATING,
                [18.2, 18.1, 18.0, 18.2, 18.4, 18.7, 19.0, 19.3, 19.6, 19.9],
                prices=PriceBase.NOMINAL,
                optimism_bias=True,
            ),
            LineSpec(
                "Council's share of new ERP and CRM systems", LineCategory.CAPITAL, [1.4, 0.9] + [0] * 8
            ),
            LineSpec(
                "Staff transfer (TUPE), pensions and transition",
                LineCategory.TRANSITION,
                [2.3, 0.7] + [0] * 8,
            ),
            LineSpec(
                "Procurement, legal, financial and technical advisers",
                LineCategory.PROCUREMENT,
                [1.3] + [0] * 9,
            ),
            LineSpec("Client-side team", LineCategory.CLIENT_SIDE, [0.7, 0.75] + [0.7] * 8),
            LineSpec("Contract change allowance", LineCategory.RISK, [0.2, 0.25] + [0.3] * 8),
            LineSpec(
                "Gainshare from the partner's trading", LineCategory.BENEFITS, [0, 0, 0.2, 0.35] + [0.5] * 6
            ),
        ],
        SSP_MITIGATION_V1,
    )
    shared: OptionSpec = (
        {
            "name": "Shared service with Marlcaster",
            "kind": OptionKind.SHARED_SERVICE,
            "description": "Marlcaster District Council hosts the services for both councils under a "
            "twelve-year agreement.",
            "years": SHARED_YEARS,
            "optimism_bias_category": "",
        },
        [
            LineSpec(
                "Contribution to the shared service",
                LineCategory.OPERATING,
                _pad([21.0, 20.4, 19.8, 19.5, 19.3], SHARED_YEARS),
            ),
            LineSpec("Systems convergence", LineCategory.CAPITAL, [1.8, 1.6, 0.4] + [0] * 9),
            LineSpec(
                "Staff transfer to Marlcaster and restructuring",
                LineCategory.TRANSITION,
                [1.3, 0.8] + [0] * 10,
            ),
            LineSpec("Legal agreement and due diligence", LineCategory.PROCUREMENT, [0.35] + [0] * 11),
            LineSpec("Client-side and joint governance", LineCategory.CLIENT_SIDE, [0.4] * SHARED_YEARS),
            LineSpec("Partner council withdrawal (priced risk)", LineCategory.RISK, [0.15] * SHARED_YEARS),
        ],
        [],
    )
    return [as_now, comparator, ssp, shared]


# Today's budget for the services, £25.5m, rising 2% a year in cash terms.
BUDGET_V1 = [round(25.5 * 1.02**t, 1) for t in range(YEARS)]
DEFLATOR = ["0.025", "0.021", "0.02", "0.02", "0.02", "0.02", "0.02", "0.02", "0.02", "0.02", "0.02", "0.02"]
CUSTOMER_SERVICES = 2.3

# Version 2: customer services (about £2.3m a year) leave the bundle.
V2_CHANGES: dict[str, dict[str, list[float]]] = {
    "In-house as now": {
        "Operating cost of the services today (from the service baselines)": [21.3 - CUSTOMER_SERVICES]
        * YEARS,
    },
    "In-house improved (public sector comparator)": {
        "Operating cost, improved to the future specification": [
            19.1,
            18.8,
            18.1,
            17.4,
            17.0,
            16.8,
            16.7,
            16.6,
            16.6,
            16.6,
        ],
        "Investment in systems and digital channels": [2.1, 2.6, 0.8, 0.3, 0.3, 0.8, 0.3, 0.3, 0.3, 0.8],
    },
    "Strategic partnership (SSP)": {
        "Annual charge to the partner": [16.3, 16.2, 16.1, 16.3, 16.5, 16.8, 17.0, 17.3, 17.6, 17.9],
        "Council's share of new ERP and CRM systems": [1.1, 0.7] + [0] * 8,
    },
    "Shared service with Marlcaster": {
        "Contribution to the shared service": _pad([18.8, 18.3, 17.8, 17.5, 17.3], SHARED_YEARS),
    },
}


# Version 2 takes these risks from the quantified register instead of pricing them in lines (the same
# risks must not be counted twice); the partnership's contract change allowance stays a priced line.
REPLACED_BY_REGISTER = frozenset(
    {
        "Legacy systems failure (priced risk)",
        "Improvement programme delivery risk (priced)",
        "Partner council withdrawal (priced risk)",
    }
)


def seed(people: dict[str, Any], partnerships_by_name: dict[str, Partnership]) -> None:
    _seed_initiation(people, partnerships_by_name)
    _seed_procurement(people, partnerships_by_name)


# The procurement-stage partnership's business case (shared services for two councils, about £14m a year):
# the comparator and the strategic partnership as approved before the competition; bids are priced into
# later versions by the procurement area (forbetter/demo/procurement_incentives.py).
PROCUREMENT_YEARS = 12
PROCUREMENT_CASE = "Shared services full business case"
PROCUREMENT_FREEZE = "Full business case approved by both councils' cabinets before the tender notice"


def _seed_procurement(people: dict[str, Any], partnerships_by_name: dict[str, Partnership]) -> None:
    partnership = partnerships_by_name.get(PROCUREMENT)
    if partnership is None or BusinessCase.objects.filter(partnership=partnership).exists():
        return
    editor = people["editor@ashcombe.example"]
    finance = people["fatima.begum@ashcombe.example"]
    case = services.business_case_create(
        user=editor, partnership=partnership, title=PROCUREMENT_CASE, price_base_year=BASE_YEAR
    )
    version = case.versions.get(number=1)
    _settings(editor, version, [round(14.6 * 1.02**t, 1) for t in range(PROCUREMENT_YEARS)], "")
    comparator = services.option_create(
        user=editor,
        version=version,
        data={
            "name": "In-house improved (public sector comparator)",
            "kind": OptionKind.PUBLIC_SECTOR_COMPARATOR,
            "description": "Each council improves its own services to the joint outcome specification.",
            "years": PROCUREMENT_YEARS,
            "optimism_bias_category": "",
        },
    )
    ssp = services.option_create(
        user=editor,
        version=version,
        data={
            "name": "Strategic partnership (SSP)",
            "kind": OptionKind.SSP,
            "description": "A partner runs the two councils' shared services under a twelve-year contract.",
            "years": PROCUREMENT_YEARS,
            "optimism_bias_category": "",
        },
    )
    lines = {
        comparator: [
            (
                "Operating cost, improved to the specification",
                LineCategory.OPERATING,
                _pad([14.2, 13.9, 13.5, 13.2, 13.0], PROCUREMENT_YEARS),
            ),
            ("Investment in shared systems", LineCategory.CAPITAL, [1.6, 1.9, 0.6] + [0.3] * 9),
            ("Restructuring", LineCategory.TRANSITION, [0.6, 0.4] + [0] * 10),
        ],
        ssp: [
            (
                "Expected annual charge (should-cost)",
                LineCategory.OPERATING,
                _pad([13.1, 12.8, 12.5, 12.3, 12.2], PROCUREMENT_YEARS),
            ),
            ("Procurement of the partner", LineCategory.PROCUREMENT, [0.9, 0.3] + [0] * 10),
            ("Client-side contract management", LineCategory.CLIENT_SIDE, [0.45] * PROCUREMENT_YEARS),
        ],
    }
    for option, specs in lines.items():
        for label, category, values in specs:
            services.line_create(
                user=editor,
                option=option,
                data={"label": label, "category": category, "prices": PriceBase.REAL},
                values=_m(*values),
            )
    services.version_freeze(user=finance, version=version, reason=PROCUREMENT_FREEZE)


def _seed_initiation(people: dict[str, Any], partnerships_by_name: dict[str, Partnership]) -> None:
    partnership = partnerships_by_name.get(INITIATION)
    if partnership is None or BusinessCase.objects.filter(partnership=partnership).exists():
        return
    editor = people["editor@ashcombe.example"]
    finance = people["fatima.begum@ashcombe.example"]
    baselines = _seed_baselines(editor, partnership)
    case = services.business_case_create(
        user=editor,
        partnership=partnership,
        title="Corporate services options appraisal",
        price_base_year=BASE_YEAR,
    )
    first = case.versions.get(number=1)
    _settings(editor, first, BUDGET_V1, "")
    services.version_set_risk_settings(
        user=editor,
        version=first,
        data={
            "include_register_risks": False,
            "risk_note": "Risk workshop of February 2026: risks priced in each option's own lines, before "
            "the risk register was quantified.",
        },
    )
    for data, lines, mitigation in _options_v1():
        option = services.option_create(user=editor, version=first, data=data)
        if option.kind == OptionKind.IN_HOUSE_AS_NOW:
            services.option_start_from_baselines(user=editor, option=option)
        for spec in lines:
            services.line_create(
                user=editor,
                option=option,
                data={
                    "label": spec.label,
                    "category": spec.category,
                    "prices": spec.prices,
                    "optimism_bias_applies": spec.optimism_bias,
                },
                values=_m(*spec.values),
            )
        for factor, contribution, mitigation_share in mitigation:
            services.contribution_add(
                user=finance,
                option=option,
                factor=factor,
                contribution=Decimal(contribution),
                mitigation=Decimal(mitigation_share),
            )
    services.version_freeze(user=finance, version=first, reason=FREEZE_V1)

    second = services.version_create_from(user=editor, version=first)
    _settings(editor, second, [b - CUSTOMER_SERVICES for b in BUDGET_V1], CHANGE_V2)
    services.version_set_risk_settings(
        user=editor,
        version=second,
        data={
            "include_register_risks": True,
            "risk_seed": 20_260_301,
            "risk_note": "Risk register quantified after soft market testing: each option carries the "
            "expected value of the register's risks it would keep, in place of the risk lines priced at the "
            "February workshop.",
        },
    )
    for option in AppraisalOption.objects.filter(version=second).prefetch_related("lines"):
        changes = V2_CHANGES.get(option.name, {})
        for line in option.lines.all():
            if line.label in changes:
                services.line_update(user=editor, line=line, data={}, values=_m(*changes[line.label]))
            elif line.label in REPLACED_BY_REGISTER:
                services.line_delete(user=editor, line=line)
        if option.kind == OptionKind.SSP:
            row = option.contributions.get(factor="Late contractor involvement in design")
            services.contribution_remove(user=finance, contribution=row)
            services.contribution_add(
                user=finance,
                option=option,
                factor="Late contractor involvement in design",
                contribution=Decimal("0.1"),
                mitigation=Decimal("0.9"),
            )
    _link_evidence(editor, partnership, first, second, baselines)


def _settings(user: Any, version: BusinessCaseVersion, budget: list[float], note: str) -> None:
    services.version_update_settings(
        user=user,
        version=version,
        price_base_year=BASE_YEAR,
        discount_schedule="standard",
        discount_rate=None,
        deflator_rates=[Decimal(g) for g in DEFLATOR],
        budget_prices=PriceBase.NOMINAL,
        budget_gbp=_m(*budget),
        change_note=note,
    )


def _seed_baselines(user: Any, partnership: Partnership) -> list[ServiceBaseline]:
    created = []
    for service in ServiceArea.objects.filter(pk__in=partnership.services.all()):
        if service.name not in BASELINES:
            continue
        cost, source, measures = BASELINES[service.name]
        baseline = services.baseline_create(
            user=user,
            partnership=partnership,
            data={
                "service": service,
                "annual_cost_gbp": _m(cost)[0],
                "cost_source": source,
                "cost_as_at": AS_AT,
            },
        )
        for measure in measures:
            services.measure_add(
                user=user,
                baseline=baseline,
                data={
                    "kind": measure.kind,
                    "name": measure.name,
                    "value": Decimal(measure.value),
                    "unit": measure.unit,
                    "source": "Service performance report, 2025/26",
                    "as_at": AS_AT,
                },
            )
        created.append(baseline)
    return created


def _link_evidence(
    user: Any,
    partnership: Partnership,
    first: BusinessCaseVersion,
    second: BusinessCaseVersion,
    baselines: list[ServiceBaseline],
) -> None:
    """Cite the versions for the options-appraisal, comparator and affordability actions, and the baselines
    for the performance-baseline action."""
    from django.contrib.contenttypes.models import ContentType

    links: dict[str, list[Any]] = {
        "I-VFM-1": [first, second],
        "I-VFM-2": [first],
        "I-VFM-3": [second],
        "I-PM-1": list(baselines),
    }
    for code, records in links.items():
        task = partnership.tasks.get(action__code=code)
        for record in records:
            key = f"{ContentType.objects.get_for_model(record).pk}:{record.pk}"
            partnership_services.evidence_link_add(user=user, task=task, record_key=key)
