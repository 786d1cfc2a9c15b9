"""The open contracting data page and download, per role: everyone who sees the partnership reads the same
package (partner users too, as it holds nothing council-confidential); nobody else does; draft, disputed
and council-only records stay out; the gatherer's query count does not grow with the records."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forbetter.accounts.models import Role
from forbetter.changes import services as change_services
from forbetter.opendata import selectors
from forbetter.opendata.validation import package_errors
from forbetter.partnerships.models import Partnership
from forbetter.payments.models import PaymentStatement, StatementStatus
from forbetter.performance.models import ReturnStatus
from tests.conftest import World
from tests.factories import client_for, make_contract_live, make_kpi, make_kpi_return, make_risk

pytestmark = pytest.mark.django_db

SEEING_ROLES = [Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER, Role.PARTNER_USER, Role.AUDITOR, Role.ADMINISTRATOR]
COUNCIL_NOTE = "Do not tell the partner: we would accept a lower price"


def _records(world: World, *, months: int = 2) -> Partnership:
    editor = world.users[Role.COUNCIL_EDITOR]
    partnership = make_contract_live(world.ours, dt.date(2024, 1, 1))
    Partnership.objects.filter(pk=partnership.pk).update(
        term_years=10, estimated_value_gbp=Decimal(10_000_000)
    )
    make_risk(partnership, allocation="shared", council_share=Decimal("0.5"), council_notes=COUNCIL_NOTE)
    make_risk(partnership, allocation="partner")
    kpi = make_kpi(partnership)
    for month in range(1, months + 1):
        make_kpi_return(kpi, dt.date(2024, month, 1), "96.5", user=editor)
        PaymentStatement.objects.create(
            partnership=partnership,
            month=dt.date(2024, month, 1),
            status=StatementStatus.APPROVED,
            payable_gbp=Decimal("100000.25"),
            created_by=editor,
            approved_by=editor,
            approved_at=timezone.make_aware(dt.datetime(2024, month, 20, 12)),
        )
    make_kpi_return(kpi, dt.date(2024, months + 1, 1), "12.3456", user=editor, status=ReturnStatus.DISPUTED)
    PaymentStatement.objects.create(
        partnership=partnership,
        month=dt.date(2024, months + 1, 1),
        status=StatementStatus.DRAFT,
        payable_gbp=Decimal("55555.55"),
        created_by=editor,
    )
    change = change_services.change_save(
        user=editor,
        partnership=partnership,
        data={
            "reference": "CR-1",
            "title": "Extra gritting",
            "description": "Add routes",
            "raised_by": "Head of highways",
            "raised_by_side": "council",
            "raised_on": dt.date(2024, 3, 10),
        },
    )
    change_services.assessment_record(
        user=editor,
        change=change,
        data={
            "value_gbp": Decimal(120_000),
            "value_basis": "one_off",
            "effective_from": dt.date(2024, 7, 1),
            "business_case_effect": "Eats the contingency",
            "assessed_on": dt.date(2024, 4, 1),
        },
    )
    change_services.decision_record(
        user=editor,
        change=change,
        data={
            "decision": "approved",
            "decided_on": dt.date(2024, 5, 1),
            "decided_by": "Board",
            "decision_reason": "Needed",
        },
    )
    return partnership


def _download(client: Any, partnership: Partnership) -> Any:
    return client.get(f"/partnerships/{partnership.pk}/open-contracting-data/package.json")


@pytest.mark.parametrize("role", SEEING_ROLES)
def test_everyone_who_sees_the_partnership_reads_the_page(world: World, role: str) -> None:
    partnership = _records(world)
    response = client_for(world.users[role]).get(f"/partnerships/{partnership.pk}/open-contracting-data/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Open contracting data" in text
    assert 'id="validation-status"' in text
    assert "Valid</strong>" in text
    assert f"ocds-fbtr00-{partnership.pk}" in text
    assert "What is left out, and why" in text
    assert COUNCIL_NOTE not in text


@pytest.mark.parametrize("role", SEEING_ROLES)
def test_everyone_who_sees_the_partnership_downloads_the_package(world: World, role: str) -> None:
    partnership = _records(world)
    response = _download(client_for(world.users[role]), partnership)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="ashby-partnership-ocds-release-package.json"'
    )
    package = json.loads(response.content)
    assert package_errors(package, "core") == []
    assert package_errors(package, "ppp") == []
    assert (
        package["uri"]
        == f"http://testserver/partnerships/{partnership.pk}/open-contracting-data/package.json"
    )


def test_partner_users_get_the_same_package_as_the_council(world: World) -> None:
    partnership = _records(world)
    council = _download(client_for(world.users[Role.COUNCIL_EDITOR]), partnership).content
    partner = _download(client_for(world.users[Role.PARTNER_USER]), partnership).content
    assert council == partner


def test_drafts_disputes_and_council_only_records_stay_out(world: World) -> None:
    partnership = _records(world)
    text = _download(client_for(world.users[Role.COUNCIL_EDITOR]), partnership).content.decode()
    package = json.loads(text)
    for secret in (COUNCIL_NOTE, "Eats the contingency", "55555.55", "12.3456"):
        assert secret not in text, secret
    (implementation,) = [r for r in package["releases"] if r["tag"] == ["implementation"]]
    contract = implementation["contracts"][0]["implementation"]
    assert len(contract["transactions"]) == 2
    assert len(contract["metrics"][0]["observations"]) == 2
    assert [r["id"] for r in package["releases"] if r["tag"] == ["contractAmendment"]] == [
        f"ocds-fbtr00-{partnership.pk}-amendment-CR-1"
    ]


@pytest.mark.parametrize("path", ["", "package.json"])
def test_other_partnerships_are_not_found(world: World, path: str) -> None:
    partner = client_for(world.users[Role.PARTNER_USER])
    assert partner.get(f"/partnerships/{world.theirs.pk}/open-contracting-data/{path}").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(world: World, client: Any) -> None:
    response = client.get(f"/partnerships/{world.ours.pk}/open-contracting-data/")
    assert response.status_code == 302
    assert "/accounts/sign-in/" in response["Location"]


def test_an_invalid_package_is_not_downloaded(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    partnership = _records(world)
    monkeypatch.setattr(
        selectors, "package_errors", lambda package, profile: [f"releases: broken in {profile}"]
    )
    client = client_for(world.users[Role.COUNCIL_EDITOR])
    response = _download(client, partnership)
    assert response.status_code == 409
    assert "Content-Disposition" not in response
    assert "releases: broken in ppp" in response.content.decode()
    page = client.get(f"/partnerships/{partnership.pk}/open-contracting-data/").content.decode()
    assert "cannot be downloaded" in page
    assert "package.json" not in page


def test_the_gatherer_reads_in_nine_queries_however_many_records(world: World) -> None:
    small = _records(world, months=1)
    with CaptureQueriesContext(connection) as few:
        selectors.facts_for(small.pk)
    for month in range(2, 6):
        PaymentStatement.objects.create(
            partnership=small,
            month=dt.date(2025, month, 1),
            status=StatementStatus.APPROVED,
            payable_gbp=Decimal(1),
            created_by=world.users[Role.COUNCIL_EDITOR],
        )
    make_risk(small)
    make_kpi(small, reference="K-02")
    with CaptureQueriesContext(connection) as many:
        facts = selectors.facts_for(small.pk)
    assert len(few) == len(many) == 9
    assert len(facts.payments) == 5


def test_slug_and_finding_a_partnership(world: World) -> None:
    assert selectors.slug(world.ours) == "ashby-partnership"
    assert selectors.find_partnership("ashby-partnership") == world.ours
    assert selectors.find_partnership("Ashby-Partnership") == world.ours
    assert selectors.find_partnership(str(world.theirs.pk)) == world.theirs
    assert selectors.find_partnership("no-such-partnership") is None
    assert selectors.find_partnership("999999") is None
