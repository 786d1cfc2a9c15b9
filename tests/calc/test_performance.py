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


@pytest.mark.parametrize(
    ("share", "rating"),
    [
        (1.0, Rating.GOOD),
        (0.95, Rating.GOOD),
        (0.9499, Rating.APPROACHING_TARGET),
        (0.80, Rating.APPROACHING_TARGET),
        (0.7999, Rating.REQUIRES_IMPROVEMENT),
        (0.50, Rating.REQUIRES_IMPROVEMENT),
        (0.4999, Rating.INADEQUATE),
        (0.0, Rating.INADEQUATE),
        (None, Rating.OTHER),
    ],
)
def test_kpi_annual_rating_default_cut_offs(share: float | None, rating: Rating) -> None:
    assert annual_rating(share) is rating


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
    assert annual_rating(0.9, good=0.9) is Rating.GOOD
    assert annual_rating(0.6, good=0.9, approaching_target=0.6) is Rating.APPROACHING_TARGET


def test_kpi_annual_rating_from_a_year_of_monthly_values() -> None:
    monthly = [96, 97, 95, 94, 98, 99, 95, 96, 97, 98, 99, 95]  # one month at 94 against a target of 95
    share = share_met(kpi_status_codes(monthly, target=95, failure_threshold=90))
    assert share == pytest.approx(11 / 12)
    assert annual_rating(share) is Rating.APPROACHING_TARGET


@pytest.mark.parametrize(
    ("share", "options", "field"),
    [
        (1.2, {}, "share_met"),
        (-0.1, {}, "share_met"),
        (float("nan"), {}, "share_met"),
        (0.5, {"good": 0.7, "approaching_target": 0.8}, "good"),
    ],
)
def test_kpi_annual_rating_refuses_bad_input(share: float, options: dict[str, float], field: str) -> None:
    with pytest.raises(InputError) as caught:
        annual_rating(share, **options)
    assert caught.value.field == field


@given(a=st.floats(0, 1), b=st.floats(0, 1))
def test_property_better_share_never_gets_a_worse_rating(a: float, b: float) -> None:
    order = [Rating.INADEQUATE, Rating.REQUIRES_IMPROVEMENT, Rating.APPROACHING_TARGET, Rating.GOOD]
    low, high = sorted((a, b))
    assert order.index(annual_rating(low)) <= order.index(annual_rating(high))


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
