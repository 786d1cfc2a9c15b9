"""Governance flags: a forum that has stopped meeting, a forum whose partner side stopped coming, an action
past its due date, and the tier an escalation goes to. Dates in, facts and plain-English reasons out.

=========================  ==============================================================================
rule                       what it says
=========================  ==============================================================================
GOV-FORUM-STOPPED          a forum is flagged when it has not met within its frequency (in months) plus a
                           month's grace, counted from its last meeting (or, before its first, from the
                           date it was set up)
GOV-NO-PARTNER-ATTENDANCE  a forum is flagged when none of its recent meetings (the last three, or all of
                           them if it has met fewer times) had anyone from the partner's side attending
GOV-ACTION-OVERDUE         an action is overdue when it is still open and its due date has passed
GOV-ESCALATE-UP            an item or action escalates from a tier only to the next tier up: operational
                           to senior management, senior management to strategic; nothing above strategic
=========================  ==============================================================================

Nothing here imports Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from forbetter.calc.dates import add_months, long_date

GRACE_MONTHS = 1
RECENT_MEETINGS = 3

TIERS: tuple[str, ...] = ("operational", "senior_management", "strategic")
"""The tiers from the bottom up."""


@dataclass(frozen=True)
class MeetingCheck:
    """Whether a forum is meeting as often as it should (rule GOV-FORUM-STOPPED)."""

    stopped: bool
    next_due_by: dt.date
    """The last day a meeting was due by, grace included."""
    reason: str


def meeting_check(
    *,
    frequency_months: int,
    last_meeting: dt.date | None,
    set_up_on: dt.date,
    today: dt.date,
    grace_months: int = GRACE_MONTHS,
) -> MeetingCheck:
    """Rule GOV-FORUM-STOPPED, with the reason in words naming the last date."""
    if frequency_months < 1:
        raise ValueError(
            "A forum meets at least once every month or more: frequency_months must be 1 or more"
        )
    since = last_meeting or set_up_on
    due_by = add_months(since, frequency_months + grace_months)
    every = "every month" if frequency_months == 1 else f"every {frequency_months} months"
    grace = "a month's grace" if grace_months == 1 else f"{grace_months} months' grace"
    if last_meeting is None:
        opening = f"No meeting since it was set up on {long_date(set_up_on)}"
    else:
        opening = f"Last met on {long_date(last_meeting)}"
    stopped = today > due_by
    if stopped:
        reason = (
            f"{opening}: it should meet {every}, so with {grace} the next meeting was due by "
            f"{long_date(due_by)}. It has stopped meeting."
        )
    else:
        reason = (
            f"{opening}: it meets {every}; the next meeting is due by {long_date(due_by)} (with {grace})."
        )
    return MeetingCheck(stopped=stopped, next_due_by=due_by, reason=reason)


@dataclass(frozen=True)
class AttendanceCheck:
    """Whether the partner's side has come to the forum lately (rule GOV-NO-PARTNER-ATTENDANCE)."""

    flagged: bool
    meetings_counted: int
    reason: str


def partner_attendance_check(
    partner_attendees_newest_first: Sequence[int], *, recent: int = RECENT_MEETINGS
) -> AttendanceCheck:
    """Rule GOV-NO-PARTNER-ATTENDANCE over the number of partner-side attendees at each meeting, newest
    first. A forum that has not met yet is not flagged here (GOV-FORUM-STOPPED covers it)."""
    if recent < 1:
        raise ValueError("recent must be 1 or more")
    if any(count < 0 for count in partner_attendees_newest_first):
        raise ValueError("attendee counts cannot be negative")
    counted = list(partner_attendees_newest_first[:recent])
    if not counted:
        return AttendanceCheck(False, 0, "No meetings yet, so no attendance to count.")
    meetings = "meeting" if len(counted) == 1 else f"{len(counted)} meetings"
    if sum(counted) == 0:
        return AttendanceCheck(
            True, len(counted), f"Nobody from the partner's side attended the last {meetings}."
        )
    attended = sum(1 for count in counted if count > 0)
    return AttendanceCheck(
        False,
        len(counted),
        f"The partner's side attended {attended} of the last {meetings}.",
    )


def is_overdue(*, status: str, due_on: dt.date, today: dt.date) -> bool:
    """Rule GOV-ACTION-OVERDUE: open and past its due date (due today is not yet overdue)."""
    return status == "open" and due_on < today


def next_tier_up(tier: str) -> str | None:
    """Rule GOV-ESCALATE-UP: the tier above ``tier``, or None above strategic."""
    if tier not in TIERS:
        raise ValueError(f"Unknown tier {tier!r}: expected one of {', '.join(TIERS)}")
    index = TIERS.index(tier)
    return TIERS[index + 1] if index + 1 < len(TIERS) else None
