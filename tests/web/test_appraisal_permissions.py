"""Every business-case URL × every role × a partnership the user may and may not see.

The business case is confidential to the council: a partner user who can see the partnership gets 403 on
every page of it; anyone who cannot see the partnership gets 404; viewers and auditors read but get 403 on
every page that changes something.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from forbetter.accounts.models import Role, User
from forbetter.appraisal import services
from forbetter.appraisal.models import (
    BaselineMeasure,
    BusinessCaseVersion,
    CashflowLine,
    OptimismBiasContribution,
    OptionRiskShare,
)
from forbetter.partnerships.models import Partnership, ServiceArea
from tests.conftest import World
from tests.web.test_appraisal_services import build_version, line_data
from tests.web.test_risks_helpers import category

READ_URLS = ["cases", "version", "version-results", "compare", "baselines"]
EDIT_URLS = [
    "case-create",
    "version-settings",
    "version-risk",
    "version-freeze",
    "option-create",
    "option",
    "option-delete",
    "option-risk-share-add",
    "line-create",
    "line-edit",
    "contribution-add",
    "baseline-create",
    "baseline",
    "measure-create",
]
POST_ONLY_URLS = [
    "version-copy",
    "option-risk-share-delete",
    "option-from-baselines",
    "line-delete",
    "contribution-delete",
    "measure-delete",
]
COVERED_URLS = {f"appraisal:{name}" for name in READ_URLS + EDIT_URLS + POST_ONLY_URLS}
ROLES = list(Role)
EDITORS = {Role.COUNCIL_EDITOR, Role.ADMINISTRATOR}
CONFIDENTIAL_READERS = {Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER, Role.AUDITOR, Role.ADMINISTRATOR}
SEES_THEIRS = {Role.ADMINISTRATOR}

pytestmark = pytest.mark.django_db


def _records(editor: User, partnership: Partnership, index: int = 0) -> dict[str, Any]:
    """A draft version with an option, a line and a mitigation row; a baseline (of the index-th service)
    with a measure."""
    version = build_version(editor, partnership, options=1)
    option = version.options.get()
    contribution = services.contribution_add(
        user=editor,
        option=option,
        factor="Complexity",
        contribution=Decimal("0.2"),
        mitigation=Decimal("0.5"),
    )
    service = ServiceArea.objects.order_by("pk")[index]
    partnership.services.add(service)
    baseline = services.baseline_create(
        user=editor,
        partnership=partnership,
        data={
            "service": service,
            "annual_cost_gbp": Decimal(100),
            "cost_source": "x",
            "cost_as_at": dt.date(2026, 1, 1),
        },
    )
    measure = services.measure_add(
        user=editor,
        baseline=baseline,
        data={
            "kind": "volume",
            "name": "Calls",
            "value": Decimal(5),
            "unit": "calls",
            "source": "x",
            "as_at": dt.date(2026, 1, 1),
        },
    )
    share = services.option_risk_share_set(
        user=editor,
        option=option,
        category=category(),
        council_share=Decimal("0.5"),
        reason="Shared with the partner",
    )
    return {
        "partnership": partnership,
        "version": version,
        "option": option,
        "share": share,
        "line": option.lines.first(),
        "contribution": contribution,
        "baseline": baseline,
        "measure": measure,
    }


def _url(name: str, records: dict[str, Any]) -> str:
    version: BusinessCaseVersion = records["version"]
    kwargs: dict[str, int] = {"pk": records["partnership"].pk}
    if name == "compare":
        kwargs["case_pk"] = version.business_case_id
    if name.startswith(("version", "option", "line", "contribution")):
        kwargs["version_pk"] = version.pk
    if (
        name.startswith(("option-delete", "option-from", "option-risk", "line", "contribution"))
        or name == "option"
    ):
        kwargs["option_pk"] = records["option"].pk
    if name in ("line-edit", "line-delete"):
        kwargs["line_pk"] = records["line"].pk
    if name == "contribution-delete":
        kwargs["contribution_pk"] = records["contribution"].pk
    if name == "option-risk-share-delete":
        kwargs["share_pk"] = records["share"].pk
    if name in ("baseline", "measure-create", "measure-delete"):
        kwargs["baseline_pk"] = records["baseline"].pk
    if name == "measure-delete":
        kwargs["measure_pk"] = records["measure"].pk
    return reverse(f"appraisal:{name}", kwargs=kwargs)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _expected(role: Role, visible: bool, *, editing: bool, success: int = 200) -> int:
    if not visible:
        return 404
    if role not in CONFIDENTIAL_READERS:
        return 403
    if editing and role not in EDITORS:
        return 403
    return success


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", ["ours", "theirs"])
def test_business_case_pages_by_role_and_visibility(
    world: World, editor: User, role: Role, which: str
) -> None:
    partnership = world.ours if which == "ours" else world.theirs
    records = _records(editor, partnership)
    visible = which == "ours" or role in SEES_THEIRS
    client = _client(world.users[role])
    for name in READ_URLS:
        response = client.get(_url(name, records))
        assert response.status_code == _expected(role, visible, editing=False), (name, role, which)
    for name in EDIT_URLS:
        expected = _expected(role, visible, editing=True)
        assert client.get(_url(name, records)).status_code == expected, (name, role, which)
        assert client.post(_url(name, records), {}).status_code == expected, (name, role, which, "POST")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", ["ours", "theirs"])
def test_post_only_actions_by_role_and_visibility(world: World, editor: User, role: Role, which: str) -> None:
    partnership = world.ours if which == "ours" else world.theirs
    visible = which == "ours" or role in SEES_THEIRS
    client = _client(world.users[role])
    for index, name in enumerate(POST_ONLY_URLS):
        records = _records(editor, partnership, index)
        url = _url(name, records)
        assert client.get(url).status_code == 405, name
        expected = _expected(role, visible, editing=True, success=302)
        assert client.post(url).status_code == expected, (name, role, which)
        changed = {
            "version-copy": lambda r: r["version"].business_case.versions.count() == 2,
            "option-risk-share-delete": lambda r: (
                not OptionRiskShare.objects.filter(pk=r["share"].pk).exists()
            ),
            "option-from-baselines": lambda r: r["option"].lines.count() == 4,
            "line-delete": lambda r: not CashflowLine.objects.filter(pk=r["line"].pk).exists(),
            "contribution-delete": lambda r: (
                not OptimismBiasContribution.objects.filter(pk=r["contribution"].pk).exists()
            ),
            "measure-delete": lambda r: not BaselineMeasure.objects.filter(pk=r["measure"].pk).exists(),
        }[name](records)
        assert changed == (expected == 302), (name, role, which)


def test_anonymous_users_are_sent_to_sign_in(world: World, editor: User) -> None:
    records = _records(editor, world.ours)
    for name in READ_URLS + EDIT_URLS:
        response = Client().get(_url(name, records))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:sign-in")), name


def test_a_version_is_found_only_under_its_own_partnership(world: World, editor: User) -> None:
    """A version or baseline id of another partnership, put into our partnership's URL, is a 404."""
    ours = _records(editor, world.ours)
    theirs = _records(editor, world.theirs)
    mixed = dict(ours, version=theirs["version"])
    client = _client(editor)
    for name in ("version", "version-results", "version-settings", "compare"):
        assert client.get(_url(name, mixed)).status_code == 404, name
    mixed = dict(ours, baseline=theirs["baseline"])
    assert client.get(_url("baseline", mixed)).status_code == 404
    mixed = dict(ours, option=theirs["option"])
    assert client.get(_url("option", mixed)).status_code == 404
    mixed = dict(ours, line=theirs["line"])
    assert client.get(_url("line-edit", mixed)).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_the_business_case_section_is_in_the_navigation_only_for_council_staff(
    world: World, role: Role
) -> None:
    page = (
        _client(world.users[role])
        .get(reverse("partnerships:overview", args=[world.ours.pk]))
        .content.decode()
    )
    link = reverse("appraisal:cases", args=[world.ours.pk])
    assert (link in page) == (role in CONFIDENTIAL_READERS)


def test_line_form_of_another_lines_option_is_not_found(world: World, editor: User) -> None:
    records = _records(editor, world.ours)
    other = services.option_create(
        user=editor, version=records["version"], data={"name": "Other", "kind": "other", "years": 3}
    )
    services.line_create(user=editor, option=other, data=line_data("X"), values=[Decimal(1)] * 3)
    mixed = dict(records, option=other)
    assert _client(editor).get(_url("line-edit", mixed)).status_code == 404
