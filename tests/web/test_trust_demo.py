"""The demo's trust records for the contract-management partnership (issue 12's "done when")."""

from __future__ import annotations

import pytest
from django.urls import reverse

from forbetter.accounts.models import User
from forbetter.demo.partnerships import CONTRACT_MANAGEMENT
from forbetter.partnerships.models import EvidenceLink, Partnership
from forbetter.trust import selectors
from forbetter.trust.models import CharterVersion, OpenBookReview, TrustActivity
from tests.factories import client_for

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_charter_activities_a_review_feeding_the_gainshare_and_a_post_without_successor(
    seeded_demo: None,
) -> None:
    partnership = Partnership.objects.get(name=CONTRACT_MANAGEMENT)
    assert CharterVersion.objects.filter(partnership=partnership).count() == 2
    assert TrustActivity.objects.filter(partnership=partnership, partner_attended=0).count() == 1
    review = OpenBookReview.objects.select_related("gainshare_year").get(partnership=partnership)
    year = review.gainshare_year
    assert year is not None
    assert year.year == review.year
    assert year.actual_cost_gbp == review.agreed_actual_cost_gbp
    assert "open-book review" in year.notes
    # The review is the gainshare years' latest; the payments demo's other years are untouched.
    assert year == year.mechanism.gainshare_years.order_by("-year").first()
    glance = selectors.at_a_glance(partnership)
    assert glance["posts_without_successor"] == 1
    assert (
        glance["charter_date"] == CharterVersion.objects.filter(partnership=partnership).first().version_date
    )

    partner = User.objects.get(email="partner@meridian.example")
    page = client_for(partner).get(reverse("trust:people", args=[partnership.pk])).content.decode()
    assert "1 key post has no successor: Partner highways operations manager (partner)." in page
    mechanism = client_for(partner).get(reverse("payments:mechanism", args=[partnership.pk])).content.decode()
    assert f"Agreed actual cost from the open-book review of {review.year_label}" in mechanism


def test_the_demo_tasks_cite_the_trust_records(seeded_demo: None) -> None:
    partnership = Partnership.objects.get(name=CONTRACT_MANAGEMENT)
    cited = set(
        EvidenceLink.objects.filter(task__partnership=partnership).values_list(
            "content_type__app_label", "content_type__model"
        )
    )
    assert {("trust", "keypost"), ("trust", "trustactivity"), ("trust", "openbookprotocol")} <= cited
