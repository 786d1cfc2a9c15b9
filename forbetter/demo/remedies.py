"""Demo remedies for the highways and property partnership (contract management): the partnership's
persistent-breach threshold (3 in 6, as the default), a warning notice on the KPI the returns show reached it,
the failure to improve found the day after the notice's date to remedy by (no contract performance notice:
the contract was procured under the Public Contracts Regulations), the rectification plan that answers the
notice (accepted, one action past its due date), a remedial adviser, a dispute about deductions settled by an
expert, and an exit plan last reviewed more than a year ago (so it is flagged). Fictional, fixed, written
through the services and created only when missing, so seeding twice changes nothing. The persistent breach
is not seeded: it is found from the performance demo's validated returns, whose figures this module does not
touch.
"""

from __future__ import annotations

from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from forbetter.demo.partnerships import CONTRACT_MANAGEMENT
from forbetter.partnerships.models import Partnership
from forbetter.remedies import selectors, services
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


def seed(people: dict[str, Any], partnerships_by_name: dict[str, Partnership]) -> None:
    """Seed the contract-management partnership's remedies where they are missing."""
    partnership = partnerships_by_name.get(CONTRACT_MANAGEMENT)
    if partnership is None:
        return
    editor = people["editor@ashcombe.example"]
    today = timezone.localdate()
    if not RemedySettings.objects.filter(partnership=partnership).exists():
        services.settings_save(
            user=editor,
            partnership=partnership,
            data={
                "failures": 3,
                "window": 6,
                "contract_clause": "Payment mechanism, paragraph 9 (persistent breach)",
            },
        )
    breaches = selectors.persistent_breaches(partnership, today=today)
    worst = breaches.ever[0] if breaches.ever else (breaches.rows[0] if breaches.rows else None)
    kpis = [worst.kpi] if worst is not None else []
    what = f"{worst.kpi.reference} {worst.kpi.name}" if worst is not None else "KPI performance"
    served = today - relativedelta(months=5)
    notice = WarningNotice.objects.filter(partnership=partnership, reference="WN-01").first()
    if notice is None:
        notice = services.notice_save(
            user=editor,
            partnership=partnership,
            data={
                "reference": "WN-01",
                "served_on": served,
                "failure": f"Persistent breach of {what}: the KPI returns show it failed again and again.",
                "kpis": kpis,
                "remedy_by": served + relativedelta(days=30),
                "status": "not_remedied",
                "closed_on": served + relativedelta(days=31),
                "outcome": "Performance did not recover by the date to remedy by; a rectification plan was "
                "asked for.",
                "council_notes": "Legal advise the notice was properly served under the contract's notice "
                "clause.",
            },
        )
    if not UnimprovedFailure.objects.filter(partnership=partnership).exists():
        services.failure_save(
            user=editor,
            partnership=partnership,
            data={
                "found_on": notice.remedy_by + relativedelta(days=1),
                "warning_notice": notice,
                "not_improved": f"{what} was still below its failure threshold at the date to remedy by.",
            },
        )
    plan = RectificationPlan.objects.filter(partnership=partnership, reference="RP-01").first()
    if plan is None:
        requested = served + relativedelta(days=35)
        plan = services.plan_save(
            user=editor,
            partnership=partnership,
            data={
                "reference": "RP-01",
                "warning_notice": notice,
                "failure": f"Bring {what} back to target and keep it there.",
                "kpis": kpis,
                "requested_on": requested,
                "due_on": today + relativedelta(months=1),
                "status": "accepted",
                "submitted_on": requested + relativedelta(days=14),
                "accepted_on": requested + relativedelta(days=21),
                "partner_response": "Extra crews, a weekly backlog review and new scheduling software.",
                "council_notes": "If this plan fails, consider a remedial adviser before step-in.",
            },
        )
    if not PlanAction.objects.filter(plan=plan).exists():
        for description, owner, due, done in (
            ("Two extra repair crews in place", "Meridian operations manager", -60, -62),
            ("Weekly backlog review with the client team", "Meridian contract director", -30, None),
            ("New scheduling software live", "Meridian IT lead", 20, None),
        ):
            services.action_save(
                user=editor,
                plan=plan,
                data={
                    "description": description,
                    "owner": owner,
                    "due_on": today + relativedelta(days=due),
                    "done_on": None if done is None else today + relativedelta(days=done),
                },
            )
    if not Intervention.objects.filter(partnership=partnership).exists():
        services.intervention_save(
            user=editor,
            partnership=partnership,
            data={
                "kind": "remedial_adviser",
                "started_on": today - relativedelta(months=2),
                "reason": "An independent highways engineer to advise on the repair backlog.",
                "cost_gbp": 18_500,
                "rectification_plan": plan,
            },
        )
    if not Dispute.objects.filter(partnership=partnership).exists():
        services.dispute_save(
            user=editor,
            partnership=partnership,
            data={
                "raised_on": today - relativedelta(months=9),
                "raised_by": "partner",
                "subject": "Deductions for street lighting in the winter storm",
                "stage": "expert",
                "outcome": "The expert found two of the five failures were relief events; the deductions for "
                "them were repaid.",
                "closed_on": today - relativedelta(months=6),
            },
        )
    if not ExitPlan.objects.filter(partnership=partnership).exists():
        services.exit_plan_save(
            user=editor,
            partnership=partnership,
            data={
                "assets": "Depot and salt barns: the council's, leased to the company.\n"
                "Gritters and vans: the company's, offered to the council at book value.",
                "assets_readiness": "partial",
                "data": "Highways asset register (CSV, from the asset system); repair history (CSV); "
                "property condition surveys (PDF).",
                "data_readiness": "ready",
                "staff": "Anonymised staff list with grades, pay and pension status, under TUPE.",
                "staff_list_provided_on": today - relativedelta(months=14),
                "staff_readiness": "partial",
                "knowledge_transfer": "Handbooks for winter service and property compliance; six weeks' "
                "shadowing.",
                "knowledge_readiness": "not_started",
                "last_reviewed_on": today - relativedelta(months=13),
            },
        )
