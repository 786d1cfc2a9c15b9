"""Demo governance for the highways and property partnership (a joint-venture company): a three-tier model
with a forum in each tier, the company's board and reserved matters, a year of meetings whose agenda items
link KPIs, risks and payment statements, decisions and actions (some overdue), one escalation and one review
of the model. The operational forum's partner members stopped coming three meetings ago, so it is flagged.
Fictional, fixed, written through the services and created only when missing (seeding twice changes
nothing)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta

from forbetter.demo.partnerships import CONTRACT_MANAGEMENT
from forbetter.governance import links, services
from forbetter.governance.models import AppointedBy, Forum, ForumMember, GovernanceModel, Side, Tier
from forbetter.partnerships.models import Partnership

FORUMS = (
    (
        Tier.STRATEGIC,
        "Strategic partnership board",
        6,
        3,
        "Sets direction, agrees the annual plan and "
        "decides matters escalated from the joint management team.",
    ),
    (
        Tier.SENIOR_MANAGEMENT,
        "Joint management team",
        3,
        3,
        "Reviews performance, risks and payment each "
        "quarter; agrees changes; escalates what it cannot resolve.",
    ),
    (
        Tier.OPERATIONAL,
        "Highways operations group",
        1,
        2,
        "Runs the service week to week: works programme, defects, complaints and winter readiness.",
    ),
)
NAMED = {
    "Strategic partnership board": [
        ("Cllr Helen Ward", Side.COUNCIL, "Ashcombe County Council", "Chair"),
        ("Mark Ellis", Side.PARTNER, "Meridian Public Services Ltd", "Managing director"),
    ],
    "Joint management team": [
        ("Ruth Adeyemi", Side.PARTNER, "Meridian Public Services Ltd", "Contract director")
    ],
    "Highways operations group": [
        ("Tom Baker", Side.PARTNER, "Meridian Public Services Ltd", "Operations manager")
    ],
}


def seed(
    people: dict[str, Any], partnerships_by_name: dict[str, Partnership], *, today: dt.date | None = None
) -> None:
    today = today or dt.date.today()
    partnership = partnerships_by_name.get(CONTRACT_MANAGEMENT)
    if partnership is None or GovernanceModel.objects.filter(partnership=partnership).exists():
        return
    editor = people["editor@ashcombe.example"]
    council = [editor, people["chris.morgan@ashcombe.example"], people["fatima.begum@ashcombe.example"]]
    partner = people["partner@meridian.example"]
    services.model_save(
        partnership=partnership,
        data={
            "summary": "Three tiers: the strategic partnership board sets direction twice a year; the joint "
            "management team reviews performance, risk and payment each quarter; the highways operations "
            "group runs the service monthly. Matters go up one tier at a time.",
            "reserved_matters": "Approving the annual business plan\nChanging the company's articles\n"
            "Issuing new shares or admitting a new shareholder\nBorrowing above £1m\n"
            "Appointing or removing the managing director\nWinding up the company",
        },
    )
    for name, by, role in (
        ("Cllr Helen Ward", AppointedBy.COUNCIL, "Chair"),
        ("Sarah Linton", AppointedBy.COUNCIL, "Director"),
        ("Mark Ellis", AppointedBy.PARTNER, "Managing director"),
        ("James Porter", AppointedBy.PARTNER, "Finance director"),
        ("Dr Anne Kirby", AppointedBy.JOINTLY, "Independent non-executive director"),
    ):
        services.director_save(
            partnership=partnership,
            data={
                "name": name,
                "appointed_by": by,
                "role": role,
                "appointed_on": today - relativedelta(years=2),
            },
        )
    set_up = today - relativedelta(months=13)
    forums: dict[str, Forum] = {}
    for tier, name, every, quorum, remit in FORUMS:
        forum = services.forum_save(
            partnership=partnership,
            data={
                "tier": tier,
                "name": name,
                "remit": remit,
                "frequency_months": every,
                "quorum": quorum,
                "set_up_on": set_up,
            },
            users=[*council[:2], partner] if tier != Tier.OPERATIONAL else [council[2], partner],
        )
        for member_name, side, organisation, role in NAMED[name]:
            services.member_add(
                forum=forum,
                data={"name": member_name, "side": side, "organisation": organisation, "role": role},
            )
        forums[name] = forum

    records = [key for _, options in links.choices_for(partnership) for key, _ in options]
    kpis = [key for key in records if _is(key, "performance.kpi")]
    risks = [key for key in records if _is(key, "risks.risk")]
    statements = [key for key in records if _is(key, "payments.paymentstatement")]
    counter = 0

    def meet(forum: Forum, held_on: dt.date, *, partner_attends: bool) -> Any:
        nonlocal counter
        members = list(ForumMember.objects.filter(forum=forum))
        attendees = [m for m in members if partner_attends or m.side == Side.COUNCIL]
        apologies = [m for m in members if m not in attendees]
        meeting = services.meeting_save(
            partnership=partnership,
            data={
                "forum": forum,
                "held_on": held_on,
                "attendees": attendees,
                "apologies": apologies,
                "minutes": f"{forum.name} met; minutes agreed and filed with the council's records.",
            },
        )
        for title, pool in (("Performance report", kpis), ("Risk register", risks), ("Payment", statements)):
            key = pool[counter % len(pool)] if pool else ""
            services.item_add(meeting=meeting, data={"title": title, "record": key})
        counter += 1
        return meeting

    operations = forums["Highways operations group"]
    last_ops = None
    for months_ago in range(12, 0, -1):  # monthly; the partner stopped coming three meetings ago
        last_ops = meet(operations, today - relativedelta(months=months_ago), partner_attends=months_ago > 3)
        if months_ago in (11, 8, 5, 2):
            services.action_save(
                meeting=last_ops,
                data={
                    "description": f"Clear the defects backlog reported {months_ago} months ago",
                    "owner": partner if months_ago % 2 else council[2],
                    "due_on": today - relativedelta(months=months_ago) + relativedelta(weeks=6),
                    "status": "done" if months_ago > 6 else "open",
                },
            )
    jmt = forums["Joint management team"]
    for months_ago in (12, 9, 6, 3):
        meeting = meet(jmt, today - relativedelta(months=months_ago), partner_attends=True)
        services.decision_add(
            meeting=meeting, data={"text": "Quarterly performance report accepted.", "decided_on": None}
        )
        services.action_save(
            meeting=meeting,
            data={
                "description": "Bring a recovery plan for the pothole-repair KPI",
                "owner": council[0],
                "due_on": meeting.held_on + relativedelta(months=1),
                "status": "open" if months_ago < 9 else "done",
            },
        )
    board = forums["Strategic partnership board"]
    for months_ago in (11, 5):
        meeting = meet(board, today - relativedelta(months=months_ago), partner_attends=True)
        services.decision_add(
            meeting=meeting,
            data={"text": "Annual business plan approved as a reserved matter.", "decided_on": None},
        )
    assert last_ops is not None
    jmt_recent = jmt.meetings.order_by("-held_on").first()
    escalated = services.action_save(
        meeting=last_ops,
        data={
            "description": "Agree funding for the winter gritting fleet upgrade",
            "owner": council[0],
            "due_on": today + relativedelta(months=2),
            "status": "open",
        },
    )
    escalation = services.escalation_create(
        meeting=last_ops,
        data={
            "subject": f"action:{escalated.pk}",
            "to_forum": jmt,
            "escalated_on": last_ops.held_on,
            "reason": "Beyond the operations group's budget authority.",
        },
    )
    if jmt_recent is not None:
        services.escalation_outcome(
            escalation=escalation,
            data={
                "outcome": "Not yet decided: the joint management team asked for costed options.",
                "outcome_on": max(jmt_recent.held_on, last_ops.held_on),
            },
        )
    services.review_save(
        partnership=partnership,
        data={
            "reviewed_on": today - relativedelta(months=2),
            "reviewer": council[0],
            "findings": "The tiers work, but partner attendance at the operations group has fallen away and "
            "several actions run past their dates.",
            "decisions": "Meridian to name a deputy for the operations group; actions reviewed at every "
            "joint management team meeting.",
        },
    )


def _is(key: str, label: str) -> bool:
    from django.contrib.contenttypes.models import ContentType

    app_label, model = label.split(".")
    return ContentType.objects.get_for_id(int(key.split(":")[0])).model == model and (
        ContentType.objects.get_for_id(int(key.split(":")[0])).app_label == app_label
    )
