"""The procurement area's competition part: the plan (procedure for the regime, standstill), milestones,
notices, bidders, rounds and entries, the conflicts-of-interest register and its flags, competitive
pressure on the pages, evidence and the demo. Each bad-input rule gives its message and saves nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from forbetter.accounts.models import OrganisationKind, Role, User
from forbetter.partnerships.evidence import EVIDENCE_KIND_MODELS, candidates_for
from forbetter.partnerships.models import Partnership, ProcurementRegime
from forbetter.procurement.competition import selectors, services
from forbetter.procurement.models import (
    Bidder,
    ConflictDeclaration,
    ConflictOutcome,
    DialogueRound,
    Milestone,
    NoticeType,
    Procedure,
    ProcurementNotice,
    ProcurementPlan,
    RoundEntry,
    RoundOutcome,
)
from tests.conftest import World
from tests.factories import OrganisationFactory, UserFactory, client_for
from tests.web.edit_versions import opened_at

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
LONG_AGO = TODAY - dt.timedelta(days=400)


def under(partnership: Partnership, regime: str | None, began: dt.date = dt.date(2025, 6, 2)) -> Partnership:
    Partnership.objects.filter(pk=partnership.pk).update(
        procurement_regime=regime or "", procurement_began_on=began if regime else None
    )
    partnership.refresh_from_db()
    return partnership


@pytest.fixture
def act(world: World) -> Partnership:
    return under(world.ours, ProcurementRegime.PA_2023)


@pytest.fixture
def pcr(world: World) -> Partnership:
    return under(world.ours, ProcurementRegime.PCR_2015, dt.date(2023, 1, 9))


def refused(call: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict


def bidder(partnership: Partnership, editor: User, name: str = "Corvane plc") -> Bidder:
    return services.bidder_save(
        user=editor, partnership=partnership, data={"name": name, "expressed_interest_on": LONG_AGO}
    )


def a_round(partnership: Partnership, editor: User, number: int) -> DialogueRound:
    return services.round_save(
        user=editor,
        partnership=partnership,
        data={"number": number, "name": f"Round {number}", "kind": "dialogue", "starts_on": LONG_AGO},
    )


def enter(
    round_: DialogueRound, editor: User, who: Bidder, outcome: str = "taking_part", reason: str = ""
) -> RoundEntry:
    return services.entry_save(
        user=editor, dialogue_round=round_, data={"bidder": who, "outcome": outcome, "reason": reason}
    )


# ---------------------------------------------------------------------------------------------------------
# The plan


def plan_data(**changes: Any) -> dict[str, Any]:
    return {
        "procedure": Procedure.ACT_COMPETITIVE_FLEXIBLE,
        "procedure_reason": "Dialogue needed",
        "standstill_days": None,
        "standstill_starts_on": None,
        "standstill_ends_on": None,
        "notes": "",
        **changes,
    }


def test_act_procedure_under_the_act_with_default_standstill_worked_out(
    act: Partnership, editor: User
) -> None:
    plan = services.plan_save(
        user=editor, partnership=act, data=plan_data(standstill_starts_on=dt.date(2026, 3, 6))
    )
    assert plan.standstill_days == 8
    assert plan.standstill_ends_on == dt.date(2026, 3, 17)  # 8 working days from Friday 6 March


def test_pcr_standstill_is_ten_calendar_days(pcr: Partnership, editor: User) -> None:
    plan = services.plan_save(
        user=editor,
        partnership=pcr,
        data=plan_data(procedure=Procedure.PCR_DIALOGUE, standstill_starts_on=dt.date(2026, 3, 6)),
    )
    assert (plan.standstill_days, plan.standstill_ends_on) == (10, dt.date(2026, 3, 16))


def test_a_regulations_procedure_is_refused_under_the_act(act: Partnership, editor: User) -> None:
    errors = refused(
        lambda: services.plan_save(
            user=editor, partnership=act, data=plan_data(procedure=Procedure.PCR_DIALOGUE)
        )
    )
    assert "is not a procedure of the Procurement Act 2023" in errors["procedure"][0]
    assert not ProcurementPlan.objects.exists()


def test_an_act_procedure_is_refused_under_the_regulations(pcr: Partnership, editor: User) -> None:
    errors = refused(lambda: services.plan_save(user=editor, partnership=pcr, data=plan_data()))
    assert (
        "is a procedure of the Procurement Act 2023, but this partnership is under the Public Contracts"
        in (errors["procedure"][0])
    )
    assert not ProcurementPlan.objects.exists()


def test_no_regime_recorded_says_to_record_it_first(world: World, editor: User) -> None:
    partnership = under(world.ours, None)
    errors = refused(lambda: services.plan_save(user=editor, partnership=partnership, data=plan_data()))
    assert errors["procedure"][0].startswith("Record the partnership's procurement regime")
    response = client_for(editor).get(reverse("procurement:plan-edit", args=[partnership.pk]))
    assert "Record the partnership&#x27;s procurement regime" in response.content.decode()


def test_standstill_end_before_start_is_refused_on_the_page(act: Partnership, editor: User) -> None:
    response = client_for(editor).post(
        reverse("procurement:plan-edit", args=[act.pk]),
        {
            "procedure": Procedure.ACT_OPEN,
            "standstill_starts_on": "2026-03-10",
            "standstill_ends_on": "2026-03-09",
        },
    )
    assert response.status_code == 200
    assert "The standstill&#x27;s end must be on or after its start (10 March 2026), not 9 March 2026" in (
        response.content.decode()
    )
    assert not ProcurementPlan.objects.exists()


def test_plan_page_saves_and_shows_the_default(act: Partnership, editor: User) -> None:
    client = client_for(editor)
    form = client.get(reverse("procurement:plan-edit", args=[act.pk])).content.decode()
    assert "8 working days" in form
    assert "bank holidays are not counted in" in form
    assert Procedure.PCR_DIALOGUE.value not in form  # only the Act's procedures are offered
    response = client.post(
        reverse("procurement:plan-edit", args=[act.pk]),
        {"procedure": Procedure.ACT_OPEN, "standstill_starts_on": "2026-03-02"},
    )
    assert response.status_code == 302
    plan = ProcurementPlan.objects.get(partnership=act)
    assert plan.standstill_ends_on == dt.date(2026, 3, 11)
    response = client.post(
        reverse("procurement:plan-edit", args=[act.pk]),
        {
            "procedure": Procedure.ACT_COMPETITIVE_FLEXIBLE,
            "standstill_starts_on": "2026-03-02",
            **opened_at(plan),
        },
    )
    assert response.status_code == 302
    assert ProcurementPlan.objects.get(pk=plan.pk).procedure == Procedure.ACT_COMPETITIVE_FLEXIBLE


# ---------------------------------------------------------------------------------------------------------
# Milestones and notices


def test_milestone_actual_date_cannot_be_in_the_future(act: Partnership, editor: User) -> None:
    errors = refused(
        lambda: services.milestone_save(
            user=editor,
            partnership=act,
            data={"name": "Award", "planned_on": TODAY, "actual_on": TODAY + dt.timedelta(days=1)},
        )
    )
    assert errors["actual_on"][0].startswith("The actual date must be today or in the past")
    assert not Milestone.objects.exists()


def test_milestones_overdue_and_next_due(act: Partnership, editor: User) -> None:
    for name, planned, actual in (
        ("Done", TODAY - dt.timedelta(days=30), TODAY - dt.timedelta(days=29)),
        ("Late", TODAY - dt.timedelta(days=3), None),
        ("Next", TODAY + dt.timedelta(days=5), None),
        ("Later", TODAY + dt.timedelta(days=50), None),
    ):
        services.milestone_save(
            user=editor, partnership=act, data={"name": name, "planned_on": planned, "actual_on": actual}
        )
    summary = selectors.timetable_summary(act, TODAY)
    assert (summary.milestones, summary.done, summary.overdue) == (4, 1, 1)
    assert summary.next_due is not None
    assert summary.next_due.name == "Next"


def test_milestone_remove_asks_first(act: Partnership, editor: User) -> None:
    milestone = services.milestone_save(user=editor, partnership=act, data={"name": "A", "planned_on": TODAY})
    url = reverse("procurement:milestone-remove", args=[act.pk, milestone.pk])
    client = client_for(editor)
    assert client.post(url, {}).status_code == 200
    assert Milestone.objects.filter(pk=milestone.pk).exists()
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert not Milestone.objects.filter(pk=milestone.pk).exists()


def notice(partnership: Partnership, editor: User, **data: Any) -> ProcurementNotice:
    return services.notice_save(
        user=editor,
        partnership=partnership,
        data={"notice_type": NoticeType.UK4, "planned_on": TODAY, **data},
    )


def test_regulations_notice_refused_under_the_act(act: Partnership, editor: User) -> None:
    errors = refused(lambda: notice(act, editor, notice_type=NoticeType.PCR_CONTRACT))
    assert (
        "this partnership is under the Procurement Act 2023: choose one of UK1 to UK7, or other"
        in (errors["notice_type"][0])
    )
    assert not ProcurementNotice.objects.exists()
    assert notice(act, editor, notice_type=NoticeType.OTHER).pk


def test_act_notice_refused_under_the_regulations(pcr: Partnership, editor: User) -> None:
    errors = refused(lambda: notice(pcr, editor, notice_type=NoticeType.UK6))
    assert "is a notice of the Procurement Act 2023" in errors["notice_type"][0]
    assert not ProcurementNotice.objects.exists()
    assert notice(pcr, editor, notice_type=NoticeType.PCR_CONTRACT).pk


def test_no_regime_no_notice(world: World, editor: User) -> None:
    partnership = under(world.ours, None)
    assert refused(lambda: notice(partnership, editor))["notice_type"][0].startswith("Record the partnership")


def test_published_notice_not_in_future_and_needs_reference(act: Partnership, editor: User) -> None:
    errors = refused(lambda: notice(act, editor, published_on=TODAY + dt.timedelta(days=2), reference="X"))
    assert errors["published_on"][0].startswith("The published date must be today or in the past")
    errors = refused(lambda: notice(act, editor, published_on=TODAY, reference="  "))
    assert errors["reference"] == [
        "Enter the notice's Find a Tender reference: the notice is recorded as published"
    ]
    assert not ProcurementNotice.objects.exists()


def test_notice_reference_missing_shown_on_the_page(act: Partnership, editor: User) -> None:
    response = client_for(editor).post(
        reverse("procurement:notice-create", args=[act.pk]),
        {"notice_type": "UK4", "planned_on": str(TODAY), "published_on": str(TODAY)},
    )
    assert "Enter the notice&#x27;s Find a Tender reference" in response.content.decode()
    assert not ProcurementNotice.objects.exists()


def test_planned_notice_past_its_date_is_flagged(act: Partnership, editor: User) -> None:
    notice(act, editor, planned_on=TODAY - dt.timedelta(days=3))
    notice(
        act, editor, notice_type=NoticeType.UK2, planned_on=LONG_AGO, published_on=LONG_AGO, reference="R1"
    )
    summary = selectors.timetable_summary(act, TODAY)
    assert (summary.notices_published, summary.notices_planned, summary.notices_overdue) == (1, 1, 1)
    page = client_for(editor).get(reverse("procurement:plan", args=[act.pk])).content.decode()
    assert "Overdue" in page
    assert "R1" in page


# ---------------------------------------------------------------------------------------------------------
# Bidders, rounds, entries


def test_bidder_name_unique_in_the_partnership(act: Partnership, world: World, editor: User) -> None:
    bidder(act, editor, "Corvane plc")
    errors = refused(lambda: bidder(act, editor, " corvane  PLC "))
    assert errors["name"] == [
        "A bidder called “Corvane plc” is already recorded for this partnership: change that bidder or use a "
        "different name"
    ]
    assert Bidder.objects.count() == 1
    assert bidder(world.theirs, editor, "Corvane plc").pk  # another partnership may have one


def test_bidder_organisation_must_be_partner_or_joint_venture(
    act: Partnership, world: World, editor: User
) -> None:
    data = {"name": "Ashby", "expressed_interest_on": LONG_AGO, "organisation": world.council_a}
    errors = refused(lambda: services.bidder_save(user=editor, partnership=act, data=data))
    assert "must be a partner company or a joint-venture company" in errors["organisation"][0]
    jv = OrganisationFactory(name="JV Co", kind=OrganisationKind.JOINT_VENTURE)
    assert (
        services.bidder_save(user=editor, partnership=act, data={**data, "organisation": jv}).organisation
        == jv
    )
    response = client_for(editor).post(
        reverse("procurement:bidder-create", args=[act.pk]),
        {"name": "Other", "expressed_interest_on": str(LONG_AGO), "organisation": world.council_a.pk},
    )
    assert "only partner and joint-venture companies can be bidders" in response.content.decode()
    assert not Bidder.objects.filter(name="Other").exists()


def test_round_number_unique_and_end_not_before_start(act: Partnership, editor: User) -> None:
    a_round(act, editor, 1)
    errors = refused(lambda: a_round(act, editor, 1))
    assert errors["number"][0].startswith("There is already a round 1")
    data = {
        "number": 2,
        "name": "Two",
        "kind": "dialogue",
        "starts_on": TODAY,
        "ends_on": TODAY - dt.timedelta(days=1),
    }
    errors = refused(lambda: services.round_save(user=editor, partnership=act, data=data))
    assert errors["ends_on"][0].startswith("The round's end must be on or after its start")
    assert DialogueRound.objects.count() == 1


def test_deselected_or_withdrawn_needs_a_reason(act: Partnership, editor: User) -> None:
    first = a_round(act, editor, 1)
    who = bidder(act, editor)
    for outcome, word in ((RoundOutcome.DESELECTED, "deselected"), (RoundOutcome.WITHDREW, "withdrew")):
        errors = refused(lambda outcome=outcome: enter(first, editor, who, outcome, "  "))
        assert errors["reason"] == [f"Say why the bidder {word}: a reason is needed for that outcome"]
    assert not RoundEntry.objects.exists()


def test_a_bidder_out_of_the_competition_cannot_enter_a_later_round(act: Partnership, editor: User) -> None:
    first, second = a_round(act, editor, 1), a_round(act, editor, 2)
    who = bidder(act, editor)
    enter(first, editor, who, RoundOutcome.DESELECTED, "Below the quality threshold")
    errors = refused(lambda: enter(second, editor, who))
    assert errors["bidder"] == [
        "Corvane plc was deselected in round 1, so it cannot take part in a later round"
    ]
    assert RoundEntry.objects.count() == 1


def test_deselecting_a_bidder_who_is_in_a_later_round_is_refused(act: Partnership, editor: User) -> None:
    first, second = a_round(act, editor, 1), a_round(act, editor, 2)
    who = bidder(act, editor)
    entry = enter(first, editor, who)
    enter(second, editor, who)
    errors = refused(
        lambda: services.entry_save(
            user=editor, dialogue_round=first, entry=entry, data={"outcome": "withdrew", "reason": "Left"}
        )
    )
    assert "takes part in round 2, a later round" in errors["outcome"][0]
    assert RoundEntry.objects.get(pk=entry.pk).outcome == RoundOutcome.TAKING_PART


def test_an_entry_taken_out_frees_the_bidder_for_correction(act: Partnership, editor: User) -> None:
    first, second = a_round(act, editor, 1), a_round(act, editor, 2)
    who = bidder(act, editor)
    entry = enter(first, editor, who)
    later = enter(second, editor, who)
    url = reverse("procurement:round-entry-remove", args=[act.pk, second.pk, later.pk])
    client = client_for(editor)
    assert client.post(url, {}).status_code == 200  # asks first
    assert RoundEntry.objects.filter(pk=later.pk).exists()
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert not RoundEntry.objects.filter(pk=later.pk).exists()
    services.entry_save(
        user=editor,
        dialogue_round=first,
        entry=entry,
        data={"outcome": "withdrew", "reason": "Left the market"},
    )
    assert RoundEntry.objects.get(pk=entry.pk).outcome == RoundOutcome.WITHDREW


def test_at_most_one_preferred_bidder(act: Partnership, editor: User) -> None:
    first = a_round(act, editor, 1)
    one, two = bidder(act, editor, "One Ltd"), bidder(act, editor, "Two Ltd")
    preferred = enter(first, editor, one, RoundOutcome.PREFERRED)
    errors = refused(lambda: enter(first, editor, two, RoundOutcome.PREFERRED))
    assert errors["outcome"][0].startswith("One Ltd is already the preferred bidder (round 1)")
    assert RoundEntry.objects.count() == 1
    # Saving the preferred entry again is not a second preferred bidder.
    services.entry_save(user=editor, dialogue_round=first, entry=preferred, data={"outcome": "preferred"})


def test_entry_pages_add_and_change(act: Partnership, editor: User) -> None:
    first = a_round(act, editor, 1)
    who = bidder(act, editor)
    client = client_for(editor)
    response = client.post(
        reverse("procurement:round-entry-create", args=[act.pk, first.pk]),
        {"bidder": who.pk, "outcome": "deselected", "reason": ""},
    )
    assert "Say why the bidder deselected" in response.content.decode()
    assert not RoundEntry.objects.exists()
    response = client.post(
        reverse("procurement:round-entry-create", args=[act.pk, first.pk]),
        {"bidder": who.pk, "outcome": "taking_part"},
    )
    assert response.status_code == 302
    entry = RoundEntry.objects.get()
    response = client.post(
        reverse("procurement:round-entry-edit", args=[act.pk, first.pk, entry.pk]),
        {"outcome": "shortlisted", "decided_on": str(TODAY), **opened_at(entry)},
    )
    assert response.status_code == 302
    assert RoundEntry.objects.get().outcome == RoundOutcome.SHORTLISTED


def test_competitive_pressure_on_the_rounds_page(act: Partnership, editor: User) -> None:
    first, second = a_round(act, editor, 1), a_round(act, editor, 2)
    bidders = [bidder(act, editor, name) for name in ("A Ltd", "B Ltd", "C Ltd")]
    for who in bidders:
        enter(first, editor, who)
    enter(second, editor, bidders[0])
    enter(second, editor, bidders[1], RoundOutcome.WITHDREW, "Left the market")
    levels = [(p.number, p.taking_part, p.level) for p in selectors.all_pressure(act)]
    assert levels == [(1, 3, "fine"), (2, 1, "alarm")]
    page = client_for(editor).get(reverse("procurement:rounds", args=[act.pk])).content.decode()
    assert "Competitive pressure per round" in page
    assert "Round 2: 1 bidder taking part (1 bidder withdrew); there is no competition left" in page


# ---------------------------------------------------------------------------------------------------------
# Conflicts of interest


def declare(
    partnership: Partnership, editor: User, person: User, who: Bidder | None, **data: Any
) -> ConflictDeclaration:
    return services.conflict_declare(
        user=editor,
        partnership=partnership,
        data={
            "person": person,
            "bidder": who,
            "interest": "Relative works there",
            "declared_on": LONG_AGO,
            **data,
        },
    )


def test_person_must_be_a_user_of_the_partnerships_councils(
    act: Partnership, world: World, editor: User
) -> None:
    outsider = world.users[Role.PARTNER_USER]
    errors = refused(lambda: declare(act, editor, outsider, None))
    assert errors["person"] == [
        "Choose the person declaring the interest from the users of this partnership's councils"
    ]
    response = client_for(editor).post(
        reverse("procurement:conflict-declare", args=[act.pk]),
        {"person": outsider.pk, "interest": "x", "declared_on": str(LONG_AGO)},
    )
    assert "from the users of this partnership&#x27;s councils" in response.content.decode()
    assert not ConflictDeclaration.objects.exists()


def test_mitigated_needs_mitigation_and_scoring_bar(act: Partnership, editor: User, world: World) -> None:
    who = bidder(act, editor)
    person = world.users[Role.COUNCIL_VIEWER]
    declaration = declare(act, editor, person, who)
    assert "not assessed yet" in services.scoring_bar(person, who)
    data = {
        "outcome": ConflictOutcome.CONFLICT_MITIGATED,
        "assessed_by": editor,
        "assessed_on": TODAY,
        "mitigation": " ",
    }
    errors = refused(lambda: services.conflict_assess(user=editor, declaration=declaration, data=data))
    assert errors["mitigation"][0].startswith("Say how the conflict is mitigated")
    assert ConflictDeclaration.objects.get().outcome == ConflictOutcome.NOT_ASSESSED
    services.conflict_assess(
        user=editor, declaration=declaration, data={**data, "outcome": ConflictOutcome.CONFLICT_EXCLUDED}
    )
    assert "assessed as “Conflict: the person takes no part" in services.scoring_bar(person, who)
    assert ConflictDeclaration.objects.get().bars_scoring
    services.conflict_assess(
        user=editor, declaration=declaration, data={**data, "outcome": ConflictOutcome.NO_CONFLICT}
    )
    assert services.scoring_bar(person, who) == ""
    assert services.scoring_bar(editor, who) == ""  # nothing declared


def test_assessment_needs_an_outcome_and_a_date_after_the_declaration(act: Partnership, editor: User) -> None:
    declaration = declare(act, editor, editor, None, declared_on=TODAY - dt.timedelta(days=5))
    errors = refused(
        lambda: services.conflict_assess(
            user=editor,
            declaration=declaration,
            data={
                "outcome": "not_assessed",
                "assessed_by": editor,
                "assessed_on": TODAY - dt.timedelta(days=9),
            },
        )
    )
    assert errors["outcome"] == ["Choose what the assessment concluded"]
    assert errors["assessed_on"][0].startswith("The date assessed must be on or after the date declared")


def test_assess_page_shows_the_mitigation_message(act: Partnership, editor: User) -> None:
    declaration = declare(act, editor, editor, None)
    response = client_for(editor).post(
        reverse("procurement:conflict-assess", args=[act.pk, declaration.pk]),
        {
            "outcome": "conflict_mitigated",
            "assessed_by": editor.pk,
            "assessed_on": str(TODAY),
            **opened_at(declaration),
        },
    )
    assert "Say how the conflict is mitigated" in response.content.decode()
    assert ConflictDeclaration.objects.get().outcome == ConflictOutcome.NOT_ASSESSED


def test_review_needs_an_assessment_and_a_past_date(act: Partnership, editor: User) -> None:
    declaration = declare(act, editor, editor, None)
    errors = refused(
        lambda: services.conflict_review(
            user=editor, declaration=declaration, data={"last_reviewed_on": TODAY}
        )
    )
    assert errors["last_reviewed_on"] == ["Assess the declaration before recording a review of it"]
    services.conflict_assess(
        user=editor,
        declaration=declaration,
        data={"outcome": "no_conflict", "assessed_by": editor, "assessed_on": LONG_AGO},
    )
    errors = refused(
        lambda: services.conflict_review(
            user=editor, declaration=declaration, data={"last_reviewed_on": TODAY + dt.timedelta(days=1)}
        )
    )
    assert errors["last_reviewed_on"][0].startswith("The review date must be today or in the past")
    assert ConflictDeclaration.objects.get().last_reviewed_on is None


def test_flags_before_tender_and_not_reviewed(act: Partnership, editor: User) -> None:
    tender_on = TODAY - dt.timedelta(days=300)
    notice(act, editor, planned_on=tender_on, published_on=tender_on, reference="T-1")
    late = declare(act, editor, editor, None, declared_on=tender_on - dt.timedelta(days=10))
    services.conflict_assess(
        user=editor,
        declaration=late,
        data={
            "outcome": "no_conflict",
            "assessed_by": editor,
            "assessed_on": tender_on + dt.timedelta(days=2),
        },
    )
    in_time = declare(act, editor, editor, None, declared_on=tender_on - dt.timedelta(days=10))
    services.conflict_assess(
        user=editor,
        declaration=in_time,
        data={
            "outcome": "no_conflict",
            "assessed_by": editor,
            "assessed_on": tender_on - dt.timedelta(days=1),
        },
    )
    services.conflict_review(
        user=editor, declaration=in_time, data={"last_reviewed_on": TODAY - dt.timedelta(days=20)}
    )
    declare(act, editor, editor, None, declared_on=TODAY)  # after the tender notice: only awaiting assessment
    summary = selectors.conflict_summary(act, TODAY)
    assert (
        summary.total,
        summary.awaiting_assessment,
        summary.not_assessed_before_tender,
        summary.review_overdue,
    ) == (
        3,
        1,
        1,
        1,
    )
    page = client_for(editor).get(reverse("procurement:conflicts", args=[act.pk])).content.decode()
    assert "Not assessed before the tender notice" in page
    assert "Not reviewed in 6 months" in page


def test_viewer_cannot_change_through_services(act: Partnership, world: World) -> None:
    with pytest.raises(PermissionDenied):
        bidder(act, world.users[Role.COUNCIL_VIEWER])
    with pytest.raises(PermissionDenied):
        bidder(act, world.users[Role.PARTNER_USER])


def test_records_of_another_partnership_are_not_found(act: Partnership, world: World, editor: User) -> None:
    theirs = under(world.theirs, ProcurementRegime.PA_2023)
    their_bidder = bidder(theirs, editor, "Theirs Ltd")
    admin = world.users[Role.ADMINISTRATOR]
    response = client_for(admin).get(reverse("procurement:bidder-edit", args=[act.pk, their_bidder.pk]))
    assert response.status_code == 404
    mine = a_round(act, editor, 1)
    errors = refused(lambda: enter(mine, editor, their_bidder))
    assert errors["bidder"] == ["Choose one of this partnership's bidders"]


def test_evidence_lists_rounds_and_the_plan(act: Partnership, editor: User) -> None:
    assert EVIDENCE_KIND_MODELS["procurement_round"] == (
        "procurement.dialogueround",
        "procurement.procurementplan",
    )
    a_round(act, editor, 1)
    services.plan_save(user=editor, partnership=act, data=plan_data())
    labels = {c.label for c in candidates_for(act) if c.model_label.startswith("procurement.")}
    assert labels == {
        "Round 1: Round 1",
        "Procurement plan: Competitive flexible procedure (Procurement Act 2023)",
    }


def test_council_user_added_to_a_council_may_declare(act: Partnership, world: World, editor: User) -> None:
    newcomer = UserFactory(role=Role.COUNCIL_VIEWER, organisation=world.council_a)
    assert declare(act, editor, newcomer, None).person == newcomer


def _add_records(partnership: Partnership, editor: User, start: int, count: int) -> None:
    for n in range(start, start + count):
        who = bidder(partnership, editor, f"Bidder {n}")
        round_ = a_round(partnership, editor, n)
        enter(round_, editor, who)
        services.milestone_save(
            user=editor, partnership=partnership, data={"name": f"M{n}", "planned_on": TODAY}
        )
        notice(partnership, editor)
        declare(partnership, editor, editor, who)


def test_pages_take_a_fixed_number_of_queries(act: Partnership, editor: User) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(editor)
    urls = [
        reverse(f"procurement:{name}", args=[act.pk]) for name in ("overview", "plan", "rounds", "conflicts")
    ]

    def counts() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    _add_records(act, editor, 1, 2)
    few = counts()
    _add_records(act, editor, 3, 6)
    assert counts() == few


# ---------------------------------------------------------------------------------------------------------
# The demo and every page for each council role (the demo last: it stays for the rest of the module)

PAGES = ("overview", "plan", "rounds", "conflicts")


@pytest.mark.parametrize(
    "email", ["editor@ashcombe.example", "viewer@marlcaster.example", "auditor@lindqvist.example"]
)
def test_pages_render_on_the_demo_for_council_roles(seeded_demo: None, email: str) -> None:
    from forbetter.demo.partnerships import PROCUREMENT

    partnership = Partnership.objects.get(name=PROCUREMENT)
    client = client_for(User.objects.get(email=email))
    for name in PAGES:
        response = client.get(reverse(f"procurement:{name}", args=[partnership.pk]))
        assert response.status_code == 200, name
    overview = client.get(reverse("procurement:overview", args=[partnership.pk])).content.decode()
    assert "Competitive flexible procedure (Procurement Act 2023)" in overview
    assert "1 overdue" in overview  # final tenders
    assert "Round 2: 2 bidders taking part" in overview
    # A bidder's own user never reads the register (the permission matrix proves the 403 for partner users).
    partner = client_for(User.objects.get(email="partner@meridian.example"))
    assert partner.get(reverse("procurement:conflicts", args=[partnership.pk])).status_code in (403, 404)


def test_demo_conflicts_and_notices(seeded_demo: None) -> None:
    from forbetter.demo.partnerships import PROCUREMENT
    from forbetter.demo.procurement import MERIDIAN, competition

    partnership = Partnership.objects.get(name=PROCUREMENT)
    meridian = competition(partnership).bidders[MERIDIAN]
    gareth = User.objects.get(email="gareth.hughes@marlcaster.example")
    fatima = User.objects.get(email="fatima.begum@ashcombe.example")
    assert "assessed as “Conflict: the person takes no part" in services.scoring_bar(gareth, meridian)
    assert "not assessed yet" in services.scoring_bar(fatima, meridian)
    outcomes = sorted(
        ConflictDeclaration.objects.filter(partnership=partnership).values_list("outcome", flat=True)
    )
    assert outcomes == ["conflict_excluded", "no_conflict", "not_assessed"]
    published = set(
        ProcurementNotice.objects.filter(partnership=partnership, published_on__isnull=False).values_list(
            "notice_type", flat=True
        )
    )
    planned = set(
        ProcurementNotice.objects.filter(partnership=partnership, published_on__isnull=True).values_list(
            "notice_type", flat=True
        )
    )
    assert (published, planned) == ({"UK2", "UK3", "UK4"}, {"UK6", "UK7"})
    plan = ProcurementPlan.objects.get(partnership=partnership)
    assert plan.procedure == Procedure.ACT_COMPETITIVE_FLEXIBLE
    assert plan.standstill_ends_on
    assert 6 <= Milestone.objects.filter(partnership=partnership).count() <= 8
    summary = selectors.conflict_summary(partnership, TODAY)
    assert (summary.awaiting_assessment, summary.not_assessed_before_tender) == (1, 0)


def test_demo_task_p_vfm_1_cites_the_rounds(seeded_demo: None) -> None:
    from django.contrib.contenttypes.models import ContentType

    from forbetter.demo.partnerships import PROCUREMENT
    from forbetter.partnerships.models import EvidenceLink

    partnership = Partnership.objects.get(name=PROCUREMENT)
    task = partnership.tasks.get(action__code="P-VFM-1")
    cited = EvidenceLink.objects.filter(
        task=task, content_type=ContentType.objects.get_for_model(DialogueRound)
    )
    assert sorted(DialogueRound.objects.get(pk=link.object_id).number for link in cited) == [1, 2]
