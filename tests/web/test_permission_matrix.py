"""Every declared URL × every role × a partnership the user sees and one they do not, generated from the
areas' declarations (``forbetter/<app>/area.py``, see :mod:`forbetter.core.areas`).

The rules checked, for each URL by its declared kind and ``Who``:

- a partnership the user may not see is a 404 (its existence is not revealed), whatever the method;
- a user who sees it but is not among those the URL names gets 403 (partner users on council-confidential
  pages; viewers, auditors and partner users on every change; everyone but administrators on
  administration; everyone but the partner's users on KPI returns);
- an allowed read is 200; an empty POST to a form is 200 (the form again, with its errors); a POST-only
  action refuses GET with 405 and redirects after doing it; a removal asks first and acts only on
  ``confirm=yes``;
- a refused request, and any POST that does not redirect, writes nothing to the database; an action that
  redirects has written something;
- anonymous users are sent to sign in from every URL but the public ones;
- a record of another partnership, put into the path of a visible one, is a 404;
- a section of the partnership navigation is shown exactly to the roles that may open it;
- and every URL of the project is declared by an area.

Who belongs to each ``Who`` is stated here, independently of the code that enforces it. The world (two
partnerships, a user of each role, and each area's example records) is built once for the module inside a
transaction that is rolled back at the end; each test runs in a savepoint of it, so an action in one test
is undone before the next.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from forbetter.accounts.models import Role
from forbetter.api.area import ENDPOINTS as API_ENDPOINTS
from forbetter.core.areas import Area, Kind, Route, Scope, Who, areas
from forbetter.framework.loader import load_framework
from forbetter.partnerships.models import Partnership
from tests.conftest import World, build_world

ROLES = list(Role)
EDITORS = {Role.COUNCIL_EDITOR, Role.ADMINISTRATOR}
ALLOWED: dict[Who, set[Role]] = {
    Who.ANYONE: set(ROLES),
    Who.COUNCIL: set(ROLES) - {Role.PARTNER_USER},
    Who.EDITORS: EDITORS,
    Who.PARTNER: {Role.PARTNER_USER},
    Who.ADMINISTRATORS: {Role.ADMINISTRATOR},
}
SEES = {"ours": set(ROLES), "theirs": {Role.ADMINISTRATOR}, "": set(ROLES)}
REFUSED = (403, 404, 405)
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)

DECLARED: list[tuple[Area, Route]] = [(area, route) for area in areas() for route in area.routes]

# The JSON API's endpoints answer a signed-out request with 401 in JSON (not a redirect to sign in) and a bad
# POST with 400 (not the form again), which this matrix cannot express. They are declared, with who may use
# them and the page each mirrors, in forbetter/api/area.py ENDPOINTS, and tests/web/test_api_access.py
# checks each one role by role against its page. Only those names are left out here.
API_ENDPOINT_NAMES = {endpoint.url_name for endpoint in API_ENDPOINTS}


def _id(area: Area, route: Route) -> str:
    return area.url_name(route) + (f"({route.variant})" if route.variant else "")


@dataclass
class Matrix:
    world: World
    urls: dict[tuple[str, str], str]
    """(route id, "ours" | "theirs" | "") → the URL."""
    kwargs: dict[tuple[str, str], dict[str, object]]
    sessions: dict[Role, str]

    def client(self, role: Role | None) -> Client:
        client = Client()
        if role is not None:
            client.cookies = SimpleCookie({settings.SESSION_COOKIE_NAME: self.sessions[role]})
        return client


def _kwargs(route: Route, partnership: Partnership | None) -> dict[str, object]:
    found = route.kwargs(partnership) if route.kwargs else {}
    return dict(found) if partnership is None else {"pk": partnership.pk, **found}


@pytest.fixture(scope="module")
def matrix(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[Matrix]:
    test_settings = override_settings(
        MEDIA_ROOT=str(tmp_path_factory.mktemp("media")),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    )
    with test_settings, django_db_blocker.unblock(), transaction.atomic():
        load_framework()
        world = build_world()
        editor = world.users[Role.COUNCIL_EDITOR]
        partnerships = {"ours": world.ours, "theirs": world.theirs}
        for area in areas():
            if area.examples:
                for partnership in partnerships.values():
                    area.examples(partnership, editor)
        urls: dict[tuple[str, str], str] = {}
        kwargs: dict[tuple[str, str], dict[str, object]] = {}
        for area, route in DECLARED:
            if route.scope == Scope.PARTNERSHIP:
                for which, partnership in partnerships.items():
                    kwargs[_id(area, route), which] = _kwargs(route, partnership)
            else:
                kwargs[_id(area, route), ""] = _kwargs(route, None)
        for (name, which), found in kwargs.items():
            urls[name, which] = reverse(name.split("(")[0], kwargs=found)
        sessions = {}
        for role, user in world.users.items():
            client = Client()
            client.force_login(user)
            sessions[role] = client.session.session_key
        yield Matrix(world, urls, kwargs, sessions)
        transaction.set_rollback(True)


def _declared_names() -> set[str]:
    return {area.url_name(route) for area, route in DECLARED}


def _project_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[URLPattern | URLResolver], namespace: str = "") -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(
                    pattern.url_patterns,
                    f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace,
                )
            elif pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns)
    return names


def test_every_url_is_declared_by_an_area() -> None:
    missing = _project_url_names() - _declared_names() - API_ENDPOINT_NAMES
    assert _project_url_names() >= API_ENDPOINT_NAMES, "API endpoints declared that do not exist"
    assert not missing, f"URLs no area declares (add them to the app's area.py): {sorted(missing)}"
    unknown = _declared_names() - _project_url_names()
    assert not unknown, f"Declared URLs that do not exist: {sorted(unknown)}"
    ids = [_id(area, route) for area, route in DECLARED]
    assert len(ids) == len(set(ids)), "a URL declared twice needs a different variant"


def test_no_old_permission_modules_are_left_to_drift() -> None:
    """The matrix is declared once; per-area copies of it would go stale."""
    copies = sorted(p.name for p in Path(__file__).parent.glob("test_*permissions.py"))
    assert not copies, f"move these checks into the areas' declarations: {copies}"


def _expected(role: Role | None, which: str, *who: Who | None, success: int) -> int:
    if role not in SEES[which]:
        return 404
    if any(rule is None or role not in ALLOWED[rule] for rule in who):
        return 403
    return success


def _request(client: Client, method: str, url: str, data: dict[str, str] | None = None) -> tuple[Any, int]:
    """The response and how many writes it made."""
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {})
    return response, sum(1 for query in queries if WRITES.match(query["sql"]))


def _check(client: Client, method: str, url: str, expected: int, data: dict[str, str] | None = None) -> None:
    response, writes = _request(client, method, url, data)
    status = response.status_code
    what = f"{method.upper()} {url} {data or ''}"
    assert status == expected, f"{what}: {status}, expected {expected}"
    if status in REFUSED or (method == "post" and status != 302):
        assert writes == 0, f"{what} was refused ({status}) but wrote to the database"
    elif method == "post":
        assert writes > 0, f"{what} redirected without writing anything"


def _cases() -> Iterator[Any]:
    for area, route in DECLARED:
        if route.scope == Scope.PUBLIC:
            continue
        for which in ("ours", "theirs") if route.scope == Scope.PARTNERSHIP else ("",):
            for role in ROLES:
                yield pytest.param(
                    area, route, role, which, id=f"{_id(area, route)}-{role}-{which or 'global'}"
                )


@pytest.mark.django_db
@pytest.mark.parametrize(("area", "route", "role", "which"), list(_cases()))
def test_url_by_role_and_partnership(
    matrix: Matrix, area: Area, route: Route, role: Role, which: str
) -> None:
    url = matrix.urls[_id(area, route), which]
    client = matrix.client(role)
    if route.kind == Kind.PAGE:
        _check(client, "get", url, _expected(role, which, route.reads, success=200))
        if route.writes is not None:
            _check(client, "post", url, _expected(role, which, route.reads, route.writes, success=200))
    elif route.kind == Kind.ACTION:
        _check(client, "get", url, 405)
        _check(client, "post", url, _expected(role, which, route.writes, success=302), dict(route.data))
    else:
        asks = _expected(role, which, route.reads, route.writes, success=200)
        _check(client, "get", url, asks)
        _check(client, "post", url, asks)
        _check(client, "post", url, _expected(role, which, route.writes, success=302), dict(route.data))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("area", "route"),
    [pytest.param(a, r, id=_id(a, r)) for a, r in DECLARED if r.scope != Scope.PUBLIC],
)
def test_anonymous_users_are_sent_to_sign_in(matrix: Matrix, area: Area, route: Route) -> None:
    url = matrix.urls[_id(area, route), "ours" if route.scope == Scope.PARTNERSHIP else ""]
    sign_in = reverse("accounts:sign-in")
    for method in ("get", "post") if route.writes else ("get",):
        response, writes = _request(matrix.client(None), method, url, dict(route.data))
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(sign_in), (method, url)
        assert writes == 0, (method, url)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("area", "route"),
    [pytest.param(a, r, id=_id(a, r)) for a, r in DECLARED if r.scope == Scope.PUBLIC],
)
def test_public_pages_are_open_to_anyone(matrix: Matrix, area: Area, route: Route) -> None:
    assert matrix.client(None).get(matrix.urls[_id(area, route), ""]).status_code == 200


def _mixed_cases() -> Iterator[Any]:
    """(route, kwarg) for every record a partnership URL addresses besides the partnership itself."""
    for area, route in DECLARED:
        if route.scope == Scope.PARTNERSHIP and route.kwargs is not None:
            yield pytest.param(area, route, id=_id(area, route))


@pytest.mark.django_db
@pytest.mark.parametrize(("area", "route"), list(_mixed_cases()))
def test_records_of_another_partnership_are_not_found_through_a_visible_one(
    matrix: Matrix, area: Area, route: Route
) -> None:
    """Each record id of 'theirs', put in turn into the path of 'ours', is a 404, even for an administrator
    who may see both."""
    ours = matrix.kwargs[_id(area, route), "ours"]
    theirs = matrix.kwargs[_id(area, route), "theirs"]
    differing = [key for key in ours if key != "pk" and ours[key] != theirs[key]]
    if not differing:
        pytest.skip("its path names no record of its own, only fixed words")
    client = matrix.client(Role.ADMINISTRATOR)
    method = "post" if route.kind == Kind.ACTION else "get"
    for key in differing:
        url = reverse(area.url_name(route), kwargs={**ours, key: theirs[key]})
        _check(client, method, url, 404, dict(route.data) if method == "post" else None)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_navigation_shows_a_section_only_to_those_who_may_open_it(matrix: Matrix, role: Role) -> None:
    landing = {area.url_name(route): route for area, route in DECLARED if not route.variant}
    page = matrix.client(role).get(matrix.urls["partnerships:overview", "ours"]).content.decode()
    for area in areas():
        for section in area.sections:
            route = landing[section.url_name]
            assert route.kind == Kind.PAGE, section.url_name
            assert route.kwargs is None, section.url_name
            opens = _expected(role, "ours", route.reads, success=200) == 200
            link = f'href="{reverse(section.url_name, args=[matrix.world.ours.pk])}"'
            assert (link in page) == opens, (section.key, role)
