"""The client-side capacity area: the client team plan, actual resource against the plan and the business
case, the procurement budget, advisers, and the team's cost as a share of the contract's annual value.
Every page is council-confidential (partner users get 403); council editors change the records. Declared
once for navigation, evidence, the demo, the overview and the permission matrix (see
:mod:`forbetter.core.areas`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from forbetter.accounts.permissions import can_see_confidential
from forbetter.capacity import pack, selectors, services
from forbetter.capacity.evidence_providers import adviser_spend, capacity_plan
from forbetter.capacity.models import Adviser, ProcurementBudgetLine, ResourceActual, TeamRole
from forbetter.core.areas import Area, Section, Who, confirm, first_pk, form, page
from forbetter.partnerships.models import Partnership

COUNCIL = Who.COUNCIL


def _role(partnership: Partnership) -> dict[str, int]:
    return {"role_pk": first_pk(TeamRole.objects.filter(partnership=partnership), "team role")}


def _actual(partnership: Partnership) -> dict[str, int]:
    return {"actual_pk": first_pk(ResourceActual.objects.filter(partnership=partnership), "actuals year")}


def _line(partnership: Partnership) -> dict[str, int]:
    return {"line_pk": first_pk(ProcurementBudgetLine.objects.filter(partnership=partnership), "budget line")}


def _adviser(partnership: Partnership) -> dict[str, int]:
    return {"adviser_pk": first_pk(Adviser.objects.filter(partnership=partnership), "adviser")}


def examples(partnership: Partnership, user: Any) -> None:
    """A role, a year's actuals, a budget line and an adviser."""
    if not TeamRole.objects.filter(partnership=partnership).exists():
        services.role_save(
            user=user,
            partnership=partnership,
            data={
                "title": "Contract manager",
                "fte": Decimal(1),
                "cost_per_year_gbp": Decimal(65000),
                "first_year": 2025,
                "last_year": 2027,
            },
        )
    if not ResourceActual.objects.filter(partnership=partnership).exists():
        services.actual_save(
            user=user,
            partnership=partnership,
            data={"year": 2025, "cost_gbp": Decimal(61000), "fte": Decimal("0.9")},
        )
    if not ProcurementBudgetLine.objects.filter(partnership=partnership).exists():
        services.budget_line_save(
            user=user,
            partnership=partnership,
            data={"category": "legal", "budget_gbp": Decimal(150000), "actual_gbp": Decimal(120000)},
        )
    if not Adviser.objects.filter(partnership=partnership).exists():
        services.adviser_save(
            user=user,
            partnership=partnership,
            data={
                "adviser_type": "legal",
                "firm": "Example LLP",
                "provision": "external",
                "fees_gbp": Decimal(48000),
                "days": Decimal(40),
                "value_note": "Drafted the contract",
            },
        )


AREA = Area(
    app="capacity",
    routes=(
        page("team", reads=COUNCIL),
        form("role-create"),
        form("role-edit", kwargs=_role),
        confirm("role-remove", kwargs=_role),
        page("actuals", reads=COUNCIL),
        form("actual-create"),
        form("actual-edit", kwargs=_actual),
        page("procurement", reads=COUNCIL),
        form("budget-create"),
        form("budget-edit", kwargs=_line),
        page("advisers", reads=COUNCIL),
        form("adviser-create"),
        form("adviser-edit", kwargs=_adviser),
        page("contract", reads=COUNCIL),
        form("target-edit"),
    ),
    sections=(Section("capacity", "Client-side capacity", "capacity:team", 43, can_see_confidential),),
    evidence=(capacity_plan, adviser_spend),
    demo="forbetter.demo.capacity",
    glance=selectors.at_a_glance,
    glance_template="capacity/_glance.html",
    life_actuals=selectors.life_actuals,
    examples=examples,
    pack_sections=pack.pack_sections,
)
