"""Partnerships, task lists, gates and history through the pages and services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forbetter.accounts.models import OrganisationKind, Role, User
from forbetter.partnerships import services
from forbetter.partnerships.models import (
    DeliveryConfidence,
    Partnership,
    PartnershipStatus,
    Stage,
    StageGate,
    Task,
    TaskStatus,
)
from forbetter.partnerships.selectors import due_tasks, framework_matrix, portfolio
from tests.conftest import World
from tests.factories import OrganisationFactory, PartnershipFactory, client_for
from tests.web.edit_versions import opened_at

pytestmark = pytest.mark.django_db


def test_creating_a_partnership_builds_its_whole_task_list(world: World, editor: User) -> None:
    response = client_for(editor).post(
        reverse("partnerships:create"),
        {
            "name": "New Partnership",
            "councils": [world.council_a.pk],
            "vehicle": "contract",
            "value_basis": "annual_charge",
            "term_years": "10",
            "estimated_value_gbp": "12000000",
        },
    )
    partnership = Partnership.objects.get(name="New Partnership")
    assert response.status_code == 302
    assert response["Location"] == reverse("partnerships:overview", args=[partnership.pk])
    assert partnership.stage == Stage.INITIATION
    assert partnership.initiation_began_on == dt.date.today()
    assert partnership.tasks.count() == 49
    assert partnership.history.first().history_user == editor


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "Enter the partnership&#x27;s name"),
        ({"councils": []}, "councils", "Select at least one council"),
        ({"term_years": "-3"}, "term_years", "Term must be at least 1 year"),
        ({"term_years": "ten"}, "term_years", "Term must be a whole number of years, like 10"),
        ({"estimated_value_gbp": "-5"}, "estimated_value_gbp", "Estimated value cannot be negative"),
        (
            {"estimated_value_gbp": "lots"},
            "estimated_value_gbp",
            "Estimated value must be a number of pounds",
        ),
        ({"vehicle": "joint_venture"}, "joint_venture_company", "Select the joint-venture company"),
        (
            {"vehicle": "joint_venture", "council_equity_share": "1.5"},
            "council_equity_share",
            "between 0 and 1",
        ),
        ({"planned_start_on": "2026-02-30"}, "planned_start_on", "Planned start date must be a real date"),
        ({"initiation_began_on": "2099-01-01"}, "initiation_began_on", "must be today or in the past"),
        ({"name": "Ashby Partnership"}, "name", "A partnership with this name already exists"),
    ],
)
def test_bad_partnership_input_gets_a_specific_message_and_saves_nothing(
    world: World, editor: User, data: dict[str, object], field: str, message: str
) -> None:
    before = Partnership.objects.count()
    payload = {
        "name": "Another",
        "councils": [world.council_a.pk],
        "vehicle": "contract",
        "value_basis": "annual_charge",
    }
    payload.update(data)  # type: ignore[arg-type]
    response = client_for(editor).post(reverse("partnerships:create"), payload)
    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert message in content
    assert f'id="{field}-error"' in content
    assert Partnership.objects.count() == before


def test_editing_a_partnership_records_old_and_new_values(world: World, editor: User) -> None:
    client = client_for(editor)
    response = client.post(
        reverse("partnerships:edit", args=[world.ours.pk]),
        {
            "name": "Ashby Partnership",
            "councils": [world.council_a.pk],
            "vehicle": "contract",
            "value_basis": "annual_charge",
            "term_years": "12",
            **opened_at(world.ours),
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("partnerships:history", args=[world.ours.pk])).content.decode()
    assert "Term years" in page
    assert "<ins>12</ins>" in page
    assert editor.get_full_name() in page


def test_task_marked_not_applicable_needs_a_reason(world: World, editor: User) -> None:
    task = world.ours.tasks.order_by("pk").first()
    assert task is not None
    url = reverse("partnerships:task-edit", args=[world.ours.pk, task.pk])
    response = client_for(editor).post(url, {"status": "not_applicable", **opened_at(task)})
    assert "Enter why this action does not apply" in response.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.NOT_STARTED
    response = client_for(editor).post(
        url, {"status": "not_applicable", "not_applicable_reason": "Done county-wide", **opened_at(task)}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.not_applicable_reason) == (TaskStatus.NOT_APPLICABLE, "Done county-wide")


def test_task_update_is_recorded_in_the_tasks_history(world: World, editor: User) -> None:
    task = world.ours.tasks.order_by("pk").first()
    assert task is not None
    client = client_for(editor)
    client.post(
        reverse("partnerships:task-edit", args=[world.ours.pk, task.pk]),
        {
            "status": "done",
            "owner": editor.pk,
            "due_on": "2026-03-01",
            "evidence_notes": "Cabinet report 12 March",
            **opened_at(task),
        },
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert task.completed_on == dt.date.today()
    page = client.get(reverse("partnerships:task", args=[world.ours.pk, task.pk])).content.decode()
    assert "<del>Not started</del> → <ins>Done</ins>" in page
    assert f"<ins>{editor}</ins>" in page
    assert "Cabinet report 12 March" in page


def test_task_owner_must_be_from_one_of_the_partnerships_councils(world: World, editor: User) -> None:
    outsider = User.objects.get(email="partner@p.test")
    task = world.ours.tasks.order_by("pk").first()
    assert task is not None
    response = client_for(editor).post(
        reverse("partnerships:task-edit", args=[world.ours.pk, task.pk]),
        {"status": "done", "owner": outsider.pk},
    )
    assert "Select a valid choice" in response.content.decode()


def test_service_refuses_changes_from_a_read_only_role(world: World) -> None:
    task = world.ours.tasks.order_by("pk").first()
    assert task is not None
    with pytest.raises(PermissionDenied):
        services.task_update(
            user=world.users[Role.AUDITOR],
            task=task,
            status="done",
            owner=None,
            due_on=None,
            evidence_notes="",
        )


def test_gate_records_open_actions_and_moves_the_stage(world: World, editor: User) -> None:
    initiation = world.ours.tasks.filter(action__stage__key="initiation").order_by("pk")
    done = initiation.first()
    assert done is not None
    services.task_update(
        user=editor, task=done, status="done", owner=None, due_on=None, evidence_notes="Cabinet report"
    )
    response = client_for(editor).post(
        reverse("partnerships:gate", args=[world.ours.pk]),
        {
            "decided_on": dt.date.today().isoformat(),
            "delivery_confidence": "amber",
            "commentary": "Go ahead",
            "confirm": "yes",
        },
    )
    assert response.status_code == 302
    world.ours.refresh_from_db()
    assert world.ours.stage == Stage.PROCUREMENT
    assert world.ours.procurement_began_on == dt.date.today()
    gate = StageGate.objects.get(partnership=world.ours)
    assert gate.decided_by == editor
    assert gate.delivery_confidence == DeliveryConfidence.AMBER
    assert len(gate.open_actions) == initiation.count() - 1
    assert done.action.code not in {row["code"] for row in gate.open_actions}
    overview = client_for(editor).get(reverse("partnerships:overview", args=[world.ours.pk])).content.decode()
    assert "14 open" in overview
    assert "Amber" in overview


def test_gate_page_warns_about_open_actions_but_does_not_block(world: World, editor: User) -> None:
    page = client_for(editor).get(reverse("partnerships:gate", args=[world.ours.pk])).content.decode()
    assert "15 actions of this stage are still open" in page


@pytest.mark.parametrize(
    ("decided_on", "message"),
    [
        (dt.date.today() + dt.timedelta(days=3), "Decision date must be today or in the past"),
        (dt.date.today() - dt.timedelta(days=400), "Decision date must be on or after"),
    ],
)
def test_gate_date_is_checked(world: World, editor: User, decided_on: dt.date, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        services.stage_gate_record(
            user=editor,
            partnership=world.ours,
            decided_on=decided_on,
            delivery_confidence="green",
            commentary="x",
        )
    world.ours.refresh_from_db()
    assert world.ours.stage == Stage.INITIATION
    assert not StageGate.objects.exists()


def test_contract_cannot_start_without_a_partner(world: World, editor: User) -> None:
    world.ours.partner = None
    world.ours.save()
    services.stage_gate_record(
        user=editor,
        partnership=world.ours,
        decided_on=dt.date.today(),
        delivery_confidence="green",
        commentary="x",
    )
    response = client_for(editor).post(
        reverse("partnerships:gate", args=[world.ours.pk]),
        {"decided_on": dt.date.today().isoformat(), "delivery_confidence": "green", "commentary": "Sign"},
    )
    assert "Name the partner" in response.content.decode()
    world.ours.refresh_from_db()
    assert world.ours.stage == Stage.PROCUREMENT


def test_ending_a_partnership_needs_an_outcome_and_a_reason_for_early_termination(
    world: World, editor: User
) -> None:
    today = dt.date.today()
    for _ in range(2):
        services.stage_gate_record(
            user=editor, partnership=world.ours, decided_on=today, delivery_confidence="green", commentary="x"
        )
    url = reverse("partnerships:gate", args=[world.ours.pk])
    client = client_for(editor)
    base = {"decided_on": today.isoformat(), "delivery_confidence": "red", "commentary": "Ending"}
    assert "Select how the partnership ended" in client.post(url, base).content.decode()
    response = client.post(url, {**base, "end_status": "terminated_early"})
    assert "Enter why the partnership was terminated early" in response.content.decode()
    response = client.post(
        url, {**base, "end_status": "terminated_early", "end_reason": "Persistent failure", "confirm": "yes"}
    )
    assert response.status_code == 302
    world.ours.refresh_from_db()
    assert (world.ours.stage, world.ours.status) == (Stage.ENDED, PartnershipStatus.TERMINATED_EARLY)
    assert world.ours.ended_on == today
    assert world.ours.end_reason == "Persistent failure"
    assert client.get(url).status_code == 302


def test_matrix_counts_each_cell(world: World, editor: User) -> None:
    tasks = list(
        world.ours.tasks.filter(action__code__in=["I-VFM-1", "I-VFM-2", "I-VFM-3"]).order_by("action__code")
    )
    services.task_update(
        user=editor, task=tasks[0], status="done", owner=None, due_on=None, evidence_notes="Cabinet report"
    )
    services.task_update(
        user=editor,
        task=tasks[1],
        status="not_applicable",
        owner=None,
        due_on=None,
        evidence_notes="",
        not_applicable_reason="Not needed",
    )
    services.task_update(
        user=editor,
        task=tasks[2],
        status="in_progress",
        owner=None,
        due_on=dt.date.today() - dt.timedelta(days=1),
        evidence_notes="",
    )
    stages, rows = framework_matrix(world.ours)
    assert [stage.key for stage in stages] == ["initiation", "procurement", "contract_management"]
    assert len(rows) == 8
    cell = rows[0].cells[0]
    assert (cell.total, cell.done, cell.applicable, cell.not_applicable, cell.overdue) == (3, 1, 2, 1, 1)
    assert cell.state == "overdue"
    assert rows[1].cells[0].state == "not_started"
    page = client_for(editor).get(reverse("partnerships:matrix", args=[world.ours.pk])).content.decode()
    assert "1 of 2 done" in page
    assert "1 overdue" in page


def test_due_list_shows_open_overdue_and_due_soon_tasks_only(world: World, editor: User) -> None:
    today = dt.date.today()
    tasks = list(world.ours.tasks.order_by("pk")[:4])
    plans = [
        (today - dt.timedelta(days=5), "in_progress"),
        (today + dt.timedelta(days=7), "not_started"),
        (today + dt.timedelta(days=60), "not_started"),
        (today - dt.timedelta(days=5), "done"),
    ]
    for task, (due, status) in zip(tasks, plans, strict=True):
        services.task_update(
            user=editor, task=task, status=status, owner=None, due_on=due, evidence_notes="Board report"
        )
    assert list(due_tasks(editor)) == tasks[:2]
    page = client_for(editor).get(reverse("partnerships:due")).content.decode()
    assert "Overdue" in page
    assert "Due soon" in page


def test_portfolio_shows_progress_and_filters(world: World, editor: User) -> None:
    task = world.ours.tasks.filter(action__stage__key="initiation").order_by("pk").first()
    assert task is not None
    services.task_update(
        user=editor, task=task, status="done", owner=None, due_on=None, evidence_notes="Cabinet report"
    )
    admin = world.users[Role.ADMINISTRATOR]
    rows = {p.name: p for p in portfolio(admin)}
    assert (rows["Ashby Partnership"].stage_done, rows["Ashby Partnership"].stage_applicable) == (1, 15)
    assert [p.name for p in portfolio(admin, search="brindle")] == ["Brindle Partnership"]
    assert list(portfolio(admin, stage="procurement")) == []
    page = client_for(admin).get(reverse("partnerships:portfolio"), {"stage": "initiation"}).content.decode()
    assert "1 of 15" in page


def test_portfolio_paginates_and_its_query_count_does_not_grow(world: World) -> None:
    admin = world.users[Role.ADMINISTRATOR]
    client = client_for(admin)
    client.get(reverse("partnerships:portfolio"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("partnerships:portfolio"))
    council = OrganisationFactory(name="Extra Council")
    partner = OrganisationFactory(name="Extra Partner", kind=OrganisationKind.PARTNER)
    for index in range(25):
        PartnershipFactory(name=f"Extra {index:02d}", councils=[council], partner=partner, with_tasks=False)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("partnerships:portfolio"))
    assert len(many) == len(few)
    assert "Showing 1 to 20 of 27" in response.content.decode()
    page_two = client.get(reverse("partnerships:portfolio"), {"page": 2}).content.decode()
    assert "Showing 21 to 27 of 27" in page_two


def test_task_list_shows_the_current_stage_by_theme(world: World, editor: User) -> None:
    page = client_for(editor).get(reverse("partnerships:tasks", args=[world.ours.pk])).content.decode()
    assert "Initiation: task list" in page
    assert page.count('class="govuk-task-list__item') == 15
    assert "Appraise the SSP against other ways of delivering the services" in page


def test_task_list_rejects_an_unknown_stage(world: World, editor: User) -> None:
    response = client_for(editor).get(reverse("partnerships:tasks-stage", args=[world.ours.pk, "nonsense"]))
    assert response.status_code == 403


def test_evidence_can_link_a_document_of_the_same_partnership_only(world: World, editor: User) -> None:
    client = client_for(editor)
    client.post(
        reverse("partnerships:documents", args=[world.ours.pk]),
        {
            "title": "Options appraisal report",
            "location": "SharePoint/ssp/oa.pdf",
            "document_date": "2026-01-12",
        },
    )
    document = world.ours.documents.get()
    task = world.ours.tasks.order_by("pk").first()
    assert task is not None
    url = reverse("partnerships:evidence-add", args=[world.ours.pk, task.pk])
    from django.contrib.contenttypes.models import ContentType

    key = f"{ContentType.objects.get_for_model(document).pk}:{document.pk}"
    assert client.post(url, {"record": key}).status_code == 302
    assert task.evidence_links.get().label == "Document: Options appraisal report (12 Jan 2026)"
    response = client.post(url, {"record": key})
    assert (
        "already linked" in response.content.decode() or "Select a valid choice" in response.content.decode()
    )
    other = Task.objects.filter(partnership=world.theirs).first()
    assert other is not None
    response = client.post(url, {"record": "999:999"})
    assert "Select a valid choice" in response.content.decode()
    assert task.evidence_links.count() == 1


def test_bad_document_input_saves_nothing(world: World, editor: User) -> None:
    response = client_for(editor).post(
        reverse("partnerships:documents", args=[world.ours.pk]),
        {"title": "", "location": "", "document_date": "x"},
    )
    content = response.content.decode()
    assert "Enter the document&#x27;s title" in content
    assert "Enter where the document is held" in content
    assert "Date of the document must be a real date" in content
    assert not world.ours.documents.exists()
