"""Performance records that can evidence framework tasks.

C-VFM-1 (benchmarking) cites benchmark imports; C-VFM-2 (outcome indicators) and C-PM-1 (reviewing
performance) cite the KPIs; C-PM-2 (are the indicators still right?) cites completed indicator reviews;
C-VFM-3 (money values on benefits) cites the benefits register.
"""

from __future__ import annotations

from collections.abc import Iterator

from forbetter.partnerships.evidence import EvidenceCandidate
from forbetter.partnerships.models import Partnership
from forbetter.performance.models import BenchmarkImport, Benefit, IndicatorReview, Kpi


def kpis(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for kpi in Kpi.objects.filter(partnership=partnership):
        yield EvidenceCandidate(
            record=kpi,
            label=f"{kpi} ({kpi.get_kpi_type_display().split(':')[0].lower()} indicator)",
            kind="KPI",
        )


def indicator_reviews(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    reviews = IndicatorReview.objects.filter(kpi__partnership=partnership, reviewed_on__isnull=False)
    for review in reviews.select_related("kpi"):
        yield EvidenceCandidate(
            record=review,
            label=f"{review}: {review.get_outcome_display().lower()}",
            kind="Indicator review",
        )


def benchmark_imports(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for batch in BenchmarkImport.objects.filter(kpi__partnership=partnership).select_related("kpi"):
        yield EvidenceCandidate(
            record=batch, label=f"{batch} on {batch.imported_at:%-d %b %Y}", kind="Benchmark import"
        )


def benefits(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for benefit in Benefit.objects.filter(partnership=partnership):
        yield EvidenceCandidate(record=benefit, label=benefit.name, kind="Benefits register entry")
