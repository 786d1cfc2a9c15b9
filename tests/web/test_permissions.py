"""Every URL × every role × a partnership the user may and may not see.

A user who may not see a partnership gets 404 (its existence is not revealed); a user who may see it but
not change it gets 403 on every page that changes it. Every URL must appear in the
``COVERED_URLS`` of some ``tests/web/test_*permissions.py`` module, or
``test_every_url_is_in_the_permission_matrix`` fails.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from forbetter.accounts.models import Role, User
from forbetter.partnerships.models import Document, EvidenceLink, Partnership
from forbetter.partnerships.selectors import partnerships_visible_to
from tests.conftest import World

READ_URLS = ["overview", "matrix", "tasks", "tasks-stage", "task", "documents", "document", "history"]
EDIT_URLS = ["edit", "task-edit", "evidence-add", "gate", "document-edit", "document-withdraw"]
POST_ONLY_URLS = ["evidence-remove"]
GLOBAL_READ_URLS = ["partnerships:portfolio", "partnerships:due", "framework"]
GLOBAL_EDIT_URLS = ["partnerships:create"]
PUBLIC_URLS = ["accounts:sign-in", "accounts:sign-out"]
ROLES = list(Role)
EDITORS = {Role.COUNCIL_EDITOR, Role.ADMINISTRATOR}
SEES_OURS = set(ROLES)
SEES_THEIRS = {Role.ADMINISTRATOR}


def _url(name: str, partnership: Partnership, link: EvidenceLink | None = None) -> str:
    task = partnership.tasks.order_by("pk").first()
    assert task is not None
    kwargs: dict[str, object] = {"pk": partnership.pk}
    if name in ("task", "task-edit", "evidence-add", "evidence-remove"):
        kwargs["task_pk"] = task.pk
    if name == "tasks-stage":
        kwargs["stage"] = "procurement"
    if name == "evidence-remove":
        kwargs["task_pk"] = link.task_id if link else task.pk
        kwargs["link_pk"] = link.pk if link else 999999
    if name.startswith("document") and name != "documents":
        document = partnership.documents.order_by("pk").first() or Document.objects.create(
            partnership=partnership,
            title="Charter",
            location="file 2",
            document_date="2026-01-01",
            created_by=User.objects.filter(role=Role.COUNCIL_EDITOR).first(),
        )
        kwargs["document_pk"] = document.pk
    return reverse(f"partnerships:{name}", kwargs=kwargs)


def _all_url_names() -> set[str]:
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


COVERED_URLS = (
    {f"partnerships:{n}" for n in READ_URLS + EDIT_URLS + POST_ONLY_URLS}
    | set(GLOBAL_READ_URLS)
    | set(GLOBAL_EDIT_URLS)
    | set(PUBLIC_URLS)
)


def _covered_by_all_permission_tests() -> set[str]:
    """Each area's permission tests (tests/web/test_*permissions.py) declare the URLs they cover."""
    covered: set[str] = set()
    for path in sorted(Path(__file__).parent.glob("test_*permissions.py")):
        module = importlib.import_module(f"tests.web.{path.stem}")
        covered |= set(module.COVERED_URLS)
    return covered


def test_every_url_is_in_the_permission_matrix() -> None:
    missing = _all_url_names() - _covered_by_all_permission_tests()
    assert not missing, f"URLs without role-by-visibility tests: {sorted(missing)}"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", ["ours", "theirs"])
def test_partnership_pages_by_role_and_visibility(world: World, role: Role, which: str) -> None:
    partnership = world.ours if which == "ours" else world.theirs
    visible = role in (SEES_OURS if which == "ours" else SEES_THEIRS)
    client = _client(world.users[role])
    for name in READ_URLS:
        response = client.get(_url(name, partnership))
        assert response.status_code == (200 if visible else 404), (name, role, which)
    for name in EDIT_URLS:
        expected = (200 if role in EDITORS else 403) if visible else 404
        response = client.get(_url(name, partnership))
        assert response.status_code == expected, (name, role, which)
        response = client.post(_url(name, partnership), {})
        assert response.status_code == expected, (name, role, which, "POST")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_evidence_removal_by_role(world: World, role: Role) -> None:
    editor = world.users[Role.COUNCIL_EDITOR]
    for partnership in (world.ours, world.theirs):
        document = Document.objects.create(
            partnership=partnership,
            title="Report",
            location="file 1",
            document_date="2026-01-01",
            created_by=editor,
        )
        task = partnership.tasks.order_by("pk").first()
        assert task is not None
        link = EvidenceLink.objects.create(
            task=task,
            content_type_id=_content_type_id(document),
            object_id=document.pk,
            label="x",
            created_by=editor,
        )
        visible = role in (SEES_OURS if partnership == world.ours else SEES_THEIRS)
        asks = (200 if role in EDITORS else 403) if visible else 404
        client = _client(world.users[role])
        url = _url("evidence-remove", partnership, link)
        assert client.get(url).status_code == asks, (role, partnership.name, "GET")
        assert client.post(url).status_code == asks, (role, partnership.name, "POST without confirmation")
        assert EvidenceLink.objects.filter(pk=link.pk).exists()
        expected = (302 if role in EDITORS else 403) if visible else 404
        response = client.post(url, {"confirm": "yes"})
        assert response.status_code == expected, (role, partnership.name)
        assert EvidenceLink.objects.filter(pk=link.pk).exists() == (expected != 302)


def _content_type_id(obj: object) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk  # type: ignore[arg-type]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_global_pages_by_role(world: World, role: Role) -> None:
    client = _client(world.users[role])
    for name in GLOBAL_READ_URLS:
        assert client.get(reverse(name)).status_code == 200, name
    for name in GLOBAL_EDIT_URLS:
        assert client.get(reverse(name)).status_code == (200 if role in EDITORS else 403), name


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_sign_in_from_every_page(world: World) -> None:
    client = Client()
    urls = [_url(name, world.ours) for name in READ_URLS + EDIT_URLS] + [reverse(n) for n in GLOBAL_READ_URLS]
    for url in urls + [reverse(n) for n in GLOBAL_EDIT_URLS]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:sign-in")), url


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_portfolio_lists_only_visible_partnerships(world: World, role: Role) -> None:
    content = _client(world.users[role]).get(reverse("partnerships:portfolio")).content.decode()
    assert world.ours.name in content
    assert (world.theirs.name in content) == (role in SEES_THEIRS)


@pytest.mark.django_db
def test_partner_user_cannot_see_another_partnership(world: World) -> None:
    partner = world.users[Role.PARTNER_USER]
    assert list(partnerships_visible_to(partner)) == [world.ours]
    client = _client(partner)
    assert client.get(_url("overview", world.theirs)).status_code == 404
    due = client.get(reverse("partnerships:due"), {"partnership": world.theirs.pk})
    assert due.status_code == 404


@pytest.mark.django_db
def test_partner_user_of_the_joint_venture_company_sees_its_partnership(world: World) -> None:
    from tests.factories import OrganisationFactory, UserFactory

    jv = OrganisationFactory(name="JV LLP", kind="joint_venture")
    world.theirs.joint_venture_company = jv
    world.theirs.save()
    user = UserFactory(role=Role.PARTNER_USER, organisation=jv)
    assert list(partnerships_visible_to(user)) == [world.theirs]


@pytest.mark.django_db
def test_auditor_sees_only_the_councils_their_body_audits(world: World) -> None:
    assert list(partnerships_visible_to(world.users[Role.AUDITOR])) == [world.ours]


@pytest.mark.django_db
def test_inactive_user_sees_nothing(world: World) -> None:
    user = world.users[Role.COUNCIL_EDITOR]
    user.is_active = False
    assert not partnerships_visible_to(user).exists()


@pytest.mark.django_db
def test_user_without_organisation_sees_nothing(world: World) -> None:
    from tests.factories import UserFactory

    for role in (Role.COUNCIL_EDITOR, Role.PARTNER_USER, Role.AUDITOR):
        user = UserFactory(role=role, organisation=None)
        assert not partnerships_visible_to(user).exists(), role
