"""The risk area: the register, heat map, allocation, reviews, Monte Carlo runs, exit costs and the
change-of-ownership plan. Runs, exit costs and the plan are confidential to the council. Declared once for
navigation, evidence, the demo and the permission matrix (see :mod:`forbetter.core.areas`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from forbetter.core.areas import Area, Section, Who, confirm, first_pk, form, page
from forbetter.partnerships.models import Partnership
from forbetter.risks import pack, services
from forbetter.risks.evidence_providers import exit_analyses, ownership_plans, risk_reviews, simulation_runs
from forbetter.risks.models import (
    ExitAnalysis,
    OwnershipTrigger,
    Risk,
    RiskAction,
    RiskCategory,
    RiskReview,
    RiskReviewItem,
    RunStatus,
    SimulationRun,
)
from forbetter.risks.reference import load_risk_categories
from forbetter.risks.reminders import risk_review_reminders

COUNCIL = Who.COUNCIL


def _risk(partnership: Partnership) -> dict[str, int]:
    return {"risk_pk": first_pk(Risk.objects.filter(partnership=partnership), "risk")}


def _action(partnership: Partnership) -> dict[str, int]:
    found = _risk(partnership)
    return {
        **found,
        "action_pk": first_pk(RiskAction.objects.filter(risk_id=found["risk_pk"]), "risk action"),
    }


def _review(partnership: Partnership) -> dict[str, int]:
    return {"review_pk": first_pk(RiskReview.objects.filter(partnership=partnership), "risk review")}


def _run(partnership: Partnership) -> dict[str, int]:
    return {"run_pk": first_pk(SimulationRun.objects.filter(partnership=partnership), "Monte Carlo run")}


def _plan_items(partnership: Partnership) -> dict[str, object]:
    return {"kind": "triggers"}


def _trigger(partnership: Partnership) -> dict[str, object]:
    triggers = OwnershipTrigger.objects.filter(plan__partnership=partnership)
    return {"kind": "triggers", "item_pk": first_pk(triggers, "change-of-ownership trigger")}


def examples(partnership: Partnership, user: Any, today: dt.date | None = None) -> None:
    """A quantified risk with an action, a review of it, a finished Monte Carlo run over it, an exit-cost
    analysis and a change-of-ownership plan with one trigger."""
    today = today or dt.date.today()
    if not RiskCategory.objects.exists():
        load_risk_categories()
    risk = Risk.objects.filter(partnership=partnership).order_by("pk").first()
    if risk is None:
        risk = services.risk_create(
            user=user,
            partnership=partnership,
            data={
                "title": "Key staff leave after transfer",
                "category": RiskCategory.objects.order_by("pk").first(),
                "description": "Experienced staff leave in the first year.",
                "allocation": "council",
                "transferability": "retained",
                "inherent_likelihood": 4,
                "inherent_impact": 4,
                "residual_likelihood": 3,
                "residual_impact": 3,
                "review_frequency": "quarterly",
                "status": "open",
                "probability": Decimal("0.5"),
                "distribution": "pert",
                "impact_minimum_gbp": Decimal(10_000),
                "impact_most_likely_gbp": Decimal(40_000),
                "impact_maximum_gbp": Decimal(100_000),
            },
            today=today,
        )
        services.risk_action_save(
            user=user,
            risk=risk,
            data={"description": "Retention plan", "due_on": today, "status": "not_started"},
        )
    if not RiskReview.objects.filter(partnership=partnership).exists():
        # Straight to the tables: the service wants a reviewer from the partnership's own organisations.
        review = RiskReview.objects.create(
            partnership=partnership, reviewed_on=today, reviewer=user, notes="Quarterly review"
        )
        RiskReviewItem.objects.create(
            review=review,
            risk=risk,
            previous_likelihood=4,
            previous_impact=3,
            new_likelihood=3,
            new_impact=3,
            next_review_on=today + dt.timedelta(days=90),
        )
    if not SimulationRun.objects.filter(partnership=partnership, status=RunStatus.FINISHED).exists():
        run = services.simulation_run_create(
            user=user, partnership=partnership, iterations=1_000, seed=7, correlation=Decimal(0)
        )
        services.simulation_run_execute(run_id=run.pk)
    if not ExitAnalysis.objects.filter(partnership=partnership).exists():
        services.exit_analysis_save(
            user=user,
            partnership=partnership,
            data={"term_years": 5, "annual_charge_gbp": Decimal(1_000_000)},
            break_years=[],
        )
    if not OwnershipTrigger.objects.filter(plan__partnership=partnership).exists():
        plan = services.ownership_plan_save(
            user=user,
            partnership=partnership,
            data={"summary": "Step in if the partner is sold", "last_reviewed_on": today},
        )
        services.ownership_item_save(
            user=user, plan=plan, kind="triggers", data={"description": "Change of control notice"}
        )


AREA = Area(
    app="risks",
    routes=(
        page("register"),
        form("create"),
        page("risk", kwargs=_risk),
        form("edit", kwargs=_risk),
        form("action-create", kwargs=_risk),
        form("action-edit", kwargs=_action),
        page("heat-map"),
        page("allocation"),
        page("reviews-due"),
        page("reviews"),
        form("review-create"),
        page("review", kwargs=_review),
        page("ownership-plan", reads=COUNCIL),
        form("ownership-plan-edit"),
        form("plan-item-create", kwargs=_plan_items),
        form("plan-item-edit", kwargs=_trigger),
        confirm("plan-item-remove", kwargs=_trigger),
        page("runs", reads=COUNCIL),
        form("run-create"),
        page("run", reads=COUNCIL, kwargs=_run),
        form("run-cancel", kwargs=_run),
        form("run-retry", kwargs=_run),
        form("run-apply", kwargs=_run),
        page("exit", reads=COUNCIL),
        form("exit-edit"),
        form("exit-schedule", kwargs=lambda partnership: {"route": "partner_default"}),
    ),
    sections=(Section("risks", "Risks", "risks:register", 50),),
    evidence=(risk_reviews, simulation_runs, exit_analyses, ownership_plans),
    demo="forbetter.demo.risks",
    examples=examples,
    reminders=risk_review_reminders,
    pack_sections=pack.pack_sections,
)
