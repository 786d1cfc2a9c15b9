"""The governance area: the governance model, forums in three tiers, meetings with their agendas, decisions
and actions, escalations, reviews of the model and the joint-venture company's board. Governance is joint:
every page is read by council and partner users of the partnership; editors change it. Declared once for
navigation, evidence, the demo and the permission matrix (see :mod:`forbetter.core.areas`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from forbetter.core.areas import Area, Section, confirm, first_pk, form, page
from forbetter.governance import pack, selectors
from forbetter.governance.evidence_providers import governance_models, governance_reviews, meetings
from forbetter.governance.models import (
    AgendaItem,
    BoardDirector,
    Escalation,
    Forum,
    ForumMember,
    GovernanceAction,
    GovernanceModel,
    GovernanceReview,
    Meeting,
    Side,
    Tier,
)
from forbetter.governance.reminders import action_reminders
from forbetter.partnerships.models import Partnership


def _forum(partnership: Partnership) -> dict[str, int]:
    return {"forum_pk": first_pk(Forum.objects.filter(partnership=partnership), "forum")}


def _member(partnership: Partnership) -> dict[str, int]:
    members = ForumMember.objects.filter(forum__partnership=partnership)
    member = members.order_by("pk").values_list("pk", "forum_id").first()
    if member is None:
        raise LookupError("No forum member to address: the area's examples should create one.")
    return {"forum_pk": member[1], "member_pk": member[0]}


def _meeting(partnership: Partnership) -> dict[str, int]:
    return {"meeting_pk": first_pk(Meeting.objects.filter(partnership=partnership), "meeting")}


def _action(partnership: Partnership) -> dict[str, int]:
    return {
        "action_pk": first_pk(GovernanceAction.objects.filter(partnership=partnership), "governance action")
    }


def _escalation(partnership: Partnership) -> dict[str, int]:
    return {"escalation_pk": first_pk(Escalation.objects.filter(partnership=partnership), "escalation")}


def _review(partnership: Partnership) -> dict[str, int]:
    return {
        "review_pk": first_pk(GovernanceReview.objects.filter(partnership=partnership), "governance review")
    }


def _director(partnership: Partnership) -> dict[str, int]:
    return {"director_pk": first_pk(BoardDirector.objects.filter(partnership=partnership), "board director")}


def examples(partnership: Partnership, user: Any, today: dt.date | None = None) -> None:
    """A governance model; an operational and a senior-management forum, each with a member; a meeting of
    the operational forum with an item, a decision and an action; the item escalated; a review; a director.
    Straight to the tables (the board is refused by the service for a contract vehicle)."""
    today = today or dt.date.today()
    GovernanceModel.objects.get_or_create(partnership=partnership, defaults={"summary": "Three tiers."})
    if Escalation.objects.filter(partnership=partnership).exists():
        return
    low = Forum.objects.create(
        partnership=partnership,
        tier=Tier.OPERATIONAL,
        name=f"Operations group {Forum.objects.count() + 1}",
        remit="Day-to-day service",
        frequency_months=1,
        quorum=1,
        set_up_on=today,
    )
    high = Forum.objects.create(
        partnership=partnership,
        tier=Tier.SENIOR_MANAGEMENT,
        name=f"Partnership board {Forum.objects.count() + 1}",
        remit="Performance and change",
        frequency_months=3,
        quorum=1,
        set_up_on=today,
    )
    for forum in (low, low, high):  # two on the operational forum, so one can be removed above its quorum
        ForumMember.objects.create(
            forum=forum, name="Sam Example", side=Side.COUNCIL, organisation="The council"
        )
    meeting = Meeting.objects.create(partnership=partnership, forum=low, held_on=today, minutes="Notes")
    item = AgendaItem.objects.create(meeting=meeting, title="Service report")
    meeting.decisions.create(text="Carry on", decided_on=today)
    GovernanceAction.objects.create(
        partnership=partnership, meeting=meeting, description="Write it up", owner=user, due_on=today
    )
    Escalation.objects.create(
        partnership=partnership,
        from_forum=low,
        to_forum=high,
        item=item,
        escalated_on=today,
        reason="Needs a decision",
    )
    GovernanceReview.objects.create(
        partnership=partnership, reviewed_on=today, reviewer=user, findings="Works", decisions="Keep it"
    )
    BoardDirector.objects.create(partnership=partnership, name="Jo Director", appointed_by="council")


AREA = Area(
    glance=selectors.at_a_glance,
    glance_template="governance/_glance.html",
    app="governance",
    routes=(
        page("overview"),
        form("model-edit"),
        form("forum-create"),
        page("forum", kwargs=_forum),
        form("forum-edit", kwargs=_forum),
        form("member-create", kwargs=_forum),
        confirm("member-remove", kwargs=_member),
        form("meeting-create"),
        page("meeting", kwargs=_meeting),
        form("meeting-edit", kwargs=_meeting),
        form("item-create", kwargs=_meeting),
        form("decision-create", kwargs=_meeting),
        form("action-create", kwargs=_meeting),
        form("escalation-create", kwargs=_meeting),
        page("actions"),
        form("action-edit", kwargs=_action),
        page("escalations"),
        form("escalation-edit", kwargs=_escalation),
        page("reviews"),
        form("review-create"),
        form("review-edit", kwargs=_review),
        form("director-create"),
        form("director-edit", kwargs=_director),
    ),
    sections=(Section("governance", "Governance", "governance:overview", 75),),
    evidence=(governance_models, governance_reviews, meetings),
    demo="forbetter.demo.governance",
    examples=examples,
    reminders=action_reminders,
    pack_sections=pack.pack_sections,
)
