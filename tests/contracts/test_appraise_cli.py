"""`forbetter appraise CASE.json` (DESIGN section 6), run as the real command in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from forbetter.calc.errors import InputError
from forbetter.contracts.appraise import run

# Flat 5%, deflator 2%. Hand calculation, with D = 1 + 1/1.05 + 1/1.05^2 = 2.8594104:
#   In-house:    NPC = 100 D + 300 = 585.94104; PV benefits = 50 (1/1.05 + 1/1.05^2) = 92.97052.
#   Partnership: nominal 200, 204, 208.08 is 200 a year real; optimism bias 0.41 x (1 - 0.5 x 0.6 - 0.5 x 0.2)
#                = 0.246 makes it 249.2 a year; NPC = 249.2 D + 50 = 762.56508.
#   In-house values its savings, so the options are ranked on net present value (Green Book 5.3): NPVs
#   -492.97052 and -762.56508, a gap of 269.59456.
#   Switching values: In-house Staff 269.59456 / 285.94104 = +94.28%, Equipment / 300 = +89.86%;
#   Partnership Service charge -269.59456 / 712.56508 = -37.83%; Mobilisation would need
#   -269.59 / 50 = -539%, more than the whole line, so it has no switching value.
D = 1 + 1 / 1.05 + 1 / 1.05**2
GOOD_CASE: dict[str, Any] = {
    "discount": {"rate": 0.05},
    "deflator": 0.02,
    "options": [
        {
            "name": "In-house",
            "years": 3,
            "lines": [
                {"label": "Staff", "kind": "cost", "prices": "real", "values": [100, 100, 100]},
                {"label": "Equipment", "kind": "cost", "prices": "real", "values": [300, 0, 0]},
                {"label": "Savings", "kind": "benefit", "prices": "real", "values": [0, 50, 50]},
            ],
        },
        {
            "name": "Partnership",
            "years": 3,
            "lines": [
                {
                    "label": "Service charge",
                    "kind": "cost",
                    "prices": "nominal",
                    "values": [200, 204, 208.08],
                },
                {"label": "Mobilisation", "kind": "cost", "prices": "real", "values": [50, 0, 0]},
            ],
            "optimism_bias": {
                "upper_bound": 0.41,
                "applies_to": ["Service charge"],
                "contributions": [[0.5, 0.6], [0.5, 0.2]],
            },
        },
    ],
}


def _appraise(tmp_path: Path, content: str | None) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "case.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "forbetter.cli", "appraise", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _with(**changes: Any) -> dict[str, Any]:
    case = json.loads(json.dumps(GOOD_CASE))
    case.update(changes)
    return case


def test_good_case_gives_the_hand_calculated_appraisal(tmp_path: Path) -> None:
    completed = _appraise(tmp_path, json.dumps(GOOD_CASE))
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""
    out = json.loads(completed.stdout)
    assert {"options", "preferred", "switching_values"} <= out.keys()
    in_house, partnership = out["options"]
    for option in out["options"]:
        keys = {"name", "npc", "pv_benefits", "npv", "eac", "discount_factors", "optimism_bias", "rank"}
        assert keys <= option.keys()
        assert option["discount_factors"] == pytest.approx([1, 1 / 1.05, 1 / 1.05**2], abs=1e-12)

    assert in_house["npc"] == pytest.approx(100 * D + 300, abs=1e-6)
    assert in_house["pv_benefits"] == pytest.approx(50 * (D - 1), abs=1e-6)
    assert in_house["npv"] == pytest.approx(50 * (D - 1) - (100 * D + 300), abs=1e-6)
    assert in_house["eac"] == pytest.approx((100 * D + 300) / D, abs=1e-6)
    assert in_house["optimism_bias"] == 0
    assert in_house["rank"] == 1

    assert partnership["optimism_bias"] == pytest.approx(0.246, abs=1e-12)
    assert partnership["npc"] == pytest.approx(249.2 * D + 50, abs=1e-6)
    assert partnership["pv_benefits"] == 0
    assert partnership["eac"] == pytest.approx((249.2 * D + 50) / D, abs=1e-6)
    assert partnership["rank"] == 2

    assert out["preferred"] == "In-house"
    assert out["ranking_rule"] == "npv"
    gap = (249.2 * D + 50) - (100 * D + 300 - 50 * (D - 1))
    expected = {
        ("In-house", "Staff"): gap / (100 * D),
        ("In-house", "Equipment"): gap / 300,
        ("Partnership", "Service charge"): -gap / (249.2 * D),
    }
    found = {(s["option"], s["label"]): s["change"] for s in out["switching_values"]}
    assert found == pytest.approx(expected, abs=1e-6)
    assert [(s["option"], s["label"]) for s in out["no_switching_value"]] == [("Partnership", "Mobilisation")]


def test_standard_discount_schedule(tmp_path: Path) -> None:
    """Green Book standard schedule: 3.5% in the first band, so DF_2 = 1/1.035^2."""
    completed = _appraise(tmp_path, json.dumps(_with(discount="standard")))
    assert completed.returncode == 0, completed.stderr
    factors = json.loads(completed.stdout)["options"][0]["discount_factors"]
    assert factors == pytest.approx([1, 1 / 1.035, 1 / 1.035**2], abs=1e-12)


def _first_option(**changes: Any) -> dict[str, Any]:
    case = _with()
    case["options"][0].update(changes)
    return case


def _first_line(**changes: Any) -> dict[str, Any]:
    case = _with()
    case["options"][0]["lines"][0].update(changes)
    return case


def _without_deflator() -> dict[str, Any]:
    case = _with()
    del case["deflator"]
    return case


BAD_CASES = {
    "negative years": (json.dumps(_first_option(years=-3)), "options[0].years", "got -3"),
    "values shorter than years": (
        json.dumps(_first_line(values=[100, 100])),
        "options[0].lines[0].values",
        "years is 3",
    ),
    "unknown discount schedule": (json.dumps(_with(discount="green")), "discount", '"standard"'),
    "rate given as a percentage": (json.dumps(_with(discount={"rate": 3.5})), "discount.rate", "0.035"),
    "nominal line without a deflator": (json.dumps(_without_deflator()), "deflator", "nominal"),
    "not JSON": ("{ this is not json", "file", "not valid JSON"),
    "missing file": (None, "file", "cannot read"),
}


@pytest.mark.parametrize(("content", "field", "words"), BAD_CASES.values(), ids=BAD_CASES.keys())
def test_bad_input_exits_2_with_one_line_naming_the_field(
    tmp_path: Path, content: str | None, field: str, words: str
) -> None:
    completed = _appraise(tmp_path, content)
    assert completed.returncode == 2
    assert completed.stdout == ""
    lines = completed.stderr.splitlines()
    assert len(lines) == 1, completed.stderr
    assert lines[0].startswith(f"forbetter appraise: {field}: ")
    assert words in lines[0]


# In-process checks of the remaining validation rules (same code path as the command, without a subprocess).


def _duplicate_names() -> dict[str, Any]:
    case = _with()
    case["options"][1]["name"] = "In-house"
    return case


def _unknown_applies_to() -> dict[str, Any]:
    case = _with()
    case["options"][1]["optimism_bias"]["applies_to"] = ["Service charges"]
    return case


MORE_BAD_CASES = {
    "duplicate option names": (_duplicate_names(), "options[1].name", "duplicate"),
    "unknown optimism bias label": (
        _unknown_applies_to(),
        "options[1].optimism_bias.applies_to[0]",
        "no line",
    ),
    "kind not allowed": (_first_line(kind="spend"), "options[0].lines[0].kind", '"cost" or "benefit"'),
    "prices not allowed": (_first_line(prices="cash"), "options[0].lines[0].prices", '"real" or "nominal"'),
    "value not a number": (_first_line(values=[100, "x", 100]), "options[0].lines[0].values[1]", "number"),
    "value not finite": (
        _first_line(values=[100, float("nan"), 100]),
        "options[0].lines[0].values[1]",
        "finite",
    ),
    "years not whole": (_first_option(years=2.5), "options[0].years", "whole number"),
    "deflator as a percentage": (_with(deflator=2), "deflator", "0.02"),
    "deflator list too short": (_with(deflator=[0.02]), "deflator", "2 are needed"),
    "unknown field": (_first_option(yeers=3), "options[0].yeers", "unknown field"),
    "missing lines": (
        {"discount": "standard", "options": [{"name": "A", "years": 1}]},
        "options[0].lines",
        "required",
    ),
    "no options": (_with(options=[]), "options", "at least one"),
    "not an object": ([1, 2], "file", "object"),
}


@pytest.mark.parametrize(("payload", "field", "words"), MORE_BAD_CASES.values(), ids=MORE_BAD_CASES.keys())
def test_run_refuses_bad_input_naming_the_field(payload: Any, field: str, words: str) -> None:
    with pytest.raises(InputError) as caught:
        run(payload)
    assert caught.value.field == field
    assert words in caught.value.message
    assert "\n" not in caught.value.message


# --- per-option retained risk, ranking rule and warnings (issue 9) ------------------------------------------

# R1 council: 0.5 × PERT mean (0 + 4 × 300 + 600) / 6 = 300 → 150. R2 partner: 0.2 × triangular mean 300 → 60.
# R3 shared (council 25%), a transition risk of year 0 only: 1.0 × 40 = 40, of which the council keeps 10.
RISKS: list[dict[str, Any]] = [
    {"id": "R1", "probability": 0.5, "distribution": "pert", "min": 0, "mode": 300, "max": 600,
     "allocation": "council"},
    {"id": "R2", "probability": 0.2, "distribution": "triangular", "min": 100, "mode": 200, "max": 600,
     "allocation": "partner", "category": "operational"},
    {"id": "R3", "probability": 1.0, "distribution": "pert", "min": 40, "mode": 40, "max": 40,
     "allocation": "shared", "council_share": 0.25, "category": "transition",
     "first_year": 0, "last_year": 0},
]  # fmt: skip


def _with_risks(**option_changes: Any) -> dict[str, Any]:
    case = _with(risks=RISKS, risk_sensitivity={"percentile": 0.8, "iterations": 5000, "seed": 3})
    case["options"][1].update(option_changes)
    return case


def test_cli_risk_adjustment_is_expected_value_of_each_options_retained_risks() -> None:
    """Green Book (2022) 5.51-5.54 (Rule RISK-EV): in-house (the default bearer, the council) keeps every
    risk: 150 + 60 + 40 = 250; the partnership with ``"risk_bearer": "register"`` keeps R1 (150) and 25% of
    R3 (10) = 160. Each is spread over the risks' years and discounted at 5%; the P80 is reported beside it
    and is not in the net present cost."""
    out = run(_with_risks(risk_bearer="register"))
    in_house, partnership = out["options"]
    assert in_house["risk_adjustment"]["expected_value"] == pytest.approx(250)
    assert partnership["risk_adjustment"]["expected_value"] == pytest.approx(160)
    # R1 and R2 evenly over years 0-2, R3 in year 0: PV = (150 + 60) / 3 × D + 40 for in-house.
    assert in_house["risk_adjustment"]["values"] == pytest.approx([70 + 40, 70, 70])
    assert in_house["risk_adjustment"]["present_value"] == pytest.approx(70 * D + 40)
    assert in_house["npc"] == pytest.approx(100 * D + 300 + 70 * D + 40)
    assert partnership["npc"] == pytest.approx(249.2 * D + 50 + 50 * D + 10)
    sensitivity = partnership["risk_adjustment"]["sensitivity"]
    assert sensitivity["label"] == "P80"
    assert sensitivity["in_npc"] is False
    assert sensitivity["value"] > partnership["risk_adjustment"]["expected_value"]
    assert (
        run(_with_risks(risk_bearer="register"))["options"][1]["risk_adjustment"]
        == (partnership["risk_adjustment"])
    )


def test_cli_risk_overrides_per_category_and_per_risk() -> None:
    """Per-category and per-risk overrides replace the bearer's default share; a per-risk override wins."""
    out = run(
        _with_risks(
            risk_bearer="register",
            risk_overrides=[
                {"category": "operational", "council_share": 0.5},
                {"risk": "R1", "council_share": 0.2, "first_year": 2, "last_year": 2},
            ],
        )
    )
    parts = {p["id"]: p for p in out["options"][1]["risk_adjustment"]["risks"]}
    assert parts["R1"]["expected_value"] == pytest.approx(30)
    assert (parts["R1"]["first_year"], parts["R1"]["last_year"]) == (2, 2)
    assert parts["R2"]["expected_value"] == pytest.approx(30)
    assert parts["R3"]["expected_value"] == pytest.approx(10)


def test_cli_case_without_risks_keeps_todays_output() -> None:
    out = run(_with())
    assert [o["risk_adjustment"] for o in out["options"]] == [None, None]


def test_cli_warns_when_optimism_bias_is_on_some_options_only_and_names_the_rule() -> None:
    """Supplementary Green Book Guidance: Optimism Bias (2003): every option is adjusted; the output says
    so when only some are, and which rule ranked the options."""
    out = run(_with())
    assert any("applied to Partnership but not to In-house" in w for w in out["warnings"])
    assert out["ranking_rule"] == "npv"
    assert "net present value" in out["ranking_rule_text"]


def test_cli_warns_when_optimism_bias_and_the_risk_adjustment_cover_the_same_option() -> None:
    out = run(_with_risks(risk_bearer="register"))
    assert any("Partnership has optimism bias" in w and "Risk adjustment" in w for w in out["warnings"])


def test_cli_optimism_bias_lower_bound_from_the_category() -> None:
    """Table 1 of the 2003 guidance: standard buildings 24% to 2%; full mitigation stops at 2%."""
    case = _with()
    case["options"][1]["optimism_bias"] = {
        "category": "standard_buildings",
        "applies_to": ["Mobilisation"],
        "contributions": [[1.0, 1.0]],
    }
    partnership = run(case)["options"][1]
    assert partnership["optimism_bias"] == pytest.approx(0.02)
    assert partnership["optimism_bias_lower_bound"] == pytest.approx(0.02)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (_with_risks(risk_bearer="partner"), "options[1].risk_bearer"),
        (
            _with_risks(risk_overrides=[{"risk": "R9", "council_share": 0.5}]),
            "options[1].risk_overrides[0].risk",
        ),
        (
            _with_risks(risk_overrides=[{"risk": "R1", "council_share": 1.5}]),
            "options[1].risk_overrides[0].council_share",
        ),
        (_with_risks(risk_overrides=[{"council_share": 0.5}]), "options[1].risk_overrides[0]"),
        (_with(risks=[{**RISKS[0], "min": 700}]), "risks[0].min"),
        (_with(risks=[{**RISKS[2], "last_year": 3}]), "risks[0].last_year"),
        (_first_option(risk_bearer="register"), "options[0].risk_bearer"),
        (_with(deflator=[0.02]), "deflator"),
    ],
)
def test_cli_refuses_bad_risk_input_naming_the_field(payload: Any, field: str) -> None:
    with pytest.raises(InputError) as caught:
        run(payload)
    assert caught.value.field == field
