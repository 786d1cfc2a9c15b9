"""Trust records that can evidence framework tasks: activities and charter versions (``trust_activity``),
the open-book protocol and reviews (``open_book_protocol``, I-TR-2) and key posts with their succession
plans (``succession_plan``, C-TR-2). Labels carry no figures; every trust record is joint, so none is
council-only."""

from __future__ import annotations

from collections.abc import Iterator

from forbetter.partnerships.evidence import EvidenceCandidate
from forbetter.partnerships.models import Partnership
from forbetter.trust.models import CharterVersion, KeyPost, OpenBookProtocol, OpenBookReview, TrustActivity


def charter_versions(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for version in CharterVersion.objects.filter(partnership=partnership):
        yield EvidenceCandidate(record=version, label=str(version), kind="Partnership charter")


def trust_activities(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for activity in TrustActivity.objects.filter(partnership=partnership):
        yield EvidenceCandidate(
            record=activity,
            label=f"{activity.get_kind_display()}: {activity.title}, {activity.held_on:%-d %b %Y}",
            kind="Trust-building activity",
        )


def open_book(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for protocol in OpenBookProtocol.objects.filter(partnership=partnership):
        yield EvidenceCandidate(
            record=protocol,
            label=f"Open-book protocol agreed {protocol.agreed_on:%-d %b %Y}",
            kind="Open-book protocol",
        )
    for review in OpenBookReview.objects.filter(partnership=partnership):
        yield EvidenceCandidate(
            record=review,
            label=f"{review}, reviewed {review.reviewed_on:%-d %b %Y}",
            kind="Open-book review",
        )


def succession_plans(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for post in KeyPost.objects.filter(partnership=partnership):
        yield EvidenceCandidate(
            record=post, label=f"Succession plan for {post}", kind="Key post and succession plan"
        )
