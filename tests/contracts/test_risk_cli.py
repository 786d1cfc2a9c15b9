"""`forbetter risk simulate REGISTER.json` (DESIGN section 6), run as the real command in a subprocess."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from forbetter.calc.errors import InputError
from forbetter.calc.risk import MAX_ITERATIONS
from forbetter.contracts.risk_simulate import run

# Analytic means (Vose 2008): R1 PERT (10,000 + 4 x 20,000 + 60,000) / 6 = 25,000, x 0.3 = 7,500, council's;
# R2 triangular (0 + 6,000 + 12,000) / 3 = 6,000, x 0.5 = 3,000, 40% council = 1,200;
# R3 fixed 100,000 x 0.1 = 10,000, partner's. Total 20,500; council 8,700.
GOOD_REGISTER: dict[str, Any] = {
    "risks": [
        {
            "id": "R1",
            "probability": 0.3,
            "distribution": "pert",
            "min": 10_000,
            "mode": 20_000,
            "max": 60_000,
            "allocation": "council",
        },
        {
            "id": "R2",
            "probability": 0.5,
            "distribution": "triangular",
            "min": 0,
            "mode": 6_000,
            "max": 12_000,
            "allocation": "shared",
            "council_share": 0.4,
        },
        {
            "id": "R3",
            "probability": 0.1,
            "distribution": "pert",
            "min": 100_000,
            "mode": 100_000,
            "max": 100_000,
            "allocation": "partner",
        },
    ],
    "correlation": 0.3,
}
CONTRACT_KEYS = {
    "iterations",
    "mean",
    "sd",
    "p10",
    "p50",
    "p80",
    "p90",
    "p95",
    "analytic_mean",
    "council",
    "tornado",
}


def _simulate(tmp_path: Path, content: str, *options: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "register.json"
    path.write_text(content, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "forbetter.cli", "risk", "simulate", str(path), *options],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _with_risk(index: int, **changes: Any) -> dict[str, Any]:
    register = json.loads(json.dumps(GOOD_REGISTER))
    register["risks"][index].update(changes)
    return register


def _without(index: int, key: str) -> dict[str, Any]:
    register = json.loads(json.dumps(GOOD_REGISTER))
    del register["risks"][index][key]
    return register


def test_good_register_gives_the_contract_output(tmp_path: Path) -> None:
    completed = _simulate(tmp_path, json.dumps(GOOD_REGISTER), "--iterations", "20000", "--seed", "7")
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""
    out = json.loads(completed.stdout)
    assert out.keys() >= CONTRACT_KEYS
    assert out["iterations"] == 20_000
    assert out["seed"] == 7
    assert out["analytic_mean"] == pytest.approx(20_500)
    assert out["council"]["analytic_mean"] == pytest.approx(8_700)
    assert out["mean"] == pytest.approx(20_500, rel=0.05)
    assert out["council"]["mean"] == pytest.approx(8_700, rel=0.05)
    assert {"mean", "p50", "p80"} <= out["council"].keys()
    assert out["council"]["mean"] + out["partner"]["mean"] == pytest.approx(out["mean"])
    assert 0 <= out["p10"] <= out["p50"] <= out["p80"] <= out["p90"] <= out["p95"]
    assert out["p90"] == pytest.approx(100_000, rel=0.2)  # R3 happens in 10% of iterations
    assert out["sd"] > 0
    assert sorted(bar["id"] for bar in out["tornado"]) == ["R1", "R2", "R3"]
    magnitudes = [abs(bar["rank_correlation"]) for bar in out["tornado"]]
    assert magnitudes == sorted(magnitudes, reverse=True)
    assert out["achieved_rank_correlation"] == pytest.approx(0.3, abs=0.05)
    assert [point["percent"] for point in out["s_curve"]] == list(range(101))
    assert sum(out["histogram"]["counts"]) == 20_000


def test_same_file_and_seed_give_identical_output(tmp_path: Path) -> None:
    options = ("--iterations", "20000", "--seed", "7")
    first = _simulate(tmp_path, json.dumps(GOOD_REGISTER), *options)
    second = _simulate(tmp_path, json.dumps(GOOD_REGISTER), *options)
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout


BAD_REGISTERS = {
    "probability as a percentage": (
        json.dumps(_with_risk(0, probability=1.5)),
        (),
        "risks[0].probability",
        "0 to 1",
    ),
    "min above mode": (json.dumps(_with_risk(1, min=7_000)), (), "risks[1].min", "above the mode"),
    "unknown allocation": (
        json.dumps(_with_risk(0, allocation="supplier")),
        (),
        "risks[0].allocation",
        "shared",
    ),
    "shared without a council share": (
        json.dumps(_without(1, "council_share")),
        (),
        "risks[1].council_share",
        "shared risk needs",
    ),
    "iterations above the maximum": (
        json.dumps(GOOD_REGISTER),
        ("--iterations", str(MAX_ITERATIONS + 1)),
        "iterations",
        "at most 2,000,000",
    ),
    "not JSON": ('{"risks": [', (), "file", "not valid JSON"),
}


@pytest.mark.parametrize(
    ("content", "options", "field", "words"), BAD_REGISTERS.values(), ids=BAD_REGISTERS.keys()
)
def test_bad_input_exits_2_with_one_line_naming_the_field(
    tmp_path: Path, content: str, options: tuple[str, ...], field: str, words: str
) -> None:
    completed = _simulate(tmp_path, content, *options)
    assert completed.returncode == 2
    assert completed.stdout == ""
    lines = completed.stderr.splitlines()
    assert len(lines) == 1, completed.stderr
    assert lines[0].startswith(f"forbetter risk simulate: {field}: ")
    assert words in lines[0]


# In-process checks of the remaining rules (the same code path as the command, without a subprocess).


def _with(**changes: Any) -> dict[str, Any]:
    register = json.loads(json.dumps(GOOD_REGISTER))
    register.update(changes)
    return register


MORE_BAD_REGISTERS = {
    "not an object": ([GOOD_REGISTER], "file", "JSON object"),
    "no risks key": ({"correlation": 0.2}, "risks", "missing"),
    "risks not a list": (_with(risks={"R1": {}}), "risks", "list"),
    "empty register": (_with(risks=[]), "risks", "no risks"),
    "risk not an object": (_with(risks=["R1"]), "risks[0]", "JSON object"),
    "missing field": (_without(2, "max"), "risks[2].max", "missing"),
    "unknown field": (_with_risk(0, owner="Finance"), "risks[0].owner", "not a field"),
    "unknown top-level field": (_with(corelation=0.3), "corelation", "not a field"),
    "mode above max": (_with_risk(0, mode=70_000), "risks[0].max", "below the mode"),
    "negative amount": (_with_risk(1, min=-10), "risks[1].min", "negative"),
    "not a number": (_with_risk(0, max="lots"), "risks[0].max", "number"),
    "not finite": (_with_risk(0, max=math.inf), "risks[0].max", "finite"),
    "unknown distribution": (_with_risk(0, distribution="lognormal"), "risks[0].distribution", "pert"),
    "council share outside 0..1": (_with_risk(1, council_share=40), "risks[1].council_share", "0 to 1"),
    "council share on a council risk": (_with_risk(0, council_share=1), "risks[0].council_share", "only"),
    "duplicate id": (_with_risk(2, id="R1"), "risks[2].id", "risks[0]"),
    "empty id": (_with_risk(2, id=""), "risks[2].id", "non-empty"),
    "correlation above 1": (_with(correlation=1.2), "correlation", "-1 to 1"),
    "infeasible negative correlation": (_with(correlation=-0.9), "correlation", "lowest common"),
    "correlation as text": (_with(correlation="high"), "correlation", "number"),
}


@pytest.mark.parametrize(
    ("payload", "field", "words"), MORE_BAD_REGISTERS.values(), ids=MORE_BAD_REGISTERS.keys()
)
def test_more_bad_input_names_the_field(payload: Any, field: str, words: str) -> None:
    with pytest.raises(InputError) as raised:
        run(payload, iterations=1_000)
    assert raised.value.field == field
    assert words in raised.value.message


def test_nan_in_the_file_is_refused(tmp_path: Path) -> None:
    # Python's JSON reader accepts the non-standard NaN literal; the contract must not.
    content = json.dumps(GOOD_REGISTER).replace('"max": 60000', '"max": NaN')
    with pytest.raises(InputError) as raised:
        run(json.loads(content), iterations=1_000)
    assert raised.value.field == "risks[0].max"


def test_output_is_plain_json_with_null_achieved_correlation_when_none_asked_for() -> None:
    out = run(_with(correlation=None), iterations=1_000, seed=3)
    assert out["achieved_rank_correlation"] is None
    assert out["correlation"] == 0.0
    text = json.dumps(out, allow_nan=False)  # raises on NaN or numpy types
    assert json.loads(text) == out


def test_defaults_are_ten_thousand_iterations_and_seed_zero() -> None:
    out = run(GOOD_REGISTER)
    assert (out["iterations"], out["seed"]) == (10_000, 0)
    assert run(GOOD_REGISTER, iterations=10_000, seed=0) == out
