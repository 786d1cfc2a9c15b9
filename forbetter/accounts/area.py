"""The accounts area: signing in and out, and the administration of organisations and users (see
:mod:`forbetter.core.areas`)."""

from __future__ import annotations

from forbetter.accounts.models import Organisation, OrganisationKind, Role, User
from forbetter.core.areas import Area, Scope, Who, action, first_pk, form, page


def _organisation(partnership: object) -> dict[str, object]:
    return {"pk": first_pk(Organisation.objects.filter(kind=OrganisationKind.COUNCIL), "council")}


def _user(partnership: object) -> dict[str, object]:
    return {"pk": first_pk(User.objects.filter(role=Role.COUNCIL_VIEWER), "council viewer")}


ADMIN = Who.ADMINISTRATORS

AREA = Area(
    app="accounts",
    routes=(
        page("sign-in", scope=Scope.PUBLIC),
        action("sign-out", who=Who.ANYONE, scope=Scope.GLOBAL),
        form("organisations", who=ADMIN, scope=Scope.GLOBAL),
        form("organisation-create", who=ADMIN, scope=Scope.GLOBAL),
        form("organisation-edit", who=ADMIN, scope=Scope.GLOBAL, kwargs=_organisation),
        form("users", who=ADMIN, scope=Scope.GLOBAL),
        form("user-create", who=ADMIN, scope=Scope.GLOBAL),
        form("user-edit", who=ADMIN, scope=Scope.GLOBAL, kwargs=_user),
    ),
)
