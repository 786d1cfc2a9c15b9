"""Contract changes: request → impact assessment → decision, the cumulative value against the original
contract value, the Procurement Act 2023's contract change notice, and approved changes applied to the
monthly charge and KPI targets from a date; bad input refused with a specific message and nothing saved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forbetter.accounts.models import Role, User
from forbetter.changes import selectors, services
from forbetter.changes.area import life_actuals
from forbetter.changes.models import ChangeGroup, ChangeRequest, ChangeStatus, ChangeTerms, KpiEffect
from forbetter.governance.links import choices_for
from forbetter.partnerships.models import Partnership
from forbetter.payments import services as payment_services
from forbetter.payments.models import ChargeChange
from forbetter.performance.models import KpiTarget
from tests.conftest import World
from tests.factories import client_for, make_contract_live, make_kpi, make_payment_mechanism

pytestmark = pytest.mark.django_db

START = dt.date(2024, 1, 1)
TODAY = dt.date(2025, 6, 15)


def _ready(partnership: Partnership, regime: str = "pa2023") -> Partnership:
    """A live contract from January 2024: 10 years (+2 of options), worth £10m, under the given law."""
    make_contract_live(partnership, START)
    Partnership.objects.filter(pk=partnership.pk).update(
        term_years=10,
        extension_years=2,
        estimated_value_gbp=Decimal(10_000_000),
        value_basis="total_contract_value",
        procurement_regime=regime,
        procurement_began_on=dt.date(2025, 3, 1) if regime == "pa2023" else dt.date(2022, 1, 1),
    )
    partnership.refresh_from_db()
    return partnership


def _request(world: World, editor: User, reference: str = "CR-1", **changes: Any) -> ChangeRequest:
    data: dict[str, Any] = {
        "reference": reference,
        "title": "Extra gritting",
        "description": "Add routes",
        "raised_by": "Head of highways",
        "raised_by_side": "council",
        "raised_on": dt.date(2025, 1, 10),
    }
    data.update(changes)
    return services.change_save(user=editor, partnership=world.ours, data=data, today=TODAY)


def _assess(editor: User, change: ChangeRequest, **changes: Any) -> ChangeRequest:
    data: dict[str, Any] = {
        "value_gbp": Decimal(500_000),
        "value_basis": "one_off",
        "effective_from": dt.date(2025, 7, 1),
        "assessed_on": dt.date(2025, 2, 1),
        "business_case_effect": "Eats the contingency",
    }
    data.update(changes)
    return services.assessment_record(user=editor, change=change, data=data, today=TODAY)


def _decide(editor: User, change: ChangeRequest, decision: str = "approved", **changes: Any) -> ChangeRequest:
    data: dict[str, Any] = {
        "decision": decision,
        "decided_on": dt.date(2025, 3, 1),
        "decided_by": "Partnership board",
        "decision_reason": "Good value",
    }
    data.update(changes)
    return services.decision_record(user=editor, change=change, data=data, today=TODAY)


def _approved(world: World, editor: User, reference: str = "CR-1", **assessment: Any) -> ChangeRequest:
    change = _request(world, editor, reference)
    _assess(editor, change, **assessment)
    return _decide(editor, change)


def _refused(call: Any, field: str) -> str:
    with pytest.raises(ValidationError) as refused:
        call()
    messages = refused.value.message_dict[field]
    return " ".join(messages)


# ------------------------------------------------------------------------------------------------------
# Request, assessment, decision
# ------------------------------------------------------------------------------------------------------


def test_a_change_goes_from_request_to_assessment_to_decision_with_its_status_history(
    world: World, editor: User
) -> None:
    _ready(world.ours)
    change = _request(world, editor)
    assert change.status == ChangeStatus.REQUESTED
    _assess(editor, change)
    assert change.status == ChangeStatus.ASSESSED
    _decide(editor, change)
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED
    statuses = list(change.history.order_by("history_date").values_list("status", flat=True))
    assert statuses == ["requested", "assessed", "approved"]


def test_a_change_without_a_value_gets_a_specific_message_and_nothing_is_saved(
    world: World, editor: User
) -> None:
    _ready(world.ours)
    change = _request(world, editor)
    message = _refused(lambda: _assess(editor, change, value_gbp=None), "value_gbp")
    assert "a change without a value cannot be assessed" in message
    change.refresh_from_db()
    assert change.status == ChangeStatus.REQUESTED
    assert change.value_gbp is None
    assert change.history.count() == 1
    response = client_for(editor).post(
        reverse("changes:assessment", args=[world.ours.pk, change.pk]),
        {"value_basis": "one_off", "effective_from": "2025-07-01", "assessed_on": "2025-02-01"},
    )
    assert response.status_code == 200
    assert "a change without a value cannot be assessed" in response.content.decode()
    assert ChangeRequest.objects.get(pk=change.pk).value_gbp is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reference": ""}, "reference", "Enter the change's reference"),
        ({"raised_on": None}, "raised_on", "Enter the date the change was requested"),
        ({"raised_on": dt.date(2025, 7, 1)}, "raised_on", "must be today or in the past"),
    ],
)
def test_a_bad_request_is_refused_and_nothing_saved(
    world: World, editor: User, changes: dict[str, Any], field: str, message: str
) -> None:
    assert message in _refused(lambda: _request(world, editor, **changes), field)
    assert not ChangeRequest.objects.exists()


def test_a_duplicate_reference_and_another_partnerships_group_are_refused(world: World, editor: User) -> None:
    _request(world, editor)
    assert "There is already a change CR-1" in _refused(lambda: _request(world, editor), "reference")
    theirs = services.group_save(user=editor, partnership=world.theirs, data={"name": "Lighting"})
    message = _refused(lambda: _request(world, editor, "CR-2", group=theirs), "group")
    assert "Choose a group of this partnership's changes" in message
    assert ChangeRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"value_basis": ""}, "value_basis", "one-off or a value per year"),
        ({"effective_from": dt.date(2025, 7, 15)}, "effective_from", "the first day of a month"),
        ({"effective_from": dt.date(2023, 12, 1)}, "effective_from", "The contract starts on 1 January 2024"),
        ({"effective_from": None}, "effective_from", "Enter the date the change takes effect"),
        ({"assessed_on": dt.date(2025, 1, 1)}, "assessed_on", "it cannot be assessed before"),
        ({"assessed_on": None}, "assessed_on", "Enter the date the impact was assessed"),
        ({"new_monthly_charge_gbp": Decimal(1)}, "new_monthly_charge_gbp", "no payment mechanism"),
    ],
)
def test_a_bad_assessment_is_refused_and_nothing_saved(
    world: World, editor: User, changes: dict[str, Any], field: str, message: str
) -> None:
    _ready(world.ours)
    change = _request(world, editor)
    assert message in _refused(lambda: _assess(editor, change, **changes), field)
    change.refresh_from_db()
    assert change.status == ChangeStatus.REQUESTED
    assert change.value_gbp is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"decision": ""}, "decision", "Choose approved, rejected or withdrawn"),
        ({"decision_reason": " "}, "decision_reason", "Enter the reason for the decision"),
        ({"decided_by": ""}, "decided_by", "Enter who made the decision"),
        ({"decided_on": None}, "decided_on", "Enter the date of the decision"),
        ({"decided_on": dt.date(2024, 12, 1)}, "decided_on", "it cannot be decided before"),
    ],
)
def test_a_bad_decision_is_refused_and_nothing_saved(
    world: World, editor: User, changes: dict[str, Any], field: str, message: str
) -> None:
    _ready(world.ours)
    change = _request(world, editor)
    _assess(editor, change)
    assert message in _refused(lambda: _decide(editor, change, **changes), field)
    change.refresh_from_db()
    assert change.status == ChangeStatus.ASSESSED
    assert change.decided_on is None


def test_an_unassessed_change_cannot_be_approved_but_can_be_withdrawn(world: World, editor: User) -> None:
    _ready(world.ours)
    change = _request(world, editor)
    assert "a change without a value cannot be approved" in _refused(
        lambda: _decide(editor, change), "decision"
    )
    _decide(editor, change, "withdrawn", decision_reason="No longer needed")
    assert change.status == ChangeStatus.WITHDRAWN
    message = _refused(lambda: _decide(editor, change, "rejected"), "decision")
    assert "was withdrawn on 1 March 2025: it can no longer change" in message
    assert "can no longer change" in _refused(lambda: _assess(editor, change), "value_gbp")


def test_only_council_editors_write(world: World, editor: User) -> None:
    for role in (Role.COUNCIL_VIEWER, Role.PARTNER_USER, Role.AUDITOR):
        with pytest.raises(PermissionDenied):
            services.change_save(user=world.users[role], partnership=world.ours, data={})
    assert not ChangeRequest.objects.exists()


def test_terms_refuse_a_second_threshold_not_above_the_first(world: World, editor: User) -> None:
    message = _refused(
        lambda: services.terms_save(
            user=editor,
            partnership=world.ours,
            data={"first_threshold": Decimal("0.2"), "second_threshold": Decimal("0.1")},
        ),
        "second_threshold",
    )
    assert "The second threshold must be higher than the first" in message
    assert not ChangeTerms.objects.exists()


def test_group_names_are_required_and_unique(world: World, editor: User) -> None:
    assert "Enter a name" in _refused(
        lambda: services.group_save(user=editor, partnership=world.ours, data={"name": " "}), "name"
    )
    services.group_save(user=editor, partnership=world.ours, data={"name": "Lighting"})
    assert "already a group" in _refused(
        lambda: services.group_save(user=editor, partnership=world.ours, data={"name": "lighting"}), "name"
    )
    assert ChangeGroup.objects.count() == 1


# ------------------------------------------------------------------------------------------------------
# Cumulative value and thresholds
# ------------------------------------------------------------------------------------------------------


def test_cumulative_value_names_the_change_that_crossed_each_threshold(world: World, editor: User) -> None:
    _ready(world.ours)
    _approved(world, editor, "CR-1", value_gbp=Decimal(600_000))
    # £100,000 a year from July 2025: 102 months of the term (to January 2034) left = £850,000
    _approved(world, editor, "CR-2", value_gbp=Decimal(100_000), value_basis="per_year")
    rejected = _request(world, editor, "CR-3")
    _assess(editor, rejected, value_gbp=Decimal(9_000_000))
    _decide(editor, rejected, "rejected")
    summary = selectors.summary(world.ours)
    assert summary.cumulative is not None
    assert summary.cumulative.total_gbp == Decimal("1450000.00")
    assert summary.cumulative.share == Decimal("0.145")
    assert [(c.threshold, c.change_key) for c in summary.cumulative.crossings] == [(Decimal("0.10"), "CR-2")]
    page = client_for(world.users[Role.PARTNER_USER]).get(reverse("changes:register", args=[world.ours.pk]))
    text = page.content.decode()
    assert "£1,450,000, 14.5% of the original contract value" in text
    assert "Change CR-2 took the cumulative value to £1,450,000, 14.5%" in text
    assert "£100,000 a year × 102 months of the term left ÷ 12" in text


def test_thresholds_can_be_set_for_a_partnership(world: World, editor: User) -> None:
    _ready(world.ours)
    services.terms_save(
        user=editor, partnership=world.ours, data={"first_threshold": Decimal("0.05"), "works_contract": True}
    )
    _approved(world, editor, "CR-1", value_gbp=Decimal(600_000))
    summary = selectors.summary(world.ours)
    assert summary.thresholds == (Decimal("0.05"), Decimal("0.50"))
    assert summary.cumulative is not None
    assert [c.change_key for c in summary.cumulative.crossings] == ["CR-1"]


def test_a_missing_contract_value_is_said_and_asked_for(world: World, editor: User) -> None:
    _ready(world.ours)
    Partnership.objects.filter(pk=world.ours.pk).update(estimated_value_gbp=None)
    world.ours.refresh_from_db()
    _approved(world, editor)
    summary = selectors.summary(world.ours)
    assert summary.cumulative is None
    page = client_for(editor).get(reverse("changes:register", args=[world.ours.pk])).content.decode()
    assert "The original contract value is not recorded" in page
    assert "Record the estimated value on the partnership" in page


# ------------------------------------------------------------------------------------------------------
# Procurement Act 2023 contract change notice
# ------------------------------------------------------------------------------------------------------


def test_an_approved_change_needing_a_notice_is_flagged_until_the_notice_is_recorded(
    world: World, editor: User
) -> None:
    _ready(world.ours)
    change = _approved(world, editor, "CR-1", value_gbp=Decimal(1_100_000))
    summary = selectors.summary(world.ours)
    assert [row.change.reference for row in summary.missing_notices] == ["CR-1"]
    page = client_for(editor).get(reverse("changes:register", args=[world.ours.pk])).content.decode()
    assert "1 approved change needs a contract change notice and none is recorded: CR-1" in page
    message = _refused(
        lambda: services.notice_record(
            user=editor, change=change, data={"notice_published_on": TODAY}, today=TODAY
        ),
        "notice_reference",
    )
    assert "Find a Tender reference" in message
    services.notice_record(
        user=editor,
        change=change,
        data={"notice_published_on": dt.date(2025, 3, 2), "notice_reference": "012345-2025"},
        today=TODAY,
    )
    assert selectors.summary(world.ours).missing_notices == []


def test_related_changes_are_counted_together_for_the_notice(world: World, editor: User) -> None:
    _ready(world.ours)
    group = services.group_save(user=editor, partnership=world.ours, data={"name": "Lighting"})
    for reference in ("CR-1", "CR-2"):
        change = _request(world, editor, reference, group=group)
        _assess(editor, change, value_gbp=Decimal(600_000))
        _decide(editor, change)
    rows = {row.change.reference: row for row in selectors.summary(world.ours).rows}
    assert rows["CR-1"].notice is not None
    assert not rows["CR-1"].notice.needed
    assert rows["CR-2"].notice is not None
    assert rows["CR-2"].notice.needed
    assert rows["CR-2"].notice.counted_with == ("CR-1",)


def test_under_the_regulations_the_acts_notice_does_not_apply(world: World, editor: User) -> None:
    _ready(world.ours, regime="pcr2015")
    change = _approved(world, editor, "CR-1", value_gbp=Decimal(2_000_000))
    summary = selectors.summary(world.ours)
    assert summary.missing_notices == []
    assert "does not apply to this contract" in summary.regime_note
    message = _refused(
        lambda: services.notice_record(
            user=editor,
            change=change,
            data={"notice_published_on": TODAY, "notice_reference": "1"},
            today=TODAY,
        ),
        "notice_reference",
    )
    assert "not under the Procurement Act 2023" in message
    page = client_for(editor).get(reverse("changes:change", args=[world.ours.pk, change.pk])).content.decode()
    assert "Under the Act's rule a notice would be needed, but the Act does not apply" in page


# ------------------------------------------------------------------------------------------------------
# Applying an approved change from a date
# ------------------------------------------------------------------------------------------------------


def _with_statement(world: World, editor: User) -> None:
    """A mechanism from January 2024 and May 2025's statement approved."""
    make_payment_mechanism(world.ours, effective_from=START)
    statement = payment_services.statement_create(
        user=editor, partnership=world.ours, month=dt.date(2025, 5, 1), today=TODAY
    )
    payment_services.statement_approve(user=editor, statement=statement, override_reason="An example")


def test_an_approved_change_moves_the_charge_and_a_kpi_target_from_its_date_only(
    world: World, editor: User
) -> None:
    _ready(world.ours)
    _with_statement(world, editor)
    kpi = make_kpi(world.ours)
    change = _request(world, editor)
    _assess(editor, change, new_monthly_charge_gbp=Decimal(105_000))
    services.kpi_effect_save(user=editor, change=change, data={"kpi": kpi, "new_target": Decimal(97)})
    _decide(editor, change)
    services.change_apply(user=editor, change=change, today=TODAY)
    charge = ChargeChange.objects.get()
    assert (charge.effective_from, charge.monthly_charge_gbp) == (dt.date(2025, 7, 1), Decimal(105_000))
    targets = list(KpiTarget.objects.filter(kpi=kpi).values_list("effective_from", "target"))
    assert targets == [(dt.date(2024, 1, 1), Decimal(95)), (dt.date(2025, 7, 1), Decimal(97))]
    change.refresh_from_db()
    assert change.applied_on == TODAY
    with pytest.raises(ValidationError, match="was applied on 15 June 2025"):
        services.change_apply(user=editor, change=change, today=TODAY)


def test_a_change_reaching_into_approved_statements_is_refused_and_nothing_applied(
    world: World, editor: User
) -> None:
    _ready(world.ours)
    _with_statement(world, editor)
    kpi = make_kpi(world.ours)
    change = _request(world, editor)
    _assess(editor, change, effective_from=dt.date(2025, 5, 1), new_monthly_charge_gbp=Decimal(105_000))
    services.kpi_effect_save(user=editor, change=change, data={"kpi": kpi, "new_target": Decimal(97)})
    _decide(editor, change)
    with pytest.raises(ValidationError) as refused:
        services.change_apply(user=editor, change=change, today=TODAY)
    assert "Statements up to May 2025 are approved and frozen" in " ".join(refused.value.messages)
    assert not ChargeChange.objects.exists()
    assert not KpiTarget.objects.filter(kpi=kpi, effective_from=dt.date(2025, 5, 1)).exists()
    change.refresh_from_db()
    assert change.applied_on is None
    response = client_for(editor).post(
        reverse("changes:change-apply", args=[world.ours.pk, change.pk]), {"confirm": "yes"}
    )
    assert response.status_code == 200
    assert "Statements up to May 2025 are approved and frozen" in response.content.decode()


def test_a_kpi_effect_is_checked_as_an_indicator_review_target_is(world: World, editor: User) -> None:
    _ready(world.ours)
    kpi = make_kpi(world.ours)  # higher is better, failure threshold 90
    change = _request(world, editor)
    message = _refused(
        lambda: services.kpi_effect_save(
            user=editor, change=change, data={"kpi": kpi, "new_target": Decimal(97)}
        ),
        "kpi",
    )
    assert "Record the impact assessment" in message
    _assess(editor, change, effective_from=dt.date(2025, 8, 1))
    message = _refused(
        lambda: services.kpi_effect_save(
            user=editor, change=change, data={"kpi": kpi, "new_target": Decimal(80)}
        ),
        "new_target",
    )
    assert "failure threshold" in message
    quarterly = make_kpi(world.ours, "K-02", frequency="quarterly")
    message = _refused(
        lambda: services.kpi_effect_save(
            user=editor, change=change, data={"kpi": quarterly, "new_target": Decimal(97)}
        ),
        "kpi",
    )
    assert "start of a reporting period" in message
    assert not KpiEffect.objects.exists()


def test_a_change_with_nothing_to_apply_says_so(world: World, editor: User) -> None:
    _ready(world.ours)
    change = _approved(world, editor)
    with pytest.raises(ValidationError, match="nothing to apply"):
        services.change_apply(user=editor, change=change, today=TODAY)


# ------------------------------------------------------------------------------------------------------
# Pages for each role, the glance, links and the life actuals
# ------------------------------------------------------------------------------------------------------


def test_every_role_reads_the_changes_and_only_council_users_see_the_business_case_effect(
    world: World, editor: User
) -> None:
    _ready(world.ours)
    change = _approved(world, editor)
    for role in (Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER, Role.PARTNER_USER, Role.AUDITOR):
        client = client_for(world.users[role])
        assert client.get(reverse("changes:register", args=[world.ours.pk])).status_code == 200
        page = client.get(reverse("changes:change", args=[world.ours.pk, change.pk])).content.decode()
        assert "Extra gritting" in page
        shown = "Eats the contingency" in page
        assert shown == (role != Role.PARTNER_USER), role
        if role == Role.PARTNER_USER:
            assert "Business case" not in page
        writes = client.get(reverse("changes:change-create", args=[world.ours.pk])).status_code
        assert writes == (200 if role == Role.COUNCIL_EDITOR else 403), role
    other = client_for(world.users[Role.PARTNER_USER])
    assert other.get(reverse("changes:register", args=[world.theirs.pk])).status_code == 404


def test_a_request_raised_through_the_form_saves(world: World, editor: User) -> None:
    response = client_for(editor).post(
        reverse("changes:change-create", args=[world.ours.pk]),
        {
            "reference": "CR-9",
            "title": "New route",
            "description": "More",
            "raised_by": "Meridian",
            "raised_by_side": "partner",
            "raised_on": "2025-01-10",
        },
    )
    assert response.status_code == 302
    assert ChangeRequest.objects.get().raised_by_side == "partner"


def test_the_glance_shows_the_cumulative_share_and_open_requests_in_few_queries(
    world: World, editor: User
) -> None:
    _ready(world.ours)
    _approved(world, editor, "CR-1", value_gbp=Decimal(600_000))
    _request(world, editor, "CR-2")
    with CaptureQueriesContext(connection) as queries:
        glance = selectors.at_a_glance(world.ours)
    assert len(queries) == 1
    assert glance["share"] == Decimal("0.06")
    assert glance["open"] == 1
    page = client_for(world.users[Role.PARTNER_USER]).get(
        reverse("partnerships:overview", args=[world.ours.pk])
    )
    assert "Approved changes worth £600,000, 6.0% of the original contract value; 1 request open" in (
        page.content.decode()
    )


def test_agenda_items_can_link_change_requests(world: World, editor: User) -> None:
    _request(world, editor)
    kinds = dict(choices_for(world.ours))
    assert [label for _, label in kinds["Contract change"]] == ["Contract change CR-1: Extra gritting"]


def test_life_actuals_give_approved_changes_by_financial_year_not_counted(world: World, editor: User) -> None:
    _ready(world.ours)
    _approved(world, editor, "CR-1", value_gbp=Decimal(600_000), effective_from=dt.date(2024, 3, 1))
    (line,) = life_actuals(world.ours)
    assert line.counts is False
    assert line.category == "operating"
    assert line.by_year == {2023: Decimal(600_000)}
