"""Key dates: the services (every bad-input message, nothing saved), the timeline with derived dates, the
portfolio (only what each user may see, a fixed number of queries), reminders due, the overview's glance,
evidence for I-FLX-2, and the pages for each role."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forbetter.accounts.models import Role, User
from forbetter.core.key_dates import derived_dates
from forbetter.keydates import selectors, services
from forbetter.keydates.models import KeyDate, Status
from forbetter.partnerships.evidence import candidates_for, matching_candidates
from forbetter.partnerships.models import Partnership
from tests.conftest import World
from tests.factories import client_for
from tests.web.edit_versions import opened_at

pytestmark = pytest.mark.django_db

START = dt.date(2024, 4, 1)


def _with_contract(partnership: Partnership, start: dt.date | None = START, term: int = 10) -> Partnership:
    Partnership.objects.filter(pk=partnership.pk).update(
        planned_start_on=start, term_years=term, extension_years=5, extension_options="one of 5 years"
    )
    partnership.refresh_from_db()
    return partnership


def _data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "break_point",
        "falls_on": dt.date(2031, 3, 31),
        "title": "Break at the end of year 7",
        "owner": "Director",
        "notice_months": 12,
        "remind_on": None,
        "details": "",
    }
    data.update(changes)
    return data


def _add(world: World, partnership: Partnership | None = None, **changes: Any) -> KeyDate:
    return services.key_date_save(
        user=world.users[Role.COUNCIL_EDITOR] if partnership is None else world.users[Role.ADMINISTRATOR],
        partnership=partnership or world.ours,
        data=_data(**changes),
    )


def _refused(world: World, field: str, message: str, **changes: Any) -> None:
    before = KeyDate.objects.count()
    with pytest.raises(ValidationError) as refused:
        _add(world, **changes)
    assert message in " ".join(refused.value.message_dict[field])
    assert KeyDate.objects.count() == before


# ------------------------------------------------------------------------------------------------------
# Services
# ------------------------------------------------------------------------------------------------------


def test_a_break_point_takes_the_default_reminder_and_shows_its_notice_deadline(world: World) -> None:
    _with_contract(world.ours)
    key_date = _add(world)
    assert key_date.notice_deadline == dt.date(2030, 3, 31)
    assert key_date.remind_on == dt.date(2029, 12, 31)  # three months before notice is due
    assert key_date.history.first().history_user == world.users[Role.COUNCIL_EDITOR]


def test_a_chosen_reminder_is_kept(world: World) -> None:
    key_date = _add(world, kind="insurance_expiry", notice_months=None, remind_on=dt.date(2031, 1, 5))
    assert key_date.remind_on == dt.date(2031, 1, 5)


@pytest.mark.parametrize(
    ("field", "message", "changes"),
    [
        ("kind", "Choose what kind of key date this is", {"kind": ""}),
        ("kind", "Choose one of the kinds listed", {"kind": "eclipse"}),
        ("falls_on", "Enter the date", {"falls_on": None}),
        ("title", "Enter what the key date is", {"title": "  "}),
        ("falls_on", "The date must be between 1990 and 2100", {"falls_on": dt.date(1980, 1, 1)}),
        ("remind_on", "The reminder date must be between 1990 and 2100", {"remind_on": dt.date(1900, 1, 1)}),
        (
            "falls_on",
            "The date cannot be before the contract starts on 1 April 2024 (the partnership's planned start)",
            {"falls_on": dt.date(2024, 3, 31)},
        ),
        (
            "remind_on",
            "The reminder date must be on or before the date itself, 31 March 2031",
            {"remind_on": dt.date(2031, 4, 1)},
        ),
        (
            "notice_months",
            "Enter the notice period in months the contract requires for the break point",
            {"notice_months": None},
        ),
        (
            "notice_months",
            "Enter the notice period in months the contract requires for the extension option",
            {"kind": "extension_option", "notice_months": None},
        ),
        (
            "notice_months",
            "Only break points and extension options have a notice period: leave it blank for a review point",
            {"kind": "review_point"},
        ),
        ("notice_months", "The notice period must be 0 to 60 months", {"notice_months": 61}),
    ],
)
def test_bad_input_gets_a_specific_message_and_saves_nothing(
    world: World, field: str, message: str, changes: dict[str, Any]
) -> None:
    _with_contract(world.ours)
    _refused(world, field, message, **changes)


def test_without_a_planned_start_the_contract_starts_when_contract_management_began(world: World) -> None:
    Partnership.objects.filter(pk=world.ours.pk).update(
        planned_start_on=None, contract_management_began_on=dt.date(2025, 1, 6)
    )
    world.ours.refresh_from_db()
    _refused(
        world,
        "falls_on",
        "The date cannot be before the contract starts on 6 January 2025 "
        "(the day contract management began): enter 6 January 2025 or later",
        falls_on=dt.date(2025, 1, 5),
    )
    assert _add(world, falls_on=dt.date(2025, 1, 6), notice_months=0).pk


def test_an_edit_that_breaks_a_rule_changes_nothing(world: World) -> None:
    _with_contract(world.ours)
    key_date = _add(world)
    with pytest.raises(ValidationError):
        services.key_date_save(
            user=world.users[Role.COUNCIL_EDITOR],
            partnership=world.ours,
            key_date=key_date,
            data={"falls_on": dt.date(2020, 1, 1)},
        )
    key_date.refresh_from_db()
    assert key_date.falls_on == dt.date(2031, 3, 31)


def test_only_council_editors_change_key_dates(world: World) -> None:
    for role in (Role.COUNCIL_VIEWER, Role.PARTNER_USER, Role.AUDITOR):
        with pytest.raises(PermissionDenied):
            services.key_date_save(user=world.users[role], partnership=world.ours, data=_data())
    assert not KeyDate.objects.exists()


def test_a_new_break_point_whose_notice_deadline_has_passed_is_saved_but_flagged(world: World) -> None:
    today = timezone.localdate()
    key_date = _add(world, falls_on=today + dt.timedelta(days=30), notice_months=6)
    assert KeyDate.objects.filter(pk=key_date.pk).exists()
    assert services.notice_passed(key_date, today)
    row = selectors.timeline(world.ours, world.users[Role.COUNCIL_EDITOR], today)[0]
    assert row.notice_passed


def test_marking_done_and_dismissed_records_who_and_when(world: World) -> None:
    editor = world.users[Role.COUNCIL_EDITOR]
    key_date = _add(world)
    with pytest.raises(ValidationError) as refused:
        services.key_date_set_status(user=editor, key_date=key_date, data={"status": "dismissed"})
    assert refused.value.message_dict["closed_note"] == ["Say why the key date is dismissed"]
    key_date.refresh_from_db()
    assert key_date.status == Status.OPEN
    with pytest.raises(ValidationError):
        services.key_date_set_status(user=editor, key_date=key_date, data={"status": "forgotten"})
    services.key_date_set_status(
        user=editor, key_date=key_date, data={"status": "done", "closed_note": "Sent"}
    )
    key_date.refresh_from_db()
    assert (key_date.status, key_date.closed_by, key_date.closed_note) == ("done", editor, "Sent")
    assert key_date.closed_at is not None
    services.key_date_set_status(user=editor, key_date=key_date, data={"status": "open"})
    key_date.refresh_from_db()
    assert key_date.closed_by is None
    assert key_date.closed_at is None
    with pytest.raises(PermissionDenied):
        services.key_date_set_status(
            user=world.users[Role.COUNCIL_VIEWER], key_date=key_date, data={"status": "done"}
        )


# ------------------------------------------------------------------------------------------------------
# Timeline, derived dates, reminders and the glance
# ------------------------------------------------------------------------------------------------------


def test_the_timeline_derives_the_contract_expiry_and_the_longest_extension(world: World) -> None:
    _with_contract(world.ours)
    _add(world)
    today = dt.date(2026, 1, 1)
    rows = selectors.timeline(world.ours, world.users[Role.PARTNER_USER], today)
    assert [(r.falls_on, r.derived) for r in rows] == [
        (dt.date(2031, 3, 31), False),
        (dt.date(2034, 3, 31), True),  # ten years from 1 April 2024
        (dt.date(2039, 3, 31), True),  # and five more
    ]
    assert rows[0].is_next
    assert "From the partnership's details" in rows[1].source
    assert rows[1].remind_on == dt.date(2032, 3, 31)
    only = selectors.timeline(world.ours, world.users[Role.PARTNER_USER], today, kind="break_point")
    assert [r.derived for r in only] == [False]


def test_no_dates_are_derived_without_a_start_and_a_term(world: World) -> None:
    _with_contract(world.ours, start=None)
    assert derived_dates([world.ours]) == []
    assert derived_dates([]) == []


def test_reminders_due_are_open_dates_whose_reminder_has_come_for_partnerships_the_user_sees(
    world: World,
) -> None:
    today = dt.date(2026, 6, 1)
    due = _add(world, kind="insurance_expiry", notice_months=None, falls_on=dt.date(2026, 6, 20))
    assert due.remind_on == dt.date(2026, 4, 20)
    _add(world, kind="bond_expiry", notice_months=None, falls_on=dt.date(2026, 9, 1))  # reminder 1 July
    _add(world, kind="review_point", notice_months=None, falls_on=dt.date(2026, 5, 31))  # already passed
    closed = _add(world, kind="other", notice_months=None, falls_on=dt.date(2026, 6, 2))
    services.key_date_set_status(
        user=world.users[Role.COUNCIL_EDITOR], key_date=closed, data={"status": "done"}
    )
    theirs = _add(world, world.theirs, kind="other", notice_months=None, falls_on=dt.date(2026, 6, 5))
    for role in (Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER, Role.PARTNER_USER, Role.AUDITOR):
        assert list(selectors.reminders_due(world.users[role], today)) == [due]
    assert list(selectors.reminders_due(world.users[Role.ADMINISTRATOR], today)) == [theirs, due]
    assert list(selectors.reminders_due(world.users[Role.COUNCIL_EDITOR], dt.date(2026, 2, 1))) == []
    assert list(selectors.reminders_due(world.users[Role.COUNCIL_EDITOR], dt.date(2026, 6, 20))) == [due]


def test_the_glance_shows_the_next_date_and_reminders_due_in_two_queries(world: World) -> None:
    """Two queries of its own, plus those of the other areas' derived-date providers (a fixed number each)."""
    _with_contract(world.ours)
    today = timezone.localdate()
    _add(world, kind="insurance_expiry", notice_months=None, falls_on=today + dt.timedelta(days=10))
    with CaptureQueriesContext(connection) as derived:
        derived_dates([world.ours], council=False)
    with CaptureQueriesContext(connection) as queries:
        glance = selectors.at_a_glance(world.ours, today)
    assert len(queries) == 2 + len(derived)
    assert glance["next"].title == "Break at the end of year 7" or glance["next"].kind == "insurance_expiry"
    assert glance["next"].falls_on == today + dt.timedelta(days=10)
    assert glance["reminders_due"] == 1
    response = client_for(world.users[Role.PARTNER_USER]).get(
        reverse("partnerships:overview", args=[world.ours.pk])
    )
    assert "Next key date" in response.content.decode()


def test_key_dates_evidence_i_flx_2(world: World) -> None:
    key_date = _add(world)
    found = matching_candidates(candidates_for(world.ours), ["key_dates"])
    assert [c.record for c in found] == [key_date]
    assert not found[0].council_only
    task = world.ours.tasks.get(action__code="I-FLX-2")
    assert task.action.evidence_kinds == ["key_dates"]


# ------------------------------------------------------------------------------------------------------
# Pages, for each role
# ------------------------------------------------------------------------------------------------------


def _url(name: str, world: World, *args: Any) -> str:
    return reverse(f"keydates:{name}", args=[world.ours.pk, *args])


@pytest.mark.parametrize(
    ("role", "can_edit"),
    [
        (Role.COUNCIL_EDITOR, True),
        (Role.COUNCIL_VIEWER, False),
        (Role.PARTNER_USER, False),
        (Role.AUDITOR, False),
    ],
)
def test_each_role_reads_the_key_dates_and_only_editors_change_them(
    world: World, role: str, can_edit: bool
) -> None:
    _with_contract(world.ours)
    key_date = _add(world)
    client = client_for(world.users[role])
    timeline = client.get(_url("timeline", world))
    assert timeline.status_code == 200
    text = timeline.content.decode()
    assert "Break at the end of year 7" in text
    assert "Derived" in text
    assert "Key dates of Ashby Partnership" in text  # the chart's title
    assert ("Add a key date" in text) is can_edit
    assert client.get(_url("key-date", world, key_date.pk)).status_code == 200
    for name, args in (("create", ()), ("edit", (key_date.pk,)), ("status", (key_date.pk,))):
        assert client.get(_url(name, world, *args)).status_code == (200 if can_edit else 403)
    assert client.get(reverse("keydates:timeline", args=[world.theirs.pk])).status_code == 404


def test_the_editor_adds_a_key_date_and_is_warned_when_notice_has_passed(world: World) -> None:
    client = client_for(world.users[Role.COUNCIL_EDITOR])
    falls_on = timezone.localdate() + dt.timedelta(days=40)
    response = client.post(
        _url("create", world),
        {
            "kind": "break_point",
            "falls_on": falls_on.isoformat(),
            "title": "Early break",
            "notice_months": "3",
        },
        follow=True,
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Key date added" in text
    assert "it has passed, so notice can no longer be given in time" in text
    assert KeyDate.objects.get().title == "Early break"


def test_the_form_shows_the_message_and_saves_nothing(world: World) -> None:
    _with_contract(world.ours)
    client = client_for(world.users[Role.COUNCIL_EDITOR])
    response = client.post(
        _url("create", world),
        {"kind": "review_point", "falls_on": "2023-01-01", "title": "Too early"},
    )
    assert response.status_code == 200
    assert "The date cannot be before the contract starts on 1 April 2024" in response.content.decode()
    assert not KeyDate.objects.exists()


def test_the_state_form_marks_done(world: World) -> None:
    key_date = _add(world)
    client = client_for(world.users[Role.COUNCIL_EDITOR])
    response = client.post(
        _url("status", world, key_date.pk), {"status": "done", "closed_note": "", **opened_at(key_date)}
    )
    assert response.status_code == 302
    key_date.refresh_from_db()
    assert key_date.status == "done"
    page = client.get(_url("key-date", world, key_date.pk)).content.decode()
    assert "Marked done by" in page


def test_a_bad_filter_is_explained_not_a_server_error(world: World) -> None:
    client = client_for(world.users[Role.COUNCIL_VIEWER])
    response = client.get(_url("timeline", world), {"kind": "eclipse"})
    assert response.status_code == 200
    assert "Choose a kind from the list" in response.content.decode()
    response = client.get(reverse("keydates:portfolio"), {"window": "decade"})
    assert "Choose the next 90 days, the next year or all dates" in response.content.decode()


# ------------------------------------------------------------------------------------------------------
# Across the portfolio
# ------------------------------------------------------------------------------------------------------


def test_the_portfolio_shows_each_user_only_the_partnerships_they_may_see(world: World) -> None:
    _with_contract(world.ours)
    _with_contract(world.theirs)
    _add(world, title="Our break")
    _add(world, world.theirs, title="Their break")
    seen = {
        role: client_for(world.users[role])
        .get(reverse("keydates:portfolio"), {"window": "all"})
        .content.decode()
        for role in Role.values
    }
    for role in (Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER, Role.PARTNER_USER, Role.AUDITOR):
        assert "Our break" in seen[role]
        assert "Their break" not in seen[role]
        assert "Brindle Partnership" not in seen[role]
    assert "Their break" in seen[Role.ADMINISTRATOR]
    partner_q = User.objects.create_user(
        email="q@q.test", password="x", role=Role.PARTNER_USER, organisation=world.partner_q
    )
    theirs_only = client_for(partner_q).get(reverse("keydates:portfolio"), {"window": "all"}).content.decode()
    assert "Their break" in theirs_only
    assert "Our break" not in theirs_only


def test_the_portfolio_filters_by_kind_and_window(world: World) -> None:
    today = timezone.localdate()
    _add(
        world,
        kind="insurance_expiry",
        notice_months=None,
        title="Soon",
        falls_on=today + dt.timedelta(days=30),
    )
    _add(
        world, kind="bond_expiry", notice_months=None, title="Later", falls_on=today + dt.timedelta(days=200)
    )
    _add(world, kind="bond_expiry", notice_months=None, title="Far", falls_on=today + dt.timedelta(days=800))
    user = world.users[Role.COUNCIL_VIEWER]
    titles = lambda **f: [r.title for r in selectors.portfolio(user, today, **f)]  # noqa: E731
    assert titles(window="90") == ["Soon"]
    assert titles(window="year") == ["Soon", "Later"]
    assert titles(window="all") == ["Soon", "Later", "Far"]
    assert titles(window="all", kind="bond_expiry") == ["Later", "Far"]
    page = client_for(user).get(reverse("keydates:portfolio"), {"window": "90"}).content.decode()
    assert "Soon" in page
    assert "Later" not in page
    assert "Reminders due now" in page


def test_the_portfolio_reads_a_fixed_number_of_queries_whatever_the_rows(world: World, settings: Any) -> None:
    settings.PAGE_SIZE = 5
    client = client_for(world.users[Role.ADMINISTRATOR])
    _with_contract(world.ours)
    _with_contract(world.theirs)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("keydates:portfolio"), {"window": "all", "page": "2"})
        assert response.status_code == 200
        return len(queries)

    for n in range(3):
        _add(world, kind="other", notice_months=None, title=f"Date {n}", falls_on=dt.date(2030, 1, 1 + n))
    few = count()
    for n in range(40):
        partnership = world.ours if n % 2 else world.theirs
        _add(
            world,
            partnership,
            kind="other",
            notice_months=None,
            title=f"More {n}",
            falls_on=dt.date(2031, 1, 1),
        )
    assert count() == few
