"""Every JSON endpoint of the API × every role × a partnership the user sees and one they do not: the API
answers exactly as the page it mirrors (``forbetter/api/area.py`` ENDPOINTS), and as its declared ``Who``.

- the page's 200 is the API's 200 for a read, and for a POST (sent empty) the page's form-with-errors 200 is
  the API's 400 with the fields named; the page's 403 is the API's 403 and its 404 the API's 404;
- a refused or invalid request writes nothing;
- signed-out requests get 401 in JSON (never the sign-in page);
- a record of another partnership, put into the path of a visible one, is a 404, even for an administrator.

The world is the permission matrix's own (its ``matrix`` fixture: two partnerships, a user of each role and
every area's example records), so the API and the pages are compared on the same records.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forbetter.accounts.models import Role
from forbetter.api.area import ENDPOINTS, Endpoint
from forbetter.core.areas import Scope
from tests.web import test_permission_matrix as permission_matrix

matrix = permission_matrix.matrix  # the same module-scoped world as the permission matrix
Matrix = permission_matrix.Matrix
ROLES = permission_matrix.ROLES
ALLOWED = permission_matrix.ALLOWED
SEES = permission_matrix.SEES
WRITES = permission_matrix.WRITES


def _id(endpoint: Endpoint) -> str:
    return f"{endpoint.url_name}-{endpoint.method}" + (f"({endpoint.variant})" if endpoint.variant else "")


def _kwargs(endpoint: Endpoint, matrix: Matrix, which: str) -> dict[str, object]:
    if endpoint.scope != Scope.PARTNERSHIP:
        return {}
    partnership = matrix.world.ours if which == "ours" else matrix.world.theirs
    found = endpoint.kwargs(partnership) if endpoint.kwargs else {}
    return {"pk": partnership.pk, **found}


def _expected(endpoint: Endpoint, role: Role, which: str) -> int:
    if role not in SEES[which]:
        return 404
    if role not in ALLOWED[endpoint.who]:
        return 403
    return 400 if endpoint.method == "post" else 200


def _answer(client: Client, method: str, url: str, **extra: Any) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, {}, **extra)
    return response, sum(1 for query in queries if WRITES.match(query["sql"]))


def _cases() -> Iterator[Any]:
    for endpoint in ENDPOINTS:
        for which in ("ours", "theirs") if endpoint.scope == Scope.PARTNERSHIP else ("",):
            for role in ROLES:
                yield pytest.param(endpoint, role, which, id=f"{_id(endpoint)}-{role}-{which or 'global'}")


@pytest.mark.django_db
@pytest.mark.parametrize(("endpoint", "role", "which"), list(_cases()))
def test_api_answers_as_its_page_does(matrix: Matrix, endpoint: Endpoint, role: Role, which: str) -> None:
    kwargs = _kwargs(endpoint, matrix, which)
    client = matrix.client(role)
    page, _ = _answer(client, endpoint.method, reverse(endpoint.page, kwargs=kwargs))
    api, writes = _answer(client, endpoint.method, reverse(endpoint.url_name, kwargs=kwargs))
    expected = _expected(endpoint, role, which)
    assert api.status_code == expected, (api.status_code, api.content[:300])
    assert api["Content-Type"].startswith("application/json")
    # The page: 200 where the API is 200 or 400 (its form shown again with the errors), else the same.
    assert page.status_code == (200 if expected in (200, 400) else expected)
    if endpoint.method == "post":
        assert writes == 0, f"{endpoint.url_name} was answered {api.status_code} but wrote to the database"


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", [pytest.param(e, id=_id(e)) for e in ENDPOINTS])
def test_signed_out_requests_get_401_in_json(matrix: Matrix, endpoint: Endpoint) -> None:
    response, writes = _answer(
        matrix.client(None),
        endpoint.method,
        reverse(endpoint.url_name, kwargs=_kwargs(endpoint, matrix, "ours")),
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert writes == 0


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", [pytest.param(e, id=_id(e)) for e in ENDPOINTS if e.kwargs])
def test_records_of_another_partnership_are_not_found_through_a_visible_one(
    matrix: Matrix, endpoint: Endpoint
) -> None:
    ours, theirs = _kwargs(endpoint, matrix, "ours"), _kwargs(endpoint, matrix, "theirs")
    client = matrix.client(Role.ADMINISTRATOR)
    for key in ours.keys() - {"pk"}:
        assert ours[key] != theirs[key]
        url = reverse(endpoint.url_name, kwargs={**ours, key: theirs[key]})
        response, writes = _answer(client, endpoint.method, url)
        assert response.status_code == 404, url
        assert writes == 0


def test_every_endpoint_mirrors_a_declared_page() -> None:
    pages = {area.url_name(route) for area, route in permission_matrix.DECLARED}
    for endpoint in ENDPOINTS:
        assert endpoint.page in pages, endpoint
