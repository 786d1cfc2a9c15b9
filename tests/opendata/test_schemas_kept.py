"""The OCDS schemas kept in forbetter/opendata/schemas are the official ones, and the validator uses them."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

from forbetter.opendata.validation import SCHEMAS, codelist, package_errors, release_errors

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "ocds"


def _files(root: Path) -> list[Path]:
    return sorted(path.relative_to(root) for path in root.rglob("*") if path.is_file())


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared OCDS schemas (../shared/ocds) are not here")
def test_kept_schemas_match_the_shared_copy_byte_for_byte():
    kept = [path for path in _files(SCHEMAS) if path.name != "SOURCE.md"]
    assert kept, "no schemas kept"
    for relative in kept:
        assert filecmp.cmp(SCHEMAS / relative, SHARED / relative, shallow=False), relative


VALID_PACKAGE = {
    "uri": "https://forbetter.example/ocds/x.json",
    "publishedDate": "2026-01-01T00:00:00Z",
    "publisher": {"name": "Ashcombe Council"},
    "version": "1.1",
    "releases": [
        {
            "ocid": "ocds-abc123-1",
            "id": "1",
            "date": "2026-01-01T00:00:00Z",
            "tag": ["planning"],
            "initiationType": "tender",
        }
    ],
}


@pytest.mark.parametrize("profile", ["core", "ppp", "uk-fts"])
def test_a_minimal_package_is_valid_under_every_profile(profile):
    assert package_errors(VALID_PACKAGE, profile) == []


@pytest.mark.parametrize("profile", ["core", "ppp", "uk-fts"])
def test_errors_inside_a_release_are_found_through_the_package_and_located(profile):
    bad = {**VALID_PACKAGE, "releases": [{**VALID_PACKAGE["releases"][0], "date": "yesterday"}]}
    assert package_errors(bad, profile) == ["releases/0/date: 'yesterday' is not a 'date-time'"]


def test_the_ppp_profile_checks_risk_allocation_inside_a_contract():
    risk = {"id": "1", "category": "demand", "allocation": 7}
    contract = {"id": "c1", "awardID": "a1", "riskAllocation": [risk]}
    release = {**VALID_PACKAGE["releases"][0], "contracts": [contract]}
    assert any("riskAllocation/0/allocation" in line for line in release_errors(release, "ppp"))


def test_codelists_are_read_from_wherever_a_profile_keeps_them():
    assert "contractAmendment" in codelist("core", "releaseTag.csv")
    assert "implementationNotice" in codelist("uk-fts", "documentType.csv")  # added by a "+" file
    assert "riskAllocation" not in codelist("core", "releaseTag.csv")
    with pytest.raises(KeyError):
        codelist("core", "noSuchList.csv")
