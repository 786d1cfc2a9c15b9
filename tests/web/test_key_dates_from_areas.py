"""Dates other areas already hold reach the key-dates timeline without being typed twice (the ``key_dates``
extension point): the remedies ladder's deadlines and the next partnership review, with who sees which, in a
fixed number of queries whatever the number of partnerships."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forbetter.accounts.models import Role, User
from forbetter.core.key_dates import derived_dates
from forbetter.keydates import selectors
from forbetter.partnerships.models import Partnership, ProcurementRegime
from forbetter.remedies import services as remedies
from forbetter.remedies.dates import remedy_deadlines
from forbetter.reviews.dates import next_reviews
from tests.conftest import World
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

SERVED = dt.date(2025, 6, 2)
TODAY = dt.date(2025, 6, 20)
FOUND = dt.date(2025, 7, 10)


def _running(partnership: Partnership, regime: str = ProcurementRegime.PA_2023) -> Partnership:
    Partnership.objects.filter(pk=partnership.pk).update(
        planned_start_on=dt.date(2025, 4, 1),
        contract_management_began_on=dt.date(2025, 4, 1),
        term_years=10,
        procurement_regime=regime,
    )
    partnership.refresh_from_db()
    return partnership


def _ladder(partnership: Partnership, editor: User) -> None:
    notice = remedies.notice_save(
        user=editor,
        partnership=partnership,
        data={
            "reference": "WN-01",
            "served_on": SERVED,
            "failure": "Potholes not repaired",
            "remedy_by": SERVED + dt.timedelta(days=30),
            "status": "open",
        },
    )
    remedies.plan_save(
        user=editor,
        partnership=partnership,
        data={
            "reference": "RP-01",
            "failure": "Clear the backlog",
            "requested_on": SERVED,
            "due_on": SERVED + dt.timedelta(days=60),
            "status": "requested",
        },
    )
    remedies.failure_save(
        user=editor,
        partnership=partnership,
        data={"found_on": FOUND, "not_improved": "Backlog still growing", "warning_notice": notice},
    )


def _titles(rows: Any) -> dict[str, Any]:
    return {row.title: row for row in rows}


def test_the_remedies_deadlines_are_on_the_timeline_for_both_sides(world: World, editor: User) -> None:
    partnership = _running(world.ours)
    _ladder(partnership, editor)
    rows = _titles(remedy_deadlines([partnership]))
    notice = rows["Warning notice WN-01: the date to remedy by"]
    assert (notice.falls_on, notice.remind_on, notice.kind) == (
        dt.date(2025, 7, 2),
        dt.date(2025, 6, 18),
        "remedy_deadline",
    )
    plan = rows["Rectification plan RP-01 due"]
    assert (plan.falls_on, plan.remind_on) == (dt.date(2025, 8, 1), dt.date(2025, 7, 18))
    performance = rows["Last day to publish the contract performance notice"]
    assert (performance.falls_on, performance.kind) == (dt.date(2025, 8, 8), "notice_deadline")
    assert not any(row.council_only for row in rows.values())
    for role in (Role.COUNCIL_EDITOR, Role.PARTNER_USER):
        shown = {row.title for row in selectors.timeline(partnership, world.users[role], TODAY)}
        assert "Rectification plan RP-01 due" in shown, role


def test_closed_notices_and_published_or_regulations_notices_are_left_out(world: World, editor: User) -> None:
    partnership = _running(world.ours, ProcurementRegime.PCR_2015)
    _ladder(partnership, editor)
    notice = partnership.warning_notices.get()
    remedies.notice_save(
        user=editor,
        partnership=partnership,
        notice=notice,
        data={
            "reference": "WN-01",
            "served_on": SERVED,
            "failure": "Potholes not repaired",
            "remedy_by": SERVED + dt.timedelta(days=30),
            "status": "not_remedied",
            "closed_on": dt.date(2025, 7, 5),
            "outcome": "Not remedied",
        },
    )
    titles = set(_titles(remedy_deadlines([partnership])))
    assert titles == {"Rectification plan RP-01 due"}, "no notice under the regulations, none once closed"


def test_the_next_review_is_the_councils_own(world: World) -> None:
    partnership = _running(world.ours)
    (row,) = next_reviews([partnership])
    assert (row.falls_on, row.kind, row.council_only) == (dt.date(2028, 4, 1), "review_point", True)
    editor_rows = {r.title for r in selectors.timeline(partnership, world.users[Role.COUNCIL_EDITOR], TODAY)}
    partner_rows = {r.title for r in selectors.timeline(partnership, world.users[Role.PARTNER_USER], TODAY)}
    assert "Next review of the whole partnership due" in editor_rows
    assert "Next review of the whole partnership due" not in partner_rows


def test_the_derived_dates_take_the_same_queries_for_one_partnership_or_many(
    world: World, editor: User
) -> None:
    one = [_running(world.ours)]
    _ladder(one[0], editor)

    def queries(partnerships: list[Partnership]) -> int:
        with CaptureQueriesContext(connection) as captured:
            derived_dates(partnerships)
        return len(captured)

    first = queries(one)
    extra = [PartnershipFactory(name=f"Extra {n}", councils=[world.council_a]) for n in range(4)]
    many = one + [_running(partnership) for partnership in extra]
    for partnership in many[1:]:
        _ladder(partnership, editor)
    assert queries(many) == first
