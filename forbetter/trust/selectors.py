"""Reads of the trust records, each a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from forbetter.calc import trust as calc
from forbetter.calc.dates import financial_year
from forbetter.partnerships.models import Partnership
from forbetter.trust.models import (
    CharterVersion,
    KeyPost,
    MeasureValue,
    OpenBookProtocol,
    OpenBookReview,
    PartnershipMeasure,
    TrustActivity,
)


def at_a_glance(partnership: Partnership) -> dict[str, Any]:
    """The trust records at a glance, for the partnership overview, in three queries.

    Keys:

    - ``charter_date``: the date of the current (latest) charter version, or ``None`` if there is none;
    - ``last_activity``: the latest trust-building activity (``held_on``, ``title``, ``one_sided``), or
      ``None``;
    - ``posts_without_successor``: how many key posts, on either side, have no successor named.
    """
    charter = (
        CharterVersion.objects.filter(partnership=partnership)
        .order_by("-version_date")
        .values_list("version_date", flat=True)
        .first()
    )
    last_activity = TrustActivity.objects.filter(partnership=partnership).order_by("-held_on", "-pk").first()
    without = (
        KeyPost.objects.filter(partnership=partnership)
        .annotate(successor_count=Count("successors"))
        .filter(successor_count=0)
        .count()
    )
    return {"charter_date": charter, "last_activity": last_activity, "posts_without_successor": without}


def current_charter(partnership: Partnership) -> CharterVersion | None:
    return CharterVersion.objects.filter(partnership=partnership).select_related("created_by").first()


def charter_versions(partnership: Partnership) -> QuerySet[CharterVersion]:
    return CharterVersion.objects.filter(partnership=partnership)


def activities(partnership: Partnership) -> QuerySet[TrustActivity]:
    return TrustActivity.objects.filter(partnership=partnership)


def one_sided_count(partnership: Partnership) -> int:
    return (
        TrustActivity.objects.filter(partnership=partnership)
        .filter(Q(council_attended=0) | Q(partner_attended=0))
        .count()
    )


@dataclass(frozen=True)
class MeasureRow:
    measure: PartnershipMeasure
    values: list[MeasureValue]
    trend: calc.Trend


def measure_rows(measures: list[PartnershipMeasure]) -> list[MeasureRow]:
    """Each measure (with ``values`` prefetched) and its trend (rule TRUST-TREND)."""
    rows = []
    for measure in measures:
        values = list(measure.values.all())
        rows.append(
            MeasureRow(
                measure,
                values,
                calc.trend([value.value for value in values], higher_is_better=measure.higher_is_better),
            )
        )
    return rows


def measures(partnership: Partnership) -> QuerySet[PartnershipMeasure]:
    return PartnershipMeasure.objects.filter(partnership=partnership).prefetch_related(
        Prefetch("values", queryset=MeasureValue.objects.order_by("period_end"))
    )


def protocol(partnership: Partnership) -> OpenBookProtocol | None:
    return OpenBookProtocol.objects.filter(partnership=partnership).first()


def reviews(partnership: Partnership) -> QuerySet[OpenBookReview]:
    return OpenBookReview.objects.filter(partnership=partnership).select_related("gainshare_year")


def review_variance(review: OpenBookReview) -> calc.Variance:
    return calc.variance(
        agreed_cost_gbp=review.agreed_cost_gbp,
        submitted_cost_gbp=review.submitted_cost_gbp,
        agreed_margin=review.agreed_margin,
        actual_margin=review.actual_margin,
    )


def key_posts(partnership: Partnership) -> QuerySet[KeyPost]:
    return (
        KeyPost.objects.filter(partnership=partnership)
        .annotate(successor_count=Count("successors"))
        .order_by("side", "post", "pk")
        .prefetch_related("successors")
    )


def posts_without_successor(partnership: Partnership) -> QuerySet[KeyPost]:
    return (
        KeyPost.objects.filter(partnership=partnership)
        .annotate(successor_count=Count("successors"))
        .filter(successor_count=0)
        .order_by("side", "post", "pk")
    )


def financial_year_now(today: dt.date | None = None) -> int:
    return financial_year(today or dt.date.today())
