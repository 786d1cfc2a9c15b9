"""Reads for the KPI pages. Each runs a fixed number of queries whatever the number of KPIs and periods.

Statuses, shares met, ratings and benchmark positions all come from the engine through
:mod:`forbetter.performance.adapters`; only validated returns count.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce

from forbetter.calc.dates import financial_year, year_label
from forbetter.calc.performance import RatingCounts
from forbetter.core.charts import Chart, line_chart
from forbetter.partnerships.models import Partnership
from forbetter.performance import adapters, rules
from forbetter.performance.adapters import Position, Rating, Status
from forbetter.performance.models import (
    BenchmarkImport,
    BenchmarkValue,
    Benefit,
    BenefitValue,
    IndicatorReview,
    Kpi,
    KpiReturn,
    KpiState,
    KpiTarget,
    PublishedRating,
    ReturnStatus,
)
from forbetter.performance.periods import period_label
from forbetter.performance.sparklines import Sparkline, sparkline
from forbetter.performance.targets import target_history, target_in_force

TREND_MONTHS = 12


def kpis_of(partnership: Partnership) -> QuerySet[Kpi]:
    """The partnership's KPIs with their owners and target history (rule KPI-TARGET-IN-FORCE)."""
    return Kpi.objects.filter(partnership=partnership).select_related("owner").prefetch_related("targets")


@dataclass
class KpiRow:
    """One line of the dashboard: the KPI's latest validated value and its last twelve months."""

    kpi: Kpi
    latest: KpiReturn | None
    status: Status | None
    target: Decimal
    met: int
    assessed: int
    share_met: float | None
    trend: Sparkline | None
    trend_values: list[Decimal]
    awaiting: int


@dataclass
class Dashboard:
    """A page of the dashboard's rows; the counts are over every KPI in use, not only this page's."""

    rows: list[KpiRow]
    window_from: dt.date
    publication: rules.PublicationCheck
    awaiting: int
    late: int
    page: Page
    statuses: dict[Status, int] = field(default_factory=dict)

    @property
    def in_use(self) -> int:
        return self.page.paginator.count

    @property
    def met(self) -> int:
        return self.statuses.get(Status.MET, 0)

    @property
    def approaching(self) -> int:
        return self.statuses.get(Status.APPROACHING, 0)

    @property
    def failed(self) -> int:
        return self.statuses.get(Status.FAILED, 0)


def _validated_since(since: dt.date) -> Prefetch[Any]:
    return Prefetch(
        "returns",
        queryset=KpiReturn.objects.filter(status=ReturnStatus.VALIDATED, period__gte=since).order_by(
            "period"
        ),
        to_attr="recent_validated",
    )


def _count_per_kpi(returns: QuerySet[KpiReturn]) -> Coalesce:
    """How many of ``returns`` (filtered on ``kpi=OuterRef("pk")``) each KPI has, as a subquery on the
    returns' KPI index: no join of every return with its KPI and no grouping of the join."""
    counted = returns.order_by().values("kpi").annotate(count=Count("pk")).values("count")[:1]
    return Coalesce(Subquery(counted), Value(0))


def dashboard(
    partnership: Partnership, *, today: dt.date | None = None, page_number: str | int | None = None
) -> Dashboard:
    """Status, trend and share met of a page of the KPIs in use, over the last twelve months (four
    queries whatever the number of KPIs and returns).

    Every KPI in use is read once, one row each, with its latest validated value in the window and its
    counts of returns awaiting validation and late, as subqueries: the summary counts cover them all. Only
    the page's KPIs read their twelve months of values for the trend and the share met.
    """
    today = today or dt.date.today()
    since = today.replace(day=1) - relativedelta(months=TREND_MONTHS)
    recent = KpiReturn.objects.filter(kpi=OuterRef("pk"), period__gte=since)
    latest = recent.filter(status=ReturnStatus.VALIDATED).order_by("-period")
    awaiting = KpiReturn.objects.filter(kpi=OuterRef("pk"), status=ReturnStatus.SUBMITTED)
    kpis = list(
        kpis_of(partnership)
        .filter(state=KpiState.ACTIVE)
        .annotate(
            awaiting=_count_per_kpi(awaiting),
            late_count=_count_per_kpi(recent.filter(late=True)),
            latest_value=Subquery(latest.values("value")[:1]),
            latest_period=Subquery(latest.values("period")[:1]),
        )
    )
    statuses: Counter[Status] = Counter(
        adapters.kpi_statuses(kpi, [kpi.latest_value], periods=[kpi.latest_period])[0]
        for kpi in kpis
        if kpi.latest_value is not None
    )
    page = Paginator(kpis, settings.PAGE_SIZE).get_page(page_number)
    shown: list[Kpi] = list(page.object_list)
    prefetch_related_objects(shown, _validated_since(since))
    rows = []
    for kpi in shown:
        returns: list[KpiReturn] = kpi.recent_validated  # type: ignore[attr-defined]
        values = [r.value for r in returns]
        assessed = adapters.return_statuses(kpi, returns)
        last = returns[-1] if returns else None
        target = target_in_force(kpi, last.period if last else today).target
        rows.append(
            KpiRow(
                kpi=kpi,
                latest=last,
                status=assessed[-1] if assessed else None,
                target=target,
                met=sum(1 for s in assessed if s == Status.MET),
                assessed=len(assessed),
                share_met=adapters.share_met(assessed),
                trend=sparkline(values, target=target),
                trend_values=values,
                awaiting=kpi.awaiting,  # type: ignore[attr-defined]
            )
        )
    published = sum(1 for kpi in kpis if kpi.published)
    return Dashboard(
        rows=rows,
        window_from=since,
        publication=rules.publication_check(partnership, published=published),
        awaiting=sum(kpi.awaiting for kpi in kpis),
        late=sum(kpi.late_count for kpi in kpis),
        page=page,
        statuses=dict(statuses),
    )


@dataclass
class ReturnLine:
    kpi_return: KpiReturn
    status: Status | None


@dataclass
class KpiDetail:
    kpi: Kpi
    lines: list[ReturnLine]
    chart: Chart | None
    reviews: list[IndicatorReview]
    targets: list[KpiTarget]
    met: int
    assessed: int
    share_met: float | None


def kpi_detail(kpi: Kpi) -> KpiDetail:
    """The KPI's returns (newest first) with the status of each validated value, and its chart."""
    # Only the columns the page and the chart read: a 15-year contract has 180 of them per KPI.
    returns = list(
        KpiReturn.objects.filter(kpi=kpi)
        .only("pk", "kpi_id", "period", "value", "status", "late", "submitted_at")
        .order_by("-period")
    )
    for record in returns:
        record.kpi = kpi  # each line's period label reads the KPI's frequency: no query per return
    validated = [r for r in returns if r.status == ReturnStatus.VALIDATED]
    statuses = dict(zip((r.pk for r in validated), adapters.return_statuses(kpi, validated), strict=True))
    lines = [ReturnLine(r, statuses.get(r.pk)) for r in returns]
    targets = target_history(kpi)
    chart = _kpi_chart(kpi, list(reversed(validated)), [statuses[r.pk] for r in reversed(validated)])
    assessed = list(statuses.values())
    return KpiDetail(
        kpi=kpi,
        lines=lines,
        chart=chart,
        reviews=list(kpi.reviews.select_related("reviewed_by").order_by("-due_on")),
        targets=targets,
        met=sum(1 for s in assessed if s == Status.MET),
        assessed=len(assessed),
        share_met=adapters.share_met(assessed),
    )


def _kpi_chart(kpi: Kpi, validated: list[KpiReturn], statuses: list[Status]) -> Chart | None:
    if not validated:
        return None
    in_force = [target_in_force(kpi, r.period) for r in validated]
    series: dict[str, Sequence[float | None]] = {"Validated value": [float(r.value) for r in validated]}
    lines: dict[str, float] = {}
    if len({(t.target, t.failure_threshold) for t in in_force}) > 1:
        # The target changed during the chart: draw the target in force period by period.
        series["Target in force"] = [float(t.target) for t in in_force]
    else:
        lines["Target"] = float(in_force[-1].target)
        if in_force[-1].failure_threshold is not None:
            lines["Failure threshold"] = float(in_force[-1].failure_threshold)
    met = sum(1 for s in statuses if s == Status.MET)
    failed = sum(1 for s in statuses if s == Status.FAILED)
    summary = (
        f"{kpi.name} ({kpi.unit}, {kpi.get_direction_display().lower()}) over {len(validated)} validated "
        f"periods from {period_label(validated[0].period, kpi.frequency)} to "
        f"{period_label(validated[-1].period, kpi.frequency)}: target met in {met}, failed in {failed}, each "
        f"against the target in force for its period. Latest value {validated[-1].value.normalize():f} "
        f"against a target of {in_force[-1].target.normalize():f}."
    )
    return line_chart(
        title=f"{kpi.reference} {kpi.name}: validated values",
        summary=summary,
        x_labels=[period_label(r.period, kpi.frequency) for r in validated],
        series=series,
        y_label=kpi.unit,
        reference_lines=lines,
    )


def returns_for(
    partnership: Partnership, *, status: str = "", kpi_id: int | None = None
) -> QuerySet[KpiReturn]:
    returns = KpiReturn.objects.filter(kpi__partnership=partnership).select_related(
        "kpi", "submitted_by", "reviewed_by"
    )
    if status == "late":
        returns = returns.filter(late=True)
    elif status:
        returns = returns.filter(status=status)
    if kpi_id is not None:
        returns = returns.filter(kpi_id=kpi_id)
    return returns.order_by("-period", "kpi__reference")


def return_detail(partnership: Partnership, return_pk: int) -> KpiReturn:
    return KpiReturn.objects.select_related("kpi", "kpi__partnership", "submitted_by", "reviewed_by").get(
        kpi__partnership=partnership, pk=return_pk
    )


@dataclass(frozen=True)
class RatingYear:
    """A contract year: twelve months from the contract's start (rule KPI-ANNUAL-RATING rates whole ones)."""

    number: int
    start: dt.date
    end: dt.date  # the last day
    complete: bool

    @property
    def label(self) -> str:
        return f"Contract year {self.number}: {_long(self.start)} to {_long(self.end)}"


def _long(date: dt.date) -> str:
    return f"{date.day} {date:%B} {date.year}"


@dataclass
class RatingRow:
    kpi: Kpi
    counts: RatingCounts
    rating: Rating | None  # None while the year is in progress
    published: PublishedRating | None

    @property
    def met(self) -> int:
        return self.counts.met

    @property
    def assessed(self) -> int:
        return self.counts.assessed

    @property
    def share_met(self) -> float | None:
        return self.counts.share_met


@dataclass
class Ratings:
    year: RatingYear
    years: list[RatingYear]
    rows: list[RatingRow]
    year_one_basis: str
    cut_offs: dict[str, float]
    near_miss: float

    @property
    def label(self) -> str:
        return self.year.label


def year_one_start(partnership: Partnership) -> tuple[dt.date | None, str]:
    """When contract year 1 began, and on what that rests: the contract start recorded at the stage gate,
    else the planned service start, else the first period any KPI reports (one query at most)."""
    for date, basis in (
        (partnership.contract_management_began_on, "the date contract management began"),
        (partnership.planned_start_on, "the planned service start date"),
    ):
        if date is not None:
            return date.replace(day=1), basis
    first = Kpi.objects.filter(partnership=partnership).aggregate(first=Min("first_period"))["first"]
    if first is None:
        return None, ""
    return first.replace(day=1), "the first period a KPI reports (no contract start date is recorded)"


def rating_years(partnership: Partnership, *, today: dt.date | None = None) -> list[RatingYear]:
    """Contract years (newest first) from year 1 to the one in progress today, or to the partnership's end.

    Only a year that has ended is complete; the year in progress is listed so the page can say "no rating
    yet" (section 71 assesses a whole year at a time, and a part-year is not a year's performance). When
    the partnership has ended, its last year runs to the end date, so the final assessment on termination
    can be made.
    """
    today = today or dt.date.today()
    first, _ = year_one_start(partnership)
    if first is None or first > today:
        return []
    last_day = min(today, partnership.ended_on) if partnership.ended_on else today
    years = []
    number = 1
    while True:
        start = first + relativedelta(years=number - 1)
        if start > last_day:
            break
        end = first + relativedelta(years=number) - dt.timedelta(days=1)
        if partnership.ended_on is not None and end > partnership.ended_on:
            end = partnership.ended_on  # s. 71(2): performance is also assessed on termination
        years.append(RatingYear(number=number, start=start, end=end, complete=end < today))
        number += 1
    return list(reversed(years))


def annual_ratings(partnership: Partnership, *, year: RatingYear, years: list[RatingYear]) -> Ratings:
    """Rule KPI-ANNUAL-RATING for each KPI over one contract year of validated values, with the rating the
    council recorded as published (four queries). A year in progress gets counts but no rating."""
    kpis = list(
        kpis_of(partnership).prefetch_related(
            "targets",  # rule KPI-TARGET-IN-FORCE judges each period against its own target
            Prefetch(
                "returns",
                queryset=KpiReturn.objects.filter(
                    status=ReturnStatus.VALIDATED, period__gte=year.start, period__lte=year.end
                ).order_by("period"),
                to_attr="year_validated",
            ),
            Prefetch(
                "published_ratings",
                queryset=PublishedRating.objects.filter(year_start=year.start).select_related("recorded_by"),
                to_attr="year_published",
            ),
        )
    )
    rows = []
    for kpi in kpis:
        returns: list[KpiReturn] = kpi.year_validated
        published: list[PublishedRating] = kpi.year_published
        if kpi.state == KpiState.RETIRED and not returns and not published:
            continue
        statuses = adapters.return_statuses(kpi, returns, for_rating=True)
        rating, counts = adapters.proposed_rating(statuses)
        rows.append(
            RatingRow(
                kpi=kpi,
                counts=counts,
                rating=rating if year.complete else None,
                published=published[0] if published else None,
            )
        )
    rows.sort(key=lambda row: (not row.kpi.published, row.kpi.reference))
    _, basis = year_one_start(partnership)
    return Ratings(
        year=year,
        years=years,
        rows=rows,
        year_one_basis=basis,
        cut_offs=adapters.rating_cut_offs(),
        near_miss=adapters.near_miss_tolerance(),
    )


def rating_year(partnership: Partnership, number: int, *, today: dt.date | None = None) -> RatingYear | None:
    return next((y for y in rating_years(partnership, today=today) if y.number == number), None)


@dataclass
class ReviewRow:
    review: IndicatorReview
    overdue: bool


@dataclass
class ReviewBoard:
    scheduled: list[ReviewRow]
    done: list[IndicatorReview]
    unscheduled: list[Kpi]

    @property
    def overdue(self) -> int:
        return sum(1 for row in self.scheduled if row.overdue)


def review_board(partnership: Partnership, *, today: dt.date | None = None) -> ReviewBoard:
    """Reviews to do (overdue flagged, rule KPI-REVIEW-OVERDUE), reviews done, and KPIs with none planned."""
    today = today or dt.date.today()
    reviews = list(
        IndicatorReview.objects.filter(kpi__partnership=partnership).select_related("kpi", "reviewed_by")
    )
    scheduled = [
        ReviewRow(r, rules.review_overdue(due_on=r.due_on, reviewed_on=None, today=today))
        for r in reviews
        if r.reviewed_on is None
    ]
    done = sorted(
        (r for r in reviews if r.reviewed_on is not None),
        key=lambda r: r.reviewed_on or dt.date.min,
        reverse=True,
    )
    planned = {row.review.kpi_id for row in scheduled}
    unscheduled = [kpi for kpi in kpis_of(partnership).filter(state=KpiState.ACTIVE) if kpi.pk not in planned]
    return ReviewBoard(scheduled=scheduled, done=done, unscheduled=unscheduled)


@dataclass
class BenchmarkRow:
    period: dt.date
    label: str
    ours: Decimal | None
    values: list[BenchmarkValue]
    position: Position | None


@dataclass
class BenchmarkView:
    kpi: Kpi
    rows: list[BenchmarkRow]
    imports: list[BenchmarkImport]
    councils: list[str] = field(default_factory=list)


def benchmark(kpi: Kpi) -> BenchmarkView:
    """Per period with comparator values: our validated value and its percentile and quartile among the
    comparators (rules KPI-PERCENTILE, KPI-QUARTILE). Three queries."""
    values = list(BenchmarkValue.objects.filter(kpi=kpi).order_by("period", "council"))
    by_period: dict[dt.date, list[BenchmarkValue]] = defaultdict(list)
    for value in values:
        by_period[value.period].append(value)
    ours = dict(
        KpiReturn.objects.filter(
            kpi=kpi, status=ReturnStatus.VALIDATED, period__in=list(by_period)
        ).values_list("period", "value")
    )
    rows = []
    for period in sorted(by_period, reverse=True):
        group = by_period[period]
        own = ours.get(period)
        rows.append(
            BenchmarkRow(
                period=period,
                label=period_label(period, kpi.frequency),
                ours=own,
                values=group,
                position=None
                if own is None
                else adapters.benchmark_position(kpi, own, [v.value for v in group]),
            )
        )
    return BenchmarkView(
        kpi=kpi,
        rows=rows,
        imports=list(kpi.benchmark_imports.select_related("imported_by")),
        councils=sorted({v.council for v in values}),
    )


@dataclass(frozen=True)
class YearTotal:
    year: int
    planned_gbp: Decimal
    realised_gbp: Decimal
    realised_rows: int
    rows: int

    @property
    def label(self) -> str:
        return year_label(self.year)


@dataclass(frozen=True)
class BenefitTotals:
    """The benefits register in pounds: planned and realised, in total and by financial year."""

    planned_gbp: Decimal
    realised_gbp: Decimal
    planned_to_date_gbp: Decimal
    by_year: tuple[YearTotal, ...]
    benefits: int


def benefit_totals(partnership: Partnership, *, today: dt.date | None = None) -> BenefitTotals:
    """Totals of the benefits register for value-for-money pages (the partnership overview, business case
    and reports can call this). ``planned_to_date_gbp`` counts the years that have started, so realised
    can be compared with what was planned for the same years. Two queries."""
    today = today or dt.date.today()
    current_year = financial_year(today)
    rows = (
        BenefitValue.objects.filter(benefit__partnership=partnership)
        .values("year")
        .annotate(
            planned=Sum("planned_gbp"),
            realised=Sum("realised_gbp"),
            realised_rows=Count("id", filter=Q(realised_gbp__isnull=False)),
            rows=Count("id"),
        )
        .order_by("year")
    )
    by_year = tuple(
        YearTotal(
            year=row["year"],
            planned_gbp=row["planned"] or Decimal(0),
            realised_gbp=row["realised"] or Decimal(0),
            realised_rows=row["realised_rows"],
            rows=row["rows"],
        )
        for row in rows
    )
    return BenefitTotals(
        planned_gbp=sum((y.planned_gbp for y in by_year), Decimal(0)),
        realised_gbp=sum((y.realised_gbp for y in by_year), Decimal(0)),
        planned_to_date_gbp=sum((y.planned_gbp for y in by_year if y.year <= current_year), Decimal(0)),
        by_year=by_year,
        benefits=Benefit.objects.filter(partnership=partnership).count(),
    )


def benefits_of(partnership: Partnership) -> QuerySet[Benefit]:
    return (
        Benefit.objects.filter(partnership=partnership)
        .select_related("owner")
        .prefetch_related(Prefetch("values", queryset=BenefitValue.objects.order_by("year")))
        .annotate(planned_total=Sum("values__planned_gbp"), realised_total=Sum("values__realised_gbp"))
    )
