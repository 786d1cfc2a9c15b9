"""The API's answers: partner-safe fields, filters and their 400s, pagination, returns submitted and
reviewed through the performance services (same validation, same history), bad input as 400 never 500,
tokens, CSRF on session writes and fixed query counts."""

from __future__ import annotations

import base64
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from forbetter.accounts.models import Role
from forbetter.api import services as api_services
from forbetter.api.models import ApiToken
from forbetter.payments.models import PaymentStatement, StatementStatus
from forbetter.performance.models import Kpi, KpiReturn, ReturnStatus
from tests.conftest import World
from tests.factories import PDF, client_for, make_contract_live, make_kpi, make_kpi_return, make_risk, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _url(name: str, world: World, **kwargs: Any) -> str:
    return reverse(f"api:{name}", kwargs={"pk": world.ours.pk, **kwargs})


def _token_client(user: Any) -> Client:
    _, secret = api_services.token_create(user=user, name="script")
    return Client(HTTP_AUTHORIZATION=f"Token {secret}")


@pytest.fixture
def kpi(world: World) -> Kpi:
    make_contract_live(world.ours)
    return make_kpi(world.ours)


def _post_json(client: Client, url: str, body: object) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def _return_body(for_kpi: Kpi, **changes: Any) -> dict[str, Any]:
    body = {
        "kpi": for_kpi.pk,
        "period": "2024-04",
        "value": "96.5",
        "commentary": "From the works system; pack on the shared drive",
        "evidence_base64": base64.b64encode(PDF).decode(),
        "evidence_name": "pack.pdf",
    }
    body.update(changes)
    return body


# --- partnerships, pagination -------------------------------------------------------------------------------


def test_partner_user_lists_only_their_partnerships_paginated(world: World) -> None:
    response = client_for(world.users[Role.PARTNER_USER]).get(reverse("api:partnership-list"))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1
    assert [row["name"] for row in body["results"]] == [world.ours.name]


def test_page_size_and_next_link(world: World) -> None:
    client = client_for(world.users[Role.ADMINISTRATOR])
    body = client.get(reverse("api:partnership-list"), {"page_size": 1}).json()
    assert body["count"] == 2
    assert len(body["results"]) == 1
    assert body["previous"] is None
    assert "page=2" in body["next"]
    assert len(client.get(body["next"]).json()["results"]) == 1


def test_partner_user_cannot_see_another_partnership(world: World) -> None:
    client = _token_client(world.users[Role.PARTNER_USER])
    response = client.get(reverse("api:partnership-detail", kwargs={"pk": world.theirs.pk}))
    assert response.status_code == 404
    assert response.json() == {"detail": "No Partnership matches the given query."}


# --- risks: partner-safe fields, filters ------------------------------------------------------------------


def test_partner_users_never_get_council_only_risk_fields(world: World) -> None:
    make_risk(world.ours, council_notes="We doubt their staffing plan")
    partner = client_for(world.users[Role.PARTNER_USER]).get(_url("risk-list", world)).json()["results"][0]
    council = client_for(world.users[Role.COUNCIL_VIEWER]).get(_url("risk-list", world)).json()["results"][0]
    hidden = {"council_notes", "probability", "impact_maximum_gbp", "actual_cost_gbp"}
    assert not hidden & set(partner)
    assert hidden <= set(council)
    assert council["council_notes"] == "We doubt their staffing plan"
    assert "staffing" not in json.dumps(partner)


def test_risks_filter_by_status_and_allocation(world: World) -> None:
    make_risk(world.ours, title="Open one")
    make_risk(world.ours, title="Closed one", status="closed")
    client = client_for(world.users[Role.COUNCIL_EDITOR])
    titles = [
        r["title"] for r in client.get(_url("risk-list", world), {"status": "closed"}).json()["results"]
    ]
    assert titles == ["Closed one"]
    assert client.get(_url("risk-list", world), {"allocation": "partner"}).json()["count"] == 0


@pytest.mark.parametrize(
    ("name", "params", "field"),
    [
        ("risk-list", {"status": "sleeping"}, "status"),
        ("risk-list", {"allocation": "nobody"}, "allocation"),
        ("task-list", {"status": "finished"}, "status"),
        ("task-list", {"stage": "not a slug!"}, "stage"),
        ("return-list", {"period": "2024-13"}, "period"),
        ("return-list", {"kpi": "first"}, "kpi"),
        ("return-list", {"status": "lost"}, "status"),
    ],
)
def test_a_bad_filter_is_400_naming_it(world: World, name: str, params: dict[str, str], field: str) -> None:
    response = client_for(world.users[Role.COUNCIL_EDITOR]).get(_url(name, world), params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_tasks_filter_by_stage_and_hide_council_notes_from_partners(world: World) -> None:
    task = world.ours.tasks.select_related("action__stage").first()
    assert task is not None
    task.council_notes = "Internal"
    task.save()
    stage = task.action.stage.key
    council = client_for(world.users[Role.COUNCIL_EDITOR]).get(_url("task-list", world), {"stage": stage})
    rows = council.json()["results"]
    assert rows
    assert all(row["stage"] == stage for row in rows)
    assert any(row["council_notes"] == "Internal" for row in rows)
    partner = client_for(world.users[Role.PARTNER_USER]).get(_url("task-detail", world, task_pk=task.pk))
    assert "council_notes" not in partner.json()


def test_risk_list_reads_in_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    client = client_for(world.users[Role.COUNCIL_EDITOR])
    make_risk(world.ours)
    with django_assert_max_num_queries(8) as few:
        client.get(_url("risk-list", world))
    for number in range(6):
        make_risk(world.ours, title=f"Risk {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_url("risk-list", world))
    assert response.json()["count"] == 7


def test_return_list_reads_in_a_fixed_number_of_queries(
    world: World, kpi: Kpi, django_assert_max_num_queries: Any
) -> None:
    client = client_for(world.users[Role.PARTNER_USER])
    make_kpi_return(kpi, dt.date(2024, 1, 1), "90", user=world.users[Role.PARTNER_USER])
    with django_assert_max_num_queries(8) as few:
        client.get(_url("return-list", world))
    for month in range(2, 8):
        make_kpi_return(kpi, dt.date(2024, month, 1), "90", user=world.users[Role.PARTNER_USER])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(_url("return-list", world)).json()["count"] == 7


# --- statements ---------------------------------------------------------------------------------------------


def test_partner_users_never_see_draft_statements(world: World) -> None:
    editor = world.users[Role.COUNCIL_EDITOR]
    PaymentStatement.objects.create(partnership=world.ours, month=dt.date(2024, 5, 1), created_by=editor)
    approved = PaymentStatement.objects.create(
        partnership=world.ours,
        month=dt.date(2024, 4, 1),
        created_by=editor,
        status=StatementStatus.APPROVED,
        payable_gbp=1000,
        lines=["Charge £1,000"],
    )
    partner = client_for(world.users[Role.PARTNER_USER]).get(_url("statement-list", world)).json()
    assert [row["id"] for row in partner["results"]] == [approved.pk]
    assert partner["results"][0]["lines"] == ["Charge £1,000"]
    council = client_for(world.users[Role.COUNCIL_VIEWER]).get(_url("statement-list", world)).json()
    assert council["count"] == 2


# --- KPI returns: submitting and reviewing ------------------------------------------------------------------


def test_partner_submits_a_return_in_json_through_the_service(world: World, kpi: Kpi) -> None:
    client = _token_client(world.users[Role.PARTNER_USER])
    response = _post_json(client, _url("return-list", world), _return_body(kpi))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["period"], body["value"], body["status"]) == ("2024-04-01", "96.5000", "submitted")
    assert body["has_evidence_file"]
    assert body["evidence_name"] == "pack.pdf"
    record = KpiReturn.objects.get(pk=body["id"])
    assert record.submitted_by == world.users[Role.PARTNER_USER]
    history = record.history.first()
    assert history is not None
    assert history.history_change_reason.startswith("Submitted")


def test_partner_submits_a_return_as_a_multipart_upload(world: World, kpi: Kpi) -> None:
    client = client_for(world.users[Role.PARTNER_USER])
    data = {"kpi": kpi.pk, "period": "2024-04", "value": "91", "evidence": pdf("pack.pdf")}
    response = client.post(_url("return-list", world), data)
    assert response.status_code == 201, response.json()
    again = client.post(_url("return-list", world), {**data, "value": "92", "evidence": pdf("pack.pdf")})
    assert again.status_code == 200  # corrected before validation, as the page allows
    assert KpiReturn.objects.get().value == 92


def test_session_writes_need_the_csrf_token(world: World, kpi: Kpi) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users[Role.PARTNER_USER])
    response = _post_json(client, _url("return-list", world), _return_body(kpi))
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not KpiReturn.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"value": "lots"}, "value"),
        ({"value": [1]}, "value"),
        ({"kpi": "K-01"}, "kpi"),
        ({"kpi": 999_999}, "kpi"),
        ({"period": "1800-01"}, "period"),
        ({"period": "2024-4x"}, "period"),
        ({"period": "2099-01"}, "period"),  # not ended yet
        ({"period": "2023-12"}, "period"),  # before the KPI's first period
        ({"value": "140"}, "value"),  # a percentage over 100
        ({"evidence_base64": "not base64!"}, "evidence_base64"),
        ({"evidence_base64": base64.b64encode(b"MZ\x90\x00").decode(), "evidence_name": "a.exe"}, "evidence"),
        ({"evidence_name": ""}, "evidence_name"),
    ],
)
def test_bad_return_data_is_400_naming_the_field(
    world: World, kpi: Kpi, changes: dict[str, Any], field: str
) -> None:
    response = _post_json(
        client_for(world.users[Role.PARTNER_USER]), _url("return-list", world), _return_body(kpi, **changes)
    )
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert not KpiReturn.objects.exists()


def test_missing_evidence_is_400(world: World, kpi: Kpi) -> None:
    body = _return_body(kpi)
    del body["evidence_base64"], body["evidence_name"]
    response = _post_json(client_for(world.users[Role.PARTNER_USER]), _url("return-list", world), body)
    assert response.status_code == 400
    assert response.json() == {"evidence": ["Upload the evidence for this value"]}


def test_malformed_json_is_400(world: World, kpi: Kpi) -> None:
    client = client_for(world.users[Role.PARTNER_USER])
    response = client.post(_url("return-list", world), '{"kpi": 1,', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")
    assert _post_json(client, _url("return-list", world), [1, 2]).status_code == 400


def test_a_return_the_council_validated_cannot_be_sent_again(world: World, kpi: Kpi) -> None:
    make_kpi_return(kpi, dt.date(2024, 4, 1), "96", user=world.users[Role.PARTNER_USER])
    response = _post_json(
        client_for(world.users[Role.PARTNER_USER]), _url("return-list", world), _return_body(kpi)
    )
    assert response.status_code == 400
    assert "validated by the council" in response.json()["period"][0]


def test_a_kpi_of_another_partnership_is_an_unknown_kpi(world: World, kpi: Kpi) -> None:
    theirs = make_kpi(world.theirs)
    response = _post_json(
        client_for(world.users[Role.PARTNER_USER]), _url("return-list", world), _return_body(theirs)
    )
    assert response.status_code == 400
    assert response.json() == {"kpi": ["Select a KPI of this partnership"]}


def test_council_editor_validates_and_disputes_a_return(world: World, kpi: Kpi) -> None:
    record = make_kpi_return(
        kpi, dt.date(2024, 4, 1), "96", user=world.users[Role.PARTNER_USER], status=ReturnStatus.SUBMITTED
    )
    client = _token_client(world.users[Role.COUNCIL_EDITOR])
    url = _url("return-review", world, return_pk=record.pk)
    assert _post_json(client, url, {"decision": "dispute"}).json() == {
        "reason": ["Enter why the return is disputed"]
    }
    response = _post_json(client, url, {"decision": "validate"})
    assert response.status_code == 200
    assert response.json()["status"] == "validated"
    assert _post_json(client, url, {"decision": "validate"}).json() == {
        "decision": ["This return has already been validated"]
    }
    disputed = _post_json(client, url, {"decision": "dispute", "reason": "Sample does not match"})
    assert disputed.json()["dispute_reason"] == "Sample does not match"
    assert _post_json(client, url, {"decision": "maybe"}).status_code == 400


def test_returns_filter_by_kpi_period_and_status(world: World, kpi: Kpi) -> None:
    partner = world.users[Role.PARTNER_USER]
    make_kpi_return(kpi, dt.date(2024, 3, 1), "96", user=partner)
    make_kpi_return(kpi, dt.date(2024, 4, 1), "96", user=partner, status=ReturnStatus.SUBMITTED)
    client = client_for(partner)
    assert client.get(_url("return-list", world), {"period": "2024-03"}).json()["count"] == 1
    assert client.get(_url("return-list", world), {"status": "submitted"}).json()["count"] == 1
    assert client.get(_url("return-list", world), {"kpi": kpi.pk}).json()["count"] == 2


# --- tokens -------------------------------------------------------------------------------------------------


def test_tokens_are_stored_hashed_and_stop_working_when_revoked(world: World) -> None:
    user = world.users[Role.PARTNER_USER]
    token, secret = api_services.token_create(user=user, name="Returns script")
    assert secret not in token.digest
    assert ApiToken.objects.filter(digest=token.digest).exists()
    assert not ApiToken.objects.filter(prefix=secret).exists()
    client = Client(HTTP_AUTHORIZATION=f"Token {secret}")
    assert client.get(reverse("api:partnership-list")).status_code == 200
    api_services.token_revoke(user=user, token_id=token.pk)
    response = client.get(reverse("api:partnership-list"))
    assert response.status_code == 401
    assert response.json() == {"detail": "The token is not known or has been revoked"}
    bearer = Client(HTTP_AUTHORIZATION="Bearer fb_nonsense")
    assert bearer.get(reverse("api:partnership-list")).status_code == 401


def test_tokens_page_makes_a_token_shown_once_and_revokes_it(world: World) -> None:
    user = world.users[Role.COUNCIL_VIEWER]
    client = client_for(user)
    url = reverse("api:tokens")
    assert client.post(url, {"name": ""}).status_code == 200
    assert not ApiToken.objects.exists()
    response = client.post(url, {"name": "Dashboard"}, follow=True)
    page = response.content.decode()
    token = ApiToken.objects.get(user=user)
    assert token.prefix in page
    assert 'id="new-token"' in page
    assert 'id="new-token"' not in client.get(url).content.decode()
    client.post(url, {"revoke": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is not None
    other = api_services.token_create(user=world.users[Role.COUNCIL_EDITOR], name="Theirs")[0]
    client.post(url, {"revoke": other.pk})
    other.refresh_from_db()
    assert other.revoked_at is None  # one's own tokens only


def test_a_deactivated_users_token_stops_working(world: World) -> None:
    user = world.users[Role.PARTNER_USER]
    client = _token_client(user)
    user.is_active = False
    user.save()
    assert client.get(reverse("api:partnership-list")).status_code == 401


GARBAGE = [
    {"page": "abc"},
    {"page": "99999999999999999999"},
    {"page": "-1"},
    {"page_size": "abc"},
    {"page_size": "100000"},
    {"kpi": "99999999999999999999999"},
    {"kpi": "-1"},
    {"period": "0000-00"},
    {"period": "9999-12"},
    {"status": "\x00"},
    {"stage": "x" * 300},
    {"category": "x" * 300},
]


@pytest.mark.parametrize("name", ["partnership-list", "task-list", "risk-list", "return-list", "kpi-list"])
def test_garbage_query_strings_are_a_400_or_404_never_a_500(world: World, kpi: Kpi, name: str) -> None:
    client = client_for(world.users[Role.ADMINISTRATOR])
    url = reverse("api:partnership-list") if name == "partnership-list" else _url(name, world)
    for params in GARBAGE:
        response = client.get(url, params)
        assert response.status_code in (200, 400, 404), (params, response.status_code)
        assert response["Content-Type"].startswith("application/json")


def test_huge_ids_in_a_body_are_a_400(world: World, kpi: Kpi) -> None:
    client = client_for(world.users[Role.PARTNER_USER])
    response = _post_json(client, _url("return-list", world), _return_body(kpi, kpi=10**30))
    assert response.status_code == 400
    assert "kpi" in response.json()


def test_huge_ids_in_the_path_are_a_404(world: World) -> None:
    client = client_for(world.users[Role.ADMINISTRATOR])
    response = client.get(f"/api/partnerships/{10**30}/risks/")
    assert response.status_code == 404
    response = client.get(f"/api/partnerships/{world.ours.pk}/risks/{10**30}/")
    assert response.status_code == 404


@pytest.mark.parametrize("revoke", ["abc", "99999999999999999999999", "-1", ""])
def test_tokens_page_answers_a_bad_revoke_with_a_message(world: World, revoke: str) -> None:
    client = client_for(world.users[Role.PARTNER_USER])
    response = client.post(reverse("api:tokens"), {"revoke": revoke}, follow=True)
    assert response.status_code == 200
    assert "Choose a token to revoke" in response.content.decode()


def test_a_draft_statements_figures_are_worked_out_as_on_its_page(world: World) -> None:
    from forbetter.payments import selectors as payment_selectors
    from forbetter.payments import services as payment_services
    from tests.factories import make_payment_mechanism

    editor = world.users[Role.COUNCIL_EDITOR]
    make_payment_mechanism(world.ours)
    failing = make_kpi(world.ours, "HW-01", severity_points=120)
    make_kpi_return(failing, dt.date(2024, 4, 1), "80", user=editor)
    draft = payment_services.statement_create(user=editor, partnership=world.ours, month=dt.date(2024, 4, 1))
    page = payment_selectors.statement_view(world.ours, draft).figures
    assert page is not None
    client = client_for(world.users[Role.COUNCIL_VIEWER])
    body = client.get(_url("statement-detail", world, statement_pk=draft.pk)).json()
    assert body["status"] == "draft"
    assert body["figures_problem"] == ""
    assert body["payable_gbp"] == f"{page.payable_gbp:.2f}"
    assert body["deduction_gbp"] == f"{page.deduction_gbp:.2f}"
    assert Decimal(body["deduction_gbp"]) > 0
    assert body["lines"] == list(page.lines)
    listed = client.get(_url("statement-list", world)).json()["results"]
    assert listed[0]["payable_gbp"] == body["payable_gbp"]


def test_the_schema_answers_to_a_token_and_refuses_with_401_without_one(world: World) -> None:
    response = _token_client(world.users[Role.PARTNER_USER]).get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")
    refused = Client().get(reverse("api:schema"), {"format": "json"})
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"].startswith("Token")
