"""This app's own records that can evidence a task: documents not withdrawn, and stage-gate decisions."""

from __future__ import annotations

from collections.abc import Iterator

from forbetter.partnerships.evidence import EvidenceCandidate
from forbetter.partnerships.models import Document, Partnership, StageGate


def documents(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for document in Document.objects.filter(partnership=partnership, withdrawn_on__isnull=True):
        yield EvidenceCandidate(
            record=document, label=f"{document.title} ({document.document_date:%-d %b %Y})", kind="Document"
        )


def gate_decisions(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for gate in StageGate.objects.filter(partnership=partnership):
        yield EvidenceCandidate(record=gate, label=str(gate), kind="Stage gate decision")
