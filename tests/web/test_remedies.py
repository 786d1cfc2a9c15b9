"""The remedies ladder and the exit plan: bad input refused with a specific message and nothing saved,
persistent breaches found from validated KPI returns against the target in force, the Procurement Act
notice, each role's view of each page (partner users never see the council's notes or exit costs)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forbetter.accounts.models import Role, User
from forbetter.performance.models import KpiTarget, ReturnStatus
from forbetter.remedies import selectors, services
from forbetter.remedies.area import examples
from forbetter.remedies.models import (
    Dispute,
    ExitPlan,
    Intervention,
    PlanAction,
    RectificationPlan,
    RemedySettings,
    UnimprovedFailure,
    WarningNotice,
)
from tests.conftest import World
from tests.factories import client_for, make_exit_analysis, make_kpi, make_kpi_return

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 6, 2)


def _notice(world: World, editor: User, **changes: Any) -> WarningNotice:
    data: dict[str, Any] = {
        "reference": "WN-01",
        "served_on": DAY,
        "failure": "Potholes not repaired",
        "remedy_by": DAY + dt.timedelta(days=30),
        "status": "open",
    }
    data.update(changes)
    return services.notice_save(user=editor, partnership=world.ours, data=data)


def _plan_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "reference": "RP-01",
        "failure": "Clear the backlog",
        "requested_on": DAY,
        "due_on": DAY + dt.timedelta(days=60),
        "status": "requested",
    }
    data.update(changes)
    return data


def _refused(call: Any, field: str, message: str) -> None:
    with pytest.raises(ValidationError) as error:
        call()
    assert message in error.value.message_dict[field], error.value.message_dict


# ------------------------------------------------------------------------------------------------------
# Services: every bad input gets its message and nothing is saved
# ------------------------------------------------------------------------------------------------------


def test_a_rectification_plan_without_a_due_date_is_refused_and_nothing_saved(
    world: World, editor: User
) -> None:
    _refused(
        lambda: services.plan_save(user=editor, partnership=world.ours, data=_plan_data(due_on=None)),
        "due_on",
        services.NO_DUE_DATE,
    )
    assert not RectificationPlan.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reference": ""}, "reference", "Enter the rectification plan's reference, for example RP-01"),
        ({"failure": " "}, "failure", "Enter what the rectification plan must put right"),
        ({"requested_on": None}, "requested_on", "Enter the date the rectification plan was requested"),
        (
            {"due_on": DAY - dt.timedelta(days=1)},
            "due_on",
            "The due date must be on or after the date requested, 2 June 2025",
        ),
        ({"status": "submitted"}, "submitted_on", "Enter the date the partner submitted the plan"),
        (
            {"status": "accepted", "submitted_on": DAY},
            "accepted_on",
            "Enter the date the council accepted the plan",
        ),
        ({"status": "failed"}, "closed_on", "Enter the date it was failed"),
        (
            {"closed_on": DAY},
            "closed_on",
            "Leave the date closed blank while it is still open, or change its status",
        ),
        (
            {
                "status": "accepted",
                "submitted_on": DAY + dt.timedelta(days=5),
                "accepted_on": DAY + dt.timedelta(days=1),
            },
            "accepted_on",
            "The plan cannot be accepted before it was submitted, 7 June 2025",
        ),
    ],
)
def test_bad_rectification_plans_are_refused(
    world: World, editor: User, changes: dict[str, Any], field: str, message: str
) -> None:
    _refused(
        lambda: services.plan_save(user=editor, partnership=world.ours, data=_plan_data(**changes)),
        field,
        message,
    )
    assert not RectificationPlan.objects.exists()


def test_a_plan_answers_a_notice_of_its_own_partnership_only(world: World, editor: User) -> None:
    admin = world.users[Role.ADMINISTRATOR]
    other = services.notice_save(
        user=admin,
        partnership=world.theirs,
        data={"reference": "X", "served_on": DAY, "failure": "F", "remedy_by": DAY, "status": "open"},
    )
    _refused(
        lambda: services.plan_save(
            user=editor, partnership=world.ours, data=_plan_data(warning_notice=other)
        ),
        "warning_notice",
        "Choose a warning notice of this partnership",
    )
    notice = _notice(world, editor)
    _refused(
        lambda: services.plan_save(
            user=editor,
            partnership=world.ours,
            data=_plan_data(warning_notice=notice, requested_on=DAY - dt.timedelta(days=1)),
        ),
        "requested_on",
        "The date requested must be on or after the warning notice it answers was served, 2 June 2025",
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reference": ""}, "reference", "Enter the warning notice's reference, for example WN-01"),
        ({"served_on": None}, "served_on", "Enter the date the warning notice was served"),
        ({"failure": ""}, "failure", "Enter the failure or obligation the notice is about"),
        (
            {"remedy_by": None},
            "remedy_by",
            "Enter the date to remedy by: the end of the notice's cure period",
        ),
        (
            {"remedy_by": DAY - dt.timedelta(days=1)},
            "remedy_by",
            "The date to remedy by must be on or after the date served, 2 June 2025",
        ),
        (
            {"served_on": dt.date(2999, 1, 1)},
            "served_on",
            "The date served must be between 1990 and 2100, not 1 January 2999",
        ),
        ({"status": "remedied"}, "closed_on", "Enter the date it was remedied"),
    ],
)
def test_bad_warning_notices_are_refused(
    world: World, editor: User, changes: dict[str, Any], field: str, message: str
) -> None:
    _refused(lambda: _notice(world, editor, **changes), field, message)
    assert not WarningNotice.objects.exists()


def test_warning_notice_references_are_unique_and_kpis_are_the_partnerships(
    world: World, editor: User
) -> None:
    _notice(world, editor)
    _refused(
        lambda: _notice(world, editor, reference="wn-01"),
        "reference",
        "There is already a warning notice with the reference wn-01",
    )
    foreign = make_kpi(world.theirs, "T-01")
    _refused(
        lambda: _notice(world, editor, reference="WN-02", kpis=[foreign]),
        "kpis",
        "Choose KPIs of this partnership",
    )
    assert WarningNotice.objects.count() == 1


def test_plan_actions_refused_without_their_parts(world: World, editor: User) -> None:
    plan = services.plan_save(user=editor, partnership=world.ours, data=_plan_data())
    for changes, field, message in (
        ({"description": ""}, "description", "Enter what the action is"),
        ({"owner": ""}, "owner", "Enter who does the action"),
        ({"due_on": None}, "due_on", "Enter the date the action is due"),
        (
            {"due_on": DAY - dt.timedelta(days=1)},
            "due_on",
            "The due date must be on or after the plan was requested, 2 June 2025",
        ),
    ):
        data = {"description": "Extra crew", "owner": "Depot", "due_on": DAY, **changes}
        _refused(lambda data=data: services.action_save(user=editor, plan=plan, data=data), field, message)
    assert not PlanAction.objects.exists()


def test_a_failure_not_improved_needs_its_opportunity_and_waits_for_it(world: World, editor: User) -> None:
    notice = _notice(world, editor)
    base = {"found_on": DAY + dt.timedelta(days=40), "not_improved": "Backlog still growing"}
    _refused(
        lambda: services.failure_save(user=editor, partnership=world.ours, data=base),
        "warning_notice",
        "Choose the warning notice or rectification plan that gave the partner its opportunity to improve",
    )
    _refused(
        lambda: services.failure_save(
            user=editor,
            partnership=world.ours,
            data={**base, "warning_notice": notice, "found_on": DAY + dt.timedelta(days=10)},
        ),
        "found_on",
        "The partner had until 2 July 2025 to improve (the warning notice's date to remedy by), so the "
        "failure to "
        "improve cannot be found before then",
    )
    _refused(
        lambda: services.failure_save(
            user=editor, partnership=world.ours, data={**base, "warning_notice": notice, "not_improved": ""}
        ),
        "not_improved",
        "Enter what the partner did not improve",
    )
    _refused(
        lambda: services.failure_save(
            user=editor,
            partnership=world.ours,
            data={**base, "warning_notice": notice, "notice_published_on": DAY},
        ),
        "notice_published_on",
        "The notice cannot be published before the failure was found, 12 July 2025",
    )
    _refused(
        lambda: services.failure_save(
            user=editor,
            partnership=world.ours,
            data={**base, "warning_notice": notice, "notice_reference": "N1"},
        ),
        "notice_published_on",
        "Enter the date the notice was published, or leave its reference blank",
    )
    assert not UnimprovedFailure.objects.exists()
    services.failure_save(user=editor, partnership=world.ours, data={**base, "warning_notice": notice})
    assert UnimprovedFailure.objects.count() == 1


def test_under_the_regulations_no_notice_date_is_taken(world: World, editor: User) -> None:
    world.ours.procurement_regime = "pcr2015"
    notice = _notice(world, editor)
    _refused(
        lambda: services.failure_save(
            user=editor,
            partnership=world.ours,
            data={
                "found_on": DAY + dt.timedelta(days=40),
                "warning_notice": notice,
                "not_improved": "X",
                "notice_published_on": DAY + dt.timedelta(days=41),
            },
        ),
        "notice_published_on",
        "The contract was procured under the Public Contracts Regulations, which have no contract "
        "performance "
        "notice: leave the date published blank",
    )


def test_bad_interventions_disputes_settings_and_exit_plans_are_refused(world: World, editor: User) -> None:
    p = world.ours
    cases = [
        (
            lambda: services.intervention_save(
                user=editor, partnership=p, data={"kind": "", "started_on": DAY, "reason": "R"}
            ),
            "kind",
            "Choose whether this is a remedial adviser or step-in",
        ),
        (
            lambda: services.intervention_save(
                user=editor, partnership=p, data={"kind": "step_in", "started_on": None, "reason": "R"}
            ),
            "started_on",
            "Enter the date the adviser was appointed or step-in started",
        ),
        (
            lambda: services.intervention_save(
                user=editor, partnership=p, data={"kind": "step_in", "started_on": DAY, "reason": ""}
            ),
            "reason",
            "Enter the reason for it",
        ),
        (
            lambda: services.intervention_save(
                user=editor,
                partnership=p,
                data={
                    "kind": "step_in",
                    "started_on": DAY,
                    "reason": "R",
                    "ended_on": DAY - dt.timedelta(days=1),
                },
            ),
            "ended_on",
            "The date ended must be on or after the date started, 2 June 2025",
        ),
        (
            lambda: services.intervention_save(
                user=editor,
                partnership=p,
                data={"kind": "step_in", "started_on": DAY, "reason": "R", "cost_gbp": Decimal(-1)},
            ),
            "cost_gbp",
            "The cost cannot be negative",
        ),
        (
            lambda: services.dispute_save(
                user=editor,
                partnership=p,
                data={"raised_on": None, "raised_by": "council", "subject": "S", "stage": "court"},
            ),
            "raised_on",
            "Enter the date the dispute was raised",
        ),
        (
            lambda: services.dispute_save(
                user=editor,
                partnership=p,
                data={"raised_on": DAY, "raised_by": "", "subject": "S", "stage": "court"},
            ),
            "raised_by",
            "Choose which side raised the dispute",
        ),
        (
            lambda: services.dispute_save(
                user=editor,
                partnership=p,
                data={"raised_on": DAY, "raised_by": "council", "subject": "", "stage": "court"},
            ),
            "subject",
            "Enter what the dispute is about",
        ),
        (
            lambda: services.dispute_save(
                user=editor,
                partnership=p,
                data={"raised_on": DAY, "raised_by": "council", "subject": "S", "stage": ""},
            ),
            "stage",
            "Choose the stage the dispute has reached",
        ),
        (
            lambda: services.dispute_save(
                user=editor,
                partnership=p,
                data={
                    "raised_on": DAY,
                    "raised_by": "council",
                    "subject": "S",
                    "stage": "court",
                    "closed_on": DAY,
                },
            ),
            "outcome",
            "Enter the outcome of the dispute before closing it",
        ),
        (
            lambda: services.dispute_save(
                user=editor,
                partnership=p,
                data={
                    "raised_on": DAY,
                    "raised_by": "council",
                    "subject": "S",
                    "stage": "court",
                    "outcome": "O",
                    "closed_on": DAY - dt.timedelta(days=1),
                },
            ),
            "closed_on",
            "The date closed must be on or after the date raised, 2 June 2025",
        ),
        (
            lambda: services.settings_save(user=editor, partnership=p, data={"failures": 7, "window": 6}),
            "failures",
            "The number of failures (7) cannot be more than the periods in the window (6)",
        ),
        (
            lambda: services.settings_save(user=editor, partnership=p, data={"failures": None, "window": 6}),
            "failures",
            "Enter how many failures make a persistent breach",
        ),
        (
            lambda: services.exit_plan_save(user=editor, partnership=p, data={}),
            "assets",
            "Enter at least one part of the exit plan: assets, data, staff or knowledge transfer",
        ),
        (
            lambda: services.exit_plan_save(
                user=editor,
                partnership=p,
                data={"assets": "A", "last_reviewed_on": dt.date.today() + dt.timedelta(days=1)},
            ),
            "last_reviewed_on",
            "must be today or in the past",
        ),
    ]
    for call, field, message in cases:
        with pytest.raises(ValidationError) as error:
            call()
        assert any(message in text for text in error.value.message_dict[field]), (
            field,
            error.value.message_dict,
        )
    for model in (Intervention, Dispute, RemedySettings, ExitPlan):
        assert not model.objects.exists()


def test_only_council_editors_write(world: World) -> None:
    for role in (Role.COUNCIL_VIEWER, Role.PARTNER_USER, Role.AUDITOR):
        with pytest.raises(PermissionDenied):
            _notice(world, world.users[role])
    assert not WarningNotice.objects.exists()


# ------------------------------------------------------------------------------------------------------
# Persistent breaches from the KPI returns
# ------------------------------------------------------------------------------------------------------


def _returns(world: World, values: list[str], **kpi: Any) -> Any:
    found = make_kpi(world.ours, **kpi)
    user = world.users[Role.PARTNER_USER]
    for month, value in enumerate(values):
        make_kpi_return(found, dt.date(2024, 1 + month, 1), value, user=user)
    return found


def test_persistent_breach_is_found_from_validated_returns(world: World, editor: User) -> None:
    # target 95, failure threshold 90: 85 fails, 92 approaches (not a failure), 96 meets
    kpi = _returns(world, ["85", "96", "92", "85", "85", "96"])
    make_kpi_return(
        kpi, dt.date(2024, 7, 1), "10", user=world.users[Role.PARTNER_USER], status=ReturnStatus.SUBMITTED
    )
    found = selectors.persistent_breaches(world.ours, today=DAY)
    (row,) = found.rows
    assert row.latest == 3
    assert row.finding.in_breach
    assert row.first_breach_period == dt.date(2024, 5, 1)
    assert row.advice == "Failure 3 in the window: consider a warning notice."
    _notice(world, editor, kpis=[kpi], served_on=dt.date(2024, 7, 1), remedy_by=dt.date(2024, 7, 31))
    row = selectors.persistent_breaches(world.ours, today=DAY).rows[0]
    assert row.suggestion == "rectification_plan"


def test_persistent_breach_judges_each_period_against_the_target_in_force(world: World, editor: User) -> None:
    kpi = _returns(world, ["89", "89", "89"], target=Decimal("88"), failure_threshold=Decimal("80"))
    KpiTarget.objects.create(
        kpi=kpi, effective_from=dt.date(2024, 1, 1), target=Decimal("88"), failure_threshold=Decimal("80")
    )
    KpiTarget.objects.create(
        kpi=kpi, effective_from=dt.date(2024, 2, 1), target=Decimal("95"), failure_threshold=Decimal("90")
    )
    row = selectors.persistent_breaches(world.ours, today=DAY).rows[0]
    assert row.finding.counts == (0, 1, 2)
    services.settings_save(user=editor, partnership=world.ours, data={"failures": 2, "window": 6})
    assert selectors.persistent_breaches(world.ours, today=DAY).rows[0].finding.in_breach


def test_the_glance_reads_in_a_fixed_number_of_queries(world: World, editor: User) -> None:
    _returns(world, ["85"] * 6)
    examples(world.ours, editor)
    with CaptureQueriesContext(connection) as few:
        selectors.at_a_glance(world.ours)
    for index in range(2, 6):
        _returns(world, ["85", "96"] * 6, reference=f"K-0{index}")
    with CaptureQueriesContext(connection) as many:
        glance = selectors.at_a_glance(world.ours)
    assert len(many) == len(few) <= 14
    assert glance["in_breach"] == 5


# ------------------------------------------------------------------------------------------------------
# Pages, role by role
# ------------------------------------------------------------------------------------------------------

PAGES = ["overview", "breaches", "notices", "plans", "failures", "interventions", "disputes", "exit-plan"]


def _records(world: World, editor: User) -> None:
    examples(world.ours, editor)
    for model, notes in (
        (WarningNotice, "SECRET-NOTICE"),
        (RectificationPlan, "SECRET-PLAN"),
        (ExitPlan, "SECRET-EXIT"),
    ):
        model.objects.filter(partnership=world.ours).update(council_notes=notes)
    make_exit_analysis(world.ours, editor)


@pytest.mark.parametrize("role", [Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER, Role.PARTNER_USER, Role.AUDITOR])
def test_every_role_reads_every_page_and_only_the_council_sees_its_notes(
    world: World, editor: User, role: str
) -> None:
    _records(world, editor)
    client = client_for(world.users[role])
    plan = RectificationPlan.objects.get(partnership=world.ours)
    council = role != Role.PARTNER_USER
    for name in [*PAGES, "plan"]:
        args = [world.ours.pk, plan.pk] if name == "plan" else [world.ours.pk]
        response = client.get(reverse(f"remedies:{name}", args=args))
        assert response.status_code == 200, name
        text = response.content.decode()
        for secret in ("SECRET-NOTICE", "SECRET-PLAN", "SECRET-EXIT"):
            assert (secret in text) == (
                council
                and secret
                in {"notices": "SECRET-NOTICE", "plan": "SECRET-PLAN", "exit-plan": "SECRET-EXIT"}.get(
                    name, ""
                )
            ), (name, secret)
        if name == "exit-plan":
            assert ("Exit-cost analysis" in text) is council
            assert ("costliest way out" in text) is council
        if name == "notices":
            create = 'href="' + reverse("remedies:notice-create", args=[world.ours.pk]) + '"'
            assert (create in text) is (role == Role.COUNCIL_EDITOR)
    assert client.get(reverse("remedies:notices", args=[world.theirs.pk])).status_code == 404


@pytest.mark.parametrize("role", [Role.COUNCIL_VIEWER, Role.PARTNER_USER, Role.AUDITOR])
def test_only_editors_open_the_forms(world: World, editor: User, role: str) -> None:
    client = client_for(world.users[role])
    for name in ("notice-create", "plan-create", "exit-plan-edit", "settings-edit"):
        assert client.get(reverse(f"remedies:{name}", args=[world.ours.pk])).status_code == 403
        assert client.post(reverse(f"remedies:{name}", args=[world.ours.pk]), {}).status_code == 403


def test_an_editor_records_a_plan_through_the_form_and_a_missing_due_date_is_explained(
    world: World, editor: User
) -> None:
    client = client_for(editor)
    url = reverse("remedies:plan-create", args=[world.ours.pk])
    form = {"reference": "RP-01", "failure": "Clear it", "requested_on": "2025-06-02", "status": "requested"}
    response = client.post(url, form)
    assert response.status_code == 200
    assert services.NO_DUE_DATE in response.content.decode()
    assert not RectificationPlan.objects.exists()
    response = client.post(url, {**form, "due_on": "2025-08-01"})
    assert response.status_code == 302
    assert RectificationPlan.objects.get().due_on == dt.date(2025, 8, 1)


def test_the_overview_page_and_its_glance(world: World, editor: User) -> None:
    _records(world, editor)
    page = client_for(editor).get(reverse("partnerships:overview", args=[world.ours.pk])).content.decode()
    assert "Remedies ladder" in page
    assert "KPIs in persistent breach" in page
    overview = client_for(editor).get(reverse("remedies:overview", args=[world.ours.pk])).content.decode()
    assert "Remedial adviser" in overview


def test_the_exit_plan_is_flagged_when_not_reviewed_in_12_months(world: World, editor: User) -> None:
    services.exit_plan_save(
        user=editor,
        partnership=world.ours,
        data={"assets": "Depot", "last_reviewed_on": dt.date.today() - dt.timedelta(days=400)},
    )
    page = client_for(world.users[Role.PARTNER_USER]).get(reverse("remedies:exit-plan", args=[world.ours.pk]))
    assert "Not reviewed in the last 12 months" in page.content.decode()
