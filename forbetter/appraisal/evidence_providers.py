"""Business-case versions and service baselines offered as evidence for a partnership's framework tasks
(for example I-VFM-1 options appraisal, I-CAP-2 procurement budget, I-PM-1 performance baselines).

Labels name the record but no figures: the task pages that show them are also seen by partner users.
"""

from __future__ import annotations

from collections.abc import Iterator

from forbetter.appraisal.models import BusinessCaseVersion, ServiceBaseline
from forbetter.partnerships.evidence import EvidenceCandidate
from forbetter.partnerships.models import Partnership


def business_case_versions(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    versions = BusinessCaseVersion.objects.filter(business_case__partnership=partnership).select_related(
        "business_case"
    )
    for version in versions.order_by("business_case__created_at", "number"):
        state = (
            f"frozen {version.frozen_at:%-d %b %Y}" if version.is_frozen and version.frozen_at else "draft"
        )
        yield EvidenceCandidate(
            record=version,
            label=f"{version.business_case.title}, version {version.number} ({state})",
            kind="Business case version",
        )


def service_baselines(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for baseline in ServiceBaseline.objects.filter(partnership=partnership).select_related("service"):
        yield EvidenceCandidate(
            record=baseline,
            label=f"{baseline.service.name} (as at {baseline.cost_as_at:%-d %b %Y})",
            kind="Service baseline",
        )
