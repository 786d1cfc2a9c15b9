"""Payment mechanism rules (forbetter.calc.payment): worked examples, validation and properties.

Sources: DESIGN section 5 (worked example), ODPM Strategic Partnering Taskforce "Payment Mechanisms:
Technical Note" (2004), HM Treasury SoPC4 (2007) ch. 7.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import subprocess
import sys
from decimal import Decimal
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forbetter.calc import payment
from forbetter.calc.errors import InputError
from forbetter.calc.payment import (
    Band,
    Failure,
    Index,
    Mechanism,
    PeriodInput,
    Ratchet,
    ShareBand,
    band_table,
    capped_deduction,
    consecutive_failure_runs,
    deduction_from_points,
    failure_runs,
    format_money,
    gainshare,
    index_value_for,
    indexed_charge,
    payment_statement,
    pennies,
    period_statement,
    points_by_band,
    portfolio_deductions,
    ratchet_multiplier,
    split_in_bands,
    validate_bands,
    validate_share_bands,
)

DESIGN_BANDS = (Band(21, 100, 1.0), Band(101, 200, 1.2), Band(201, None, 1.5))


def design_mechanism(**changes: object) -> Mechanism:
    """DESIGN section 5: threshold 20, bands 21-100 x1.0, 101-200 x1.2, 201+ x1.5, £3 a point."""
    fields: dict[str, object] = {
        "monthly_charge": 100_000.0,
        "threshold": 20,
        "point_value": 3.0,
        "bands": DESIGN_BANDS,
        "cap": 0.1,
    }
    fields.update(changes)
    return Mechanism(**fields)  # type: ignore[arg-type]


def month(period: str, *failures: Failure) -> PeriodInput:
    return PeriodInput(period, failures=failures)


# ------------------------------------------------------------------------------------ PAY-BANDS


def test_pay_bands_design_worked_example_120_points_cost_312() -> None:
    # DESIGN §5: 120 points cost 80 x £3 + 20 x £3.60 = £312.
    assert points_by_band(120, bands=DESIGN_BANDS) == (80.0, 20.0, 0.0)
    deduction = deduction_from_points(120, point_value=3.0, bands=DESIGN_BANDS)
    assert deduction == pytest.approx(312.0)
    assert pennies(deduction) == Decimal("312.00")


def test_pay_bands_statement_line_explains_the_worked_example() -> None:
    statement = period_statement(design_mechanism(), PeriodInput("2024-04", points=120))
    assert statement.deduction == pytest.approx(312.0)
    assert statement.payable == pytest.approx(99_688.0)
    expected = (  # the bands are written with an en dash, 21\u2013100
        "120 points, 20 free, 80 points in band 21\u2013100 at £3.00 = £240.00; "
        "20 points in band 101\u2013200 at £3.60 = £72.00"
    )
    assert any(line.startswith(expected) for line in statement.lines)
    assert any("Deduction £312.00 is below the cap of 10% (£10,000.00)" in line for line in statement.lines)


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        (0, 0.0),
        (20, 0.0),  # points 1..threshold are free
        (21, 3.0),  # the first band starts at threshold + 1
        (100, 240.0),
        (101, 243.6),
        (200, 600.0),
        (201, 604.5),
        (300, 1050.0),
    ],
)
def test_pay_bands_band_edges_are_inclusive_point_numbers(points: int, expected: float) -> None:
    assert deduction_from_points(points, point_value=3.0, bands=DESIGN_BANDS) == pytest.approx(expected)


def test_pay_bands_points_beyond_a_closed_last_band_cost_nothing_and_say_so() -> None:
    bands = (Band(11, 50, 1.0),)
    assert deduction_from_points(80, point_value=2.0, bands=bands) == 80.0
    mechanism = Mechanism(10_000.0, 10, 2.0, bands)
    lines = period_statement(mechanism, PeriodInput("2024-01", points=80)).lines
    assert any("30 points above 50 carry no deduction" in line for line in lines)


def test_pay_bands_within_threshold_says_no_deduction() -> None:
    lines = period_statement(design_mechanism(), PeriodInput("2024-01", points=15)).lines
    assert "15 points, all within the 20 free points: no deduction." in lines


@pytest.mark.parametrize(
    ("bands", "field", "words"),
    [
        ((Band(21, 100, 1.0), Band(102, None, 1.2)), "points.bands[1].from", "gap"),
        ((Band(21, 100, 1.0), Band(95, None, 1.2)), "points.bands[1].from", "overlapping"),
        ((Band(20, 100, 1.0), Band(101, None, 1.2)), "points.bands[0].from", "threshold + 1 = 21"),
        ((Band(22, 100, 1.0),), "points.bands[0].from", "threshold + 1 = 21"),
        ((Band(21, None, 1.0), Band(101, None, 1.2)), "points.bands[0].to", "only the last band"),
        ((Band(21, 100, 1.0), Band(101, 90, 1.2)), "points.bands[1].to", "before it starts"),
        ((Band(21, 100, -1.0),), "points.bands[0].multiplier", "at least 0"),
        ((), "points.bands", "at least one band"),
    ],
)
def test_pay_bands_validation_names_the_band(bands: tuple[Band, ...], field: str, words: str) -> None:
    with pytest.raises(InputError) as caught:
        validate_bands(bands, threshold=20)
    assert caught.value.field == field
    assert words in caught.value.message


def test_pay_bands_mechanism_refuses_bad_bands() -> None:
    with pytest.raises(InputError, match=r"points\.bands\[1\]\.from"):
        design_mechanism(bands=(Band(21, 100, 1.0), Band(150, None, 1.2)))


def test_pay_bands_closed_last_band_is_allowed() -> None:
    validate_bands((Band(21, 100, 1.0), Band(101, 200, 1.2)), threshold=20)


# -------------------------------------------------------------------------------------- PAY-CAP


def test_pay_cap_limits_deduction_to_share_of_charge() -> None:
    assert capped_deduction(15_000.0, charge=100_000.0, cap=0.1) == 10_000.0
    assert capped_deduction(5_000.0, charge=100_000.0, cap=0.1) == 5_000.0
    assert capped_deduction(15_000.0, charge=100_000.0, cap=None) == 15_000.0
    assert capped_deduction(15_000.0, charge=100_000.0, cap=0.0) == 0.0


def test_pay_cap_statement_marks_capped_month_and_explains() -> None:
    statement = period_statement(design_mechanism(cap=0.001), PeriodInput("2024-01", points=120))
    assert statement.capped
    assert statement.deduction_before_cap == pytest.approx(312.0)
    assert statement.deduction == pytest.approx(100.0)
    assert statement.payable == pytest.approx(99_900.0)
    assert "Deduction £312.00 is above the cap of 0.1% (£100.00), so £100.00 is deducted." in statement.lines


def test_pay_cap_uses_the_indexed_charge() -> None:
    mechanism = design_mechanism(
        cap=0.001, indexed_share=1.0, index=Index(100.0, {"2024-01": 110.0}), monthly_charge=100_000.0
    )
    statement = period_statement(mechanism, PeriodInput("2024-01", points=120))
    assert statement.charge == pytest.approx(110_000.0)
    assert statement.deduction == pytest.approx(110.0)


def test_pay_cap_no_cap_is_stated() -> None:
    statement = period_statement(design_mechanism(cap=None), PeriodInput("2024-01", points=120))
    assert not statement.capped
    assert "Deduction £312.00 (no cap on deductions)." in statement.lines


@pytest.mark.parametrize("cap", [1.5, -0.1, float("nan")])
def test_pay_cap_outside_0_to_1_is_refused(cap: float) -> None:
    with pytest.raises(InputError) as caught:
        design_mechanism(cap=cap)
    assert caught.value.field == "cap"


# ----------------------------------------------------------------------------------- PAY-RELIEF


def test_pay_relief_excuses_the_failure_and_names_the_kpi() -> None:
    statement = period_statement(
        design_mechanism(),
        month(
            "2024-01",
            Failure("Calls answered", 100, relief=True, reason="telephone exchange fire"),
            Failure("Repairs on time", 120),
        ),
    )
    assert statement.points == 120.0
    assert statement.relieved_points == 100.0
    assert statement.deduction == pytest.approx(312.0)
    assert (
        "KPI 'Calls answered' failure relieved: 100 points excused (reason: telephone exchange fire)."
        in statement.lines
    )


def test_pay_relief_without_reason_says_none_recorded() -> None:
    statement = period_statement(design_mechanism(), month("2024-01", Failure("Calls", 5, relief=True)))
    assert statement.points == 0.0
    assert any("no reason recorded" in line for line in statement.lines)


# ------------------------------------------------------------------------------------ PAY-INDEX


def test_pay_index_uprates_only_the_indexed_share() -> None:
    # 100,000 x (0.7 + 0.3 x 112.4 / 108) = 101,222.22
    charge = indexed_charge(100_000.0, indexed_share=0.3, index_value=112.4, index_base=108.0)
    assert charge == pytest.approx(101_222.2222, abs=1e-4)
    assert indexed_charge(100_000.0, indexed_share=0.0, index_value=150.0, index_base=100.0) == 100_000.0
    assert indexed_charge(100_000.0, indexed_share=1.0, index_value=150.0, index_base=100.0) == 150_000.0


def test_pay_index_statement_line_shows_the_uprating() -> None:
    mechanism = design_mechanism(indexed_share=0.3, index=Index(108.0, {"2024-04": 112.4}))
    lines = period_statement(mechanism, PeriodInput("2024-04", points=0)).lines
    assert lines[0] == "Charge £100,000.00 uprated: 30% indexed at 112.4/108.0 → £101,222.22."


def test_pay_index_missing_month_uses_latest_earlier_value_and_says_so() -> None:
    index = Index(100.0, {"2024-01": 101.0, "2024-03": 103.0, "2023-12": 99.0})
    assert index_value_for("2024-02", index=index) == (101.0, "2024-01")
    assert index_value_for("2024-06", index=index) == (103.0, "2024-03")
    mechanism = design_mechanism(indexed_share=0.5, index=index)
    statement = period_statement(mechanism, PeriodInput("2024-02", points=0))
    assert statement.charge == pytest.approx(100_000.0 * (0.5 + 0.5 * 1.01))
    assert "no index value for 2024-02, so 2024-01's value is used" in statement.lines[0]


def test_pay_index_no_earlier_value_is_refused() -> None:
    mechanism = design_mechanism(indexed_share=0.5, index=Index(100.0, {"2024-03": 103.0}))
    with pytest.raises(InputError) as caught:
        payment_statement(mechanism, [PeriodInput("2024-02", points=0)])
    assert caught.value.field == "index.values.2024-02"
    assert "2024-02" in caught.value.message


def test_pay_index_without_index_the_charge_is_not_uprated() -> None:
    statement = period_statement(design_mechanism(indexed_share=0.3), PeriodInput("2024-01", points=0))
    assert statement.charge == 100_000.0
    assert statement.lines[0] == "Charge £100,000.00, not indexed (no index given)."


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"indexed_share": 1.2}, "indexed_share"),
        ({"indexed_share": -0.1}, "indexed_share"),
        ({"index": None, "monthly_charge": -5.0}, "monthly_charge"),
        ({"threshold": -1}, "points.threshold"),
        ({"point_value": float("inf")}, "points.value"),
    ],
)
def test_pay_index_and_charge_fields_are_checked(changes: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as caught:
        design_mechanism(**changes)
    assert caught.value.field == field


@pytest.mark.parametrize(("base", "field"), [(0.0, "index.base"), (-1.0, "index.base")])
def test_pay_index_base_must_be_positive(base: float, field: str) -> None:
    with pytest.raises(InputError) as caught:
        Index(base, {})
    assert caught.value.field == field


def test_pay_index_values_must_be_months() -> None:
    with pytest.raises(InputError, match=r"index\.values\.2024-13"):
        Index(100.0, {"2024-13": 101.0})


# ---------------------------------------------------------------------------------- PAY-RATCHET


def test_pay_ratchet_multiplies_points_from_the_kth_consecutive_month() -> None:
    assert [ratchet_multiplier(run, ratchet=Ratchet(3, 2.0)) for run in range(1, 6)] == [1, 1, 2, 2, 2]
    assert ratchet_multiplier(10, ratchet=None) == 1.0
    mechanism = design_mechanism(ratchet=Ratchet(3, 2.0), cap=None)
    periods = [month(f"2024-0{m}", Failure("Repairs", 30)) for m in range(1, 5)]
    statement = payment_statement(mechanism, periods)
    assert [s.points for s in statement.periods] == [30.0, 30.0, 60.0, 60.0]
    assert "KPI 'Repairs' has failed 3 months running (ratchet from month 3): 30 points x 2 = 60 points." in (
        statement.periods[2].lines
    )


def test_pay_ratchet_run_restarts_after_a_met_month_a_relieved_month_or_a_gap() -> None:
    periods = [
        month("2024-01", Failure("A", 5)),
        month("2024-02", Failure("A", 5)),
        month("2024-03"),  # met
        month("2024-04", Failure("A", 5)),
        month("2024-05", Failure("A", 5, relief=True)),  # relieved: excused, so not a failure
        month("2024-06", Failure("A", 5)),
        month("2024-07", Failure("A", 5)),
        month("2024-09", Failure("A", 5)),  # 2024-08 missing from the statement
    ]
    assert [run.get("A", 0) for run in failure_runs(periods)] == [1, 2, 0, 1, 0, 1, 2, 1]


def test_pay_ratchet_counts_in_calendar_order_whatever_the_input_order() -> None:
    periods = [
        month("2024-01", Failure("A", 5)),
        month("2023-12", Failure("A", 5)),
        month("2023-11", Failure("A", 5), Failure("B", 2)),
    ]
    assert failure_runs(periods) == [{"A": 3}, {"A": 2}, {"A": 1, "B": 1}]


def test_pay_ratchet_applies_per_kpi() -> None:
    mechanism = Mechanism(10_000.0, 0, 1.0, (Band(1, None, 1.0),), ratchet=Ratchet(2, 1.5))
    periods = [
        month("2024-01", Failure("A", 10)),
        month("2024-02", Failure("A", 10), Failure("B", 10)),
    ]
    statement = payment_statement(mechanism, periods)
    assert statement.periods[1].points == 25.0  # A ratcheted (15), B first failure (10)


def test_pay_ratchet_needs_failures_by_kpi() -> None:
    mechanism = design_mechanism(ratchet=Ratchet(2, 1.5))
    with pytest.raises(InputError) as caught:
        payment_statement(mechanism, [month("2024-01", Failure("A", 5)), PeriodInput("2024-02", points=5)])
    assert caught.value.field == "periods[1].points"


@pytest.mark.parametrize(
    ("consecutive", "multiplier", "field"),
    [(0, 1.5, "ratchet.consecutive"), (2, 0.5, "ratchet.multiplier"), (2.5, 1.5, "ratchet.consecutive")],
)
def test_pay_ratchet_fields_are_checked(consecutive: int, multiplier: float, field: str) -> None:
    with pytest.raises(InputError) as caught:
        Ratchet(consecutive, multiplier)
    assert caught.value.field == field


# ------------------------------------------------------------------------- statement and periods


def test_pay_payable_is_charge_minus_deduction_and_totals_add_up() -> None:
    statement = payment_statement(
        design_mechanism(), [PeriodInput("2024-01", points=120), PeriodInput("2024-02", points=0)]
    )
    assert statement.total_deduction == pytest.approx(312.0)
    assert statement.total_payable == pytest.approx(200_000.0 - 312.0)
    assert "Payable £100,000.00 - £312.00 = £99,688.00." in statement.periods[0].lines


def test_pay_failures_are_listed_in_the_statement() -> None:
    statement = period_statement(
        design_mechanism(), month("2024-01", Failure("Calls", 10), Failure("Calls", 5))
    )
    assert "Failures counted: 'Calls' 15 points." in statement.lines


def test_pay_duplicate_period_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        payment_statement(
            design_mechanism(), [PeriodInput("2024-01", points=1), PeriodInput("2024-01", points=2)]
        )
    assert caught.value.field == "periods[1].period"


@pytest.mark.parametrize("period", ["2024-13", "2024-00", "24-01", "2024-1", "January"])
def test_pay_period_must_be_a_month(period: str) -> None:
    with pytest.raises(InputError) as caught:
        PeriodInput(period, points=0)
    assert caught.value.field == "period"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"points": -1}, "points"),
        ({"points": "ten"}, "points"),
        ({}, "points"),
        ({"points": 1, "failures": ()}, "points"),
    ],
)
def test_pay_period_points_are_checked(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as caught:
        PeriodInput("2024-01", **kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_pay_failure_fields_are_checked() -> None:
    with pytest.raises(InputError, match=r"^points"):
        Failure("A", -3)
    with pytest.raises(InputError, match=r"^kpi"):
        Failure(" ", 3)


# ------------------------------------------------------------------------------- PAY-GAINSHARE


GAIN_BANDS = (ShareBand(0, 100_000, 0.5), ShareBand(100_000, None, 0.7))


def test_pay_gainshare_splits_savings_in_bands() -> None:
    # First £100k 50/50, beyond that 70/30 to the council: a £250k saving gives 50k + 105k = £155k.
    result = gainshare(baseline_gbp=1_000_000, actual_gbp=750_000, gain_bands=GAIN_BANDS)
    assert result.saving_gbp == 250_000
    assert (result.council_gbp, result.partner_gbp) == (155_000.0, 95_000.0)
    assert "£155,000.00 to the council" in result.lines[0]


def test_pay_gainshare_overrun_without_painshare_falls_on_the_partner() -> None:
    result = gainshare(baseline_gbp=1_000_000, actual_gbp=1_050_000, gain_bands=GAIN_BANDS)
    assert (result.saving_gbp, result.council_gbp, result.partner_gbp) == (-50_000, 0.0, -50_000.0)


def test_pay_gainshare_painshare_splits_the_overrun() -> None:
    pain = (ShareBand(0, 20_000, 0.5), ShareBand(20_000, None, 0.0))
    result = gainshare(baseline_gbp=1_000_000, actual_gbp=1_050_000, gain_bands=GAIN_BANDS, pain_bands=pain)
    assert (result.council_gbp, result.partner_gbp) == (-10_000.0, -40_000.0)


def test_pay_gainshare_closed_last_band_leaves_the_rest_to_the_partner() -> None:
    assert split_in_bands(150, bands=(ShareBand(0, 100, 0.5),)) == (50.0, 100.0)


@pytest.mark.parametrize(
    ("bands", "field"),
    [
        ((ShareBand(10, None, 0.5),), "gain_bands[0].from"),
        ((ShareBand(0, 100, 0.5), ShareBand(120, None, 0.5)), "gain_bands[1].from"),
        ((ShareBand(0, 100, 0.5), ShareBand(90, None, 0.5)), "gain_bands[1].from"),
        ((ShareBand(0, None, 0.5), ShareBand(100, None, 0.5)), "gain_bands[0].to"),
        ((ShareBand(0, 100, 1.5),), "gain_bands[0].council_share"),
        ((ShareBand(0, 0, 0.5),), "gain_bands[0].to"),
    ],
)
def test_pay_gainshare_bands_are_validated(bands: tuple[ShareBand, ...], field: str) -> None:
    with pytest.raises(InputError) as caught:
        validate_share_bands(bands, field_name="gain_bands")
    assert caught.value.field == field


# ------------------------------------------------------------------------------------- display


@pytest.mark.parametrize(
    ("amount", "shown"),
    [(0, "£0.00"), (312, "£312.00"), (1234567.891, "£1,234,567.89"), (2.675, "£2.68"), (-0.5, "-£0.50")],
)
def test_format_money_uses_pounds_thousands_and_pence(amount: float, shown: str) -> None:
    assert format_money(amount) == shown


def test_pennies_round_half_up() -> None:
    assert pennies(0.125) == Decimal("0.13")
    assert pennies(0.135) == Decimal("0.14")
    assert pennies(Decimal("1.005")) == Decimal("1.01")


# --------------------------------------------------------------------------------- properties


band_lists = st.lists(
    st.tuples(st.integers(1, 150), st.floats(0, 3, allow_nan=False)), min_size=1, max_size=4
).flatmap(lambda widths: st.tuples(st.just(widths), st.booleans()))


def _bands(threshold: int, widths: list[tuple[int, float]], open_last: bool) -> tuple[Band, ...]:
    bands = []
    start = threshold + 1
    for i, (width, multiplier) in enumerate(widths):
        last = i == len(widths) - 1
        bands.append(Band(start, None if last and open_last else start + width - 1, multiplier))
        start += width
    return tuple(bands)


mechanisms = st.builds(
    lambda threshold, widths_open, value, charge, cap: Mechanism(
        monthly_charge=charge,
        threshold=threshold,
        point_value=value,
        bands=_bands(threshold, *widths_open),
        cap=cap,
    ),
    st.integers(0, 60),
    band_lists,
    st.floats(0, 20, allow_nan=False),
    st.floats(0, 2e6, allow_nan=False),
    st.none() | st.floats(0, 1),
)
point_counts = st.floats(0, 2_000, allow_nan=False)


@given(mechanism=mechanisms, a=point_counts, b=point_counts)
def test_property_deduction_weakly_rises_with_points(mechanism: Mechanism, a: float, b: float) -> None:
    low, high = sorted((a, b))
    first = period_statement(mechanism, PeriodInput("2024-01", points=low))
    second = period_statement(mechanism, PeriodInput("2024-01", points=high))
    assert first.deduction_before_cap <= second.deduction_before_cap
    assert first.deduction <= second.deduction


@given(mechanism=mechanisms, points=point_counts)
def test_property_deduction_never_exceeds_cap_and_adds_up(mechanism: Mechanism, points: float) -> None:
    s = period_statement(mechanism, PeriodInput("2024-01", points=points))
    if mechanism.cap is not None:
        assert s.deduction <= mechanism.cap * s.charge
    assert 0 <= s.deduction <= s.deduction_before_cap
    assert s.payable + s.deduction == pytest.approx(s.charge, rel=1e-12, abs=1e-9)
    assert s.capped == (mechanism.cap is not None and s.deduction_before_cap > mechanism.cap * s.charge)


@st.composite
def portfolios(draw: st.DrawFn) -> dict[str, Any]:
    contracts = draw(st.integers(1, 3))
    kpis = draw(st.integers(1, 4))
    months = draw(st.integers(1, 8))
    shape = (contracts, kpis, months)
    values = st.sampled_from([0.0, 0.0, 0.0, 1.0, 2.5, 7.3, 20.0, 55.5]) | st.floats(0, 300, allow_nan=False)
    flat = draw(st.lists(values, min_size=contracts * kpis * months, max_size=contracts * kpis * months))
    relief = draw(st.lists(st.booleans(), min_size=len(flat), max_size=len(flat)))
    mechanisms_drawn = []
    for _ in range(contracts):
        threshold = draw(st.integers(0, 40))
        widths, open_last = draw(band_lists)
        ratchet = draw(st.none() | st.builds(Ratchet, st.integers(1, 4), st.floats(1, 3)))
        index = Index(draw(st.floats(50, 150)), {"2023-11": draw(st.floats(50, 150))})
        mechanisms_drawn.append(
            Mechanism(
                monthly_charge=draw(st.floats(0, 1e6)),
                threshold=threshold,
                point_value=draw(st.floats(0, 20)),
                bands=_bands(threshold, widths, open_last),
                indexed_share=draw(st.floats(0, 1)),
                index=index,
                cap=draw(st.none() | st.floats(0, 1)),
                ratchet=ratchet,
            )
        )
    return {
        "points": np.array(flat).reshape(shape),
        "relief": np.array(relief).reshape(shape),
        "mechanisms": mechanisms_drawn,
    }


def _periods(points: np.ndarray, relief: np.ndarray, c: int) -> list[PeriodInput]:
    _, kpis, months = points.shape
    names = [f"{2023 + (10 + m) // 12}-{(10 + m) % 12 + 1:02d}" for m in range(months)]  # from 2023-11
    return [
        PeriodInput(
            names[m],
            failures=tuple(
                Failure(f"KPI {k}", float(points[c, k, m]), relief=bool(relief[c, k, m]))
                for k in range(kpis)
                if points[c, k, m] > 0
            ),
        )
        for m in range(months)
    ]


def _vectorised(
    points: np.ndarray, relief: np.ndarray, mechanisms: list[Mechanism]
) -> tuple[payment.PortfolioResult, np.ndarray]:
    months = points.shape[2]
    charge = np.array(
        [
            indexed_charge(
                m.monthly_charge,
                indexed_share=m.indexed_share,
                index_value=np.full(months, next(iter(m.index.values.values()))),
                index_base=m.index.base,
            )
            if m.index is not None
            else np.full(months, m.monthly_charge)
            for m in mechanisms
        ]
    )
    result = portfolio_deductions(
        points,
        relief=relief,
        charge=charge,
        point_value=[m.point_value for m in mechanisms],
        bands=band_table([m.bands for m in mechanisms], thresholds=[m.threshold for m in mechanisms]),
        cap=[np.nan if m.cap is None else m.cap for m in mechanisms],
        ratchet_consecutive=[0 if m.ratchet is None else m.ratchet.consecutive for m in mechanisms],
        ratchet_multiplier=[1.0 if m.ratchet is None else m.ratchet.multiplier for m in mechanisms],
        chunk_contracts=2,
    )
    return result, charge


@settings(max_examples=150, deadline=None)
@given(portfolio=portfolios())
def test_property_vectorised_portfolio_agrees_exactly_with_scalar_statements(
    portfolio: dict[str, Any],
) -> None:
    points, relief, mechanisms = portfolio["points"], portfolio["relief"], portfolio["mechanisms"]
    result, charge = _vectorised(points, relief, mechanisms)
    for c, mechanism in enumerate(mechanisms):
        statement = payment_statement(mechanism, _periods(points, relief, c))
        # exact equality, not approx: both paths do the same float operations in the same order
        assert [s.charge for s in statement.periods] == charge[c].tolist()
        assert [s.points for s in statement.periods] == result.points[c].tolist()
        assert [s.deduction_before_cap for s in statement.periods] == result.deduction_before_cap[c].tolist()
        assert [s.deduction for s in statement.periods] == result.deduction[c].tolist()
        assert [s.capped for s in statement.periods] == result.capped[c].tolist()
        assert [s.payable for s in statement.periods] == result.payable[c].tolist()


def test_vectorised_agrees_with_scalar_on_a_random_portfolio() -> None:
    rng = np.random.default_rng(20240401)
    contracts, kpis, months = 12, 15, 30
    shape = (contracts, kpis, months)
    severity = rng.choice([1.0, 2.0, 5.0, 10.0, 25.0], size=shape) * rng.uniform(0.5, 3.0, size=shape)
    points = np.where(rng.random(shape) < 0.3, severity, 0.0)
    relief = rng.random(points.shape) < 0.1
    mechanisms = [
        Mechanism(
            monthly_charge=float(rng.uniform(1e4, 1e6)),
            threshold=int(t),
            point_value=float(rng.uniform(1, 50)),
            bands=(Band(int(t) + 1, int(t) + 50, 1.0), Band(int(t) + 51, None, 1.25)),
            indexed_share=0.4,
            index=Index(100.0, {"2023-11": float(rng.uniform(95, 120))}),
            cap=0.002 if c % 3 else None,
            ratchet=Ratchet(3, 1.5) if c % 2 else None,
        )
        for c, t in enumerate(rng.integers(0, 30, size=contracts))
    ]
    result, _ = _vectorised(points, relief, mechanisms)
    for c, mechanism in enumerate(mechanisms):
        statement = payment_statement(mechanism, _periods(points, relief, c))
        assert [s.deduction for s in statement.periods] == result.deduction[c].tolist()
        assert [s.payable for s in statement.periods] == result.payable[c].tolist()
    assert result.capped.any()
    assert not result.capped.all()


def test_consecutive_failure_runs_along_the_month_axis() -> None:
    failing = np.array([[[True, True, False, True], [False, True, True, True]]])
    assert consecutive_failure_runs(failing).tolist() == [[[1, 2, 0, 1], [0, 1, 2, 3]]]


def test_portfolio_checks_its_inputs() -> None:
    table = band_table([DESIGN_BANDS], thresholds=[20])
    with pytest.raises(InputError, match=r"^points"):
        portfolio_deductions(np.ones((1, 2)), charge=[1.0], point_value=[1.0], bands=table)
    with pytest.raises(InputError, match=r"^points"):
        portfolio_deductions(-np.ones((1, 1, 1)), charge=[1.0], point_value=[1.0], bands=table)
    with pytest.raises(InputError, match=r"^cap"):
        portfolio_deductions(np.ones((1, 1, 1)), charge=[1.0], point_value=[1.0], bands=table, cap=[1.5])
    with pytest.raises(InputError, match=r"^point_value"):
        portfolio_deductions(np.ones((1, 1, 1)), charge=[1.0], point_value=[1.0, 2.0], bands=table)
    with pytest.raises(InputError, match=r"^bands\[0\]\[0\]\.from"):
        band_table([(Band(5, None, 1.0),)], thresholds=[20])


# ---------------------------------------------------------------------------------- the module


PAYMENT_SUBMODULES = tuple(
    importlib.import_module(f"{payment.__name__}.{info.name}")
    for info in pkgutil.iter_modules(payment.__path__)
)


def test_payment_package_has_its_submodules() -> None:
    names = {module.__name__.rsplit(".", 1)[-1] for module in PAYMENT_SUBMODULES}
    assert names >= {"mechanism", "rules", "statement", "portfolio", "gain_sharing"}


@pytest.mark.parametrize("module", [payment, *PAYMENT_SUBMODULES], ids=lambda module: module.__name__)
def test_payment_doctests_pass(module: ModuleType) -> None:
    # testmod only collects what a module defines, not what it imports, so each submodule is run on its own.
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0 or module is payment


def test_payment_doctests_were_not_lost_in_the_split() -> None:
    examples = sum(
        len(test.examples) for module in PAYMENT_SUBMODULES for test in doctest.DocTestFinder().find(module)
    )
    assert examples >= 30  # the examples payment.py had as a single module


def test_payment_and_performance_do_not_import_django() -> None:
    code = (
        "import sys, forbetter.calc.payment, forbetter.calc.performance, "
        "forbetter.contracts.payment_statement; "
        "sys.exit(1 if any(name.split('.')[0] == 'django' for name in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# ------------------------------------------------------------- issue 9: dates, periods, adjustments


def test_pay_index_annual_uprates_once_a_year_in_the_indexation_month() -> None:
    """Rule PAY-INDEX-ANNUAL [SoPC4 ch. 7]: the indexed share is uprated once a year, in the contract's
    indexation (anniversary) month, and the uprating holds for the next twelve months."""
    index = Index(100.0, {"2024-04": 104.0, "2024-05": 105.0, "2025-03": 110.0, "2025-04": 108.0})
    mechanism = design_mechanism(indexed_share=0.5, index=index, indexation_month=4, effective_from="2024-04")
    months = ["2024-04", "2024-05", "2025-03", "2025-04"]
    statement = payment_statement(mechanism, [PeriodInput(m, points=0) for m in months])
    assert [round(p.charge, 2) for p in statement.periods] == [102_000.0, 102_000.0, 102_000.0, 104_000.0]
    assert "the index for April 2024, the indexation month" in statement.periods[2].lines[0]
    assert payment.uprating_month("2024-03", indexation_month=4, effective_from="2024-04") is None


def test_pay_charge_in_force_applies_a_variation_from_its_month() -> None:
    """Rule PAY-CHARGE-IN-FORCE: a change-control variation changes the charge from a month; earlier months
    keep the charge in force then."""
    mechanism = design_mechanism(charge_changes=(payment.ChargeChange("2024-06", 90_000.0),))
    statement = payment_statement(
        mechanism, [PeriodInput("2024-05", points=0), PeriodInput("2024-06", points=0)]
    )
    assert [p.charge for p in statement.periods] == [100_000.0, 90_000.0]
    with pytest.raises(InputError) as caught:
        design_mechanism(charge_changes=(payment.ChargeChange("2024-6", 1.0),))
    assert caught.value.field == "charge_changes[0].from"


def test_pay_ratchet_counts_consecutive_periods_of_a_quarterly_kpi() -> None:
    """Rule PAY-RATCHET for non-monthly KPIs: the run counts the KPI's own periods, so a quarterly KPI failing
    in June, September and December has failed three quarters running, while a monthly KPI failing in June
    and September has not failed two months running."""
    quarterly = Failure("Q", 30, period_months=3)
    monthly = Failure("M", 30)
    periods = [
        month(f"2024-{m:02d}", *((quarterly, monthly) if m in (6, 9, 12) else ())) for m in range(6, 13)
    ]
    runs = failure_runs(periods)
    assert [r.get("Q") for r in runs if r] == [1, 2, 3]
    assert [r.get("M") for r in runs if r] == [1, 1, 1]
    mechanism = design_mechanism(ratchet=Ratchet(3, 2.0), cap=None)
    december = payment_statement(mechanism, periods).periods[-1]
    assert december.points == 90.0
    assert any("failed 3 quarters running" in line for line in december.lines)


def test_pay_threshold_scope_applies_the_free_points_as_the_contract_says() -> None:
    """Rule PAY-THRESHOLD-SCOPE: the monthly free threshold covers every KPI, or monthly KPIs only; it is a
    setting of the mechanism, not silently applied to both."""
    failures = (Failure("M", 10), Failure("Q", 30, period_months=3))
    shared = period_statement(design_mechanism(), month("2024-06", *failures))
    monthly_only = period_statement(
        design_mechanism(threshold_scope="monthly_kpis"), month("2024-06", *failures)
    )
    assert (shared.deduction, monthly_only.deduction) == (60.0, 90.0)
    assert any("cover every KPI" in line for line in shared.lines)
    with pytest.raises(InputError) as caught:
        design_mechanism(threshold_scope="quarterly")
    assert caught.value.field == "threshold_scope"


def test_pay_missing_return_is_failed_with_stated_points_or_held_provisional() -> None:
    """Rule PAY-MISSING-RETURN: a KPI period with no validated value by the statement date is handled by the
    mechanism's rule: treated as failed with the stated points, or held as provisional (no points now)."""
    period = PeriodInput(
        "2024-04", failures=(Failure("A", 100),), missing=(payment.Missing("B", 5, "disputed"),)
    )
    held = period_statement(design_mechanism(), period)
    assert (held.points, held.provisional, held.deemed_failed) == (100.0, ("B",), ())
    failed = period_statement(design_mechanism(missing_rule="fail", missing_points=20), period)
    assert (failed.points, failed.deduction, failed.deemed_failed) == (120.0, 312.0, ("B",))
    own_points = period_statement(design_mechanism(missing_rule="fail"), period)
    assert own_points.points == 105.0


def test_pay_late_adjustment_makes_the_month_whole_without_counting_twice() -> None:
    """Rule PAY-LATE-ADJUSTMENT: the frozen deduction plus the adjustments equal the deduction the month
    would have had with every failure known in time, whatever the order (nothing lost, nothing twice)."""
    mechanism = design_mechanism()
    frozen = period_statement(mechanism, month("2024-04", Failure("A", 90)))
    full = period_statement(
        mechanism, month("2024-04", Failure("A", 90), Failure("B", 40), Failure("C", 3000))
    )
    adjustments = (
        payment.Adjustment(
            "B", "2024-04", 40, "2024-05-20", month_points=90, month_deduction=frozen.deduction
        ),
        payment.Adjustment(
            "C", "2024-04", 3000, "2024-05-21", month_points=90, month_deduction=frozen.deduction
        ),
    )
    may = period_statement(mechanism, PeriodInput("2024-05", failures=(), adjustments=adjustments))
    assert frozen.deduction + may.adjustment_total == pytest.approx(full.deduction)
    assert full.capped  # the cap of the original month holds across the adjustments
    assert may.payable == pytest.approx(100_000.0 - may.adjustment_total)
    assert "Adjustment for April 2024: KPI 'B' failure validated on 20 May 2024" in may.lines[-3]


def test_pay_ratchet_carried_from_the_stored_state_equals_recomputing_from_the_start() -> None:
    """Item 11: a draft worked out from the last approved month's stored ratchet state gives exactly the
    figures of a recomputation from the first month."""
    mechanism = design_mechanism(ratchet=Ratchet(2, 1.5), cap=None)
    periods = [
        month(
            f"2024-{m:02d}", Failure("A", 30), *((Failure("Q", 50, period_months=3),) if m % 3 == 0 else ())
        )
        for m in range(1, 13)
    ]
    whole = payment_statement(mechanism, periods)
    stored = whole.periods[7].runs
    assert stored is not None
    tail = payment_statement(mechanism, periods[8:], opening=stored)
    assert [p.deduction for p in tail.periods] == [p.deduction for p in whole.periods[8:]]
    assert [p.lines for p in tail.periods] == [p.lines for p in whole.periods[8:]]


def test_pay_rounding_is_done_once_and_the_statement_adds_up() -> None:
    """Rule PAY-ROUNDING: every user of a statement takes its pounds and pence from rounded_statement:
    payable = charge - deduction - adjustments of the rounded figures, totals are sums of rounded months."""
    mechanism = design_mechanism(
        monthly_charge=100_000.0 / 3, indexed_share=0.3, index=Index(108.0, {"2024-04": 112.4})
    )
    statement = payment.rounded_statement(
        payment_statement(mechanism, [PeriodInput("2024-04", points=121), PeriodInput("2024-05", points=7)])
    )
    for p in statement.periods:
        assert p.payable_gbp == p.charge_gbp - p.deduction_gbp - p.adjustment_total_gbp
        assert p.charge_gbp == p.charge_gbp.quantize(Decimal("0.01"))
    assert statement.total_payable_gbp == sum(p.payable_gbp for p in statement.periods)


def test_pay_gainshare_baseline_is_pro_rated_for_part_years_and_uprated_by_the_index() -> None:
    """Rule PAY-GAINSHARE-BASELINE: a four-month year has four twelfths of the baseline, uprated like the
    charge, so it cannot show a full-year saving."""
    baseline = payment.gainshare_baseline(1_200_000, monthly_uprating=[1.0, 1.0, 1.0, 1.0])
    assert baseline.baseline_gbp == pytest.approx(400_000.0)
    result = gainshare(
        baseline_gbp=baseline.baseline_gbp, actual_gbp=380_000, gain_bands=[ShareBand(0, None, 0.5)]
    )
    assert result.saving_gbp == pytest.approx(20_000.0)  # not 820,000 against the full year
    uprated = payment.gainshare_baseline(1_200_000, monthly_uprating=[1.05] * 12)
    assert uprated.baseline_gbp == pytest.approx(1_260_000.0)
    assert "4 of the year's 12 months (pro-rated)" in baseline.line
    with pytest.raises(InputError):
        payment.gainshare_baseline(1_200_000, monthly_uprating=[])
