"""Open contracting data on the demo: every demo partnership's package is valid under OCDS 1.1.5 and the
OCDS for PPPs profile, holds no figure or key of the business case or the tender evaluation, and
``forbetter ocds SLUG`` prints it (or refuses on one line)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from forbetter import cli
from forbetter.appraisal.models import BudgetYear, CashflowValue
from forbetter.demo.partnerships import CONTRACT_MANAGEMENT, INITIATION, PROCUREMENT
from forbetter.opendata import selectors
from forbetter.opendata.validation import package_errors
from forbetter.partnerships.models import Partnership
from forbetter.procurement.models.evaluation import Evaluation, LotPrice
from forbetter.risks.models import Risk

pytestmark = pytest.mark.django_db
DEMO = [INITIATION, PROCUREMENT, CONTRACT_MANAGEMENT]


def _numbers(value: Any) -> set[Decimal]:
    if isinstance(value, dict):
        return set().union(*(_numbers(child) for child in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_numbers(child) for child in value)) if value else set()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {Decimal(str(value))}
    return set()


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | set().union(*(_keys(child) for child in value.values()))
    if isinstance(value, list):
        return set().union(*(_keys(child) for child in value)) if value else set()
    return set()


@pytest.mark.parametrize("name", DEMO)
def test_every_demo_partnership_has_a_valid_package(seeded_demo: None, name: str) -> None:
    package = selectors.package_for(Partnership.objects.get(name=name).pk)
    assert package_errors(package, "core") == []
    assert package_errors(package, "ppp") == []


def test_the_live_demo_contract_has_every_section(seeded_demo: None) -> None:
    package = selectors.package_for(Partnership.objects.get(name=CONTRACT_MANAGEMENT).pk)
    tags = {tag for release in package["releases"] for tag in release["tag"]}
    assert tags == {"planning", "tender", "award", "contract", "implementation", "contractAmendment"}
    contract = next(r for r in package["releases"] if r["tag"] == ["contract"])["contracts"][0]
    assert contract["riskAllocation"]
    assert "council_notes" not in json.dumps(package)


@pytest.mark.parametrize("name", DEMO)
def test_no_business_case_or_evaluation_figure_appears(seeded_demo: None, name: str) -> None:
    partnership = Partnership.objects.get(name=name)
    package = selectors.package_for(partnership.pk)
    confidential = set(
        BudgetYear.objects.filter(version__business_case__partnership=partnership).values_list(
            "amount_gbp", flat=True
        )
    )
    confidential |= set(
        CashflowValue.objects.filter(
            line__option__version__business_case__partnership=partnership
        ).values_list("amount_gbp", flat=True)
    )
    confidential |= set(
        LotPrice.objects.filter(lot__partnership=partnership).values_list("price_gbp", flat=True)
    )
    confidential |= set(
        Evaluation.objects.filter(partnership=partnership).values_list("should_cost_gbp", flat=True)
    )
    confidential -= {None, Decimal(0)}
    if name != INITIATION:
        assert confidential, "the demo should have business-case or evaluation figures to look for"
    assert _numbers(package) & confidential == set()
    keys = {key.lower() for key in _keys(package)}
    for word in ("comparator", "afford", "evaluation", "score", "shouldcost", "option"):
        assert not [key for key in keys if word in key], word
    text = json.dumps(package, ensure_ascii=False)
    for note in (
        Risk.objects.filter(partnership=partnership)
        .exclude(council_notes="")
        .values_list("council_notes", flat=True)
    ):
        assert note not in text


def test_cli_prints_the_package(seeded_demo: None, capsys: pytest.CaptureFixture[str]) -> None:
    partnership = Partnership.objects.get(name=CONTRACT_MANAGEMENT)
    assert cli.main(["ocds", "ashcombe-highways-and-property-partnership"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    package = json.loads(out)
    assert package == selectors.package_for(partnership.pk)
    assert package["releases"][0]["ocid"] == f"ocds-fbtr00-{partnership.pk}"


def test_cli_takes_the_id_and_a_profile(seeded_demo: None, capsys: pytest.CaptureFixture[str]) -> None:
    partnership = Partnership.objects.get(name=INITIATION)
    assert cli.main(["ocds", str(partnership.pk), "--profile", "core"]) == 0
    assert json.loads(capsys.readouterr().out)["releases"][0]["tag"] == ["planning"]


def test_cli_unknown_slug_is_one_line_and_exit_2(
    seeded_demo: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["ocds", "no-such-partnership"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert "'no-such-partnership'" in err
    assert err.startswith("forbetter ocds: SLUG:")


def test_cli_bad_profile_is_a_usage_error(seeded_demo: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["ocds", "x", "--profile", "eu"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1


def test_cli_never_prints_an_invalid_package(
    seeded_demo: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from forbetter.opendata import validation

    monkeypatch.setattr(validation, "package_errors", lambda package, profile: ["releases/0/date: bad"])
    assert cli.main(["ocds", "ashcombe-highways-and-property-partnership", "--profile", "ppp"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "forbetter ocds: invalid package: ppp: releases/0/date: bad\n"
