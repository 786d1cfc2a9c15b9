"""The API area: its documentation and tokens pages (checked by the permission matrix like any page) and
its JSON endpoints and schema, declared here in :data:`ENDPOINTS` with who may use them and the page each
mirrors.

Why the JSON endpoints are not ordinary routes: the permission matrix expects a signed-out visitor to be
sent to the sign-in page and an empty POST to show a form again (200); an API answers 401 in JSON and 400
with the fields named. So the matrix leaves out exactly the URL names listed here (and fails on any other
undeclared URL), and ``tests/web/test_api_access.py`` checks every endpoint, role by role, on a
partnership the user sees and one they do not: the answer must be what ``reads``/``writes`` say, and the
same as the mirrored page's (200 ↔ 2xx or 400; 403 ↔ 403; 404 ↔ 404).
"""

from __future__ import annotations

from dataclasses import dataclass

from forbetter.appraisal.models import BusinessCaseVersion
from forbetter.core.areas import Area, Kwargs, Scope, Who, first_pk, page
from forbetter.partnerships.models import Partnership, Task
from forbetter.payments.models import PaymentStatement, StatementStatus
from forbetter.performance.models import Kpi, KpiReturn
from forbetter.risks.models import Risk

AREA = Area(
    app="api",
    routes=(
        page("docs", scope=Scope.GLOBAL),
        page("tokens", scope=Scope.GLOBAL, writes=Who.ANYONE),
    ),
)


@dataclass(frozen=True)
class Endpoint:
    """One JSON endpoint, one method: who may use it and the page (same path arguments) it mirrors."""

    name: str
    page: str
    who: Who = Who.ANYONE
    method: str = "get"
    scope: Scope = Scope.PARTNERSHIP
    kwargs: Kwargs | None = None
    variant: str = ""

    @property
    def url_name(self) -> str:
        return f"api:{self.name}"


def _task(partnership: Partnership) -> dict[str, object]:
    return {"task_pk": first_pk(Task.objects.filter(partnership=partnership), "task")}


def _risk(partnership: Partnership) -> dict[str, object]:
    return {"risk_pk": first_pk(Risk.objects.filter(partnership=partnership), "risk")}


def _kpi(partnership: Partnership) -> dict[str, object]:
    return {"kpi_pk": first_pk(Kpi.objects.filter(partnership=partnership), "KPI")}


def _return(partnership: Partnership) -> dict[str, object]:
    return {"return_pk": first_pk(KpiReturn.objects.filter(kpi__partnership=partnership), "KPI return")}


def _statement(status: str) -> Kwargs:
    def find(partnership: Partnership) -> dict[str, object]:
        statements = PaymentStatement.objects.filter(partnership=partnership, status=status)
        return {"statement_pk": first_pk(statements, f"{status} payment statement")}

    return find


def _version(partnership: Partnership) -> dict[str, object]:
    versions = BusinessCaseVersion.objects.filter(business_case__partnership=partnership)
    return {"version_pk": first_pk(versions, "business-case version")}


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("schema", "api:docs", scope=Scope.GLOBAL),
    Endpoint("partnership-list", "partnerships:portfolio", scope=Scope.GLOBAL),
    Endpoint("partnership-detail", "partnerships:overview"),
    Endpoint("task-list", "partnerships:tasks"),
    Endpoint("task-detail", "partnerships:task", kwargs=_task),
    Endpoint("risk-list", "risks:register"),
    Endpoint("risk-detail", "risks:risk", kwargs=_risk),
    Endpoint("kpi-list", "performance:dashboard"),
    Endpoint("kpi-detail", "performance:kpi", kwargs=_kpi),
    Endpoint("return-list", "performance:returns"),
    Endpoint("return-list", "performance:return-submit", who=Who.PARTNER, method="post"),
    Endpoint("return-detail", "performance:return", kwargs=_return),
    Endpoint("return-review", "performance:return-review", who=Who.EDITORS, method="post", kwargs=_return),
    Endpoint("statement-list", "payments:statements"),
    Endpoint("statement-detail", "payments:statement", kwargs=_statement(StatementStatus.APPROVED)),
    Endpoint(
        "statement-detail",
        "payments:statement",
        who=Who.COUNCIL,
        kwargs=_statement(StatementStatus.DRAFT),
        variant="draft",
    ),
    Endpoint("business-case-list", "appraisal:cases", who=Who.COUNCIL),
    Endpoint("business-case-version", "appraisal:version-results", who=Who.COUNCIL, kwargs=_version),
)
