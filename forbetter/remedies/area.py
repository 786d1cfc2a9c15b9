"""The remedies area: the remedies ladder of a live contract (warning notices, rectification plans and their
actions, persistent breaches found from the KPI returns, failures not improved after a proper opportunity,
remedial advisers and step-in, disputes) and the exit plan. The partner is a party to every record, so its
users read every page; council editors change them (decision record 0029). Declared once
for navigation, the overview, the demo and the permission matrix (see :mod:`forbetter.core.areas`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from forbetter.core.areas import Area, Section, first_pk, form, page
from forbetter.partnerships.models import Partnership
from forbetter.remedies import pack, selectors, services
from forbetter.remedies.dates import remedy_deadlines
from forbetter.remedies.models import (
    Dispute,
    ExitPlan,
    Intervention,
    PlanAction,
    RectificationPlan,
    UnimprovedFailure,
    WarningNotice,
)
from forbetter.remedies.reminders import plan_action_reminders


def _notice(partnership: Partnership) -> dict[str, int]:
    return {"notice_pk": first_pk(WarningNotice.objects.filter(partnership=partnership), "warning notice")}


def _plan(partnership: Partnership) -> dict[str, int]:
    return {
        "plan_pk": first_pk(RectificationPlan.objects.filter(partnership=partnership), "rectification plan")
    }


def _action(partnership: Partnership) -> dict[str, int]:
    found = _plan(partnership)
    return {
        **found,
        "action_pk": first_pk(PlanAction.objects.filter(plan_id=found["plan_pk"]), "plan action"),
    }


def _failure(partnership: Partnership) -> dict[str, int]:
    return {"failure_pk": first_pk(UnimprovedFailure.objects.filter(partnership=partnership), "failure")}


def _intervention(partnership: Partnership) -> dict[str, int]:
    return {"intervention_pk": first_pk(Intervention.objects.filter(partnership=partnership), "intervention")}


def _dispute(partnership: Partnership) -> dict[str, int]:
    return {"dispute_pk": first_pk(Dispute.objects.filter(partnership=partnership), "dispute")}


def examples(partnership: Partnership, user: Any, today: dt.date | None = None) -> None:
    """A warning notice, a rectification plan answering it with an action, a failure not improved, a
    remedial adviser, a dispute and an exit plan, all dated in the past."""
    today = today or dt.date.today()
    start = today - dt.timedelta(days=120)
    notice = WarningNotice.objects.filter(partnership=partnership).first() or services.notice_save(
        user=user,
        partnership=partnership,
        data={
            "reference": "WN-01",
            "served_on": start,
            "failure": "Potholes not repaired on time",
            "remedy_by": start + dt.timedelta(days=30),
            "status": "not_remedied",
            "closed_on": start + dt.timedelta(days=31),
        },
    )
    plan = RectificationPlan.objects.filter(partnership=partnership).first() or services.plan_save(
        user=user,
        partnership=partnership,
        data={
            "reference": "RP-01",
            "warning_notice": notice,
            "failure": "Repair the backlog",
            "requested_on": start + dt.timedelta(days=32),
            "due_on": start + dt.timedelta(days=60),
            "status": "failed",
            "closed_on": start + dt.timedelta(days=61),
        },
    )
    if not PlanAction.objects.filter(plan=plan).exists():
        services.action_save(
            user=user,
            plan=plan,
            data={"description": "Extra gang", "owner": "Depot manager", "due_on": plan.due_on},
        )
    if not UnimprovedFailure.objects.filter(partnership=partnership).exists():
        services.failure_save(
            user=user,
            partnership=partnership,
            data={
                "found_on": start + dt.timedelta(days=62),
                "rectification_plan": plan,
                "not_improved": "The backlog is still growing",
            },
        )
    if not Intervention.objects.filter(partnership=partnership).exists():
        services.intervention_save(
            user=user,
            partnership=partnership,
            data={
                "kind": "remedial_adviser",
                "started_on": start + dt.timedelta(days=70),
                "reason": "Backlog",
            },
        )
    if not Dispute.objects.filter(partnership=partnership).exists():
        services.dispute_save(
            user=user,
            partnership=partnership,
            data={
                "raised_on": start,
                "raised_by": "partner",
                "subject": "Deductions",
                "stage": "negotiation",
            },
        )
    if not ExitPlan.objects.filter(partnership=partnership).exists():
        services.exit_plan_save(
            user=user, partnership=partnership, data={"assets": "Depot: council", "last_reviewed_on": start}
        )


AREA = Area(
    app="remedies",
    glance=selectors.at_a_glance,
    glance_template="remedies/_glance.html",
    routes=(
        page("overview"),
        page("breaches"),
        form("settings-edit"),
        page("notices"),
        form("notice-create"),
        form("notice-edit", kwargs=_notice),
        page("plans"),
        form("plan-create"),
        page("plan", kwargs=_plan),
        form("plan-edit", kwargs=_plan),
        form("action-create", kwargs=_plan),
        form("action-edit", kwargs=_action),
        page("failures"),
        form("failure-create"),
        form("failure-edit", kwargs=_failure),
        page("interventions"),
        form("intervention-create"),
        form("intervention-edit", kwargs=_intervention),
        page("disputes"),
        form("dispute-create"),
        form("dispute-edit", kwargs=_dispute),
        page("exit-plan"),
        form("exit-plan-edit"),
    ),
    sections=(Section("remedies", "Remedies and exit", "remedies:overview", 65),),
    demo="forbetter.demo.remedies",
    key_dates=remedy_deadlines,
    examples=examples,
    reminders=plan_action_reminders,
    pack_sections=pack.pack_sections,
)
