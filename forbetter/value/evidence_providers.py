"""Market tests evidence framework action C-VFM-4 (``market_test``). They judge the partner's prices, so a
link to one is council-only (decision record 0028)."""

from __future__ import annotations

from collections.abc import Iterator

from forbetter.partnerships.evidence import EvidenceCandidate
from forbetter.partnerships.models import Partnership
from forbetter.value.models import MarketTest


def market_tests(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for test in MarketTest.objects.filter(category__partnership=partnership).select_related("category"):
        yield EvidenceCandidate(
            record=test,
            label=f"Market test of {test.category.name}, {test.tested_on:%-d %b %Y}",
            kind="Market test of partner purchasing",
            council_only=True,
        )
