"""The payments section of the board pack (:mod:`forbetter.core.pack`): the latest monthly statements with
their charge, deductions and amount payable, from the statements page's own selectors (approved statements'
frozen figures; drafts, which partner users do not see, worked out as the page works them out)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Sum

from forbetter.core.pack import PackSection
from forbetter.partnerships.models import Partnership
from forbetter.payments import selectors
from forbetter.payments.models import PaymentStatement, StatementStatus

MONTHS = 12


def pack_sections(partnership: Partnership, *, partner_view: bool) -> list[PackSection]:
    mechanism = selectors.mechanism_of(partnership)
    statements = list(selectors.statements_for(partnership, partner_view=partner_view)[:MONTHS])
    approved = PaymentStatement.objects.filter(
        partnership=partnership, status=StatementStatus.APPROVED
    ).aggregate(payable=Sum("payable_gbp"), deductions=Sum("deduction_gbp"), count=Count("pk"))
    return [
        PackSection(
            key="payments",
            title="Payments and deductions",
            order=70,
            template="payments/pack/payments.html",
            context={
                "mechanism": mechanism,
                "views": selectors.statement_views(partnership, mechanism, statements),
                "months": MONTHS,
                "approved_payable": approved["payable"] or Decimal(0),
                "approved_deductions": approved["deductions"] or Decimal(0),
                "approved_count": approved["count"],
            },
        )
    ]
