"""``forbetter payment statement FILE.json``: the command-line contract of DESIGN section 6."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from forbetter.calc.errors import InputError
from forbetter.contracts.payment_statement import run

MECHANISM: dict[str, Any] = {
    "monthly_charge": 100_000,
    "indexed_share": 0.3,
    "index": {"base": 108.0, "values": {"2024-04": 112.4, "2024-05": 113.0}},
    "points": {
        "threshold": 20,
        "value": 3,
        "bands": [
            {"from": 21, "to": 100, "multiplier": 1.0},
            {"from": 101, "to": 200, "multiplier": 1.2},
            {"from": 201, "to": None, "multiplier": 1.5},
        ],
    },
    "cap": 0.1,
    "periods": [
        {"period": "2024-04", "points": 120},
        {
            "period": "2024-05",
            "failures": [
                {"kpi": "Calls answered", "points": 40, "relief": True, "reason": "exchange fire"},
                {"kpi": "Repairs on time", "points": 15, "relief": False},
            ],
        },
        {"period": "2024-06", "points": 5000},
    ],
}


def forbetter(tmp_path: Path, document: Any, *, raw: str | None = None) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "mechanism.json"
    path.write_text(raw if raw is not None else json.dumps(document), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "forbetter.cli", "payment", "statement", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def changed(path: str, value: Any) -> dict[str, Any]:
    """MECHANISM with the value at a dotted path (``points.bands.1.from``) replaced."""
    document = copy.deepcopy(MECHANISM)
    *parents, last = path.split(".")
    target: Any = document
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return document


def test_payment_statement_good_input_gives_numbers_and_reasons(tmp_path: Path) -> None:
    result = forbetter(tmp_path, MECHANISM)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = json.loads(result.stdout)
    april, may, june = out["periods"]

    # DESIGN §5 worked example on an indexed charge: 100,000 x (0.7 + 0.3 x 112.4/108) = 101,222.22
    assert april["period"] == "2024-04"
    assert april["charge"] == 101_222.22
    assert april["points"] == 120
    assert april["deduction_before_cap"] == 312.0
    assert april["deduction"] == 312.0
    assert april["capped"] is False
    assert april["payable"] == 100_910.22
    assert (
        "Charge £100,000.00 uprated: 30% indexed at 112.4/108.0 → £101,222.22 (uprated once a year: the "
        "index for April 2024, the indexation month)." in april["lines"]
    )
    assert any(line.startswith("120 points, 20 free, 80 points in band 21") for line in april["lines"])
    assert any("Deduction £312.00 is below the cap of 10% (£10,122.22)" in line for line in april["lines"])

    # relief excuses 40 points; 15 points are within the 20 free
    assert may["points"] == 15
    assert may["relieved_points"] == 40
    assert may["deduction"] == 0.0
    assert any("KPI 'Calls answered' failure relieved" in line for line in may["lines"])

    # uprated once a year (April, the first period): June keeps April's index, and the deduction is capped
    assert june["charge"] == 101_222.22
    assert june["capped"] is True
    assert june["deduction_before_cap"] == 22_200.0  # 80 x £3 + 100 x £3.60 + 4,800 x £4.50
    assert june["deduction"] == 10_122.22
    assert june["payable"] == 91_100.0

    assert out["total_deduction"] == 312.0 + 10_122.22
    assert out["total_payable"] == pytest.approx(100_910.22 + 101_222.22 + 91_100.0, abs=1e-6)


def test_payment_statement_indexation_is_annual_in_the_anniversary_month_unless_monthly_is_asked() -> None:
    """Rule PAY-INDEX-ANNUAL (SoPC4 ch. 7): the indexed share is uprated once a year, in the contract's
    anniversary month, not every month. "monthly" keeps the every-month uprating for contracts that say so."""
    annual = run(copy.deepcopy(MECHANISM))
    assert [p["charge"] for p in annual["periods"]] == [101_222.22, 101_222.22, 101_222.22]
    monthly = run(changed("indexation_month", "monthly"))
    june = monthly["periods"][2]
    assert [p["charge"] for p in monthly["periods"]] == [101_222.22, 101_388.89, 101_388.89]
    assert june["deduction"] == 10_138.89
    assert any("2024-05's value is used" in line for line in june["lines"])
    # the contract began in January with uprating each January: April to June use January's value
    january = changed("indexation_month", 1)
    january["effective_from"] = "2023-01"
    january["index"]["values"]["2024-01"] = 110.0
    assert run(january)["periods"][0]["charge"] == 100_555.56


def test_payment_statement_charge_changes_from_a_date_and_earlier_months_keep_theirs() -> None:
    """Rule PAY-CHARGE-IN-FORCE: a change-control variation changes the monthly charge from a month on."""
    document = changed("charge_changes", [{"from": "2024-05", "monthly_charge": 120_000}])
    del document["index"], document["indexed_share"]
    out = run(document)
    assert [p["charge"] for p in out["periods"]] == [100_000.0, 120_000.0, 120_000.0]
    assert "the charge in force from May 2024" in out["periods"][1]["lines"][0]


def test_payment_statement_quarterly_kpi_ratchet_counts_consecutive_quarters() -> None:
    """Rule PAY-RATCHET for non-monthly KPIs: a quarterly KPI failing in June and September has failed two
    quarters running, so a ratchet from the 2nd consecutive failure applies in September."""
    document = changed("ratchet", {"consecutive": 2, "multiplier": 1.5})
    del document["index"], document["indexed_share"]
    document["cap"] = None
    quarterly = {"kpi": "Satisfaction", "points": 40, "frequency": "quarterly"}
    document["periods"] = [
        {"period": f"2024-{m:02d}", "failures": [quarterly] if m in (6, 9) else []} for m in range(6, 10)
    ]
    out = run(document)
    assert [p["points"] for p in out["periods"]] == [40, 0, 0, 60]
    assert any("failed 2 quarters running" in line for line in out["periods"][3]["lines"])
    assert out["periods"][3]["runs"]["Satisfaction"] == {"run": 2, "last_period": "2024-09"}


def test_payment_statement_threshold_scope_is_the_contracts_choice() -> None:
    """Rule PAY-THRESHOLD-SCOPE: the free threshold covers all KPIs or monthly KPIs only, as the contract
    says: 10 monthly points and 30 quarterly points cost nothing under all_kpis (40 points, 20 free -> 20
    charged at £3 = £60) but £90 under monthly_kpis (all 30 quarterly points charged)."""
    document = copy.deepcopy(MECHANISM)
    del document["index"], document["indexed_share"]
    document["periods"] = [
        {
            "period": "2024-06",
            "failures": [
                {"kpi": "Calls", "points": 10},
                {"kpi": "Satisfaction", "points": 30, "frequency": "quarterly"},
            ],
        }
    ]
    assert run(document)["periods"][0]["deduction"] == 60.0
    document["threshold_scope"] = "monthly_kpis"
    out = run(document)["periods"][0]
    assert out["deduction"] == 90.0
    assert any("cover monthly KPIs only" in line for line in out["lines"])


def test_payment_statement_missing_return_rule_fails_or_holds_provisional() -> None:
    """Rule PAY-MISSING-RETURN: a KPI with no validated value by the statement date is treated as failed
    with the stated points, or held as provisional, as the mechanism says."""
    document = copy.deepcopy(MECHANISM)
    del document["index"], document["indexed_share"]
    document["periods"] = [
        {
            "period": "2024-04",
            "failures": [{"kpi": "Calls", "points": 100}],
            "missing": [{"kpi": "Repairs", "points": 20, "reason": "disputed"}],
        }
    ]
    provisional = run(document)["periods"][0]
    assert provisional["points"] == 100
    assert provisional["provisional"] == ["Repairs"]
    assert any("held as provisional" in line for line in provisional["lines"])
    document["missing_returns"] = {"rule": "fail", "points": 20}
    failed = run(document)["periods"][0]
    assert failed["points"] == 120
    assert failed["deduction"] == 312.0
    assert failed["deemed_failed"] == ["Repairs"]


def test_payment_statement_late_failure_is_a_dated_adjustment_line_counted_once() -> None:
    """Rule PAY-LATE-ADJUSTMENT: a failure validated after its month's statement was frozen is deducted in
    a later statement as a dated adjustment priced against that month: April froze at 100 points (80 x £3 =
    £240); 40 more points make 140 (80 x £3 + 40 x £3.60 = £384), so £144 more is deducted in May."""
    document = copy.deepcopy(MECHANISM)
    del document["index"], document["indexed_share"]
    document["periods"] = [
        {
            "period": "2024-05",
            "failures": [],
            "adjustments": [
                {
                    "kpi": "Repairs",
                    "period": "2024-04",
                    "points": 40,
                    "validated_on": "2024-05-20",
                    "month_points": 100,
                    "reason": "validated late",
                }
            ],
        }
    ]
    may = run(document)["periods"][0]
    assert may["adjustment_total"] == 144.0
    assert may["payable"] == 100_000.0 - 144.0
    assert may["adjustments"][0]["amount"] == 144.0
    assert "Adjustment for April 2024: KPI 'Repairs' failure validated on 20 May 2024" in may["lines"][-2]


def test_payment_statement_adds_up_to_the_penny() -> None:
    out = run(copy.deepcopy(MECHANISM))
    total_deduction = Decimal(0)
    total_payable = Decimal(0)
    for period in out["periods"]:
        charge, deduction, payable = (Decimal(str(period[k])) for k in ("charge", "deduction", "payable"))
        assert payable + deduction == charge
        total_deduction += deduction
        total_payable += payable
    assert Decimal(str(out["total_deduction"])) == total_deduction
    assert Decimal(str(out["total_payable"])) == total_payable


def test_payment_statement_ratchet_applies_to_repeated_failures() -> None:
    document = changed("ratchet", {"consecutive": 2, "multiplier": 1.5})
    document["cap"] = None
    document["periods"] = [
        {"period": "2024-04", "failures": [{"kpi": "Repairs", "points": 60}]},
        {"period": "2024-05", "failures": [{"kpi": "Repairs", "points": 60}]},
    ]
    out = run(document)
    assert [p["points"] for p in out["periods"]] == [60, 90]
    assert any("ratchet" in line for line in out["periods"][1]["lines"])


def test_payment_statement_without_index_needs_no_indexed_share() -> None:
    document = copy.deepcopy(MECHANISM)
    del document["index"], document["indexed_share"]
    out = run(document)
    assert out["periods"][0]["charge"] == 100_000.0
    assert out["periods"][0]["deduction"] == 312.0


@pytest.mark.parametrize(
    ("document", "raw", "field"),
    [
        (changed("points.bands.1.from", 102), None, "points.bands[1].from"),  # band gap
        (changed("cap", 1.5), None, "cap"),
        (changed("periods.0.period", "2024-13"), None, "periods[0].period"),
        (changed("periods.0.points", "ten"), None, "periods[0].points"),
        (None, '{"monthly_charge": 100000,', "file"),  # invalid JSON
    ],
    ids=["band-gap", "cap-above-1", "month-13", "non-numeric-points", "invalid-json"],
)
def test_payment_statement_bad_input_exits_2_naming_the_field(
    tmp_path: Path, document: Any, raw: str | None, field: str
) -> None:
    result = forbetter(tmp_path, document, raw=raw)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"forbetter payment statement: {field}: ")


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (changed("points.bands.1.from", 95), "points.bands[1].from"),  # overlap
        (changed("points.bands.0.from", 20), "points.bands[0].from"),  # first band not at threshold + 1
        (changed("points.bands.0.to", None), "points.bands[0].to"),  # open band not last
        (changed("points.bands.2.multiplier", -1), "points.bands[2].multiplier"),
        (changed("points.bands.0.from", 21.5), "points.bands[0].from"),
        (changed("points.threshold", "20"), "points.threshold"),
        (changed("points.bands", []), "points.bands"),
        (changed("periods.2.period", "2024-04"), "periods[2].period"),  # duplicate
        (changed("periods.0.points", -5), "periods[0].points"),
        (changed("periods.0.points", True), "periods[0].points"),
        (changed("periods.0.points", float("nan")), "periods[0].points"),
        (changed("periods.0", {"period": "2024-04"}), "periods[0]"),
        (changed("periods.0", {"period": "2024-04", "points": 1, "failures": []}), "periods[0]"),
        (changed("periods.1.failures.1.points", "lots"), "periods[1].failures[1].points"),
        (changed("periods.1.failures.1.points", -1), "periods[1].failures[1].points"),
        (changed("periods.1.failures.1.relief", "yes"), "periods[1].failures[1].relief"),
        (changed("periods.1.failures.1.kpi", ""), "periods[1].failures[1].kpi"),
        (changed("periods.1.failures.1.releif", True), "periods[1].failures[1].releif"),
        (changed("periods", []), "periods"),
        (changed("indexed_share", 1.5), "indexed_share"),
        (changed("indexed_share", -0.2), "indexed_share"),
        (changed("index.base", 0), "index.base"),
        (changed("index.base", -100), "index.base"),
        (changed("index.values", {"2024-4": 110}), "index.values.2024-4"),
        (changed("index.values", {"2024-05": 110}), "index.values.2024-04"),  # nothing for April or before
        (changed("monthly_charge", "100k"), "monthly_charge"),
        (changed("indexation_month", 13), "indexation_month"),
        (changed("indexation_month", "yearly"), "indexation_month"),
        (changed("effective_from", "2024"), "effective_from"),
        (changed("threshold_scope", "some"), "threshold_scope"),
        (changed("missing_returns", {"rule": "maybe"}), "missing_returns.rule"),
        (changed("charge_changes", [{"from": "2024-5", "monthly_charge": 1}]), "charge_changes[0].from"),
        (
            changed("charge_changes", [{"from": "2024-05", "monthly_charge": -1}]),
            "charge_changes[0].monthly_charge",
        ),
        (changed("periods.1.failures.1.frequency", "weekly"), "periods[1].failures[1].frequency"),
        (changed("periods.1.missing", [{"kpi": "X"}]), "periods[1].missing[0].points"),
        (
            changed(
                "periods.1.adjustments",
                [{"kpi": "X", "period": "2024-04", "points": 1, "validated_on": "May"}],
            ),
            "periods[1].adjustments[0].validated_on",
        ),
        (
            changed(
                "periods.1.adjustments",
                [{"kpi": "X", "period": "2024-06", "points": 1, "validated_on": "2024-07-01"}],
            ),
            "periods[1].adjustments[0].period",
        ),
        (changed("opening_runs", {"X": {"run": 1, "last_period": "May"}}), "opening_runs.X.last_period"),
        (changed("treshold", 20), "treshold"),
        (changed("ratchet", {"consecutive": 0, "multiplier": 2}), "ratchet.consecutive"),
        (changed("ratchet", {"consecutive": 2, "multiplier": 2}), "periods[0].points"),  # totals + ratchet
        ([1, 2, 3], "file"),
    ],
)
def test_payment_statement_validation_names_the_field(document: Any, field: str) -> None:
    with pytest.raises(InputError) as caught:
        run(document)
    assert caught.value.field == field
    assert "\n" not in caught.value.message


def test_payment_statement_output_is_strict_json(tmp_path: Path) -> None:
    result = forbetter(tmp_path, MECHANISM)
    json.loads(result.stdout, parse_constant=lambda name: pytest.fail(f"non-JSON constant {name}"))


def test_payment_statement_example_in_docs_gives_the_figures_the_docs_state() -> None:
    """docs/cli.md's example runs and gives the figures its text states (kept honest by this test)."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")
    section = text[text.index("## `forbetter payment statement MECHANISM.json`") :]
    example = section[
        section.index("```json") + len("```json") : section.index("```", section.index("```json") + 7)
    ]
    out = run(json.loads(example))
    april, may = out["periods"]
    assert (april["charge"], april["deduction"], april["payable"]) == (101_222.22, 312.0, 100_910.22)
    assert (may["charge"], may["adjustment_total"], may["payable"]) == (101_222.22, 72.0, 101_150.22)
    assert may["provisional"] == ["Satisfaction"]
    assert (out["total_deduction"], out["total_payable"]) == (384.0, 202_060.44)
