"""The permission checks the generated matrix (tests/web/test_permission_matrix.py) does not make: who sees
which partnership (the selector itself), what lists and pages leave out for partner users, and records
mixed up inside one partnership."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from forbetter.accounts.models import Role, User
from forbetter.appraisal import services as appraisal_services
from forbetter.appraisal.area import examples as appraisal_examples
from forbetter.partnerships.selectors import partnerships_visible_to
from forbetter.payments.area import examples as payment_examples
from forbetter.risks.area import examples as risk_examples
from forbetter.risks.models import OwnershipTrigger
from tests.conftest import World
from tests.factories import OrganisationFactory, UserFactory
from tests.web.test_appraisal_services import line_data

pytestmark = pytest.mark.django_db
ROLES = list(Role)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Which partnerships a user sees (forbetter.partnerships.selectors.partnerships_visible_to).


@pytest.mark.parametrize("role", ROLES)
def test_portfolio_lists_only_visible_partnerships(world: World, role: Role) -> None:
    content = _client(world.users[role]).get(reverse("partnerships:portfolio")).content.decode()
    assert world.ours.name in content
    assert (world.theirs.name in content) == (role == Role.ADMINISTRATOR)


def test_partner_user_cannot_see_another_partnership(world: World) -> None:
    partner = world.users[Role.PARTNER_USER]
    assert list(partnerships_visible_to(partner)) == [world.ours]
    client = _client(partner)
    assert client.get(reverse("partnerships:overview", args=[world.theirs.pk])).status_code == 404
    due = client.get(reverse("partnerships:due"), {"partnership": world.theirs.pk})
    assert due.status_code == 404


def test_partner_user_of_the_joint_venture_company_sees_its_partnership(world: World) -> None:
    jv = OrganisationFactory(name="JV LLP", kind="joint_venture")
    world.theirs.joint_venture_company = jv
    world.theirs.save()
    user = UserFactory(role=Role.PARTNER_USER, organisation=jv)
    assert list(partnerships_visible_to(user)) == [world.theirs]


def test_auditor_sees_only_the_councils_their_body_audits(world: World) -> None:
    assert list(partnerships_visible_to(world.users[Role.AUDITOR])) == [world.ours]


def test_inactive_user_sees_nothing(world: World) -> None:
    user = world.users[Role.COUNCIL_EDITOR]
    user.is_active = False
    assert not partnerships_visible_to(user).exists()


def test_user_without_organisation_sees_nothing(world: World) -> None:
    for role in (Role.COUNCIL_EDITOR, Role.PARTNER_USER, Role.AUDITOR):
        user = UserFactory(role=role, organisation=None)
        assert not partnerships_visible_to(user).exists(), role


# What a page leaves out for partner users.


def test_partner_sees_approved_statements_only_in_the_list(world: World, editor: User) -> None:
    payment_examples(world.ours, editor)  # January 2024 approved, February 2024 a draft
    url = reverse("payments:statements", args=[world.ours.pk])
    partner = _client(world.users[Role.PARTNER_USER]).get(url).content.decode()
    viewer = _client(world.users[Role.COUNCIL_VIEWER]).get(url).content.decode()
    assert "January 2024" in partner
    assert "February 2024" not in partner
    assert "January 2024" in viewer
    assert "February 2024" in viewer


def test_partner_user_sees_no_confidential_links(world: World, editor: User) -> None:
    risk_examples(world.ours, editor)
    url = reverse("risks:register", args=[world.ours.pk])
    content = _client(world.users[Role.PARTNER_USER]).get(url).content.decode()
    assert "Monte Carlo runs" not in content
    assert "Exit costs" not in content
    assert "Monte Carlo runs" in _client(world.users[Role.COUNCIL_VIEWER]).get(url).content.decode()


def test_removing_a_plan_entry_asks_first_and_says_what_will_happen(world: World, editor: User) -> None:
    """A destructive action asks on a page that says what will happen; only a confirmed POST removes."""
    risk_examples(world.ours, editor)
    trigger = OwnershipTrigger.objects.get(plan__partnership=world.ours)
    client = _client(editor)
    url = reverse("risks:plan-item-remove", args=[world.ours.pk, "triggers", trigger.pk])
    page = client.get(url).content.decode()
    assert "govuk-warning-text" in page
    assert "will be taken out of the change-of-ownership plan" in page
    response = client.post(url, {})
    assert "nothing has been removed" in response.content.decode()
    assert OwnershipTrigger.objects.filter(pk=trigger.pk).exists()
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert not OwnershipTrigger.objects.filter(pk=trigger.pk).exists()
    plan_page = client.get(reverse("risks:ownership-plan", args=[world.ours.pk])).content.decode()
    assert "Trigger removed" in plan_page


# Records mixed up inside one partnership (the matrix mixes records of two partnerships).


def test_line_form_of_another_lines_option_is_not_found(world: World, editor: User) -> None:
    appraisal_examples(world.ours, editor)
    version = world.ours.business_cases.get().versions.get()
    line = version.options.get().lines.get()
    other = appraisal_services.option_create(
        user=editor, version=version, data={"name": "Other", "kind": "other", "years": 3}
    )
    appraisal_services.line_create(user=editor, option=other, data=line_data("X"), values=[Decimal(1)] * 3)
    url = reverse("appraisal:line-edit", args=[world.ours.pk, version.pk, other.pk, line.pk])
    assert _client(editor).get(url).status_code == 404
