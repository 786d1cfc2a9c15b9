"""The demo seed: three partnerships, one per stage, one user per role, and idempotent."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from forbetter.accounts.models import Role, User
from forbetter.demo import partnerships as demo
from forbetter.partnerships.models import Partnership, StageGate, Task, TaskStatus
from forbetter.partnerships.selectors import partnerships_visible_to

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int, int]:
    return (
        Partnership.objects.count(),
        Task.objects.count(),
        StageGate.objects.count(),
        User.objects.count(),
    )


def test_demo_seeds_three_partnerships_one_per_stage_and_is_idempotent(seeded_demo: None) -> None:
    first = _counts()
    call_command("seed_demo", verbosity=0)
    assert _counts() == first
    stages = dict(Partnership.objects.values_list("name", "stage"))
    assert stages == {
        demo.INITIATION: "initiation",
        demo.PROCUREMENT: "procurement",
        demo.CONTRACT_MANAGEMENT: "contract_management",
    }
    assert first[2] == 3


def test_demo_has_one_user_per_role_and_a_spread_of_statuses(seeded_demo: None) -> None:
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    for partnership in Partnership.objects.all():
        statuses = set(
            partnership.tasks.filter(action__stage__key=partnership.stage).values_list("status", flat=True)
        )
        expected = {TaskStatus.DONE, TaskStatus.IN_PROGRESS, TaskStatus.NOT_STARTED}
        if partnership.name == demo.CONTRACT_MANAGEMENT:
            # four years into the contract every action has begun: the last, C-FLX-1, cites the completed
            # partnership review (issue 13)
            expected.discard(TaskStatus.NOT_STARTED)
        assert expected <= statuses, partnership.name


def test_demo_contract_management_partnership_has_run_four_full_years(seeded_demo: None) -> None:
    import datetime as dt

    partnership = Partnership.objects.get(name=demo.CONTRACT_MANAGEMENT)
    assert partnership.contract_management_began_on is not None
    began = partnership.contract_management_began_on
    assert began.day == 1
    today = dt.date.today()
    assert (today.year - began.year) * 12 + today.month - began.month == 48


def test_demo_partner_sees_only_its_partnership(seeded_demo: None) -> None:
    partner = User.objects.get(email="partner@meridian.example")
    assert [p.name for p in partnerships_visible_to(partner)] == [demo.CONTRACT_MANAGEMENT]
    viewer = User.objects.get(email="viewer@marlcaster.example")
    assert [p.name for p in partnerships_visible_to(viewer)] == [demo.PROCUREMENT]
