"""Governance records that can evidence framework tasks: the governance model (I-GOV-1), its reviews
(C-GOV-1) and meetings (minutes). Labels carry no figures; every governance record is joint, so none is
council-only."""

from __future__ import annotations

from collections.abc import Iterator

from forbetter.governance.models import GovernanceModel, GovernanceReview, Meeting
from forbetter.partnerships.evidence import EvidenceCandidate
from forbetter.partnerships.models import Partnership


def governance_models(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for record in GovernanceModel.objects.filter(partnership=partnership):
        yield EvidenceCandidate(
            record=record, label="Governance model: tiers, forums and members", kind="Governance model"
        )


def governance_reviews(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for review in GovernanceReview.objects.filter(partnership=partnership).select_related("reviewer"):
        yield EvidenceCandidate(
            record=review, label=f"{review} by {review.reviewer}", kind="Governance model review"
        )


def meetings(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for meeting in Meeting.objects.filter(partnership=partnership).select_related("forum"):
        yield EvidenceCandidate(record=meeting, label=f"Meeting of {meeting}", kind="Governance meeting")
