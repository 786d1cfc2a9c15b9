"""Which ForBetter records can be linked as evidence to a partnership's tasks.

Each area declares its providers (functions that list its records for a partnership) in its ``area.py``
(see :mod:`forbetter.core.areas`). This module knows nothing about those apps, so later areas (meetings,
surveys) plug in without changes here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from forbetter.core.areas import areas


@dataclass(frozen=True)
class EvidenceCandidate:
    record: Model
    label: str
    kind: str
    council_only: bool = False
    """True for council-confidential records: a link to one is never shown to partner users."""

    @property
    def model_label(self) -> str:
        """The record's model as 'app_label.modelname', the vocabulary of :data:`EVIDENCE_KIND_MODELS`."""
        return str(self.record._meta.label_lower)

    @property
    def key(self) -> str:
        """A form value naming the record: '<content type id>:<object id>'."""
        content_type = ContentType.objects.get_for_model(self.record)
        return f"{content_type.pk}:{self.record.pk}"


# Which kinds of ForBetter record evidence each kind the framework fixture lists for an action
# (``Action.evidence_kinds``). Kinds not here (capacity plans, meetings, surveys...) have no record type in
# ForBetter yet; a document or a note evidences them.
EVIDENCE_KIND_MODELS: dict[str, tuple[str, ...]] = {
    "business_case": ("appraisal.businesscaseversion",),
    "service_baseline": ("appraisal.servicebaseline",),
    "exit_analysis": ("risks.exitanalysis",),
    "risk_review": ("risks.riskreview",),
    "ownership_plan": ("risks.ownershipplan",),
    "kpi": ("performance.kpi",),
    "kpi_return": ("performance.kpi",),
    "indicator_review": ("performance.indicatorreview",),
    "benchmark": ("performance.benchmarkimport",),
    "benefit": ("performance.benefit",),
    "payment_mechanism": ("payments.paymentmechanism", "procurement.biddermechanism"),
    "payment_statement": ("payments.paymentstatement",),
    "responsibility": ("payments.responsibility",),
    "procurement_round": ("procurement.dialogueround", "procurement.procurementplan"),
    "governance_model": ("procurement.governanceoption",),
    "meeting": ("procurement.biddermeeting", "procurement.headsofservicebriefing"),
    "key_people": ("procurement.keyperson",),
    "review_position": ("procurement.reviewpoint",),
}
EVIDENCE_KIND_MODELS["evaluation"] = ("procurement.evaluation",)  # procurement: evaluation (P-VFM-4)
EVIDENCE_KIND_MODELS["business_case"] += ("procurement.bundle",)  # procurement: evaluation (P-VFM-3 bundles)
EVIDENCE_KIND_MODELS["governance_model"] += ("governance.governancemodel",)  # governance (I-GOV-1)
EVIDENCE_KIND_MODELS["governance_review"] = ("governance.governancereview",)  # governance (C-GOV-1)
EVIDENCE_KIND_MODELS["meeting"] += ("governance.meeting",)  # governance: forum meetings
EVIDENCE_KIND_MODELS["survey"] = ("survey.surveyround",)  # survey: rounds (C-GOV-2, C-TR-1)

# Records whose own pages are council-confidential (the business case and its service baselines, Monte
# Carlo runs, exit costs, the change-of-ownership plan): a link to one is council-only too. A provider may
# also mark a candidate ``council_only`` itself.
COUNCIL_ONLY_MODELS = frozenset(
    {
        "appraisal.businesscaseversion",
        "appraisal.servicebaseline",
        "risks.simulationrun",
        "risks.exitanalysis",
        "risks.ownershipplan",
    }
)


# Apps every record of which is council-confidential (the procurement area: bidders, prices, evaluations).
COUNCIL_ONLY_APPS = frozenset({"procurement"})


def is_council_only(candidate: EvidenceCandidate) -> bool:
    return (
        candidate.council_only
        or candidate.model_label in COUNCIL_ONLY_MODELS
        or candidate.model_label.split(".")[0] in COUNCIL_ONLY_APPS
    )


def matching_candidates(candidates: list[EvidenceCandidate], kinds: list[str]) -> list[EvidenceCandidate]:
    """The candidates that evidence any of the framework's evidence ``kinds``."""
    wanted = {model for kind in kinds for model in EVIDENCE_KIND_MODELS.get(kind, ())}
    return [candidate for candidate in candidates if candidate.model_label in wanted]


Provider = Callable[[object], Iterable[EvidenceCandidate]]


def providers() -> list[Provider]:
    """Every area's evidence providers, area by area in ``INSTALLED_APPS`` order."""
    return [provider for area in areas() for provider in area.evidence]


def candidates_for(partnership: object) -> list[EvidenceCandidate]:
    found: list[EvidenceCandidate] = []
    for provider in providers():
        found.extend(provider(partnership))
    return found


# trust: activities and charter versions, the open-book protocol and its reviews, key posts and succession
EVIDENCE_KIND_MODELS["trust_activity"] = ("trust.trustactivity", "trust.charterversion")
EVIDENCE_KIND_MODELS["open_book_protocol"] = ("trust.openbookprotocol", "trust.openbookreview")
EVIDENCE_KIND_MODELS["succession_plan"] = ("trust.keypost",)

# capacity: the client team plan, yearly actuals and procurement budget; advisers (council-confidential)
EVIDENCE_KIND_MODELS["capacity_plan"] = (
    "capacity.teamrole",
    "capacity.resourceactual",
    "capacity.procurementbudgetline",
)
EVIDENCE_KIND_MODELS["adviser_spend"] = ("capacity.adviser",)
COUNCIL_ONLY_APPS = COUNCIL_ONLY_APPS | {"capacity"}
# keydates: break points, review points and extension options (I-FLX-2)
EVIDENCE_KIND_MODELS["key_dates"] = ("keydates.keydate",)
# value: market tests of partner purchasing (C-VFM-4); council-only, since they judge the partner's prices
EVIDENCE_KIND_MODELS["market_test"] = ("value.markettest",)
COUNCIL_ONLY_MODELS = COUNCIL_ONLY_MODELS | {"value.markettest"}
# reviews: completed reviews of the whole partnership and its bundle of services (C-FLX-1)
EVIDENCE_KIND_MODELS["partnership_review"] = ("reviews.partnershipreview",)
