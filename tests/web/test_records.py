"""Records that must not be silently changed, lost or shown to the wrong people (issue 9, items 16 to 19).

- Documents are corrected or withdrawn with a reason and history, never deleted; irreversible actions ask
  on a page that says what will happen, and the server refuses an unconfirmed POST.
- History names the right record and says every value in words.
- The change-of-ownership plan, council-only notes, risk costs and confidential evidence never reach a
  partner user, on any page or history page they can open.
- The framework task list flags overdue actions, and "Done" needs evidence or a stated reason.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from forbetter.accounts.models import Organisation, OrganisationKind, Role, User
from forbetter.core.history import display_value, field_label, money
from forbetter.partnerships import services
from forbetter.partnerships.models import (
    Document,
    EvidenceLink,
    PartnershipStatus,
    ServiceArea,
    Stage,
    StageGate,
    Task,
    TaskStatus,
)
from forbetter.risks import services as risk_services
from forbetter.risks.models import OwnershipTrigger
from tests.conftest import World
from tests.factories import client_for, make_ownership_plan, make_risk
from tests.web.edit_versions import opened_at

pytestmark = pytest.mark.django_db

PLAN_SECRET = "Step in if the partner is sold"
TASK_SECRET = "Council suspects the partner will bid low"
RISK_SECRET = "Our fallback is the in-house team of the county"


def _task(world: World, code: str) -> Task:
    return world.ours.tasks.select_related("action").get(action__code=code)


def _document(world: World, editor: User, title: str = "Cabinet report") -> Document:
    return services.document_create(
        user=editor,
        partnership=world.ours,
        data={"title": title, "location": "File 12/2026", "document_date": dt.date(2026, 3, 12)},
    )


def _key(record: object) -> str:
    return f"{ContentType.objects.get_for_model(record).pk}:{record.pk}"  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------------------------------
# Item 16: documents corrected or withdrawn with a reason; irreversible actions confirmed
# ------------------------------------------------------------------------------------------------------


def test_document_correction_needs_a_reason_and_keeps_the_old_values_in_history(
    world: World, editor: User
) -> None:
    """A record that evidences a framework action is corrected openly: the reason and the old value stay."""
    document = _document(world, editor)
    client = client_for(editor)
    url = reverse("partnerships:document-edit", args=[world.ours.pk, document.pk])
    data = {"title": "Cabinet report, 12 March", "location": "File 12/2026", "document_date": "2026-03-12"}
    response = client.post(url, data | opened_at(document))
    assert "Enter what was corrected and why" in response.content.decode()
    document.refresh_from_db()
    assert document.title == "Cabinet report"
    response = client.post(url, {**data, **opened_at(document), "reason": "Title gave no date"})
    assert response.status_code == 302
    page = client.get(reverse("partnerships:document", args=[world.ours.pk, document.pk])).content.decode()
    assert "Corrected: Title gave no date" in page
    assert "<del>Cabinet report</del> → <ins>Cabinet report, 12 March</ins>" in page


def test_withdrawn_document_stays_listed_with_its_reason_and_cannot_be_linked(
    world: World, editor: User
) -> None:
    """Withdrawing is not deleting: the document stays visible, with the date and reason, in its history."""
    document = _document(world, editor)
    cited_by = _task(world, "I-VFM-2")
    services.evidence_link_add(user=editor, task=cited_by, record_key=_key(document))
    with pytest.raises(ValidationError):
        services.document_withdraw(user=editor, document=document, reason="  ")
    services.document_withdraw(user=editor, document=document, reason="Superseded by version 3")
    assert Document.objects.filter(pk=document.pk).exists()
    partner = client_for(world.users[Role.PARTNER_USER])
    listing = partner.get(reverse("partnerships:documents", args=[world.ours.pk])).content.decode()
    assert "Withdrawn documents" in listing
    assert "Superseded by version 3" in listing
    detail = partner.get(reverse("partnerships:document", args=[world.ours.pk, document.pk])).content.decode()
    assert "Withdrawn on" in detail
    assert "<strong>Changed</strong>: Withdrawn" in detail
    task = _task(world, "I-VFM-1")
    with pytest.raises(ValidationError):
        services.evidence_link_add(user=editor, task=task, record_key=_key(document))
    citing = partner.get(reverse("partnerships:task", args=[world.ours.pk, cited_by.pk])).content.decode()
    assert "Document withdrawn" in citing
    with pytest.raises(ValidationError):
        services.document_correct(user=editor, document=document, data={"title": "x"}, reason="typo")


def test_withdrawing_a_document_asks_first_and_an_unconfirmed_post_changes_nothing(
    world: World, editor: User
) -> None:
    """GOV.UK pattern for irreversible actions: warning text saying what happens, confirmed server-side."""
    document = _document(world, editor)
    client = client_for(editor)
    url = reverse("partnerships:document-withdraw", args=[world.ours.pk, document.pk])
    page = client.get(url).content.decode()
    assert "govuk-warning-text" in page
    assert "will be listed as withdrawn" in page
    response = client.post(url, {"reason": "Wrong partnership"})
    assert response.status_code == 200
    assert "Yes, withdraw the document" in response.content.decode()
    document.refresh_from_db()
    assert not document.is_withdrawn
    assert client.post(url, {"reason": "Wrong partnership", "confirm": "yes"}).status_code == 302
    document.refresh_from_db()
    assert (document.withdrawn_on, document.withdrawn_reason) == (dt.date.today(), "Wrong partnership")


def test_stage_gate_decision_is_confirmed_on_a_page_that_says_what_will_happen(
    world: World, editor: User
) -> None:
    """A gate decision cannot be undone, so it is confirmed; a POST without confirmation records nothing."""
    client = client_for(editor)
    url = reverse("partnerships:gate", args=[world.ours.pk])
    decision = {"decided_on": dt.date.today().isoformat(), "delivery_confidence": "amber", "commentary": "Go"}
    page = client.post(url, decision).content.decode()
    assert "govuk-warning-text" in page
    assert "will move to Procurement and contract award" in page
    assert "cannot be undone" in page
    assert "15 actions of Initiation are still open" in page
    world.ours.refresh_from_db()
    assert world.ours.stage == Stage.INITIATION
    assert not StageGate.objects.exists()
    assert client.post(url, {**decision, "confirm": "yes"}).status_code == 302
    world.ours.refresh_from_db()
    assert world.ours.stage == Stage.PROCUREMENT


def test_ending_the_partnership_says_it_cannot_be_undone_and_needs_confirmation(
    world: World, editor: User
) -> None:
    today = dt.date.today()
    for _ in range(2):
        services.stage_gate_record(
            user=editor, partnership=world.ours, decided_on=today, delivery_confidence="green", commentary="x"
        )
    client = client_for(editor)
    url = reverse("partnerships:gate", args=[world.ours.pk])
    decision = {
        "decided_on": today.isoformat(),
        "delivery_confidence": "red",
        "commentary": "Ending",
        "end_status": "terminated_early",
        "end_reason": "Persistent failure",
    }
    page = client.post(url, decision).content.decode()
    assert "End the partnership?" in page
    assert "show as terminated early on every page" in page
    assert "Yes, end the partnership" in page
    world.ours.refresh_from_db()
    assert (world.ours.stage, world.ours.status) == (Stage.CONTRACT_MANAGEMENT, PartnershipStatus.ACTIVE)
    # A confirmation with an invalid decision still records nothing.
    response = client.post(url, {**decision, "end_reason": "", "confirm": "yes"})
    assert "Enter why the partnership was terminated early" in response.content.decode()
    world.ours.refresh_from_db()
    assert world.ours.stage == Stage.CONTRACT_MANAGEMENT
    assert client.post(url, {**decision, "confirm": "yes"}).status_code == 302
    world.ours.refresh_from_db()
    assert world.ours.stage == Stage.ENDED


def test_removing_evidence_asks_first_and_the_removal_stays_in_the_history(
    world: World, editor: User
) -> None:
    document = _document(world, editor)
    task = _task(world, "I-VFM-1")
    link = services.evidence_link_add(user=editor, task=task, record_key=_key(document))
    client = client_for(editor)
    url = reverse("partnerships:evidence-remove", args=[world.ours.pk, task.pk, link.pk])
    page = client.get(url).content.decode()
    assert "govuk-warning-text" in page
    assert "The record itself is not deleted" in page
    client.post(url, {"reason": "Linked by mistake"})
    assert EvidenceLink.objects.filter(pk=link.pk).exists()
    assert client.post(url, {"reason": "Linked by mistake", "confirm": "yes"}).status_code == 302
    assert not EvidenceLink.objects.filter(pk=link.pk).exists()
    history = client.get(reverse("partnerships:task", args=[world.ours.pk, task.pk])).content.decode()
    assert "Evidence unlinked</strong>: Document: Cabinet report (12 Mar 2026) (Linked by mistake)" in history


# ------------------------------------------------------------------------------------------------------
# Item 17: history records the right thing, in words
# ------------------------------------------------------------------------------------------------------


def test_history_logs_a_ticked_service_area_as_that_service_not_a_council_with_the_same_id(
    world: World, editor: User
) -> None:
    """Many-to-many history names the service ticked, even when a council has the same database id."""
    service = ServiceArea.objects.order_by("pk").first()
    assert service is not None
    same_id = Organisation.objects.filter(pk=service.pk).first() or Organisation.objects.create(
        pk=service.pk, name="Same Id Borough Council", kind=OrganisationKind.COUNCIL
    )
    assert service.name != same_id.name
    services.partnership_update(user=editor, partnership=world.ours, data={"services": [service]})
    page = client_for(editor).get(reverse("partnerships:history", args=[world.ours.pk])).content.decode()
    assert f"Services: <del>none</del> → <ins>{service.name}</ins>" in page
    assert f"<ins>{world.council_a.name}</ins>" in page  # the councils row still names the council
    assert f"Services: <del>none</del> → <ins>{same_id.name}</ins>" not in page


def test_history_shows_evidence_being_linked_and_unlinked(world: World, editor: User) -> None:
    document = _document(world, editor)
    task = _task(world, "I-VFM-1")
    link = services.evidence_link_add(user=editor, task=task, record_key=_key(document))
    services.evidence_link_remove(user=editor, link=link)
    page = (
        client_for(editor).get(reverse("partnerships:task", args=[world.ours.pk, task.pk])).content.decode()
    )
    assert "Evidence linked</strong>: Document: Cabinet report" in page
    assert "Evidence unlinked</strong>: Document: Cabinet report" in page


def test_history_shows_field_labels_and_values_in_words(world: World, editor: User) -> None:
    """No raw field names, 'None', unformatted money or ISO dates reach a history page."""
    services.partnership_update(
        user=editor,
        partnership=world.ours,
        data={
            "estimated_value_gbp": Decimal("120000000.00"),
            "planned_start_on": dt.date(2027, 4, 1),
            "council_equity_share": Decimal("0.2000"),
        },
    )
    page = client_for(editor).get(reverse("partnerships:history", args=[world.ours.pk])).content.decode()
    assert "Estimated value: <del>blank</del> → <ins>£120,000,000</ins>" in page
    assert "<ins>1 April 2027</ins>" in page
    assert "<ins>20%</ins>" in page
    for raw in ("estimated_value_gbp", "Estimated value gbp", "120000000.00", "2027-04-01", "None"):
        assert raw not in page, raw


def test_history_values_are_formatted_for_people() -> None:
    """Money in pounds with separators and a true minus sign, file names not storage paths, times in words."""
    from forbetter.appraisal.models import AppraisalOption
    from forbetter.performance.models import KpiReturn

    assert money(Decimal("3200000.00")) == "£3,200,000"
    assert money(Decimal("-0.00")) == "£0"
    assert money(Decimal("-1234.5")) == "−£1,234.50"
    evidence_file = KpiReturn._meta.get_field("evidence_file")
    assert display_value(evidence_file, "kpi-evidence/2026/05/abc123/report-may.pdf") == "report-may.pdf"
    moment = timezone.make_aware(dt.datetime(2026, 12, 6, 14, 5))
    assert display_value(None, moment) == "6 December 2026 at 14:05"
    assert display_value(None, None) == "blank"
    assert field_label(None, "risk_adjustment_gbp") == "Risk adjustment"
    assert field_label(AppraisalOption._meta.get_field("name"), "name") == "Name"
    upper_bound = AppraisalOption._meta.get_field("optimism_bias_upper_bound")
    assert display_value(upper_bound, Decimal("0.4100")) == "41%"


# ------------------------------------------------------------------------------------------------------
# Item 18: confidential records never reach a partner user
# ------------------------------------------------------------------------------------------------------


def _confidential_world(world: World, editor: User) -> dict[str, object]:
    """Seed every kind of council-confidential content, with its history, on 'ours'."""
    plan = make_ownership_plan(world.ours)
    plan_task = _task(world, "C-RM-2")
    services.evidence_link_add(user=editor, task=plan_task, record_key=_key(plan))
    services.task_update(
        user=editor,
        task=plan_task,
        status=TaskStatus.IN_PROGRESS,
        owner=None,
        due_on=None,
        evidence_notes="Plan drafted",
        council_notes=TASK_SECRET,
    )
    document = _document(world, editor, title="Partner accounts analysis")
    services.evidence_link_add(user=editor, task=plan_task, record_key=_key(document), council_only=True)
    risk = make_risk(world.ours)
    risk_services.risk_update(
        user=editor,
        risk=risk,
        data={"council_notes": RISK_SECRET, "impact_maximum_gbp": Decimal("123456.00")},
    )
    return {"plan": plan, "task": plan_task, "risk": risk}


def test_partner_user_never_sees_confidential_content_on_any_page_they_can_open(
    world: World, editor: User
) -> None:
    """Every partnership and risk page a partner may read, and every history on them, leaves out the
    change-of-ownership plan, council-only notes, risk costs and council-only evidence; a council user on
    the same pages sees them."""
    from forbetter.core.areas import Kind, Scope, Who, areas
    from forbetter.partnerships.area import examples as partnership_examples

    records = _confidential_world(world, editor)
    partnership_examples(world.ours, editor)  # a document, so its page can be opened too
    task, risk = records["task"], records["risk"]
    assert isinstance(task, Task)
    secrets = [PLAN_SECRET, "Change-of-ownership plan", TASK_SECRET, RISK_SECRET, "£123,456", "123456"]
    secrets.append("Document: Partner accounts analysis")  # the council-only link, not the document itself
    partner = client_for(world.users[Role.PARTNER_USER])
    pk = world.ours.pk
    risk_pages = {"register", "risk", "heat-map", "allocation", "reviews-due"}
    urls = []
    for area in areas():
        for route in area.routes:
            # Every partnership page anyone may read, and the risk pages a partner reads.
            partnership_read = route.kind == Kind.PAGE and route.reads == Who.ANYONE and route.writes is None
            if (area.app == "partnerships" and partnership_read and route.scope == Scope.PARTNERSHIP) or (
                area.app == "risks" and route.name in risk_pages
            ):
                found = route.kwargs(world.ours) if route.kwargs else {}
                urls.append(reverse(area.url_name(route), kwargs={"pk": pk, **found}))
    urls.append(reverse("partnerships:task", args=[pk, task.pk]))
    for url in urls:
        response = partner.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        for secret in secrets:
            assert secret not in content, (url, secret)
    assert partner.get(reverse("risks:ownership-plan", args=[pk])).status_code == 403

    council = client_for(world.users[Role.COUNCIL_VIEWER])
    task_page = council.get(reverse("partnerships:task", args=[pk, task.pk])).content.decode()
    assert TASK_SECRET in task_page
    assert "Change-of-ownership plan" in task_page
    assert "Document: Partner accounts analysis" in task_page
    risk_page = council.get(reverse("risks:risk", args=[pk, risk.pk])).content.decode()  # type: ignore[attr-defined]
    assert RISK_SECRET in risk_page
    assert "£123,456" in risk_page
    plan_page = council.get(reverse("risks:ownership-plan", args=[pk])).content.decode()
    assert PLAN_SECRET in plan_page


def test_council_only_notes_leave_no_trace_in_the_history_a_partner_sees(world: World, editor: User) -> None:
    """Even 'Council-only notes changed' would tell the partner something: the entry is left out."""
    task = _task(world, "I-RM-1")
    services.task_update(
        user=editor,
        task=task,
        status=TaskStatus.NOT_STARTED,
        owner=None,
        due_on=None,
        evidence_notes="",
        council_notes=TASK_SECRET,
    )
    url = reverse("partnerships:task", args=[world.ours.pk, task.pk])
    partner_page = client_for(world.users[Role.PARTNER_USER]).get(url).content.decode()
    assert "Council-only notes" not in partner_page
    assert "No changes recorded yet." in partner_page or "<strong>Changed</strong>" not in partner_page
    council_page = client_for(world.users[Role.AUDITOR]).get(url).content.decode()
    assert f"Council-only notes: <del>blank</del> → <ins>{TASK_SECRET}</ins>" in council_page


def test_a_link_to_a_confidential_record_is_council_only_whatever_was_asked(
    world: World, editor: User
) -> None:
    plan = make_ownership_plan(world.ours)
    link = services.evidence_link_add(user=editor, task=_task(world, "C-RM-2"), record_key=_key(plan))
    assert link.council_only


def test_forms_say_which_notes_the_partner_will_see(world: World, editor: User) -> None:
    client = client_for(editor)
    task = _task(world, "I-RM-1")
    page = client.get(reverse("partnerships:task-edit", args=[world.ours.pk, task.pk])).content.decode()
    assert "The partner will be able to read these notes" in page
    assert "Partner users never see" in page
    risk = make_risk(world.ours)
    page = client.get(reverse("risks:edit", args=[world.ours.pk, risk.pk])).content.decode()
    assert "partner users never do" in page
    page = client.get(reverse("risks:review-create", args=[world.ours.pk])).content.decode()
    assert "The partner will be able to read these notes" in page
    make_ownership_plan(world.ours)
    page = client.get(reverse("risks:ownership-plan-edit", args=[world.ours.pk])).content.decode()
    assert "partner users cannot see any of it" in page


def test_partner_sees_no_council_expected_retained_cost_where_the_monte_carlo_results_are_hidden(
    world: World,
) -> None:
    """The allocation page's council share of expected cost is the same figure the Monte Carlo split gives,
    so it is hidden from the partner like the runs are; the decision is stated on the page."""
    make_risk(world.ours, allocation="council")
    url = reverse("risks:allocation", args=[world.ours.pk])
    partner = client_for(world.users[Role.PARTNER_USER]).get(url).content.decode()
    assert "allocation-values" not in partner
    assert "£22,500" not in partner
    assert "What the partner sees" in partner
    council = client_for(world.users[Role.COUNCIL_VIEWER]).get(url).content.decode()
    assert "£22,500" in council


def test_partner_cannot_reach_any_part_of_the_change_of_ownership_plan(world: World) -> None:
    plan = make_ownership_plan(world.ours)
    trigger = OwnershipTrigger.objects.get(plan=plan)
    partner = client_for(world.users[Role.PARTNER_USER])
    pk = world.ours.pk
    register = partner.get(reverse("risks:register", args=[pk])).content.decode()
    assert reverse("risks:ownership-plan", args=[pk]) not in register
    for url in (
        reverse("risks:ownership-plan", args=[pk]),
        reverse("risks:plan-item-edit", args=[pk, "triggers", trigger.pk]),
        reverse("risks:plan-item-remove", args=[pk, "triggers", trigger.pk]),
    ):
        assert partner.get(url).status_code == 403, url


# ------------------------------------------------------------------------------------------------------
# Item 19: overdue flags and evidence for "Done"
# ------------------------------------------------------------------------------------------------------


def test_task_list_flags_overdue_actions_like_the_matrix(world: World, editor: User) -> None:
    task = _task(world, "I-RM-1")
    services.task_update(
        user=editor,
        task=task,
        status=TaskStatus.IN_PROGRESS,
        owner=None,
        due_on=dt.date.today() - dt.timedelta(days=3),
        evidence_notes="",
    )
    page = client_for(editor).get(reverse("partnerships:tasks", args=[world.ours.pk])).content.decode()
    assert "1 overdue" in page
    status_cell = page.split(f'id="task-{task.pk}-status"')[1].split("</div>")[0]
    assert "Overdue" in status_cell
    matrix = client_for(editor).get(reverse("partnerships:matrix", args=[world.ours.pk])).content.decode()
    assert "1 overdue" in matrix


def test_done_on_an_action_that_asks_for_evidence_needs_evidence_or_a_reason(
    world: World, editor: User
) -> None:
    """Rule TASK-DONE-EVIDENCE: the framework entry lists evidence kinds, so 'Done' needs a linked record,
    an evidence note or a stated reason; otherwise it is refused with a message and nothing changes."""
    task = _task(world, "I-RM-2")
    assert task.action.evidence_kinds == ["exit_analysis"]
    client = client_for(editor)
    url = reverse("partnerships:task-edit", args=[world.ours.pk, task.pk])
    response = client.post(url, {"status": "done", **opened_at(task)})
    assert (
        "The framework asks for evidence of this action (an exit-cost analysis)" in response.content.decode()
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.NOT_STARTED
    assert (
        client.post(
            url, {"status": "done", "no_evidence_reason": "Costed by the county", **opened_at(task)}
        ).status_code
        == 302
    )
    task.refresh_from_db()
    assert (task.status, task.no_evidence_reason) == (TaskStatus.DONE, "Costed by the county")
    other = _task(world, "I-RM-1")
    document = _document(world, editor)
    services.evidence_link_add(user=editor, task=other, record_key=_key(document))
    services.task_update(user=editor, task=other, status="done", owner=None, due_on=None, evidence_notes="")
    assert Task.objects.get(pk=other.pk).status == TaskStatus.DONE
    no_kinds = _task(world, "I-INC-1")
    assert no_kinds.action.evidence_kinds == []
    services.task_update(
        user=editor, task=no_kinds, status="done", owner=None, due_on=None, evidence_notes=""
    )


def test_history_of_an_upload_names_the_uploaded_file_not_its_storage_path(
    world: World, editor: User
) -> None:
    """A stored path such as 'kpi-evidence/1/3f2a….pdf' means nothing to a reader: say the file's name."""
    from forbetter.core.history import history_of
    from tests.factories import make_kpi, make_kpi_return

    record = make_kpi_return(make_kpi(world.ours), dt.date(2026, 1, 1), "96", user=editor)
    for stored, uploaded in (
        ("kpi-evidence/1/3f2a9c.pdf", "may.pdf"),
        ("kpi-evidence/1/77b0e1.pdf", "june.pdf"),
    ):
        record.evidence_file.name = stored
        record.evidence_name = uploaded
        record.commentary = f"See {uploaded}"
        record.save()
    changes = [change for entry in history_of(record) for change in entry.changes]
    assert ("Evidence file", "may.pdf", "june.pdf") in [(c.field, c.old, c.new) for c in changes]
    assert ("Evidence file", "blank", "may.pdf") in [(c.field, c.old, c.new) for c in changes]
    assert not [c for c in changes if "kpi-evidence" in c.old + c.new or c.field == "Evidence file name"]


@pytest.mark.parametrize("role", list(Role))
def test_confidential_content_by_role(world: World, editor: User, role: Role) -> None:
    """Role by role on the pages that hold it: every council-side role sees the confidential content of a
    task, a risk and the plan; the partner user sees none of it (and a 403 on the plan)."""
    records = _confidential_world(world, editor)
    task, risk = records["task"], records["risk"]
    client = client_for(world.users[role])
    pk = world.ours.pk
    task_page = client.get(reverse("partnerships:task", args=[pk, task.pk])).content.decode()  # type: ignore[attr-defined]
    risk_page = client.get(reverse("risks:risk", args=[pk, risk.pk])).content.decode()  # type: ignore[attr-defined]
    plan = client.get(reverse("risks:ownership-plan", args=[pk]))
    council_side = role != Role.PARTNER_USER
    assert (TASK_SECRET in task_page) == council_side, role
    assert ("Change-of-ownership plan" in task_page) == council_side, role
    assert (RISK_SECRET in risk_page) == council_side, role
    assert ("£123,456" in risk_page) == council_side, role
    assert plan.status_code == (200 if council_side else 403), role
