"""Reminders: each area's provider, the reminders page per role with a fixed query count, and the email
preference with its history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forbetter.accounts.models import Role
from forbetter.core.reminders import Reminder, collect
from forbetter.governance.models import Forum, GovernanceAction, Meeting, Tier
from forbetter.governance.reminders import action_reminders
from forbetter.keydates import services as key_date_services
from forbetter.keydates.reminders import key_date_reminders
from forbetter.partnerships.models import Partnership, Task
from forbetter.partnerships.reminders import task_reminders
from forbetter.performance.reminders import kpi_reminders
from forbetter.remedies.models import PlanAction, RectificationPlan
from forbetter.remedies.reminders import plan_action_reminders
from forbetter.reminders import selectors
from forbetter.reminders.models import ReminderPreference
from forbetter.reviews.models import PartnershipReview
from forbetter.reviews.reminders import review_reminders
from forbetter.risks.reminders import risk_review_reminders
from tests.conftest import World
from tests.factories import (
    PartnershipFactory,
    client_for,
    make_contract_live,
    make_kpi,
    make_kpi_return,
    make_risk,
)

pytestmark = pytest.mark.django_db


def records(partnership: Partnership, user: Any, today: dt.date, tag: str = "") -> None:
    """One thing of each kind coming due or overdue in ``partnership``, named with ``tag``."""
    make_contract_live(partnership)
    month = today.replace(day=1)
    kpi = make_kpi(partnership, f"K{tag}-1", first_period=month - relativedelta(months=2), owner=user)
    make_kpi_return(kpi, month - relativedelta(months=1), "96", user=user)  # the later period is in
    make_risk(partnership, title=f"Flooding {tag}", next_review_on=today - dt.timedelta(days=3), owner=user)
    make_risk(partnership, title=f"Far off {tag}", next_review_on=today + dt.timedelta(days=200))
    forum = Forum.objects.create(
        partnership=partnership,
        tier=Tier.OPERATIONAL,
        name=f"Ops {tag}",
        remit="Service",
        frequency_months=1,
        quorum=1,
        set_up_on=today,
    )
    meeting = Meeting.objects.create(partnership=partnership, forum=forum, held_on=today)
    GovernanceAction.objects.create(
        partnership=partnership,
        meeting=meeting,
        description=f"Send the figures {tag}",
        owner=user,
        due_on=today + dt.timedelta(days=5),
    )
    plan = RectificationPlan.objects.create(
        partnership=partnership,
        reference=f"RP{tag}",
        failure="Backlog",
        requested_on=today - dt.timedelta(days=30),
        due_on=today + dt.timedelta(days=60),
    )
    PlanAction.objects.create(
        plan=plan, description=f"Extra gang {tag}", owner="Depot", due_on=today - dt.timedelta(days=1)
    )
    Task.objects.filter(
        pk=Task.objects.filter(partnership=partnership).order_by("pk").values("pk")[:1]
    ).update(due_on=today + dt.timedelta(days=2), owner=user)
    key_date_services.key_date_save(
        user=user,
        partnership=partnership,
        data={"kind": "insurance_expiry", "falls_on": today + dt.timedelta(days=20), "title": f"Cover {tag}"},
    )
    PartnershipReview.objects.create(
        partnership=partnership,
        period_from=today - dt.timedelta(days=365),
        period_to=today,
        planned_on=today + dt.timedelta(days=3),
        scope=f"Everything {tag}",
    )


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def both(world: World, today: dt.date) -> World:
    records(world.ours, world.users[Role.COUNCIL_EDITOR], today, "A")
    records(world.theirs, world.users[Role.ADMINISTRATOR], today, "B")
    return world


def _ids(rows: Any) -> set[int]:
    return {row.partnership_id for row in rows}


def test_kpi_provider_reminds_of_missing_returns_only(both: World, today: dt.date) -> None:
    rows = list(kpi_reminders([both.ours], today))
    month = today.replace(day=1)
    periods = {row.record_key.rsplit(":", 1)[1] for row in rows if row.kind == "kpi_return"}
    assert (month - relativedelta(months=2)).isoformat() in periods
    assert (month - relativedelta(months=1)).isoformat() not in periods  # its return was received
    assert _ids(rows) == {both.ours.pk}
    assert all(not row.council_only for row in rows)


def test_kpi_provider_waits_for_contract_management_and_agreement(world: World, today: dt.date) -> None:
    editor = world.users[Role.COUNCIL_EDITOR]
    make_kpi(world.ours, "K-X", first_period=today.replace(day=1) - relativedelta(months=3))
    assert list(kpi_reminders([world.ours], today)) == []  # not in contract management yet
    make_contract_live(world.ours)
    make_kpi(world.ours, "K-P", first_period=dt.date(2024, 1, 1), agreement="proposed", owner=editor)
    found = list(kpi_reminders([world.ours], today))
    assert {row.title.split(" ")[0] for row in found} == {"K-X"}


def test_risk_provider_lists_open_risks_due_for_review(both: World, today: dt.date) -> None:
    rows = list(risk_review_reminders([both.ours], today))
    assert "Flooding A" in rows[0].title
    assert len(rows) == 1
    assert rows[0].concerns_user_id == both.users[Role.COUNCIL_EDITOR].pk


def test_governance_plan_task_and_review_providers(both: World, today: dt.date) -> None:
    actions = list(action_reminders([both.ours], today))
    assert [row.title for row in actions] == ["Send the figures A"]
    plan_actions = list(plan_action_reminders([both.ours], today))
    assert [row.title for row in plan_actions] == ["RPA: Extra gang A"]
    tasks = list(task_reminders([both.ours], today))
    assert len(tasks) == 1
    assert tasks[0].concerns_user_id == both.users[Role.COUNCIL_EDITOR].pk
    reviews = list(review_reminders([both.ours], today))
    assert len(reviews) == 1
    assert reviews[0].council_only
    for rows in (actions, plan_actions, tasks, reviews):
        assert _ids(rows) == {both.ours.pk}


def test_key_date_provider_covers_recorded_and_derived_dates(both: World, today: dt.date) -> None:
    rows = list(key_date_reminders([both.ours], today))
    titles = {row.title for row in rows}
    assert "Cover A" in titles  # recorded, reminder two months before
    assert (
        "Rectification plan RPA due" not in titles
    )  # due in 60 days: its reminder (14 days before) is later
    assert _ids(rows) == {both.ours.pk}
    PlanAction.objects.all().delete()
    RectificationPlan.objects.filter(partnership=both.ours).update(due_on=today - dt.timedelta(days=2))
    rows = list(key_date_reminders([both.ours], today))
    assert "Rectification plan RPA due" in {row.title for row in rows}  # a derived deadline, still open


def test_collect_classifies_and_orders_overdue_first(both: World, today: dt.date) -> None:
    rows = collect([both.ours], today)
    states = [row.status for row in rows]
    assert states == sorted(states, key=lambda s: s != "overdue")
    assert {"overdue", "coming_due"} <= set(states)
    assert all(row.status != "not_yet" for row in rows)
    assert "Far off A" not in " ".join(row.title for row in rows)
    assert {row.kind for row in rows} >= {
        "kpi_return",
        "risk_review",
        "governance_action",
        "plan_action",
        "framework_task",
        "key_date",
        "partnership_review",
    }


def test_partner_user_never_sees_council_only_reminders_nor_other_partnerships(
    both: World, today: dt.date
) -> None:
    partner = selectors.reminders_for(both.users[Role.PARTNER_USER], today).reminders
    assert partner
    assert _ids(partner) == {both.ours.pk}
    assert not any(row.council_only for row in partner)
    assert "partnership_review" not in {row.kind for row in partner}
    editor = selectors.reminders_for(both.users[Role.COUNCIL_EDITOR], today).reminders
    assert _ids(editor) == {both.ours.pk}
    assert "partnership_review" in {row.kind for row in editor}
    admin = selectors.reminders_for(both.users[Role.ADMINISTRATOR], today).reminders
    assert _ids(admin) == {both.ours.pk, both.theirs.pk}


@pytest.mark.parametrize("role", list(Role))
def test_reminders_page_per_role(both: World, role: str) -> None:
    response = client_for(both.users[role]).get(reverse("reminders:list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Flooding A" in body
    assert ("Flooding B" in body) == (role == Role.ADMINISTRATOR)
    assert ("Partnership review of" in body) == (role != Role.PARTNER_USER)
    assert 'href="/reminders/"' in body  # in the top navigation


def test_reminders_page_filters_by_partnership_kind_and_mine(both: World) -> None:
    client = client_for(both.users[Role.ADMINISTRATOR])
    body = client.get(reverse("reminders:list"), {"partnership": both.theirs.pk}).content.decode()
    assert "Flooding B" in body
    assert "Flooding A" not in body
    body = client.get(reverse("reminders:list"), {"kind": "risk_review"}).content.decode()
    assert "Flooding A" in body
    assert "Send the figures" not in body
    body = client.get(reverse("reminders:list"), {"mine": "on"}).content.decode()
    assert "Send the figures B" in body  # the administrator owns B's records
    assert "Send the figures A" not in body


def test_partner_user_cannot_filter_to_another_partnership(both: World) -> None:
    client = client_for(both.users[Role.PARTNER_USER])
    body = client.get(reverse("reminders:list"), {"partnership": both.theirs.pk}).content.decode()
    assert "Flooding B" not in body
    assert "Select a valid choice" in body


def test_reminders_page_is_paginated(both: World, today: dt.date) -> None:
    for number in range(25):
        make_risk(both.ours, title=f"Extra {number}", next_review_on=today - dt.timedelta(days=1))
    client = client_for(both.users[Role.COUNCIL_EDITOR])
    first = client.get(reverse("reminders:list")).content.decode()
    second = client.get(reverse("reminders:list"), {"page": 2}).content.decode()
    assert first.count('class="govuk-table__row"') == 21  # the header and 20 rows
    assert 'aria-label="Page 2"' in first
    assert "govuk-table__row" in second


def _page_queries(user: Any) -> int:
    client = client_for(user)
    client.get(reverse("reminders:list"))  # warm: sessions, content types
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("reminders:list")).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", [Role.COUNCIL_EDITOR, Role.PARTNER_USER])
def test_reminders_page_query_count_does_not_grow_with_partnerships(
    world: World, today: dt.date, role: str
) -> None:
    user = world.users[role]
    records(world.ours, world.users[Role.COUNCIL_EDITOR], today, "1")
    one = _page_queries(user)
    for number in range(4):
        more = PartnershipFactory(name=f"More {number}", councils=[world.council_a], partner=world.partner_p)
        records(more, world.users[Role.COUNCIL_EDITOR], today, f"m{number}")
    assert len(selectors.reminders_for(user, today).partnerships) == 5
    assert _page_queries(user) == one


def test_email_choice_is_saved_with_history(world: World) -> None:
    user = world.users[Role.PARTNER_USER]
    client = client_for(user)
    refused = client.post(reverse("reminders:preferences"), {})
    assert "Choose whether to get the reminders email" in refused.content.decode()
    assert not ReminderPreference.objects.filter(user=user).exists()
    response = client.post(reverse("reminders:preferences"), {"email_digest": "no"})
    assert response.status_code == 302
    assert ReminderPreference.objects.get(user=user).email_digest is False
    page = client.get(reverse("reminders:preferences")).content.decode()
    assert "Reminder email turned off" in page
    client.post(reverse("reminders:preferences"), {"email_digest": "yes"})
    assert ReminderPreference.objects.get(user=user).email_digest is True
    assert ReminderPreference.objects.get(user=user).history.count() == 2


def test_reminder_key_is_stable_and_changes_with_the_due_date() -> None:
    row = Reminder(1, "risk_review", "Risk review", "risk:7", "Review", dt.date(2026, 5, 1), "/x")
    assert row.key == "risk_review:risk:7:2026-05-01"
    moved = Reminder(1, "risk_review", "Risk review", "risk:7", "Review", dt.date(2026, 6, 1), "/x")
    assert moved.key != row.key


@pytest.mark.parametrize("role", [Role.PARTNER_USER, Role.COUNCIL_VIEWER])
def test_every_reminder_link_opens_for_the_user_who_sees_it(both: World, today: dt.date, role: str) -> None:
    user = both.users[role]
    client = client_for(user)
    urls = {row.url for row in selectors.reminders_for(user, today).reminders}
    assert len(urls) >= 6
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 200)
