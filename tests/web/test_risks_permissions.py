"""Every risk URL × every role × a partnership the user may and may not see.

Anyone who can see a partnership reads its register, heat map, allocation and reviews; changing them needs
a council editor or administrator (403 otherwise); Monte Carlo runs, the exit analysis and the
change-of-ownership plan are council-confidential, so partner users get 403 there even to read; a
partnership the user cannot see is a 404 on every page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from forbetter.accounts.models import Role
from forbetter.partnerships.models import Partnership
from forbetter.risks.models import OwnershipTrigger, RiskAction
from tests.conftest import World
from tests.web.test_risks_helpers import (
    client_for,
    make_exit_analysis,
    make_finished_run,
    make_plan,
    make_review,
    make_risk,
)

READ_URLS = [
    "register",
    "risk",
    "heat-map",
    "allocation",
    "reviews-due",
    "reviews",
    "review",
]
EDIT_URLS = [
    "create",
    "edit",
    "action-create",
    "action-edit",
    "review-create",
]
POST_ONLY_URLS: list[str] = []
CONFIDENTIAL_READ_URLS = ["runs", "run", "exit", "ownership-plan"]
CONFIDENTIAL_EDIT_URLS = [
    "run-create",
    "run-apply",
    "run-cancel",
    "run-retry",
    "exit-edit",
    "exit-schedule",
    "ownership-plan-edit",
    "plan-item-create",
    "plan-item-edit",
    "plan-item-remove",
]
COVERED_URLS = {
    f"risks:{name}"
    for name in READ_URLS + EDIT_URLS + POST_ONLY_URLS + CONFIDENTIAL_READ_URLS + CONFIDENTIAL_EDIT_URLS
}
ROLES = list(Role)
EDITORS = {Role.COUNCIL_EDITOR, Role.ADMINISTRATOR}
SEES_THEIRS = {Role.ADMINISTRATOR}


@dataclass
class Records:
    risk: int
    action: int
    review: int
    trigger: int
    run: int


def _records(world: World, partnership: Partnership) -> Records:
    editor = world.users[Role.COUNCIL_EDITOR]
    risk = make_risk(partnership)
    action = RiskAction.objects.create(risk=risk, description="Retention plan", due_on=dt.date.today())
    review = make_review(partnership, risk, editor)
    plan = make_plan(partnership)
    trigger = OwnershipTrigger.objects.filter(plan=plan).get()
    run = make_finished_run(partnership, editor, risk)
    make_exit_analysis(partnership, editor)
    return Records(risk.pk, action.pk, review.pk, trigger.pk, run.pk)


def _url(name: str, partnership: Partnership, records: Records) -> str:
    kwargs: dict[str, object] = {"pk": partnership.pk}
    if name in ("risk", "edit", "action-create", "action-edit"):
        kwargs["risk_pk"] = records.risk
    if name == "action-edit":
        kwargs["action_pk"] = records.action
    if name == "review":
        kwargs["review_pk"] = records.review
    if name.startswith("plan-item"):
        kwargs["kind"] = "triggers"
    if name in ("plan-item-edit", "plan-item-remove"):
        kwargs["item_pk"] = records.trigger
    if name in ("run", "run-apply", "run-cancel", "run-retry"):
        kwargs["run_pk"] = records.run
    if name == "exit-schedule":
        kwargs["route"] = "partner_default"
    return reverse(f"risks:{name}", kwargs=kwargs)


def _expected(role: Role, visible: bool, *, edit: bool, confidential: bool, ok: int = 200) -> int:
    if not visible:
        return 404
    if confidential and role == Role.PARTNER_USER:
        return 403
    if edit and role not in EDITORS:
        return 403
    return ok


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", ["ours", "theirs"])
def test_risk_pages_by_role_and_visibility(world: World, role: Role, which: str) -> None:
    partnership = world.ours if which == "ours" else world.theirs
    records = _records(world, partnership)
    visible = which == "ours" or role in SEES_THEIRS
    client = client_for(world.users[role])
    for name in READ_URLS + CONFIDENTIAL_READ_URLS:
        expected = _expected(role, visible, edit=False, confidential=name in CONFIDENTIAL_READ_URLS)
        assert client.get(_url(name, partnership, records)).status_code == expected, (name, role, which)
    for name in EDIT_URLS + CONFIDENTIAL_EDIT_URLS:
        expected = _expected(role, visible, edit=True, confidential=name in CONFIDENTIAL_EDIT_URLS)
        url = _url(name, partnership, records)
        assert client.get(url).status_code == expected, (name, role, which)
        assert client.post(url, {}).status_code == expected, (name, role, which, "POST")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_removing_a_plan_entry_by_role(world: World, role: Role) -> None:
    for partnership in (world.ours, world.theirs):
        records = _records(world, partnership)
        visible = partnership == world.ours or role in SEES_THEIRS
        client = client_for(world.users[role])
        url = _url("plan-item-remove", partnership, records)
        asks = _expected(role, visible, edit=True, confidential=True)
        assert client.get(url).status_code == asks, (role, partnership.name, "GET")
        assert client.post(url).status_code == asks, (role, partnership.name, "POST without confirmation")
        assert OwnershipTrigger.objects.filter(pk=records.trigger).exists()
        expected = _expected(role, visible, edit=True, confidential=True, ok=302)
        response = client.post(url, {"confirm": "yes"})
        assert response.status_code == expected, (role, partnership.name)
        assert OwnershipTrigger.objects.filter(pk=records.trigger).exists() == (expected != 302)


@pytest.mark.django_db
def test_removing_a_plan_entry_asks_first_and_says_what_will_happen(world: World) -> None:
    """A destructive action asks on a page that says what will happen; only a confirmed POST removes."""
    records = _records(world, world.ours)
    client = client_for(world.users[Role.COUNCIL_EDITOR])
    url = _url("plan-item-remove", world.ours, records)
    page = client.get(url).content.decode()
    assert "govuk-warning-text" in page
    assert "will be taken out of the change-of-ownership plan" in page
    response = client.post(url, {})
    assert "nothing has been removed" in response.content.decode()
    assert OwnershipTrigger.objects.filter(pk=records.trigger).exists()
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert not OwnershipTrigger.objects.filter(pk=records.trigger).exists()
    plan_page = client.get(reverse("risks:ownership-plan", args=[world.ours.pk])).content.decode()
    assert "Trigger removed" in plan_page


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_sign_in_from_every_risk_page(world: World) -> None:
    records = _records(world, world.ours)
    for name in READ_URLS + EDIT_URLS + CONFIDENTIAL_READ_URLS + CONFIDENTIAL_EDIT_URLS:
        response = Client().get(_url(name, world.ours, records))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:sign-in")), name


@pytest.mark.django_db
def test_records_of_another_partnership_are_not_found_through_a_visible_one(world: World) -> None:
    """A risk, review, plan entry or run of 'theirs' addressed under 'ours' is a 404, even for an admin."""
    theirs = _records(world, world.theirs)
    _records(world, world.ours)
    client = client_for(world.users[Role.ADMINISTRATOR])
    for name in (
        "risk",
        "edit",
        "action-create",
        "review",
        "plan-item-edit",
        "run",
        "run-apply",
        "run-cancel",
        "run-retry",
    ):
        assert client.get(_url(name, world.ours, theirs)).status_code == 404, name


@pytest.mark.django_db
def test_partner_user_sees_no_confidential_links(world: World) -> None:
    _records(world, world.ours)
    page = client_for(world.users[Role.PARTNER_USER]).get(reverse("risks:register", args=[world.ours.pk]))
    content = page.content.decode()
    assert "Monte Carlo runs" not in content
    assert "Exit costs" not in content
    viewer = client_for(world.users[Role.COUNCIL_VIEWER]).get(reverse("risks:register", args=[world.ours.pk]))
    assert "Monte Carlo runs" in viewer.content.decode()
