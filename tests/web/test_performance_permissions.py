"""Every KPI, return, review, benchmark and benefit URL × every role × a partnership seen and not seen.

Not seeing a partnership is 404; seeing it without the right to change it is 403. Returns are submitted by
the partner's own users only; the council validates them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from forbetter.accounts.models import Role, User
from forbetter.partnerships.models import Partnership
from forbetter.performance import services
from forbetter.performance.models import IndicatorReview, KpiReturn
from tests.conftest import World
from tests.web.performance_factories import PDF, make_kpi, make_return

READ_URLS = [
    "dashboard",
    "ratings",
    "kpi",
    "benchmark",
    "returns",
    "return",
    "return-evidence",
    "reviews",
    "benefits",
    "benefit",
]
EDIT_URLS = [
    "kpi-create",
    "kpi-edit",
    "benchmark-import",
    "return-review",
    "review-record",
    "benefit-create",
    "benefit-edit",
    "published-rating",
]
PARTNER_URLS = ["return-submit"]
COVERED_URLS = {f"performance:{name}" for name in READ_URLS + EDIT_URLS + PARTNER_URLS}
ROLES = list(Role)
EDITORS = {Role.COUNCIL_EDITOR, Role.ADMINISTRATOR}
SEES_THEIRS = {Role.ADMINISTRATOR}


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _records(partnership: Partnership, editor: User) -> dict[str, Any]:
    partnership.procurement_regime = "pa2023"  # so the s. 71 rating pages apply
    partnership.save()
    kpi = make_kpi(partnership)
    record = make_return(kpi, dt.date(2024, 4, 1), "96", user=editor, status="submitted")
    record.evidence_file.save("pack.pdf", ContentFile(PDF))
    record.evidence_name, record.evidence_type = "pack.pdf", "pdf"
    record.save()
    review = IndicatorReview.objects.create(kpi=kpi, due_on=dt.date(2024, 6, 1))
    benefit = services.benefit_save(
        user=editor, partnership=partnership, data={"name": "Savings", "category": "cashable"}, values=[]
    )
    return {"kpi_pk": kpi.pk, "return_pk": record.pk, "review_pk": review.pk, "benefit_pk": benefit.pk}


def _url(name: str, partnership: Partnership, records: dict[str, Any]) -> str:
    needs = {
        "kpi": ["kpi_pk"],
        "kpi-edit": ["kpi_pk"],
        "benchmark": ["kpi_pk"],
        "benchmark-import": ["kpi_pk"],
        "return": ["return_pk"],
        "return-evidence": ["return_pk"],
        "return-review": ["return_pk"],
        "review-record": ["review_pk"],
        "benefit": ["benefit_pk"],
        "benefit-edit": ["benefit_pk"],
        "published-rating": ["year", "kpi_pk"],
    }
    records = {**records, "year": 1}  # contract year 1, from the KPI's first period in January 2024
    kwargs = {"pk": partnership.pk, **{key: records[key] for key in needs.get(name, [])}}
    return reverse(f"performance:{name}", kwargs=kwargs)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", ["ours", "theirs"])
def test_kpi_pages_by_role_and_visibility(world: World, role: Role, which: str) -> None:
    editor = world.users[Role.COUNCIL_EDITOR]
    partnership = world.ours if which == "ours" else world.theirs
    records = _records(partnership, editor)
    visible = which == "ours" or role in SEES_THEIRS
    client = _client(world.users[role])
    for name in READ_URLS:
        response = client.get(_url(name, partnership, records))
        assert response.status_code == (200 if visible else 404), (name, role, which)
    for name in EDIT_URLS:
        expected = (200 if role in EDITORS else 403) if visible else 404
        assert client.get(_url(name, partnership, records)).status_code == expected, (name, role, which)
        assert client.post(_url(name, partnership, records), {}).status_code == expected, (
            name,
            role,
            which,
            "POST",
        )
    submits = role == Role.PARTNER_USER and which == "ours"
    expected = 200 if submits else (403 if visible else 404)
    for method in ("get", "post"):
        response = getattr(client, method)(_url("return-submit", partnership, records))
        assert response.status_code == expected, (role, which, method)
    schedule = client.post(_url("reviews", partnership, records), {})
    assert schedule.status_code == ((200 if role in EDITORS else 403) if visible else 404), (role, which)
    assert KpiReturn.objects.get(pk=records["return_pk"]).status == "submitted"


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_sign_in(world: World) -> None:
    records = _records(world.ours, world.users[Role.COUNCIL_EDITOR])
    client = Client()
    for name in READ_URLS + EDIT_URLS + PARTNER_URLS:
        response = client.get(_url(name, world.ours, records))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:sign-in")), name


@pytest.mark.django_db
def test_objects_of_another_partnership_are_not_found_through_ours(world: World) -> None:
    editor = world.users[Role.COUNCIL_EDITOR]
    _records(world.ours, editor)
    theirs = _records(world.theirs, editor)
    client = _client(world.users[Role.ADMINISTRATOR])
    for name in (
        "kpi",
        "kpi-edit",
        "benchmark",
        "return",
        "return-evidence",
        "return-review",
        "review-record",
        "benefit",
        "benefit-edit",
        "published-rating",
    ):
        assert client.get(_url(name, world.ours, theirs)).status_code == 404, name
