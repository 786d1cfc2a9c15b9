"""The rules of the remedies ladder and the exit plan (no Django): dates and counts in, findings out.

======================  =================================================================================
rule                    what it says
======================  =================================================================================
REMEDY-PERSISTENT       a KPI is in persistent breach when, among its last ``window`` assessed periods, at
                        least ``failures`` were failed (default 3 in 6): a rolling window over the periods
                        the council has validated, oldest first (:func:`persistent_breach`)
REMEDY-ESCALATION       what the council might consider next for a KPI, from its failures in the window and
                        the remedies already open: one short of the threshold is a watch; at the threshold
                        with no warning notice open, a warning notice; with a warning notice whose cure date
                        has passed, a rectification plan; with a rectification plan that failed, recording
                        the failure to improve (:func:`escalation`)
REMEDY-LADDER           the highest rung a partnership is on: none, warning notice, rectification plan,
                        failure not improved, remedial adviser, step-in (:func:`ladder_rung`)
REMEDY-PLAN-OVERDUE     a rectification plan (or one of its actions) is overdue when its due date has
                        passed and it is not finished (:func:`overdue`)
PA23-S71-NOTICE         under the Procurement Act 2023, once the council finds that a supplier given a
                        proper opportunity to improve its performance has not done so, it must publish a
                        contract performance notice within 30 days (s.71(4) and (5)); a contract procured
                        under the Public Contracts Regulations has no such notice (:func:`performance_notice`)
EXIT-PLAN-REVIEW        an exit plan not reviewed in the last 12 months is out of date (:func:`exit_review`)
======================  =================================================================================

Dates are ``datetime.date``; "today" is always an argument, so every rule can be tested at any date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum

from forbetter.calc.dates import add_months, long_date
from forbetter.calc.errors import InputError

DEFAULT_FAILURES = 3
"""Failures in the window that make a persistent breach, unless the partnership sets its own."""
DEFAULT_WINDOW = 6
"""Consecutive assessed periods in the window, unless the partnership sets its own."""
NOTICE_DAYS = 30
"""Days the Procurement Act 2023 allows to publish a contract performance notice (s.71(5))."""
EXIT_REVIEW_MONTHS = 12


# ------------------------------------------------------------------------------------------------------
# Persistent breach
# ------------------------------------------------------------------------------------------------------


def check_window(failures: int, window: int) -> None:
    """Refuse a threshold that cannot work: at least 1 failure, a window of 1 to 60 periods, and no more
    failures than periods in the window."""
    if isinstance(window, bool) or not isinstance(window, int) or not 1 <= window <= 60:
        raise InputError("window", "the window must be a whole number of periods from 1 to 60")
    if isinstance(failures, bool) or not isinstance(failures, int) or failures < 1:
        raise InputError("failures", "the number of failures must be a whole number, at least 1")
    if failures > window:
        raise InputError(
            "failures",
            f"the number of failures ({failures}) cannot be more than the periods in the window ({window})",
        )


@dataclass(frozen=True)
class PersistentBreach:
    """What rule REMEDY-PERSISTENT finds for one KPI.

    ``counts[i]`` is the number of failures in the window ending at period ``i`` (fewer periods at the
    start); ``first_breach`` is the index of the first period at which the threshold was reached, or None;
    ``latest`` is the failures in the latest window; ``in_breach`` says whether the latest window is at or
    over the threshold."""

    counts: tuple[int, ...]
    failures: int
    window: int
    first_breach: int | None

    @property
    def latest(self) -> int:
        return self.counts[-1] if self.counts else 0

    @property
    def in_breach(self) -> bool:
        return self.latest >= self.failures

    @property
    def ever_in_breach(self) -> bool:
        return self.first_breach is not None


def persistent_breach(
    failed: Sequence[bool], *, failures: int = DEFAULT_FAILURES, window: int = DEFAULT_WINDOW
) -> PersistentBreach:
    """Rule REMEDY-PERSISTENT over a KPI's assessed periods, oldest first (True where the period failed).

    >>> found = persistent_breach([False, True, False, True, True, False])
    >>> found.counts, found.in_breach, found.first_breach
    ((0, 1, 1, 2, 3, 3), True, 4)
    >>> persistent_breach([True, True, True, False, False, False, False], failures=3, window=6).in_breach
    False
    """
    check_window(failures, window)
    counts: list[int] = []
    first: int | None = None
    running = 0
    for index, fail in enumerate(failed):
        running += 1 if fail else 0
        if index >= window and failed[index - window]:
            running -= 1
        counts.append(running)
        if first is None and running >= failures:
            first = index
    return PersistentBreach(tuple(counts), failures, window, first)


# ------------------------------------------------------------------------------------------------------
# Escalation and the ladder
# ------------------------------------------------------------------------------------------------------


class Suggestion(StrEnum):
    NONE = "none"
    WATCH = "watch"
    WARNING_NOTICE = "warning_notice"
    RECTIFICATION_PLAN = "rectification_plan"
    RECORD_FAILURE = "record_failure"
    IN_HAND = "in_hand"


def escalation(
    *,
    latest: int,
    failures: int,
    open_notice: bool = False,
    notice_cure_passed: bool = False,
    open_plan: bool = False,
    failed_plan: bool = False,
) -> tuple[Suggestion, str]:
    """Rule REMEDY-ESCALATION: what to consider next for a KPI with ``latest`` failures in its window.

    A suggestion only: the contract says what the council may do, and the council decides.

    >>> escalation(latest=3, failures=3)[1]
    'Failure 3 in the window: consider a warning notice.'
    >>> escalation(latest=2, failures=3)[0].value
    'watch'
    """
    if latest >= failures:
        if failed_plan:
            return (
                Suggestion.RECORD_FAILURE,
                "The rectification plan failed: consider recording that the partner did not improve after a "
                "proper opportunity.",
            )
        if open_plan:
            return Suggestion.IN_HAND, "A rectification plan is open: follow it to its due date."
        if open_notice and notice_cure_passed:
            return (
                Suggestion.RECTIFICATION_PLAN,
                "The warning notice's date to remedy by has passed: consider asking for a rectification "
                "plan.",
            )
        if open_notice:
            return Suggestion.IN_HAND, "A warning notice is open: wait for its date to remedy by."
        return Suggestion.WARNING_NOTICE, f"Failure {latest} in the window: consider a warning notice."
    if failures > 1 and latest == failures - 1:
        return (
            Suggestion.WATCH,
            f"{latest} failure{'s' if latest != 1 else ''} in the window: one more makes a persistent "
            "breach.",
        )
    return Suggestion.NONE, ""


class Rung(IntEnum):
    """The rungs of the remedies ladder, lowest first."""

    NONE = 0
    WARNING_NOTICE = 1
    RECTIFICATION_PLAN = 2
    FAILURE_NOT_IMPROVED = 3
    REMEDIAL_ADVISER = 4
    STEP_IN = 5

    @property
    def label(self) -> str:
        return (
            "No remedy in force",
            "Warning notice",
            "Rectification plan",
            "Failure not improved after a proper opportunity",
            "Remedial adviser",
            "Step-in",
        )[self]


def ladder_rung(
    *,
    open_notices: int = 0,
    open_plans: int = 0,
    unimproved_failures: int = 0,
    current_advisers: int = 0,
    current_step_ins: int = 0,
) -> Rung:
    """Rule REMEDY-LADDER: the highest rung with something open or current (a failure not improved counts
    while it is recorded, since the notice and any next step follow from it).

    >>> ladder_rung(open_notices=1, open_plans=1).label
    'Rectification plan'
    """
    for count, rung in (
        (current_step_ins, Rung.STEP_IN),
        (current_advisers, Rung.REMEDIAL_ADVISER),
        (unimproved_failures, Rung.FAILURE_NOT_IMPROVED),
        (open_plans, Rung.RECTIFICATION_PLAN),
        (open_notices, Rung.WARNING_NOTICE),
    ):
        if count < 0:
            raise InputError("count", "a count cannot be negative")
        if count:
            return rung
    return Rung.NONE


def overdue(*, due_on: dt.date | None, finished: bool, today: dt.date) -> bool:
    """Rule REMEDY-PLAN-OVERDUE: due date passed (not today) and not finished.

    >>> overdue(due_on=dt.date(2025, 1, 31), finished=False, today=dt.date(2025, 2, 1))
    True
    """
    return due_on is not None and not finished and due_on < today


def cure_days(served_on: dt.date, remedy_by: dt.date) -> int:
    """The cure period of a warning notice in days (from the day served to the date to remedy by).

    >>> cure_days(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    30
    """
    if remedy_by < served_on:
        raise InputError("remedy_by", "the date to remedy by cannot be before the notice was served")
    return (remedy_by - served_on).days


# ------------------------------------------------------------------------------------------------------
# Contract performance notice (Procurement Act 2023, s.71)
# ------------------------------------------------------------------------------------------------------


class NoticeState(StrEnum):
    NOT_APPLICABLE = "not_applicable"
    REGIME_UNKNOWN = "regime_unknown"
    PUBLISHED = "published"
    PUBLISHED_LATE = "published_late"
    DUE = "due"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class PerformanceNotice:
    """What rule PA23-S71-NOTICE says of one recorded failure to improve."""

    state: NoticeState
    due_on: dt.date | None
    explanation: str

    @property
    def flagged(self) -> bool:
        return self.state in (NoticeState.OVERDUE, NoticeState.PUBLISHED_LATE)


def performance_notice(
    *, regime: str, found_on: dt.date, published_on: dt.date | None, today: dt.date
) -> PerformanceNotice:
    """Rule PA23-S71-NOTICE. ``regime`` is "pa2023" (Procurement Act 2023), "pcr2006"/"pcr2015" (the Public
    Contracts Regulations) or "" (not recorded). Due 30 days after the date the failure to improve was
    found (that day counting as the first of the 30).

    >>> performance_notice(regime="pa2023", found_on=dt.date(2025, 6, 2), published_on=None,
    ...                    today=dt.date(2025, 7, 10)).state.value
    'overdue'
    >>> performance_notice(regime="pcr2015", found_on=dt.date(2025, 6, 2), published_on=None,
    ...                    today=dt.date(2025, 7, 10)).due_on is None
    True
    """
    if regime in ("pcr2006", "pcr2015"):
        return PerformanceNotice(
            NoticeState.NOT_APPLICABLE,
            None,
            "The contract was procured under the Public Contracts Regulations, so the Procurement Act's "
            "contract performance notice does not apply to it.",
        )
    if regime != "pa2023":
        return PerformanceNotice(
            NoticeState.REGIME_UNKNOWN,
            None,
            "The partnership's procurement regime is not recorded, so whether a contract performance notice "
            "is needed cannot be said: record the regime on the partnership.",
        )
    due_on = found_on + dt.timedelta(days=NOTICE_DAYS - 1)
    rule = (
        "Under the Procurement Act 2023 (section 71), once the council finds that the partner, having had "
        "a proper opportunity to improve, has not done so, it must publish a contract performance notice "
        f"within 30 days: by {long_date(due_on)}."
    )
    if published_on is not None:
        if published_on > due_on:
            return PerformanceNotice(
                NoticeState.PUBLISHED_LATE,
                due_on,
                f"{rule} It was published late, on {long_date(published_on)}.",
            )
        return PerformanceNotice(
            NoticeState.PUBLISHED, due_on, f"{rule} It was published on {long_date(published_on)}."
        )
    if today > due_on:
        return PerformanceNotice(
            NoticeState.OVERDUE,
            due_on,
            f"{rule} It is not recorded as published: {(today - due_on).days} days overdue.",
        )
    return PerformanceNotice(
        NoticeState.DUE, due_on, f"{rule} Not yet recorded as published: {(due_on - today).days} days left."
    )


# ------------------------------------------------------------------------------------------------------
# Exit plan
# ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExitReview:
    due_on: dt.date | None
    out_of_date: bool
    explanation: str


def exit_review(
    last_reviewed_on: dt.date | None, *, today: dt.date, months: int = EXIT_REVIEW_MONTHS
) -> ExitReview:
    """Rule EXIT-PLAN-REVIEW: the plan's next review is due 12 months after the last; after that day it is
    out of date. A plan never reviewed is out of date.

    >>> exit_review(dt.date(2024, 2, 29), today=dt.date(2025, 3, 1)).out_of_date
    True
    >>> exit_review(dt.date(2024, 2, 29), today=dt.date(2025, 2, 28)).out_of_date
    False
    """
    if last_reviewed_on is None:
        return ExitReview(None, True, "The exit plan has never been reviewed.")
    due_on = add_months(last_reviewed_on, months)
    if today > due_on:
        return ExitReview(
            due_on,
            True,
            f"Not reviewed in the last {months} months: last reviewed on {long_date(last_reviewed_on)}, so a "
            f"review was due by {long_date(due_on)}.",
        )
    return ExitReview(
        due_on,
        False,
        f"Last reviewed on {long_date(last_reviewed_on)}; the next review is due by {long_date(due_on)}.",
    )


READINESS_ORDER = ("not_started", "partial", "ready")


def exit_readiness(sections: Sequence[str]) -> str:
    """The plan's overall readiness: the least ready of its sections ("not_started", "partial", "ready").

    >>> exit_readiness(["ready", "partial", "ready"])
    'partial'
    """
    if not sections:
        return "not_started"
    for value in sections:
        if value not in READINESS_ORDER:
            raise InputError("readiness", f"unknown readiness {value!r}")
    return min(sections, key=READINESS_ORDER.index)
