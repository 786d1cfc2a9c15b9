"""``forbetter evaluate TENDER.json``: the command-line contract of DESIGN section 6, as the real command."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from forbetter.calc.errors import InputError
from forbetter.contracts.evaluate import run

TENDER: dict[str, Any] = {
    "price_weight": 0.4,
    "price_method": "lowest_ratio",
    "scale_max": 4,
    "criteria": [{"id": "Method", "weight": 0.6}, {"id": "Social value", "weight": 0.4}],
    "bids": [
        {"bidder": "A", "price": 15_000, "scores": {"Method": [3, 4], "Social value": [2, 2]}},
        {"bidder": "B", "price": 10_000, "scores": {"Method": [2, 2], "Social value": [0, 4]}},
        {"bidder": "C", "price": 30_000, "scores": {"Method": [4, 4], "Social value": [4, 4]}},
    ],
}


def forbetter(tmp_path: Path, document: Any, *, raw: str | None = None) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "tender.json"
    path.write_text(raw if raw is not None else json.dumps(document), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "forbetter.cli", "evaluate", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def changed(path: str, value: Any, *, delete: bool = False) -> dict[str, Any]:
    """TENDER with the value at a dotted path (``bids.1.scores.Method``) replaced, or deleted."""
    document = copy.deepcopy(TENDER)
    *parents, last = path.split(".")
    target: Any = document
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if delete:
        del target[last]
    elif isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return document


def test_evaluate_good_input_gives_the_contracts_fields(tmp_path: Path) -> None:
    result = forbetter(tmp_path, TENDER)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = json.loads(result.stdout, parse_constant=lambda name: pytest.fail(f"non-JSON constant {name}"))
    # the contract's fields (DESIGN section 6), scores as fractions of 1
    assert [(b["bidder"], round(b["price_score"], 3), b["rank"]) for b in out["bids"]] == [
        ("C", 0.333, 1),
        ("A", 0.667, 2),
        ("B", 1.0, 3),
    ]
    by_bidder = {b["bidder"]: b for b in out["bids"]}
    assert by_bidder["A"]["quality_score"] == pytest.approx(0.725)
    assert by_bidder["A"]["total"] == pytest.approx(0.6 * 0.725 + 0.4 * 2 / 3)
    assert set(by_bidder["A"]) >= {"bidder", "price_score", "quality_score", "total", "rank"}
    assert out["winner"] == "C"
    assert out["tied"] is False
    assert out["flags"][0] | {"evaluator_scores": None, "explanation": None} == {
        "bidder": "B",
        "criterion": "Social value",
        "spread": 1.0,
        "evaluator_scores": None,
        "explanation": None,
    }
    assert out["weight_sensitivity"] == {
        "switching_price_weights": [3 / 7],
        "winner_by_weight": [
            {"from": 0.0, "to": 3 / 7, "winner": "C"},
            {"from": 3 / 7, "to": 1.0, "winner": "B"},
        ],
    }
    assert out["sensitivity_summary"] == (
        "C wins at the current price weight of 40%; B would win if the price weight rose above 42.9%."
    )
    assert out["abnormally_low_checked"] is False
    assert out["abnormally_low"] == []
    assert out["quality_weight"] == pytest.approx(0.6)


def test_evaluate_defaults_and_the_abnormally_low_check(tmp_path: Path) -> None:
    document = changed("scale_max", None, delete=True)
    document["should_cost"] = 14_000
    out = json.loads(forbetter(tmp_path, document).stdout)
    assert (out["scale_max"], out["spread_threshold"], out["abnormally_low_threshold"]) == (4, 0.4, 0.8)
    assert out["abnormally_low_checked"] is True
    assert [(a["bidder"], round(a["ratio"], 3)) for a in out["abnormally_low"]] == [("B", 0.714)]
    document["abnormally_low_threshold"] = 0.7
    assert run(document)["abnormally_low"] == []


def test_evaluate_reports_a_tie_for_first_place() -> None:
    """Equal totals share rank 1 (then 3); the lower price wins the tie and the output says it was tied."""
    document = {
        "price_weight": 0.5,
        "price_method": "lowest_ratio",
        "criteria": [{"id": "Quality", "weight": 1}],
        "bids": [
            {"bidder": "Good", "price": 20_000, "scores": {"Quality": [4]}},
            {"bidder": "Cheap", "price": 10_000, "scores": {"Quality": [2]}},
            {"bidder": "Poor", "price": 40_000, "scores": {"Quality": [1]}},
        ],
    }
    out = run(document)
    assert [(b["bidder"], b["rank"]) for b in out["bids"]] == [("Cheap", 1), ("Good", 1), ("Poor", 3)]
    assert (out["winner"], out["tied"], out["tied_bidders"]) == ("Cheap", True, ["Cheap", "Good"])
    assert "lower price" in out["tie_rule"]


@pytest.mark.parametrize(
    ("document", "raw", "field", "words"),
    [
        (changed("criteria.0.weight", 0.55), None, "criteria", "weights sum to 0.95, must sum to 1"),
        (changed("bids.1.price", 0), None, "bids[1].price", "price must be more than 0"),
        (changed("bids.1.scores.Method", None, delete=True), None, "bids[1].scores", "B has no scores for "
         "criterion 'Method'"),
        (changed("bids.2.bidder", "A"), None, "bids[2].bidder", "has another bid (bids[0])"),
        (changed("bids.0.scores.Method.1", 5), None, "bids[0].scores.Method[1]", "from 0 to 4"),
        (changed("bids.0.scores.Method", []), None, "bids[0].scores.Method", "no evaluator's score"),
        (changed("price_weight", 1.5), None, "price_weight", "from 0 to 1"),
        (changed("price_method", "mean"), None, "price_method", "lowest_ratio, deviation"),
        (changed("scale_max", 2.5), None, "scale_max", "whole number"),
        (changed("bids", []), None, "bids", "at least one bid"),
        (changed("bids.0.prize", 1), None, "bids[0].prize", "unknown field"),
        (None, '{"price_weight": 0.4,', "file", "not valid JSON"),
    ],
    ids=[
        "weights-0.95",
        "price-0",
        "criterion-unscored",
        "duplicate-bidder",
        "score-above-scale",
        "no-evaluator",
        "price-weight-1.5",
        "unknown-method",
        "scale-not-whole",
        "no-bids",
        "misspelt-field",
        "invalid-json",
    ],
)  # fmt: skip
def test_evaluate_bad_input_exits_2_with_one_line_naming_the_field(
    tmp_path: Path, document: Any, raw: str | None, field: str, words: str
) -> None:
    result = forbetter(tmp_path, document, raw=raw)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"forbetter evaluate: {field}: "), lines[0]
    assert words in lines[0]


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ([TENDER], "file"),
        (changed("price_weight", None, delete=True), "price_weight"),
        (changed("price_method", None, delete=True), "price_method"),
        (changed("criteria", None, delete=True), "criteria"),
        (changed("bids", None, delete=True), "bids"),
        (changed("weights", [0.6, 0.4]), "weights"),
        (changed("price_weight", "40%"), "price_weight"),
        (changed("price_weight", True), "price_weight"),
        (changed("price_weight", -0.1), "price_weight"),
        (changed("scale_max", 0), "scale_max"),
        (changed("scale_max", 1001), "scale_max"),
        (changed("spread_threshold", 1.5), "spread_threshold"),
        (changed("criteria", {"Method": 0.6}), "criteria"),
        (changed("criteria", []), "criteria"),
        (changed("criteria.0", "Method"), "criteria[0]"),
        (changed("criteria.0.weight", None, delete=True), "criteria[0].weight"),
        (changed("criteria.0.weight", -0.2), "criteria[0].weight"),
        (changed("criteria.1.id", "Method"), "criteria[1].id"),
        (changed("criteria.1.id", 7), "criteria[1].id"),
        (changed("criteria.0.name", "x"), "criteria[0].name"),
        (changed("bids", {"A": 1}), "bids"),
        (changed("bids.0", []), "bids[0]"),
        (changed("bids.0.price", None, delete=True), "bids[0].price"),
        (changed("bids.0.price", "£15k"), "bids[0].price"),
        (changed("bids.0.price", -1), "bids[0].price"),
        (changed("bids.0.price", 1e16), "bids[0].price"),
        (changed("bids.0.price", 10**400), "bids[0].price"),
        (changed("bids.0.bidder", ""), "bids[0].bidder"),
        (changed("bids.0.bidder", None), "bids[0].bidder"),
        (changed("bids.2.bidder", " a "), "bids[2].bidder"),
        (changed("bids.0.scores", [3, 4]), "bids[0].scores"),
        (changed("bids.0.scores.Price", [3]), "bids[0].scores.Price"),
        (changed("bids.0.scores.Method", 3), "bids[0].scores.Method"),
        (changed("bids.0.scores.Method", "3, 4"), "bids[0].scores.Method"),
        (changed("bids.0.scores.Method.0", -1), "bids[0].scores.Method[0]"),
        (changed("bids.0.scores.Method.0", "3"), "bids[0].scores.Method[0]"),
        (changed("bids.0.scores.Method.0", None), "bids[0].scores.Method[0]"),
        (changed("bids.0.scores.Method.0", 10**400), "bids[0].scores.Method[0]"),
        (changed("should_cost", 0), "should_cost"),
        (changed("should_cost", "lots"), "should_cost"),
        (changed("abnormally_low_threshold", 0.8), "abnormally_low_threshold"),  # without should_cost
        ({**changed("should_cost", 1000), "abnormally_low_threshold": 1.2}, "abnormally_low_threshold"),
        ({**changed("should_cost", 1000), "abnormally_low_threshold": 0}, "abnormally_low_threshold"),
    ],
)
def test_evaluate_validation_names_the_field(document: Any, field: str) -> None:
    with pytest.raises(InputError) as caught:
        run(document)
    assert caught.value.field == field
    assert caught.value.message
    assert "\n" not in caught.value.message


def test_evaluate_example_in_docs_gives_the_figures_the_docs_state(tmp_path: Path) -> None:
    """docs/cli.md's example runs (as the real command) and gives the figures its text states."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")
    section = text[text.index("## `forbetter evaluate TENDER.json`") :]
    start = section.index("```json") + len("```json")
    example = json.loads(section[start : section.index("```", start)])
    result = forbetter(tmp_path, example)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert [
        (
            b["bidder"],
            round(b["price_score"], 3),
            round(b["quality_score"], 3),
            round(b["total"], 3),
            b["rank"],
        )
        for b in out["bids"]
    ] == [
        ("Civic Partners", 0.333, 1.0, 0.733, 1),
        ("Acorn Services", 0.667, 0.725, 0.702, 2),
        ("Beacon Ltd", 1.0, 0.5, 0.7, 3),
    ]
    assert (out["winner"], out["tied"]) == ("Civic Partners", False)
    assert [(f["bidder"], f["criterion"], f["spread"]) for f in out["flags"]] == [
        ("Beacon Ltd", "Social value", 1.0)
    ]
    assert out["weight_sensitivity"]["switching_price_weights"] == [3 / 7]
    assert [
        (i["from"], round(i["to"], 3), i["winner"]) for i in out["weight_sensitivity"]["winner_by_weight"]
    ] == [
        (0.0, 0.429, "Civic Partners"),
        (3 / 7, 1.0, "Beacon Ltd"),
    ]
    assert out["sensitivity_summary"] == (
        "Civic Partners wins at the current price weight of 40%; Beacon Ltd would win if the price weight "
        "rose above 42.9%."
    )
    assert out["sensitivity_summary"] in " ".join(section.split())
    assert [
        (a["bidder"], a["price"], a["should_cost"], round(a["ratio"], 3)) for a in out["abnormally_low"]
    ] == [("Beacon Ltd", 10_000.0, 14_000.0, 0.714)]
