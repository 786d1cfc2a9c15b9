"""Demo client-side capacity records. Fictional, fixed, written through the services and created only when
missing, so seeding twice changes nothing.

- The contract-management partnership (highways and property) keeps a dedicated client team of five roles,
  with its actual cost recorded for every financial year that has approved payment statements (worked out
  from those statements, so the cost share is charted over all of them), a target of 3% to 5% of the
  annual contract value that one full year misses, and two advisers.
- The initiation partnership (corporate services) has a client team plan from this financial year, with a
  skill gap.
- The procurement partnership (shared services) has a procurement budget against actual spend in every
  category and three advisers.

Runs after the payments demo (``INSTALLED_APPS`` order), whose approved statements it reads.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from forbetter.calc.dates import financial_year
from forbetter.capacity import selectors, services
from forbetter.capacity.models import Adviser, CapacityTarget, ProcurementBudgetLine, ResourceActual, TeamRole
from forbetter.demo.partnerships import CONTRACT_MANAGEMENT, INITIATION, PROCUREMENT
from forbetter.partnerships.models import Partnership

# title, grade, FTE, cost per year, holder, responsibilities, skills needed, skills held
HIGHWAYS_ROLES = [
    (
        "Head of client services",
        "Grade 12",
        "1",
        185000,
        "Priya Shah",
        "Leads the client team; reports to the strategic board; owns the relationship with Meridian.",
        "Contract management\nCommercial negotiation\nStakeholder management",
        "Contract management\nCommercial negotiation\nStakeholder management",
    ),
    (
        "Contract manager, highways",
        "Grade 10",
        "2",
        230000,
        "Chris Morgan and Tom Hughes",
        "Day-to-day management of the highways services: KPI returns, inspections, payment statements.",
        "Contract management\nHighways engineering\nPayment mechanisms",
        "Contract management\nHighways engineering\nPayment mechanisms",
    ),
    (
        "Contract manager, property",
        "Grade 10",
        "1",
        115000,
        "Fatima Begum",
        "Day-to-day management of the property and facilities services.",
        "Contract management\nFacilities management",
        "Contract management\nFacilities management",
    ),
    (
        "Performance and finance analyst",
        "Grade 8",
        "1.5",
        140000,
        "Sam Lee",
        "Validates KPI returns, checks payment statements, tracks gainshare and benefits.",
        "Performance measurement\nOpen-book accounting\nData analysis",
        "Performance measurement\nData analysis",
    ),
    (
        "Partnership support officer",
        "Grade 6",
        "1",
        55000,
        "",
        "Boards, meetings, actions and the partnership's records.",
        "Minute taking\nRecords management",
        "",
    ),
]

# Shares of the annual contract value the actual cost came to, newest full year first: the year before
# last fell short of the 3% minimum while two posts were vacant.
FULL_YEAR_SHARES = [Decimal("0.0315"), Decimal("0.0265"), Decimal("0.0308"), Decimal("0.0322")]
PART_YEAR_SHARE = Decimal("0.0330")

INITIATION_ROLES = [
    (
        "Programme director",
        "Grade 12",
        "1",
        150000,
        "Ruth Adeyemi",
        "Leads the options appraisal and the business case; reports to the cabinet member.",
        "Programme management\nOptions appraisal\nStakeholder management",
        "Programme management\nStakeholder management",
    ),
    (
        "Finance lead",
        "Grade 10",
        "0.5",
        48000,
        "Owen Price",
        "Public sector comparator, affordability and the financial case.",
        "Public sector comparator\nAffordability modelling",
        "Public sector comparator\nAffordability modelling",
    ),
    (
        "Procurement lead",
        "Grade 10",
        "1",
        92000,
        "",
        "Plans the procurement and its budget; runs competitive dialogue.",
        "Competitive dialogue\nProcurement Act 2023\nContract law",
        "",
    ),
    (
        "Service specification officer",
        "Grade 8",
        "2",
        128000,
        "",
        "Writes the outcome specification with the heads of service.",
        "Outcome specification\nService baselining",
        "Service baselining",
    ),
]

PROCUREMENT_BUDGET = [
    ("advisers", 620000, 655000, "Financial, legal and technical advisers through the dialogue."),
    ("staff_time", 480000, 452000, "Council officers' time on the procurement, costed at their grades."),
    ("legal", 180000, 164000, "The councils' own legal team and counsel's opinion."),
    ("publicity", 25000, 18500, "Soft-market testing events and notices."),
    ("other", 60000, 41000, "Data room, evaluation software and venue hire."),
]

# type, firm, provision, fees, days, work, value
PROCUREMENT_ADVISERS = [
    (
        "financial",
        "Harbour Street Advisory LLP",
        "external",
        285000,
        "190",
        "Financial model, affordability and evaluation of the bidders' prices.",
        "Found a £1.1m error in a bidder's indexation; no one in-house had built a comparable model.",
    ),
    (
        "legal",
        "Pemberton Clarke Solicitors",
        "external",
        310000,
        "240",
        "Contract drafting, dialogue on risk allocation and the inter-authority agreement.",
        "Secured the step-in and exit terms; external because neither council had done a shared-service SSP.",
    ),
    (
        "technical",
        "Ashcombe ICT architecture team",
        "in_house",
        60000,
        "150",
        "Assessed the bidders' systems convergence plans.",
        "At £400 a day against quotes of £1,050 externally; knows the councils' systems best.",
    ),
]

HIGHWAYS_ADVISERS = [
    (
        "technical",
        "Ashcombe highways asset team",
        "in_house",
        36000,
        "80",
        "Independent condition surveys to check the partner's returns.",
        "Confirmed two disputed KPI returns; cheaper than an external surveyor.",
    ),
    (
        "legal",
        "Pemberton Clarke Solicitors",
        "external",
        42000,
        "28",
        "Advice on the persistent-breach provisions and the annual contract review.",
        "Clarified the remedies ladder before the warning notice was issued.",
    ),
]


def seed(people: dict[str, Any], partnerships_by_name: dict[str, Partnership]) -> None:
    """Seed the capacity records of the three demo partnerships where they are missing."""
    editor = people["editor@ashcombe.example"]
    highways = partnerships_by_name.get(CONTRACT_MANAGEMENT)
    if highways is not None:
        _highways(highways, editor)
    initiation = partnerships_by_name.get(INITIATION)
    if initiation is not None and not TeamRole.objects.filter(partnership=initiation).exists():
        this_year = financial_year(timezone.localdate())
        _roles(initiation, editor, INITIATION_ROLES, this_year, this_year + 2)
    procurement = partnerships_by_name.get(PROCUREMENT)
    if procurement is not None:
        _procurement(procurement, editor)


def _roles(
    partnership: Partnership, editor: Any, roles: list[tuple[Any, ...]], first: int, last: int
) -> None:
    for title, grade, fte, cost, holder, responsibilities, needed, held in roles:
        services.role_save(
            user=editor,
            partnership=partnership,
            data={
                "title": title,
                "grade": grade,
                "fte": Decimal(fte),
                "cost_per_year_gbp": Decimal(cost),
                "first_year": first,
                "last_year": last,
                "holder": holder,
                "responsibilities": responsibilities,
                "skills_needed": needed,
                "skills_held": held,
            },
        )


def _advisers(partnership: Partnership, editor: Any, advisers: list[tuple[Any, ...]]) -> None:
    if Adviser.objects.filter(partnership=partnership).exists():
        return
    for adviser_type, firm, provision, fees, days, work, value in advisers:
        services.adviser_save(
            user=editor,
            partnership=partnership,
            data={
                "adviser_type": adviser_type,
                "firm": firm,
                "provision": provision,
                "fees_gbp": Decimal(fees),
                "days": Decimal(days),
                "work": work,
                "value_note": value,
            },
        )


def _thousands(amount: Decimal) -> Decimal:
    return (amount / 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 1000


def _highways(partnership: Partnership, editor: Any) -> None:
    values, months = selectors.contract_value_by_year(partnership)
    if not values:
        return
    first, last = min(values), max(values)
    if not TeamRole.objects.filter(partnership=partnership).exists():
        _roles(partnership, editor, HIGHWAYS_ROLES, first, first + 14)
    if not CapacityTarget.objects.filter(partnership=partnership).exists():
        services.target_save(
            user=editor,
            partnership=partnership,
            data={
                "minimum_share": Decimal("0.03"),
                "maximum_share": Decimal("0.05"),
                "reason": "Agreed by the cabinet member with the contract: at least 3% of the annual "
                "contract value on managing it, the level the Audit Commission's study councils found "
                "they needed; no more than 5%.",
            },
        )
    if not ResourceActual.objects.filter(partnership=partnership).exists():
        full = sorted((year for year in values if months[year] >= 12), reverse=True)
        shares = dict(zip(full, FULL_YEAR_SHARES, strict=False))
        for year in range(first, last + 1):
            if year not in values:
                continue
            share = shares.get(year, PART_YEAR_SHARE)
            short = share < Decimal("0.03")
            services.actual_save(
                user=editor,
                partnership=partnership,
                data={
                    "year": year,
                    "cost_gbp": _thousands(values[year] * share),
                    "fte": Decimal("5.0") if short else Decimal("6.5"),
                    "note": "Two contract manager posts vacant for most of the year; agency cover refused."
                    if short
                    else "From the council's ledger: client team cost centre, with on-costs and overheads.",
                },
            )
    _advisers(partnership, editor, HIGHWAYS_ADVISERS)


def _procurement(partnership: Partnership, editor: Any) -> None:
    if not ProcurementBudgetLine.objects.filter(partnership=partnership).exists():
        for category, budget, actual, note in PROCUREMENT_BUDGET:
            services.budget_line_save(
                user=editor,
                partnership=partnership,
                data={
                    "category": category,
                    "budget_gbp": Decimal(budget),
                    "actual_gbp": Decimal(actual),
                    "note": note,
                },
            )
    _advisers(partnership, editor, PROCUREMENT_ADVISERS)
