"""Hostile input to every `forbetter` command (issue 10 item 5): exit 2, one line on stderr naming the field
or the limit, nothing on stdout; and a property test feeding generated JSON and bytes to every command."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forbetter import cli
from forbetter.calc.limits import MAX_RISK_CELLS, MAX_RISKS
from tests.contracts.test_risk_cli import GOOD_REGISTER

COMMANDS = [["appraise"], ["risk", "simulate"], ["payment", "statement"], ["evaluate"]]
RISK = {"id": "R1", "probability": 0.5, "distribution": "pert", "min": 1, "mode": 2, "max": 3}
CASE = {
    "discount": "standard",
    "options": [
        {
            "name": "A",
            "years": 2,
            "lines": [{"label": "c", "kind": "cost", "prices": "real", "values": [1, 1]}],
        }
    ],
}
MECHANISM = {
    "monthly_charge": 100_000,
    "indexed_share": 0.5,
    "points": {"threshold": 20, "value": 3, "bands": [{"from": 21, "to": None, "multiplier": 1.0}]},
    "periods": [{"period": "2024-04", "points": 120}],
}
TENDER: dict[str, Any] = {
    "price_weight": 0.4,
    "price_method": "lowest_ratio",
    "criteria": [{"id": "Method", "weight": 0.6}, {"id": "Social value", "weight": 0.4}],
    "bids": [
        {"bidder": "A", "price": 15_000, "scores": {"Method": [3, 4], "Social value": [2, 2]}},
        {"bidder": "B", "price": 10_000, "scores": {"Method": [2, 2], "Social value": [0, 4]}},
    ],
    "should_cost": 14_000,
}


def _run(
    capsys: pytest.CaptureFixture[str], words: list[str], path: Path, *extra: str
) -> tuple[int, str, str]:
    code = cli.main([*words, str(path), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _refused(capsys: pytest.CaptureFixture[str], words: list[str], path: Path, *extra: str) -> str:
    code, out, err = _run(capsys, words, path, *extra)
    assert code == cli.EXIT_BAD_INPUT
    assert out == ""
    assert err.endswith("\n")
    assert err.count("\n") == 1, err
    return err


def _write(tmp_path: Path, content: bytes | str | Any) -> Path:
    path = tmp_path / "input.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_text(json.dumps(content), encoding="utf-8")
    return path


@pytest.mark.parametrize("words", COMMANDS)
def test_cli_refuses_invalid_utf8_in_one_line(
    words: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """DESIGN section 6: bad input is one line on stderr and exit 2; a file not in UTF-8 is bad input."""
    err = _refused(capsys, words, _write(tmp_path, b'\xff\xfe{"risks": []}'))
    assert "file: is not UTF-8 text: byte 0xff at position 0" in err


@pytest.mark.parametrize("words", COMMANDS)
def test_cli_refuses_json_nested_100000_deep_naming_the_limit(
    words: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """JSON nested 100,000 deep made the parser recurse until RecursionError (a traceback, exit 1)."""
    err = _refused(capsys, words, _write(tmp_path, "[" * 100_000 + "]" * 100_000))
    assert f"file: is nested deeper than the limit of {cli.MAX_NESTING} levels" in err
    err = _refused(capsys, words, _write(tmp_path, '{"a":' * 40 + "1" + "}" * 40))
    assert f"limit of {cli.MAX_NESTING} levels" in err


@pytest.mark.parametrize("words", COMMANDS)
@pytest.mark.parametrize("text", ['{"x": NaN}', '{"x": Infinity}', '{"x": ' + "9" * 5000 + "}"])
def test_cli_refuses_numbers_json_does_not_allow(
    words: list[str], text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _refused(capsys, words, _write(tmp_path, text))


@pytest.mark.parametrize("impact", [1e26, 1e155, 1e300])
def test_risk_impacts_beyond_the_amount_limit_are_refused_naming_the_field_before_any_output(
    impact: float, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Impacts of 1e155 overflowed the standard deviation to infinity after half the JSON was printed."""
    register = {"risks": [{**RISK, "allocation": "council", "min": impact, "mode": impact, "max": impact}]}
    err = _refused(capsys, ["risk", "simulate"], _write(tmp_path, register))
    assert "risks[0].min: must be at most £1e+15 in size (the limit on any amount)" in err


@pytest.mark.parametrize("impact", [1e26, 1e155])
def test_appraisal_risk_impacts_beyond_the_amount_limit_are_refused(
    impact: float, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    risk = {**RISK, "allocation": "council", "max": impact}
    err = _refused(capsys, ["appraise"], _write(tmp_path, {**CASE, "risks": [risk]}))
    assert "risks[0].max: must be at most £1e+15 in size" in err


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("monthly_charge", {"monthly_charge": 1e26}),
        ("monthly_charge", {"monthly_charge": 10**400}),
        ("points.value", {"points": {**MECHANISM["points"], "value": 1e155}}),
        ("periods[0].points", {"periods": [{"period": "2024-04", "points": 1e26}]}),
    ],
)
def test_payment_amounts_beyond_the_amount_limit_are_refused_naming_the_field(
    field: str, change: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _refused(capsys, ["payment", "statement"], _write(tmp_path, {**MECHANISM, **change}))
    assert f": {field}: must be" in err
    assert "1e+15" in err


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("bids[0].price", {"bids": [{**TENDER["bids"][0], "price": 1e26}, TENDER["bids"][1]]}),
        ("bids[1].price", {"bids": [TENDER["bids"][0], {**TENDER["bids"][1], "price": 1e155}]}),
        ("should_cost", {"should_cost": 1e300}),
    ],
)
def test_evaluate_amounts_beyond_the_amount_limit_are_refused_naming_the_field(
    field: str, change: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _refused(capsys, ["evaluate"], _write(tmp_path, {**TENDER, **change}))
    assert f"forbetter evaluate: {field}: must be at most £1e+15 in size (the limit on any amount)" in err


def test_evaluate_tenders_over_the_size_limits_are_refused_naming_the_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scores = {"Method": [2] * 50_000, "Social value": [2]}
    bids = [{**bid, "scores": scores} for bid in TENDER["bids"]]
    err = _refused(capsys, ["evaluate"], _write(tmp_path, {**TENDER, "bids": bids}))
    assert "bids: hold 100,002 evaluator scores, more than the limit of 100,000" in err
    many = [{**TENDER["bids"][0], "bidder": f"B{i}"} for i in range(1_001)]
    err = _refused(capsys, ["evaluate"], _write(tmp_path, {**TENDER, "bids": many}))
    assert "bids: has 1,001 bids, more than the limit of 1,000" in err


def test_a_result_that_overflows_is_one_line_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every input within its limit can still multiply out of range (an index base of 1e-300 under a value
    of 1e15): the run is refused in one line, never a traceback."""
    mechanism = {**MECHANISM, "indexed_share": 1, "index": {"base": 1e-300, "values": {"2024-04": 1e15}}}
    err = _refused(capsys, ["payment", "statement"], _write(tmp_path, mechanism))
    assert "file: a result is too large to compute as a finite number" in err


def test_a_register_over_the_risk_limit_is_refused_naming_the_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    risks = [{**RISK, "id": f"R{i}", "allocation": "council"} for i in range(MAX_RISKS + 1)]
    err = _refused(capsys, ["risk", "simulate"], _write(tmp_path, {"risks": risks}))
    assert f"risks: has 10,001 risks, more than the limit of {MAX_RISKS:,}" in err
    err = _refused(capsys, ["appraise"], _write(tmp_path, {**CASE, "risks": risks}))
    assert f"more than the limit of {MAX_RISKS:,}" in err


def test_iterations_times_risks_over_the_limit_is_refused_naming_the_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    risks = [{**RISK, "id": f"R{i}", "allocation": "council"} for i in range(2_000)]
    err = _refused(
        capsys, ["risk", "simulate"], _write(tmp_path, {"risks": risks}), "--iterations", "1500000"
    )
    assert "iterations: 1,500,000 iterations × 2,000 risks is 3,000,000,000, more than the limit of " in err
    assert f"{MAX_RISK_CELLS:,}" in err
    assert "ask for at most 1,000,000 iterations" in err


def test_usage_errors_are_one_line_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _refused(capsys, ["risk", "simulate"], _write(tmp_path, GOOD_REGISTER), "--seed", "abc")
    assert "argument --seed: invalid int value: 'abc'" in err


def test_half_a_document_is_never_written_the_real_command(tmp_path: Path) -> None:
    """The installed command, in a subprocess: the impact that used to print half a JSON document."""
    register = {"risks": [{**RISK, "allocation": "council", "min": 1e155, "mode": 1e155, "max": 1e155}]}
    done = subprocess.run(
        [sys.executable, "-m", "forbetter.cli", "risk", "simulate", str(_write(tmp_path, register))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr.count("\n")) == (2, "", 1)


# ------------------------------------------------------------------------------ property tests

JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(
        [
            "standard",
            "pert",
            "triangular",
            "council",
            "partner",
            "shared",
            "2024-04",
            "real",
            "lowest_ratio",
            "deviation",
            "Method",
        ]
    )
)
KEYS = st.sampled_from(
    [
        "risks", "correlation", "id", "probability", "distribution", "min", "mode", "max", "allocation",
        "council_share", "discount", "options", "name", "years", "lines", "label", "kind", "prices", "values",
        "rate", "deflator", "monthly_charge", "indexed_share", "points", "threshold", "value", "bands",
        "from", "to", "multiplier", "cap", "periods", "period", "failures", "kpi", "relief", "index", "base",
        "price_weight", "price_method", "scale_max", "criteria", "weight", "bids", "bidder", "price",
        "scores", "Method", "spread_threshold", "should_cost", "abnormally_low_threshold",
    ]
) | st.text(max_size=6)  # fmt: skip
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=6),
    max_leaves=30,
)


def _mutated(base: dict[str, Any]) -> st.SearchStrategy[Any]:
    """The valid document with one top-level field or one list item's field replaced by a generated value."""

    def replace(key: str, value: Any, inner: str | None) -> Any:
        document = json.loads(json.dumps(base))
        target = document.get(key)
        if inner is not None and isinstance(target, list) and target and isinstance(target[0], dict):
            target[0][inner] = value
        else:
            document[key] = value
        return document

    inner_keys = st.none() | KEYS
    return st.builds(replace, st.sampled_from(sorted(base)), JSON_VALUES, inner_keys)


def _check_any_outcome(words: list[str], payload: bytes, tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "generated.json"
    path.write_bytes(payload)
    extra = ["--iterations", "200"] if words == ["risk", "simulate"] else []
    code = cli.main([*words, str(path), *extra])
    captured = capsys.readouterr()
    if code == cli.EXIT_OK:
        json.loads(captured.out)
        assert captured.err == ""
    else:
        assert code == cli.EXIT_BAD_INPUT
        assert captured.out == ""
        assert captured.err.count("\n") == 1, captured.err


PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
BASES: dict[str, dict[str, Any]] = {
    "appraise": CASE,
    "risk": GOOD_REGISTER,
    "payment": MECHANISM,
    "evaluate": TENDER,
}


def _for_every_command(test: Callable[..., None]) -> Callable[..., None]:
    return pytest.mark.parametrize(
        "words", COMMANDS, ids=["appraise", "risk-simulate", "payment-statement", "evaluate"]
    )(test)


@_for_every_command
@PROPERTY
@given(payload=JSON_VALUES)
def test_every_command_answers_any_json_with_a_result_or_one_line(
    words: list[str], payload: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Property: whatever JSON arrives, the command exits 0 with a whole JSON document or 2 with one
    line on stderr and nothing on stdout; never a traceback."""
    _check_any_outcome(words, json.dumps(payload).encode(), tmp_path, capsys)


@_for_every_command
@PROPERTY
@given(data=st.data())
def test_every_command_answers_a_valid_document_with_one_field_broken(
    words: list[str], data: st.DataObject, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Property: near-valid input (one field replaced by anything) reaches deep into each contract."""
    payload = data.draw(_mutated(BASES[words[0]]))
    _check_any_outcome(words, json.dumps(payload).encode(), tmp_path, capsys)


@_for_every_command
@PROPERTY
@given(payload=st.binary(max_size=200))
def test_every_command_answers_any_bytes_with_one_line(
    words: list[str], payload: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _check_any_outcome(words, payload, tmp_path, capsys)


def test_limit_docstring_examples_hold() -> None:
    import doctest

    from forbetter.calc import limits

    outcome = doctest.testmod(limits)
    assert outcome.attempted >= 2
    assert outcome.failed == 0
