"""Every builder the tests share, in one place: factory_boy factories for organisations, users and
partnerships, and ``make_<record>`` functions that save a record straight to the database (the services are
tested on their own) for KPIs, returns, payment mechanisms, risks, reviews, plans, runs and exit analyses.

Transactional tests flush the risk categories the test database starts with, so ``risk_category`` loads them
when missing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from factory.django import DjangoModelFactory
from simple_history.utils import bulk_create_with_history

from forbetter.accounts.models import Organisation, OrganisationKind, Role, User
from forbetter.framework.models import Action
from forbetter.partnerships.models import Partnership, Task
from forbetter.payments.models import DeductionBand, PaymentMechanism
from forbetter.performance.models import Kpi, KpiReturn, ReturnStatus
from forbetter.performance.rules import return_due_on
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

PASSWORD = "Correct-horse-battery-9"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Council {n}")
    kind = OrganisationKind.COUNCIL


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = Role.COUNCIL_EDITOR
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.save()


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = Partnership
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Partnership {n}")
    initiation_began_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=30))

    @factory.post_generation
    def councils(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.councils.set(extracted or [OrganisationFactory()])

    @factory.post_generation
    def with_tasks(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted is not False:
            bulk_create_with_history(
                [Task(partnership=self, action=action) for action in Action.objects.all()], Task
            )


# Performance and payments.

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def pdf(name: str = "evidence.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def make_kpi(partnership: Partnership, reference: str = "K-01", **fields: Any) -> Kpi:
    values: dict[str, Any] = {
        "name": f"Indicator {reference}",
        "definition": "What is counted",
        "measurement_method": "From the works system",
        "measured_by": "Partner",
        "unit": "%",
        "direction": "higher",
        "kpi_type": "outcome",
        "target": Decimal("95"),
        "failure_threshold": Decimal("90"),
        "frequency": "monthly",
        "first_period": dt.date(2024, 1, 1),
        "severity_points": 10,
        "agreement": "agreed",  # agreed, as every KPI was before agreement states (performance 0005)
    }
    values.update(fields)
    return Kpi.objects.create(partnership=partnership, reference=reference, **values)


def make_kpi_return(
    kpi: Kpi, period: dt.date, value: str | Decimal, *, user: Any, status: str = ReturnStatus.VALIDATED
) -> KpiReturn:
    due = return_due_on(period, frequency=kpi.frequency, due_days=kpi.return_due_days)
    return KpiReturn.objects.create(
        kpi=kpi,
        period=period,
        value=Decimal(value),
        status=status,
        due_on=due,
        submitted_by=user,
        submitted_at=timezone.make_aware(dt.datetime.combine(due, dt.time(9))),
        dispute_reason="Wrong" if status == ReturnStatus.DISPUTED else "",
    )


def make_payment_mechanism(
    partnership: Partnership, *, effective_from: dt.date = dt.date(2024, 1, 1), **fields: Any
) -> PaymentMechanism:
    """DESIGN section 5's example: threshold 20, bands 21-100 x1.0, 101-200 x1.2, 201+ x1.5, £3 a point."""
    values: dict[str, Any] = {
        "monthly_charge_gbp": Decimal("100000"),
        "points_threshold": 20,
        "point_value_gbp": Decimal("3"),
        "cap": Decimal("0.1"),
    }
    values.update(fields)
    mechanism = PaymentMechanism.objects.create(
        partnership=partnership, effective_from=effective_from, **values
    )
    for start, end, multiplier in ((21, 100, "1.0"), (101, 200, "1.2"), (201, None, "1.5")):
        DeductionBand.objects.create(
            mechanism=mechanism, from_point=start, to_point=end, multiplier=Decimal(multiplier)
        )
    return mechanism


# Risks.


def risk_category(code: str = "servicePerformance") -> RiskCategory:
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
        "category": risk_category(fields.pop("category_code", "servicePerformance")),
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


def risk_service_data(**changes: Any) -> dict[str, Any]:
    """A valid risk as the risk services take it, with ``changes`` applied."""
    data: dict[str, Any] = {
        "title": "Partner fails to meet winter service standards",
        "category": risk_category(),
        "description": "Gritting routes missed",
        "allocation": "partner",
        "transferability": "transferable",
        "inherent_likelihood": 4,
        "inherent_impact": 4,
        "residual_likelihood": 2,
        "residual_impact": 3,
        "review_frequency": "quarterly",
        "status": "open",
    }
    data.update(changes)
    return data


def risk_post_data(**changes: Any) -> dict[str, Any]:
    """A valid POST for the risk form, with changes."""
    data: dict[str, Any] = {
        "title": "Key staff leave after transfer",
        "category": str(risk_category("staffAndTupe").pk),
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


def make_risk_review(partnership: Partnership, risk: Risk, reviewer: User) -> RiskReview:
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


def make_ownership_plan(partnership: Partnership) -> OwnershipPlan:
    plan = OwnershipPlan.objects.create(
        partnership=partnership, summary="Step in if the partner is sold", last_reviewed_on=dt.date.today()
    )
    OwnershipTrigger.objects.create(plan=plan, description="Change of control notice")
    return plan


def make_finished_simulation_run(
    partnership: Partnership, user: User, risk: Risk | None = None
) -> SimulationRun:
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


# procurement: incentives


def make_contract_live(partnership: Partnership, began_on: dt.date = dt.date(2024, 1, 1)) -> Partnership:
    """Put the partnership in contract management, so its agreed KPIs take returns (rule
    KPI-RETURNS-AGREED)."""
    Partnership.objects.filter(pk=partnership.pk).update(
        stage="contract_management",
        procurement_began_on=partnership.procurement_began_on or began_on,
        contract_management_began_on=began_on,
    )
    partnership.refresh_from_db()
    return partnership
