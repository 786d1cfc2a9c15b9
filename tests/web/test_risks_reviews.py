"""Risk reviews (what changed, next review dates) and the change-of-ownership plan; evidence providers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forbetter.accounts.models import Role, User
from forbetter.partnerships.evidence import candidates_for
from forbetter.risks import services
from forbetter.risks.models import (
    OwnershipAction,
    OwnershipContact,
    OwnershipPlan,
    OwnershipTrigger,
    RiskReview,
)
from forbetter.risks.services import ReviewEntry
from tests.conftest import World
from tests.factories import (
    client_for,
    make_exit_analysis,
    make_finished_simulation_run,
    make_ownership_plan,
    make_risk,
)
from tests.web.edit_versions import opened_at

pytestmark = pytest.mark.django_db


def test_rule_review_sets_next_date_and_records_scores_before_and_after(world: World, editor: User) -> None:
    quarterly = make_risk(world.ours, review_frequency="quarterly", residual_likelihood=4, residual_impact=3)
    annual = make_risk(world.ours, review_frequency="annual", residual_likelihood=2, residual_impact=2)
    untouched = make_risk(world.ours, next_review_on=dt.date(2026, 1, 1))
    review = services.risk_review_record(
        user=editor,
        partnership=world.ours,
        reviewed_on=dt.date(2026, 2, 10),
        reviewer=editor,
        notes="Quarterly review",
        entries=[ReviewEntry(quarterly, 2, 3, "Controls working"), ReviewEntry(annual, 2, 2)],
        today=dt.date(2026, 3, 1),
    )
    quarterly.refresh_from_db()
    annual.refresh_from_db()
    untouched.refresh_from_db()
    assert quarterly.next_review_on == dt.date(2026, 5, 10)
    assert annual.next_review_on == dt.date(2027, 2, 10)
    assert untouched.next_review_on == dt.date(2026, 1, 1)
    assert (quarterly.residual_likelihood, quarterly.residual_impact) == (2, 3)
    items = {item.risk_id: item for item in review.items.all()}
    assert items[quarterly.pk].previous_score == 12
    assert items[quarterly.pk].new_score == 6
    assert items[quarterly.pk].score_changed
    assert not items[annual.pk].score_changed
    assert quarterly.history.latest().history_change_reason == "Reviewed on 10 February 2026"


def test_review_refuses_a_future_date_and_an_empty_selection(world: World, editor: User) -> None:
    risk = make_risk(world.ours)
    with pytest.raises(ValidationError) as raised:
        services.risk_review_record(
            user=editor,
            partnership=world.ours,
            reviewed_on=dt.date.today() + dt.timedelta(days=1),
            reviewer=editor,
            notes="",
            entries=[],
        )
    assert set(raised.value.message_dict) == {"reviewed_on", "__all__"}
    other = make_risk(world.theirs)
    with pytest.raises(ValidationError):
        services.risk_review_record(
            user=editor,
            partnership=world.ours,
            reviewed_on=dt.date.today(),
            reviewer=editor,
            notes="",
            entries=[ReviewEntry(risk, 3, 3), ReviewEntry(other, 3, 3)],
        )
    assert not RiskReview.objects.exists()


def test_review_form_records_ticked_risks_only(world: World, editor: User) -> None:
    reviewed = make_risk(world.ours, title="Looked at")
    skipped = make_risk(world.ours, title="Not looked at", next_review_on=dt.date(2026, 1, 1))
    client = client_for(editor)
    url = reverse("risks:review-create", args=[world.ours.pk])
    form = client.get(url).content.decode()
    assert "Reviewed R001" in form
    assert "Likelihood of R002 now" in form
    nothing = client.post(url, {"reviewed_on": dt.date.today().isoformat(), "reviewer": editor.pk})
    assert "Select at least one risk that was reviewed" in nothing.content.decode()
    assert not RiskReview.objects.exists()
    data = {
        "reviewed_on": dt.date.today().isoformat(),
        "reviewer": editor.pk,
        "notes": "Board pre-meeting",
        f"reviewed_{reviewed.pk}": "on",
        f"likelihood_{reviewed.pk}": "1",
        f"impact_{reviewed.pk}": "3",
        f"comment_{reviewed.pk}": "Risk has fallen",
        f"likelihood_{skipped.pk}": "5",
        f"impact_{skipped.pk}": "5",
    }
    response = client.post(url, data)
    review = RiskReview.objects.get()
    assert response["Location"] == reverse("risks:review", args=[world.ours.pk, review.pk])
    skipped.refresh_from_db()
    assert (skipped.residual_likelihood, skipped.next_review_on) == (3, dt.date(2026, 1, 1))
    page = client.get(response["Location"]).content.decode()
    assert "Changed from 3 × 3 to 1 × 3" in page
    assert "1 risk reviewed; 1 score changed" in page
    listing = client.get(reverse("risks:reviews", args=[world.ours.pk])).content.decode()
    assert "Board pre-meeting" not in listing
    assert dt.date.today().strftime("%-d %B %Y") in listing


def test_review_form_bad_date_gets_a_specific_message(world: World, editor: User) -> None:
    risk = make_risk(world.ours)
    response = client_for(editor).post(
        reverse("risks:review-create", args=[world.ours.pk]),
        {"reviewed_on": "2026-02-30", "reviewer": editor.pk, f"reviewed_{risk.pk}": "on"},
    )
    assert "Date of the review must be a real date" in response.content.decode()
    assert not RiskReview.objects.exists()


def test_review_list_query_count_does_not_grow(world: World, editor: User) -> None:
    client = client_for(editor)
    url = reverse("risks:reviews", args=[world.ours.pk])
    risk = make_risk(world.ours)

    def review() -> None:
        services.risk_review_record(
            user=editor,
            partnership=world.ours,
            reviewed_on=dt.date.today(),
            reviewer=editor,
            notes="",
            entries=[ReviewEntry(risk, 3, 3)],
        )

    review()
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(6):
        review()
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


# ------------------------------------------------------------------------------------------------------
# Change-of-ownership plan
# ------------------------------------------------------------------------------------------------------


def test_ownership_plan_is_written_then_given_triggers_actions_and_contacts(
    world: World, editor: User
) -> None:
    client = client_for(editor)
    pk = world.ours.pk
    early = client.get(reverse("risks:plan-item-create", args=[pk, "triggers"]))
    assert early["Location"] == reverse("risks:ownership-plan-edit", args=[pk])
    missing = client.post(
        reverse("risks:ownership-plan-edit", args=[pk]), {"summary": "", "last_reviewed_on": ""}
    )
    assert "Enter a summary of the plan" in missing.content.decode()
    assert not OwnershipPlan.objects.exists()
    client.post(
        reverse("risks:ownership-plan-edit", args=[pk]),
        {"summary": "Protect services first", "contract_provisions": "", "last_reviewed_on": "2026-01-15"},
    )
    client.post(reverse("risks:plan-item-create", args=[pk, "triggers"]), {"description": "Sale announced"})
    client.post(
        reverse("risks:plan-item-create", args=[pk, "actions"]),
        {"description": "Call gold group", "responsible": "Director", "timescale": "24 hours"},
    )
    bad_contact = client.post(
        reverse("risks:plan-item-create", args=[pk, "contacts"]),
        {"name": "A", "organisation": "B", "role": "C", "email": "not-an-email"},
    )
    assert "Enter an email address like name@example.com" in bad_contact.content.decode()
    client.post(
        reverse("risks:plan-item-create", args=[pk, "contacts"]),
        {"name": "A", "organisation": "B", "role": "C", "email": "a@b.example"},
    )
    assert (
        OwnershipTrigger.objects.count(),
        OwnershipAction.objects.count(),
        OwnershipContact.objects.count(),
    ) == (
        1,
        1,
        1,
    )
    trigger = OwnershipTrigger.objects.get()
    client.post(
        reverse("risks:plan-item-edit", args=[pk, "triggers", trigger.pk]),
        {"description": "Sale agreed", **opened_at(trigger)},
    )
    trigger.refresh_from_db()
    assert trigger.description == "Sale agreed"
    page = client.get(reverse("risks:ownership-plan", args=[pk])).content.decode()
    assert "Protect services first" in page
    assert "Call gold group" in page
    assert "a@b.example" in page
    client.post(reverse("risks:plan-item-remove", args=[pk, "triggers", trigger.pk]), {"confirm": "yes"})
    assert not OwnershipTrigger.objects.exists()


def test_unknown_plan_part_is_not_found(world: World, editor: User) -> None:
    make_ownership_plan(world.ours)
    response = client_for(editor).get(reverse("risks:plan-item-create", args=[world.ours.pk, "budgets"]))
    assert response.status_code == 404


def test_plan_entry_of_another_plan_is_refused_by_the_service(world: World, editor: User) -> None:
    ours, theirs = make_ownership_plan(world.ours), make_ownership_plan(world.theirs)
    trigger = theirs.triggers.get()
    with pytest.raises(ValidationError):
        services.ownership_item_save(user=editor, plan=ours, kind="triggers", item=trigger, data={})


# ------------------------------------------------------------------------------------------------------
# Evidence for the framework's risk-management tasks
# ------------------------------------------------------------------------------------------------------


def test_risk_records_are_offered_as_evidence_for_the_risk_tasks(world: World, editor: User) -> None:
    risk = make_risk(world.ours)
    services.risk_review_record(
        user=editor,
        partnership=world.ours,
        reviewed_on=dt.date.today(),
        reviewer=editor,
        notes="",
        entries=[ReviewEntry(risk, 3, 3)],
    )
    make_ownership_plan(world.ours)
    make_finished_simulation_run(world.ours, editor, risk)
    make_exit_analysis(world.ours, editor)
    kinds = {candidate.kind for candidate in candidates_for(world.ours)}
    assert {
        "Risk review",
        "Monte Carlo risk simulation",
        "Exit-cost analysis",
        "Change-of-ownership plan",
    } <= kinds
    assert not {c.kind for c in candidates_for(world.theirs)} & {"Risk review", "Exit-cost analysis"}
    task = world.ours.tasks.get(action__code="C-RM-2")
    plan_key = next(c.key for c in candidates_for(world.ours) if c.kind == "Change-of-ownership plan")
    response = client_for(editor).post(
        reverse("partnerships:evidence-add", args=[world.ours.pk, task.pk]), {"record": plan_key}
    )
    assert response.status_code == 302
    assert task.evidence_links.count() == 1


def test_partner_user_reads_the_register_pages_but_cannot_edit(world: World) -> None:
    risk = make_risk(world.ours)
    client = client_for(world.users[Role.PARTNER_USER])
    page = client.get(reverse("risks:risk", args=[world.ours.pk, risk.pk])).content.decode()
    assert risk.title in page
    assert "Change this risk" not in page
