"""The release package builder (forbetter.opendata.package), on plain facts without a database: each
section present when its records are, valid against OCDS 1.1.5 and the OCDS for PPPs profile, closed codes
from their codelists, and nothing the facts do not carry."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from forbetter.opendata import package as ocds
from forbetter.opendata.validation import codelist, package_errors

COUNCIL = ocds.Org("org-1", "Ashby Council")
OTHER_COUNCIL = ocds.Org("org-2", "Brindle Council")
PARTNER = ocds.Org("org-9", "Partner P Ltd", identifier_scheme="GB-COH", identifier_id="01234567")


def facts(**changes: Any) -> ocds.ProcessFacts:
    values: dict[str, Any] = {
        "key": "42",
        "title": "Ashby Partnership",
        "description": "Highways and property",
        "buyers": (COUNCIL, OTHER_COUNCIL),
        "supplier": PARTNER,
        "initiated_on": dt.date(2020, 4, 1),
        "contract_value_gbp": Decimal("120000000"),
        "contract_value_note": "The estimated total contract value recorded for the partnership.",
        "tender": ocds.TenderFacts("pcr_dialogue", "Competitive dialogue", dt.date(2021, 1, 4), 3),
        "award_on": dt.date(2022, 3, 1),
        "contract_start": dt.date(2022, 4, 1),
        "contract_end": dt.date(2032, 3, 31),
        "contract_status": "active",
        "payments": (
            ocds.PaymentFacts(dt.date(2022, 4, 1), dt.date(2022, 5, 10), Decimal("1000000.50")),
            ocds.PaymentFacts(dt.date(2022, 5, 1), dt.date(2022, 6, 10), Decimal("990000")),
        ),
        "kpis": (
            ocds.KpiFacts(
                "HW-01",
                "Potholes repaired on time",
                "Share repaired within 28 days",
                "%",
                (
                    ocds.Observation(dt.date(2022, 4, 1), dt.date(2022, 4, 30), Decimal("96.5")),
                    ocds.Observation(dt.date(2022, 5, 1), dt.date(2022, 5, 31), Decimal("94")),
                ),
            ),
            ocds.KpiFacts("HW-02", "Never reported", "Nothing validated yet", "days", ()),
        ),
        "amendments": (
            ocds.AmendmentFacts("CR-001", "Extra gritting", "Add a route", dt.date(2023, 1, 5), "Resilience"),
        ),
        "risks": (
            ocds.RiskFacts(1, "Winter service fails", "availabilityAndQuality", "partner"),
            ocds.RiskFacts(2, "Change in law", "changeInLaw", "council"),
            ocds.RiskFacts(3, "Defect claims", "compliance", "shared"),
        ),
    }
    values.update(changes)
    return ocds.ProcessFacts(**values)


def build(process: ocds.ProcessFacts | None = None) -> dict[str, Any]:
    return ocds.build_package(
        process or facts(),
        ocid_prefix="ocds-test00",
        uri="https://example.test/p.json",
        publisher="Ashby Council",
    )


def by_tag(package: dict[str, Any], tag: str) -> list[dict[str, Any]]:
    return [release for release in package["releases"] if tag in release["tag"]]


def test_the_full_package_is_valid_under_core_and_the_ppp_profile() -> None:
    package = build()
    assert package_errors(package, "core") == []
    assert package_errors(package, "ppp") == []


def test_package_metadata() -> None:
    package = build()
    assert package["version"] == "1.1"
    assert package["uri"] == "https://example.test/p.json"
    assert package["publisher"] == {"name": "Ashby Council"}
    assert package["publishedDate"] == max(release["date"] for release in package["releases"])
    assert package["extensions"] == [ocds.METRICS_EXTENSION, ocds.RISK_ALLOCATION_EXTENSION]


def test_every_release_has_the_ocid_and_a_unique_id() -> None:
    releases = build()["releases"]
    assert {release["ocid"] for release in releases} == {"ocds-test00-42"}
    ids = [release["id"] for release in releases]
    assert len(ids) == len(set(ids))
    assert [release["tag"][0] for release in releases] == [
        "planning",
        "tender",
        "award",
        "contract",
        "implementation",
        "contractAmendment",
    ]  # oldest first: the payments and returns date from 2022, the change from 2023


def test_planning_budget_is_the_recorded_contract_value() -> None:
    (planning,) = by_tag(build(), "planning")
    assert planning["planning"]["budget"]["amount"] == {"amount": 120000000, "currency": "GBP"}
    assert "contract value" in planning["planning"]["budget"]["description"]


def test_tender_section() -> None:
    (release,) = by_tag(build(), "tender")
    tender = release["tender"]
    assert tender["procurementMethod"] == "selective"
    assert tender["procurementMethodDetails"] == "Competitive dialogue"
    assert tender["numberOfTenderers"] == 3
    assert tender["tenderPeriod"] == {"startDate": "2021-01-04T00:00:00+00:00"}
    assert tender["value"] == {"amount": 120000000, "currency": "GBP"}
    assert tender["procuringEntity"] == {"id": "org-1", "name": "Ashby Council"}


def test_award_names_the_partner_as_supplier() -> None:
    (release,) = by_tag(build(), "award")
    (award,) = release["awards"]
    assert award["suppliers"] == [{"id": "org-9", "name": "Partner P Ltd"}]
    assert award["date"] == "2022-03-01T00:00:00+00:00"
    assert award["value"]["amount"] == 120000000


def test_contract_period_value_and_risk_allocation() -> None:
    (release,) = by_tag(build(), "contract")
    (contract,) = release["contracts"]
    assert contract["period"] == {
        "startDate": "2022-04-01T00:00:00+01:00",
        "endDate": "2032-03-31T23:59:59+01:00",
    }
    assert contract["value"] == {"amount": 120000000, "currency": "GBP"}
    assert contract["awardID"] == by_tag(build(), "award")[0]["awards"][0]["id"]
    assert contract["riskAllocation"] == [
        {
            "id": "1",
            "category": "availabilityAndQuality",
            "description": "Winter service fails",
            "allocation": "privateParty",
        },
        {
            "id": "2",
            "category": "changeInLaw",
            "description": "Change in law",
            "allocation": "publicAuthority",
        },
        {
            "id": "3",
            "category": "compliance",
            "description": "Defect claims",
            "allocation": "undefined",
            "notes": ocds.SHARED_NOTE,
        },
    ]


def test_implementation_transactions_and_metrics() -> None:
    (release,) = by_tag(build(), "implementation")
    implementation = release["contracts"][0]["implementation"]
    first = implementation["transactions"][0]
    assert first["value"] == {"amount": 1000000.5, "currency": "GBP"}
    assert first["payer"]["id"] == "org-1"
    assert first["payee"]["id"] == "org-9"
    assert first["date"] == "2022-05-10T00:00:00+01:00"
    (metric,) = implementation["metrics"]  # HW-02 has no validated return, so no metric
    assert metric["id"] == "HW-01"
    assert [o["measure"] for o in metric["observations"]] == [96.5, 94.0]
    assert metric["observations"][0]["period"] == {
        "startDate": "2022-04-01T00:00:00+01:00",
        "endDate": "2022-04-30T23:59:59+01:00",
    }


def test_contract_amendment_release() -> None:
    (release,) = by_tag(build(), "contractAmendment")
    assert release["tag"] == ["contractAmendment"]
    (amendment,) = release["contracts"][0]["amendments"]
    assert amendment == {
        "id": "CR-001",
        "date": "2023-01-05T00:00:00+00:00",
        "description": "Extra gritting. Add a route",
        "rationale": "Resilience",
    }


def test_parties_buyer_and_supplier_with_identifier_when_recorded() -> None:
    parties = build()["releases"][0]["parties"]
    assert parties[0]["roles"] == ["buyer", "procuringEntity", "payer"]
    assert parties[1]["roles"] == ["buyer", "payer"]
    assert parties[2]["roles"] == ["supplier", "payee"]
    assert parties[2]["identifier"] == {"scheme": "GB-COH", "id": "01234567", "legalName": "Partner P Ltd"}
    assert "identifier" not in parties[0]


def test_before_award_only_planning_and_tender() -> None:
    process = facts(supplier=None, award_on=None, contract_start=None, contract_end=None)
    package = build(process)
    assert [r["tag"][0] for r in package["releases"]] == ["planning", "tender"]
    assert "extensions" not in package
    assert by_tag(package, "tender")[0]["tender"]["status"] == "active"
    assert "numberOfTenderers" not in by_tag(package, "tender")[0]["tender"]  # disclosed only on award
    assert package_errors(package, "core") == []
    assert package_errors(package, "ppp") == []


def test_without_a_recorded_value_no_budget_and_still_valid() -> None:
    package = build(facts(contract_value_gbp=None, tender=None))
    assert "budget" not in json.dumps(package)
    assert package_errors(package, "core") == []
    assert package_errors(package, "ppp") == []


def _codes(package: dict[str, Any], key: str) -> set[str]:
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for name, child in value.items():
                if name == key and isinstance(child, str):
                    found.add(child)
                walk(child)
        elif isinstance(value, list):
            for child in value:
                walk(child)

    walk(package)
    return found


@pytest.mark.parametrize(
    ("key", "profile", "listed"),
    [
        ("procurementMethod", "core", "method.csv"),
        ("mainProcurementCategory", "core", "procurementCategory.csv"),
        ("initiationType", "core", "initiationType.csv"),
        ("currency", "core", "currency.csv"),
        ("allocation", "ppp", "riskAllocation.csv"),
        ("category", "ppp", "riskCategory.csv"),
    ],
)
def test_codes_come_from_their_codelists(key: str, profile: Any, listed: str) -> None:
    codes = _codes(build(), key)
    assert codes, key
    assert codes <= codelist(profile, listed)


def test_statuses_and_tags_come_from_their_codelists() -> None:
    package = build()
    tags = {tag for release in package["releases"] for tag in release["tag"]}
    assert tags <= codelist("core", "releaseTag.csv")
    contract = by_tag(package, "contract")[0]["contracts"][0]
    assert contract["status"] in codelist("core", "contractStatus.csv")
    assert by_tag(package, "tender")[0]["tender"]["status"] in codelist("core", "tenderStatus.csv")
    assert by_tag(package, "award")[0]["awards"][0]["status"] in codelist("core", "awardStatus.csv")
    roles = {role for party in package["releases"][0]["parties"] for role in party["roles"]}
    assert roles <= codelist("core", "partyRole.csv")


def test_every_allocation_of_the_register_maps_to_the_closed_codelist() -> None:
    assert set(ocds.RISK_ALLOCATION.values()) <= codelist("ppp", "riskAllocation.csv")


def test_every_procedure_maps_to_a_method_code() -> None:
    from forbetter.procurement.models.competition import Procedure

    assert set(ocds.PROCUREMENT_METHOD) == set(Procedure.values)
    assert set(ocds.PROCUREMENT_METHOD.values()) <= codelist("core", "method.csv")


def test_facts_have_no_field_for_the_business_case_or_the_evaluation() -> None:
    """The builder cannot publish the comparator, affordability or evaluation: nothing carries them."""
    names = {f.name for cls in (ocds.ProcessFacts, ocds.TenderFacts) for f in dataclasses.fields(cls)}
    for word in ("comparator", "afford", "evaluation", "score", "budget", "should_cost", "council_notes"):
        assert not any(word in name for name in names), word


def test_the_builder_imports_nothing_from_django() -> None:
    tree = ast.parse(Path(ocds.__file__).read_text("utf-8"))
    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert not [name for name in imported if name and name.startswith(("django", "forbetter"))]


def test_contents_counts_the_package() -> None:
    rows = {row.part: row for row in ocds.contents(build())}
    assert rows["Payments"].count == 2
    assert "£1,990,000.50" in rows["Payments"].words
    assert rows["Performance indicators"].count == 1
    assert "2 periods" in rows["Performance indicators"].words
    assert rows["Contract changes"].count == 1
    assert rows["Risks"].count == 3
    assert rows["Releases"].count == 6
