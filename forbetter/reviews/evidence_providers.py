"""Partnership reviews that evidence framework action C-FLX-1 (``partnership_review``). Only completed reviews
are offered: they are shared with the partner, so none is council-only. Labels carry no figures."""

from __future__ import annotations

from collections.abc import Iterator

from forbetter.partnerships.evidence import EvidenceCandidate
from forbetter.partnerships.models import Partnership
from forbetter.reviews.models import PartnershipReview, ReviewStatus


def completed_reviews(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    reviews = PartnershipReview.objects.filter(partnership=partnership, status=ReviewStatus.COMPLETED)
    for review in reviews.order_by("completed_on", "pk"):
        yield EvidenceCandidate(
            record=review,
            label=f"{review}, completed {review.completed_on:%-d %b %Y}",
            kind="Partnership review",
        )
