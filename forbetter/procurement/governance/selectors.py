"""What the governance part's pages read: each list is one partnership's, paged, in a fixed number of
queries whatever its length."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from forbetter.calc.procurement_trust import (
    DEFAULT_CONTINUITY_THRESHOLD,
    Continuity,
    MeetingBalance,
    continuity,
    meeting_balance,
)
from forbetter.partnerships.models import Partnership
from forbetter.procurement.models import (
    Bidder,
    BidderMeeting,
    BriefingConcern,
    CouncilRiskAllocation,
    GovernanceChoice,
    GovernanceOption,
    HeadsOfServiceBriefing,
    KeyPerson,
    ReviewPoint,
    ReviewPointPosition,
    RiskAllocationPosition,
    RoundEntry,
    RoundOutcome,
)
from forbetter.risks.models import Allocation, Risk, RiskCategory

LEFT_COMPETITION = (RoundOutcome.DESELECTED, RoundOutcome.WITHDREW)


def continuity_threshold() -> Decimal:
    """The share of key people below which continuity is warned (setting PROCUREMENT_CONTINUITY_WARNING_BELOW,
    a share from 0 to 1; 0.5 unless set)."""
    return Decimal(
        str(getattr(settings, "PROCUREMENT_CONTINUITY_WARNING_BELOW", DEFAULT_CONTINUITY_THRESHOLD))
    )


def bidders_with_standing(partnership: Partnership) -> QuerySet[Any]:
    """The partnership's bidders, each marked ``left`` (deselected or withdrew in some round) and
    ``preferred`` (the preferred bidder in some round)."""
    entries = RoundEntry.objects.filter(bidder=OuterRef("pk"))
    return Bidder.objects.filter(partnership=partnership).annotate(
        left=Exists(entries.filter(outcome__in=LEFT_COMPETITION)),
        preferred=Exists(entries.filter(outcome=RoundOutcome.PREFERRED)),
    )


def competing_bidders(partnership: Partnership) -> list[Any]:
    """The bidders still in the competition (never deselected, never withdrew), by name."""
    return list(bidders_with_standing(partnership).filter(left=False).order_by("name"))


# -------------------------------------------------------------------------------------------------------
# Governance options


def governance_options(partnership: Partnership) -> QuerySet[GovernanceOption]:
    return (
        GovernanceOption.objects.filter(partnership=partnership).select_related("proposed_by").order_by("pk")
    )


def governance_choice(partnership: Partnership) -> GovernanceChoice | None:
    return (
        GovernanceChoice.objects.filter(partnership=partnership).select_related("option", "chosen_by").first()
    )


def cost_over_term(option: GovernanceOption, term_years: int | None) -> Decimal | None:
    """Set-up cost plus the annual running cost for each year of the term, not discounted."""
    if not term_years:
        return None
    return option.setup_cost_gbp + option.annual_running_cost_gbp * term_years


# -------------------------------------------------------------------------------------------------------
# Continuity of key people


@dataclass(frozen=True)
class BidContinuity:
    bidder: Bidder
    people: list[KeyPerson]
    result: Continuity
    shown: bool
    """Continuity is shown for the preferred bidder and any bidder with delivery-team data."""


def is_awarded(partnership: Partnership) -> bool:
    """The contract counts as awarded once the partnership is in contract management."""
    return partnership.contract_management_began_on is not None


def continuity_page(partnership: Partnership, bidders: Any) -> list[BidContinuity]:
    """Continuity for each bidder on a page of ``bidders`` (from :func:`bidders_with_standing`)."""
    awarded = is_awarded(partnership)
    threshold = continuity_threshold()
    found = []
    for bidder in bidders:
        people = list(bidder.key_people.all())
        result = continuity(
            [person.in_delivery_team for person in people], awarded=awarded, threshold=threshold
        )
        found.append(BidContinuity(bidder, people, result, shown=bool(bidder.preferred or result.recorded)))
    return found


def continuity_bidders(partnership: Partnership) -> QuerySet[Any]:
    return (
        bidders_with_standing(partnership)
        .prefetch_related(Prefetch("key_people", queryset=KeyPerson.objects.order_by("pk")))
        .order_by("-preferred", "name")
    )


# -------------------------------------------------------------------------------------------------------
# Meetings


def meetings(partnership: Partnership) -> QuerySet[BidderMeeting]:
    return (
        BidderMeeting.objects.filter(partnership=partnership)
        .select_related("bidder")
        .order_by("-held_on", "-pk")
    )


@dataclass(frozen=True)
class MeetingCount:
    bidder: Bidder
    count: int
    flagged: bool
    competing: bool


def meeting_counts(partnership: Partnership) -> tuple[list[MeetingCount], MeetingBalance]:
    """Meetings per bidder; rule TR-MEETINGS-EQUAL over the bidders still in the competition."""
    bidders = list(
        bidders_with_standing(partnership).annotate(meeting_count=Count("meetings")).order_by("name")
    )
    balance = meeting_balance({b.name: b.meeting_count for b in bidders if not b.left})
    rows = [
        MeetingCount(b, b.meeting_count, b.name in balance.flagged, competing=not b.left) for b in bidders
    ]
    return rows, balance


# -------------------------------------------------------------------------------------------------------
# Briefings


def briefings(partnership: Partnership) -> QuerySet[HeadsOfServiceBriefing]:
    return (
        HeadsOfServiceBriefing.objects.filter(partnership=partnership)
        .prefetch_related("services", Prefetch("concerns", queryset=BriefingConcern.objects.order_by("pk")))
        .order_by("-held_on", "-pk")
    )


def open_concern_count(partnership: Partnership) -> int:
    return BriefingConcern.objects.filter(briefing__partnership=partnership, answer="").count()


# -------------------------------------------------------------------------------------------------------
# Positions: review points and risk allocation


def position_bidders(partnership: Partnership) -> list[Any]:
    """The bidders whose positions are compared: those still in the competition and any with a position."""
    has_position = Q(review_positions__isnull=False) | Q(risk_positions__isnull=False)
    return list(
        bidders_with_standing(partnership).filter(Q(left=False) | has_position).distinct().order_by("name")
    )


@dataclass(frozen=True)
class ReviewRow:
    point: ReviewPoint
    cells: list[ReviewPointPosition | None]
    """One cell per bidder, in the order of the page's bidders (None: no position recorded)."""


def review_points(partnership: Partnership) -> QuerySet[ReviewPoint]:
    return ReviewPoint.objects.filter(partnership=partnership).order_by("contract_year", "pk")


def review_rows(points: Any, bidders: list[Bidder]) -> list[ReviewRow]:
    points = list(points)
    positions = {
        (position.review_point_id, position.bidder_id): position
        for position in ReviewPointPosition.objects.filter(review_point__in=points).select_related("bidder")
    }
    return [
        ReviewRow(point, [positions.get((point.pk, bidder.pk)) for bidder in bidders]) for point in points
    ]


@dataclass(frozen=True)
class CouncilAllocation:
    """The council's proposed allocation of a category: from its risk register where it has risks in the
    category, else as recorded (``recorded``), else unknown."""

    allocation: str | None
    label: str
    source: str
    recorded: CouncilRiskAllocation | None = None


@dataclass(frozen=True)
class RiskCell:
    position: RiskAllocationPosition | None
    differs: bool
    """The bidder's allocation is not the council's (never when the council's is mixed or not recorded)."""


@dataclass(frozen=True)
class RiskRow:
    category: RiskCategory
    council: CouncilAllocation
    cells: list[RiskCell]


def allocation_categories(partnership: Partnership) -> QuerySet[RiskCategory]:
    """The categories with something to compare: risks in the register, a recorded council allocation or a
    bidder's position."""
    return RiskCategory.objects.filter(
        Q(pk__in=Risk.objects.filter(partnership=partnership).values("category"))
        | Q(pk__in=CouncilRiskAllocation.objects.filter(partnership=partnership).values("category"))
        | Q(pk__in=RiskAllocationPosition.objects.filter(bidder__partnership=partnership).values("category"))
    ).order_by("order")


def _council_allocation(counts: dict[str, int], recorded: CouncilRiskAllocation | None) -> CouncilAllocation:
    labels = dict(Allocation.choices)
    if counts:
        total = sum(counts.values())
        if len(counts) == 1:
            allocation = next(iter(counts))
            return CouncilAllocation(
                allocation,
                str(labels[allocation]),
                f"from the risk register ({total} risk{'s' * (total != 1)})",
            )
        parts = ", ".join(f"{count} {labels[key].lower()}" for key, count in sorted(counts.items()))
        return CouncilAllocation(None, "Mixed", f"from the risk register ({parts})")
    if recorded is not None:
        return CouncilAllocation(
            recorded.allocation,
            str(labels[recorded.allocation]),
            "recorded (no risks in the register)",
            recorded,
        )
    return CouncilAllocation(None, "Not recorded", "no risks in the register and none recorded")


def risk_rows(partnership: Partnership, categories: Any, bidders: list[Bidder]) -> list[RiskRow]:
    categories = list(categories)
    counts: dict[int, dict[str, int]] = {}
    for row in (
        Risk.objects.filter(partnership=partnership, category__in=categories)
        .values("category", "allocation")
        .annotate(n=Count("pk"))
    ):
        counts.setdefault(row["category"], {})[row["allocation"]] = row["n"]
    recorded = {
        item.category_id: item
        for item in CouncilRiskAllocation.objects.filter(partnership=partnership, category__in=categories)
    }
    positions = {
        (position.category_id, position.bidder_id): position
        for position in RiskAllocationPosition.objects.filter(
            bidder__in=bidders, category__in=categories
        ).select_related("bidder")
    }
    rows = []
    for category in categories:
        council = _council_allocation(counts.get(category.pk, {}), recorded.get(category.pk))
        cells = []
        for bidder in bidders:
            position = positions.get((category.pk, bidder.pk))
            # A mixed or unknown council allocation has nothing single to differ from.
            differs = (
                position is not None
                and council.allocation is not None
                and position.allocation != council.allocation
            )
            cells.append(RiskCell(position, differs))
        rows.append(RiskRow(category, council, cells))
    return rows
