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

from forbetter.accounts.models import Role, User
from forbetter.partnerships.models import Partnership
from forbetter.performance.models import Kpi
from forbetter.risks.models import Risk
from tests.conftest import World
from tests.factories import UserFactory, client_for, make_kpi, make_risk

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
