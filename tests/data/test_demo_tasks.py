"""The demo's framework task statuses agree with the demo's own records (issue 9, item 19)."""

from __future__ import annotations

import pytest

from forbetter.demo import partnerships as demo
from forbetter.partnerships.evidence import EVIDENCE_KIND_MODELS, candidates_for, matching_candidates
from forbetter.partnerships.models import Partnership, Stage, Task, TaskStatus
from forbetter.partnerships.services import done_needs_evidence
from forbetter.performance.models import KpiReturn, ReturnStatus

pytestmark = pytest.mark.django_db


def test_demo_task_statuses_agree_with_the_demo_records(seeded_demo: None) -> None:
    """A task list that says "not started" beside four years of validated KPI returns misleads a reader.

    For every demo task:
    - a stage not yet begun has only untouched tasks;
    - where the partnership holds records of a kind the framework entry lists, the task is linked to them
      and is in progress or done;
    - a task with evidence linked is not "not started";
    - a done task meets rule TASK-DONE-EVIDENCE, and one whose kind of evidence ForBetter records either
      links such a record or states why it is done without one.
    """
    problems: list[str] = []
    for partnership in Partnership.objects.all():
        candidates = candidates_for(partnership)
        tasks = Task.objects.filter(partnership=partnership).select_related("action", "action__stage")
        for task in tasks.prefetch_related("evidence_links"):
            where = f"{partnership.name} {task.action.code} ({task.get_status_display()})"
            links = list(task.evidence_links.all())
            if partnership.stage_began_on(task.action.stage.key) is None:
                if task.status != TaskStatus.NOT_STARTED or links:
                    problems.append(f"{where}: its stage has not begun")
                continue
            matches = matching_candidates(candidates, task.action.evidence_kinds)
            if matches and task.status not in (TaskStatus.IN_PROGRESS, TaskStatus.DONE):
                problems.append(f"{where}: {len(matches)} matching records exist")
            if matches and not links:
                problems.append(f"{where}: matching records exist but none is linked")
            if links and task.status == TaskStatus.NOT_STARTED:
                problems.append(f"{where}: evidence is linked")
            if task.status == TaskStatus.DONE:
                if done_needs_evidence(
                    task, evidence_notes=task.evidence_notes, no_evidence_reason=task.no_evidence_reason
                ):
                    problems.append(f"{where}: done without evidence or a reason")
                recorded = all(kind in EVIDENCE_KIND_MODELS for kind in task.action.evidence_kinds)
                if task.action.evidence_kinds and recorded and not matches and not task.no_evidence_reason:
                    problems.append(
                        f"{where}: done, but ForBetter holds no such record and no reason is given"
                    )
    assert not problems, "\n".join(problems)


def test_demo_reviewing_performance_is_under_way_after_four_years_of_validated_returns(
    seeded_demo: None,
) -> None:
    partnership = Partnership.objects.get(name=demo.CONTRACT_MANAGEMENT)
    assert partnership.stage == Stage.CONTRACT_MANAGEMENT
    months = (
        KpiReturn.objects.filter(kpi__partnership=partnership, status=ReturnStatus.VALIDATED)
        .values("period")
        .distinct()
        .count()
    )
    assert months >= 48
    task = partnership.tasks.get(action__code="C-PM-1")
    assert task.status != TaskStatus.NOT_STARTED
    assert task.evidence_links.exists()


def test_demo_partner_user_never_sees_the_councils_notes_or_plan_on_the_demo_task(seeded_demo: None) -> None:
    """The demo's own confidential content (a council-only note, a link to the change-of-ownership plan)
    stays away from the demo partner user and is there for the council's editor."""
    from django.test import Client

    from forbetter.accounts.models import User

    partnership = Partnership.objects.get(name=demo.CONTRACT_MANAGEMENT)
    task = partnership.tasks.get(action__code="C-RM-2")
    assert task.council_notes
    url = f"/partnerships/{partnership.pk}/tasks/{task.pk}/"
    pages = {}
    for email in ("partner@meridian.example", "editor@ashcombe.example"):
        client = Client()
        client.force_login(User.objects.get(email=email))
        pages[email] = client.get(url).content.decode()
    for text in ("refinances its bank facilities", "Change-of-ownership plan, last reviewed"):
        assert text not in pages["partner@meridian.example"], text
        assert text in pages["editor@ashcombe.example"], text
