"""Administration of organisations and users: the role and organisation rules, passwords and history.

Who may reach these pages at all is checked by the permission matrix (tests/web/test_permission_matrix.py)
from the accounts area's declaration.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from forbetter.accounts.models import Organisation, Role, User
from tests.conftest import World
from tests.web.edit_versions import opened_at

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_administrator_adds_a_user_with_a_role_that_fits_the_organisation(world: World) -> None:
    client = _client(world.users[Role.ADMINISTRATOR])
    data = {
        "email": "New.Person@A.test",
        "first_name": "New",
        "last_name": "Person",
        "organisation": world.partner_p.pk,
        "role": "council_editor",
        "is_active": "on",
        "password": "A-very-long-password-2026",
    }
    response = client.post(reverse("accounts:user-create"), data)
    assert "A council editor cannot belong to a partner company" in response.content.decode()
    assert not User.objects.filter(email="new.person@a.test").exists()
    response = client.post(reverse("accounts:user-create"), {**data, "role": "partner_user"})
    assert response.status_code == 302
    user = User.objects.get(email="new.person@a.test")
    assert user.check_password("A-very-long-password-2026")
    assert user.history.first().history_user == world.users[Role.ADMINISTRATOR]


def test_weak_password_is_refused(world: World) -> None:
    response = _client(world.users[Role.ADMINISTRATOR]).post(
        reverse("accounts:user-create"),
        {
            "email": "x@a.test",
            "organisation": world.council_a.pk,
            "role": "council_viewer",
            "password": "short",
        },
    )
    assert "This password is too short" in response.content.decode()
    assert not User.objects.filter(email="x@a.test").exists()


def test_administrator_cannot_remove_their_own_access(world: World) -> None:
    admin = world.users[Role.ADMINISTRATOR]
    response = _client(admin).post(
        reverse("accounts:user-edit", args=[admin.pk]),
        {
            "email": admin.email,
            "organisation": world.council_a.pk,
            "role": "council_viewer",
            "is_active": "on",
            **opened_at(admin),
        },
    )
    assert "You cannot remove your own administrator access" in response.content.decode()
    admin.refresh_from_db()
    assert admin.role == Role.ADMINISTRATOR


def test_only_an_audit_body_audits_councils(world: World) -> None:
    response = _client(world.users[Role.ADMINISTRATOR]).post(
        reverse("accounts:organisation-create"),
        {"name": "Odd Council", "kind": "council", "audited_councils": [world.council_b.pk]},
    )
    assert "Only an audit body can audit councils" in response.content.decode()
    assert not Organisation.objects.filter(name="Odd Council").exists()


def test_organisation_change_is_in_its_history(world: World) -> None:
    client = _client(world.users[Role.ADMINISTRATOR])
    response = client.post(
        reverse("accounts:organisation-edit", args=[world.audit_body.pk]),
        {
            "name": "Audit Body LLP",
            "kind": "audit_body",
            "audited_councils": [world.council_a.pk, world.council_b.pk],
            **opened_at(world.audit_body),
        },
    )
    assert response.status_code == 302
    assert set(world.audit_body.audited_councils.all()) == {world.council_a, world.council_b}
    page = client.get(reverse("accounts:organisation-edit", args=[world.audit_body.pk])).content.decode()
    assert "Change history" in page
