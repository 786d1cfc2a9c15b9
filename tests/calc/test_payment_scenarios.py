"""Rule SCENARIO-DEFAULTS: the points of the scenarios a bidder's payment mechanism is simulated on."""

from __future__ import annotations

import pytest

from forbetter.calc.payment_scenarios import default_points, describe_defaults, failing_points


def test_scenario_defaults_are_derived_from_the_threshold() -> None:
    points = default_points(20)
    assert points["steady"] == [10] * 12
    assert points["bad_quarter"] == [10, 10, 10, 60, 60, 60, 10, 10, 10, 10, 10, 10]
    assert points["persistent_failure"] == [60] * 12


def test_a_small_threshold_still_fails_with_at_least_30_points() -> None:
    assert default_points(0) == {
        "steady": [0] * 12,
        "bad_quarter": [0, 0, 0, 30, 30, 30, 0, 0, 0, 0, 0, 0],
        "persistent_failure": [30] * 12,
    }
    assert failing_points(7) == 30


def test_the_defaults_are_stated_in_words() -> None:
    assert describe_defaults(20)["bad_quarter"] == "10 points a month, but 60 points in months 4, 5 and 6"


def test_a_negative_threshold_is_refused() -> None:
    with pytest.raises(ValueError, match="threshold must be 0 or more"):
        failing_points(-1)
