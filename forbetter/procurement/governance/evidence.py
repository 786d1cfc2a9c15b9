"""Governance records that evidence framework tasks of the procurement stage: governance options
(P-GOV-1, kind ``governance_model``), meetings with bidders (P-TR-2) and heads-of-service briefings
(P-INC-1), both kind ``meeting``, the key people named in bids (P-TR-1, kind ``key_people``) and the formal
review points with bidders' positions (P-FLX-2, kind ``review_position``). Labels carry no figures;
procurement records are council-only evidence."""

from __future__ import annotations

from collections.abc import Iterator

from forbetter.partnerships.evidence import EvidenceCandidate
from forbetter.partnerships.models import Partnership
from forbetter.procurement.models import (
    BidderMeeting,
    GovernanceOption,
    HeadsOfServiceBriefing,
    KeyPerson,
    ReviewPoint,
)


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


def key_people(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for person in KeyPerson.objects.filter(bidder__partnership=partnership).select_related("bidder"):
        yield EvidenceCandidate(
            record=person,
            label=f"Key person in {person.bidder.name}'s bid: {person.name}, {person.role}",
            kind="Key person named in a bid",
            council_only=True,
        )


def review_points(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for point in ReviewPoint.objects.filter(partnership=partnership):
        yield EvidenceCandidate(
            record=point,
            label=f"Bidders' positions on the review point: {point.title}",
            kind="Formal review point",
            council_only=True,
        )
