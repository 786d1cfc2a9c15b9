"""Shared fixtures: a small world of two councils, two partners, an audit body and their partnerships."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from forbetter.accounts.models import Organisation, OrganisationKind, Role, User
from forbetter.framework.loader import ensure_framework
from forbetter.partnerships.models import Partnership
from tests.database_build import load_reference_data, record_migrations_as_applied
from tests.factories import OrganisationFactory, PartnershipFactory, UserFactory


@dataclass
class World:
    council_a: Organisation
    council_b: Organisation
    partner_p: Organisation
    partner_q: Organisation
    audit_body: Organisation
    ours: Partnership
    theirs: Partnership
    users: dict[str, User]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The test database, built from the models, with the reference data the data migrations load."""
    with django_db_blocker.unblock():
        record_migrations_as_applied()
        load_reference_data()
    yield
    with django_db_blocker.unblock():
        _end_other_sessions()


def _end_other_sessions() -> None:
    """On PostgreSQL, end any other session still connected to the test database (a server thread of a
    browser test, say) so that it can be dropped; say which, so a leak is seen rather than hidden."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name, state, left(query, 80), pg_terminate_backend(pid)"
            " FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        ended = cursor.fetchall()
    if ended:  # printed, not warned: the suite turns warnings into errors, and every test has passed here
        print(f"\nEnded {len(ended)} session(s) left on the test database: {ended}", file=sys.stderr)


def _flushes_the_database(item: pytest.Item) -> bool:
    """Whether pytest-django empties every table after this test (a transactional test does)."""
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(names)
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """After a transactional test has emptied the database, put the reference data back (the framework,
    service areas, risk categories, the audit chain's start), as the tests that follow expect it."""
    yield
    if nextitem is not None and _flushes_the_database(item):  # after the last test the database is gone
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            load_reference_data()


@pytest.fixture
def framework(db: None) -> None:
    """The framework fixture: two queries when it is there, a reload after a transactional test's flush."""
    ensure_framework()


@pytest.fixture(scope="module")
def _demo_for_the_module(
    django_db_setup: None, django_db_blocker: Any, request: pytest.FixtureRequest
) -> Iterator[None]:
    """The demo seeded once for a test module, in a transaction rolled back after the module's last test."""
    request.module._demo_seeded = True
    with django_db_blocker.unblock():
        module_transaction = transaction.atomic()
        # As Django's TestCase marks its own, so a durable atomic block in the code under test is allowed.
        module_transaction._from_testcase = True  # type: ignore[attr-defined]
        module_transaction.__enter__()
        call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        module_transaction.__exit__(None, None, None)
    request.module._demo_seeded = False


@pytest.fixture(autouse=True)
def _no_demo_left_for_tests_without_it(request: pytest.FixtureRequest) -> None:
    """A database test that does not ask for the demo must not run after one that did in the same module."""
    if (
        getattr(request.module, "_demo_seeded", False)
        and "seeded_demo" not in request.fixturenames
        and request.node.get_closest_marker("django_db") is not None
    ):
        pytest.fail(
            "the demo seeded for an earlier test of this module is still in the database: ask for "
            "seeded_demo, or move this test before the module's first demo test or into another module"
        )


@pytest.fixture
def seeded_demo(_demo_for_the_module: None, db: None, request: pytest.FixtureRequest) -> None:
    """The demo (``manage.py seed_demo``), seeded once per test module instead of once per test.

    Each test runs in its own transaction nested inside the module's, so what a test changes is undone
    before the next test, and the demo is gone before the next module starts. Not for transactional tests
    (``transaction=True``): their flush would empty the module's demo.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        pytest.fail("seeded_demo cannot serve a transactional test: its flush would empty the module's demo")


def build_world() -> World:
    """Two councils, two partners, an audit body (auditing council A), a partnership of each council and a
    user of each role; only the administrator may see council B's partnership."""
    council_a = OrganisationFactory(name="Ashby Council")
    council_b = OrganisationFactory(name="Brindle Council")
    partner_p = OrganisationFactory(name="Partner P Ltd", kind=OrganisationKind.PARTNER)
    partner_q = OrganisationFactory(name="Partner Q Ltd", kind=OrganisationKind.PARTNER)
    audit_body = OrganisationFactory(name="Audit Body LLP", kind=OrganisationKind.AUDIT_BODY)
    audit_body.audited_councils.add(council_a)
    ours = PartnershipFactory(name="Ashby Partnership", councils=[council_a], partner=partner_p)
    theirs = PartnershipFactory(name="Brindle Partnership", councils=[council_b], partner=partner_q)
    users = {
        Role.COUNCIL_EDITOR: UserFactory(
            email="editor@a.test", role=Role.COUNCIL_EDITOR, organisation=council_a
        ),
        Role.COUNCIL_VIEWER: UserFactory(
            email="viewer@a.test", role=Role.COUNCIL_VIEWER, organisation=council_a
        ),
        Role.PARTNER_USER: UserFactory(
            email="partner@p.test", role=Role.PARTNER_USER, organisation=partner_p
        ),
        Role.AUDITOR: UserFactory(email="auditor@audit.test", role=Role.AUDITOR, organisation=audit_body),
        Role.ADMINISTRATOR: UserFactory(
            email="admin@a.test", role=Role.ADMINISTRATOR, organisation=council_a
        ),
    }
    return World(council_a, council_b, partner_p, partner_q, audit_body, ours, theirs, users)


@pytest.fixture
def world(framework: None) -> World:
    return build_world()


@pytest.fixture
def editor(world: World) -> User:
    return world.users[Role.COUNCIL_EDITOR]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Argon2 is deliberately slow; tests that do not test hashing use a fast hasher."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def immediate_tasks(settings: Any) -> None:
    """Background tasks run at once in tests, so their results can be checked straight away."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
