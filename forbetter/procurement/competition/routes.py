"""Who may use each URL of the procurement area's competition part, the records that address them, and the
part's evidence providers (combined by forbetter/procurement/area.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from forbetter.core.areas import Route, Who, confirm, first_pk, form, page
from forbetter.partnerships.models import Partnership
from forbetter.procurement import examples as shared
from forbetter.procurement.competition.evidence_providers import procurement_plans, procurement_rounds
from forbetter.procurement.models import (
    ConflictDeclaration,
    DialogueRound,
    Milestone,
    NoticeType,
    Procedure,
    ProcurementNotice,
    ProcurementPlan,
    RoundEntry,
)

COUNCIL = Who.COUNCIL


def _milestone(partnership: Partnership) -> dict[str, int]:
    return {"milestone_pk": first_pk(Milestone.objects.filter(partnership=partnership), "milestone")}


def _notice(partnership: Partnership) -> dict[str, int]:
    return {"notice_pk": first_pk(ProcurementNotice.objects.filter(partnership=partnership), "notice")}


def _bidder(partnership: Partnership) -> dict[str, int]:
    from forbetter.procurement.models import Bidder

    return {"bidder_pk": first_pk(Bidder.objects.filter(partnership=partnership), "bidder")}


def _round(partnership: Partnership) -> dict[str, int]:
    return {"round_pk": first_pk(DialogueRound.objects.filter(partnership=partnership), "round")}


def _entry(partnership: Partnership) -> dict[str, int]:
    entries = RoundEntry.objects.filter(round__partnership=partnership)
    entry_pk = first_pk(entries, "round entry")
    return {"round_pk": entries.get(pk=entry_pk).round_id, "entry_pk": entry_pk}


def _conflict(partnership: Partnership) -> dict[str, int]:
    found = ConflictDeclaration.objects.filter(partnership=partnership)
    return {"conflict_pk": first_pk(found, "conflict-of-interest declaration")}


ROUTES: tuple[Route, ...] = (
    page("overview", reads=COUNCIL),
    page("plan", reads=COUNCIL),
    form("plan-edit"),
    form("milestone-create"),
    form("milestone-edit", kwargs=_milestone),
    confirm("milestone-remove", kwargs=_milestone),
    form("notice-create"),
    form("notice-edit", kwargs=_notice),
    confirm("notice-remove", kwargs=_notice),
    page("rounds", reads=COUNCIL),
    form("bidder-create"),
    form("bidder-edit", kwargs=_bidder),
    form("round-create"),
    form("round-edit", kwargs=_round),
    form("round-entry-create", kwargs=_round),
    form("round-entry-edit", kwargs=_entry),
    confirm("round-entry-remove", kwargs=_entry),
    page("conflicts", reads=COUNCIL),
    form("conflict-declare"),
    form("conflict-assess", kwargs=_conflict),
    form("conflict-review", kwargs=_conflict),
)

EVIDENCE: tuple[Callable[[Any], Iterable[Any]], ...] = (procurement_rounds, procurement_plans)


def examples(partnership: Any, user: Any, today: dt.date | None = None) -> None:
    """A plan, a milestone, a notice, a bidder in a round and a declared interest (straight to the tables:
    the services want a regime recorded and a council user of the partnership)."""
    today = today or dt.date.today()
    shared.dialogue_round(partnership, today)
    ProcurementPlan.objects.get_or_create(
        partnership=partnership, defaults={"procedure": Procedure.ACT_COMPETITIVE_FLEXIBLE}
    )
    if not Milestone.objects.filter(partnership=partnership).exists():
        Milestone.objects.create(partnership=partnership, name="Tender notice published", planned_on=today)
    if not ProcurementNotice.objects.filter(partnership=partnership).exists():
        ProcurementNotice.objects.create(
            partnership=partnership, notice_type=NoticeType.UK4, planned_on=today
        )
    if not ConflictDeclaration.objects.filter(partnership=partnership).exists():
        ConflictDeclaration.objects.create(
            partnership=partnership,
            person=user,
            bidder=shared.bidder(partnership, today),
            interest="A relative works for the bidder",
            declared_on=today,
        )
