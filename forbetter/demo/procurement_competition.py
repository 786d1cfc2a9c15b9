"""Demo records of the procurement area's competition part, on the procurement-stage partnership (under the
Procurement Act 2023): the plan (competitive flexible procedure with dialogue rounds), its milestones and
notices, the standstill planned, and three declared interests (one excluding Gareth Hughes from scoring
Meridian Public Services Ltd, one not yet assessed, one found to be no conflict)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta

from forbetter.calc.competition import act_standstill_end
from forbetter.demo.partnerships import PROCUREMENT
from forbetter.partnerships.models import Partnership
from forbetter.procurement.models import (
    ConflictDeclaration,
    ConflictOutcome,
    Milestone,
    NoticeType,
    Procedure,
    ProcurementNotice,
    ProcurementPlan,
)

PROCEDURE_REASON = (
    "The councils need bidders to propose how the shared back office would be run, so the competitive "
    "flexible procedure is used with dialogue rounds (outline, then detailed solutions) before final tenders "
    "(Procurement Act 2023 s.20)."
)


def seed(
    people: dict[str, Any], partnerships_by_name: dict[str, Partnership], *, today: dt.date | None = None
) -> None:
    """Seed this part's demo records where they are missing (idempotent)."""
    from forbetter.demo.procurement import MERIDIAN, competition

    partnership = partnerships_by_name.get(PROCUREMENT)
    if partnership is None:
        return
    today = today or dt.date.today()
    bidders = competition(partnership, today=today).bidders
    began = partnership.procurement_began_on or today - relativedelta(months=10)
    editor = people["editor@ashcombe.example"]
    award_notice_on = today + relativedelta(weeks=4)
    # The standstill begins with the day the contract award notice (UK6) is published.
    standstill_starts = award_notice_on + dt.timedelta(days=(7 - award_notice_on.weekday()) % 7)

    if not ProcurementPlan.objects.filter(partnership=partnership).exists():
        plan = ProcurementPlan(
            partnership=partnership,
            procedure=Procedure.ACT_COMPETITIVE_FLEXIBLE,
            procedure_reason=PROCEDURE_REASON,
            standstill_days=8,
            standstill_starts_on=standstill_starts,
            standstill_ends_on=act_standstill_end(standstill_starts),
            notes="Award recommendation to both councils' cabinets before the contract award notice.",
        )
        plan._history_user = editor  # type: ignore[attr-defined]
        plan.save()

    if not Milestone.objects.filter(partnership=partnership).exists():
        for name, planned, actual in (
            (
                "Preliminary market engagement",
                began - relativedelta(months=2),
                began - relativedelta(months=2),
            ),
            ("Tender notice published", began + relativedelta(weeks=2), began + relativedelta(weeks=2)),
            (
                "Conditions of participation assessed",
                began + relativedelta(months=1, weeks=2),
                began + relativedelta(months=1, weeks=3),
            ),
            (
                "Round 1 dialogue (outline solutions) closes",
                began + relativedelta(months=4),
                began + relativedelta(months=4),
            ),
            (
                "Round 2 dialogue (detailed solutions) closes",
                began + relativedelta(months=7),
                began + relativedelta(months=7),
            ),
            ("Final tenders received", today - relativedelta(weeks=2), None),
            ("Award decision by both cabinets", today + relativedelta(weeks=3), None),
            ("Contract signed", standstill_starts + relativedelta(weeks=3), None),
        ):
            milestone = Milestone(partnership=partnership, name=name, planned_on=planned, actual_on=actual)
            milestone._history_user = editor  # type: ignore[attr-defined]
            milestone.save()

    if not ProcurementNotice.objects.filter(partnership=partnership).exists():
        for kind, planned, published in (
            (NoticeType.UK2, began - relativedelta(months=3), began - relativedelta(months=3)),
            (NoticeType.UK3, began - relativedelta(weeks=6), began - relativedelta(weeks=6)),
            (NoticeType.UK4, began + relativedelta(weeks=2), began + relativedelta(weeks=2)),
            (NoticeType.UK6, award_notice_on, None),
            (NoticeType.UK7, standstill_starts + relativedelta(weeks=4), None),
        ):
            notice = ProcurementNotice(
                partnership=partnership,
                notice_type=kind,
                planned_on=planned,
                published_on=published,
                reference=f"{published:%Y}/S 000-0{kind.value[-1]}{published:%m%d}" if published else "",
            )
            notice._history_user = editor  # type: ignore[attr-defined]
            notice.save()

    if not ConflictDeclaration.objects.filter(partnership=partnership).exists():
        tender_on = began + relativedelta(weeks=2)
        gareth = people["gareth.hughes@marlcaster.example"]
        fatima = people["fatima.begum@ashcombe.example"]
        chris = people["chris.morgan@ashcombe.example"]
        for values in (
            {
                "person": gareth,
                "bidder": bidders[MERIDIAN],
                "interest": "My brother-in-law is a director of Meridian Public Services Ltd.",
                "declared_on": tender_on - relativedelta(weeks=3),
                "assessed_on": tender_on - relativedelta(weeks=2),
                "assessed_by": editor,
                "outcome": ConflictOutcome.CONFLICT_EXCLUDED,
                "last_reviewed_on": today - relativedelta(months=2),
            },
            {
                "person": chris,
                "bidder": None,
                "interest": "I hold a few shares, through a pension fund, in a company that supplies "
                "revenues software to councils.",
                "declared_on": tender_on - relativedelta(weeks=3),
                "assessed_on": tender_on - relativedelta(weeks=1),
                "assessed_by": editor,
                "outcome": ConflictOutcome.NO_CONFLICT,
                "last_reviewed_on": today - relativedelta(months=1),
            },
            {
                "person": fatima,
                "bidder": bidders[MERIDIAN],
                "interest": "I worked for Meridian Public Services Ltd until four years ago and still have "
                "friends on its bid team.",
                "declared_on": today - relativedelta(weeks=1),
                "outcome": ConflictOutcome.NOT_ASSESSED,
            },
        ):
            declaration = ConflictDeclaration(partnership=partnership, **values)
            declaration._history_user = editor  # type: ignore[attr-defined]
            declaration.save()
