"""The partnership overview shows governance and trust at a glance (issue 12, item 4): the last meeting per
tier, open overdue actions, flagged forums, the latest survey gap, the charter, the last trust activity and
key posts without a successor; in the same number of queries whatever the records, for council and partner
users alike; and the areas' figures, not copies of them."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forbetter.accounts.models import User
from forbetter.demo.partnerships import CONTRACT_MANAGEMENT, INITIATION
from forbetter.governance.selectors import at_a_glance as governance_glance
from forbetter.partnerships.models import Partnership
from forbetter.survey.selectors import at_a_glance as survey_glance
from forbetter.trust.selectors import at_a_glance as trust_glance
from tests.factories import client_for


def _overview(email: str, name: str) -> tuple[str, int]:
    partnership = Partnership.objects.get(name=name)
    client = client_for(User.objects.get(email=email))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("partnerships:overview", args=[partnership.pk]))
    assert response.status_code == 200
    return response.content.decode(), len(queries.captured_queries)


def test_the_contract_management_overview_shows_governance_and_trust_at_a_glance(seeded_demo: None) -> None:
    partnership = Partnership.objects.get(name=CONTRACT_MANAGEMENT)
    governance = governance_glance(partnership)
    survey = survey_glance(partnership)
    trust = trust_glance(partnership)
    assert governance["open_overdue_actions"] > 0
    assert governance["forums_flagged"]
    assert survey is not None
    assert survey["flagged"]
    assert trust["posts_without_successor"] == 1
    for email in ("editor@ashcombe.example", "partner@meridian.example"):
        page, _ = _overview(email, CONTRACT_MANAGEMENT)
        assert "The partnership at a glance" in page
        assert f"{governance['open_overdue_actions']} overdue" in page
        for name, _reason in governance["forums_flagged"]:
            assert name in page
        assert f"on “{survey['principle']}”, {survey['size']:.2f} points" in page
        assert "Large gap" in page
        assert f"Current version of {trust['charter_date']:%-d %B %Y}" in page
        assert "1</strong> key post with no successor named" in page


def test_an_overview_with_no_governance_or_trust_records_says_so(seeded_demo: None) -> None:
    page, _ = _overview("editor@ashcombe.example", INITIATION)
    assert "No governance forums recorded yet." in page
    assert "No survey results yet" in page
    assert "No charter recorded yet" in page


def test_the_overview_runs_the_same_number_of_queries_with_or_without_the_records(seeded_demo: None) -> None:
    _, with_records = _overview("editor@ashcombe.example", CONTRACT_MANAGEMENT)
    _, without = _overview("editor@ashcombe.example", INITIATION)
    assert with_records - without <= 3, (with_records, without)
