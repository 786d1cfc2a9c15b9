"""Reads for open contracting data: a partnership's publishable records as plain facts, in a fixed number of
queries, and the package built from them (:mod:`forbetter.opendata.package` does the mapping).

Only records meant for publication are read: approved payment statements, validated KPI returns, approved
change requests, the risk register's titles, categories and allocations, the procurement procedure and the
number of bidders. The business case and the tender evaluation are never read, so the comparator, the
affordability envelope and the evaluation cannot reach the package.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from forbetter.accounts.models import Organisation
from forbetter.changes.models import ChangeRequest, ChangeStatus
from forbetter.changes.selectors import contract_end, contract_start, contract_value
from forbetter.opendata import package as ocds
from forbetter.opendata.validation import Profile, package_errors
from forbetter.partnerships.models import Partnership, PartnershipStatus
from forbetter.payments.models import PaymentStatement, StatementStatus
from forbetter.performance.models import Kpi, KpiReturn, ReturnStatus
from forbetter.performance.periods import period_end
from forbetter.procurement.models.competition import Bidder, ProcurementPlan
from forbetter.risks.models import Risk

PROFILES: tuple[Profile, ...] = ("core", "ppp")
"""The schemas every package is checked against: OCDS 1.1.5 and the OCDS for PPPs profile."""


def slug(partnership: Partnership) -> str:
    """The partnership's slug: its name in lower case, words joined by hyphens ("ashcombe-highways-...").
    Names are unique, so slugs are too, unless two names differ only in punctuation or case."""
    return slugify(partnership.name)


def find_partnership(text: str) -> Partnership | None:
    """The partnership a command line names, by its id (digits) or its slug; ``None`` if there is none, or if
    the slug fits more than one."""
    text = text.strip()
    if text.isdigit():
        return Partnership.objects.filter(pk=int(text)).first()
    matches = [p for p in Partnership.objects.only("pk", "name") if slugify(p.name) == text.lower()]
    return matches[0] if len(matches) == 1 else None


def org_facts(organisation: Organisation) -> ocds.Org:
    """An organisation as the builder takes it; its party id (``org-N``) is the same in every release."""
    return ocds.Org(key=f"org-{organisation.pk}", name=organisation.name)


def _contract_status(partnership: Partnership) -> str:
    """OCDS contractStatus: ``terminated`` once the partnership has ended (expired or early), ``active`` once
    contract management has begun, ``pending`` before."""
    if partnership.status in (PartnershipStatus.TERMINATED_EARLY, PartnershipStatus.EXPIRED):
        return "terminated"
    began = partnership.contract_management_began_on
    return "active" if began and began <= timezone.localdate() else "pending"


def facts_for(partnership_pk: int) -> ocds.ProcessFacts:
    """Everything the package says about the partnership, gathered in nine queries whatever its size."""
    partnership = (
        Partnership.objects.select_related("partner", "joint_venture_company")
        .prefetch_related("councils")
        .get(pk=partnership_pk)
    )
    supplier_org = partnership.partner or partnership.joint_venture_company
    plan = ProcurementPlan.objects.filter(partnership=partnership).first()
    bidders = Bidder.objects.filter(partnership=partnership).count()
    statements = PaymentStatement.objects.filter(
        partnership=partnership, status=StatementStatus.APPROVED, payable_gbp__isnull=False
    ).order_by("month")
    kpis = (
        Kpi.objects.filter(partnership=partnership)
        .prefetch_related(
            Prefetch(
                "returns",
                queryset=KpiReturn.objects.filter(status=ReturnStatus.VALIDATED).order_by("period"),
                to_attr="validated",
            )
        )
        .order_by("reference")
    )
    changes = ChangeRequest.objects.filter(
        partnership=partnership, status=ChangeStatus.APPROVED, decided_on__isnull=False
    ).order_by("decided_on", "pk")
    risks = Risk.objects.filter(partnership=partnership).select_related("category").order_by("number")

    start = contract_start(partnership)
    end_after = contract_end(partnership)
    last_day = end_after - dt.timedelta(days=1) if end_after else None
    if partnership.ended_on and (last_day is None or partnership.ended_on < last_day):
        last_day = partnership.ended_on
    value = contract_value(partnership)
    tender = None
    if plan is not None or partnership.procurement_began_on:
        tender = ocds.TenderFacts(
            procedure=plan.procedure if plan else "",
            procedure_label=plan.get_procedure_display() if plan else "",
            began_on=partnership.procurement_began_on,
            bidders=bidders or None,
        )
    award_on = (plan.standstill_ends_on if plan else None) or start
    return ocds.ProcessFacts(
        key=str(partnership.pk),
        title=partnership.name,
        description=partnership.description,
        buyers=tuple(org_facts(c) for c in sorted(partnership.councils.all(), key=lambda c: c.name)),
        supplier=org_facts(supplier_org) if supplier_org else None,
        initiated_on=partnership.initiation_began_on,
        contract_value_gbp=value.value_gbp,
        contract_value_note=value.explanation,
        tender=tender,
        award_on=award_on if supplier_org else None,
        contract_start=start,
        contract_end=last_day,
        contract_status=_contract_status(partnership),
        payments=tuple(
            ocds.PaymentFacts(
                month=s.month,
                approved_on=timezone.localdate(s.approved_at) if s.approved_at else s.month,
                payable_gbp=s.payable_gbp,
            )
            for s in statements
            if s.payable_gbp is not None
        ),
        kpis=tuple(
            ocds.KpiFacts(
                reference=kpi.reference,
                name=kpi.name,
                definition=kpi.definition,
                unit=kpi.unit,
                observations=tuple(
                    ocds.Observation(r.period, period_end(r.period, kpi.frequency), r.value)
                    for r in kpi.validated
                ),
            )
            for kpi in kpis
        ),
        amendments=tuple(
            ocds.AmendmentFacts(
                reference=c.reference,
                title=c.title,
                description=c.description,
                decided_on=c.decided_on,
                rationale=c.decision_reason,
            )
            for c in changes
            if c.decided_on is not None
        ),
        risks=tuple(
            ocds.RiskFacts(
                number=r.number, title=r.title, category_code=r.category.ocds_code, allocation=r.allocation
            )
            for r in risks
        ),
    )


def download_path(partnership_pk: int) -> str:
    return reverse("opendata:download", args=[partnership_pk])


def package_for(partnership_pk: int, *, uri: str | None = None) -> dict[str, Any]:
    """The partnership's release package. ``uri`` is where it can be downloaded; by default the download
    page under ``settings.SITE_URL``."""
    facts = facts_for(partnership_pk)
    publisher = facts.buyers[0].name if facts.buyers else "ForBetter"
    address = uri or settings.SITE_URL + download_path(partnership_pk)
    return ocds.build_package(facts, ocid_prefix=settings.OCDS_OCID_PREFIX, uri=address, publisher=publisher)


@dataclass(frozen=True)
class Checked:
    package: dict[str, Any]
    errors: dict[str, list[str]]
    """Each profile's validation errors, one line each; empty lists when the package is valid."""

    @property
    def valid(self) -> bool:
        return not any(self.errors.values())


def checked_package(partnership_pk: int, *, uri: str | None = None) -> Checked:
    """The package and its validation against OCDS 1.1.5 and the OCDS for PPPs profile."""
    built = package_for(partnership_pk, uri=uri)
    return Checked(built, {profile: package_errors(built, profile) for profile in PROFILES})
