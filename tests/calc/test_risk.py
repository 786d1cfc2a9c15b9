"""Quantified risk: scoring bands, three-point estimates and the Monte Carlo engine (forbetter.calc.risk).

Worked examples cite their sources: ODPM, Risk Management Technical Notes (2004) for the 5 x 5 scoring;
Vose, Risk Analysis, 3rd ed. (2008) for the PERT and triangular means; Iman and Conover (1982) and the
Pearson (1907) relation rho = (6 / pi) arcsin(r / 2) (Kendall and Gibbons 1990) for rank correlation.
"""

from __future__ import annotations

import dataclasses
import doctest
import importlib
import itertools
import math
import pkgutil
import tracemalloc
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from forbetter.calc import risk
from forbetter.calc.errors import InputError
from forbetter.calc.risk import (
    DEFAULT_SCORE_BANDS,
    MAX_ITERATIONS,
    Allocation,
    Distribution,
    QuantifiedRisk,
    ScoreBand,
    impact_label,
    impact_mean_gbp,
    likelihood_label,
    lowest_common_rank_correlation,
    normal_correlation_for_rank_correlation,
    pert_mean,
    pert_shape,
    register_mean_gbp,
    risk_mean_gbp,
    risk_score,
    score_band,
    simulate_register,
    simulation,
    triangular_mean,
    validate_score_bands,
)

# --------------------------------------------------------------------------------------------------------
# Registers used below
# --------------------------------------------------------------------------------------------------------


def realistic_register(count: int = 40) -> list[QuantifiedRisk]:
    """A register shaped like a service partnership's: many modest risks, some large, a few fixed amounts,
    split between council, partner and shared (council share 40%)."""
    rng = np.random.default_rng(20240601)
    allocations: tuple[Allocation, ...] = ("council", "partner", "shared")
    risks = []
    for index in range(count):
        minimum = float(rng.choice([0, 5_000, 10_000, 25_000, 50_000]))
        mode = minimum + float(rng.integers(0, 20)) * 5_000
        maximum = mode + float(rng.integers(1, 40)) * 10_000
        if index % 13 == 12:  # a fixed impact, such as a contractual penalty
            minimum = mode = maximum = 75_000.0
        allocation = allocations[index % 3]
        risks.append(
            QuantifiedRisk(
                id=f"R{index + 1:02d}",
                probability=float(rng.choice([0.05, 0.1, 0.2, 0.3, 0.5, 0.7])),
                minimum_gbp=minimum,
                mode_gbp=mode,
                maximum_gbp=maximum,
                distribution="triangular" if index % 4 == 3 else "pert",
                allocation=allocation,
                council_share=0.4 if allocation == "shared" else None,
            )
        )
    return risks


def fixed(identifier: str, amount: float, probability: float = 1.0, **options: Any) -> QuantifiedRisk:
    return QuantifiedRisk(
        id=identifier,
        probability=probability,
        minimum_gbp=amount,
        mode_gbp=amount,
        maximum_gbp=amount,
        **options,
    )


def good_risk(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": "R1",
        "probability": 0.3,
        "minimum_gbp": 10_000,
        "mode_gbp": 20_000,
        "maximum_gbp": 60_000,
        "distribution": "pert",
        "allocation": "council",
    }
    values.update(changes)
    return values


def dense_reservoir(
    register: list[QuantifiedRisk], *, iterations: int, seed: int, correlation: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(costs per iteration and risk, occurred mask, totals) of the engine's reservoir, as dense arrays."""
    totals, _council, (iteration, which, cost) = simulation._simulate_totals(
        register,
        iterations=iterations,
        seed=seed,
        copula=simulation._Copula.for_correlation(correlation, len(register)),
        chunk_iterations=8_192,
        reservoir_iterations=iterations,
    )
    costs = np.zeros((iterations, len(register)))
    occurred = np.zeros((iterations, len(register)), dtype=bool)
    costs[iteration, which] = cost
    occurred[iteration, which] = True
    return costs, occurred, totals


# --------------------------------------------------------------------------------------------------------
# Scoring (ODPM 2004; DESIGN section 5)
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("likelihood", "impact", "score"), [(1, 1, 1), (4, 3, 12), (3, 4, 12), (5, 5, 25)])
def test_risk_score_is_likelihood_times_impact(likelihood: int, impact: int, score: int) -> None:
    assert risk_score(likelihood, impact) == score


def test_default_bands_are_low_medium_high_very_high() -> None:
    names = {score: score_band(score).name for score in range(1, 26)}
    assert [score for score, name in names.items() if name == "low"] == [1, 2, 3]
    assert [score for score, name in names.items() if name == "medium"] == list(range(4, 10))
    assert [score for score, name in names.items() if name == "high"] == list(range(10, 16))
    assert [score for score, name in names.items() if name == "very high"] == list(range(16, 26))


def test_every_cell_of_the_five_by_five_matrix_has_a_band() -> None:
    for likelihood, impact in itertools.product(range(1, 6), repeat=2):
        assert score_band(risk_score(likelihood, impact)) in DEFAULT_SCORE_BANDS


def test_likelihood_and_impact_labels() -> None:
    assert [likelihood_label(k) for k in range(1, 6)] == [
        "rare",
        "unlikely",
        "possible",
        "likely",
        "almost certain",
    ]
    assert [impact_label(k) for k in range(1, 6)] == [
        "insignificant",
        "minor",
        "moderate",
        "major",
        "catastrophic",
    ]


@pytest.mark.parametrize("bad", [0, 6, -1, 2.5, True, "3", None])
def test_likelihood_or_impact_off_the_scale_is_refused(bad: Any) -> None:
    with pytest.raises(InputError) as raised:
        risk_score(bad, 3)
    assert raised.value.field == "likelihood"
    with pytest.raises(InputError) as raised:
        risk_score(3, bad)
    assert raised.value.field == "impact"
    with pytest.raises(InputError):
        likelihood_label(bad)


def test_configured_bands_are_used() -> None:
    bands = [ScoreBand("acceptable", 1, 6), ScoreBand("tolerable", 7, 14), ScoreBand("unacceptable", 15, 25)]
    assert [score_band(score, bands=bands).name for score in (1, 6, 7, 14, 15, 25)] == [
        "acceptable",
        "acceptable",
        "tolerable",
        "tolerable",
        "unacceptable",
        "unacceptable",
    ]


@pytest.mark.parametrize(
    ("bands", "field", "words"),
    [
        ([], "bands", "at least one"),
        ([ScoreBand("low", 2, 25)], "bands[0].lowest", "start at 1"),
        ([ScoreBand("low", 1, 8), ScoreBand("high", 10, 25)], "bands[1].lowest", "score 9 has no band"),
        ([ScoreBand("low", 1, 8), ScoreBand("high", 8, 25)], "bands[1].lowest", "overlaps"),
        ([ScoreBand("low", 1, 8), ScoreBand("high", 9, 24)], "bands[1].highest", "end at 25"),
        ([ScoreBand("low", 1, 8), ScoreBand("high", 9, 26)], "bands[1].highest", "end at 25"),
        ([ScoreBand("low", 1, 0), ScoreBand("high", 1, 25)], "bands[0].highest", "below"),
        ([ScoreBand("low", 1, 8), ScoreBand("low", 9, 25)], "bands[1].name", "used by another band"),
        ([ScoreBand("", 1, 25)], "bands[0].name", "name"),
        ([ScoreBand("all", 1.0, 25)], "bands[0].lowest", "whole number"),  # type: ignore[arg-type]
    ],
)
def test_bands_with_gaps_overlaps_or_bad_ends_are_refused(
    bands: list[ScoreBand], field: str, words: str
) -> None:
    with pytest.raises(InputError) as raised:
        validate_score_bands(bands)
    assert raised.value.field == field
    assert words in raised.value.message


def test_score_band_refuses_a_score_outside_1_to_25() -> None:
    for bad in (0, 26, 3.0):
        with pytest.raises(InputError) as raised:
            score_band(bad)  # type: ignore[arg-type]
        assert raised.value.field == "score"


# --------------------------------------------------------------------------------------------------------
# Three-point estimates (Vose 2008)
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minimum", "mode", "maximum"),
    [(0, 25, 100), (10_000, 40_000, 100_000), (5, 5, 50), (5, 50, 50), (1_000, 1_000, 1_000)],
)
def test_pert_and_triangular_means_are_the_closed_forms(minimum: float, mode: float, maximum: float) -> None:
    assert pert_mean(minimum, mode, maximum) == pytest.approx((minimum + 4 * mode + maximum) / 6)
    assert triangular_mean(minimum, mode, maximum) == pytest.approx((minimum + mode + maximum) / 3)
    if maximum > minimum:
        # The same means from scipy's distributions: the Beta-PERT is a scaled Beta(alpha, beta).
        alpha, beta = pert_shape(minimum, mode, maximum)
        scale = maximum - minimum
        assert stats.beta(alpha, beta, loc=minimum, scale=scale).mean() == pytest.approx(
            pert_mean(minimum, mode, maximum)
        )
        shape = (mode - minimum) / scale
        assert stats.triang(shape, loc=minimum, scale=scale).mean() == pytest.approx(
            triangular_mean(minimum, mode, maximum)
        )


def test_pert_shape_worked_example() -> None:
    # alpha = 1 + 4 (25 - 0) / 100 = 2; beta = 1 + 4 (100 - 25) / 100 = 4
    assert pert_shape(0, 25, 100) == (2.0, 4.0)


def test_pert_shape_of_a_fixed_impact_is_refused() -> None:
    with pytest.raises(InputError):
        pert_shape(5, 5, 5)


def test_analytic_mean_of_a_risk_is_probability_times_impact_mean() -> None:
    delay = QuantifiedRisk(id="delay", probability=0.25, minimum_gbp=60, mode_gbp=120, maximum_gbp=300)
    assert impact_mean_gbp(delay) == pytest.approx(140.0)  # (60 + 480 + 300) / 6
    assert risk_mean_gbp(delay) == pytest.approx(35.0)
    triangular = dataclasses.replace(delay, distribution="triangular")
    assert risk_mean_gbp(triangular) == pytest.approx(0.25 * 160.0)  # (60 + 120 + 300) / 3
    assert register_mean_gbp([delay, dataclasses.replace(triangular, id="t")]) == pytest.approx(75.0)


@pytest.mark.parametrize("shape", [0.0, 0.003, 0.1, 0.25, 0.5, 0.8, 1.0])
def test_quantile_table_matches_scipy_to_a_few_millionths_of_the_range(shape: float) -> None:
    """The engine's tabulated inverse matches scipy's Beta and triangular quantiles closely."""
    low, high = 10_000.0, 90_000.0
    mode = low + shape * (high - low)
    pert = QuantifiedRisk(id="p", probability=1, minimum_gbp=low, mode_gbp=mode, maximum_gbp=high)
    triangular = dataclasses.replace(pert, id="t", distribution="triangular")
    tables = simulation._QuantileTables.for_register([pert, triangular])
    scores = np.random.default_rng(1).uniform(-6, 6, 20_000)
    alpha, beta = pert_shape(low, mode, high)
    expected_pert = stats.beta(alpha, beta, loc=low, scale=high - low).ppf(special.ndtr(scores))
    expected_triangular = stats.triang(shape, loc=low, scale=high - low).ppf(special.ndtr(scores))
    got_pert = tables.costs(scores.copy(), np.zeros(scores.size, dtype=np.intp))
    got_triangular = tables.costs(scores.copy(), np.ones(scores.size, dtype=np.intp))
    assert np.max(np.abs(got_pert - expected_pert)) < 3e-6 * (high - low)
    assert np.max(np.abs(got_triangular - expected_triangular)) < 3e-6 * (high - low)


@pytest.mark.parametrize("distribution", ["pert", "triangular"])
def test_simulated_impacts_follow_the_three_point_distribution(distribution: Distribution) -> None:
    certain = QuantifiedRisk(
        id="x", probability=1, minimum_gbp=100, mode_gbp=180, maximum_gbp=500, distribution=distribution
    )
    result = simulate_register([certain], iterations=100_000, seed=3)
    frozen = (
        stats.beta(*pert_shape(100, 180, 500), loc=100, scale=400)
        if distribution == "pert"
        else stats.triang(0.2, loc=100, scale=400)
    )
    assert result.mean_gbp == pytest.approx(frozen.mean(), rel=0.005)
    assert result.sd_gbp == pytest.approx(frozen.std(), rel=0.02)
    for percent in (10, 50, 80, 90, 95):
        assert result.s_curve_gbp[percent] == pytest.approx(frozen.ppf(percent / 100), rel=0.01)


def test_fixed_impact_when_min_mode_and_max_are_equal() -> None:
    result = simulate_register([fixed("penalty", 5_000)], iterations=1_000, seed=0)
    assert set(result.s_curve_gbp) == {5_000.0}
    assert result.sd_gbp == 0.0
    sometimes = simulate_register([fixed("penalty", 5_000, probability=0.3)], iterations=20_000, seed=0)
    assert {sometimes.p10_gbp, sometimes.p95_gbp} == {0.0, 5_000.0}
    assert sometimes.mean_gbp == pytest.approx(1_500, rel=0.05)


# --------------------------------------------------------------------------------------------------------
# Monte Carlo: accuracy
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("correlation", [0.0, 0.3])
def test_simulated_mean_is_within_half_a_percent_of_the_analytic_mean(correlation: float) -> None:
    register = realistic_register()
    result = simulate_register(register, iterations=100_000, seed=11, correlation=correlation)
    assert result.analytic_mean_gbp == pytest.approx(register_mean_gbp(register))
    # the tolerance is at least three standard errors, so the check means something and is not flaky
    assert result.sd_gbp / math.sqrt(result.iterations) < 0.005 / 3 * result.analytic_mean_gbp
    assert abs(result.mean_gbp / result.analytic_mean_gbp - 1) < 0.005
    assert abs(result.council.mean_gbp / result.council.analytic_mean_gbp - 1) < 0.01
    assert abs(result.partner.mean_gbp / result.partner.analytic_mean_gbp - 1) < 0.01


@pytest.mark.parametrize("correlation", [0.3, 0.7])
def test_achieved_rank_correlation_is_the_one_requested(correlation: float) -> None:
    result = simulate_register(realistic_register(), iterations=100_000, seed=5, correlation=correlation)
    assert result.achieved_rank_correlation is not None
    assert result.achieved_rank_correlation == pytest.approx(correlation, abs=0.05)


def test_a_feasible_negative_correlation_is_achieved() -> None:
    register = [
        QuantifiedRisk(id=name, probability=0.9, minimum_gbp=0, mode_gbp=10, maximum_gbp=40) for name in "abc"
    ]
    assert lowest_common_rank_correlation(3) == pytest.approx(-0.4826, abs=1e-4)
    result = simulate_register(register, iterations=50_000, seed=2, correlation=-0.4)
    assert result.achieved_rank_correlation == pytest.approx(-0.4, abs=0.05)


def test_achieved_rank_correlation_agrees_with_pairwise_spearman_where_both_happen() -> None:
    register = realistic_register(8)
    costs, occurred, _totals = dense_reservoir(register, iterations=20_000, seed=4, correlation=0.5)
    uncertain = [j for j, item in enumerate(register) if item.maximum_gbp > item.minimum_gbp]
    pairwise = []
    weights = []
    for j, k in itertools.combinations(uncertain, 2):
        both = occurred[:, j] & occurred[:, k]
        pairwise.append(stats.spearmanr(costs[both, j], costs[both, k]).statistic)
        weights.append(both.sum())
    result = simulate_register(register, iterations=20_000, seed=4, correlation=0.5)
    assert result.achieved_rank_correlation == pytest.approx(np.average(pairwise, weights=weights), abs=0.01)


def test_tornado_is_scipy_spearman_of_each_cost_with_the_total() -> None:
    register = [*realistic_register(6), fixed("never", 10, probability=0.0), fixed("always", 10)]
    costs, _occurred, totals = dense_reservoir(register, iterations=5_000, seed=9, correlation=0.2)
    result = simulate_register(register, iterations=5_000, seed=9, correlation=0.2)
    assert result.reservoir_iterations == 5_000
    by_id = {bar.id: bar.rank_correlation for bar in result.tornado}
    for j, item in enumerate(register):
        if np.ptp(costs[:, j]) == 0:
            assert by_id[item.id] == 0.0  # a cost that never varies has no rank correlation
        else:
            assert by_id[item.id] == pytest.approx(stats.spearmanr(costs[:, j], totals).statistic, abs=1e-9)


def test_tornado_lists_every_risk_largest_magnitude_first() -> None:
    register = realistic_register(12)
    result = simulate_register(register, iterations=5_000, seed=1)
    assert sorted(bar.id for bar in result.tornado) == sorted(item.id for item in register)
    magnitudes = [abs(bar.rank_correlation) for bar in result.tornado]
    assert magnitudes == sorted(magnitudes, reverse=True)


# --------------------------------------------------------------------------------------------------------
# Monte Carlo: reproducibility, outputs, the council's part
# --------------------------------------------------------------------------------------------------------


def test_same_seed_gives_identical_results() -> None:
    register = realistic_register(10)
    first = simulate_register(register, iterations=5_000, seed=42, correlation=0.4)
    assert simulate_register(register, iterations=5_000, seed=42, correlation=0.4) == first


def test_different_seeds_give_different_results() -> None:
    register = realistic_register(10)
    first = simulate_register(register, iterations=5_000, seed=1, correlation=0.4)
    second = simulate_register(register, iterations=5_000, seed=2, correlation=0.4)
    assert first.mean_gbp != second.mean_gbp
    assert first.s_curve_gbp != second.s_curve_gbp


@pytest.mark.parametrize("correlation", [0.0, 0.6, -0.02])
def test_chunk_size_does_not_change_results(correlation: float) -> None:
    register = realistic_register(10)
    results = [
        simulate_register(register, iterations=9_000, seed=8, correlation=correlation, chunk_iterations=chunk)
        for chunk in (1, 3_000, 50_000, None)
    ]
    assert all(result == results[0] for result in results[1:])


def test_council_pays_council_risks_its_share_of_shared_and_none_of_partner_risks() -> None:
    # Every risk happens at a fixed amount, so every iteration is hand-checkable:
    # council 100 + 25% of 200 = 150; partner 50 + 75% of 200 = 200; total 350.
    register = [
        fixed("ours", 100, allocation="council"),
        fixed("theirs", 50, allocation="partner"),
        fixed("both", 200, allocation="shared", council_share=0.25),
    ]
    result = simulate_register(register, iterations=1_000, seed=0)
    assert (result.mean_gbp, result.p10_gbp, result.p95_gbp) == (350.0, 350.0, 350.0)
    assert (result.council.mean_gbp, result.council.p50_gbp, result.council.p80_gbp) == (150.0, 150.0, 150.0)
    assert (result.partner.mean_gbp, result.partner.p50_gbp, result.partner.p80_gbp) == (200.0, 200.0, 200.0)
    assert (result.council.analytic_mean_gbp, result.partner.analytic_mean_gbp) == (150.0, 200.0)


def test_council_analytic_mean_weights_shared_risks_by_the_share() -> None:
    register = [
        fixed("ours", 1_000, probability=0.5),
        fixed("shared", 2_000, probability=0.1, allocation="shared", council_share=0.6),
        fixed("theirs", 9_000, probability=0.2, allocation="partner"),
    ]
    assert register_mean_gbp(register) == pytest.approx(500 + 200 + 1_800)
    assert register_mean_gbp(register, borne_by="council") == pytest.approx(500 + 120)
    assert register_mean_gbp(register, borne_by="partner") == pytest.approx(80 + 1_800)


def test_outputs_are_plain_python_numbers_with_the_documented_shapes() -> None:
    result = simulate_register(
        realistic_register(5), iterations=2_000, seed=0, correlation=0.3, histogram_bins=25
    )
    for name in ("mean_gbp", "sd_gbp", "p10_gbp", "p50_gbp", "p80_gbp", "p90_gbp", "p95_gbp"):
        assert type(getattr(result, name)) is float
    assert len(result.s_curve_gbp) == 101
    assert all(type(value) is float for value in result.s_curve_gbp)
    assert list(result.s_curve_gbp) == sorted(result.s_curve_gbp)
    assert result.s_curve_gbp[50] == result.p50_gbp
    assert result.s_curve_gbp[95] == result.p95_gbp
    assert len(result.histogram.counts) == 25
    assert len(result.histogram.edges_gbp) == 26
    assert sum(result.histogram.counts) == 2_000
    assert type(result.achieved_rank_correlation) is float
    assert all(type(bar.rank_correlation) is float for bar in result.tornado)


def test_progress_is_reported_after_each_chunk_up_to_one() -> None:
    reported: list[float] = []
    simulate_register(
        realistic_register(5), iterations=10_000, seed=0, chunk_iterations=2_048, progress=reported.append
    )
    assert reported == sorted(reported)
    assert len(reported) == 5  # chunks of 2,048 iterations
    assert reported[-1] == 1.0


class RunCancelledError(Exception):
    pass


def test_an_exception_from_progress_stops_the_run() -> None:
    def cancel(fraction: float) -> None:
        raise RunCancelledError

    with pytest.raises(RunCancelledError):
        simulate_register(realistic_register(5), iterations=10_000, progress=cancel)


def test_no_achieved_correlation_is_reported_without_a_correlation() -> None:
    assert simulate_register(realistic_register(5), iterations=1_000).achieved_rank_correlation is None


def test_memory_stays_bounded_by_chunking() -> None:
    # 100 risks x 200,000 iterations is 20 million cells: 160 MB for one dense float64 array, several
    # times that for a textbook run. Chunks and a bounded reservoir keep the engine to a fraction of it.
    register = realistic_register(100)
    tracemalloc.start()
    try:
        simulate_register(register, iterations=200_000, seed=0, correlation=0.3)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20


# --------------------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------------------

amounts = st.integers(min_value=0, max_value=1_000_000).map(float)


@st.composite
def three_point_risks(draw: st.DrawFn, identifier: str) -> QuantifiedRisk:
    low, middle, high = sorted(draw(st.tuples(amounts, amounts, amounts)))
    allocation: Allocation = draw(st.sampled_from(["council", "partner", "shared"]))
    return QuantifiedRisk(
        id=identifier,
        probability=draw(st.floats(min_value=0, max_value=1)),
        minimum_gbp=low,
        mode_gbp=middle,
        maximum_gbp=high,
        distribution=draw(st.sampled_from(["pert", "triangular"])),
        allocation=allocation,
        council_share=draw(st.floats(min_value=0, max_value=1)) if allocation == "shared" else None,
    )


@st.composite
def registers(draw: st.DrawFn) -> list[QuantifiedRisk]:
    count = draw(st.integers(min_value=1, max_value=6))
    return [draw(three_point_risks(f"R{index}")) for index in range(count)]


@settings(max_examples=30, deadline=None)
@given(register=registers(), seed=st.integers(min_value=0, max_value=2**32), rank=st.floats(-1, 1))
def test_percentiles_are_ordered_and_the_parts_add_up(
    register: list[QuantifiedRisk], seed: int, rank: float
) -> None:
    correlation = max(rank, lowest_common_rank_correlation(len(register)) + 1e-9)
    result = simulate_register(register, iterations=500, seed=seed, correlation=correlation)
    assert result.p10_gbp <= result.p50_gbp <= result.p80_gbp <= result.p90_gbp <= result.p95_gbp
    assert result.s_curve_gbp[0] >= 0.0
    assert result.s_curve_gbp[100] <= sum(r.maximum_gbp for r in register)
    assert result.council.mean_gbp + result.partner.mean_gbp == pytest.approx(result.mean_gbp, abs=1e-6)
    assert result.council.p50_gbp <= result.s_curve_gbp[100]
    assert all(-1.0 <= bar.rank_correlation <= 1.0 for bar in result.tornado)


@settings(max_examples=30, deadline=None)
@given(
    amounts_and_chances=st.lists(
        st.tuples(amounts, st.floats(min_value=0, max_value=1)), min_size=1, max_size=5
    ),
    which=st.integers(min_value=0, max_value=4),
    rise=st.floats(min_value=0, max_value=1),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_the_mean_rises_with_a_risks_probability(
    amounts_and_chances: list[tuple[float, float]], which: int, rise: float, seed: int
) -> None:
    # With fixed impacts and the same seed the comparison is exact: the same uniform draws decide whether
    # each risk happens, so a risk that happens at the lower probability happens at the higher one too.
    register = [
        fixed(f"R{j}", amount, probability) for j, (amount, probability) in enumerate(amounts_and_chances)
    ]
    j = which % len(register)
    riskier = list(register)
    riskier[j] = dataclasses.replace(
        register[j], probability=register[j].probability + rise * (1 - register[j].probability)
    )
    before = simulate_register(register, iterations=500, seed=seed)
    after = simulate_register(riskier, iterations=500, seed=seed)
    assert after.mean_gbp >= before.mean_gbp
    assert after.p95_gbp >= before.p95_gbp
    assert register_mean_gbp(riskier) >= register_mean_gbp(register)


@settings(max_examples=50, deadline=None)
@given(rank=st.floats(min_value=-1, max_value=1))
def test_normal_correlation_round_trips_through_the_pearson_relation(rank: float) -> None:
    r = normal_correlation_for_rank_correlation(rank)
    assert -1.0 <= r <= 1.0
    assert 6 / math.pi * math.asin(r / 2) == pytest.approx(rank, abs=1e-12)


# --------------------------------------------------------------------------------------------------------
# Bad input: always an InputError naming the field, never NaN
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"probability": 1.5}, "probability", "from 0 to 1"),
        ({"probability": -0.1}, "probability", "from 0 to 1"),
        ({"probability": math.nan}, "probability", "finite"),
        ({"probability": "0.5"}, "probability", "number"),
        ({"probability": True}, "probability", "number"),
        ({"minimum_gbp": 30_000}, "minimum_gbp", "above the mode"),
        ({"maximum_gbp": 15_000}, "maximum_gbp", "below the mode"),
        ({"minimum_gbp": -1}, "minimum_gbp", "negative"),
        ({"minimum_gbp": -5, "mode_gbp": -3, "maximum_gbp": -1}, "minimum_gbp", "negative"),
        ({"maximum_gbp": math.inf}, "maximum_gbp", "finite"),
        ({"mode_gbp": None}, "mode_gbp", "number"),
        ({"distribution": "normal"}, "distribution", "pert, triangular"),
        ({"allocation": "supplier"}, "allocation", "council, partner, shared"),
        ({"allocation": "shared"}, "council_share", "shared risk needs"),
        ({"allocation": "shared", "council_share": 1.2}, "council_share", "from 0 to 1"),
        ({"allocation": "shared", "council_share": math.nan}, "council_share", "finite"),
        ({"council_share": 0.5}, "council_share", "only to shared"),
        ({"id": ""}, "id", "non-empty"),
        ({"id": 7}, "id", "non-empty"),
    ],
)
def test_a_bad_risk_is_refused_naming_the_field(changes: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(InputError) as raised:
        QuantifiedRisk(**good_risk(**changes))
    assert raised.value.field == field
    assert words in raised.value.message


@pytest.mark.parametrize(
    ("options", "field", "words"),
    [
        ({"correlation": 1.5}, "correlation", "from -1 to 1"),
        ({"correlation": -1.01}, "correlation", "from -1 to 1"),
        ({"correlation": math.nan}, "correlation", "finite"),
        ({"correlation": -0.6}, "correlation", "lowest common rank correlation for 3 risks is -0.4826"),
        ({"iterations": MAX_ITERATIONS + 1}, "iterations", "at most 2,000,000"),
        ({"iterations": 10}, "iterations", "at least 100"),
        ({"iterations": 1_000.0}, "iterations", "whole number"),
        ({"seed": -1}, "seed", "at least 0"),
        ({"chunk_iterations": 0}, "chunk_iterations", "at least 1"),
        ({"histogram_bins": 0}, "histogram_bins", "at least 1"),
    ],
)
def test_bad_simulation_options_are_refused_naming_the_field(
    options: dict[str, Any], field: str, words: str
) -> None:
    register = [QuantifiedRisk(**good_risk(id=name)) for name in "abc"]
    with pytest.raises(InputError) as raised:
        simulate_register(register, **options)
    assert raised.value.field == field
    assert words in raised.value.message


def test_an_empty_register_is_refused() -> None:
    with pytest.raises(InputError) as raised:
        simulate_register([])
    assert raised.value.field == "risks"


def test_duplicate_ids_are_refused_naming_the_second() -> None:
    register = [
        QuantifiedRisk(**good_risk(id="a")),
        QuantifiedRisk(**good_risk(id="b")),
        QuantifiedRisk(**good_risk(id="a")),
    ]
    with pytest.raises(InputError) as raised:
        simulate_register(register)
    assert raised.value.field == "risks[2].id"
    assert "risks[0]" in raised.value.message


def test_a_register_of_something_else_is_refused() -> None:
    with pytest.raises(InputError) as raised:
        simulate_register([good_risk()])  # type: ignore[list-item]
    assert raised.value.field == "risks[0]"


def test_any_correlation_is_allowed_with_a_single_risk() -> None:
    result = simulate_register([QuantifiedRisk(**good_risk())], iterations=1_000, correlation=-1.0)
    assert result.achieved_rank_correlation is None


# --------------------------------------------------------------------------------------------------------
# The module itself
# --------------------------------------------------------------------------------------------------------


RISK_MODULES = [
    importlib.import_module(f"{risk.__name__}.{info.name}") for info in pkgutil.iter_modules(risk.__path__)
]
# Examples per module when forbetter/calc/risk.py (22 in all) became this package; none may be lost.
DOCTEST_EXAMPLES = {"scoring": 7, "estimates": 3, "register": 5, "correlation": 2, "simulation": 5}


def _short_name(module: ModuleType) -> str:
    return module.__name__.rsplit(".", 1)[-1]


@pytest.mark.parametrize("module", RISK_MODULES, ids=_short_name)
def test_docstring_examples_hold(module: ModuleType) -> None:
    outcome = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert outcome.attempted >= DOCTEST_EXAMPLES.get(_short_name(module), 1)
    assert outcome.failed == 0


def test_the_doctests_of_every_risk_module_are_run() -> None:
    assert set(DOCTEST_EXAMPLES) <= {_short_name(module) for module in RISK_MODULES}
