"""Competition records that evidence framework tasks of the procurement stage (kind ``procurement_round``,
task P-VFM-1: create and keep competitive pressure). Labels carry no figures; procurement records are
council-only evidence (``COUNCIL_ONLY_APPS``)."""

from __future__ import annotations

from collections.abc import Iterator

from forbetter.partnerships.evidence import EvidenceCandidate
from forbetter.partnerships.models import Partnership
from forbetter.procurement.models import DialogueRound, ProcurementPlan


def procurement_rounds(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for found in DialogueRound.objects.filter(partnership=partnership).order_by("number"):
        yield EvidenceCandidate(record=found, label=str(found), kind="Procurement round")


def procurement_plans(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for found in ProcurementPlan.objects.filter(partnership=partnership):
        yield EvidenceCandidate(
            record=found, label=f"Procurement plan: {found.get_procedure_display()}", kind="Procurement plan"
        )
