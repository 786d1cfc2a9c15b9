"""Client-side capacity records that can evidence framework tasks: the team plan's roles, the yearly actuals
and the procurement budget (``capacity_plan``: I-CAP-1, P-CAP-1, C-CAP-1, C-CAP-2) and the advisers
(``adviser_spend``: P-CAP-2). Every one is council-confidential (the council's own staff costs and advisers),
so a link to it is never shown to partner users. Labels carry no figures."""

from __future__ import annotations

from collections.abc import Iterator

from forbetter.capacity.models import Adviser, ProcurementBudgetLine, ResourceActual, TeamRole
from forbetter.partnerships.evidence import EvidenceCandidate
from forbetter.partnerships.models import Partnership


def capacity_plan(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for role in TeamRole.objects.filter(partnership=partnership):
        yield EvidenceCandidate(
            record=role,
            label=f"Client team role: {role.title} ({role.years_label})",
            kind="Client team plan",
            council_only=True,
        )
    for actual in ResourceActual.objects.filter(partnership=partnership):
        yield EvidenceCandidate(
            record=actual, label=str(actual), kind="Client-side actuals", council_only=True
        )
    for line in ProcurementBudgetLine.objects.filter(partnership=partnership):
        yield EvidenceCandidate(record=line, label=str(line), kind="Procurement budget", council_only=True)


def adviser_spend(partnership: object) -> Iterator[EvidenceCandidate]:
    assert isinstance(partnership, Partnership)
    for adviser in Adviser.objects.filter(partnership=partnership):
        yield EvidenceCandidate(record=adviser, label=str(adviser), kind="Adviser", council_only=True)
