"""Reads of the governance records, each a fixed number of queries, with the flags worked out by
:mod:`forbetter.calc.governance` (rules GOV-FORUM-STOPPED, GOV-NO-PARTNER-ATTENDANCE, GOV-ACTION-OVERDUE)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from forbetter.accounts.models import User
from forbetter.calc.governance import (
    AttendanceCheck,
    MeetingCheck,
    meeting_check,
    partner_attendance_check,
)
from forbetter.governance.models import (
    ActionStatus,
    Escalation,
    Forum,
    GovernanceAction,
    GovernanceModel,
    Meeting,
    Side,
    Tier,
)
from forbetter.partnerships.models import Partnership


def people_for(partnership: Partnership) -> QuerySet[User]:
    """Active users of the partnership's councils, partner and joint-venture company: who may sit on a
    forum, own an action or review the governance model."""
    organisations = list(partnership.councils.values_list("pk", flat=True))
    organisations += [pk for pk in (partnership.partner_id, partnership.joint_venture_company_id) if pk]
    return User.objects.filter(is_active=True, organisation__in=organisations).order_by(
        "first_name", "last_name", "email"
    )


@dataclass(frozen=True)
class ForumStatus:
    """A forum with its last meeting and its two flags."""

    forum: Forum
    last_meeting: dt.date | None
    meetings: int
    members: int
    partner_members: int
    meeting: MeetingCheck
    attendance: AttendanceCheck

    @property
    def flagged(self) -> bool:
        return self.meeting.stopped or self.attendance.flagged


def _meeting_rows(partnership: Partnership) -> dict[int, list[int]]:
    """Partner-side attendees at each meeting of the partnership, newest first, by forum (one query)."""
    rows = (
        Meeting.objects.filter(partnership=partnership)
        .annotate(partner_count=Count("attendees", filter=Q(attendees__side=Side.PARTNER)))
        .order_by("forum_id", "-held_on", "-pk")
        .values_list("forum_id", "partner_count")
    )
    found: dict[int, list[int]] = defaultdict(list)
    for forum_id, count in rows:
        found[forum_id].append(count)
    return found


def forum_statuses(partnership: Partnership, today: dt.date | None = None) -> list[ForumStatus]:
    """Every forum of the partnership, top tier first, with its flags: two queries."""
    today = today or dt.date.today()
    forums = Forum.objects.filter(partnership=partnership).annotate(
        last_meeting=Max("meetings__held_on"),
        meeting_count=Count("meetings", distinct=True),
        member_count=Count("members", distinct=True),
        partner_member_count=Count("members", filter=Q(members__side=Side.PARTNER), distinct=True),
    )
    attendance = _meeting_rows(partnership)
    order = {tier: index for index, tier in enumerate(Tier.values)}
    statuses = [
        ForumStatus(
            forum=forum,
            last_meeting=forum.last_meeting,
            meetings=forum.meeting_count,
            members=forum.member_count,
            partner_members=forum.partner_member_count,
            meeting=meeting_check(
                frequency_months=forum.frequency_months,
                last_meeting=forum.last_meeting,
                set_up_on=forum.set_up_on,
                today=today,
            ),
            attendance=partner_attendance_check(attendance.get(forum.pk, [])),
        )
        for forum in forums
    ]
    return sorted(statuses, key=lambda status: (order[status.forum.tier], status.forum.name))


def by_tier(statuses: list[ForumStatus]) -> list[tuple[str, list[ForumStatus]]]:
    return [(label, [s for s in statuses if s.forum.tier == tier]) for tier, label in Tier.choices]


def governance_model(partnership: Partnership) -> GovernanceModel | None:
    return GovernanceModel.objects.filter(partnership=partnership).first()


def open_overdue(partnership: Partnership, today: dt.date) -> QuerySet[GovernanceAction]:
    return GovernanceAction.objects.filter(
        partnership=partnership, status=ActionStatus.OPEN, due_on__lt=today
    )


def actions(partnership: Partnership, *, only_overdue: bool, today: dt.date) -> QuerySet[GovernanceAction]:
    found = (
        open_overdue(partnership, today)
        if only_overdue
        else GovernanceAction.objects.filter(partnership=partnership)
    )
    return found.select_related("owner", "meeting__forum").order_by(
        "-status", "due_on", "pk"
    )  # open, then done, then cancelled


def meetings(forum: Forum) -> QuerySet[Meeting]:
    return forum.meetings.annotate(
        attended=Count("attendees", distinct=True),
        partner_attended=Count("attendees", filter=Q(attendees__side=Side.PARTNER), distinct=True),
        item_count=Count("items", distinct=True),
    ).order_by("-held_on", "-pk")


def meeting_detail(partnership: Partnership, meeting_pk: int) -> Meeting:
    """The meeting with its forum, attendance, agenda, decisions and actions (raises DoesNotExist)."""
    return (
        Meeting.objects.select_related("forum")
        .prefetch_related("attendees", "apologies", "items__content_type", "decisions", "actions__owner")
        .get(partnership=partnership, pk=meeting_pk)
    )


def escalations(partnership: Partnership) -> QuerySet[Escalation]:
    return Escalation.objects.filter(partnership=partnership).select_related(
        "from_forum", "to_forum", "item", "action"
    )


def at_a_glance(partnership: Partnership, today: dt.date | None = None) -> dict[str, Any]:
    """Governance at a glance for the partnership overview, in three queries.

    Keys:

    - ``last_meeting_by_tier``: list of ``(tier label, date or None)``, strategic first: the last meeting
      of any forum in that tier;
    - ``open_overdue_actions``: how many actions are open and past their due date (GOV-ACTION-OVERDUE);
    - ``forums_flagged``: list of ``(forum name, reason)`` for forums that stopped meeting
      (GOV-FORUM-STOPPED) or had no partner attendance lately (GOV-NO-PARTNER-ATTENDANCE);
    - ``forums``: how many forums there are.
    """
    today = today or dt.date.today()
    statuses = forum_statuses(partnership, today)  # two queries
    last: dict[str, dt.date | None] = dict.fromkeys(Tier.values)
    for status in statuses:
        tier = status.forum.tier
        if status.last_meeting and (last[tier] is None or status.last_meeting > last[tier]):  # type: ignore[operator]
            last[tier] = status.last_meeting
    flagged = []
    for status in statuses:
        if status.meeting.stopped:
            flagged.append((status.forum.name, status.meeting.reason))
        if status.attendance.flagged:
            flagged.append((status.forum.name, status.attendance.reason))
    return {
        "last_meeting_by_tier": [(label, last[tier]) for tier, label in Tier.choices],
        "open_overdue_actions": open_overdue(partnership, today).count(),
        "forums_flagged": flagged,
        "forums": len(statuses),
    }
