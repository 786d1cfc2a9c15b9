"""Demo trust records for the highways and property partnership (contract management): a charter in two
versions, a year of trust-building activities (one with nobody from the partner), two partnership measures,
the open-book protocol, an open-book review whose agreed actual cost feeds the gainshare year, and key
people on both sides, one critical post with no successor. Fictional, fixed, written through the services
and created only when missing, so seeding twice changes nothing.

The review agrees the actual cost the payments demo already recorded for the latest completed financial
year (from the audited open-book accounts), so the gainshare figures on the payments pages do not change:
the review only becomes their source.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from forbetter.demo.partnerships import CONTRACT_MANAGEMENT
from forbetter.partnerships.models import Partnership
from forbetter.payments.models import GainshareYear
from forbetter.trust import services
from forbetter.trust.models import (
    CharterVersion,
    KeyPost,
    OpenBookProtocol,
    OpenBookReview,
    PartnershipMeasure,
    TrustActivity,
)

CHARTER_FIRST = """We are one partnership serving the people of Ashcombe.
We share information openly and early, including bad news.
We solve problems together before we look for fault.
We keep our promises, and say so when we cannot."""

CHARTER_SECOND = (
    CHARTER_FIRST
    + """
We involve each other in decisions about key people, including succession.
We review this charter together every year."""
)

ACTIVITIES = [
    # months ago, kind, title, purpose, council (count, names), partner (count, names), outcome
    (
        11,
        "away_day",
        "Joint away day: year one",
        "Review the first year together and agree how the teams work as one.",
        (None, "Priya Shah\nChris Morgan\nFatima Begum"),
        (None, "Dan Okafor\nRuth Adeyemi\nOwen Price"),
        "Agreed a joint problem-solving routine for highways defects.",
    ),
    (
        8,
        "workshop",
        "Winter service planning workshop",
        "Plan gritting routes and decision rules for the coming winter together.",
        (5, ""),
        (6, ""),
        "Single decision log for gritting calls, shared by both control rooms.",
    ),
    (
        5,
        "site_visit",
        "Property portfolio site visit",
        "Walk the depots with the partner's estates team to agree the maintenance backlog.",
        (3, "Chris Morgan"),
        (0, ""),
        "The partner's team could not attend; the visit is to be repeated with them.",
    ),
    (
        2,
        "training",
        "Joint contract management training",
        "Train both sides' managers in the contract's change-control and payment rules.",
        (8, ""),
        (7, ""),
        "Managers on both sides use the same change-control form.",
    ),
]

MEASURES = [
    (
        "Joint problem-solving",
        "How often problems are solved together rather than escalated or disputed.",
        "Score from 1 (poor) to 5 (excellent), the mean of both sides' ratings at the quarterly review.",
        True,
        ["3.0", "3.4", "3.6", "3.5"],
    ),
    (
        "Responsiveness",
        "How quickly each side answers the other's requests for information.",
        "Median working days to answer a request logged on the shared tracker.",
        False,
        ["6.0", "5.0", "4.5", "4.0"],
    ),
]

KEY_POSTS = [
    # post, holder, side, criticality, involvement, successors [(name, readiness, development)]
    (
        "Council contract manager",
        "Priya Shah",
        "council",
        "critical",
        "Meridian's service director sat on the interview panel for the deputy post.",
        [("Chris Morgan", "ready_now", "")],
    ),
    (
        "Council client finance lead",
        "Fatima Begum",
        "council",
        "high",
        "",
        [("Sam Reid", "one_to_two", "Open-book review experience in the next annual review.")],
    ),
    (
        "Partner service director",
        "Dan Okafor",
        "partner",
        "critical",
        "The council's contract manager reviewed the succession plan with Meridian in the spring.",
        [("Ruth Adeyemi", "one_to_two", "Leads the winter service for one season first.")],
    ),
    (
        "Partner highways operations manager",
        "Owen Price",
        "partner",
        "critical",
        "Not yet discussed with the council.",
        [],
    ),
]


def seed(people: dict[str, Any], partnerships_by_name: dict[str, Partnership]) -> None:
    """Seed the contract-management partnership's trust records where they are missing."""
    partnership = partnerships_by_name.get(CONTRACT_MANAGEMENT)
    if partnership is None:
        return
    editor = people["editor@ashcombe.example"]
    today = timezone.localdate()
    _charter(partnership, editor, today)
    _activities(partnership, editor, today)
    _measures(partnership, editor, today)
    _open_book(partnership, editor, today)
    _people(partnership, editor, today)


def _charter(partnership: Partnership, editor: Any, today: dt.date) -> None:
    if CharterVersion.objects.filter(partnership=partnership).exists():
        return
    for months, text, changes in (
        (14, CHARTER_FIRST, ""),
        (2, CHARTER_SECOND, "Adds shared succession planning and a yearly review of the charter."),
    ):
        services.charter_version_add(
            user=editor,
            partnership=partnership,
            data={
                "version_date": today - relativedelta(months=months),
                "text": text,
                "agreed_by_council": "Partnership board: Ashcombe County Council's director of place",
                "agreed_by_partner": "Partnership board: Meridian Public Services' managing director",
                "summary_of_changes": changes,
            },
        )


def _activities(partnership: Partnership, editor: Any, today: dt.date) -> None:
    if TrustActivity.objects.filter(partnership=partnership).exists():
        return
    for months, kind, title, purpose, council, partner, outcome in ACTIVITIES:
        services.activity_save(
            user=editor,
            partnership=partnership,
            data={
                "held_on": today - relativedelta(months=months),
                "kind": kind,
                "title": title,
                "purpose": purpose,
                "council_count": council[0],
                "council_names": council[1],
                "partner_count": partner[0],
                "partner_names": partner[1],
                "outcome": outcome,
            },
        )


def _quarter_ends(today: dt.date, count: int) -> list[dt.date]:
    """The last days of the ``count`` quarters before today's, oldest first."""
    start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return [
        start - relativedelta(months=3 * back) - dt.timedelta(days=1) for back in range(count - 1, -1, -1)
    ]


def _measures(partnership: Partnership, editor: Any, today: dt.date) -> None:
    if PartnershipMeasure.objects.filter(partnership=partnership).exists():
        return
    for name, description, how, higher_is_better, values in MEASURES:
        measure = services.measure_save(
            user=editor,
            partnership=partnership,
            data={
                "name": name,
                "description": description,
                "how_measured": how,
                "higher_is_better": higher_is_better,
            },
        )
        for period_end, value in zip(_quarter_ends(today, len(values)), values, strict=True):
            services.measure_value_add(
                user=editor, measure=measure, data={"period_end": period_end, "value": Decimal(value)}
            )


def _open_book(partnership: Partnership, editor: Any, today: dt.date) -> None:
    if not OpenBookProtocol.objects.filter(partnership=partnership).exists():
        services.protocol_save(
            user=editor,
            partnership=partnership,
            data={
                "cost_categories": "Staff and agency labour\nMaterials and plant\nSubcontractors\n"
                "Overheads allocated to the contract",
                "margins_shared": True,
                "margin_detail": "Meridian's margin on each service line (highways, property).",
                "frequency": "annual",
                "depth": "line_item",
                "reviewers": "For the council: the client finance lead and internal audit.\n"
                "For the partner: the contract finance manager.\n"
                "The external auditor may inspect on request.",
                "agreed_on": today - relativedelta(months=20),
            },
        )
    if OpenBookReview.objects.filter(partnership=partnership).exists():
        return
    latest = GainshareYear.objects.filter(mechanism__partnership=partnership).order_by("-year").first()
    if latest is None:
        return  # the payments demo has no completed financial year to review
    agreed = Decimal("24500000")
    services.review_save(
        user=editor,
        partnership=partnership,
        data={
            "year": latest.year,
            "reviewed_on": min(today, dt.date(latest.year + 1, 6, 15)),
            "reviewed_by": "Fatima Begum (council client finance lead) with Meridian's contract finance "
            "manager",
            "agreed_cost_gbp": agreed,
            "submitted_cost_gbp": latest.actual_cost_gbp + Decimal("180000"),
            "agreed_margin": Decimal("0.0800"),
            "actual_margin": Decimal("0.0850"),
            "findings": "Overheads of £180,000 charged twice, to highways and to property, were taken out. "
            "The highways margin was half a point above the agreed 8%, from a one-off insurance rebate; "
            "both sides accepted it for this year only.",
            "agreed_actual_cost_gbp": latest.actual_cost_gbp,
        },
    )


def _people(partnership: Partnership, editor: Any, today: dt.date) -> None:
    if KeyPost.objects.filter(partnership=partnership).exists():
        return
    for post_title, holder, side, criticality, involvement, successors in KEY_POSTS:
        post = services.key_post_save(
            user=editor,
            partnership=partnership,
            data={
                "post": post_title,
                "holder": holder,
                "side": side,
                "criticality": criticality,
                "partner_involvement": involvement,
                "plan_reviewed_on": today - relativedelta(months=4) if successors else None,
            },
        )
        for name, readiness, development in successors:
            services.successor_save(
                user=editor,
                post=post,
                data={"name": name, "readiness": readiness, "development": development},
            )
