"""Reads for board packs: the runs a user may see, and the portfolio summary's rows (each figure from the
same selector as the page that shows it)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum

from forbetter.accounts.permissions import can_see_confidential
from forbetter.partnerships import selectors as partnership_selectors
from forbetter.partnerships.models import Partnership, Stage
from forbetter.reports.models import PackKind, PackRun


def pack_partnership(pk: int) -> Partnership:
    return (
        Partnership.objects.select_related("partner", "joint_venture_company")
        .prefetch_related("councils", "services")
        .get(pk=pk)
    )


def _listed(runs: QuerySet[PackRun]) -> QuerySet[PackRun]:
    return runs.defer("pdf").select_related("requested_by")


def runs_for(partnership: Partnership, user: Any) -> QuerySet[PackRun]:
    """The partnership's board packs this user may open: partner users see only packs made for them."""
    runs = PackRun.objects.filter(kind=PackKind.BOARD, partnership=partnership)
    if not can_see_confidential(user):
        runs = runs.filter(partner_view=True)
    return _listed(runs)


def portfolio_runs_for(user: Any) -> QuerySet[PackRun]:
    """The user's own portfolio summaries (a summary covers what its requester sees, so it is theirs)."""
    return _listed(PackRun.objects.filter(kind=PackKind.PORTFOLIO, requested_by=user))


@dataclass
class PortfolioRow:
    partnership: Partnership
    stage_done: int
    stage_applicable: int
    kpis_met: int
    kpis_approaching: int
    kpis_failed: int
    kpis_in_use: int
    top_risks: list[Any]
    payable_gbp: Decimal
    statements: int


def portfolio_rows(user: Any) -> list[PortfolioRow]:
    """One row per partnership the user sees: its stage's framework progress (as on the overview), its KPI
    statuses (as on the KPI dashboard), its three highest-scoring open risks (as the register sorts them)
    and the total payable on approved payment statements."""
    from forbetter.payments.models import PaymentStatement, StatementStatus
    from forbetter.performance import selectors as performance
    from forbetter.risks import selectors as risks
    from forbetter.risks.models import RiskStatus

    rows = []
    partnerships = partnership_selectors.partnerships_visible_to(user).select_related("partner")
    for partnership in partnerships.order_by("name"):
        progress = partnership_selectors.stage_progress(partnership)
        stage = partnership.stage if partnership.stage != Stage.ENDED else Stage.CONTRACT_MANAGEMENT
        counts = progress.get(stage, {"done": 0, "applicable": 0})
        board = performance.dashboard(partnership)
        register = risks.register(partnership, risks.RegisterFilters(status=RiskStatus.OPEN, sort="residual"))
        paid = PaymentStatement.objects.filter(
            partnership=partnership, status=StatementStatus.APPROVED
        ).aggregate(total=Sum("payable_gbp"), count=Count("pk"))
        rows.append(
            PortfolioRow(
                partnership=partnership,
                stage_done=counts["done"],
                stage_applicable=counts["applicable"],
                kpis_met=board.met,
                kpis_approaching=board.approaching,
                kpis_failed=board.failed,
                kpis_in_use=board.in_use,
                top_risks=list(register[:3]),
                payable_gbp=paid["total"] or Decimal(0),
                statements=paid["count"] or 0,
            )
        )
    return rows
