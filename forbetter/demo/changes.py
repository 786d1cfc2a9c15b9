"""Demo contract changes for the highways and property partnership (contract management): ten change
requests over four years, written through the services. Seven are approved, one rejected, one withdrawn and
one open; two form a related group (street lighting); the school estate change takes the cumulative value
of approved changes above 10% of the original contract value; the asset-management change raises the
monthly charge from next month, after the last approved statement, so no frozen statement changes and the
statements from then on use the new charge. The partnership was procured under the Public Contracts
Regulations 2015, so the Procurement Act 2023's contract change notice does not apply (the page says so);
the LED conversion, which lengthens the term by two years, is the one that would need a notice under the
Act. Fictional, fixed, and created only when the partnership has no change requests, so seeding twice
changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from forbetter.changes import services
from forbetter.changes.models import ChangeRequest
from forbetter.changes.selectors import contract_start
from forbetter.demo.partnerships import CONTRACT_MANAGEMENT
from forbetter.partnerships.models import Partnership

LIGHTING = "Street lighting"

# reference, title, description, raised by, side, months after the start it was raised, group,
# (value, basis, months after the start it takes effect, term change in months), decision or None,
# business-case note
CHANGES: list[tuple[Any, ...]] = [
    (
        "CR-001",
        "Extra winter gritting routes",
        "Add four priority gritting routes to the winter service.",
        "Head of highways",
        "council",
        4,
        "",
        (Decimal(150_000), "per_year", 6, 0),
        "approved",
        "Within the highways revenue budget; no effect on the business case's savings.",
    ),
    (
        "CR-002",
        "LED street lighting conversion",
        "Convert 14,000 lanterns to LED, paid back over a longer term.",
        "Energy manager",
        "council",
        8,
        LIGHTING,
        (Decimal(3_200_000), "one_off", 10, 24),
        "approved",
        "Energy savings of about £600,000 a year from year two, not in the original business case.",
    ),
    (
        "CR-003",
        "Street lighting maintenance transferred",
        "Bring street lighting maintenance into the contract.",
        "Head of highways",
        "council",
        10,
        LIGHTING,
        (Decimal(400_000), "per_year", 12, 0),
        "approved",
        "",
    ),
    (
        "CR-004",
        "Library buildings added to facilities management",
        "Add the twelve library buildings.",
        "Operations director, Meridian",
        "partner",
        15,
        "",
        (Decimal(1_100_000), "per_year", 18, 0),
        "approved",
        "Moves £1.1m a year of library premises budget into the contract.",
    ),
    (
        "CR-005",
        "Depot consolidation",
        "Close two depots and build one new one.",
        "Operations director, Meridian",
        "partner",
        20,
        "",
        (Decimal(2_000_000), "one_off", 24, 0),
        "rejected",
        "",
    ),
    (
        "CR-006",
        "Drone bridge inspections",
        "Inspect bridges by drone.",
        "Asset manager, Meridian",
        "partner",
        22,
        "",
        (Decimal(90_000), "one_off", 24, 0),
        "withdrawn",
        "",
    ),
    (
        "CR-007",
        "Grass cutting reduced to six cuts a year",
        "Fewer verge cuts, for biodiversity and savings.",
        "Head of environment",
        "council",
        22,
        "",
        (Decimal(-250_000), "per_year", 24, 0),
        "approved",
        "A saving of £250,000 a year towards the medium-term financial plan.",
    ),
    (
        "CR-008",
        "School estate added to property services",
        "Add 31 maintained schools' buildings.",
        "Director of property",
        "council",
        27,
        "",
        (Decimal(1_500_000), "per_year", 30, 0),
        "approved",
        "Schools buy back the service: net cost to the council about £200,000 a year.",
    ),
]

DECIDERS = {"approved": "Partnership board", "rejected": "Partnership board", "withdrawn": "Meridian"}
REASONS = {
    "approved": "Good value and within the contract's scope; the board agreed the assessment.",
    "rejected": "Not affordable this year; the business case for the new depot is weak.",
    "withdrawn": "Meridian withdrew it to trial inspections at its own cost first.",
}


def seed(people: dict[str, Any], partnerships_by_name: dict[str, Partnership]) -> None:
    partnership = partnerships_by_name.get(CONTRACT_MANAGEMENT)
    if partnership is None or ChangeRequest.objects.filter(partnership=partnership).exists():
        return
    start = contract_start(partnership)
    if start is None:
        return
    editor = people["editor@ashcombe.example"]
    today = timezone.localdate()
    services.terms_save(user=editor, partnership=partnership, data={"works_contract": False})
    lighting = services.group_save(
        user=editor,
        partnership=partnership,
        data={
            "name": LIGHTING,
            "description": "The LED conversion and the maintenance transfer go together.",
        },
    )
    for reference, title, description, by, side, raised, group, impact, decision, note in CHANGES:
        raised_on = start + relativedelta(months=raised)
        value, basis, effective, term = impact
        change = _raise(
            editor,
            partnership,
            reference,
            title,
            description,
            by,
            side,
            raised_on,
            lighting if group else None,
        )
        services.assessment_record(
            user=editor,
            change=change,
            data={
                "value_gbp": value,
                "value_basis": basis,
                "effective_from": start + relativedelta(months=effective),
                "term_change_months": term,
                "risks_affected": "",
                "business_case_effect": note,
                "assessed_on": raised_on + dt.timedelta(days=14),
            },
            today=today,
        )
        services.decision_record(
            user=editor,
            change=change,
            data={
                "decision": decision,
                "decided_on": raised_on + dt.timedelta(days=40),
                "decided_by": DECIDERS[decision],
                "decision_reason": REASONS[decision],
            },
            today=today,
        )
    this_month = today.replace(day=1)
    _charge_change(editor, partnership, this_month, today)
    open_change = _raise(
        editor,
        partnership,
        "CR-010",
        "Flood response standby crews",
        "Two crews on standby from October to March for flood response.",
        "Head of highways",
        "council",
        this_month - relativedelta(months=1),
        None,
    )
    services.assessment_record(
        user=editor,
        change=open_change,
        data={
            "value_gbp": Decimal(600_000),
            "value_basis": "one_off",
            "effective_from": this_month + relativedelta(months=3),
            "risks_affected": "Lowers the flood risk (R-07) from high to medium.",
            "assessed_on": this_month - relativedelta(months=1) + dt.timedelta(days=7),
        },
        today=today,
    )


def _raise(
    editor: Any,
    partnership: Partnership,
    reference: str,
    title: str,
    description: str,
    by: str,
    side: str,
    raised_on: dt.date,
    group: Any,
) -> ChangeRequest:
    return services.change_save(
        user=editor,
        partnership=partnership,
        data={
            "reference": reference,
            "title": title,
            "description": description,
            "raised_by": by,
            "raised_by_side": side,
            "raised_on": raised_on,
            "group": group,
        },
    )


def _charge_change(editor: Any, partnership: Partnership, this_month: dt.date, today: dt.date) -> None:
    """CR-009: the asset-management system, paid through the monthly charge (£2,000,000 to £2,040,000)
    from next month, decided last month and applied."""
    raised = this_month - relativedelta(months=3)
    change = _raise(
        editor,
        partnership,
        "CR-009",
        "Highways asset management system",
        "Meridian runs a new asset management system, paid through the monthly charge.",
        "Asset manager, Meridian",
        "partner",
        raised,
        None,
    )
    services.assessment_record(
        user=editor,
        change=change,
        data={
            "value_gbp": Decimal(480_000),
            "value_basis": "per_year",
            "effective_from": this_month + relativedelta(months=1),
            "new_monthly_charge_gbp": Decimal(2_040_000),
            "business_case_effect": "Replaces the council's own system (£150,000 a year), so costs £330,000 "
            "a year net.",
            "assessed_on": raised + dt.timedelta(days=10),
        },
        today=today,
    )
    services.decision_record(
        user=editor,
        change=change,
        data={
            "decision": "approved",
            "decided_on": this_month - relativedelta(months=1) + dt.timedelta(days=5),
            "decided_by": "Partnership board",
            "decision_reason": "Needed for the asset management plan; the price was benchmarked.",
        },
        today=today,
    )
    services.change_apply(user=editor, change=change, today=today)
