"""The payments area (partnership incentives): the payment mechanism, indexation, relief events, monthly
statements and the roles and responsibilities register. A draft statement is confidential to the council
until it is approved. Declared once for navigation, evidence and the permission matrix (see
:mod:`forbetter.core.areas`); its demo records are seeded with the performance area's, from the same returns.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from forbetter.core.areas import Area, Section, Who, action, first_pk, form, page
from forbetter.partnerships.models import Partnership
from forbetter.payments import pack, services
from forbetter.payments.evidence_providers import payment_mechanism, payment_statements, responsibilities
from forbetter.payments.life import life_actuals
from forbetter.payments.models import (
    PaymentMechanism,
    PaymentStatement,
    ReliefEvent,
    Responsibility,
    StatementStatus,
)
from forbetter.performance.area import examples as performance_examples
from forbetter.performance.models import Kpi


def _statement(status: str) -> Any:
    def find(partnership: Partnership) -> dict[str, object]:
        statements = PaymentStatement.objects.filter(partnership=partnership, status=status)
        return {"statement_pk": first_pk(statements, f"{status} payment statement")}

    return find


def _relief(partnership: Partnership) -> dict[str, object]:
    return {"relief_pk": first_pk(ReliefEvent.objects.filter(partnership=partnership), "relief event")}


def _responsibility(partnership: Partnership) -> dict[str, object]:
    lines = Responsibility.objects.filter(partnership=partnership)
    return {"responsibility_pk": first_pk(lines, "responsibility")}


def examples(partnership: Partnership, user: Any) -> None:
    """A mechanism from January 2024, January's statement approved and February's a draft, a relief event
    for the performance area's KPI, and a line of the responsibilities register."""
    performance_examples(partnership, user)
    if not PaymentMechanism.objects.filter(partnership=partnership).exists():
        services.mechanism_save(
            user=user,
            partnership=partnership,
            data={
                "effective_from": dt.date(2024, 1, 1),
                "monthly_charge_gbp": Decimal(100_000),
                "points_threshold": 20,
                "point_value_gbp": Decimal(3),
                "cap": Decimal("0.1"),
            },
            bands=[
                {"from_point": 21, "to_point": 100, "multiplier": Decimal("1.0")},
                {"from_point": 101, "to_point": 200, "multiplier": Decimal("1.2")},
                {"from_point": 201, "to_point": None, "multiplier": Decimal("1.5")},
            ],
            gain_bands=[],
            pain_bands=[],
        )
    today = dt.date(2024, 9, 1)
    if not PaymentStatement.objects.filter(partnership=partnership).exists():
        approved = services.statement_create(
            user=user, partnership=partnership, month=dt.date(2024, 1, 1), today=today
        )
        services.statement_approve(user=user, statement=approved, override_reason="An example statement")
        services.statement_create(user=user, partnership=partnership, month=dt.date(2024, 2, 1), today=today)
    if not ReliefEvent.objects.filter(partnership=partnership).exists():
        kpi = Kpi.objects.filter(partnership=partnership).order_by("pk").first()
        assert kpi is not None, "the performance area's examples make a KPI"
        services.relief_create(
            user=user,
            partnership=partnership,
            kpi_id=kpi.pk,
            month=dt.date(2024, 2, 1),
            reason="Named storm",
            approved_on=dt.date(2024, 3, 1),
        )
    if not Responsibility.objects.filter(partnership=partnership).exists():
        services.responsibility_save(
            user=user,
            partnership=partnership,
            data={"obligation": "Pay", "responsible": "A", "accountable": "B"},
        )


AREA = Area(
    app="payments",
    routes=(
        page("statements", writes=Who.EDITORS),
        page("statement", kwargs=_statement(StatementStatus.APPROVED)),
        page("statement", reads=Who.COUNCIL, kwargs=_statement(StatementStatus.DRAFT), variant="draft"),
        action(
            "statement-approve",
            kwargs=_statement(StatementStatus.DRAFT),
            data={"override_reason": "Payment date reached"},
        ),
        page("mechanism"),
        form("mechanism-edit"),
        page("index", writes=Who.EDITORS),
        form("gainshare-year"),
        form("charge-change"),
        page("reliefs", writes=Who.EDITORS),
        page("relief", writes=Who.EDITORS, kwargs=_relief),
        page("responsibilities"),
        form("responsibility-create"),
        form("responsibility-edit", kwargs=_responsibility),
    ),
    sections=(Section("payments", "Payments", "payments:statements", 70),),
    evidence=(payment_statements, payment_mechanism, responsibilities),
    examples=examples,
    life_actuals=life_actuals,
    pack_sections=pack.pack_sections,
)
