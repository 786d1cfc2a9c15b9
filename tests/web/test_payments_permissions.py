"""Every payments URL × every role × a partnership seen and not seen.

Not seeing a partnership is 404; seeing it without the right to change it is 403; a draft statement is
council-confidential (403 for partner users) until it is approved.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from forbetter.accounts.models import Role, User
from forbetter.partnerships.models import Partnership
from forbetter.payments import services
from forbetter.payments.models import PaymentStatement, StatementStatus
from tests.conftest import World
from tests.web.performance_factories import make_kpi, make_mechanism

READ_URLS = ["statements", "mechanism", "index", "reliefs", "relief", "responsibilities"]
READ_POST_EDIT_URLS = ["statements", "index", "reliefs", "relief"]  # pages whose form posts need an editor
EDIT_URLS = [
    "mechanism-edit",
    "charge-change",
    "gainshare-year",
    "responsibility-create",
    "responsibility-edit",
]
STATEMENT_URLS = ["statement", "statement-approve"]
COVERED_URLS = {f"payments:{name}" for name in READ_URLS + EDIT_URLS + STATEMENT_URLS}
ROLES = list(Role)
EDITORS = {Role.COUNCIL_EDITOR, Role.ADMINISTRATOR}
SEES_THEIRS = {Role.ADMINISTRATOR}


def _records(partnership: Partnership, editor: User) -> dict[str, Any]:
    make_mechanism(partnership)
    today = dt.date(2024, 9, 1)
    approved = services.statement_create(
        user=editor, partnership=partnership, month=dt.date(2024, 1, 1), today=today
    )
    services.statement_approve(user=editor, statement=approved)
    draft = services.statement_create(
        user=editor, partnership=partnership, month=dt.date(2024, 2, 1), today=today
    )
    relief = services.relief_create(
        user=editor,
        partnership=partnership,
        kpi_id=make_kpi(partnership).pk,
        month=dt.date(2024, 2, 1),
        reason="Named storm",
        approved_on=dt.date(2024, 3, 1),
    )
    line = services.responsibility_save(
        user=editor,
        partnership=partnership,
        data={"obligation": "Pay", "responsible": "A", "accountable": "B"},
    )
    return {"approved": approved.pk, "draft": draft.pk, "responsibility_pk": line.pk, "relief_pk": relief.pk}


def _url(name: str, partnership: Partnership, records: dict[str, Any], statement: str = "approved") -> str:
    kwargs: dict[str, Any] = {"pk": partnership.pk}
    if name in STATEMENT_URLS:
        kwargs["statement_pk"] = records[statement]
    if name == "responsibility-edit":
        kwargs["responsibility_pk"] = records["responsibility_pk"]
    if name == "relief":
        kwargs["relief_pk"] = records["relief_pk"]
    return reverse(f"payments:{name}", kwargs=kwargs)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", ["ours", "theirs"])
def test_payment_pages_by_role_and_visibility(world: World, role: Role, which: str) -> None:
    partnership = world.ours if which == "ours" else world.theirs
    records = _records(partnership, world.users[Role.COUNCIL_EDITOR])
    visible = which == "ours" or role in SEES_THEIRS
    client = _client(world.users[role])
    for name in READ_URLS:
        assert client.get(_url(name, partnership, records)).status_code == (200 if visible else 404), (
            name,
            role,
        )
    for name in READ_POST_EDIT_URLS:
        expected = (200 if role in EDITORS else 403) if visible else 404
        assert client.post(_url(name, partnership, records), {}).status_code == expected, (name, role, "POST")
    for name in EDIT_URLS:
        expected = (200 if role in EDITORS else 403) if visible else 404
        assert client.get(_url(name, partnership, records)).status_code == expected, (name, role, which)
        assert client.post(_url(name, partnership, records), {}).status_code == expected, (name, role, "POST")
    approved = client.get(_url("statement", partnership, records))
    assert approved.status_code == (200 if visible else 404), (role, which)
    draft = client.get(_url("statement", partnership, records, "draft"))
    assert draft.status_code == ((403 if role == Role.PARTNER_USER else 200) if visible else 404), (
        role,
        which,
    )
    # Approval is a POST; a GET is refused before anything is looked up.
    assert client.get(_url("statement-approve", partnership, records, "draft")).status_code == 405
    approve = client.post(
        _url("statement-approve", partnership, records, "draft"), {"override_reason": "Payment date reached"}
    )
    assert approve.status_code == ((302 if role in EDITORS else 403) if visible else 404), (role, which)
    status = PaymentStatement.objects.get(pk=records["draft"]).status
    assert status == (StatementStatus.APPROVED if visible and role in EDITORS else StatementStatus.DRAFT)


@pytest.mark.django_db
def test_partner_sees_approved_statements_only_in_the_list(world: World) -> None:
    _records(world.ours, world.users[Role.COUNCIL_EDITOR])
    partner = _client(world.users[Role.PARTNER_USER]).get(_url("statements", world.ours, {})).content.decode()
    viewer = (
        _client(world.users[Role.COUNCIL_VIEWER]).get(_url("statements", world.ours, {})).content.decode()
    )
    assert "January 2024" in partner
    assert "February 2024" not in partner
    assert "January 2024" in viewer
    assert "February 2024" in viewer


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_sign_in(world: World) -> None:
    records = _records(world.ours, world.users[Role.COUNCIL_EDITOR])
    client = Client()
    for name in READ_URLS + EDIT_URLS + ["statement"]:
        response = client.get(_url(name, world.ours, records))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:sign-in")), name


@pytest.mark.django_db
def test_statements_of_another_partnership_are_not_found_through_ours(world: World) -> None:
    editor = world.users[Role.COUNCIL_EDITOR]
    _records(world.ours, editor)
    theirs = _records(world.theirs, editor)
    client = _client(world.users[Role.ADMINISTRATOR])
    assert client.get(_url("statement", world.ours, theirs)).status_code == 404
    assert client.post(_url("statement-approve", world.ours, theirs, "draft")).status_code == 404
    assert client.get(_url("responsibility-edit", world.ours, theirs)).status_code == 404
    assert client.get(_url("relief", world.ours, theirs)).status_code == 404
