"""Reads of partnership reviews, change mechanisms and scenarios, each a fixed number of queries; and the
adapter that hands stored change mechanisms to :mod:`forbetter.calc.responsiveness` (Decimal in and out)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from forbetter.accounts.permissions import can_see_confidential
from forbetter.calc import partnership_review as review_calc
from forbetter.calc import responsiveness as calc
from forbetter.calc.errors import InputError
from forbetter.core.charts import Chart, line_chart
from forbetter.core.templatetags.govuk import gbp
from forbetter.partnerships.models import Partnership
from forbetter.reviews.models import (
    PartnershipReview,
    PricingTerms,
    ReviewSchedule,
    ReviewStatus,
    Scenario,
    ScenarioKind,
    ServiceDecision,
    ServiceMechanism,
)


@dataclass(frozen=True)
class NextReview:
    interval_years: int
    interval_set: bool
    """False when the council has not set an interval, so the default of 3 years applies."""
    last_completed: PartnershipReview | None
    due_on: dt.date | None
    overdue: bool
    planned: PartnershipReview | None
    """The next review planned or in progress, if any (council users only)."""


def next_review(
    partnership: Partnership, *, include_planned: bool = True, today: dt.date | None = None
) -> NextReview:
    """Rules REVIEW-DUE and REVIEW-OVERDUE for the partnership, in three queries (two without ``planned``,
    which is left out for users who may not see planned reviews: partner users)."""
    today = today or dt.date.today()
    schedule = ReviewSchedule.objects.filter(partnership=partnership).first()
    interval = schedule.interval_years if schedule else review_calc.DEFAULT_INTERVAL_YEARS
    last = (
        PartnershipReview.objects.filter(partnership=partnership, status=ReviewStatus.COMPLETED)
        .order_by("-completed_on", "-pk")
        .first()
    )
    started = partnership.contract_management_began_on or partnership.planned_start_on
    due = review_calc.next_review_due(
        last_completed_on=last.completed_on if last else None,
        service_started_on=started,
        interval_years=interval,
    )
    planned = None
    if include_planned:
        planned = (
            PartnershipReview.objects.filter(partnership=partnership)
            .exclude(status=ReviewStatus.COMPLETED)
            .order_by("planned_on", "pk")
            .first()
        )
    return NextReview(interval, schedule is not None, last, due, review_calc.is_overdue(due, today), planned)


def at_a_glance(partnership: Partnership) -> NextReview:
    """The last completed review and when the next is due (overdue or not), for the overview: two queries.
    Planned reviews are left out, as the overview is read by partner users too."""
    return next_review(partnership, include_planned=False)


def reviews_for(partnership: Partnership, user: Any) -> QuerySet[PartnershipReview]:
    """The partnership's reviews this user may read: every one for council users, completed ones for the
    partner (decision record 0030)."""
    reviews = PartnershipReview.objects.filter(partnership=partnership)
    if not can_see_confidential(user):
        reviews = reviews.filter(status=ReviewStatus.COMPLETED)
    return reviews


def decisions(review: PartnershipReview) -> QuerySet[ServiceDecision]:
    return review.decisions.select_related("service").order_by("pk")


def mechanisms(partnership: Partnership) -> QuerySet[ServiceMechanism]:
    return ServiceMechanism.objects.filter(partnership=partnership).select_related("service")


def terms(partnership: Partnership) -> PricingTerms | None:
    return PricingTerms.objects.filter(partnership=partnership).first()


def scenarios(partnership: Partnership) -> QuerySet[Scenario]:
    return Scenario.objects.filter(partnership=partnership).select_related("service")


# ------------------------------------------------------------------------------------------------------
# Pricing a scenario (the adapter to the calculation engine)
# ------------------------------------------------------------------------------------------------------


def service_terms(mechanism: ServiceMechanism) -> calc.ServiceTerms:
    return calc.ServiceTerms(
        name=mechanism.service.name,
        annual_charge_gbp=mechanism.annual_charge_gbp,
        variable_share=mechanism.variable_share,
        tolerance_band=mechanism.tolerance_band,
        increase_rate=mechanism.increase_rate,
        decrease_rate=mechanism.decrease_rate,
        notice_months=mechanism.notice_months,
        compensation_share=mechanism.compensation_share,
        compensation_fixed_gbp=mechanism.compensation_fixed_gbp,
    )


def change_of(scenario: Scenario, change_terms: PricingTerms | None) -> calc.Change:
    """The scenario as the engine's change; ``InputError`` if an input it needs is missing."""
    kind = scenario.kind
    service = scenario.service.name if scenario.service_id and scenario.service else ""
    if kind in (ScenarioKind.DEMAND_UP, ScenarioKind.DEMAND_DOWN):
        size = scenario.demand_change or calc.ZERO
        return calc.DemandChange(service, size if kind == ScenarioKind.DEMAND_UP else -size)
    if kind == ScenarioKind.SERVICE_WITHDRAWN:
        return calc.Withdrawal(service, scenario.in_house_annual_cost_gbp or calc.ZERO)
    if change_terms is None:
        raise InputError(
            "kind", "the contract's terms for added services and policy changes are not recorded"
        )
    if kind == ScenarioKind.SERVICE_ADDED:
        return calc.AddedService(
            scenario.new_service_name,
            scenario.new_service_cost_gbp or calc.ZERO,
            change_terms.price_basis,
            change_terms.margin,
        )
    return calc.PolicyChange(scenario.policy_annual_cost_gbp or calc.ZERO, change_terms.policy_council_share)


@dataclass(frozen=True)
class PricedRow:
    label: str
    year: calc.YearCost


@dataclass(frozen=True)
class ScenarioResult:
    priced: calc.PricedScenario | None
    rows: list[PricedRow]
    chart: Chart | None
    problem: str = ""
    """Why the scenario cannot be priced now (a change mechanism it needs was removed), in words."""


def price(scenario: Scenario) -> ScenarioResult:
    """The scenario priced through the partnership's change mechanisms (rule RESP-COMPARE), with its chart."""
    partnership = scenario.partnership
    services = [service_terms(m) for m in mechanisms(partnership)]
    try:
        priced = calc.price_scenario(
            services,
            change_of(scenario, terms(partnership)),
            years=scenario.years,
            starts_in_year=scenario.starts_in_year,
        )
    except InputError as error:
        return ScenarioResult(None, [], None, f"This scenario cannot be priced: {error.message}.")
    rows = [PricedRow(f"Year {y.year} ({scenario.year_label(y.year)})", y) for y in priced.years]
    return ScenarioResult(priced, rows, _chart(scenario, priced, rows))


def _chart(scenario: Scenario, priced: calc.PricedScenario, rows: list[PricedRow]) -> Chart:
    difference = priced.total_difference_gbp
    words = "more" if difference > 0 else "less"
    summary = (
        f"Over {scenario.years} years the contract costs {gbp(priced.total_with_gbp)} with the change "
        "against "
        f"{gbp(priced.total_without_gbp)} with no change: "
        + (f"{gbp(abs(difference))} {words}." if difference else "the same.")
    )
    chart = line_chart(
        title=f"Cost each year with and without the change: {scenario.name}",
        summary=summary,
        x_labels=[row.label for row in rows],
        series={
            "No change": [float(row.year.without_change_gbp) / 1e6 for row in rows],
            "With the change": [float(row.year.with_change_gbp) / 1e6 for row in rows],
        },
        y_label="£ million a year (today's prices)",
    )
    table_rows = [
        [
            row.label,
            gbp(row.year.without_change_gbp),
            gbp(row.year.with_change_gbp),
            gbp(row.year.difference_gbp),
        ]
        for row in rows
    ]
    return Chart(
        chart.title,
        chart.summary,
        chart.data_uri,
        ["Year", "No change", "With the change", "Difference"],
        table_rows,
    )
