"""When the next review of the whole partnership is due (no Django).

=================  ==========================================================================================
rule               what it says
=================  ==========================================================================================
REVIEW-DUE         the next partnership review is due the review interval (set by the council, 3 years unless
                   it says otherwise) after the last completed review; before any review is completed, the
                   interval after the contract's service started
REVIEW-OVERDUE     a review is overdue when its due date has passed and no review has been completed since
=================  ==========================================================================================
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

from forbetter.calc.errors import InputError

DEFAULT_INTERVAL_YEARS = 3


def next_review_due(
    *, last_completed_on: dt.date | None, service_started_on: dt.date | None, interval_years: int
) -> dt.date | None:
    """Rule REVIEW-DUE: the date the next review is due, or ``None`` if there is nothing to count from.

    >>> next_review_due(last_completed_on=dt.date(2025, 3, 31), service_started_on=dt.date(2022, 4, 1),
    ...     interval_years=3)
    datetime.date(2028, 3, 31)
    >>> next_review_due(last_completed_on=None, service_started_on=dt.date(2024, 2, 29), interval_years=1)
    datetime.date(2025, 2, 28)
    """
    if interval_years < 1:
        raise InputError("interval_years", "the review interval must be at least 1 year")
    start = last_completed_on or service_started_on
    return None if start is None else start + relativedelta(years=interval_years)


def is_overdue(due_on: dt.date | None, today: dt.date) -> bool:
    """Rule REVIEW-OVERDUE: past the due date (the due date itself is not overdue).

    >>> due = dt.date(2025, 6, 1)
    >>> is_overdue(due, dt.date(2025, 6, 1)), is_overdue(due, dt.date(2025, 6, 2))
    (False, True)
    """
    return due_on is not None and today > due_on
