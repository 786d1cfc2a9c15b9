"""The procurement area's governance part (issue 11 items 7, 8, 9 and 10): governance options and the choice
(P-GOV-1), continuity of key people (P-TR-1), meetings with bidders (P-TR-2), heads-of-service briefings
(P-INC-1), and bidders' positions on review points (P-FLX-2) and on risk allocation (P-RM-1)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forbetter.accounts.models import Role, User
from forbetter.partnerships.evidence import candidates_for, matching_candidates
from forbetter.partnerships.models import Partnership, ServiceArea
from forbetter.procurement.governance import selectors, services
from forbetter.procurement.models import (
    Bidder,
    BidderMeeting,
    BriefingConcern,
    CouncilRiskAllocation,
    DialogueRound,
    GovernanceChoice,
    GovernanceOption,
    HeadsOfServiceBriefing,
    KeyPerson,
    ReviewPoint,
    ReviewPointPosition,
    RiskAllocationPosition,
    RoundEntry,
    RoundOutcome,
)
from tests.conftest import World
from tests.factories import client_for, make_risk, risk_category
from tests.web.edit_versions import opened_at

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def _bidder(partnership: Partnership, name: str, outcome: str | None = None) -> Bidder:
    bidder = Bidder.objects.create(partnership=partnership, name=name, expressed_interest_on=TODAY)
    if outcome is not None:
        round_, _ = DialogueRound.objects.get_or_create(
            partnership=partnership, number=1, defaults={"name": "Outline solutions", "starts_on": TODAY}
        )
        RoundEntry.objects.create(round=round_, bidder=bidder, outcome=outcome)
    return bidder


def _option(partnership: Partnership, name: str = "Contract", **changes: Any) -> GovernanceOption:
    data = {
        "partnership": partnership,
        "name": name,
        "kind": "contract",
        "setup_cost_gbp": Decimal(100_000),
        "annual_running_cost_gbp": Decimal(50_000),
        "benefits": "Clear remedies",
        "risks": "Less flexible",
        **changes,
    }
    return GovernanceOption.objects.create(**data)


def _errors(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 200, response.status_code
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


# ------------------------------------------------------------------------------------ governance options


def test_options_page_shows_the_options_side_by_side_to_every_council_role(world: World) -> None:
    world.ours.term_years = 10
    world.ours.save()
    meridian = _bidder(world.ours, "Meridian")
    _option(world.ours)
    _option(world.ours, "Joint venture", kind="joint_venture", proposed_by=meridian, setup_cost_gbp=600_000)
    url = reverse("procurement:governance-options", args=[world.ours.pk])
    for role in (Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER, Role.AUDITOR, Role.ADMINISTRATOR):
        page = client_for(world.users[role]).get(url)
        assert page.status_code == 200, role
        text = page.content.decode()
        assert "Joint-venture company" in text
        assert "Meridian" in text
        # set-up plus ten years of running: 100,000 + 10 x 50,000, explained beside it
        assert "£600,000" in text
        assert "£1,100,000" in text
        assert "set-up cost plus 10 years of running cost, not discounted" in text
        assert "No option has been chosen yet" in text
    assert client_for(world.users[Role.PARTNER_USER]).get(url).status_code == 403


def test_an_editor_adds_an_option_and_bad_input_saves_nothing(world: World, editor: User) -> None:
    client = client_for(editor)
    url = reverse("procurement:governance-option-create", args=[world.ours.pk])
    good = {
        "name": "Contract",
        "kind": "contract",
        "proposed_by": "",
        "setup_cost_gbp": "£180k",
        "annual_running_cost_gbp": "95,000",
        "benefits": "Clear remedies",
        "risks": "Less flexible",
    }
    assert client.post(url, good).status_code == 302
    option = GovernanceOption.objects.get(partnership=world.ours)
    assert option.setup_cost_gbp == Decimal(180_000)
    assert option.history.first().history_user == editor

    assert _errors(client.post(url, {**good, "name": "contract"})) == {
        "name": ["There is already an option called “contract”: give this one another name"]
    }
    errors = _errors(client.post(url, {**good, "name": "Other", "setup_cost_gbp": "-5"}))
    assert errors == {"setup_cost_gbp": ["Set-up cost cannot be negative"]}
    errors = _errors(client.post(url, {**good, "name": "", "benefits": ""}))
    assert errors == {"name": ["Enter the name of the option"], "benefits": ["Enter the benefits"]}
    assert GovernanceOption.objects.count() == 1


def test_an_option_proposed_by_another_partnerships_bidder_is_refused(world: World, editor: User) -> None:
    theirs = _bidder(world.theirs, "Their bidder")
    with pytest.raises(Exception, match="Choose a bidder of this partnership"):
        services.governance_option_save(
            user=editor,
            partnership=world.ours,
            data={
                "name": "JV",
                "kind": "joint_venture",
                "proposed_by": theirs,
                "setup_cost_gbp": Decimal(1),
                "annual_running_cost_gbp": Decimal(1),
                "benefits": "b",
                "risks": "r",
            },
        )
    assert not GovernanceOption.objects.exists()


def test_the_choice_records_which_option_by_whom_when_and_why_and_at_most_one(
    world: World, editor: User
) -> None:
    contract = _option(world.ours)
    jv = _option(world.ours, "Joint venture", kind="joint_venture")
    client = client_for(editor)
    url = reverse("procurement:governance-choice", args=[world.ours.pk])
    data = {"option": contract.pk, "chosen_on": TODAY.isoformat(), "reason": "Cheaper to set up and run"}
    assert client.post(url, data).status_code == 302
    choice = GovernanceChoice.objects.get(partnership=world.ours)
    assert (choice.option, choice.chosen_by, choice.chosen_on) == (contract, editor, TODAY)
    page = client.get(reverse("procurement:governance-options", args=[world.ours.pk])).content.decode()
    assert "Cheaper to set up and run" in page
    assert "Chosen" in page
    assert str(editor) in page

    # Changing the choice replaces it: still one chosen option.
    again = {**data, "option": jv.pk, **opened_at(choice)}
    assert client.post(url, again).status_code == 302
    assert GovernanceChoice.objects.filter(partnership=world.ours).count() == 1
    assert GovernanceChoice.objects.get().option == jv


def test_a_choice_without_a_reason_or_in_the_future_is_refused(world: World, editor: User) -> None:
    contract = _option(world.ours)
    client = client_for(editor)
    url = reverse("procurement:governance-choice", args=[world.ours.pk])
    data = {"option": contract.pk, "chosen_on": TODAY.isoformat()}
    assert _errors(client.post(url, {**data, "reason": ""})) == {
        "reason": ["Enter why this option was chosen"]
    }
    assert _errors(client.post(url, {**data, "reason": "   "})) == {
        "reason": ["Enter why this option was chosen"]
    }
    future = (TODAY + dt.timedelta(days=3)).isoformat()
    assert _errors(client.post(url, {**data, "chosen_on": future, "reason": "Because"})) == {
        "chosen_on": ["The date chosen cannot be in the future"]
    }
    other = _option(world.theirs, "Theirs")
    errors = _errors(client.post(url, {**data, "option": other.pk, "reason": "Because"}))
    assert errors == {"option": ["Choose the option chosen from the list"]}
    with pytest.raises(Exception, match="Choose one of this partnership's governance options"):
        services.governance_choose(user=editor, partnership=world.ours, data={"option": other, "reason": "x"})
    assert not GovernanceChoice.objects.exists()


def test_viewers_cannot_record_the_choice(world: World) -> None:
    contract = _option(world.ours)
    url = reverse("procurement:governance-choice", args=[world.ours.pk])
    data = {"option": contract.pk, "chosen_on": TODAY.isoformat(), "reason": "Because"}
    assert client_for(world.users[Role.COUNCIL_VIEWER]).post(url, data).status_code == 403
    assert not GovernanceChoice.objects.exists()


# ------------------------------------------------------------------------------------ continuity


def _people(bidder: Bidder, *in_team: bool | None) -> None:
    for index, value in enumerate(in_team):
        KeyPerson.objects.create(bidder=bidder, name=f"Person {index}", role="Lead", in_delivery_team=value)


def test_continuity_is_shown_for_the_preferred_bidder_with_a_warning_when_low(world: World) -> None:
    preferred = _bidder(world.ours, "Corvane", RoundOutcome.PREFERRED)
    _people(preferred, True, False, False, None)
    other = _bidder(world.ours, "Meridian", RoundOutcome.SHORTLISTED)
    _people(other, None, None)
    page = client_for(world.users[Role.COUNCIL_VIEWER]).get(
        reverse("procurement:key-people-continuity", args=[world.ours.pk])
    )
    text = page.content.decode()
    assert "25%</span> continuity: 1 of the 4 key people" in text
    assert "(1 not recorded yet, counted as not in it)" in text
    assert "Continuity is low: below 50%" in text
    assert "No delivery team recorded for this bid, so continuity is not worked out" in text  # Meridian
    bids = {bid.bidder.name: bid for bid in page.context["bids"]}
    assert bids["Corvane"].shown
    assert not bids["Meridian"].shown


def test_continuity_is_shown_for_any_bidder_with_delivery_team_data(world: World) -> None:
    other = _bidder(world.ours, "Meridian", RoundOutcome.SHORTLISTED)
    _people(other, True, True, False)
    page = client_for(world.users[Role.COUNCIL_EDITOR]).get(
        reverse("procurement:key-people-continuity", args=[world.ours.pk])
    )
    text = page.content.decode()
    assert "67%</span> continuity: 2 of the 3 key people" in text
    assert "Continuity is low" not in text


def test_the_continuity_warning_threshold_is_a_setting(world: World, settings: Any) -> None:
    preferred = _bidder(world.ours, "Corvane", RoundOutcome.PREFERRED)
    _people(preferred, True, True, False)
    settings.PROCUREMENT_CONTINUITY_WARNING_BELOW = "0.75"
    text = (
        client_for(world.users[Role.COUNCIL_EDITOR])
        .get(reverse("procurement:key-people-continuity", args=[world.ours.pk]))
        .content.decode()
    )
    assert "Continuity is low: below 75%" in text


def test_no_delivery_team_after_award_is_warned(world: World) -> None:
    preferred = _bidder(world.ours, "Corvane", RoundOutcome.PREFERRED)
    _people(preferred, None, None)
    url = reverse("procurement:key-people-continuity", args=[world.ours.pk])
    client = client_for(world.users[Role.COUNCIL_EDITOR])
    assert "no delivery team is recorded" not in client.get(url).content.decode()
    world.ours.contract_management_began_on = TODAY
    world.ours.save()
    assert "The contract is awarded but no delivery team is recorded" in client.get(url).content.decode()


def test_key_people_are_added_and_changed_within_the_partnership(world: World, editor: User) -> None:
    bidder = _bidder(world.ours, "Corvane")
    client = client_for(editor)
    url = reverse("procurement:key-person-create", args=[world.ours.pk, bidder.pk])
    assert _errors(client.post(url, {"name": "", "role": "", "in_delivery_team": "unknown"})) == {
        "name": ["Enter the person's name"],
        "role": ["Enter the person's role in the bid"],
    }
    assert _errors(client.post(url, {"name": "Helen", "role": "Director"})) == {
        "in_delivery_team": ["Choose whether the person is in the delivery team"]
    }
    assert (
        client.post(url, {"name": "Helen", "role": "Director", "in_delivery_team": "unknown"}).status_code
        == 302
    )
    person = KeyPerson.objects.get()
    assert person.in_delivery_team is None
    edit = reverse("procurement:key-person-edit", args=[world.ours.pk, person.pk])
    posted = {"name": "Helen", "role": "Director", "in_delivery_team": "yes", **opened_at(person)}
    assert client.post(edit, posted).status_code == 302
    person.refresh_from_db()
    assert person.in_delivery_team is True
    theirs = _bidder(world.theirs, "Theirs")
    assert (
        client.get(reverse("procurement:key-person-create", args=[world.ours.pk, theirs.pk])).status_code
        == 404
    )


# ------------------------------------------------------------------------------------ meetings


def _meeting(bidder: Bidder, days_ago: int = 1) -> BidderMeeting:
    return BidderMeeting.objects.create(
        partnership=bidder.partnership,
        bidder=bidder,
        held_on=TODAY - dt.timedelta(days=days_ago),
        purpose="Site visit",
        council_attendees="Head of revenues",
        bidder_attendees="Bid director",
    )


def test_meetings_log_counts_per_bidder_and_flags_far_fewer(world: World) -> None:
    corvane = _bidder(world.ours, "Corvane", RoundOutcome.SHORTLISTED)
    meridian = _bidder(world.ours, "Meridian", RoundOutcome.SHORTLISTED)
    gone = _bidder(world.ours, "Thistledown", RoundOutcome.DESELECTED)
    for days in (1, 2, 3, 4):
        _meeting(corvane, days)
    _meeting(meridian)
    page = client_for(world.users[Role.AUDITOR]).get(
        reverse("procurement:bidder-meetings", args=[world.ours.pk])
    )
    text = page.content.decode()
    counts = {row.bidder.name: (row.count, row.flagged) for row in page.context["counts"]}
    assert counts == {"Corvane": (4, False), "Meridian": (1, True), "Thistledown": (0, False)}
    assert "Far fewer meetings" in text
    assert (
        "Left the competition: not compared" in text
    )  # Thistledown, deselected, has none and is not flagged
    assert "fewer than half as many, and at least two fewer" in text
    assert gone.name in text


def test_meetings_are_logged_and_bad_input_is_refused(world: World, editor: User) -> None:
    bidder = _bidder(world.ours, "Corvane")
    theirs = _bidder(world.theirs, "Theirs")
    client = client_for(editor)
    url = reverse("procurement:bidder-meeting-create", args=[world.ours.pk])
    good = {
        "bidder": bidder.pk,
        "held_on": TODAY.isoformat(),
        "purpose": "Meet staff who may transfer",
        "council_attendees": "Head of revenues",
        "bidder_attendees": "Bid director",
        "notes": "",
    }
    future = (TODAY + dt.timedelta(days=1)).isoformat()
    assert _errors(client.post(url, {**good, "held_on": future})) == {
        "held_on": ["The meeting date cannot be in the future: log a meeting once it has happened"]
    }
    assert _errors(client.post(url, {**good, "bidder": theirs.pk})) == {
        "bidder": ["Choose the bidder from the list"]
    }
    assert _errors(client.post(url, {**good, "council_attendees": ""})) == {
        "council_attendees": ["Enter the council attendees"]
    }
    assert not BidderMeeting.objects.exists()
    assert client.post(url, good).status_code == 302
    assert BidderMeeting.objects.get().bidder == bidder


# ------------------------------------------------------------------------------------ briefings


def _services(partnership: Partnership, *names: str) -> list[ServiceArea]:
    found = [ServiceArea.objects.get_or_create(name=name)[0] for name in names]
    partnership.services.add(*found)
    return found


def test_briefings_show_who_when_what_and_open_concerns(world: World, editor: User) -> None:
    (revenues,) = _services(world.ours, "Revenues and benefits")
    outside = ServiceArea.objects.get_or_create(name="Highways")[0]
    client = client_for(editor)
    url = reverse("procurement:service-briefing-create", args=[world.ours.pk])
    good = {
        "held_on": TODAY.isoformat(),
        "attendees": "Head of Revenues",
        "services": [revenues.pk],
        "covered": "Aims",
    }
    assert _errors(client.post(url, {**good, "covered": ""})) == {
        "covered": ["Enter what the briefing covered"]
    }
    errors = _errors(client.post(url, {**good, "services": [outside.pk]}))
    assert list(errors) == ["services"]
    with pytest.raises(Exception, match="Choose only services in the partnership; not Highways"):
        services.briefing_save(user=editor, partnership=world.ours, data={**good, "services": [outside]})
    assert not HeadsOfServiceBriefing.objects.exists()
    assert client.post(url, good).status_code == 302
    briefing = HeadsOfServiceBriefing.objects.get()
    assert list(briefing.services.all()) == [revenues]

    concern_url = reverse("procurement:briefing-concern-create", args=[world.ours.pk, briefing.pk])
    concern = {
        "raised_by": "Head of Revenues",
        "concern": "Who keeps discretion?",
        "answer": "",
        "answered_on": "",
    }
    assert client.post(concern_url, concern).status_code == 302
    answered = {**concern, "concern": "Budgets?", "answer": "The council keeps them"}
    assert client.post(concern_url, answered).status_code == 302
    page = client.get(reverse("procurement:service-briefings", args=[world.ours.pk]))
    text = page.content.decode()
    assert "<strong>1</strong> open concern:" in text
    assert "Open</strong>" in text
    assert "The council keeps them" in text
    assert "Revenues and benefits" in text


def test_a_concern_with_an_answer_date_but_no_answer_or_before_the_briefing_is_refused(
    world: World, editor: User
) -> None:
    briefing = HeadsOfServiceBriefing.objects.create(
        partnership=world.ours, held_on=TODAY - dt.timedelta(days=10), attendees="Heads", covered="Aims"
    )
    client = client_for(editor)
    url = reverse("procurement:briefing-concern-create", args=[world.ours.pk, briefing.pk])
    data = {"raised_by": "", "concern": "Budgets?", "answer": "", "answered_on": TODAY.isoformat()}
    assert _errors(client.post(url, data)) == {
        "answer": ["Enter how the concern was answered, or leave the date answered blank"]
    }
    early = (TODAY - dt.timedelta(days=11)).isoformat()
    assert _errors(client.post(url, {**data, "answer": "Yes", "answered_on": early})) == {
        "answered_on": ["The date answered cannot be before the briefing"]
    }
    assert _errors(client.post(url, {**data, "concern": ""}))["concern"] == ["Enter the concern"]
    assert not BriefingConcern.objects.exists()


# ------------------------------------------------------------------------------------ positions


def test_review_point_positions_are_compared_with_the_council(world: World, editor: User) -> None:
    world.ours.term_years = 10
    world.ours.save()
    corvane = _bidder(world.ours, "Corvane", RoundOutcome.SHORTLISTED)
    meridian = _bidder(world.ours, "Meridian", RoundOutcome.SHORTLISTED)
    _bidder(world.ours, "Thistledown", RoundOutcome.DESELECTED)
    client = client_for(editor)
    point_url = reverse("procurement:review-point-create", args=[world.ours.pk])
    point_data = {"title": "Review of the bundle", "contract_year": "11", "council_position": "Year 5 review"}
    assert _errors(client.post(point_url, point_data)) == {
        "contract_year": ["The contract year must be within the 10-year term, not year 11"]
    }
    assert _errors(client.post(point_url, {**point_data, "contract_year": "0"})) == {
        "contract_year": ["The contract year must be 1 or more"]
    }
    assert client.post(point_url, {**point_data, "contract_year": "5"}).status_code == 302
    point = ReviewPoint.objects.get()
    url = reverse("procurement:review-position-create", args=[world.ours.pk, point.pk])
    assert client.post(url, {"bidder": corvane.pk, "position": "Agrees", "agreed": "on"}).status_code == 302
    assert _errors(client.post(url, {"bidder": corvane.pk, "position": "Again"})) == {
        "bidder": ["Corvane already has a position on this review point: change that one instead"]
    }
    assert ReviewPointPosition.objects.count() == 1
    page = client.get(reverse("procurement:bidder-review-positions", args=[world.ours.pk]))
    assert [bidder.name for bidder in page.context["bidders"]] == [
        "Corvane",
        "Meridian",
    ]  # not the deselected
    (row,) = page.context["rows"]
    assert row.cells[0] is not None
    assert row.cells[0].agreed
    assert row.cells[1] is None
    text = page.content.decode()
    assert "Review of the bundle (year 5)" in text
    assert "Year 5 review" in text
    assert "No position recorded" in text
    assert meridian.name in text


def test_the_councils_allocation_comes_from_the_register_else_as_recorded(world: World, editor: User) -> None:
    corvane = _bidder(world.ours, "Corvane", RoundOutcome.SHORTLISTED)
    make_risk(world.ours, category_code="financial", allocation="partner")
    make_risk(world.ours, category_code="technology", allocation="council")
    make_risk(world.ours, category_code="technology", allocation="partner")
    exit_category = risk_category("exitAndTransition")
    CouncilRiskAllocation.objects.create(partnership=world.ours, category=exit_category, allocation="council")
    # A recorded allocation for a category the register has risks in is not used: the register wins.
    CouncilRiskAllocation.objects.create(
        partnership=world.ours, category=risk_category("financial"), allocation="council"
    )
    for code, allocation in (
        ("financial", "partner"),
        ("technology", "shared"),
        ("exitAndTransition", "partner"),
    ):
        RiskAllocationPosition.objects.create(
            bidder=corvane, category=risk_category(code), allocation=allocation
        )
    page = client_for(world.users[Role.COUNCIL_VIEWER]).get(
        reverse("procurement:bidder-risk-positions", args=[world.ours.pk])
    )
    rows = {row.category.code: row for row in page.context["rows"]}
    assert set(rows) == {"financial", "technology", "exitAndTransition"}
    assert (rows["financial"].council.label, rows["financial"].council.source) == (
        "Partner",
        "from the risk register (1 risk)",
    )
    assert rows["technology"].council.label == "Mixed"
    assert rows["technology"].council.source == "from the risk register (1 council, 1 partner)"
    assert rows["exitAndTransition"].council.source == "recorded (no risks in the register)"
    assert [rows[code].cells[0].differs for code in ("financial", "technology", "exitAndTransition")] == [
        False,
        False,  # the council's is mixed: nothing single to differ from
        True,
    ]
    assert page.content.decode().count("Differs</strong>") == 1 + 1  # the key above the table, one cell


def test_risk_positions_and_council_allocations_refuse_duplicates(world: World, editor: User) -> None:
    corvane = _bidder(world.ours, "Corvane")
    category = risk_category("financial")
    client = client_for(editor)
    url = reverse("procurement:risk-position-create", args=[world.ours.pk])
    data = {"bidder": corvane.pk, "category": category.pk, "allocation": "partner", "comment": ""}
    assert client.post(url, data).status_code == 302
    assert _errors(client.post(url, {**data, "allocation": "shared"})) == {
        "category": ["Corvane's position on Financial is recorded already: change that one instead"]
    }
    assert _errors(client.post(url, {**data, "allocation": ""})) == {
        "allocation": ["Choose who the bidder proposes carries these risks"]
    }
    council_url = reverse("procurement:council-allocation-create", args=[world.ours.pk])
    council = {"category": category.pk, "allocation": "council", "notes": ""}
    assert client.post(council_url, council).status_code == 302
    assert _errors(client.post(council_url, council)) == {
        "category": ["The council's allocation of Financial is recorded already: change that one instead"]
    }
    assert RiskAllocationPosition.objects.count() == 1
    assert CouncilRiskAllocation.objects.count() == 1


def test_records_of_another_partnership_are_not_found(world: World, editor: User) -> None:
    theirs_option = _option(world.theirs, "Theirs")
    client = client_for(editor)
    url = reverse("procurement:governance-option-edit", args=[world.ours.pk, theirs_option.pk])
    assert client.get(url).status_code == 404


# ------------------------------------------------------------------------------------ evidence, queries


def test_options_meetings_and_briefings_evidence_their_framework_kinds(world: World) -> None:
    bidder = _bidder(world.ours, "Corvane")
    option = _option(world.ours)
    meeting = _meeting(bidder)
    briefing = HeadsOfServiceBriefing.objects.create(
        partnership=world.ours, held_on=TODAY, attendees="Heads", covered="Aims"
    )
    found = candidates_for(world.ours)
    assert [c.record for c in matching_candidates(found, ["governance_model"])] == [option]
    assert {c.record for c in matching_candidates(found, ["meeting"])} == {meeting, briefing}
    assert all(c.council_only for c in found if c.model_label.startswith("procurement."))
    assert not any(
        char.isdigit() for c in matching_candidates(found, ["governance_model"]) for char in c.label
    )


def test_continuity_and_review_points_evidence_the_actions_that_now_name_kinds(world: World) -> None:
    """P-TR-1 and P-FLX-2 had no evidence kinds; the fixture names them, and migration 0003 reloads the
    fixture so a database that held the framework already gets them too."""
    import importlib

    from django.apps import apps

    from forbetter.framework.models import Action

    bidder = _bidder(world.ours, "Corvane")
    person = KeyPerson.objects.create(bidder=bidder, name="Helen", role="Director")
    point = ReviewPoint.objects.create(partnership=world.ours, title="Bundle review", council_position="x")
    found = candidates_for(world.ours)
    continuity_action = Action.objects.get(code="P-TR-1")
    review_action = Action.objects.get(code="P-FLX-2")
    assert [c.record for c in matching_candidates(found, continuity_action.evidence_kinds)] == [person]
    assert [c.record for c in matching_candidates(found, review_action.evidence_kinds)] == [point]

    Action.objects.filter(code__in=["P-TR-1", "P-FLX-2"]).update(evidence_kinds=[])
    importlib.import_module("forbetter.framework.migrations.0003_procurement_evidence_kinds").reload(
        apps, None
    )
    assert Action.objects.get(code="P-TR-1").evidence_kinds == ["key_people"]
    assert Action.objects.get(code="P-FLX-2").evidence_kinds == ["review_position"]


@pytest.mark.parametrize(
    "name",
    [
        "governance-options",
        "key-people-continuity",
        "bidder-meetings",
        "service-briefings",
        "bidder-review-positions",
        "bidder-risk-positions",
    ],
)
def test_list_pages_take_a_fixed_number_of_queries(world: World, name: str) -> None:
    client = client_for(world.users[Role.COUNCIL_EDITOR])
    url = reverse(f"procurement:{name}", args=[world.ours.pk])

    def add(n: int) -> None:
        for _ in range(n):
            index = Bidder.objects.count()
            bidder = _bidder(world.ours, f"Bidder {index}", RoundOutcome.SHORTLISTED)
            _option(world.ours, f"Option {index}", proposed_by=bidder)
            _people(bidder, True, False)
            _meeting(bidder)
            briefing = HeadsOfServiceBriefing.objects.create(
                partnership=world.ours, held_on=TODAY, attendees="Heads", covered="Aims"
            )
            briefing.services.add(*_services(world.ours, f"Service {index}"))
            BriefingConcern.objects.create(briefing=briefing, concern="Budgets?")
            point = ReviewPoint.objects.create(
                partnership=world.ours, title=f"Review {index}", council_position="x"
            )
            ReviewPointPosition.objects.create(review_point=point, bidder=bidder, position="Agrees")
            RiskAllocationPosition.objects.create(
                bidder=bidder, category=risk_category("financial"), allocation="partner"
            )

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    add(1)
    few = count()
    add(4)
    assert count() == few


# ------------------------------------------------------------------------------------ the demo (last: it
# seeds the module's demo, which every later test of the module would share)


def test_the_demo_has_the_governance_records_the_brief_asks_for(seeded_demo: None) -> None:
    from forbetter.demo.partnerships import PROCUREMENT

    partnership = Partnership.objects.get(name=PROCUREMENT)
    options = {option.kind: option for option in GovernanceOption.objects.filter(partnership=partnership)}
    assert set(options) == {"contract", "joint_venture"}
    assert options["joint_venture"].proposed_by.name == "Meridian Public Services Ltd"
    assert GovernanceChoice.objects.get(partnership=partnership).option == options["contract"]
    corvane = KeyPerson.objects.filter(
        bidder__name="Corvane Partnerships plc", bidder__partnership=partnership
    )
    assert corvane.count() == 5
    assert corvane.filter(in_delivery_team=True).count() == 3
    assert KeyPerson.objects.filter(bidder__name="Meridian Public Services Ltd").exists()
    assert 5 <= BidderMeeting.objects.filter(partnership=partnership).count() <= 6
    briefings = HeadsOfServiceBriefing.objects.filter(partnership=partnership)
    assert briefings.count() == 2
    assert selectors.open_concern_count(partnership) == 1
    assert ReviewPoint.objects.filter(partnership=partnership).count() == 2
    assert ReviewPointPosition.objects.filter(review_point__partnership=partnership).count() == 4
    shortlisted = {"Corvane Partnerships plc", "Meridian Public Services Ltd"}
    positioned = set(
        RiskAllocationPosition.objects.filter(bidder__partnership=partnership).values_list(
            "bidder__name", flat=True
        )
    )
    assert positioned == shortlisted

    admin = User.objects.get(email="admin@forbetter.example")
    client = client_for(admin)
    for name in (
        "governance-options",
        "key-people-continuity",
        "bidder-meetings",
        "service-briefings",
        "bidder-review-positions",
        "bidder-risk-positions",
    ):
        assert client.get(reverse(f"procurement:{name}", args=[partnership.pk])).status_code == 200, name
    text = client.get(reverse("procurement:key-people-continuity", args=[partnership.pk])).content.decode()
    assert "60%</span> continuity: 3 of the 5 key people" in text
    risk_page = client.get(
        reverse("procurement:bidder-risk-positions", args=[partnership.pk])
    ).content.decode()
    assert risk_page.count("Differs</strong>") == 1 + 3  # the key, then Corvane on one category, Meridian two
    evidence = matching_candidates(candidates_for(partnership), ["governance_model", "meeting"])
    assert len(evidence) == 2 + BidderMeeting.objects.filter(partnership=partnership).count() + 2
    continuity_evidence = matching_candidates(candidates_for(partnership), ["key_people", "review_position"])
    assert len(continuity_evidence) == KeyPerson.objects.filter(bidder__partnership=partnership).count() + 2

    # Seeding again changes nothing.
    from django.core.management import call_command

    models = (GovernanceOption, GovernanceChoice, KeyPerson, BidderMeeting, HeadsOfServiceBriefing)
    before = [
        model.objects.count()
        for model in (*models, BriefingConcern, ReviewPointPosition, RiskAllocationPosition)
    ]
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    assert [
        model.objects.count()
        for model in (*models, BriefingConcern, ReviewPointPosition, RiskAllocationPosition)
    ] == before
