"""Reads for business-case pages, each in a fixed number of queries whatever the number of options, lines
and years."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from forbetter.appraisal.models import (
    AppraisalOption,
    BaselineMeasure,
    BusinessCase,
    BusinessCaseVersion,
    CashflowLine,
    OptionRiskShare,
    ServiceBaseline,
    VersionStatus,
)
from forbetter.partnerships.models import Partnership


def business_cases_for(partnership: Partnership) -> QuerySet[BusinessCase]:
    """The partnership's business cases with their versions (and who froze them), oldest first."""
    versions = BusinessCaseVersion.objects.select_related("frozen_by").order_by("number")
    return BusinessCase.objects.filter(partnership=partnership).prefetch_related(
        Prefetch("versions", queryset=versions)
    )


def business_case(partnership: Partnership, case_pk: int) -> BusinessCase:
    return get_object_or_404(business_cases_for(partnership), pk=case_pk)


def draft_versions_for(partnership: Partnership) -> QuerySet[BusinessCaseVersion]:
    """The partnership's draft (changeable) business-case versions, for other areas that write into a
    version (the risk pages link a Monte Carlo run's seed to a version through
    :func:`forbetter.appraisal.services.version_set_risk_settings`)."""
    return (
        BusinessCaseVersion.objects.filter(business_case__partnership=partnership, status=VersionStatus.DRAFT)
        .select_related("business_case")
        .order_by("business_case__created_at", "number")
    )


def _with_inputs(versions: QuerySet[BusinessCaseVersion]) -> QuerySet[BusinessCaseVersion]:
    lines = CashflowLine.objects.prefetch_related("values")
    shares = OptionRiskShare.objects.select_related("risk", "category")
    options = AppraisalOption.objects.prefetch_related(
        "contributions", Prefetch("lines", queryset=lines), Prefetch("risk_shares", queryset=shares)
    )
    return versions.select_related("business_case", "frozen_by", "based_on").prefetch_related(
        "deflator_rates", "budget_years", Prefetch("options", queryset=options)
    )


def version_with_inputs(partnership: Partnership, version_pk: int) -> BusinessCaseVersion:
    """One version of this partnership with every input the appraisal needs, or 404."""
    versions = BusinessCaseVersion.objects.filter(business_case__partnership=partnership)
    return get_object_or_404(_with_inputs(versions), pk=version_pk)


def versions_with_inputs(case: BusinessCase, pks: list[int]) -> dict[int, BusinessCaseVersion]:
    """Several versions of one business case with their inputs, by primary key."""
    return {version.pk: version for version in _with_inputs(case.versions.filter(pk__in=pks))}


def option_of(version: BusinessCaseVersion, option_pk: int) -> AppraisalOption:
    lines = CashflowLine.objects.prefetch_related("values")
    return get_object_or_404(
        AppraisalOption.objects.filter(version=version).prefetch_related(
            "contributions",
            Prefetch("lines", queryset=lines),
            Prefetch("risk_shares", queryset=OptionRiskShare.objects.select_related("risk", "category")),
        ),
        pk=option_pk,
    )


def baselines_for(partnership: Partnership) -> QuerySet[ServiceBaseline]:
    measures = BaselineMeasure.objects.order_by("kind", "name")
    return (
        ServiceBaseline.objects.filter(partnership=partnership)
        .select_related("service")
        .prefetch_related(Prefetch("measures", queryset=measures))
    )


def removed_options(version: BusinessCaseVersion) -> list[object]:
    """Options withdrawn from this version, newest first, with who removed them, when and why (one query)."""
    return list(
        AppraisalOption.history.filter(version_id=version.pk, history_type="-")
        .select_related("history_user")
        .order_by("-history_date")
    )
