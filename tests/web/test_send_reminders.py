"""``manage.py send_reminders``: one digest per user of what is new to them, never twice at a stage, the
email choice honoured, ``--dry-run`` sending nothing, and the task a scheduler can queue."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from forbetter.accounts.models import Role
from forbetter.reminders.models import ReminderPreference, ReminderSent
from forbetter.reminders.tasks import send_reminders_task
from tests.conftest import World
from tests.web.test_reminders import records

pytestmark = pytest.mark.django_db


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def both(world: World, today: dt.date) -> World:
    records(world.ours, world.users[Role.COUNCIL_EDITOR], today, "A")
    records(world.theirs, world.users[Role.ADMINISTRATOR], today, "B")
    return world


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def _to(address: str) -> mail.EmailMessage:
    found = [message for message in mail.outbox if message.to == [address]]
    assert len(found) == 1, f"expected one email to {address}, got {len(found)}"
    return found[0]


def test_each_user_gets_one_digest_of_their_partnerships(both: World) -> None:
    output = _run()
    assert len(mail.outbox) == 5  # every user of the world sees a partnership with reminders
    assert "Sent 5 reminder emails" in output
    editor = _to("editor@a.test")
    assert editor.subject.startswith("ForBetter reminders: ")
    assert "overdue" in editor.subject
    assert "coming due" in editor.subject
    assert "OVERDUE (" in editor.body
    assert "COMING DUE (" in editor.body
    assert "Flooding A" in editor.body
    assert "Send the figures A" in editor.body
    assert "Flooding B" not in editor.body  # another council's partnership
    assert "Partnership review of" in editor.body  # council-only, to council staff
    assert "http://localhost:8000/partnerships/" in editor.body
    admin = _to("admin@a.test")
    assert "Flooding B" in admin.body


def test_partner_user_digest_leaves_out_council_only_reminders(both: World) -> None:
    _run()
    partner = _to("partner@p.test")
    assert "Flooding A" in partner.body
    assert "Partnership review of" not in partner.body
    assert "Next review of the whole partnership" not in partner.body
    assert "Flooding B" not in partner.body


def test_a_second_run_sends_nothing_again(both: World) -> None:
    _run()
    sent = ReminderSent.objects.count()
    assert sent > 0
    mail.outbox.clear()
    output = _run()
    assert mail.outbox == []
    assert "Sent 0 reminder emails" in output
    assert ReminderSent.objects.count() == sent


def test_a_reminder_coming_due_is_sent_again_once_overdue(both: World, today: dt.date) -> None:
    _run("--date", today.isoformat())
    mail.outbox.clear()
    later = today + dt.timedelta(days=6)  # the governance action due in 5 days is now overdue
    _run("--date", later.isoformat())
    editor = _to("editor@a.test")
    overdue_part = editor.body.split("COMING DUE")[0]
    assert "Send the figures A" in overdue_part
    assert "Flooding A" not in editor.body  # overdue at the first run already: not sent twice
    assert ReminderSent.objects.filter(stage="overdue", reminder_key__startswith="governance_action").exists()


def test_users_who_turned_the_email_off_get_none(both: World) -> None:
    ReminderPreference.objects.create(user=both.users[Role.COUNCIL_EDITOR], email_digest=False)
    _run()
    assert "editor@a.test" not in {message.to[0] for message in mail.outbox}
    assert not ReminderSent.objects.filter(user=both.users[Role.COUNCIL_EDITOR]).exists()
    assert len(mail.outbox) == 4


def test_dry_run_sends_and_records_nothing(both: World) -> None:
    output = _run("--dry-run")
    assert mail.outbox == []
    assert ReminderSent.objects.count() == 0
    assert "Would send to editor@a.test:" in output
    assert "Would send 5 reminder emails" in output


def test_a_bad_date_is_refused_in_one_line(both: World) -> None:
    with pytest.raises(CommandError, match=r"--date: enter the date as YYYY-MM-DD"):
        _run("--date", "31/12/2026")
    assert mail.outbox == []


def test_nothing_to_remind_sends_nothing(world: World) -> None:
    assert "Sent 0 reminder emails" in _run()
    assert mail.outbox == []


def test_the_task_sends_the_digests(both: World, today: dt.date) -> None:
    result = send_reminders_task.enqueue(today.isoformat())
    assert result.return_value == 5
    assert len(mail.outbox) == 5
