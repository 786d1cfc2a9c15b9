"""Three fictional partnerships, one in each stage, with a realistic spread of task statuses."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta

from forbetter.partnerships import services
from forbetter.partnerships.evidence import EVIDENCE_KIND_MODELS, candidates_for, matching_candidates
from forbetter.partnerships.models import (
    DeliveryConfidence,
    Document,
    EvidenceLink,
    Partnership,
    ProcurementRegime,
    ServiceArea,
    Stage,
    Task,
    TaskStatus,
    Vehicle,
)


@dataclass(frozen=True)
class StageMix:
    """Shares of a stage's tasks in each status; the rest are not started."""

    done: float
    in_progress: float
    not_applicable: int = 0


INITIATION = "Ashcombe Corporate Services Partnership"
PROCUREMENT = "Ashcombe and Marlcaster Shared Services Partnership"
CONTRACT_MANAGEMENT = "Ashcombe Highways and Property Partnership"


def _spread(
    partnership: Partnership, stage: str, mix: StageMix, owners: list[Any], today: dt.date, rng: random.Random
) -> None:
    """Give a stage's tasks statuses, owners and due dates (some overdue, some due soon)."""
    tasks = list(
        Task.objects.filter(partnership=partnership, action__stage__key=stage)
        .select_related("action")
        .order_by("pk")
    )
    rng.shuffle(tasks)
    n_done = round(len(tasks) * mix.done)
    n_progress = round(len(tasks) * mix.in_progress)
    editor = owners[0]
    for index, task in enumerate(tasks):
        owner = owners[index % len(owners)]
        if index < mix.not_applicable:
            status, reason = (
                TaskStatus.NOT_APPLICABLE,
                "The partner will not buy goods or services for the council under this contract.",
            )
            if "market test" not in task.action.title.lower():
                reason = (
                    "Covered by the county-wide arrangement agreed by Cabinet; no separate action needed."
                )
        elif index < mix.not_applicable + n_done:
            status, reason = TaskStatus.DONE, ""
        elif index < mix.not_applicable + n_done + n_progress:
            status, reason = TaskStatus.IN_PROGRESS, ""
        else:
            status, reason = TaskStatus.NOT_STARTED, ""
        due = today + dt.timedelta(days=rng.choice([-30, -12, -3, 5, 10, 25, 45, 90]))
        notes = ""
        if status == TaskStatus.DONE:
            notes = f"Completed and reported to the programme board. Evidence filed under {task.action.code}."
        elif status == TaskStatus.IN_PROGRESS:
            notes = "Work under way; draft circulated for comment."
        services.task_update(
            user=editor,
            task=task,
            status=status,
            owner=owner,
            due_on=None if status in (TaskStatus.DONE, TaskStatus.NOT_APPLICABLE) else due,
            evidence_notes=notes,
            not_applicable_reason=reason,
        )


def _create(people: dict[str, Any], name: str, data: dict[str, Any]) -> Partnership | None:
    if Partnership.objects.filter(name=name).exists():
        return None
    services_in_scope = list(ServiceArea.objects.filter(name__in=data.pop("service_names")))
    return services.partnership_create(
        user=people["editor@ashcombe.example"], data={"name": name, "services": services_in_scope, **data}
    )


def seed_partnerships(people: dict[str, Any], *, today: dt.date | None = None) -> list[Partnership]:
    """Create the three demo partnerships if they are not there yet; return them."""
    today = today or dt.date.today()
    rng = random.Random(2026)
    # The contract-management partnership's service began on the first day of the month four years ago, so
    # the demo holds exactly 48 complete months of KPI returns and payment statements: the end of its
    # fourth contract year.
    service_start = today.replace(day=1) - relativedelta(months=48)
    editor = people["editor@ashcombe.example"]
    ashcombe_owners = [
        editor,
        people["chris.morgan@ashcombe.example"],
        people["fatima.begum@ashcombe.example"],
    ]

    first = _create(
        people,
        INITIATION,
        {
            "description": "Corporate and transactional services for Ashcombe County Council: IT, "
            "HR and payroll, finance, revenues and benefits, and the customer contact centre.",
            "councils": [people["Ashcombe County Council"]],
            "vehicle": Vehicle.CONTRACT,
            "service_names": [
                "Information technology",
                "Human resources and payroll",
                "Finance and accountancy",
                "Revenues and benefits",
                "Customer services",
            ],
            "initiation_began_on": today - dt.timedelta(days=75),
            "planned_start_on": today + relativedelta(months=20),
            "term_years": 10,
            "extension_options": "one extension of up to 5 years",
            "extension_years": 5,
            "procurement_regime": ProcurementRegime.PA_2023,
            "estimated_value_gbp": Decimal("180000000"),
            "value_basis": "total_contract_value",
        },
    )
    if first is not None:
        _spread(first, "initiation", StageMix(done=0.35, in_progress=0.3), ashcombe_owners, today, rng)

    second = _create(
        people,
        PROCUREMENT,
        {
            "description": "A shared back office for the county and the district: revenues and benefits, "
            "procurement and property, procured by the competitive flexible procedure with dialogue rounds.",
            "councils": [people["Ashcombe County Council"], people["Marlcaster District Council"]],
            "vehicle": Vehicle.CONTRACT,
            "service_names": ["Revenues and benefits", "Procurement", "Property and estates"],
            "initiation_began_on": today - relativedelta(months=15),
            "planned_start_on": today + relativedelta(months=7),
            "term_years": 12,
            "extension_options": "two extensions of up to 3 years each",
            "extension_years": 6,
            "procurement_regime": ProcurementRegime.PA_2023,
            "estimated_value_gbp": Decimal("14500000"),
            "value_basis": "annual_charge",
        },
    )
    if second is not None:
        owners = [*ashcombe_owners, people["gareth.hughes@marlcaster.example"]]
        _spread(
            second, "initiation", StageMix(done=0.8, in_progress=0.1, not_applicable=1), owners, today, rng
        )
        # The gate below lets procurement start on condition that the exit-cost analysis is finished first,
        # so that action is still open when the gate is recorded.
        services.task_update(
            user=editor,
            task=second.tasks.get(action__code="I-RM-2"),
            status=TaskStatus.IN_PROGRESS,
            owner=editor,
            due_on=today - relativedelta(months=9) + relativedelta(months=4),
            evidence_notes="Exit routes and compensation terms drafted; costs by year still to be worked out",
        )
        services.stage_gate_record(
            user=editor,
            partnership=second,
            decided_on=today - relativedelta(months=9),
            delivery_confidence=DeliveryConfidence.AMBER_GREEN,
            commentary="Outline business case approved by both Cabinets. Procurement may start; "
            "the exit-cost analysis must be finished before dialogue round 2.",
        )
        _spread(second, "procurement", StageMix(done=0.4, in_progress=0.35), owners, today, rng)
        _document(second, editor, "Outline business case, version 2", today - relativedelta(months=9))

    third = _create(
        people,
        CONTRACT_MANAGEMENT,
        {
            "description": "Highways maintenance and the council's property estate, delivered through a "
            "joint-venture company with Meridian.",
            "councils": [people["Ashcombe County Council"]],
            "partner": people["Meridian Public Services Ltd"],
            "vehicle": Vehicle.JOINT_VENTURE,
            "joint_venture_company": people["Ashcombe Meridian Services LLP"],
            "council_equity_share": Decimal("0.2"),
            "service_names": ["Highways", "Property and estates", "Facilities management"],
            "initiation_began_on": service_start - relativedelta(months=24),
            "planned_start_on": service_start,
            "term_years": 12,
            "extension_options": "one extension of up to 6 years",
            "extension_years": 6,
            "procurement_regime": ProcurementRegime.PCR_2015,
            "estimated_value_gbp": Decimal("24000000"),
            "value_basis": "annual_charge",
        },
    )
    if third is not None:
        _spread(
            third,
            "initiation",
            StageMix(done=0.9, in_progress=0.0, not_applicable=0),
            ashcombe_owners,
            today,
            rng,
        )
        services.stage_gate_record(
            user=editor,
            partnership=third,
            decided_on=service_start - relativedelta(months=19),
            delivery_confidence=DeliveryConfidence.AMBER,
            commentary="Business case approved with conditions: the client-side team must be in post before "
            "the invitation to participate in dialogue is issued.",
        )
        _spread(third, "procurement", StageMix(done=0.95, in_progress=0.0), ashcombe_owners, today, rng)
        services.stage_gate_record(
            user=editor,
            partnership=third,
            decided_on=service_start,
            delivery_confidence=DeliveryConfidence.GREEN,
            commentary="Contract signed with Meridian; the joint-venture company is incorporated and staff "
            "transferred under TUPE on the service start date.",
        )
        _spread(
            third,
            "contract_management",
            StageMix(done=0.45, in_progress=0.35, not_applicable=1),
            ashcombe_owners,
            today,
            rng,
        )
        plan_task = third.tasks.get(action__code="C-RM-2")
        services.task_update(
            user=editor,
            task=plan_task,
            status=plan_task.status,
            owner=plan_task.owner,
            due_on=plan_task.due_on,
            evidence_notes=plan_task.evidence_notes,
            not_applicable_reason=plan_task.not_applicable_reason,
            council_notes="Meridian's parent refinances its bank facilities next spring; if the refinancing "
            "slips, brief the s151 officer and test the parent company guarantee. Not for the partner.",
        )
        _document(third, editor, "Partnership charter, signed", today - relativedelta(months=30))
        _document(third, editor, "Annual partnership review, year 3", today - relativedelta(months=6))
    return list(Partnership.objects.filter(name__in=[INITIATION, PROCUREMENT, CONTRACT_MANAGEMENT]))


def _document(partnership: Partnership, user: Any, title: str, date: dt.date) -> Document:
    return services.document_create(
        user=user,
        partnership=partnership,
        data={
            "title": title,
            "location": f"Council records system, file {partnership.pk:03d}/{date:%Y}/{len(title):03d}",
            "document_date": date,
        },
    )


EVIDENCED_NOTE = "Evidenced by the records linked below."
NO_RECORD_BEFORE_FORBETTER = (
    "Done before this partnership's records were kept in ForBetter; the evidence is on the council's file."
)
LINKS_PER_KIND = 3


def _begun_stages(partnership: Partnership) -> list[str]:
    return [
        stage
        for stage in (Stage.INITIATION, Stage.PROCUREMENT, Stage.CONTRACT_MANAGEMENT)
        if partnership.stage_began_on(stage) is not None
    ]


def reconcile_tasks(people: dict[str, Any], partnerships: list[Partnership]) -> None:
    """Make every demo task's status agree with the demo's own records (run after every area's seed).

    - A task whose framework entry lists a kind of record the partnership holds (48 months of KPI returns,
      risk reviews, a business case version...) is linked to the latest few of them and is at least in
      progress: work evidenced in ForBetter has evidently started. Done if its stage is already left.
    - A done task whose kind of evidence ForBetter records but which has none: in the current stage it goes
      back to in progress; in a stage already left it keeps its status with the reason stated.

    Idempotent: links are not duplicated and statuses only move forward. ``tests/data`` checks the result.
    """
    editor = people["editor@ashcombe.example"]
    for partnership in partnerships:
        candidates = candidates_for(partnership)
        begun = _begun_stages(partnership)
        tasks = (
            Task.objects.filter(partnership=partnership, action__stage__key__in=begun)
            .select_related("action", "action__stage", "owner")
            .order_by("pk")
        )
        for task in tasks:
            _reconcile(editor, partnership, task, candidates)


def _reconcile(editor: Any, partnership: Partnership, task: Task, candidates: list[Any]) -> None:
    current = task.action.stage.key == partnership.stage
    kinds = task.action.evidence_kinds
    matches = matching_candidates(candidates, kinds)
    linked = set(EvidenceLink.objects.filter(task=task).values_list("content_type_id", "object_id"))
    by_model: dict[str, list[Any]] = {}
    for candidate in matches:
        by_model.setdefault(candidate.model_label, []).append(candidate)
    for group in by_model.values():
        for candidate in group[-LINKS_PER_KIND:]:
            content_type_id, object_id = (int(part) for part in candidate.key.split(":"))
            if (content_type_id, object_id) not in linked:
                services.evidence_link_add(user=editor, task=task, record_key=candidate.key)
    if matches and task.status in (TaskStatus.NOT_STARTED, TaskStatus.NOT_APPLICABLE):
        status = TaskStatus.IN_PROGRESS if current else TaskStatus.DONE
        services.task_update(
            user=editor,
            task=task,
            status=status,
            owner=task.owner or editor,
            due_on=None if status == TaskStatus.DONE else task.due_on,
            evidence_notes=task.evidence_notes or EVIDENCED_NOTE,
        )
    elif not matches and task.status == TaskStatus.DONE and recorded_in_forbetter(kinds):
        if current:
            services.task_update(
                user=editor,
                task=task,
                status=TaskStatus.IN_PROGRESS,
                owner=task.owner or editor,
                due_on=task.due_on or dt.date.today() + dt.timedelta(days=45),
                evidence_notes="Work under way; the record is not in ForBetter yet.",
            )
        elif not task.no_evidence_reason:
            services.task_update(
                user=editor,
                task=task,
                status=TaskStatus.DONE,
                owner=task.owner,
                due_on=None,
                evidence_notes=task.evidence_notes,
                no_evidence_reason=NO_RECORD_BEFORE_FORBETTER,
            )


def recorded_in_forbetter(kinds: list[str]) -> bool:
    """True when ForBetter has a record type for every kind of evidence listed."""
    return bool(kinds) and all(kind in EVIDENCE_KIND_MODELS for kind in kinds)
