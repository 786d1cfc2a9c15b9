"""Reads for the risk pages, each in a fixed number of queries whatever the number of risks.

Views fetch the partnership through ``partnerships_visible_to`` first; everything here is scoped to that one
partnership. Bands come from the engine's scoring function (:func:`forbetter.calc.risk.score_band`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from forbetter.accounts.models import User
from forbetter.calc import risk as risk_engine
from forbetter.core.history import HistoryEntry, entry_for, history_of, merge_histories
from forbetter.partnerships.models import Partnership
from forbetter.risks import adapters
from forbetter.risks.models import (
    ActionStatus,
    Allocation,
    ExitAnalysis,
    OwnershipAction,
    OwnershipContact,
    OwnershipPlan,
    OwnershipTrigger,
    Risk,
    RiskAction,
    RiskCategory,
    RiskReview,
    RiskReviewItem,
    RiskStatus,
    SimulationInput,
    SimulationRun,
    SimulationTornadoBar,
)

BANDS = risk_engine.DEFAULT_SCORE_BANDS

# What of a risk a partner user never sees, on any page or in its history (docs/decisions/0008): the
# council's own notes and every figure in pounds or probability that prices the risk, because those feed the
# council's risk adjustment and comparator, which are confidential.
RISK_FIELDS_HIDDEN_FROM_PARTNER = (
    "council_notes",
    "actual_cost_gbp",
    "probability",
    "distribution",
    "impact_minimum_gbp",
    "impact_most_likely_gbp",
    "impact_maximum_gbp",
)
SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "number": ("Reference", ("number",)),
    "residual": ("Current score, highest first", ("-residual_score_value", "number")),
    "inherent": ("Score before controls, highest first", ("-inherent_score_value", "number")),
    "next_review": ("Next review date, soonest first", ("next_review_on", "number")),
    "category": ("Category", ("category__order", "number")),
    "title": ("Title", ("title", "number")),
}


@dataclass(frozen=True)
class RegisterFilters:
    category: RiskCategory | None = None
    allocation: str = ""
    status: str = ""
    band: str = ""
    owner: Any = None
    overdue: bool = False
    position: str = "residual"
    likelihood: int | None = None
    impact: int | None = None
    search: str = ""
    sort: str = "number"


def band_range(name: str) -> tuple[int, int] | None:
    """The lowest and highest score of the engine's band with this name ('very high' or 'very-high')."""
    for band in BANDS:
        if adapters.band_key(band.name) == adapters.band_key(name):
            return band.lowest, band.highest
    return None


def _scored(risks: QuerySet[Risk]) -> QuerySet[Risk]:
    return risks.annotate(
        inherent_score_value=F("inherent_likelihood") * F("inherent_impact"),
        residual_score_value=F("residual_likelihood") * F("residual_impact"),
    )


def _open_actions() -> Coalesce:
    """Open actions of each risk, counted by a subquery on the action table's risk index. A join and
    GROUP BY made PostgreSQL read every risk action in the database for one register page (and the
    paginator's count did it again); this reads only the listed risks' actions."""
    counted = (
        RiskAction.objects.filter(risk=OuterRef("pk"))
        .exclude(status=ActionStatus.DONE)
        .order_by()
        .values("risk")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def register(
    partnership: Partnership, filters: RegisterFilters | None = None, *, today: dt.date | None = None
) -> QuerySet[Risk]:
    """The partnership's risks with scores and open-action counts, filtered and sorted on the server."""
    filters = filters or RegisterFilters()
    today = today or dt.date.today()
    risks = _scored(
        Risk.objects.filter(partnership=partnership)
        .select_related("category", "owner")
        .annotate(open_actions=_open_actions())
    )
    if filters.category is not None:
        risks = risks.filter(category=filters.category)
    if filters.allocation:
        risks = risks.filter(allocation=filters.allocation)
    if filters.status:
        risks = risks.filter(status=filters.status)
    if filters.owner is not None:
        risks = risks.filter(owner=filters.owner)
    if filters.overdue:
        risks = risks.filter(status=RiskStatus.OPEN, next_review_on__lt=today)
    if filters.search:
        risks = risks.filter(Q(title__icontains=filters.search) | Q(description__icontains=filters.search))
    position = "inherent" if filters.position == "inherent" else "residual"
    if filters.band and (found := band_range(filters.band)) is not None:
        risks = risks.filter(**{f"{position}_score_value__range": found})
    if filters.likelihood is not None:
        risks = risks.filter(**{f"{position}_likelihood": filters.likelihood})
    if filters.impact is not None:
        risks = risks.filter(**{f"{position}_impact": filters.impact})
    return risks.order_by(*SORTS.get(filters.sort, SORTS["number"])[1])


def register_owners(partnership: Partnership) -> QuerySet[User]:
    """People who own at least one of the partnership's risks (for the owner filter)."""
    return User.objects.filter(risks__partnership=partnership).distinct().order_by("first_name", "last_name")


def people_for(partnership: Partnership) -> QuerySet[User]:
    """Active users of the partnership's councils, partner and joint-venture company: who may own a risk."""
    organisations = list(partnership.councils.values_list("pk", flat=True))
    organisations += [pk for pk in (partnership.partner_id, partnership.joint_venture_company_id) if pk]
    return User.objects.filter(is_active=True, organisation__in=organisations).order_by(
        "first_name", "last_name", "email"
    )


def council_people_for(partnership: Partnership) -> QuerySet[User]:
    """Active users of the partnership's councils: who may carry out a risk review."""
    return User.objects.filter(is_active=True, organisation__in=partnership.councils.all()).order_by(
        "first_name", "last_name", "email"
    )


@dataclass
class RegisterSummary:
    total: int
    open: int
    closed: int
    materialised: int
    overdue: int
    quantified_open: int


def register_summary(partnership: Partnership, *, today: dt.date | None = None) -> RegisterSummary:
    today = today or dt.date.today()
    open_risks = Q(status=RiskStatus.OPEN)
    counts = Risk.objects.filter(partnership=partnership).aggregate(
        total=Count("id"),
        open=Count("id", filter=open_risks),
        closed=Count("id", filter=Q(status=RiskStatus.CLOSED)),
        materialised=Count("id", filter=Q(status=RiskStatus.MATERIALISED)),
        overdue=Count("id", filter=open_risks & Q(next_review_on__lt=today)),
        quantified_open=Count("id", filter=open_risks & Q(probability__isnull=False)),
    )
    return RegisterSummary(**counts)


def risk_detail(partnership: Partnership, risk_pk: int) -> Risk:
    """One risk with its actions and the reviews that looked at it (raises Risk.DoesNotExist)."""
    return (
        Risk.objects.select_related("category", "owner", "partnership")
        .prefetch_related(
            Prefetch("actions", queryset=RiskAction.objects.select_related("owner")),
            Prefetch(
                "review_items",
                queryset=RiskReviewItem.objects.select_related("review", "review__reviewer").order_by(
                    "-review__reviewed_on", "-review__pk"
                ),
            ),
        )
        .get(partnership=partnership, pk=risk_pk)
    )


# ------------------------------------------------------------------------------------------------------
# Heat map
# ------------------------------------------------------------------------------------------------------


@dataclass
class HeatCell:
    likelihood: int
    impact: int
    count: int
    band: str

    @property
    def band_key(self) -> str:
        return adapters.band_key(self.band)

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


@dataclass
class HeatRow:
    likelihood: int
    label: str
    cells: list[HeatCell]


@dataclass
class HeatMap:
    position: str
    rows: list[HeatRow]
    total: int
    impacts: list[tuple[int, str]] = field(default_factory=list)
    by_band: list[tuple[str, str, int]] = field(default_factory=list)


def heat_map(partnership: Partnership, *, position: str) -> HeatMap:
    """Open risks counted by likelihood (rows, 5 at the top) and impact (columns), inherent or residual."""
    if position not in ("inherent", "residual"):
        raise ValueError(position)
    counts = {
        (row[f"{position}_likelihood"], row[f"{position}_impact"]): row["n"]
        for row in Risk.objects.filter(partnership=partnership, status=RiskStatus.OPEN)
        .values(f"{position}_likelihood", f"{position}_impact")
        .annotate(n=Count("id"))
        .order_by()
    }
    rows = []
    band_totals: dict[str, int] = defaultdict(int)
    for likelihood in range(5, 0, -1):
        cells = []
        for impact in range(1, 6):
            band = adapters.band(likelihood, impact).name
            count = counts.get((likelihood, impact), 0)
            band_totals[band] += count
            cells.append(HeatCell(likelihood, impact, count, band))
        rows.append(HeatRow(likelihood, risk_engine.likelihood_label(likelihood), cells))
    return HeatMap(
        position=position,
        rows=rows,
        total=sum(counts.values()),
        impacts=[(impact, risk_engine.impact_label(impact)) for impact in range(1, 6)],
        by_band=[(band.name, adapters.band_key(band.name), band_totals[band.name]) for band in BANDS],
    )


# ------------------------------------------------------------------------------------------------------
# Allocation matrix
# ------------------------------------------------------------------------------------------------------


@dataclass
class AllocationCell:
    allocation: str
    count: int = 0
    quantified: int = 0
    expected_gbp: float = 0.0
    council_expected_gbp: float = 0.0

    def add(self, other: AllocationCell) -> None:
        self.count += other.count
        self.quantified += other.quantified
        self.expected_gbp += other.expected_gbp
        self.council_expected_gbp += other.council_expected_gbp


@dataclass
class AllocationRow:
    category: RiskCategory | None
    cells: list[AllocationCell]
    total: AllocationCell


@dataclass
class AllocationMatrix:
    rows: list[AllocationRow]
    totals: list[AllocationCell]
    grand_total: AllocationCell


def _empty_cells() -> list[AllocationCell]:
    return [AllocationCell(allocation) for allocation in Allocation.values]


def allocation_matrix(partnership: Partnership) -> AllocationMatrix:
    """Open risks by category and allocation: counts and, for quantified risks, the expected cost
    (probability × mean impact, from the engine) and the council's part of it. Two queries."""
    fields = (
        "category_id",
        "number",
        "allocation",
        "council_share",
        "probability",
        "distribution",
        "impact_minimum_gbp",
        "impact_most_likely_gbp",
        "impact_maximum_gbp",
    )
    by_category: dict[int, list[AllocationCell]] = {}
    index = {allocation: position for position, allocation in enumerate(Allocation.values)}
    for row in (
        Risk.objects.filter(partnership=partnership, status=RiskStatus.OPEN).values(*fields).order_by()
    ):
        cell = by_category.setdefault(row["category_id"], _empty_cells())[index[row["allocation"]]]
        cell.count += 1
        if row["probability"] is not None:
            expected, council = adapters.expected_cost_gbp(
                adapters.quantified_risk(
                    reference=f"R{row['number']:03d}",
                    probability=row["probability"],
                    distribution=row["distribution"],
                    minimum_gbp=row["impact_minimum_gbp"],
                    most_likely_gbp=row["impact_most_likely_gbp"],
                    maximum_gbp=row["impact_maximum_gbp"],
                    allocation=row["allocation"],
                    council_share=row["council_share"],
                )
            )
            cell.quantified += 1
            cell.expected_gbp += expected
            cell.council_expected_gbp += council
    categories = RiskCategory.objects.filter(pk__in=by_category).order_by("order")
    rows: list[AllocationRow] = []
    totals = _empty_cells()
    grand_total = AllocationCell("all")
    for category in categories:
        cells = by_category[category.pk]
        total = AllocationCell("all")
        for position, cell in enumerate(cells):
            total.add(cell)
            totals[position].add(cell)
        grand_total.add(total)
        rows.append(AllocationRow(category, cells, total))
    return AllocationMatrix(rows=rows, totals=totals, grand_total=grand_total)


# ------------------------------------------------------------------------------------------------------
# Reviews
# ------------------------------------------------------------------------------------------------------


def reviews_due(partnership: Partnership, *, today: dt.date | None = None) -> QuerySet[Risk]:
    """Open risks whose review is overdue or due within ``DUE_SOON_DAYS``, most overdue first."""
    today = today or dt.date.today()
    return (
        _scored(Risk.objects.filter(partnership=partnership, status=RiskStatus.OPEN))
        .filter(next_review_on__lte=today + dt.timedelta(days=settings.DUE_SOON_DAYS))
        .select_related("category", "owner")
        .order_by("next_review_on", "number")
    )


def open_risks_for_review(partnership: Partnership) -> QuerySet[Risk]:
    """The open risks, soonest review first: the rows of the review form, which shows them a page at a time
    (DESIGN section 7: a register of hundreds of risks must not become one form of hundreds of rows)."""
    return (
        Risk.objects.filter(partnership=partnership, status=RiskStatus.OPEN)
        .select_related("owner")
        .order_by("next_review_on", "number")
    )


def review_list(partnership: Partnership) -> QuerySet[RiskReview]:
    changed = ~Q(items__previous_likelihood=F("items__new_likelihood")) | ~Q(
        items__previous_impact=F("items__new_impact")
    )
    return (
        RiskReview.objects.filter(partnership=partnership)
        .select_related("reviewer")
        .annotate(risk_count=Count("items"), changed_count=Count("items", filter=changed))
        .order_by("-reviewed_on", "-pk")
    )


def review_detail(partnership: Partnership, review_pk: int) -> RiskReview:
    return (
        RiskReview.objects.select_related("reviewer")
        .prefetch_related(Prefetch("items", queryset=RiskReviewItem.objects.select_related("risk")))
        .get(partnership=partnership, pk=review_pk)
    )


def ownership_plan(partnership: Partnership) -> OwnershipPlan | None:
    return (
        OwnershipPlan.objects.filter(partnership=partnership)
        .prefetch_related("triggers", "actions", "contacts")
        .first()
    )


def ownership_plan_history(plan: OwnershipPlan) -> list[HistoryEntry]:
    """The plan's own changes merged with its triggers, actions and contacts being added, changed or
    removed, newest first. Council-only, like the plan (docs/decisions/0008)."""
    item_entries: list[HistoryEntry] = []
    for model, noun in (
        (OwnershipTrigger, "Trigger"),
        (OwnershipAction, "Action"),
        (OwnershipContact, "Contact"),
    ):
        rows = model.history.filter(plan_id=plan.pk).select_related("history_user").order_by("-history_date")
        verbs = {"+": "added", "~": "changed", "-": "removed"}
        for row in rows[:200]:
            label = str(row.instance)
            item_entries.append(entry_for(row, f"{noun} {verbs.get(row.history_type, 'changed')}", label))
    return merge_histories(history_of(plan), item_entries)


# ------------------------------------------------------------------------------------------------------
# Monte Carlo runs and exit analysis (council-confidential)
# ------------------------------------------------------------------------------------------------------


def simulation_runs(partnership: Partnership) -> QuerySet[SimulationRun]:
    return (
        SimulationRun.objects.filter(partnership=partnership)
        .select_related("requested_by")
        .annotate(risk_count=Count("inputs"))
        .order_by("-requested_at", "-pk")
    )


def simulation_run_detail(partnership: Partnership, run_pk: int) -> SimulationRun:
    """The run with the number of risks it simulated (``input_count``); its inputs and tornado are read a
    page at a time (:func:`simulation_inputs`, :func:`simulation_tornado`), never all at once."""
    return (
        SimulationRun.objects.select_related("requested_by", "partnership")
        .annotate(
            input_count=Coalesce(
                Subquery(
                    SimulationInput.objects.filter(run=OuterRef("pk"))
                    .order_by()
                    .values("run")
                    .annotate(count=Count("pk"))
                    .values("count")[:1]
                ),
                Value(0),
            )
        )
        .get(partnership=partnership, pk=run_pk)
    )


def simulation_inputs(run: SimulationRun) -> QuerySet[SimulationInput]:
    """The risks a run simulated, in the order they were copied (the register's order)."""
    return SimulationInput.objects.filter(run=run).order_by("pk")


def simulation_tornado(run: SimulationRun) -> QuerySet[SimulationTornadoBar]:
    """Every risk's rank correlation with the run's total, strongest first, with the risk it is about."""
    return SimulationTornadoBar.objects.filter(run=run).select_related("input").order_by("rank", "pk")


def latest_finished_run(partnership: Partnership) -> SimulationRun | None:
    return (
        SimulationRun.objects.filter(partnership=partnership, status="finished")
        .order_by("-finished_at", "-pk")
        .first()
    )


def exit_analysis(partnership: Partnership) -> ExitAnalysis | None:
    return (
        ExitAnalysis.objects.filter(partnership=partnership)
        .select_related("updated_by")
        .prefetch_related("break_years", "route_terms", "compensation")
        .first()
    )
