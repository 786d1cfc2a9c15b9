"""Validate Open Contracting Data Standard output offline, against the schemas kept in ``schemas/``.

Three schema sets are kept, copied unchanged from the official sources (see ``schemas/SOURCE.md``):

- ``core``: OCDS 1.1.5's release package and release schemas;
- ``ppp``: the OCDS for PPPs profile (1.0.0-beta4), which adds ``riskAllocation`` and the other PPP fields;
- ``uk-fts``: what the UK's Find a Tender service validates Procurement Act 2023 notices against.

Each is a Draft 4 JSON Schema whose package schema refers to its release schema by ``id``; a referencing
registry holds both, so nothing is fetched from the network. Formats are checked too (``date-time`` needs
RFC 3339, with its time zone). This module imports nothing from Django.
"""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path
from typing import Any, Literal

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SCHEMAS = Path(__file__).resolve().parent / "schemas"
Profile = Literal["core", "ppp", "uk-fts"]
FOLDERS: dict[str, str] = {"core": "1__1__5", "ppp": "ppp-profile", "uk-fts": "uk-fts"}


def _read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


@cache
def package_validator(profile: Profile) -> Draft4Validator:
    """A validator for a whole release package under ``profile``, its release schema resolved offline."""
    folder = SCHEMAS / FOLDERS[profile]
    package = _read(folder / "release-package-schema.json")
    release = _read(folder / "release-schema.json")
    registry: Registry[Any] = Registry().with_resources(
        (schema["id"], Resource.from_contents(schema, default_specification=DRAFT4))
        for schema in (package, release)
    )
    return Draft4Validator(package, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)


@cache
def release_validator(profile: Profile) -> Draft4Validator:
    """A validator for one release under ``profile``."""
    release = _read(SCHEMAS / FOLDERS[profile] / "release-schema.json")
    return Draft4Validator(release, format_checker=Draft4Validator.FORMAT_CHECKER)


def _where(path: Any) -> str:
    return "/".join(str(part) for part in path) or "(the whole document)"


def _lines(validator: Draft4Validator, document: dict[str, Any]) -> list[str]:
    errors = validator.iter_errors(document)
    return sorted(f"{_where(error.absolute_path)}: {error.message}" for error in errors)


def package_errors(package: dict[str, Any], profile: Profile) -> list[str]:
    """Every way ``package`` breaks the ``profile`` schemas, one line each, by JSON path; [] if valid."""
    return _lines(package_validator(profile), package)


def release_errors(release: dict[str, Any], profile: Profile) -> list[str]:
    """Every way one ``release`` breaks the ``profile`` release schema; [] if valid."""
    return _lines(release_validator(profile), release)


@cache
def codelist(profile: Profile, name: str) -> frozenset[str]:
    """The codes of a codelist (``name`` like ``documentType.csv``) of ``profile``, wherever it is kept.

    The uk-fts set keeps its codelists in ``sources/eu-profile/codelists`` and
    ``sources/uk-extension/codelists``; an extension's ``+name`` file adds codes to the list and a ``-name``
    file takes them away, as OCDS extensions do."""
    folder = SCHEMAS / FOLDERS[profile]
    lists = [path for path in folder.rglob("*.csv") if path.parent.name == "codelists"]

    def codes_in(file_name: str) -> set[str]:
        codes: set[str] = set()
        for path in lists:
            if path.name == file_name:
                with path.open(encoding="utf-8", newline="") as handle:
                    codes.update(row["Code"] for row in csv.DictReader(handle))
        return codes

    if not any(path.name.lstrip("+-") == name for path in lists):
        raise KeyError(f"{profile} has no codelist {name}")
    return frozenset((codes_in(name) | codes_in(f"+{name}")) - codes_in(f"-{name}"))
