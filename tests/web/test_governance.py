"""The governance area (issue 12 items 1 and 4): forums in tiers with members and quorum, meetings with
attendance and linked agenda items, decisions, actions, escalations up a tier, reviews of the model, the
joint-venture company's board, the flags and the overview's at-a-glance figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forbetter.accounts.models import Role
from forbetter.demo.partnerships import CONTRACT_MANAGEMENT
from forbetter.governance import selectors, services
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
from forbetter.partnerships.evidence import candidates_for, matching_candidates
from forbetter.partnerships.models import Partnership, Vehicle
from tests.conftest import World
from tests.factories import client_for, make_kpi, make_risk
from tests.web.edit_versions import opened_at

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def _forum(partnership: Partnership, tier: str = Tier.OPERATIONAL, name: str = "", **fields: Any) -> Forum:
    data = {
        "partnership": partnership,
        "tier": tier,
        "name": name or f"{tier} forum",
        "remit": "Runs things",
        "frequency_months": 1,
        "quorum": 1,
        "set_up_on": TODAY - relativedelta(months=6),
        **fields,
    }
    return Forum.objects.create(**data)


def _member(forum: Forum, name: str, side: str = Side.COUNCIL) -> ForumMember:
    return ForumMember.objects.create(forum=forum, name=name, side=side, organisation="Org")


def _meeting(forum: Forum, held_on: dt.date, attendees: list[ForumMember] = ()) -> Meeting:  # type: ignore[assignment]
    meeting = Meeting.objects.create(partnership=forum.partnership, forum=forum, held_on=held_on)
    meeting.attendees.set(attendees)
    return meeting


def _errors(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 200, response.status_code
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


# ---------------------------------------------------------------------------------------------- who sees


def test_partner_users_read_the_pages_but_only_editors_change_them(world: World) -> None:
    forum = _forum(world.ours, name="Operations group")
    council, partner = _member(forum, "Cara Council"), _member(forum, "Pat Partner", Side.PARTNER)
    meeting = _meeting(forum, TODAY, [council, partner])
    partner_client = client_for(world.users[Role.PARTNER_USER])
    page = partner_client.get(reverse("governance:meeting", args=[world.ours.pk, meeting.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Pat Partner" in text
    assert "Partner" in text
    assert "Add an agenda item" not in text  # no edit buttons for a reader
    assert partner_client.get(reverse("governance:forum-create", args=[world.ours.pk])).status_code == 403
    assert partner_client.get(reverse("governance:overview", args=[world.theirs.pk])).status_code == 404
    viewer = client_for(world.users[Role.COUNCIL_VIEWER])
    forum_page = viewer.get(reverse("governance:forum", args=[world.ours.pk, forum.pk]))
    assert forum_page.status_code == 200
    assert "Changes to this forum" in forum_page.content.decode()
    assert viewer.get(reverse("governance:meeting-create", args=[world.ours.pk])).status_code == 403


def test_records_of_another_partnership_are_not_found_through_ours(world: World) -> None:
    theirs = _forum(world.theirs, name="Their group")
    editor = client_for(world.users[Role.ADMINISTRATOR])
    assert editor.get(reverse("governance:forum", args=[world.ours.pk, theirs.pk])).status_code == 404


# ------------------------------------------------------------------------------------------------ forums


def test_editor_adds_a_forum_with_members_and_its_quorum_must_not_exceed_them(world: World) -> None:
    editor = world.users[Role.COUNCIL_EDITOR]
    partner = world.users[Role.PARTNER_USER]
    client = client_for(editor)
    url = reverse("governance:forum-create", args=[world.ours.pk])
    data = {
        "tier": "operational",
        "name": "Operations group",
        "remit": "Week-to-week running",
        "frequency_months": "1",
        "quorum": "3",
        "set_up_on": TODAY.isoformat(),
        "members": [str(editor.pk), str(partner.pk)],
    }
    errors = _errors(client.post(url, data))
    assert errors["quorum"] == [
        "Quorum must be at most the number of members (2): add members first or lower it"
    ]
    assert not Forum.objects.exists()
    response = client.post(url, {**data, "quorum": "2"})
    forum = Forum.objects.get()
    assert response.status_code == 302
    sides = dict(forum.members.values_list("name", "side"))
    assert sorted(sides.values()) == ["council", "partner"]  # the side follows the user's organisation

    edit = reverse("governance:forum-edit", args=[world.ours.pk, forum.pk])
    data.pop("members")
    errors = _errors(client.post(edit, {**data, "quorum": "5", **opened_at(forum)}))
    assert errors["quorum"][0].startswith("Quorum must be at most the number of members (2)")
    forum.refresh_from_db()
    assert forum.quorum == 2


def test_named_members_need_side_and_organisation_and_removal_keeps_the_quorum(world: World) -> None:
    forum = _forum(world.ours, quorum=1)
    client = client_for(world.users[Role.COUNCIL_EDITOR])
    url = reverse("governance:member-create", args=[world.ours.pk, forum.pk])
    errors = _errors(client.post(url, {"name": "Mo Named"}))
    assert errors == {
        "side": ["Select which side the member is on"],
        "organisation": ["Enter the member's organisation"],
    }
    assert (
        client.post(url, {"name": "Mo Named", "side": "partner", "organisation": "Partner P Ltd"}).status_code
        == 302
    )
    only = ForumMember.objects.get(forum=forum)
    remove = reverse("governance:member-remove", args=[world.ours.pk, forum.pk, only.pk])
    refused = client.post(remove, {"confirm": "yes"})
    assert refused.status_code == 200
    assert "fewer than its quorum of 1" in refused.content.decode()
    assert ForumMember.objects.filter(pk=only.pk).exists()


# ---------------------------------------------------------------------------------------------- meetings


def test_a_meeting_without_a_forum_is_refused(world: World) -> None:
    client = client_for(world.users[Role.COUNCIL_EDITOR])
    errors = _errors(
        client.post(
            reverse("governance:meeting-create", args=[world.ours.pk]), {"held_on": TODAY.isoformat()}
        )
    )
    assert errors["forum"] == ["Select the forum the meeting belongs to"]
    assert not Meeting.objects.exists()
    with pytest.raises(ValidationError) as refused:
        services.meeting_save(partnership=world.ours, data={"forum": None, "held_on": TODAY})
    assert refused.value.message_dict == {"forum": ["Select the forum the meeting belongs to"]}


def test_attendance_is_members_of_the_forum_only_and_not_both_ways(world: World) -> None:
    forum, other = _forum(world.ours, name="A"), _forum(world.ours, name="B")
    ours, stranger = _member(forum, "Ann"), _member(other, "Stan")
    base = {"forum": forum, "held_on": TODAY}
    with pytest.raises(ValidationError) as refused:
        services.meeting_save(partnership=world.ours, data={**base, "attendees": [ours, stranger]})
    assert refused.value.message_dict["attendees"] == [
        "Only members of A can attend or send apologies, not Stan"
    ]
    with pytest.raises(ValidationError) as both:
        services.meeting_save(partnership=world.ours, data={**base, "attendees": [ours], "apologies": [ours]})
    assert both.value.message_dict["apologies"] == ["Ann cannot both attend and send apologies"]
    assert not Meeting.objects.exists()


def test_agenda_items_link_records_of_the_same_partnership_only(world: World) -> None:
    forum = _forum(world.ours)
    meeting = _meeting(forum, TODAY)
    kpi = make_kpi(world.ours)
    theirs = make_risk(world.theirs, title="Their risk")
    client = client_for(world.users[Role.COUNCIL_EDITOR])
    url = reverse("governance:item-create", args=[world.ours.pk, meeting.pk])
    form_page = client.get(url).content.decode()
    kpi_key = f"{ContentType.objects.get_for_model(kpi).pk}:{kpi.pk}"
    their_key = f"{ContentType.objects.get_for_model(theirs).pk}:{theirs.pk}"
    assert kpi_key in form_page
    assert their_key not in form_page

    errors = _errors(client.post(url, {"title": "Their risk", "record": their_key}))
    assert errors["record"] == [
        "That record is not one of this partnership's: link only this partnership's records"
    ]
    assert not AgendaItem.objects.exists()
    assert client.post(url, {"title": "Performance", "record": kpi_key}).status_code == 302
    item = AgendaItem.objects.get()
    assert item.record == kpi
    assert item.record_label == f"KPI {kpi.reference}: {kpi.name}"
    page = client.get(reverse("governance:meeting", args=[world.ours.pk, meeting.pk])).content.decode()
    assert item.record_label in page


# ----------------------------------------------------------------------------------- decisions, actions


def test_an_action_needs_an_owner_and_a_due_date(world: World) -> None:
    meeting = _meeting(_forum(world.ours), TODAY)
    client = client_for(world.users[Role.COUNCIL_EDITOR])
    url = reverse("governance:action-create", args=[world.ours.pk, meeting.pk])
    errors = _errors(client.post(url, {"description": "Fix it", "status": "open"}))
    assert errors == {
        "owner": ["Select who owns the action"],
        "due_on": ["Enter the date the action is due"],
    }
    assert not GovernanceAction.objects.exists()
    with pytest.raises(ValidationError) as refused:
        services.action_save(meeting=meeting, data={"description": "Fix it", "owner": None, "due_on": None})
    assert refused.value.message_dict == {
        "owner": ["Select who owns the action"],
        "due_on": ["Enter the date the action is due"],
    }
    editor = world.users[Role.COUNCIL_EDITOR]
    posted = {
        "description": "Fix it",
        "owner": str(editor.pk),
        "due_on": (TODAY - dt.timedelta(days=1)).isoformat(),
        "status": "open",
    }
    assert client.post(url, posted).status_code == 302
    action = GovernanceAction.objects.get()
    assert action.is_overdue()
    listing = client.get(reverse("governance:actions", args=[world.ours.pk]) + "?overdue=on").content.decode()
    assert "Overdue" in listing
    assert "1 is overdue now" in listing

    edit = reverse("governance:action-edit", args=[world.ours.pk, action.pk])
    assert client.post(edit, {**posted, "status": "done", **opened_at(action)}).status_code == 302
    action.refresh_from_db()
    assert action.status == "done"
    assert not action.is_overdue()
    later = GovernanceAction.objects.create(
        partnership=world.ours, meeting=meeting, description="Later", owner=editor, due_on=TODAY
    )
    listed = client.get(reverse("governance:actions", args=[world.ours.pk])).context["page_obj"]
    assert list(listed) == [later, action]  # open ones first


def test_a_decision_takes_the_meeting_date_unless_given(world: World) -> None:
    meeting = _meeting(_forum(world.ours), TODAY - dt.timedelta(days=3))
    client = client_for(world.users[Role.COUNCIL_EDITOR])
    url = reverse("governance:decision-create", args=[world.ours.pk, meeting.pk])
    assert _errors(client.post(url, {"text": ""}))["text"] == ["Enter the decision"]
    assert client.post(url, {"text": "Go ahead", "decided_on": ""}).status_code == 302
    assert meeting.decisions.get().decided_on == meeting.held_on


# -------------------------------------------------------------------------------------------- escalation


def test_escalation_goes_only_to_a_forum_of_the_next_tier_up_and_records_its_outcome(world: World) -> None:
    low = _forum(world.ours, Tier.OPERATIONAL, "Ops")
    middle = _forum(world.ours, Tier.SENIOR_MANAGEMENT, "JMT")
    top = _forum(world.ours, Tier.STRATEGIC, "Board")
    meeting = _meeting(low, TODAY)
    item = AgendaItem.objects.create(meeting=meeting, title="Budget")
    client = client_for(world.users[Role.COUNCIL_EDITOR])
    url = reverse("governance:escalation-create", args=[world.ours.pk, meeting.pk])
    data = {
        "subject": f"item:{item.pk}",
        "escalated_on": TODAY.isoformat(),
        "reason": "Over budget authority",
    }
    errors = _errors(client.post(url, {**data, "to_forum": str(top.pk)}))
    assert errors["to_forum"] == [
        "Escalate to a forum of the next tier up, senior management: Board is in the strategic tier"
    ]
    assert not Escalation.objects.exists()
    assert client.post(url, {**data, "to_forum": str(middle.pk)}).status_code == 302
    escalation = Escalation.objects.get()
    assert (escalation.from_forum, escalation.to_forum, escalation.item) == (low, middle, item)

    top_meeting = _meeting(top, TODAY)
    top_item = AgendaItem.objects.create(meeting=top_meeting, title="X")
    with pytest.raises(ValidationError, match="no tier above"):
        services.escalation_create(
            meeting=top_meeting, data={"subject": f"item:{top_item.pk}", "to_forum": middle, "reason": "r"}
        )

    edit = reverse("governance:escalation-edit", args=[world.ours.pk, escalation.pk])
    assert _errors(client.post(edit, {"outcome": "Agreed", **opened_at(escalation)}))["outcome_on"] == [
        "Enter the date of the outcome"
    ]
    assert (
        client.post(
            edit, {"outcome": "Agreed", "outcome_on": TODAY.isoformat(), **opened_at(escalation)}
        ).status_code
        == 302
    )
    escalation.refresh_from_db()
    assert escalation.outcome == "Agreed"
    assert "Agreed" in client.get(reverse("governance:escalations", args=[world.ours.pk])).content.decode()


# --------------------------------------------------------------------------------------------- flags etc.


def test_flags_and_at_a_glance_in_a_fixed_number_of_queries(world: World) -> None:
    ops = _forum(world.ours, Tier.OPERATIONAL, "Ops", frequency_months=1)
    board = _forum(world.ours, Tier.STRATEGIC, "Board", frequency_months=6)
    council, partner = _member(ops, "Cara"), _member(ops, "Pat", Side.PARTNER)
    for months in (5, 4):
        _meeting(ops, TODAY - relativedelta(months=months), [council, partner])
    for months in (3, 2, 1):
        latest = _meeting(ops, TODAY - relativedelta(months=months), [council])
    last_board = TODAY - relativedelta(months=8)
    _meeting(board, last_board)
    GovernanceAction.objects.create(
        partnership=world.ours,
        meeting=latest,
        description="Late",
        owner=world.users[Role.COUNCIL_EDITOR],
        due_on=TODAY - dt.timedelta(days=1),
    )
    with CaptureQueriesContext(connection) as queries:
        glance = selectors.at_a_glance(world.ours, TODAY)
    assert len(queries) == 3
    assert glance["open_overdue_actions"] == 1
    assert glance["last_meeting_by_tier"] == [
        ("Strategic", last_board),
        ("Senior management", None),
        ("Operational", TODAY - relativedelta(months=1)),
    ]
    flagged: dict[str, list[str]] = {}
    for name, reason in glance["forums_flagged"]:
        flagged.setdefault(name, []).append(reason)
    assert flagged["Ops"] == ["Nobody from the partner's side attended the last 3 meetings."]
    stopped, unattended = flagged["Board"]  # no meeting for 8 months, and nobody from the partner came
    assert stopped.startswith(
        f"Last met on {last_board.day} {last_board:%B %Y}: it should meet every 6 months"
    )
    assert unattended == "Nobody from the partner's side attended the last meeting."

    for _ in range(5):  # more forums, same queries
        _forum(world.ours, Tier.SENIOR_MANAGEMENT, f"Extra {_}")
    with CaptureQueriesContext(connection) as more:
        selectors.at_a_glance(world.ours, TODAY)
    assert len(more) == 3

    page = client_for(world.users[Role.PARTNER_USER]).get(
        reverse("governance:overview", args=[world.ours.pk])
    )
    text = page.content.decode()
    assert "No partner attendance" in text
    assert "Stopped meeting" in text
    assert "It has stopped meeting." in text


# --------------------------------------------------------------------------------- model, board, reviews


def test_jvc_board_reserved_matters_and_council_equity(world: World) -> None:
    client = client_for(world.users[Role.COUNCIL_EDITOR])
    url = reverse("governance:director-create", args=[world.ours.pk])
    refused = client.post(url, {"name": "Dee", "appointed_by": "council"})
    assert "this partnership is a contract" in refused.content.decode()
    assert not BoardDirector.objects.exists()

    world.ours.vehicle = Vehicle.JOINT_VENTURE
    world.ours.council_equity_share = Decimal("0.2")
    world.ours.save()
    assert client.post(url, {"name": "Dee", "appointed_by": "council", "role": "Chair"}).status_code == 302
    model_url = reverse("governance:model-edit", args=[world.ours.pk])
    assert _errors(client.post(model_url, {"summary": ""}))["summary"] == ["Enter the summary"]
    assert (
        client.post(
            model_url, {"summary": "Three tiers", "reserved_matters": "New shares\n\nBorrowing"}
        ).status_code
        == 302
    )
    assert GovernanceModel.objects.get().reserved_matter_list == ["New shares", "Borrowing"]
    page = client_for(world.users[Role.PARTNER_USER]).get(
        reverse("governance:overview", args=[world.ours.pk])
    )
    text = page.content.decode()
    assert "Dee" in text
    assert "The council" in text
    assert "The councils hold 20% of its equity" in text
    assert "New shares" in text


def test_reviews_need_a_reviewer_of_the_partnership_and_evidence_their_tasks(world: World) -> None:
    client = client_for(world.users[Role.COUNCIL_EDITOR])
    url = reverse("governance:review-create", args=[world.ours.pk])
    outsider = world.users[Role.AUDITOR]
    data = {"reviewed_on": TODAY.isoformat(), "findings": "Works", "decisions": "Keep it"}
    assert "reviewer" in _errors(client.post(url, {**data, "reviewer": str(outsider.pk)}))
    editor = world.users[Role.COUNCIL_EDITOR]
    assert client.post(url, {**data, "reviewer": str(editor.pk)}).status_code == 302
    services.model_save(partnership=world.ours, data={"summary": "Three tiers"})
    _meeting(_forum(world.ours), TODAY)
    candidates = candidates_for(world.ours)
    assert {c.model_label for c in matching_candidates(candidates, ["governance_review"])} == {
        "governance.governancereview"
    }
    assert "governance.governancemodel" in {
        c.model_label for c in matching_candidates(candidates, ["governance_model"])
    }
    assert "governance.meeting" in {c.model_label for c in matching_candidates(candidates, ["meeting"])}
    labels = {c.label for c in candidates if c.model_label == "governance.governancemodel"}
    assert labels == {"Governance model: tiers, forums and members"}
    assert GovernanceReview.objects.get().reviewer == editor


def test_a_choice_that_cannot_be_a_records_id_is_a_message_not_a_server_error(world: World) -> None:
    forum = _forum(world.ours)
    meeting = _meeting(forum, TODAY)
    client = client_for(world.users[Role.COUNCIL_EDITOR])
    url = reverse("governance:meeting-edit", args=[world.ours.pk, meeting.pk])
    huge = "9" * 30
    posted = {"forum": str(forum.pk), "held_on": TODAY.isoformat(), "attendees": [huge], **opened_at(meeting)}
    assert "attendees" in _errors(client.post(url, posted))
    escalate = reverse("governance:escalation-create", args=[world.ours.pk, meeting.pk])
    assert "to_forum" in _errors(client.post(escalate, {"to_forum": huge, "reason": "r"}))


# ------------------------------------------------------------------------------------------------- demo


def test_demo_has_three_tiers_a_board_a_year_of_meetings_and_a_flagged_forum(seeded_demo: None) -> None:
    highways = Partnership.objects.get(name=CONTRACT_MANAGEMENT)
    assert highways.vehicle == Vehicle.JOINT_VENTURE
    forums = Forum.objects.filter(partnership=highways)
    assert sorted(forums.values_list("tier", flat=True)) == sorted(Tier.values)
    assert BoardDirector.objects.filter(partnership=highways).count() == 5
    meetings = Meeting.objects.filter(partnership=highways)
    first, last = meetings.order_by("held_on").first(), meetings.order_by("held_on").last()
    assert first is not None
    assert last is not None
    assert (last.held_on - first.held_on).days >= 330
    linked = {
        item.content_type.model if item.content_type else ""
        for item in AgendaItem.objects.filter(meeting__partnership=highways, content_type__isnull=False)
    }
    assert {"kpi", "risk", "paymentstatement"} <= linked
    glance = selectors.at_a_glance(highways)
    assert glance["open_overdue_actions"] >= 2
    assert [name for name, _ in glance["forums_flagged"]] == ["Highways operations group"]
    assert Escalation.objects.filter(partnership=highways).count() == 1
    assert GovernanceReview.objects.filter(partnership=highways).count() == 1
