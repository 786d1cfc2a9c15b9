"""Scenarios of performance points for simulating a payment mechanism before signing (rule SCENARIO-DEFAULTS).

With T a mechanism's free points a month (its threshold) and F = max(T, 10), the default twelve months are:

- ``steady``: T // 2 points every month, within the free points, so a steady partner loses nothing;
- ``bad_quarter``: T // 2 points, except 3 x F points in months 4, 5 and 6;
- ``persistent_failure``: 3 x F points every month.

The points are then put through :func:`forbetter.calc.payment.payment_statement` like any month's points.
"""

from __future__ import annotations

MONTHS = 12
BAD_QUARTER = (4, 5, 6)
SCENARIOS = ("steady", "bad_quarter", "persistent_failure")


def failing_points(threshold: int) -> int:
    """Points in a bad month: 3 x max(threshold, 10).

    >>> failing_points(20), failing_points(0)
    (60, 30)
    """
    if threshold < 0:
        raise ValueError(f"threshold must be 0 or more, not {threshold}")
    return 3 * max(threshold, 10)


def default_points(threshold: int) -> dict[str, list[int]]:
    """Each scenario's twelve months of points for a mechanism with ``threshold`` free points a month.

    >>> default_points(20)["bad_quarter"]
    [10, 10, 10, 60, 60, 60, 10, 10, 10, 10, 10, 10]
    """
    steady = threshold // 2
    bad = failing_points(threshold)
    return {
        "steady": [steady] * MONTHS,
        "bad_quarter": [bad if month in BAD_QUARTER else steady for month in range(1, MONTHS + 1)],
        "persistent_failure": [bad] * MONTHS,
    }


def describe_defaults(threshold: int) -> dict[str, str]:
    """The defaults in words."""
    steady = threshold // 2
    bad = failing_points(threshold)
    return {
        "steady": f"{steady} points every month: half the {threshold} free points",
        "bad_quarter": f"{steady} points a month, but {bad} points in months 4, 5 and 6",
        "persistent_failure": f"{bad} points every month",
    }
