"""Governance records that evidence framework tasks of the procurement stage: governance options
(P-GOV-1, kind ``governance_model``), meetings with bidders (P-TR-2) and heads-of-service briefings
(P-INC-1), both kind ``meeting``. Labels carry no figures; procurement records are council-only evidence."""

from __future__ import annotations

from collections.abc import Iterator

from forbetter.partnerships.evidence import EvidenceCandidate
from forbetter.partnerships.models import Partnership
from forbetter.procurement.models import BidderMeeting, GovernanceOption, HeadsOfServiceBriefing


def governance_options(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    chosen = GovernanceOption.objects.filter(partnership=partnership, choices__isnull=False).values("pk")
    chosen_pks = {row["pk"] for row in chosen}
    for option in GovernanceOption.objects.filter(partnership=partnership).order_by("pk"):
        label = f"Governance option: {option.name} ({option.get_kind_display()})"
        if option.pk in chosen_pks:
            label += ", chosen"
        yield EvidenceCandidate(record=option, label=label, kind="Governance option", council_only=True)


def bidder_meetings(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for meeting in BidderMeeting.objects.filter(partnership=partnership).select_related("bidder"):
        yield EvidenceCandidate(
            record=meeting,
            label=f"{meeting}: {meeting.purpose}",
            kind="Meeting with a bidder",
            council_only=True,
        )


def service_briefings(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for briefing in HeadsOfServiceBriefing.objects.filter(partnership=partnership):
        yield EvidenceCandidate(
            record=briefing, label=str(briefing), kind="Heads-of-service briefing", council_only=True
        )
