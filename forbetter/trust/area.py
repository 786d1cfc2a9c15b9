"""The trust area: the partnership charter, trust-building activities, partnership measures, the open-book
protocol and reviews, and key people with succession plans. Every page is joint: council and partner users of
the partnership read them, council editors change them. Declared once for navigation, evidence, the demo and
the permission matrix (see :mod:`forbetter.core.areas`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from forbetter.core.areas import Area, Section, confirm, first_pk, form, page
from forbetter.partnerships.models import Partnership
from forbetter.trust import pack, selectors, services
from forbetter.trust.evidence_providers import charter_versions, open_book, succession_plans, trust_activities
from forbetter.trust.models import (
    CharterVersion,
    KeyPost,
    OpenBookReview,
    PartnershipMeasure,
    Successor,
    TrustActivity,
)


def _version(partnership: Partnership) -> dict[str, int]:
    return {"version_pk": first_pk(CharterVersion.objects.filter(partnership=partnership), "charter version")}


def _activity(partnership: Partnership) -> dict[str, int]:
    return {"activity_pk": first_pk(TrustActivity.objects.filter(partnership=partnership), "trust activity")}


def _measure(partnership: Partnership) -> dict[str, int]:
    return {
        "measure_pk": first_pk(
            PartnershipMeasure.objects.filter(partnership=partnership), "partnership measure"
        )
    }


def _review(partnership: Partnership) -> dict[str, int]:
    return {"review_pk": first_pk(OpenBookReview.objects.filter(partnership=partnership), "open-book review")}


def _post(partnership: Partnership) -> dict[str, int]:
    return {"post_pk": first_pk(KeyPost.objects.filter(partnership=partnership), "key post")}


def _successor(partnership: Partnership) -> dict[str, int]:
    found = _post(partnership)
    return {
        **found,
        "successor_pk": first_pk(Successor.objects.filter(post_id=found["post_pk"]), "successor"),
    }


def examples(partnership: Partnership, user: Any, today: dt.date | None = None) -> None:
    """A charter version, an activity, a measure, an open-book protocol and review (without an agreed actual
    cost, so no payment mechanism is needed) and a key post with a successor."""
    today = today or dt.date.today()
    if not CharterVersion.objects.filter(partnership=partnership).exists():
        services.charter_version_add(
            user=user,
            partnership=partnership,
            data={
                "version_date": today,
                "text": "We work as one team.",
                "agreed_by_council": "Chief executive",
                "agreed_by_partner": "Managing director",
            },
        )
    if not TrustActivity.objects.filter(partnership=partnership).exists():
        services.activity_save(
            user=user,
            partnership=partnership,
            data={
                "held_on": today,
                "kind": "workshop",
                "title": "Joint workshop",
                "purpose": "Agree how we solve problems together",
                "council_count": 4,
                "partner_count": 3,
            },
        )
    if not PartnershipMeasure.objects.filter(partnership=partnership).exists():
        services.measure_save(
            user=user,
            partnership=partnership,
            data={"name": "Responsiveness", "how_measured": "Score 1 to 5 from both sides"},
        )
    if not OpenBookReview.objects.filter(partnership=partnership).exists():
        services.protocol_save(
            user=user,
            partnership=partnership,
            data={
                "cost_categories": "Staff\nMaterials",
                "frequency": "annual",
                "depth": "line_item",
                "reviewers": "Council finance",
                "agreed_on": today,
            },
        )
        services.review_save(
            user=user,
            partnership=partnership,
            data={
                "year": 2024,
                "reviewed_on": today,
                "reviewed_by": "Council finance",
                "agreed_cost_gbp": Decimal(1_000_000),
                "submitted_cost_gbp": Decimal(1_020_000),
                "findings": "Overhead allocation to be corrected",
            },
        )
    if not Successor.objects.filter(post__partnership=partnership).exists():
        post = KeyPost.objects.filter(partnership=partnership).first() or services.key_post_save(
            user=user,
            partnership=partnership,
            data={
                "post": "Contract manager",
                "holder": "A. Person",
                "side": "council",
                "criticality": "high",
            },
        )
        services.successor_save(user=user, post=post, data={"name": "B. Person", "readiness": "ready_now"})


AREA = Area(
    glance=selectors.at_a_glance,
    glance_template="trust/_glance.html",
    app="trust",
    routes=(
        page("overview"),
        page("charter"),
        form("charter-add"),
        page("charter-version", kwargs=_version),
        page("activities"),
        form("activity-create"),
        form("activity-edit", kwargs=_activity),
        page("measures"),
        form("measure-create"),
        form("measure-edit", kwargs=_measure),
        form("value-add", kwargs=_measure),
        page("open-book"),
        form("protocol-edit"),
        form("review-create"),
        page("review", kwargs=_review),
        form("review-edit", kwargs=_review),
        page("people"),
        form("post-create"),
        form("post-edit", kwargs=_post),
        form("successor-create", kwargs=_post),
        form("successor-edit", kwargs=_successor),
        confirm("successor-remove", kwargs=_successor),
    ),
    sections=(Section("trust", "Trust", "trust:overview", 80),),
    evidence=(charter_versions, trust_activities, open_book, succession_plans),
    demo="forbetter.demo.trust",
    examples=examples,
    pack_sections=pack.pack_sections,
)
