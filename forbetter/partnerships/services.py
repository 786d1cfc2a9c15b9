"""Writes to partnerships, tasks, evidence and stage gates.

Every function is keyword-only, runs in one transaction and records who made the change, so the history
pages can show who, when, the old value and the new.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from forbetter.accounts.permissions import can_edit
from forbetter.framework.models import Action
from forbetter.partnerships import lifecycle
from forbetter.partnerships.evidence import candidates_for, is_council_only
from forbetter.partnerships.models import (
    Document,
    EvidenceLink,
    Partnership,
    PartnershipStatus,
    Stage,
    StageGate,
    Task,
    TaskStatus,
)
from forbetter.partnerships.procurement import regime_error
from forbetter.partnerships.selectors import open_tasks_of_stage

PARTNERSHIP_FIELDS = (
    "name",
    "description",
    "partner",
    "vehicle",
    "joint_venture_company",
    "council_equity_share",
    "planned_start_on",
    "term_years",
    "extension_options",
    "extension_years",
    "estimated_value_gbp",
    "value_basis",
    "procurement_regime",
)


def _require_editor(user: Any) -> None:
    if not can_edit(user):
        raise PermissionDenied("Only council editors and administrators can change partnership records")


def _save(instance: Any, user: Any, reason: str = "") -> None:
    instance._history_user = user
    if reason:
        instance._change_reason = reason
    instance.save()


@transaction.atomic
def partnership_create(*, user: Any, data: dict[str, Any]) -> Partnership:
    """Create a partnership in Initiation with one task for every framework action."""
    _require_editor(user)
    partnership = Partnership(
        **{key: data.get(key) for key in PARTNERSHIP_FIELDS if key in data},
        stage=Stage.INITIATION,
        initiation_began_on=data.get("initiation_began_on") or dt.date.today(),
    )
    partnership.full_clean(exclude=["councils", "services"])
    _save(partnership, user, "Created")
    partnership.councils.set(data["councils"])
    partnership.services.set(data.get("services", []))
    bulk_create_with_history(
        [Task(partnership=partnership, action=action) for action in Action.objects.order_by("pk")],
        Task,
        default_user=user,
        default_change_reason="Created with the partnership",
    )
    return partnership


@transaction.atomic
def partnership_update(*, user: Any, partnership: Partnership, data: dict[str, Any]) -> Partnership:
    _require_editor(user)
    for key in PARTNERSHIP_FIELDS:
        if key in data:
            setattr(partnership, key, data[key])
    partnership.full_clean(exclude=["councils", "services"])
    _save(partnership, user)
    if "councils" in data:
        partnership.councils.set(data["councils"])
    if "services" in data:
        partnership.services.set(data["services"])
    return partnership


@transaction.atomic
def task_update(
    *,
    user: Any,
    task: Task,
    status: str,
    owner: Any,
    due_on: dt.date | None,
    evidence_notes: str,
    not_applicable_reason: str = "",
    council_notes: str | None = None,
    no_evidence_reason: str | None = None,
) -> Task:
    """Change a task's status, owner, due date and notes.

    ``council_notes`` and ``no_evidence_reason`` are left as they are when not given.

    Rules:
    - TASK-NA-REASON: marking an action not applicable needs a reason. The reason is cleared when the task
      is reopened so that it never describes a status the task no longer has.
    - TASK-DONE-EVIDENCE: an action whose framework entry lists kinds of evidence is done only with
      evidence: a linked record, a note of what the evidence is and where, or a stated reason why there is
      none. (The framework is a list of things to *show*, not only to do.)
    """
    _require_editor(user)
    if status == TaskStatus.NOT_APPLICABLE and not not_applicable_reason.strip():
        raise ValidationError({"not_applicable_reason": "Enter why this action does not apply"})
    if no_evidence_reason is None:
        no_evidence_reason = task.no_evidence_reason
    if status == TaskStatus.DONE and done_needs_evidence(
        task, evidence_notes=evidence_notes, no_evidence_reason=no_evidence_reason
    ):
        words = task.action.evidence_in_words
        raise ValidationError(
            {
                "status": f"The framework asks for evidence of this action ({words}). "
                "Link a record, say in the evidence notes what the evidence is and where, or give a reason "
                "for marking it done without evidence"
            }
        )
    task.status = status
    task.owner = owner
    task.due_on = due_on
    task.evidence_notes = evidence_notes
    if council_notes is not None:
        task.council_notes = council_notes
    task.no_evidence_reason = no_evidence_reason.strip() if status == TaskStatus.DONE else ""
    task.not_applicable_reason = not_applicable_reason.strip() if status == TaskStatus.NOT_APPLICABLE else ""
    if status == TaskStatus.DONE and task.completed_on is None:
        task.completed_on = dt.date.today()
    elif status != TaskStatus.DONE:
        task.completed_on = None
    _save(task, user)
    return task


def done_needs_evidence(task: Task, *, evidence_notes: str, no_evidence_reason: str) -> bool:
    """True when marking the task done would break rule TASK-DONE-EVIDENCE."""
    if not task.action.evidence_kinds:
        return False
    if evidence_notes.strip() or no_evidence_reason.strip():
        return False
    return not task.evidence_links.exists()


@transaction.atomic
def evidence_link_add(*, user: Any, task: Task, record_key: str, council_only: bool = False) -> EvidenceLink:
    """Link a record offered by an evidence provider for this task's partnership.

    Rule EVIDENCE-CONFIDENTIAL: a link to a council-confidential record is always council-only, whatever
    was asked; any other link is council-only when the editor says so.
    """
    _require_editor(user)
    offered = {candidate.key: candidate for candidate in candidates_for(task.partnership)}
    candidate = offered.get(record_key)
    if candidate is None:
        raise ValidationError({"record": "Select a record of this partnership to link as evidence"})
    content_type = ContentType.objects.get_for_model(candidate.record)
    if EvidenceLink.objects.filter(
        task=task, content_type=content_type, object_id=candidate.record.pk
    ).exists():
        raise ValidationError({"record": "That record is already linked to this action"})
    link = EvidenceLink(
        task=task,
        content_type=content_type,
        object_id=candidate.record.pk,
        label=f"{candidate.kind}: {candidate.label}",
        council_only=council_only or is_council_only(candidate),
        created_by=user,
    )
    _save(link, user, "Evidence linked")
    return link


@transaction.atomic
def evidence_link_remove(*, user: Any, link: EvidenceLink, reason: str = "") -> None:
    """Unlink a record from a task. The record itself stays; the unlinking is kept in the link's history,
    which the task's page shows."""
    _require_editor(user)
    link._history_user = user  # type: ignore[attr-defined]
    link._change_reason = reason.strip() or "Evidence unlinked"  # type: ignore[attr-defined]
    link.delete()


@transaction.atomic
def document_create(*, user: Any, partnership: Partnership, data: dict[str, Any]) -> Document:
    _require_editor(user)
    document = Document(partnership=partnership, created_by=user, **data)
    document.full_clean()
    _save(document, user, "Created")
    return document


DOCUMENT_FIELDS = ("title", "location", "document_date", "description")


@transaction.atomic
def document_correct(*, user: Any, document: Document, data: dict[str, Any], reason: str) -> Document:
    """Correct a document's record. Rule DOCUMENT-CORRECTION: a correction says why, and the old values stay
    in the document's history; a withdrawn document is not corrected."""
    _require_editor(user)
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.is_withdrawn:
        raise ValidationError("This document has been withdrawn; record a new document instead")
    if not reason.strip():
        raise ValidationError({"reason": "Enter what was corrected and why"})
    for key in DOCUMENT_FIELDS:
        if key in data:
            setattr(document, key, data[key])
    document.full_clean()
    _save(document, user, f"Corrected: {reason.strip()}")
    return document


@transaction.atomic
def document_withdraw(
    *, user: Any, document: Document, reason: str, withdrawn_on: dt.date | None = None
) -> Document:
    """Withdraw a document from use as evidence. Rule DOCUMENT-WITHDRAWAL: nothing is deleted; the document
    stays listed as withdrawn, with the date and the reason, and can no longer be linked as evidence."""
    _require_editor(user)
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.is_withdrawn:
        raise ValidationError("This document has already been withdrawn")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the document is withdrawn"})
    document.withdrawn_on = withdrawn_on or dt.date.today()
    document.withdrawn_reason = reason.strip()
    document.full_clean()
    _save(document, user, "Withdrawn")
    return document


@transaction.atomic
def stage_gate_record(
    *,
    user: Any,
    partnership: Partnership,
    decided_on: dt.date,
    delivery_confidence: str,
    commentary: str,
    end_status: str = "",
    end_reason: str = "",
) -> StageGate:
    """Move the partnership to its next stage and record the decision.

    Rule GATE-SNAPSHOT: the actions of the stage being left that are still open are copied into the gate
    record, so the decision can later be read against what was outstanding at the time. Open actions warn
    but do not block.
    """
    _require_editor(user)
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    transition = lifecycle.next_transition(partnership)
    if transition is None:
        raise ValidationError("This partnership has ended; there is no further stage")
    errors = lifecycle.guard_errors(
        partnership, transition, decided_on=decided_on, end_status=end_status, end_reason=end_reason
    )
    if transition.began_field == "procurement_began_on":  # rule PA23-COMMENCEMENT
        problem = regime_error(partnership.procurement_regime, procurement_began_on=decided_on)
        if problem:
            errors = {**errors, "decided_on": f"{problem}. Change the procurement regime first"}
    if errors:
        raise ValidationError(errors)
    snapshot = [
        {
            "code": task.action.code,
            "title": task.action.title,
            "status": task.get_status_display(),
            "owner": str(task.owner) if task.owner else "",
            "due_on": task.due_on.isoformat() if task.due_on else "",
        }
        for task in open_tasks_of_stage(partnership)
    ]
    gate = StageGate(
        partnership=partnership,
        from_stage=transition.from_stage,
        to_stage=transition.to_stage,
        decided_on=decided_on,
        decided_by=user,
        delivery_confidence=delivery_confidence,
        commentary=commentary,
        open_actions=snapshot,
        end_status=end_status if transition.to_stage == Stage.ENDED else "",
    )
    gate.full_clean()
    _save(gate, user, "Gate decision recorded")
    partnership.stage = transition.to_stage
    setattr(partnership, transition.began_field, decided_on)
    if transition.to_stage == Stage.ENDED:
        partnership.status = end_status
        partnership.end_reason = (
            end_reason.strip() if end_status == PartnershipStatus.TERMINATED_EARLY else ""
        )
    _save(partnership, user, f"Moved to {partnership.get_stage_display()}")
    return gate
