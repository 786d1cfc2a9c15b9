"""The API's views: thin, each asking the same questions the corresponding page asks, in the same order.

1. the partnership, through ``partnerships_visible_to`` (404 for one this user may not see);
2. the role check the page makes (``can_see_confidential``, ``can_edit``, ``can_submit_partner_returns``:
   403 when it fails);
3. the record, within that partnership (404 otherwise);
4. for writes, the same service the page's form calls, whose validation errors become 400 with the field
   named (:mod:`forbetter.api.errors`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from forbetter.accounts.permissions import can_edit, can_see_confidential, can_submit_partner_returns
from forbetter.api import selectors
from forbetter.api.serializers import (
    BusinessCaseSerializer,
    CouncilRiskSerializer,
    CouncilTaskSerializer,
    KpiReturnSerializer,
    KpiSerializer,
    PartnershipSerializer,
    ReturnFilters,
    ReturnReviewSerializer,
    ReturnSubmitSerializer,
    RiskFilters,
    RiskSerializer,
    StatementSerializer,
    TaskFilters,
    TaskSerializer,
    VersionDetailSerializer,
)
from forbetter.appraisal import adapters
from forbetter.appraisal import selectors as appraisal
from forbetter.appraisal.models import BusinessCaseVersion
from forbetter.partnerships.models import Partnership
from forbetter.partnerships.view_helpers import READ_ONLY
from forbetter.payments import selectors as payments
from forbetter.payments.models import PaymentStatement
from forbetter.performance import selectors as performance
from forbetter.performance import services as performance_services
from forbetter.performance.models import KpiReturn

BUSINESS_CASE_CONFIDENTIAL = "The business case is confidential to the council"
SUBMIT_REFUSED = "Only the partner's staff submit returns; the council validates them"
DRAFT_REFUSED = "The partner sees a statement once the council has approved it"


class PartnershipView(generics.GenericAPIView[Any]):
    """A view under ``/api/partnerships/{pk}/``: the partnership is found first, as on every page."""

    _partnership: Partnership | None = None

    @property
    def partnership(self) -> Partnership:
        if self._partnership is None:
            self._partnership = selectors.partnership_for(self.request.user, self.kwargs["pk"])
        return self._partnership

    @property
    def partner_view(self) -> bool:
        return not can_see_confidential(self.request.user)

    def filters(self, serializer_class: type[serializers.Serializer[Any]]) -> dict[str, Any]:
        """The validated query parameters, or 400 naming the one that is wrong."""
        found = serializer_class(data=self.request.query_params)
        found.is_valid(raise_exception=True)
        return dict(found.validated_data)

    def listing(self, items: Any) -> Response:
        page = self.paginate_queryset(items)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)


# --- partnerships -------------------------------------------------------------------------------------------


@extend_schema(tags=["partnerships"])
class PartnershipList(generics.ListAPIView[Partnership]):
    """The partnerships you may see (the portfolio)."""

    serializer_class = PartnershipSerializer

    def get_queryset(self) -> Any:
        return selectors.partnerships_for(self.request.user)


@extend_schema(tags=["partnerships"])
class PartnershipDetail(PartnershipView):
    serializer_class = PartnershipSerializer

    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(self.partnership).data)


# --- framework tasks ----------------------------------------------------------------------------------------


class TaskView(PartnershipView):
    def get_serializer_class(self) -> type[TaskSerializer]:
        return TaskSerializer if self.partner_view else CouncilTaskSerializer


@extend_schema(tags=["tasks"])
class TaskList(TaskView):
    @extend_schema(parameters=[TaskFilters], responses=CouncilTaskSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        partnership = self.partnership
        return self.listing(selectors.tasks_of(partnership, **self.filters(TaskFilters)))


@extend_schema(tags=["tasks"])
class TaskDetail(TaskView):
    @extend_schema(responses=CouncilTaskSerializer)
    def get(self, request: Request, pk: int, task_pk: int) -> Response:
        task = get_object_or_404(selectors.tasks_of(self.partnership), pk=task_pk)
        return Response(self.get_serializer(task).data)


# --- risks --------------------------------------------------------------------------------------------------


class RiskView(PartnershipView):
    def get_serializer_class(self) -> type[RiskSerializer]:
        return RiskSerializer if self.partner_view else CouncilRiskSerializer


@extend_schema(tags=["risks"])
class RiskList(RiskView):
    @extend_schema(parameters=[RiskFilters], responses=CouncilRiskSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        partnership = self.partnership
        return self.listing(selectors.risks_of(partnership, **self.filters(RiskFilters)))


@extend_schema(tags=["risks"])
class RiskDetail(RiskView):
    @extend_schema(responses=CouncilRiskSerializer)
    def get(self, request: Request, pk: int, risk_pk: int) -> Response:
        risk = get_object_or_404(selectors.risks_of(self.partnership), pk=risk_pk)
        return Response(self.get_serializer(risk).data)


# --- KPIs and returns ---------------------------------------------------------------------------------------


@extend_schema(tags=["kpis"])
class KpiList(PartnershipView):
    serializer_class = KpiSerializer

    @extend_schema(responses=KpiSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        return self.listing(performance.kpis_of(self.partnership).order_by("reference", "pk"))


@extend_schema(tags=["kpis"])
class KpiDetail(PartnershipView):
    serializer_class = KpiSerializer

    def get(self, request: Request, pk: int, kpi_pk: int) -> Response:
        kpi = get_object_or_404(performance.kpis_of(self.partnership), pk=kpi_pk)
        return Response(self.get_serializer(kpi).data)


@extend_schema(tags=["kpi-returns"])
class ReturnList(PartnershipView):
    serializer_class = KpiReturnSerializer

    @extend_schema(parameters=[ReturnFilters], responses=KpiReturnSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        partnership = self.partnership
        return self.listing(selectors.returns_of(partnership, **self.filters(ReturnFilters)))

    @extend_schema(
        request={"multipart/form-data": ReturnSubmitSerializer, "application/json": ReturnSubmitSerializer},
        responses={200: KpiReturnSerializer, 201: KpiReturnSerializer},
        description=(
            "Partner users only: submit the value for a KPI and period with its evidence. A return awaiting "
            "validation, or one the council disputed, is replaced (200); a new one is 201."
        ),
    )
    def post(self, request: Request, pk: int) -> Response:
        partnership = self.partnership
        if not can_submit_partner_returns(request.user):
            raise PermissionDenied(SUBMIT_REFUSED)
        body = ReturnSubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        replaces = KpiReturn.objects.filter(
            kpi__partnership=partnership, kpi_id=data["kpi"], period=data["period"]
        ).exists()
        record = performance_services.return_submit(
            user=request.user,
            partnership=partnership,
            kpi_id=data["kpi"],
            period=data["period"],
            value=data["value"],
            evidence=data["evidence"],
            commentary=data["commentary"],
        )
        record = performance.return_detail(partnership, record.pk)
        return Response(
            KpiReturnSerializer(record).data,
            status=status.HTTP_200_OK if replaces else status.HTTP_201_CREATED,
        )


def _return(partnership: Partnership, return_pk: int) -> KpiReturn:
    try:
        return performance.return_detail(partnership, return_pk)
    except KpiReturn.DoesNotExist:
        raise Http404("No such return") from None


@extend_schema(tags=["kpi-returns"])
class ReturnDetail(PartnershipView):
    serializer_class = KpiReturnSerializer

    def get(self, request: Request, pk: int, return_pk: int) -> Response:
        return Response(self.get_serializer(_return(self.partnership, return_pk)).data)


@extend_schema(tags=["kpi-returns"])
class ReturnReview(PartnershipView):
    """Council editors validate a return (it then counts) or dispute it with a reason."""

    serializer_class = ReturnReviewSerializer

    @extend_schema(request=ReturnReviewSerializer, responses=KpiReturnSerializer)
    def post(self, request: Request, pk: int, return_pk: int) -> Response:
        partnership = self.partnership
        if not can_edit(request.user):
            raise PermissionDenied(READ_ONLY)
        record = _return(partnership, return_pk)
        body = ReturnReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if body.validated_data["decision"] == "validate":
            performance_services.return_validate(user=request.user, kpi_return=record)
        else:
            performance_services.return_dispute(
                user=request.user, kpi_return=record, reason=body.validated_data["reason"]
            )
        return Response(KpiReturnSerializer(_return(partnership, return_pk)).data)


# --- payment statements -------------------------------------------------------------------------------------


@extend_schema(tags=["statements"])
class StatementList(PartnershipView):
    """Approved statements, and for council users the drafts too (partner users never see a draft)."""

    serializer_class = StatementSerializer

    @extend_schema(responses=StatementSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        partnership = self.partnership
        page = self.paginate_queryset(payments.statements_for(partnership, partner_view=self.partner_view))
        statements = list(page or [])
        context = {**self.get_serializer_context(), "views": _views(partnership, statements)}
        return self.get_paginated_response(StatementSerializer(statements, many=True, context=context).data)


@extend_schema(tags=["statements"])
class StatementDetail(PartnershipView):
    serializer_class = StatementSerializer

    def get(self, request: Request, pk: int, statement_pk: int) -> Response:
        partnership = self.partnership
        statement = get_object_or_404(
            PaymentStatement.objects.select_related("approved_by"), partnership=partnership, pk=statement_pk
        )
        if not statement.frozen and self.partner_view:
            raise PermissionDenied(DRAFT_REFUSED)
        context = {**self.get_serializer_context(), "views": _views(partnership, [statement])}
        return Response(StatementSerializer(statement, context=context).data)


def _views(partnership: Partnership, statements: list[PaymentStatement]) -> dict[int, Any]:
    """The statements page's views of these statements (one computation for all the drafts), by id."""
    views = payments.statement_views(partnership, payments.mechanism_of(partnership), statements)
    return {view.statement.pk: view for view in views}


# --- business cases -----------------------------------------------------------------------------------------


class BusinessCaseView(PartnershipView):
    """Confidential to the council, as the business-case pages: 403 for partner users."""

    def confidential_partnership(self) -> Partnership:
        partnership = self.partnership
        if self.partner_view:
            raise PermissionDenied(BUSINESS_CASE_CONFIDENTIAL)
        return partnership


@extend_schema(tags=["business-cases"])
class BusinessCaseList(BusinessCaseView):
    serializer_class = BusinessCaseSerializer

    @extend_schema(responses=BusinessCaseSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        return self.listing(appraisal.business_cases_for(self.confidential_partnership()).order_by("pk"))


def _results(version: BusinessCaseVersion) -> dict[str, Any]:
    """The version's appraisal as the results page works it out, or what to complete first."""
    try:
        appraised = adapters.appraise_version(version)
    except adapters.AppraisalInputsError as problem:
        return {"results": None, "problems": problem.messages}
    options = [
        {
            "option": found.option.pk,
            "name": found.result.name,
            "years": found.result.years,
            "net_present_cost_gbp": found.result.net_present_cost_gbp,
            "present_value_benefits_gbp": found.result.present_value_benefits_gbp,
            "net_present_value_gbp": found.result.net_present_value_gbp,
            "equivalent_annual_cost_gbp": found.result.equivalent_annual_cost_gbp,
            "optimism_bias": found.result.optimism_bias,
            "retained_risk_gbp": found.retained_risk_gbp,
            "rank": found.result.rank,
        }
        for found in appraised.options
    ]
    results = {
        "stored": appraised.stored,
        "ranking_rule": appraised.ranking_rule,
        "preferred": appraised.appraisal.preferred,
        "warnings": list(appraised.warnings),
        "options": options,
    }
    return {"results": results, "problems": []}


@extend_schema(tags=["business-cases"])
class VersionDetail(BusinessCaseView):
    serializer_class = VersionDetailSerializer

    def get(self, request: Request, pk: int, version_pk: int) -> Response:
        version = appraisal.version_with_inputs(self.confidential_partnership(), version_pk)
        return Response(self.get_serializer(version, context=_results(version)).data)

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        context = {**self.get_serializer_context(), **kwargs.pop("context", {})}
        return self.get_serializer_class()(*args, context=context, **kwargs)
