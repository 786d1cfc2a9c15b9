"""The business-case area (value for money): business cases and their versions, options, cash-flow lines,
optimism-bias mitigation, risk shares and service baselines. All of it is confidential to the council.
Declared once for navigation, evidence, the demo and the permission matrix (see :mod:`forbetter.core.areas`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from forbetter.accounts.permissions import can_see_confidential
from forbetter.appraisal import pack, services
from forbetter.appraisal.evidence_providers import business_case_versions, service_baselines
from forbetter.appraisal.models import (
    AppraisalOption,
    BaselineMeasure,
    BusinessCase,
    BusinessCaseVersion,
    CashflowLine,
    LineCategory,
    OptimismBiasContribution,
    OptionKind,
    OptionRiskShare,
    ServiceBaseline,
)
from forbetter.core.areas import Area, Section, Who, action, first_pk, form, page
from forbetter.partnerships.models import Partnership, ServiceArea
from forbetter.risks.models import RiskCategory
from forbetter.risks.reference import load_risk_categories

COUNCIL = Who.COUNCIL


def _version(partnership: Partnership) -> dict[str, int]:
    versions = BusinessCaseVersion.objects.filter(business_case__partnership=partnership)
    return {"version_pk": first_pk(versions, "business-case version")}


def _case(partnership: Partnership) -> dict[str, int]:
    return {"case_pk": first_pk(BusinessCase.objects.filter(partnership=partnership), "business case")}


def _option(partnership: Partnership) -> dict[str, int]:
    found = _version(partnership)
    options = AppraisalOption.objects.filter(version_id=found["version_pk"])
    return {**found, "option_pk": first_pk(options, "option")}


def _line(partnership: Partnership) -> dict[str, int]:
    found = _option(partnership)
    return {**found, "line_pk": first_pk(CashflowLine.objects.filter(option_id=found["option_pk"]), "line")}


def _contribution(partnership: Partnership) -> dict[str, int]:
    found = _option(partnership)
    rows = OptimismBiasContribution.objects.filter(option_id=found["option_pk"])
    return {**found, "contribution_pk": first_pk(rows, "mitigation row")}


def _share(partnership: Partnership) -> dict[str, int]:
    found = _option(partnership)
    shares = OptionRiskShare.objects.filter(option_id=found["option_pk"])
    return {**found, "share_pk": first_pk(shares, "risk share")}


def _baseline(partnership: Partnership) -> dict[str, int]:
    return {"baseline_pk": first_pk(ServiceBaseline.objects.filter(partnership=partnership), "baseline")}


def _measure(partnership: Partnership) -> dict[str, int]:
    found = _baseline(partnership)
    measures = BaselineMeasure.objects.filter(baseline_id=found["baseline_pk"])
    return {**found, "measure_pk": first_pk(measures, "baseline measure")}


def examples(partnership: Partnership, user: Any) -> None:
    """A draft version with one option (one line, a mitigation row and a risk share) and a service
    baseline with one measure."""
    if not BusinessCaseVersion.objects.filter(business_case__partnership=partnership).exists():
        case = services.business_case_create(
            user=user, partnership=partnership, title="Options appraisal", price_base_year=2026
        )
        version = case.versions.get()
        services.version_update_settings(
            user=user,
            version=version,
            price_base_year=2026,
            discount_schedule="standard",
            discount_rate=None,
            deflator_rates=[Decimal("0.02")],
            budget_prices="real",
            budget_gbp=[Decimal(200)] * 3,
        )
        option = services.option_create(
            user=user,
            version=version,
            data={"name": "In-house", "kind": OptionKind.IN_HOUSE_AS_NOW, "years": 3},
        )
        services.line_create(
            user=user,
            option=option,
            data={
                "label": "Running cost",
                "category": LineCategory.OPERATING,
                "prices": "real",
                "optimism_bias_applies": False,
            },
            values=[Decimal(100)] * 3,
        )
        services.contribution_add(
            user=user,
            option=option,
            factor="Complexity",
            contribution=Decimal("0.2"),
            mitigation=Decimal("0.5"),
        )
        if not RiskCategory.objects.exists():
            load_risk_categories()
        services.option_risk_share_set(
            user=user,
            option=option,
            category=RiskCategory.objects.order_by("pk").first(),
            council_share=Decimal("0.5"),
            reason="Shared with the partner",
        )
    if not ServiceBaseline.objects.filter(partnership=partnership).exists():
        service = ServiceArea.objects.order_by("pk").first()
        assert service is not None, "the service areas are reference data loaded by a migration"
        partnership.services.add(service)
        baseline = services.baseline_create(
            user=user,
            partnership=partnership,
            data={
                "service": service,
                "annual_cost_gbp": Decimal(100),
                "cost_source": "Budget book",
                "cost_as_at": dt.date(2026, 1, 1),
            },
        )
        services.measure_add(
            user=user,
            baseline=baseline,
            data={
                "kind": "volume",
                "name": "Calls",
                "value": Decimal(5),
                "unit": "calls",
                "source": "Contact centre",
                "as_at": dt.date(2026, 1, 1),
            },
        )


AREA = Area(
    app="appraisal",
    routes=(
        page("cases", reads=COUNCIL),
        form("case-create"),
        page("compare", reads=COUNCIL, kwargs=_case),
        page("version", reads=COUNCIL, kwargs=_version),
        page("version-results", reads=COUNCIL, kwargs=_version),
        form("version-settings", kwargs=_version),
        form("version-risk", kwargs=_version),
        form("version-freeze", kwargs=_version),
        action("version-copy", kwargs=_version),
        form("option-create", kwargs=_version),
        form("option", kwargs=_option),
        form("option-delete", kwargs=_option),
        action("option-from-baselines", kwargs=_option),
        form("line-create", kwargs=_option),
        form("line-edit", kwargs=_line),
        action("line-delete", kwargs=_line),
        form("contribution-add", kwargs=_option),
        action("contribution-delete", kwargs=_contribution),
        form("option-risk-share-add", kwargs=_option),
        action("option-risk-share-delete", kwargs=_share),
        page("baselines", reads=COUNCIL),
        form("baseline-create"),
        form("baseline", kwargs=_baseline),
        form("measure-create", kwargs=_baseline),
        action("measure-delete", kwargs=_measure),
    ),
    sections=(Section("business-case", "Business case", "appraisal:cases", 40, can_see_confidential),),
    evidence=(business_case_versions, service_baselines),
    demo="forbetter.demo.appraisal",
    examples=examples,
    pack_sections=pack.pack_sections,
)
