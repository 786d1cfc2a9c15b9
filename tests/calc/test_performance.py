"""KPI performance rules (forbetter.calc.performance): status, share met, annual rating, benchmarks.

Sources: Procurement Act 2023 ss. 52 and 71, Procurement Regulations 2024 reg. 39(5) (the ratings);
Audit Commission Best Value Performance Indicator quartiles (benchmark position).
"""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from forbetter.calc import performance
from forbetter.calc.errors import InputError
from forbetter.calc.performance import (
    Rating,
    Status,
    annual_rating,
    kpi_status,
    kpi_status_codes,
    percentile_rank,
    quartile,
    rating_counts,
    share_met,
)

# ---------------------------------------------------------------------------------- KPI-STATUS


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (99.0, Status.MET),
        (95.0, Status.MET),
        (94.9, Status.APPROACHING),
        (90.0, Status.APPROACHING),
        (89.9, Status.FAILED),
        (0.0, Status.FAILED),
    ],
)
def test_kpi_status_higher_is_better(value: float, expected: Status) -> None:
    assert kpi_status(value, target=95.0, failure_threshold=90.0) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2.0, Status.MET),
        (4.0, Status.MET),
        (5.0, Status.APPROACHING),
        (7.0, Status.APPROACHING),
        (7.1, Status.FAILED),
    ],
)
def test_kpi_status_lower_is_better(value: float, expected: Status) -> None:
    # e.g. days to re-let an empty home: target 4, failed above 7
    assert kpi_status(value, target=4.0, failure_threshold=7.0, higher_is_better=False) is expected


def test_kpi_status_without_threshold_is_met_or_failed() -> None:
    assert kpi_status(95.0, target=95.0) is Status.MET
    assert kpi_status(94.99, target=95.0) is Status.FAILED
    assert kpi_status(3.0, target=2.0, higher_is_better=False) is Status.FAILED


def test_kpi_status_colours_and_labels() -> None:
    assert [s.rag for s in Status] == ["green", "amber", "red"]
    assert [s.label for s in Status] == ["Met", "Approaching target", "Failed"]
    assert max(Status.MET, Status.FAILED) is Status.FAILED


@pytest.mark.parametrize(
    ("higher_is_better", "threshold"),
    [(True, 96.0), (False, 94.0)],
)
def test_kpi_status_threshold_on_the_wrong_side_is_refused(higher_is_better: bool, threshold: float) -> None:
    with pytest.raises(InputError) as caught:
        kpi_status(90.0, target=95.0, failure_threshold=threshold, higher_is_better=higher_is_better)
    assert caught.value.field == "failure_threshold"


def test_kpi_status_refuses_missing_values() -> None:
    with pytest.raises(InputError, match=r"^value"):
        kpi_status(float("nan"), target=1.0)
    with pytest.raises(InputError, match=r"^values"):
        kpi_status_codes([1.0, np.nan], target=1.0)


def test_kpi_status_codes_vectorised_agree_with_scalar() -> None:
    values = np.linspace(80, 100, 41)
    codes = kpi_status_codes(values, target=95.0, failure_threshold=90.0)
    assert codes.tolist() == [kpi_status(v, target=95.0, failure_threshold=90.0) for v in values]


@given(
    value=st.floats(-1e6, 1e6),
    target=st.floats(-1e3, 1e3),
    gap=st.floats(0, 1e3),
)
def test_property_status_mirrors_with_direction(value: float, target: float, gap: float) -> None:
    higher = kpi_status(value, target=target, failure_threshold=target - gap)
    lower = kpi_status(-value, target=-target, failure_threshold=-(target - gap), higher_is_better=False)
    assert higher is lower


# ------------------------------------------------------------------------------- KPI-SHARE-MET


def test_share_met_counts_only_met_periods() -> None:
    statuses = [Status.MET] * 9 + [Status.APPROACHING, Status.FAILED, Status.MET]
    assert share_met(statuses) == pytest.approx(10 / 12)
    assert share_met(np.array([0, 0, 2, 1])) == 0.5


def test_share_met_of_no_periods_is_refused() -> None:
    with pytest.raises(InputError, match=r"^statuses"):
        share_met([])
    with pytest.raises(InputError, match=r"^statuses"):
        share_met([0, 3])


# --------------------------------------------------------------------------- KPI-ANNUAL-RATING


M, A, F = Status.MET, Status.APPROACHING, Status.FAILED


def _year(met: int, approaching: int = 0, failed: int = 0) -> list[Status]:
    return [M] * met + [A] * approaching + [F] * failed


@pytest.mark.parametrize(
    ("statuses", "rating"),
    [
        (_year(20), Rating.GOOD),
        (_year(19, failed=1), Rating.GOOD),  # met in 95%
        (_year(18, failed=2), Rating.APPROACHING_TARGET),  # met or approaching in 90%
        (_year(16, failed=4), Rating.APPROACHING_TARGET),  # 80%
        (_year(15, failed=5), Rating.REQUIRES_IMPROVEMENT),  # 75%
        (_year(10, failed=10), Rating.REQUIRES_IMPROVEMENT),  # 50%
        (_year(9, failed=11), Rating.INADEQUATE),  # 45%
        (_year(0, failed=20), Rating.INADEQUATE),
        ([], Rating.OTHER),
    ],
)
def test_kpi_annual_rating_default_cut_offs(statuses: list[Status], rating: Rating) -> None:
    assert annual_rating(statuses) is rating


def test_kpi_annual_rating_just_below_target_every_period_is_approaching_target_not_inadequate() -> None:
    """Procurement Regulations 2024 reg. 39: "Approaching target" is performance close to meeting the KPI,
    "Inadequate" significantly below it. Twelve months each just under target (inside the failure
    threshold, amber every time) met the target in none of them, which the old share-met rule rated
    Inadequate; measured by how far from target each month was, it is approaching target."""
    monthly = [94.5] * 12
    statuses = kpi_status_codes(monthly, target=95, failure_threshold=90)
    assert share_met(statuses) == 0.0
    assert annual_rating(statuses) is Rating.APPROACHING_TARGET
    assert annual_rating(kpi_status_codes([80.0] * 12, target=95, failure_threshold=90)) is Rating.INADEQUATE


def test_kpi_annual_rating_counts_periods_by_status() -> None:
    counts = rating_counts(_year(6, 4, 2))
    assert (counts.met, counts.approaching, counts.failed, counts.assessed) == (6, 4, 2, 12)
    assert counts.share_near == pytest.approx(10 / 12)
    assert rating_counts([]).share_met is None


def test_kpi_annual_rating_names_are_those_of_the_regulations() -> None:
    # Procurement Regulations 2024 reg. 39(5)
    assert [r.value for r in Rating] == [
        "Good",
        "Approaching target",
        "Requires improvement",
        "Inadequate",
        "Other",
    ]


def test_kpi_annual_rating_cut_offs_are_options() -> None:
    assert annual_rating(_year(9, failed=1), good=0.9) is Rating.GOOD
    assert annual_rating(_year(6, failed=4), good=0.9, approaching_target=0.6) is Rating.APPROACHING_TARGET


def test_kpi_annual_rating_from_a_year_of_monthly_values() -> None:
    monthly = [96, 97, 95, 94, 98, 99, 95, 96, 97, 98, 99, 95]  # one month at 94 against a target of 95
    statuses = kpi_status_codes(monthly, target=95, failure_threshold=90)
    assert share_met(statuses) == pytest.approx(11 / 12)
    assert annual_rating(statuses) is Rating.APPROACHING_TARGET


@pytest.mark.parametrize(
    ("statuses", "options", "field"),
    [
        ([0, 3], {}, "statuses"),
        ([-1], {}, "statuses"),
        (_year(5), {"good": 0.7, "approaching_target": 0.8}, "good"),
    ],
)
def test_kpi_annual_rating_refuses_bad_input(
    statuses: list[int], options: dict[str, float], field: str
) -> None:
    with pytest.raises(InputError) as caught:
        annual_rating(statuses, **options)
    assert caught.value.field == field


@given(
    met=st.integers(0, 12),
    approaching=st.integers(0, 12),
    failed=st.integers(0, 12),
    better=st.integers(0, 12),
)
def test_property_a_better_period_never_gets_a_worse_rating(
    met: int, approaching: int, failed: int, better: int
) -> None:
    """Turning failed periods into approaching ones, or approaching into met, never lowers the rating."""
    order = [
        Rating.OTHER,
        Rating.INADEQUATE,
        Rating.REQUIRES_IMPROVEMENT,
        Rating.APPROACHING_TARGET,
        Rating.GOOD,
    ]
    base = annual_rating(_year(met, approaching, failed))
    moved = min(better, failed)
    nearer = annual_rating(_year(met, approaching + moved, failed - moved))
    moved_up = min(better, approaching)
    higher = annual_rating(_year(met + moved_up, approaching - moved_up, failed))
    assert order.index(nearer) >= order.index(base)
    assert order.index(higher) >= order.index(base)


# ------------------------------------------------------------------------ KPI-PERCENTILE/QUARTILE


def test_kpi_percentile_counts_ties_as_half() -> None:
    group = [60, 70, 80, 90]
    assert percentile_rank(80, group) == 0.625
    assert percentile_rank(100, group) == 1.0
    assert percentile_rank(10, group) == 0.0
    assert percentile_rank(5, [5, 5, 5]) == 0.5


def test_kpi_percentile_respects_direction() -> None:
    group = [4, 6, 8, 10]
    assert percentile_rank(5, group, higher_is_better=False) == 0.75
    assert percentile_rank(5, group) == 0.25


@pytest.mark.parametrize(
    ("value", "higher_is_better", "expected"),
    [
        # group 60..90: quartile boundaries 67.5, 75, 82.5
        (95, True, 1),
        (82.5, True, 1),  # on a boundary: the better quartile
        (80, True, 2),
        (70, True, 3),
        (65, True, 4),
        (65, False, 1),
        (70, False, 2),
        (80, False, 3),
        (95, False, 4),
    ],
)
def test_kpi_quartile_uses_the_groups_quartile_boundaries(
    value: float, higher_is_better: bool, expected: int
) -> None:
    assert quartile(value, [60, 70, 80, 90], higher_is_better=higher_is_better) == expected


def test_kpi_benchmark_refuses_empty_or_missing_values() -> None:
    with pytest.raises(InputError, match=r"^benchmark"):
        quartile(1.0, [])
    with pytest.raises(InputError, match=r"^benchmark"):
        percentile_rank(1.0, [1.0, float("nan")])


@given(
    value=st.floats(-1e3, 1e3),
    group=st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=30),
)
def test_property_percentile_and_quartile_mirror_with_direction(value: float, group: list[float]) -> None:
    mirrored = [-x for x in group]
    assert percentile_rank(value, group) == percentile_rank(-value, mirrored, higher_is_better=False)
    assert 0.0 <= percentile_rank(value, group) <= 1.0
    assert quartile(value, group) in {1, 2, 3, 4}


def test_performance_doctests_pass() -> None:
    result = doctest.testmod(performance)
    assert result.attempted >= 10
    assert result.failed == 0


def test_rule_kpi_rating_near_miss_threshold_sits_a_tolerance_short_of_the_target() -> None:
    """Rule KPI-RATING-NEAR-MISS: with no failure threshold, the rating's implied one is the target less
    (higher is better) or plus (lower is better) the tolerance times the target; out-of-range tolerances
    are refused, naming the field."""
    assert performance.near_miss_threshold(95.0) == pytest.approx(90.25)
    assert performance.near_miss_threshold(10.0, higher_is_better=False, tolerance=0.1) == pytest.approx(11.0)
    assert performance.near_miss_threshold(0.0) == 0.0
    with pytest.raises(InputError) as caught:
        performance.near_miss_threshold(95.0, tolerance=1.5)
    assert caught.value.field == "near_miss"
