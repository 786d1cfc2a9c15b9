"""Rule EDIT-NO-LOST-UPDATE: the second of two people editing one record never silently overwrites the first.

Optimistic concurrency control (a version number checked at save, as in HTTP's ``If-Match`` or an ORM's
version column): each edit form carries the version it was opened at, and a save from an older version is
refused with the person's input kept, who saved first and when, and what they changed.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from forbetter.accounts.models import Organisation, Role, User
from forbetter.appraisal.models import BusinessCaseVersion, CashflowLine
from forbetter.partnerships.models import Partnership
from forbetter.performance.models import Kpi
from forbetter.risks.models import Risk
from tests.conftest import World
from tests.factories import PASSWORD, UserFactory, client_for, make_exit_analysis, make_kpi, make_risk
from tests.web.test_appraisal_services import build_version

pytestmark = pytest.mark.django_db

VERSION_INPUT = re.compile(r'<input type="hidden" name="edit_version" value="(\d+)"')


def form_post_data(form: Any) -> dict[str, Any]:
    """What a browser would send for ``form`` as the page rendered it (values unchanged)."""
    data: dict[str, Any] = {}
    for bound in form:
        value = bound.value()
        widget = bound.field.widget
        if isinstance(widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
            continue
        if value is None:
            data[bound.html_name] = ""
            continue
        shown = widget.format_value(value)
        if isinstance(widget, forms.SelectMultiple | forms.CheckboxSelectMultiple):
            data[bound.html_name] = [str(item) for item in (value or [])]
        elif isinstance(shown, list):
            data[bound.html_name] = shown[0] if shown else ""
        else:
            data[bound.html_name] = "" if shown is None else shown
    return data


def open_form(client: Client, url: str) -> dict[str, Any]:
    """Open an edit page as a browser would: its form's current values, hidden version included."""
    response = client.get(url)
    assert response.status_code == 200
    assert VERSION_INPUT.search(response.content.decode()), f"{url} has no hidden edit_version"
    return form_post_data(response.context["form"])


@pytest.fixture
def colleague(world: World) -> User:
    return UserFactory(
        email="bea@a.test",
        first_name="Bea",
        last_name="Quill",
        role=Role.COUNCIL_EDITOR,
        organisation=world.council_a,
    )


def _assert_conflict_shown(page: str, *, who: str, field: str, yours: str, theirs: str) -> None:
    assert "There is a problem" in page
    assert f"{who} saved this record" in page
    assert "Nothing you typed has been saved yet" in page
    row = re.search(
        rf'<th scope="row" class="govuk-table__header">{field}</th>\s*'
        rf'<td class="govuk-table__cell">(.*?)</td>\s*<td class="govuk-table__cell">(.*?)</td>',
        page,
    )
    assert row is not None, f"no row for {field} in the table of changes"
    assert (row[1], row[2]) == (yours, theirs)


def test_risk_form_saved_from_an_older_version_is_refused_and_shows_what_changed(
    world: World, editor: User, colleague: User
) -> None:
    """EDIT-NO-LOST-UPDATE on the risk form: both open it; Bea saves a new title; the editor's later save of
    a new description is refused, keeps what they typed, names Bea and shows her title beside theirs."""
    risk = make_risk(world.ours, title="Key staff leave", owner=editor)
    url = reverse("risks:edit", args=[world.ours.pk, risk.pk])
    mine, hers = open_form(client_for(editor), url), open_form(client_for(colleague), url)

    first = client_for(colleague).post(url, {**hers, "title": "Key staff leave in year one"})
    assert first.status_code == 302, first.context["form"].errors
    response = client_for(editor).post(url, {**mine, "title": "Staff leave", "description": "Typed by me"})

    assert response.status_code == 200
    page = response.content.decode()
    _assert_conflict_shown(
        page, who="Bea Quill", field="Title", yours="Staff leave", theirs="Key staff leave in year one"
    )
    assert "Typed by me" in page  # the second person's input is on the form, not lost
    risk.refresh_from_db()
    assert (risk.title, risk.description) == ("Key staff leave in year one", "Something could go wrong")

    # Having seen the changes, saving again (the form now carries the latest version) applies theirs.
    again = form_post_data(response.context["form"])
    assert client_for(editor).post(url, again).status_code == 302
    risk.refresh_from_db()
    assert (risk.title, risk.description) == ("Staff leave", "Typed by me")


def test_kpi_form_saved_from_an_older_version_is_refused_and_shows_what_changed(
    world: World, editor: User, colleague: User
) -> None:
    """EDIT-NO-LOST-UPDATE on the KPI form: a stale save of the target does not undo a colleague's change."""
    kpi = make_kpi(world.ours)
    url = reverse("performance:kpi-edit", args=[world.ours.pk, kpi.pk])
    mine, hers = open_form(client_for(editor), url), open_form(client_for(colleague), url)

    assert client_for(colleague).post(url, {**hers, "target": "97"}).status_code == 302
    response = client_for(editor).post(url, {**mine, "target": "96", "name": "Mine"})

    assert response.status_code == 200
    _assert_conflict_shown(
        response.content.decode(), who="Bea Quill", field="Target", yours="96", theirs="97"
    )
    kpi.refresh_from_db()
    assert (str(kpi.target.normalize()), kpi.name) == ("97", "Indicator K-01")


def test_partnership_form_saved_from_an_older_version_is_refused_and_shows_what_changed(
    world: World, editor: User, colleague: User
) -> None:
    """EDIT-NO-LOST-UPDATE on the partnership form: the contract term one person saved is not overwritten."""
    url = reverse("partnerships:edit", args=[world.ours.pk])
    mine, hers = open_form(client_for(editor), url), open_form(client_for(colleague), url)

    assert client_for(colleague).post(url, {**hers, "term_years": "15"}).status_code == 302
    response = client_for(editor).post(url, {**mine, "term_years": "12"})

    assert response.status_code == 200
    _assert_conflict_shown(
        response.content.decode(), who="Bea Quill", field="Term years", yours="12", theirs="15"
    )
    assert Partnership.objects.get(pk=world.ours.pk).term_years == 15


def test_a_failed_save_gives_the_version_back(world: World, editor: User) -> None:
    """EDIT-NO-LOST-UPDATE: a save refused for bad input claims no version, so fixing it and saving works."""
    risk = make_risk(world.ours, owner=editor)
    url = reverse("risks:edit", args=[world.ours.pk, risk.pk])
    mine = open_form(client_for(editor), url)
    refused = client_for(editor).post(url, {**mine, "title": ""})
    assert "Enter a short title for the risk" in refused.content.decode()
    assert Risk.objects.get(pk=risk.pk).edit_version == risk.edit_version
    assert client_for(editor).post(url, {**mine, "title": "Fixed"}).status_code == 302


def test_every_save_moves_the_version_on(world: World, editor: User) -> None:
    """EDIT-NO-LOST-UPDATE: a change made outside a form (a service, a review) makes open forms stale too."""
    kpi = make_kpi(world.ours)
    assert kpi.edit_version == 1
    kpi.name = "Renamed by a service"
    kpi.save()
    assert Kpi.objects.get(pk=kpi.pk).edit_version == 2


@pytest.mark.parametrize("version", [None, "", "abc", "0", "2.5", "99999999999999999999"])
def test_a_save_without_a_readable_version_is_refused_and_changes_nothing(
    world: World, editor: User, version: str | None
) -> None:
    """EDIT-NO-LOST-UPDATE: a post that does not say which version it was made from (a script, a tampered
    page) cannot be checked, so it is refused with a plain message and nothing is saved."""
    risk = make_risk(world.ours, title="Key staff leave", owner=editor)
    url = reverse("risks:edit", args=[world.ours.pk, risk.pk])
    data = {key: value for key, value in open_form(client_for(editor), url).items() if key != "edit_version"}
    if version is not None:
        data["edit_version"] = version
    response = client_for(editor).post(url, {**data, "title": "Overwritten blind"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "This page is out of date: reload it and make your change again" in page
    saved = Risk.objects.get(pk=risk.pk)
    assert (saved.title, saved.edit_version) == ("Key staff leave", risk.edit_version)


def _version_url(name: str, version: BusinessCaseVersion) -> str:
    return reverse(f"appraisal:{name}", args=[version.business_case.partnership_id, version.pk])


def test_version_settings_saved_from_an_older_version_are_refused_and_show_what_changed(
    world: World, editor: User, colleague: User
) -> None:
    """EDIT-NO-LOST-UPDATE on a business-case version's settings: Bea switches to a flat 3% rate; the
    editor's later save of a change note, from the page opened before, does not put the standard rate back."""
    version = build_version(editor, world.ours)
    url = _version_url("version-settings", version)
    mine, hers = open_form(client_for(editor), url), open_form(client_for(colleague), url)

    first = client_for(colleague).post(
        url, {**hers, "discount_schedule": "flat", "discount_rate": "0.03", "budget": "300, 300, 300"}
    )
    assert first.status_code == 302, first.context["form"].errors
    response = client_for(editor).post(url, {**mine, "change_note": "Budget checked"})

    assert response.status_code == 200
    _assert_conflict_shown(
        response.content.decode(),
        who="Bea Quill",
        field="Discount schedule",
        yours="Green Book standard schedule (3.5% for years 1 to 30, then declining)",
        theirs="A flat rate every year",
    )
    # The budget is kept in rows of its own, not on the version: it is listed as the page shows it.
    budget = re.search(
        r'<th scope="row" class="govuk-table__header">Budget envelope, year by year</th>\s*'
        r'<td class="govuk-table__cell">(.*?)</td>\s*<td class="govuk-table__cell">(.*?)</td>',
        response.content.decode(),
    )
    assert budget is not None, "no row for the budget in the table of changes"
    assert (budget[1], budget[2]) == (mine["budget"], "300.00, 300.00, 300.00")
    assert mine["budget"].startswith("200")
    version.refresh_from_db()
    assert (version.discount_schedule, version.change_note) == ("flat", "")
    assert [b.amount_gbp for b in version.budget_years.order_by("year")] == [300, 300, 300]


def test_risk_settings_saved_from_an_older_version_are_refused_and_show_what_changed(
    world: World, editor: User, colleague: User
) -> None:
    """EDIT-NO-LOST-UPDATE on a version's risk settings: a stale save does not undo a colleague's seed."""
    version = build_version(editor, world.ours)
    url = _version_url("version-risk", version)
    mine, hers = open_form(client_for(editor), url), open_form(client_for(colleague), url)

    assert client_for(colleague).post(url, {**hers, "risk_seed": "42"}).status_code == 302
    response = client_for(editor).post(url, {**mine, "risk_iterations": "50000"})

    assert response.status_code == 200
    _assert_conflict_shown(
        response.content.decode(), who="Bea Quill", field="Risk seed", yours="1", theirs="42"
    )
    version.refresh_from_db()
    assert (version.risk_seed, version.risk_iterations) == (42, 20_000)


def test_cash_flow_line_saved_from_an_older_version_is_refused_and_shows_what_changed(
    world: World, editor: User, colleague: User
) -> None:
    """EDIT-NO-LOST-UPDATE on a cash-flow line: the label one person saved is not overwritten."""
    version = build_version(editor, world.ours)
    line = CashflowLine.objects.filter(option__version=version).order_by("pk").first()
    assert line is not None
    url = reverse("appraisal:line-edit", args=[world.ours.pk, version.pk, line.option_id, line.pk])
    mine, hers = open_form(client_for(editor), url), open_form(client_for(colleague), url)

    assert client_for(colleague).post(url, {**hers, "label": "Running cost (revised)"}).status_code == 302
    response = client_for(editor).post(url, {**mine, "label": "Running cost, mine"})

    assert response.status_code == 200
    _assert_conflict_shown(
        response.content.decode(),
        who="Bea Quill",
        field="Label",
        yours="Running cost, mine",
        theirs="Running cost (revised)",
    )
    assert CashflowLine.objects.get(pk=line.pk).label == "Running cost (revised)"


@pytest.fixture
def second_admin(world: World) -> User:
    return UserFactory(
        email="cal@a.test",
        first_name="Cal",
        last_name="Moss",
        role=Role.ADMINISTRATOR,
        organisation=world.council_a,
    )


def test_organisation_saved_from_an_older_version_is_refused_and_shows_what_changed(
    world: World, second_admin: User
) -> None:
    """EDIT-NO-LOST-UPDATE on the organisation form: two administrators rename the same council."""
    admin = world.users[Role.ADMINISTRATOR]
    url = reverse("accounts:organisation-edit", args=[world.council_b.pk])
    mine, hers = open_form(client_for(admin), url), open_form(client_for(second_admin), url)

    assert client_for(second_admin).post(url, {**hers, "name": "Brindle Borough Council"}).status_code == 302
    response = client_for(admin).post(url, {**mine, "name": "Brindle District Council"})

    assert response.status_code == 200
    _assert_conflict_shown(
        response.content.decode(),
        who="Cal Moss",
        field="Name",
        yours="Brindle District Council",
        theirs="Brindle Borough Council",
    )
    assert Organisation.objects.get(pk=world.council_b.pk).name == "Brindle Borough Council"


def test_user_saved_from_an_older_version_is_refused_and_shows_what_changed_but_never_a_password(
    world: World, second_admin: User
) -> None:
    """EDIT-NO-LOST-UPDATE on the user form: Cal changes a viewer's role and password; the other
    administrator's stale save of a new surname is refused, shows the role Cal chose, and never shows a
    password or its hash."""
    admin = world.users[Role.ADMINISTRATOR]
    viewer = world.users[Role.COUNCIL_VIEWER]
    url = reverse("accounts:user-edit", args=[viewer.pk])
    mine, hers = open_form(client_for(admin), url), open_form(client_for(second_admin), url)

    changed = {**hers, "role": "council_editor", "password": "Another-long-password-2026"}
    assert client_for(second_admin).post(url, changed).status_code == 302
    response = client_for(admin).post(url, {**mine, "last_name": "Renamed"})

    assert response.status_code == 200
    page = response.content.decode()
    _assert_conflict_shown(
        page, who="Cal Moss", field="Role", yours="Council viewer", theirs="Council editor"
    )
    saved = User.objects.get(pk=viewer.pk)
    assert saved.password not in page
    assert "Another-long-password-2026" not in page
    assert ">Password<" not in page
    assert (saved.role, saved.last_name) == ("council_editor", viewer.last_name)


def test_signing_in_does_not_make_an_open_user_form_stale(world: World) -> None:
    """EDIT-NO-LOST-UPDATE: a user signing in (Django stamps last_login) is not an edit of their account, so
    an administrator's form opened before it still saves."""
    admin = world.users[Role.ADMINISTRATOR]
    viewer = world.users[Role.COUNCIL_VIEWER]
    url = reverse("accounts:user-edit", args=[viewer.pk])
    opened = open_form(client_for(admin), url)

    signed_in = Client().post(reverse("accounts:sign-in"), {"username": viewer.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    assert User.objects.get(pk=viewer.pk).last_login is not None

    assert client_for(admin).post(url, {**opened, "last_name": "Changed"}).status_code == 302
    assert User.objects.get(pk=viewer.pk).last_name == "Changed"


def test_exit_schedule_saved_from_an_older_version_is_refused_and_shows_what_changed(
    world: World, editor: User, colleague: User
) -> None:
    """EDIT-NO-LOST-UPDATE on a route's compensation schedule (rows of the exit analysis): Bea enters year 2's
    compensation; the editor's stale save of year 3 does not clear hers, and the table shows her year 2."""
    analysis = make_exit_analysis(world.ours, editor)
    url = reverse("risks:exit-schedule", args=[world.ours.pk, "council_voluntary_termination"])
    mine, hers = open_form(client_for(editor), url), open_form(client_for(colleague), url)

    assert client_for(colleague).post(url, {**hers, "year_2": "250000"}).status_code == 302
    response = client_for(editor).post(url, {**mine, "year_3": "100000"})

    assert response.status_code == 200
    _assert_conflict_shown(
        response.content.decode(),
        who="Bea Quill",
        field="Compensation for leaving at the end of year 2, in pounds",
        yours="blank",
        theirs="250000.00",
    )
    saved = {row.year: row.compensation_gbp for row in analysis.compensation.all()}
    assert saved == {2: 250000}
