"""The API's addresses. The JSON endpoints are exempt from the sign-in redirect (``login_not_required``):
DRF authenticates them itself and answers 401 or 403 in JSON; so does the schema, so an API client can fetch
it with its token. The documentation page and the tokens page are ordinary signed-in pages
(``login_required``: a session, not a token)."""

from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required, login_required
from django.http.response import HttpResponseBase
from django.urls import path
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.views import APIView

from forbetter.api import views, views_tokens

app_name = "api"

PARTNERSHIP = "partnerships/<int:pk>/"


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from drf-spectacular-sidecar's static files, its start-up script fetched from this same
    address (``?script``) rather than written inline, so the site's Content-Security-Policy holds."""

    template_name = "api/swagger_ui.html"
    url_name = "api:schema"


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, JSON unless ``?format=yaml`` asks otherwise, so it answers (and refuses, 401) in
    JSON like every endpoint."""

    renderer_classes = [OpenApiJsonRenderer2, OpenApiJsonRenderer, OpenApiYamlRenderer, OpenApiYamlRenderer2]


def _api(view: type[APIView]) -> Callable[..., HttpResponseBase]:
    return login_not_required(view.as_view())


urlpatterns = [
    # The schema answers like the JSON endpoints (a token or the session; 401 without either), so API
    # clients can fetch it with their token. The docs page is a page for signed-in people: a signed-out
    # visitor is sent to sign in, as from every other page.
    path("schema/", _api(SchemaView), name="schema"),
    path("docs/", login_required(DocsView.as_view()), name="docs"),
    path("tokens/", views_tokens.tokens, name="tokens"),
    path("partnerships/", _api(views.PartnershipList), name="partnership-list"),
    path(PARTNERSHIP, _api(views.PartnershipDetail), name="partnership-detail"),
    path(PARTNERSHIP + "tasks/", _api(views.TaskList), name="task-list"),
    path(PARTNERSHIP + "tasks/<int:task_pk>/", _api(views.TaskDetail), name="task-detail"),
    path(PARTNERSHIP + "risks/", _api(views.RiskList), name="risk-list"),
    path(PARTNERSHIP + "risks/<int:risk_pk>/", _api(views.RiskDetail), name="risk-detail"),
    path(PARTNERSHIP + "kpis/", _api(views.KpiList), name="kpi-list"),
    path(PARTNERSHIP + "kpis/<int:kpi_pk>/", _api(views.KpiDetail), name="kpi-detail"),
    path(PARTNERSHIP + "kpi-returns/", _api(views.ReturnList), name="return-list"),
    path(PARTNERSHIP + "kpi-returns/<int:return_pk>/", _api(views.ReturnDetail), name="return-detail"),
    path(PARTNERSHIP + "kpi-returns/<int:return_pk>/review/", _api(views.ReturnReview), name="return-review"),
    path(PARTNERSHIP + "statements/", _api(views.StatementList), name="statement-list"),
    path(
        PARTNERSHIP + "statements/<int:statement_pk>/", _api(views.StatementDetail), name="statement-detail"
    ),
    path(PARTNERSHIP + "business-cases/", _api(views.BusinessCaseList), name="business-case-list"),
    path(
        PARTNERSHIP + "business-cases/versions/<int:version_pk>/",
        _api(views.VersionDetail),
        name="business-case-version",
    ),
]
