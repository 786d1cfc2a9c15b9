"""Reads for the competition pages: the plan's state, flags on milestones, notices and conflicts, and
competitive pressure per round. Each list is a queryset the page paginates; summaries are a few counts.

=====================  ==================================================================================
rule                   what it says
=====================  ==================================================================================
MILESTONE-OVERDUE      a milestone whose planned date has passed with no actual date is overdue
NOTICE-OVERDUE         a notice whose planned date has passed but is not published is overdue
CONFLICT-BEFORE-TENDER a declaration made on or before the tender notice (UK4 under the Act, the contract
                       notice under the Regulations) was published must have been assessed by then
                       (Procurement Act 2023 s.83: a conflicts assessment before the tender notice)
CONFLICT-UNDER-REVIEW  an assessed declaration not reviewed (or assessed) in the last 6 months is flagged:
                       conflicts are kept under review (s.83)
=====================  ==================================================================================
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q, QuerySet

from forbetter.calc.competition import RoundCount, RoundPressure, competitive_pressure
from forbetter.partnerships.models import Partnership
from forbetter.procurement.competition import services
from forbetter.procurement.models import (
    Bidder,
    ConflictDeclaration,
    ConflictOutcome,
    DialogueRound,
    Milestone,
    ProcurementNotice,
    ProcurementPlan,
    RoundOutcome,
)

REVIEW_MONTHS = 6


def plan(partnership: Partnership) -> ProcurementPlan | None:
    return ProcurementPlan.objects.filter(partnership=partnership).first()


def milestones(partnership: Partnership) -> QuerySet[Milestone]:
    return Milestone.objects.filter(partnership=partnership).order_by("planned_on", "pk")


def notices(partnership: Partnership) -> QuerySet[ProcurementNotice]:
    return ProcurementNotice.objects.filter(partnership=partnership).order_by("planned_on", "pk")


def bidders(partnership: Partnership) -> QuerySet[Bidder]:
    return (
        Bidder.objects.filter(partnership=partnership)
        .select_related("organisation")
        .annotate(rounds_entered=Count("round_entries"))
        .order_by("name")
    )


def rounds(partnership: Partnership) -> QuerySet[DialogueRound]:
    """Rounds in order, each with its entries (and their bidders) prefetched and its counts annotated."""
    return (
        DialogueRound.objects.filter(partnership=partnership)
        .annotate(
            taking_part=Count("entries", filter=~Q(entries__outcome=RoundOutcome.WITHDREW)),
            withdrew=Count("entries", filter=Q(entries__outcome=RoundOutcome.WITHDREW)),
        )
        .prefetch_related("entries__bidder")
        .order_by("number")
    )


def pressure(round_rows: Any) -> list[RoundPressure]:
    """Competitive pressure of the rounds given (annotated by :func:`rounds`)."""
    return competitive_pressure(RoundCount(r.number, r.name, r.taking_part, r.withdrew) for r in round_rows)


def all_pressure(partnership: Partnership) -> list[RoundPressure]:
    """Competitive pressure of every round of the partnership, in one query."""
    rows = (
        DialogueRound.objects.filter(partnership=partnership)
        .annotate(
            taking_part=Count("entries", filter=~Q(entries__outcome=RoundOutcome.WITHDREW)),
            withdrew=Count("entries", filter=Q(entries__outcome=RoundOutcome.WITHDREW)),
        )
        .order_by("number")
    )
    return pressure(rows)


def tender_notice_published_on(partnership: Partnership) -> dt.date | None:
    """When the tender notice (UK4 under the Act; the contract notice under the Regulations) was first
    published, or None."""
    kind = services.TENDER_NOTICES.get(services.regime_of(partnership) or "")
    if kind is None:
        return None
    first = (
        ProcurementNotice.objects.filter(
            partnership=partnership, notice_type=kind, published_on__isnull=False
        )
        .order_by("published_on")
        .values_list("published_on", flat=True)
        .first()
    )
    return first


@dataclass(frozen=True)
class ConflictFlags:
    awaiting_assessment: bool
    not_assessed_before_tender: bool
    review_overdue: bool
    review_due_by: dt.date | None

    @property
    def any(self) -> bool:
        return self.awaiting_assessment or self.not_assessed_before_tender or self.review_overdue


def conflict_flags(
    declaration: ConflictDeclaration, tender_published_on: dt.date | None, today: dt.date
) -> ConflictFlags:
    """Rules CONFLICT-BEFORE-TENDER and CONFLICT-UNDER-REVIEW for one declaration."""
    assessed = declaration.outcome != ConflictOutcome.NOT_ASSESSED
    before_tender = (
        tender_published_on is not None
        and declaration.declared_on <= tender_published_on
        and (not assessed or declaration.assessed_on is None or declaration.assessed_on > tender_published_on)
    )
    last = declaration.last_reviewed_on or declaration.assessed_on
    due_by = last + relativedelta(months=REVIEW_MONTHS) if assessed and last else None
    return ConflictFlags(
        awaiting_assessment=not assessed,
        not_assessed_before_tender=before_tender,
        review_overdue=due_by is not None and due_by < today,
        review_due_by=due_by,
    )


def conflicts(partnership: Partnership) -> QuerySet[ConflictDeclaration]:
    return (
        ConflictDeclaration.objects.filter(partnership=partnership)
        .select_related("person", "bidder", "assessed_by")
        .order_by("declared_on", "pk")
    )


def flagged(
    rows: Any, partnership: Partnership, today: dt.date
) -> list[tuple[ConflictDeclaration, ConflictFlags]]:
    tender = tender_notice_published_on(partnership)
    return [(row, conflict_flags(row, tender, today)) for row in rows]


@dataclass(frozen=True)
class ConflictSummary:
    total: int
    awaiting_assessment: int
    not_assessed_before_tender: int
    review_overdue: int
    barring: int
    tender_published_on: dt.date | None


def conflict_summary(partnership: Partnership, today: dt.date) -> ConflictSummary:
    """Counts for the overview and the register's top (one query for the declarations' dates)."""
    tender = tender_notice_published_on(partnership)
    rows = list(
        ConflictDeclaration.objects.filter(partnership=partnership).only(
            "declared_on", "assessed_on", "last_reviewed_on", "outcome", "bidder_id"
        )
    )
    flags = [conflict_flags(row, tender, today) for row in rows]
    return ConflictSummary(
        total=len(rows),
        awaiting_assessment=sum(f.awaiting_assessment for f in flags),
        not_assessed_before_tender=sum(f.not_assessed_before_tender for f in flags),
        review_overdue=sum(f.review_overdue for f in flags),
        barring=sum(row.bars_scoring for row in rows),
        tender_published_on=tender,
    )


@dataclass(frozen=True)
class TimetableSummary:
    milestones: int
    done: int
    overdue: int
    next_due: Milestone | None
    notices_published: int
    notices_planned: int
    notices_overdue: int


def timetable_summary(partnership: Partnership, today: dt.date) -> TimetableSummary:
    counts = Milestone.objects.filter(partnership=partnership).aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(actual_on__isnull=False)),
        overdue=Count("pk", filter=Q(actual_on__isnull=True, planned_on__lt=today)),
    )
    next_due = (
        Milestone.objects.filter(partnership=partnership, actual_on__isnull=True, planned_on__gte=today)
        .order_by("planned_on", "pk")
        .first()
    )
    notice_counts = ProcurementNotice.objects.filter(partnership=partnership).aggregate(
        published=Count("pk", filter=Q(published_on__isnull=False)),
        planned=Count("pk", filter=Q(published_on__isnull=True)),
        overdue=Count("pk", filter=Q(published_on__isnull=True, planned_on__lt=today)),
    )
    return TimetableSummary(
        milestones=counts["total"],
        done=counts["done"],
        overdue=counts["overdue"],
        next_due=next_due,
        notices_published=notice_counts["published"],
        notices_planned=notice_counts["planned"],
        notices_overdue=notice_counts["overdue"],
    )


@dataclass(frozen=True)
class Standstill:
    starts_on: dt.date | None
    ends_on: dt.date | None
    days: int | None
    default: tuple[int, str] | None
    state: str


def standstill(partnership: Partnership, found: ProcurementPlan | None, today: dt.date) -> Standstill:
    default = services.default_standstill(partnership)
    if found is None or found.standstill_starts_on is None:
        return Standstill(None, None, found.standstill_days if found else None, default, "not planned")
    ends = found.standstill_ends_on
    if today < found.standstill_starts_on:
        state = "planned"
    elif ends is not None and today > ends:
        state = "ended"
    else:
        state = "running"
    return Standstill(found.standstill_starts_on, ends, found.standstill_days, default, state)
