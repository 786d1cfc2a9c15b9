"""``forbetter survey RESPONSES.json``: the command-line contract (docs/cli.md, ``survey``), as the real
command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from forbetter.calc.errors import InputError
from forbetter.contracts.survey import run


def _people(round_name: str, side: str, value: int, count: int = 5) -> list[dict[str, Any]]:
    return [
        {
            "respondent": f"{side}-{n}",
            "side": side,
            "round": round_name,
            "answers": {"trust-1": value, "trust-2": value},
        }
        for n in range(count)
    ]


DOCUMENT: dict[str, Any] = {
    "principles": [{"id": "trust", "name": "Develop and maintain trust"}],
    "statements": [{"id": "trust-1", "principle": "trust"}, {"id": "trust-2", "principle": "trust"}],
    "responses": _people("2025", "council", 4)
    + _people("2025", "partner", 3)
    + _people("2026", "council", 5)
    + _people("2026", "partner", 3, count=4),
}


def forbetter(tmp_path: Path, document: Any) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "responses.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "forbetter.cli", "survey", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_survey_good_input_gives_means_gaps_flags_and_trend(tmp_path: Path) -> None:
    result = forbetter(tmp_path, DOCUMENT)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    first, second = out["rounds"]
    trust = first["principles"][0]
    assert (trust["council"]["mean"], trust["partner"]["mean"], trust["gap"], trust["flagged"]) == (
        4,
        3,
        1,
        True,
    )
    assert second["principles"][0]["partner"] == {
        "mean": None,
        "respondents": 4,
        "reason": "fewer than five partner respondents answered (4), so no mean is shown",
    }
    assert out["flags"] == [
        {
            "round": "2025",
            "principle": "trust",
            "gap": 1.0,
            "explanation": "In 2025 the sides are 1.00 apart on “Develop and maintain trust”, at least the "
            "1.00 that marks a large gap; the council is the more positive side.",
        }
    ]
    assert out["trend"][0]["direction"] is None
    assert (out["scale"], out["gap_threshold"], out["min_respondents"]) == ({"min": 1, "max": 5}, 1.0, 5)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"responses": [{**DOCUMENT["responses"][0], "answers": {"trust-1": 9}}]},
            "responses[0].answers.trust-1",
        ),
        ({"responses": [DOCUMENT["responses"][0], DOCUMENT["responses"][0]]}, "responses[1].respondent"),
        ({"responses": [{**DOCUMENT["responses"][0], "answers": [4]}]}, "responses[0].answers"),
        ({"responses": [{"side": "council", "round": "A", "answers": {}}]}, "responses[0].respondent"),
        ({"scale": {"min": 1}}, "scale.max"),
        ({"colour": "red"}, "colour"),
        ({"statements": "trust-1"}, "statements"),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_field(
    tmp_path: Path, change: dict[str, Any], field: str
) -> None:
    result = forbetter(tmp_path, {**DOCUMENT, **change})
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"forbetter survey: {field}: ")


def test_run_raises_input_error_for_a_missing_section() -> None:
    with pytest.raises(InputError) as refused:
        run({"principles": [], "statements": []})
    assert refused.value.field == "responses"
