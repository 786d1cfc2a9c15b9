"""An OCDS 1.1.5 release package for one partnership's contracting process, built from plain data.

``build_package(facts, ...)`` is a pure function: it takes a :class:`ProcessFacts` (dataclasses of plain
values, gathered from the database by :mod:`forbetter.opendata.selectors`) and returns the package as a
``dict`` ready for ``json.dumps``. It imports nothing from Django, so it can be tested, and reused, without a
database. The helpers that build one piece (``organisation``, ``organisation_reference``, ``money``,
``rfc3339``, ``contract_block``) are public: the Procurement Act notices build their parties and contract
blocks with them.

What goes in (see docs/opendata.md): the buyer and supplier as parties; a planning release with the
partnership's recorded contract value as its budget; a tender release (procedure, value, tender period,
number of bidders) when procurement is recorded; award and contract releases once a partner is recorded; an
implementation release with approved payment statements as transactions and validated KPI returns as
metrics; one ``contractAmendment`` release per approved change request; and the risk register's allocation
as the OCDS for PPPs ``riskAllocation`` block.

What never goes in: the business case (the public sector comparator, the affordability envelope, the option
appraisal), the tender evaluation (scores, prices, should-cost), council-only notes and draft or disputed
records. The builder is never given them: :class:`ProcessFacts` has no field that could carry them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

OCDS_VERSION = "1.1"
CURRENCY = "GBP"
LONDON = ZoneInfo("Europe/London")
METRICS_EXTENSION = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_metric_extension/master/extension.json"
RISK_ALLOCATION_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_riskAllocation_extension/master/"
    "extension.json"
)
"""The two extensions of the OCDS for PPPs profile whose fields the package uses (``metrics`` and
``riskAllocation``); the profile's schema, kept in ``schemas/ppp-profile``, includes both."""

RISK_ALLOCATION: dict[str, str] = {
    "council": "publicAuthority",
    "partner": "privateParty",
    "shared": "undefined",
}
"""The risk register's allocation → the PPP profile's closed ``riskAllocation`` codelist. The codelist has no
"shared" code: a shared risk is ``undefined`` with the note :data:`SHARED_NOTE`, as the codelist advises."""
SHARED_NOTE = "Shared between the council and the partner."

PROCUREMENT_METHOD: dict[str, str] = {
    "act_open": "open",
    "pcr_open": "open",
    "act_competitive_flexible": "selective",
    "pcr_restricted": "selective",
    "pcr_negotiation": "selective",
    "pcr_dialogue": "selective",
    "pcr_innovation": "selective",
    "act_direct_award": "direct",
}
"""Procurement procedures → OCDS ``method`` codes: open to anyone, only to selected suppliers, or direct."""


@dataclass(frozen=True)
class Org:
    """An organisation taking part: ``key`` is a stable local identifier (unique within the package)."""

    key: str
    name: str
    identifier_scheme: str = ""
    identifier_id: str = ""


@dataclass(frozen=True)
class TenderFacts:
    procedure: str
    procedure_label: str
    began_on: dt.date | None
    bidders: int | None
    """Organisations recorded as bidders; ``None`` when no bidder is recorded."""


@dataclass(frozen=True)
class PaymentFacts:
    """One approved monthly payment statement."""

    month: dt.date
    approved_on: dt.date
    payable_gbp: Decimal


@dataclass(frozen=True)
class Observation:
    period_start: dt.date
    period_end: dt.date
    value: Decimal


@dataclass(frozen=True)
class KpiFacts:
    reference: str
    name: str
    definition: str
    unit: str
    observations: tuple[Observation, ...]
    """Validated returns only, oldest first."""


@dataclass(frozen=True)
class AmendmentFacts:
    reference: str
    title: str
    description: str
    decided_on: dt.date
    rationale: str


@dataclass(frozen=True)
class RiskFacts:
    number: int
    title: str
    category_code: str
    """The category's nearest code of the PPP profile's ``riskCategory`` codelist."""
    allocation: str
    """``council``, ``partner`` or ``shared``."""


@dataclass(frozen=True)
class ProcessFacts:
    """Everything the package says about one partnership, as plain values."""

    key: str
    """Stable identifier of the contracting process within the publisher (the partnership's id)."""
    title: str
    description: str
    buyers: tuple[Org, ...]
    """The councils; the first is the buyer and procuring entity."""
    supplier: Org | None
    initiated_on: dt.date
    contract_value_gbp: Decimal | None
    contract_value_note: str
    tender: TenderFacts | None = None
    award_on: dt.date | None = None
    contract_start: dt.date | None = None
    contract_end: dt.date | None = None
    """The last day of the original term."""
    contract_status: str = "pending"
    payments: tuple[PaymentFacts, ...] = ()
    kpis: tuple[KpiFacts, ...] = ()
    amendments: tuple[AmendmentFacts, ...] = ()
    risks: tuple[RiskFacts, ...] = ()


def rfc3339(day: dt.date) -> str:
    """Midnight at the start of ``day`` in London, as RFC 3339 with its offset.

    >>> rfc3339(dt.date(2025, 7, 1))
    '2025-07-01T00:00:00+01:00'
    """
    return dt.datetime.combine(day, dt.time(0), tzinfo=LONDON).isoformat()


def end_of_day(day: dt.date) -> str:
    """The last second of ``day`` in London, RFC 3339 (for the end of a period)."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=LONDON).isoformat()


def money(amount: Decimal) -> dict[str, Any]:
    """An OCDS Value: ``{"amount": number, "currency": "GBP"}`` (whole pounds as integers).

    >>> money(Decimal("1250.50"))
    {'amount': 1250.5, 'currency': 'GBP'}
    """
    number: int | float = int(amount) if amount == amount.to_integral_value() else float(amount)
    return {"amount": number, "currency": CURRENCY}


def organisation_reference(org: Org) -> dict[str, str]:
    """An OCDS OrganizationReference to ``org`` (its party's id and name)."""
    return {"id": org.key, "name": org.name}


def organisation(org: Org, roles: list[str]) -> dict[str, Any]:
    """An OCDS Organization (a party) with its roles, and its identifier when one is recorded."""
    party: dict[str, Any] = {"id": org.key, "name": org.name, "roles": roles}
    if org.identifier_scheme and org.identifier_id:
        party["identifier"] = {
            "scheme": org.identifier_scheme,
            "id": org.identifier_id,
            "legalName": org.name,
        }
    return party


def parties(facts: ProcessFacts) -> list[dict[str, Any]]:
    """The councils (the first as buyer and procuring entity, all as payers) and the supplier (payee)."""
    found = []
    for index, council in enumerate(facts.buyers):
        roles = ["buyer", "procuringEntity", "payer"] if index == 0 else ["buyer", "payer"]
        found.append(organisation(council, roles))
    if facts.supplier is not None:
        found.append(organisation(facts.supplier, ["supplier", "payee"]))
    return found


def ocid(prefix: str, key: str) -> str:
    """The contracting process's ocid: the publisher's registered prefix, a hyphen, the local key."""
    return f"{prefix}-{key}"


def _text(value: str) -> str | None:
    value = " ".join(value.split())
    return value or None


def _compact(block: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values: OCDS strings have ``minLength`` 1 and omitted is better than null."""
    return {key: value for key, value in block.items() if value not in (None, "", [], {})}


def contract_id(process_ocid: str) -> str:
    return f"{process_ocid}-contract"


def award_id(process_ocid: str) -> str:
    return f"{process_ocid}-award"


def contract_block(facts: ProcessFacts, process_ocid: str) -> dict[str, Any]:
    """The contract as an OCDS Contract: id, award, title, status, period and value (no implementation)."""
    period = _compact(
        {
            "startDate": rfc3339(facts.contract_start) if facts.contract_start else None,
            "endDate": end_of_day(facts.contract_end) if facts.contract_end else None,
        }
    )
    return _compact(
        {
            "id": contract_id(process_ocid),
            "awardID": award_id(process_ocid),
            "title": facts.title,
            "description": _text(facts.description),
            "status": facts.contract_status,
            "period": period,
            "value": money(facts.contract_value_gbp) if facts.contract_value_gbp is not None else None,
        }
    )


def risk_allocation(risks: tuple[RiskFacts, ...]) -> list[dict[str, Any]]:
    """The PPP profile's ``riskAllocation``: each risk's category, title and who bears it."""
    rows = []
    for risk in risks:
        row: dict[str, Any] = {
            "id": str(risk.number),
            "category": risk.category_code or None,
            "description": _text(risk.title),
            "allocation": RISK_ALLOCATION[risk.allocation],
        }
        if risk.allocation == "shared":
            row["notes"] = SHARED_NOTE
        rows.append(_compact(row))
    return rows


def _release(process_ocid: str, name: str, day: dt.date, tag: str, facts: ProcessFacts) -> dict[str, Any]:
    release: dict[str, Any] = {
        "ocid": process_ocid,
        "id": f"{process_ocid}-{name}",
        "date": rfc3339(day),
        "tag": [tag],
        "initiationType": "tender",
        "language": "en",
        "parties": parties(facts),
    }
    if facts.buyers:
        release["buyer"] = organisation_reference(facts.buyers[0])
    return release


def _planning(facts: ProcessFacts, process_ocid: str) -> dict[str, Any]:
    release = _release(process_ocid, "planning", facts.initiated_on, "planning", facts)
    planning: dict[str, Any] = {"rationale": _text(facts.description)}
    if facts.contract_value_gbp is not None:
        planning["budget"] = {
            "id": f"{process_ocid}-budget",
            "description": facts.contract_value_note,
            "amount": money(facts.contract_value_gbp),
        }
    planning = _compact(planning)
    if planning:
        release["planning"] = planning
    return release


def _tender_block(facts: ProcessFacts, process_ocid: str) -> dict[str, Any]:
    tender = facts.tender
    block: dict[str, Any] = {
        "id": f"{process_ocid}-tender",
        "title": facts.title,
        "description": _text(facts.description),
        "status": "complete" if facts.supplier is not None else "active",
        "mainProcurementCategory": "services",
    }
    if facts.buyers:
        block["procuringEntity"] = organisation_reference(facts.buyers[0])
    if facts.contract_value_gbp is not None:
        block["value"] = money(facts.contract_value_gbp)
    if tender is not None:
        block["procurementMethod"] = PROCUREMENT_METHOD.get(tender.procedure)
        block["procurementMethodDetails"] = tender.procedure_label
        if tender.began_on:
            block["tenderPeriod"] = {"startDate": rfc3339(tender.began_on)}
        if tender.bidders is not None and facts.supplier is not None:
            # Only once awarded, as the contract award notice discloses it: during the competition the
            # number of bidders is the council's (the procurement area is council-only, decision 0019).
            block["numberOfTenderers"] = tender.bidders
    return _compact(block)


def _tender(facts: ProcessFacts, process_ocid: str) -> dict[str, Any] | None:
    if facts.tender is None:
        return None
    day = facts.tender.began_on or facts.initiated_on
    release = _release(process_ocid, "tender", day, "tender", facts)
    release["tender"] = _tender_block(facts, process_ocid)
    return release


def _award(facts: ProcessFacts, process_ocid: str) -> dict[str, Any] | None:
    if facts.supplier is None or facts.award_on is None:
        return None
    release = _release(process_ocid, "award", facts.award_on, "award", facts)
    award: dict[str, Any] = {
        "id": award_id(process_ocid),
        "title": facts.title,
        "status": "active",
        "date": rfc3339(facts.award_on),
        "suppliers": [organisation_reference(facts.supplier)],
    }
    if facts.contract_value_gbp is not None:
        award["value"] = money(facts.contract_value_gbp)
    release["awards"] = [award]
    return release


def _contract(facts: ProcessFacts, process_ocid: str) -> dict[str, Any] | None:
    if facts.supplier is None or facts.contract_start is None:
        return None
    release = _release(process_ocid, "contract", facts.contract_start, "contract", facts)
    contract = contract_block(facts, process_ocid)
    if facts.risks:
        contract["riskAllocation"] = risk_allocation(facts.risks)
    release["contracts"] = [contract]
    return release


def transactions(facts: ProcessFacts, process_ocid: str) -> list[dict[str, Any]]:
    """Approved payment statements as OCDS Transactions from the first council to the supplier."""
    rows = []
    for payment in facts.payments:
        row: dict[str, Any] = {
            "id": f"{process_ocid}-payment-{payment.month:%Y-%m}",
            "date": rfc3339(payment.approved_on),
            "value": money(payment.payable_gbp),
        }
        if facts.buyers:
            row["payer"] = organisation_reference(facts.buyers[0])
        if facts.supplier is not None:
            row["payee"] = organisation_reference(facts.supplier)
        rows.append(row)
    return rows


def metrics(kpis: tuple[KpiFacts, ...]) -> list[dict[str, Any]]:
    """Each KPI with validated returns as an OCDS Metric, one observation per period reported."""
    found = []
    for kpi in kpis:
        if not kpi.observations:
            continue
        observations = [
            _compact(
                {
                    "id": f"{kpi.reference}-{observation.period_start:%Y-%m}",
                    "period": {
                        "startDate": rfc3339(observation.period_start),
                        "endDate": end_of_day(observation.period_end),
                    },
                    "measure": float(observation.value),
                    "unit": {"name": kpi.unit} if _text(kpi.unit) else None,
                }
            )
            for observation in kpi.observations
        ]
        found.append(
            _compact(
                {
                    "id": kpi.reference,
                    "title": _text(kpi.name),
                    "description": _text(kpi.definition),
                    "observations": observations,
                }
            )
        )
    return found


def _implementation(facts: ProcessFacts, process_ocid: str) -> dict[str, Any] | None:
    if facts.supplier is None:
        return None
    paid = transactions(facts, process_ocid)
    measured = metrics(facts.kpis)
    if not paid and not measured:
        return None
    dates = [payment.approved_on for payment in facts.payments]
    dates += [o.period_end for kpi in facts.kpis for o in kpi.observations]
    release = _release(process_ocid, "implementation", max(dates), "implementation", facts)
    implementation = _compact({"transactions": paid, "metrics": measured})
    release["contracts"] = [
        {"id": contract_id(process_ocid), "awardID": award_id(process_ocid), "implementation": implementation}
    ]
    return release


def amendment(change: AmendmentFacts, process_ocid: str) -> dict[str, Any]:
    """An approved change request as an OCDS Amendment."""
    return _compact(
        {
            "id": change.reference,
            "date": rfc3339(change.decided_on),
            "description": _text(f"{change.title}. {change.description}"),
            "rationale": _text(change.rationale),
        }
    )


def _amendments(facts: ProcessFacts, process_ocid: str) -> list[dict[str, Any]]:
    if facts.supplier is None:
        return []
    releases = []
    for change in facts.amendments:
        slug = "".join(c if c.isalnum() or c in "-_." else "-" for c in change.reference)
        release = _release(process_ocid, f"amendment-{slug}", change.decided_on, "contractAmendment", facts)
        release["contracts"] = [
            {
                "id": contract_id(process_ocid),
                "awardID": award_id(process_ocid),
                "amendments": [amendment(change, process_ocid)],
            }
        ]
        releases.append(release)
    return releases


def releases(facts: ProcessFacts, *, ocid_prefix: str) -> list[dict[str, Any]]:
    """Every release of the process, oldest first (planning, tender, award, contract, implementation and
    amendments, each only when its records exist)."""
    process_ocid = ocid(ocid_prefix, facts.key)
    found = [
        _planning(facts, process_ocid),
        _tender(facts, process_ocid),
        _award(facts, process_ocid),
        _contract(facts, process_ocid),
        _implementation(facts, process_ocid),
        *_amendments(facts, process_ocid),
    ]
    present = [release for release in found if release is not None]
    return sorted(present, key=lambda release: release["date"])


def build_package(facts: ProcessFacts, *, ocid_prefix: str, uri: str, publisher: str) -> dict[str, Any]:
    """The release package: its ``uri``, ``publishedDate`` (the newest release's date, so the same data
    gives the same package), ``publisher``, ``version`` 1.1, the PPP extensions it uses, and its releases.
    """
    found = releases(facts, ocid_prefix=ocid_prefix)
    extensions = []
    contracts = [c for release in found for c in release.get("contracts", [])]
    if any(c.get("implementation", {}).get("metrics") for c in contracts):
        extensions.append(METRICS_EXTENSION)
    if any(c.get("riskAllocation") for c in contracts):
        extensions.append(RISK_ALLOCATION_EXTENSION)
    package: dict[str, Any] = {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": max(release["date"] for release in found),
        "publisher": {"name": publisher},
        "license": "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        "releases": found,
    }
    if extensions:
        package["extensions"] = extensions
    return _compact(package)


TAG_WORDS = {
    "planning": "planning",
    "tender": "tender",
    "award": "award",
    "contract": "contract",
    "implementation": "implementation (payments and performance)",
    "contractAmendment": "contract amendment",
}


@dataclass(frozen=True)
class ContentRow:
    """One line of a package's plain-English summary: what part, how many, and in words."""

    part: str
    count: int
    words: str


def contents(package: dict[str, Any]) -> list[ContentRow]:
    """What the package holds, part by part, counted from the package itself (so the page describes what
    the download contains, not what the database holds)."""
    found = package["releases"]
    tags = [tag for release in found for tag in release["tag"]]
    contracts = [c for release in found for c in release.get("contracts", [])]
    paid = [t for c in contracts for t in c.get("implementation", {}).get("transactions", [])]
    measured = [m for c in contracts for m in c.get("implementation", {}).get("metrics", [])]
    observations = sum(len(m.get("observations", [])) for m in measured)
    risks = [r for c in contracts for r in c.get("riskAllocation", [])]
    amended = [a for c in contracts for a in c.get("amendments", [])]
    total_paid = sum(Decimal(str(t["value"]["amount"])) for t in paid)
    steps = ", ".join(f"{count} {TAG_WORDS.get(tag, tag)}" for tag, count in Counter(tags).items())
    return [
        ContentRow("Releases", len(found), f"One release for each step recorded: {steps}."),
        ContentRow(
            "Payments",
            len(paid),
            f"Approved monthly payment statements, £{total_paid:,.2f} in all, each as a transaction from the "
            "council to the partner.",
        ),
        ContentRow(
            "Performance indicators",
            len(measured),
            f"Indicators with validated returns, {observations} period{'s' if observations != 1 else ''} "
            "reported in all.",
        ),
        ContentRow(
            "Contract changes", len(amended), "Approved change requests, each as a contract amendment."
        ),
        ContentRow(
            "Risks", len(risks), "The risk register's risks with their category and who bears each one."
        ),
    ]
