"""Writes to the governance records. Each runs in one transaction and refuses bad input with a
``ValidationError`` keyed by field, so nothing is saved and the form shows a specific message.

Rules checked here (the forms check the same where they can, so the person sees them at once):

- a meeting belongs to a forum of the partnership; its attendees and apologies are members of that forum;
- an action has an owner (a user of the partnership's organisations) and a due date;
- a forum's quorum is at most its members (and a member cannot be removed below the quorum);
- an escalation goes to a forum of the next tier up (rule GOV-ESCALATE-UP);
- an agenda item links only a record of the same partnership.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from forbetter.accounts.models import User
from forbetter.calc.governance import next_tier_up
from forbetter.governance import links, selectors
from forbetter.governance.models import (
    ActionStatus,
    AgendaItem,
    BoardDirector,
    Decision,
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
from forbetter.partnerships.models import Partnership, Vehicle

QUORUM_TOO_HIGH = "Quorum must be at most the number of members ({members}): add members first or lower it"
NO_FORUM = "Select the forum the meeting belongs to"
NO_OWNER = "Select who owns the action"
NO_DUE_DATE = "Enter the date the action is due"
OTHER_PARTNERSHIP = "That record is not one of this partnership's: link only this partnership's records"


def _fields(instance: Any, data: dict[str, Any], names: tuple[str, ...]) -> None:
    for name in names:
        if name in data:
            setattr(instance, name, data[name])


# ------------------------------------------------------------------------------------- governance model


@transaction.atomic
def model_save(*, partnership: Partnership, data: dict[str, Any]) -> GovernanceModel:
    found = GovernanceModel.objects.filter(partnership=partnership).first()
    record = found or GovernanceModel(partnership=partnership)
    _fields(record, data, ("summary", "reserved_matters"))
    if not record.summary.strip():
        raise ValidationError({"summary": "Describe how the governance model works"})
    record.save()
    return record


# ------------------------------------------------------------------------------------------------ forums


def _check_quorum(quorum: int, members: int) -> None:
    if quorum > members:
        raise ValidationError({"quorum": QUORUM_TOO_HIGH.format(members=members)})


@transaction.atomic
def forum_save(
    *,
    partnership: Partnership,
    data: dict[str, Any],
    forum: Forum | None = None,
    users: list[User] | None = None,
) -> Forum:
    """Create a forum (with its first members from ``users``) or change one. The quorum is at most the
    members it will have."""
    record = forum or Forum(partnership=partnership)
    _fields(record, data, ("tier", "name", "remit", "frequency_months", "quorum", "set_up_on"))
    if record.tier not in Tier.values:
        raise ValidationError({"tier": "Select the forum's tier"})
    clash = Forum.objects.filter(partnership=partnership, name=record.name).exclude(pk=record.pk)
    if clash.exists():
        raise ValidationError(
            {"name": f"There is already a forum called {record.name}: give this one another name"}
        )
    new_users = [user for user in users or [] if user is not None]
    allowed = set(selectors.people_for(partnership).values_list("pk", flat=True))
    if any(user.pk not in allowed for user in new_users):
        raise ValidationError(
            {"members": "Members from ForBetter must be users of this partnership's organisations"}
        )
    existing = record.members.count() if record.pk else 0
    _check_quorum(record.quorum, existing + len(new_users))
    record.save()
    for user in new_users:
        _add_user_member(record, partnership, user, "")
    return record


def _add_user_member(forum: Forum, partnership: Partnership, user: User, role: str) -> ForumMember:
    if forum.members.filter(user=user).exists():
        raise ValidationError({"user": f"{user.get_full_name() or user.email} is already a member"})
    side = (
        Side.COUNCIL if partnership.councils.filter(pk=user.organisation_id or 0).exists() else Side.PARTNER
    )
    return ForumMember.objects.create(
        forum=forum,
        user=user,
        name=user.get_full_name() or user.email,
        side=side,
        organisation=str(user.organisation),
        role=role,
    )


@transaction.atomic
def member_add(*, forum: Forum, data: dict[str, Any]) -> ForumMember:
    """Add a ForBetter user (their side follows their organisation) or a named person (side and
    organisation given)."""
    user = data.get("user")
    role = data.get("role", "") or ""
    if user is not None:
        if not selectors.people_for(forum.partnership).filter(pk=user.pk).exists():
            raise ValidationError({"user": "Choose a user of this partnership's organisations"})
        return _add_user_member(forum, forum.partnership, user, role)
    errors = {}
    if not (data.get("name") or "").strip():
        errors["name"] = "Enter the member's name, or choose a ForBetter user"
    if data.get("side") not in Side.values:
        errors["side"] = "Select which side the member is on"
    if not (data.get("organisation") or "").strip():
        errors["organisation"] = "Enter the member's organisation"
    if errors:
        raise ValidationError(errors)
    return ForumMember.objects.create(
        forum=forum,
        name=data["name"].strip(),
        side=data["side"],
        organisation=data["organisation"].strip(),
        role=role,
    )


@transaction.atomic
def member_remove(*, member: ForumMember) -> None:
    forum = member.forum
    members = forum.members.count()
    if members - 1 < forum.quorum:
        raise ValidationError(
            f"{member.name} cannot be removed: {forum.name} would have {members - 1} members, fewer than its "
            f"quorum of {forum.quorum}. Lower the quorum first."
        )
    if member.attended.exists() or member.apologised.exists():
        raise ValidationError(
            f"{member.name} is in the attendance of past meetings, so stays on the record as a member."
        )
    member.delete()


# ---------------------------------------------------------------------------------------------- meetings


@transaction.atomic
def meeting_save(
    *, partnership: Partnership, data: dict[str, Any], meeting: Meeting | None = None
) -> Meeting:
    forum = data.get("forum", meeting.forum if meeting else None)
    if forum is None:
        raise ValidationError({"forum": NO_FORUM})
    if forum.partnership_id != partnership.pk:
        raise ValidationError({"forum": "Select one of this partnership's forums"})
    if meeting is not None and forum.pk != meeting.forum_id and meeting.items.exists():
        raise ValidationError({"forum": "This meeting has an agenda, so it stays with its forum"})
    if data.get("held_on") is None:
        raise ValidationError({"held_on": "Enter the date of the meeting"})
    attendees = list(data.get("attendees") or [])
    apologies = list(data.get("apologies") or [])
    strangers = [m.name for m in [*attendees, *apologies] if m.forum_id != forum.pk]
    if strangers:
        raise ValidationError(
            {
                "attendees": f"Only members of {forum.name} can attend or send apologies, "
                f"not {', '.join(strangers)}"
            }
        )
    both = sorted({m.name for m in attendees} & {m.name for m in apologies})
    if both:
        raise ValidationError({"apologies": f"{', '.join(both)} cannot both attend and send apologies"})
    record = meeting or Meeting(partnership=partnership)
    record.forum = forum
    _fields(record, data, ("held_on", "minutes"))
    record.save()
    record.attendees.set(attendees)
    record.apologies.set(apologies)
    return record


@transaction.atomic
def item_add(*, meeting: Meeting, data: dict[str, Any]) -> AgendaItem:
    """An agenda item, linked to a record of the same partnership if ``data['record']`` names one."""
    title = (data.get("title") or "").strip()
    if not title:
        raise ValidationError({"title": "Enter the agenda item's title"})
    item = AgendaItem(meeting=meeting, title=title)
    key = data.get("record") or ""
    if key:
        found = links.find(meeting.partnership, key)
        if found is None:
            raise ValidationError({"record": OTHER_PARTNERSHIP})
        content_type, record = found
        item.content_type, item.object_id = content_type, record.pk
        item.record_label = links.describe(content_type, record)
    item.save()
    return item


@transaction.atomic
def decision_add(*, meeting: Meeting, data: dict[str, Any]) -> Decision:
    if not (data.get("text") or "").strip():
        raise ValidationError({"text": "Enter what was decided"})
    return Decision.objects.create(
        meeting=meeting, text=data["text"].strip(), decided_on=data.get("decided_on") or meeting.held_on
    )


@transaction.atomic
def action_save(
    *, meeting: Meeting, data: dict[str, Any], action: GovernanceAction | None = None
) -> GovernanceAction:
    errors = {}
    owner = data.get("owner", action.owner if action else None)
    if owner is None:
        errors["owner"] = NO_OWNER
    elif not selectors.people_for(meeting.partnership).filter(pk=owner.pk).exists():
        errors["owner"] = "The owner must be a user of this partnership's organisations"
    if data.get("due_on", action.due_on if action else None) is None:
        errors["due_on"] = NO_DUE_DATE
    if not (data.get("description", action.description if action else "") or "").strip():
        errors["description"] = "Describe the action"
    if data.get("status", ActionStatus.OPEN) not in ActionStatus.values:
        errors["status"] = "Select the action's status"
    if errors:
        raise ValidationError(errors)
    record = action or GovernanceAction(partnership=meeting.partnership, meeting=meeting)
    _fields(record, data, ("description", "owner", "due_on", "status"))
    record.save()
    return record


# ------------------------------------------------------------------------------------------- escalation


@transaction.atomic
def escalation_create(*, meeting: Meeting, data: dict[str, Any]) -> Escalation:
    """Escalate an agenda item or action of ``meeting`` to a forum of the next tier up (GOV-ESCALATE-UP)."""
    subject = data.get("subject") or ""
    item = action = None
    if subject.startswith("item:"):
        item = meeting.items.filter(pk=_int(subject[5:])).first()
    elif subject.startswith("action:"):
        action = meeting.actions.filter(pk=_int(subject[7:])).first()
    if item is None and action is None:
        raise ValidationError({"subject": "Select the agenda item or action of this meeting to escalate"})
    to_forum = data.get("to_forum")
    above = next_tier_up(meeting.forum.tier)
    if to_forum is None:
        raise ValidationError({"to_forum": "Select the forum it goes to"})
    if above is None:
        raise ValidationError(
            {
                "to_forum": f"{meeting.forum.name} is in the strategic tier: "
                "there is no tier above it to escalate to"
            }
        )
    if to_forum.partnership_id != meeting.partnership_id or to_forum.tier != above:
        raise ValidationError(
            {
                "to_forum": f"Escalate to a forum of the next tier up, {Tier(above).label.lower()}: "
                f"{to_forum.name} is in the {Tier(to_forum.tier).label.lower()} tier"
            }
        )
    if not (data.get("reason") or "").strip():
        raise ValidationError({"reason": "Say why it is escalated"})
    return Escalation.objects.create(
        partnership=meeting.partnership,
        from_forum=meeting.forum,
        to_forum=to_forum,
        item=item,
        action=action,
        escalated_on=data.get("escalated_on") or meeting.held_on,
        reason=data["reason"].strip(),
    )


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 0


@transaction.atomic
def escalation_outcome(*, escalation: Escalation, data: dict[str, Any]) -> Escalation:
    outcome = (data.get("outcome") or "").strip()
    outcome_on = data.get("outcome_on")
    if outcome and outcome_on is None:
        raise ValidationError({"outcome_on": "Enter the date of the outcome"})
    if outcome_on is not None and not outcome:
        raise ValidationError({"outcome": "Enter the outcome, or clear its date"})
    if outcome_on is not None and outcome_on < escalation.escalated_on:
        raise ValidationError({"outcome_on": "The outcome cannot come before the escalation"})
    escalation.outcome, escalation.outcome_on = outcome, outcome_on
    escalation.save()
    return escalation


# ------------------------------------------------------------------------------------- reviews and board


@transaction.atomic
def review_save(
    *, partnership: Partnership, data: dict[str, Any], review: GovernanceReview | None = None
) -> GovernanceReview:
    reviewer = data.get("reviewer")
    if reviewer is None or not selectors.people_for(partnership).filter(pk=reviewer.pk).exists():
        raise ValidationError({"reviewer": "Select who reviewed the governance model"})
    record = review or GovernanceReview(partnership=partnership)
    _fields(record, data, ("reviewed_on", "reviewer", "findings", "decisions"))
    record.save()
    return record


@transaction.atomic
def director_save(
    *, partnership: Partnership, data: dict[str, Any], director: BoardDirector | None = None
) -> BoardDirector:
    if partnership.vehicle != Vehicle.JOINT_VENTURE:
        raise ValidationError(
            "Board directors are recorded for a joint-venture company; this partnership is a contract"
        )
    record = director or BoardDirector(partnership=partnership)
    _fields(record, data, ("name", "appointed_by", "role", "appointed_on"))
    record.save()
    return record
