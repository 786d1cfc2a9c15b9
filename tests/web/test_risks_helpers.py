"""Builders shared by the risk area's tests (no tests here): categories, risks, runs and exit analyses.

Transactional tests flush the data migration's categories, so every builder loads them when missing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.test import Client

from forbetter.accounts.models import User
from forbetter.partnerships.models import Partnership
from forbetter.risks.models import (
    ExitAnalysis,
    ExitRouteTerms,
    OwnershipPlan,
    OwnershipTrigger,
    Risk,
    RiskCategory,
    RiskReview,
    RiskReviewItem,
    RunStatus,
    SimulationInput,
    SimulationRun,
    SimulationTornadoBar,
)
from forbetter.risks.reference import load_risk_categories


def category(code: str = "servicePerformance") -> RiskCategory:
    if not RiskCategory.objects.exists():
        load_risk_categories()
    return RiskCategory.objects.get(code=code)


QUANTIFIED = {
    "probability": Decimal("0.5"),
    "distribution": "pert",
    "impact_minimum_gbp": Decimal("10000"),
    "impact_most_likely_gbp": Decimal("40000"),
    "impact_maximum_gbp": Decimal("100000"),
}


def make_risk(partnership: Partnership, *, quantified: bool = True, **fields: Any) -> Risk:
    """A risk saved straight to the database (services are tested on their own)."""
    number = fields.pop("number", None) or (Risk.objects.filter(partnership=partnership).count() + 1)
    values: dict[str, Any] = {
        "title": f"Risk {number}",
        "category": category(fields.pop("category_code", "servicePerformance")),
        "description": "Something could go wrong",
        "allocation": "council",
        "transferability": "retained",
        "inherent_likelihood": 4,
        "inherent_impact": 4,
        "residual_likelihood": 3,
        "residual_impact": 3,
        "review_frequency": "quarterly",
        "next_review_on": dt.date.today() + dt.timedelta(days=60),
        "status": "open",
    }
    if quantified:
        values.update(QUANTIFIED)
    values.update(fields)
    return Risk.objects.create(partnership=partnership, number=number, **values)


def risk_post_data(**changes: Any) -> dict[str, Any]:
    """A valid POST for the risk form, with changes."""
    data: dict[str, Any] = {
        "title": "Key staff leave after transfer",
        "category": str(category("staffAndTupe").pk),
        "description": "Experienced revenues staff leave in the first year.",
        "cause": "Uncertainty about terms after TUPE",
        "effect": "Backlogs in benefit claims",
        "owner": "",
        "allocation": "shared",
        "council_share": "0.4",
        "transferability": "negotiable",
        "inherent_likelihood": "4",
        "inherent_impact": "3",
        "controls": "Retention payments",
        "residual_likelihood": "2",
        "residual_impact": "3",
        "review_frequency": "quarterly",
        "next_review_on": "",
        "status": "open",
        "actual_cost_gbp": "",
        "probability": "0.3",
        "distribution": "pert",
        "impact_minimum_gbp": "50000",
        "impact_most_likely_gbp": "120000",
        "impact_maximum_gbp": "400000",
    }
    data.update(changes)
    return data


def make_review(partnership: Partnership, risk: Risk, reviewer: User) -> RiskReview:
    review = RiskReview.objects.create(
        partnership=partnership, reviewed_on=dt.date.today(), reviewer=reviewer, notes="Quarterly review"
    )
    RiskReviewItem.objects.create(
        review=review,
        risk=risk,
        previous_likelihood=4,
        previous_impact=3,
        new_likelihood=3,
        new_impact=3,
        next_review_on=dt.date.today() + dt.timedelta(days=90),
    )
    return review


def make_plan(partnership: Partnership) -> OwnershipPlan:
    plan = OwnershipPlan.objects.create(
        partnership=partnership, summary="Step in if the partner is sold", last_reviewed_on=dt.date.today()
    )
    OwnershipTrigger.objects.create(plan=plan, description="Change of control notice")
    return plan


def make_finished_run(partnership: Partnership, user: User, risk: Risk | None = None) -> SimulationRun:
    """A finished run with stored results, built directly (the engine is exercised elsewhere)."""
    run = SimulationRun.objects.create(
        partnership=partnership,
        requested_by=user,
        iterations=1000,
        seed=7,
        correlation=Decimal("0.3"),
        status=RunStatus.FINISHED,
        progress=Decimal(1),
        finished_at=dt.datetime.now(dt.UTC),
        mean_gbp=Decimal("20000"),
        sd_gbp=Decimal("15000"),
        p10_gbp=Decimal("0"),
        p50_gbp=Decimal("18000"),
        p80_gbp=Decimal("35000"),
        p90_gbp=Decimal("45000"),
        p95_gbp=Decimal("55000"),
        analytic_mean_gbp=Decimal("20500"),
        council_mean_gbp=Decimal("20000"),
        council_p50_gbp=Decimal("18000"),
        council_p80_gbp=Decimal("35000"),
        council_analytic_mean_gbp=Decimal("20500"),
        partner_mean_gbp=Decimal("0"),
        partner_p50_gbp=Decimal("0"),
        partner_p80_gbp=Decimal("0"),
        partner_analytic_mean_gbp=Decimal("0"),
        s_curve_gbp=[float(i * 600) for i in range(101)],
        histogram_edges_gbp=[0.0, 20000.0, 40000.0, 60000.0],
        histogram_counts=[500, 400, 100],
    )
    row = SimulationInput.objects.create(
        run=run,
        risk=risk,
        reference=risk.reference if risk else "R001",
        title=risk.title if risk else "Risk 1",
        probability=Decimal("0.5"),
        distribution="pert",
        minimum_gbp=Decimal("10000"),
        most_likely_gbp=Decimal("40000"),
        maximum_gbp=Decimal("100000"),
        allocation="council",
    )
    SimulationTornadoBar.objects.create(run=run, input=row, rank=1, rank_correlation=Decimal("0.9"))
    return run


def make_exit_analysis(partnership: Partnership, user: User) -> ExitAnalysis:
    analysis = ExitAnalysis.objects.create(
        partnership=partnership,
        term_years=5,
        annual_charge_gbp=Decimal("1000000"),
        updated_by=user,
    )
    ExitRouteTerms.objects.create(
        analysis=analysis, route="council_voluntary_termination", investment_share=1
    )
    return analysis


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
