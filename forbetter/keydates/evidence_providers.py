"""Key dates that can evidence framework tasks (``key_dates``, I-FLX-2: the break points, review points and
extension options planned so the partnership can adapt to change). Key dates are joint records, so none is
council-only."""

from __future__ import annotations

from collections.abc import Iterator

from forbetter.keydates.models import KeyDate
from forbetter.partnerships.evidence import EvidenceCandidate
from forbetter.partnerships.models import Partnership


def key_dates(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for key_date in KeyDate.objects.filter(partnership=partnership):
        yield EvidenceCandidate(record=key_date, label=str(key_date), kind="Key date")
