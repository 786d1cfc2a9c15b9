"""Each notice of a contract in force as an OCDS release in the shape Find a Tender publishes, validated
offline against the ``uk-fts`` schemas (:mod:`forbetter.opendata.validation`).

Where each notice sits (decision record 0032):

=======  ======================  ====================  =================================================
notice   tag                     documentType          what it carries
=======  ======================  ====================  =================================================
UK7      contract                contractNotice        the contract, its value and period, and its KPIs as
                                                       ``contracts[].agreedMetrics`` (target observations)
UK9      implementation          implementationNotice  each KPI's rating for the contract year as an
                                                       observation's ``measureClassification`` (reg. 39
                                                       ratings paired by order with met, slightlyBelow,
                                                       below, significantlyBelow, other), and failures not
                                                       improved as ``implementation.performanceFailures``
UK10     contractAmendment       contractNotice        the change as ``contracts[].amendments[]`` with its
                                                       rationale and ``rationaleClassifications``
UK11     contractTermination     contractTerminationN  ``implementation.endDate``/``endDateDetails`` and
                                 otice                 ``terminationRationaleClassifications``
UK17     implementation          implementationNotice  the period's payments compliance figures as
                                                       ``implementation.metrics`` observations
=======  ======================  ====================  =================================================

The notice's type is ``documents[].noticeType`` on the document describing the notice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings

from forbetter.calc.notice_calendar import TITLES, DueNotice, Notice
from forbetter.calc.performance import Rating
from forbetter.changes import selectors as changes
from forbetter.changes.models import ChangeStatus
from forbetter.notices import selectors
from forbetter.opendata import package as ocds
from forbetter.opendata.selectors import org_facts
from forbetter.partnerships.models import Partnership, PartnershipStatus
from forbetter.performance.models import Kpi
from forbetter.performance.selectors import RatingYear, annual_ratings, kpis_of, year_one_start
from forbetter.remedies.models import UnimprovedFailure

MEASURE_CLASSIFICATION: dict[str, str] = {
    Rating.GOOD: "met",
    Rating.APPROACHING_TARGET: "slightlyBelow",
    Rating.REQUIRES_IMPROVEMENT: "below",
    Rating.INADEQUATE: "significantlyBelow",
    Rating.OTHER: "other",
}
"""Procurement Regulations 2024 reg. 39's ratings, in the order the regulation lists them, paired with the UK
extension's ``measureClassification`` ids in the order its schema lists them. Pairing them by order is an
inference: no published mapping exists (``forbetter/opendata/schemas/SOURCE.md``)."""

TAGS: dict[str, str] = {
    Notice.CONTRACT_DETAILS: "contract",
    Notice.CONTRACT_PERFORMANCE: "implementation",
    Notice.CONTRACT_CHANGE: "contractAmendment",
    Notice.CONTRACT_TERMINATION: "contractTermination",
    Notice.PAYMENTS_COMPLIANCE: "implementation",
}
DOCUMENT_TYPES: dict[str, str] = {
    Notice.CONTRACT_DETAILS: "contractNotice",
    Notice.CONTRACT_PERFORMANCE: "implementationNotice",
    Notice.CONTRACT_CHANGE: "contractNotice",
    Notice.CONTRACT_TERMINATION: "contractTerminationNotice",
    Notice.PAYMENTS_COMPLIANCE: "implementationNotice",
}


# Dates, money, the ocid and the party and contract ids are the open contracting data's own
# (forbetter.opendata.package), so a notice and the partnership's release package describe one contracting
# process: the same ocid, the same parties, the same contract.
_when = ocds.rfc3339
_money = ocds.money


def ocid(partnership: Partnership) -> str:
    return ocds.ocid(settings.OCDS_OCID_PREFIX, str(partnership.pk))


def _parties(partnership: Partnership) -> tuple[list[dict[str, Any]], dict[str, str], list[dict[str, str]]]:
    councils = [org_facts(council) for council in sorted(partnership.councils.all(), key=lambda c: c.name)]
    parties = [ocds.organisation(council, ["buyer"]) for council in councils]
    suppliers = []
    if partnership.partner is not None:
        supplier = org_facts(partnership.partner)
        parties.append(ocds.organisation(supplier, ["supplier"]))
        suppliers.append(ocds.organisation_reference(supplier))
    buyer = ocds.organisation_reference(councils[0]) if councils else {}
    return parties, buyer, suppliers


def _contract(partnership: Partnership) -> dict[str, Any]:
    contract: dict[str, Any] = {
        "id": ocds.contract_id(ocid(partnership)),
        "awardID": ocds.award_id(ocid(partnership)),
        "title": partnership.name,
        "status": "terminated" if partnership.ended_on else "active",
    }
    if partnership.description:
        contract["description"] = partnership.description
    start, end = changes.contract_start(partnership), changes.contract_end(partnership)
    if start is not None:
        contract["period"] = {"startDate": _when(start)}
        if end is not None:
            contract["period"]["endDate"] = _when(end - dt.timedelta(days=1))
    value = changes.contract_value(partnership).value_gbp
    if value is not None:
        contract["value"] = _money(value)
    return contract


def _document(due: DueNotice, published_on: dt.date | None) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": f"{due.notice}-{due.key}",
        "documentType": DOCUMENT_TYPES[due.notice],
        "noticeType": str(due.notice),
        "title": due.title,
        "language": "en",
    }
    if published_on is not None:
        document["datePublished"] = _when(published_on)
    return document


def _metric(kpi: Kpi, observation: dict[str, Any]) -> dict[str, Any]:
    metric: dict[str, Any] = {"id": kpi.reference, "title": kpi.name, "observations": [observation]}
    if kpi.definition:
        metric["description"] = kpi.definition
    return metric


def _contract_details(partnership: Partnership, contract: dict[str, Any]) -> None:
    kpis = [kpi for kpi in kpis_of(partnership) if kpi.published]
    metrics = [
        _metric(
            kpi,
            {
                "id": f"{kpi.reference}-target",
                "notes": "Target",
                "measure": float(kpi.target),
                "unit": {"name": kpi.unit},
            },
        )
        for kpi in kpis
    ]
    if metrics:
        contract["agreedMetrics"] = metrics


def _performance(partnership: Partnership, due: DueNotice, implementation: dict[str, Any]) -> None:
    assert due.period_start is not None
    assert due.period_end is not None
    number = relativedelta(due.period_start, year_one_start(partnership)[0] or due.period_start)
    year = RatingYear(number=number.years + 1, start=due.period_start, end=due.period_end, complete=True)
    ratings = annual_ratings(partnership, year=year, years=[year])
    period = {"startDate": _when(year.start), "endDate": _when(year.end)}
    metrics = []
    for row in ratings.rows:
        if not row.kpi.published:
            continue
        rating = row.published.rating if row.published and row.published.rating else row.rating
        if not rating:
            continue
        observation: dict[str, Any] = {
            "id": f"{row.kpi.reference}-{year.start.isoformat()}",
            "period": period,
            "measureClassification": {
                "id": MEASURE_CLASSIFICATION[Rating(rating)],
                "description": str(rating),
            },
        }
        if row.published and row.published.explanation:
            observation["notes"] = row.published.explanation
        metrics.append(_metric(row.kpi, observation))
    if metrics:
        implementation["metrics"] = metrics
    failures = UnimprovedFailure.objects.filter(
        partnership=partnership, found_on__gte=year.start, found_on__lte=year.end
    ).order_by("found_on", "pk")
    _, _, suppliers = _parties(partnership)
    rows = [
        {
            "id": f"failure-{failure.pk}",
            "description": failure.not_improved,
            "decisionDate": _when(failure.found_on),
            "suppliers": suppliers,
        }
        for failure in failures
    ]
    if rows:
        implementation["performanceFailures"] = rows


def _change(partnership: Partnership, due: DueNotice, contract: dict[str, Any]) -> None:
    summary = changes.summary(partnership)
    row = next(
        (
            row
            for row in summary.rows
            if row.change.reference == due.key and row.change.status == ChangeStatus.APPROVED
        ),
        None,
    )
    if row is None:
        return
    change = row.change
    amendment: dict[str, Any] = {
        "id": change.reference,
        "description": f"{change.title}. {change.description}",
        "rationale": change.decision_reason or change.description,
        "rationaleClassifications": [
            {
                "scheme": "UKPGA",
                "id": "2023/54/section/75",
                "description": " ".join(row.notice.reasons) if row.notice else "",
                "uri": "https://www.legislation.gov.uk/ukpga/2023/54/section/75",
            }
        ],
    }
    if change.decided_on:
        amendment["date"] = _when(change.decided_on)
    original = summary.value.value_gbp
    if original is not None and row.cumulative_gbp is not None:
        amendment["value"] = _money(original + row.cumulative_gbp)
    contract["amendments"] = [amendment]


def _termination(partnership: Partnership, contract: dict[str, Any], implementation: dict[str, Any]) -> None:
    if partnership.ended_on is None:
        return
    implementation["endDate"] = _when(partnership.ended_on)
    if partnership.end_reason.strip():
        implementation["endDateDetails"] = partnership.end_reason.strip()
    early = partnership.status == PartnershipStatus.TERMINATED_EARLY
    contract["terminationRationaleClassifications"] = [
        {
            "id": "terminatedEarly" if early else "expired",
            "description": "Terminated before the end of its term"
            if early
            else "Came to the end of its term",
        }
    ]


def _payments(partnership: Partnership, due: DueNotice, implementation: dict[str, Any]) -> None:
    assert due.period_start is not None
    assert due.period_end is not None
    figures = selectors.compliance(partnership, start=due.period_start, end=due.period_end)
    period = {"startDate": _when(figures.start), "endDate": _when(figures.end)}
    observations: list[dict[str, Any]] = [
        {
            "id": "invoicesPaid",
            "notes": "Invoices paid in the period",
            "period": period,
            "measure": figures.paid,
        },
        {
            "id": "amountPaid",
            "notes": "Amount paid in the period",
            "period": period,
            "value": _money(figures.paid_gbp),
        },
    ]
    if figures.mean_days is not None:
        observations.append(
            {
                "id": "meanDaysToPay",
                "notes": "Mean days from receiving an invoice to paying it",
                "period": period,
                "measure": float(figures.mean_days),
                "unit": {"name": "days"},
            }
        )
    for code, notes, share in (
        ("paidWithin30Days", "Share of invoices paid within 30 days", figures.share_within_30),
        ("paidIn31To60Days", "Share of invoices paid in 31 to 60 days", figures.share_31_to_60),
        ("paidIn61DaysOrMore", "Share of invoices paid in 61 days or more", figures.share_61_or_more),
    ):
        if share is not None:
            observations.append(
                {
                    "id": code,
                    "notes": notes,
                    "period": period,
                    "measure": float(share * 100),
                    "unit": {"name": "percent"},
                }
            )
    implementation["metrics"] = [
        {
            "id": "paymentsCompliance",
            "title": TITLES[Notice.PAYMENTS_COMPLIANCE],
            "observations": observations,
        }
    ]


def release(
    partnership: Partnership, due: DueNotice, *, published_on: dt.date | None, today: dt.date
) -> dict[str, Any]:
    """The notice ``due`` of ``partnership`` as one OCDS release (dated the day published, else today)."""
    parties, buyer, suppliers = _parties(partnership)
    contract = _contract(partnership)
    implementation: dict[str, Any] = {}
    document = _document(due, published_on)
    if due.notice == Notice.CONTRACT_DETAILS:
        _contract_details(partnership, contract)
    elif due.notice == Notice.CONTRACT_PERFORMANCE:
        _performance(partnership, due, implementation)
    elif due.notice == Notice.CONTRACT_CHANGE:
        _change(partnership, due, contract)
    elif due.notice == Notice.CONTRACT_TERMINATION:
        _termination(partnership, contract, implementation)
    else:
        _payments(partnership, due, implementation)
    if due.notice in (Notice.CONTRACT_PERFORMANCE, Notice.PAYMENTS_COMPLIANCE):
        implementation["documents"] = [document]
    else:
        contract["documents"] = [document]
    if implementation:
        contract["implementation"] = implementation
    result: dict[str, Any] = {
        "ocid": ocid(partnership),
        "id": f"{ocid(partnership)}-{due.notice}-{due.key}",
        "date": _when(published_on or today),
        "tag": [TAGS[due.notice]],
        "initiationType": "tender",
        "language": "en",
        "title": due.title,
        "parties": parties,
        "awards": [{"id": contract["awardID"], "status": "active", "suppliers": suppliers}],
        "contracts": [contract],
    }
    if buyer:
        result["buyer"] = buyer
    return result


def package(releases: list[dict[str, Any]], *, uri: str, published_on: dt.date) -> dict[str, Any]:
    """Releases in a release package, as Find a Tender's API serves them."""
    return {
        "uri": uri,
        "version": "1.1",
        "publishedDate": _when(published_on),
        "publisher": {"name": "ForBetter"},
        "releases": releases,
    }
