"""The performance area: KPIs, the partner's returns and their evidence, council validation, indicator
reviews, benchmarking, the benefits register and published ratings (Procurement Act 2023 s. 71). Declared
once for navigation, evidence, the demo and the permission matrix (see :mod:`forbetter.core.areas`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from forbetter.core.areas import Area, Section, Who, first_pk, form, page
from forbetter.partnerships.models import Partnership
from forbetter.performance import pack, services
from forbetter.performance.evidence_providers import benchmark_imports, benefits, indicator_reviews, kpis
from forbetter.performance.life import life_actuals
from forbetter.performance.models import Benefit, IndicatorReview, Kpi, KpiReturn, ReturnStatus
from forbetter.performance.reminders import kpi_reminders
from forbetter.performance.rules import return_due_on

# The smallest file the evidence checks accept as a PDF.
EXAMPLE_PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _kpi(partnership: Partnership) -> dict[str, object]:
    return {"kpi_pk": first_pk(Kpi.objects.filter(partnership=partnership), "KPI")}


def _return(partnership: Partnership) -> dict[str, object]:
    return {"return_pk": first_pk(KpiReturn.objects.filter(kpi__partnership=partnership), "KPI return")}


def _review(partnership: Partnership) -> dict[str, object]:
    reviews = IndicatorReview.objects.filter(kpi__partnership=partnership)
    return {"review_pk": first_pk(reviews, "indicator review")}


def _benefit(partnership: Partnership) -> dict[str, object]:
    return {"benefit_pk": first_pk(Benefit.objects.filter(partnership=partnership), "benefit")}


def _rating(partnership: Partnership) -> dict[str, object]:
    return {"year": 1, **_kpi(partnership)}  # contract year 1, from the KPI's first period


def examples(partnership: Partnership, user: Any) -> None:
    """A monthly KPI from January 2024 with a submitted return carrying a PDF, a scheduled indicator review
    and a benefit; the partnership is under the Procurement Act 2023, so its rating pages apply."""
    if partnership.procurement_regime != "pa2023":
        partnership.procurement_regime = "pa2023"
        partnership.save()
    kpi = Kpi.objects.filter(partnership=partnership).order_by("pk").first()
    if kpi is None:
        kpi = services.kpi_create(
            user=user,
            partnership=partnership,
            data={
                "reference": "K-01",
                "name": "Indicator K-01",
                "definition": "What is counted",
                "measurement_method": "From the works system",
                "measured_by": "Partner",
                "unit": "%",
                "direction": "higher",
                "kpi_type": "outcome",
                "target": Decimal(95),
                "failure_threshold": Decimal(90),
                "frequency": "monthly",
                "first_period": dt.date(2024, 1, 1),
                "severity_points": 10,
            },
        )
    if not KpiReturn.objects.filter(kpi=kpi).exists():
        # Straight to the table: only the partner's own users submit returns through the service.
        period = dt.date(2024, 4, 1)
        due = return_due_on(period, frequency=kpi.frequency, due_days=kpi.return_due_days)
        record = KpiReturn(
            kpi=kpi,
            period=period,
            value=Decimal(96),
            status=ReturnStatus.SUBMITTED,
            due_on=due,
            submitted_by=user,
            submitted_at=timezone.make_aware(dt.datetime.combine(due, dt.time(9))),
            evidence_name="pack.pdf",
            evidence_type="pdf",
        )
        record.evidence_file.save("pack.pdf", ContentFile(EXAMPLE_PDF), save=False)
        record.save()
    if not IndicatorReview.objects.filter(kpi=kpi).exists():
        services.review_schedule(user=user, kpi=kpi, due_on=dt.date(2024, 6, 1))
    if not Benefit.objects.filter(partnership=partnership).exists():
        services.benefit_save(
            user=user, partnership=partnership, data={"name": "Savings", "category": "cashable"}, values=[]
        )


AREA = Area(
    app="performance",
    routes=(
        page("dashboard"),
        form("kpi-create"),
        page("ratings"),
        form("published-rating", kwargs=_rating),
        page("kpi", kwargs=_kpi),
        form("kpi-edit", kwargs=_kpi),
        form("kpi-agreement", kwargs=_kpi),
        page("benchmark", kwargs=_kpi),
        form("benchmark-import", kwargs=_kpi),
        page("returns"),
        form("return-submit", who=Who.PARTNER),
        page("return", kwargs=_return),
        form("return-review", kwargs=_return),
        page("return-evidence", kwargs=_return),
        page("reviews", writes=Who.EDITORS),
        form("review-record", kwargs=_review),
        page("benefits"),
        form("benefit-create"),
        page("benefit", kwargs=_benefit),
        form("benefit-edit", kwargs=_benefit),
    ),
    sections=(Section("kpis", "KPIs", "performance:dashboard", 60),),
    evidence=(kpis, indicator_reviews, benchmark_imports, benefits),
    demo="forbetter.demo.performance",
    examples=examples,
    life_actuals=life_actuals,
    reminders=kpi_reminders,
    pack_sections=pack.pack_sections,
)
