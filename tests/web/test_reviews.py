"""Partnership reviews and responsiveness to change: every bad input refused with its message and nothing
saved; completing a review; the pages for each role (council editor, council viewer, partner user, auditor);
what the partner sees (completed reviews only, never the change mechanisms or scenarios); the scenario page's
figures, reasons and chart; the glance on the overview; and the evidence for C-FLX-1."""

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
from forbetter.partnerships.evidence import candidates_for, matching_candidates
from forbetter.partnerships.models import ServiceArea
from forbetter.reviews import selectors, services
from forbetter.reviews.models import (
    PartnershipReview,
    PricingTerms,
    ReviewSchedule,
    ReviewStatus,
    Scenario,
    ServiceDecision,
    ServiceMechanism,
)
from tests.conftest import World
from tests.factories import client_for

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


@pytest.fixture
def bundle(world: World) -> dict[str, ServiceArea]:
    """Highways and Property in our partnership's bundle; the service started four years ago."""
    found = {name: ServiceArea.objects.get(name=name) for name in ("Highways", "Property and estates")}
    world.ours.services.add(*found.values())
    world.ours.planned_start_on = TODAY - dt.timedelta(days=4 * 365)
    world.ours.save()
    return found


def _url(name: str, world: World, *args: Any) -> str:
    return reverse(f"reviews:{name}", args=[world.ours.pk, *args])


def _review_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "period_from": TODAY - dt.timedelta(days=3 * 365),
        "period_to": TODAY - dt.timedelta(days=30),
        "planned_on": TODAY - dt.timedelta(days=10),
        "status": ReviewStatus.IN_PROGRESS,
        "completed_on": None,
        "scope": "Every service",
        "participants": "Director of place; managing director",
        "findings": "",
    }
    data.update(changes)
    return data


def _review(world: World, editor: User, **changes: Any) -> PartnershipReview:
    return services.review_save(user=editor, partnership=world.ours, data=_review_data(**changes))


def _completed(world: World, editor: User, bundle: dict[str, ServiceArea]) -> PartnershipReview:
    review = _review(world, editor)
    services.decision_save(
        user=editor,
        review=review,
        data={"service": bundle["Highways"], "decision": "keep", "reason": "Good value"},
    )
    return services.review_save(
        user=editor,
        partnership=world.ours,
        review=review,
        data=_review_data(
            status=ReviewStatus.COMPLETED, completed_on=TODAY - dt.timedelta(days=5), findings="Fine"
        ),
    )


def _mechanism(world: World, editor: User, service: ServiceArea, **changes: Any) -> ServiceMechanism:
    data: dict[str, Any] = {
        "service": service,
        "annual_charge_gbp": Decimal(1_000_000),
        "variable_share": Decimal("0.6"),
        "tolerance_band": Decimal("0.05"),
        "increase_rate": Decimal(1),
        "decrease_rate": Decimal(1),
        "notice_months": 6,
        "compensation_share": Decimal("0.25"),
        "compensation_fixed_gbp": Decimal(0),
    }
    data.update(changes)
    return services.mechanism_save(user=editor, partnership=world.ours, data=data)


def _terms(world: World, editor: User) -> PricingTerms:
    return services.terms_save(
        user=editor,
        partnership=world.ours,
        data={"price_basis": "cost_plus", "margin": Decimal("0.08"), "policy_council_share": Decimal("0.5")},
    )


def _scenario_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Demand up",
        "kind": "demand_up",
        "description": "",
        "service": None,
        "demand_change": Decimal("0.15"),
        "in_house_annual_cost_gbp": None,
        "new_service_name": "",
        "new_service_cost_gbp": None,
        "policy_annual_cost_gbp": None,
        "first_year": 2026,
        "years": 3,
        "starts_in_year": 2,
    }
    data.update(changes)
    return data


def _post(data: dict[str, Any]) -> dict[str, str]:
    return {key: "" if value is None else str(getattr(value, "pk", value)) for key, value in data.items()}


def _refused(call: Any, field: str, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        call()
    assert message in refused.value.message_dict[field], refused.value.message_dict


# ------------------------------------------------------------------------------------------------------
# Reviews: bad input and completing
# ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"period_from": None}, "period_from", "Enter the first day of the period the review covers"),
        ({"period_to": None}, "period_to", "Enter the last day of the period the review covers"),
        ({"planned_on": None}, "planned_on", "Enter the date the review is planned for"),
        ({"scope": ""}, "scope", "Say what the review looks at (its scope)"),
        ({"status": "finished"}, "status", "Select the review's status"),
        (
            {"period_to": TODAY - dt.timedelta(days=4 * 365)},
            "period_to",
            "The end of the period must be on or after its start",
        ),
        (
            {"completed_on": TODAY},
            "completed_on",
            "Leave the date completed blank until the review is completed (or mark it completed)",
        ),
        (
            {"planned_on": dt.date(1980, 1, 1)},
            "planned_on",
            "The planned date must be between 1990 and 2100, not 1 January 1980",
        ),
    ],
)
def test_a_bad_review_is_refused_with_its_message_and_nothing_saved(
    world: World, editor: User, changes: dict[str, Any], field: str, message: str
) -> None:
    _refused(lambda: _review(world, editor, **changes), field, message)
    assert not PartnershipReview.objects.exists()


def test_a_review_cannot_be_completed_without_findings_or_a_decision(
    world: World, editor: User, bundle: dict[str, ServiceArea]
) -> None:
    review = _review(world, editor)
    with pytest.raises(ValidationError) as refused:
        services.review_save(
            user=editor,
            partnership=world.ours,
            review=review,
            data=_review_data(status=ReviewStatus.COMPLETED),
        )
    errors = refused.value.message_dict
    assert errors["findings"] == ["A review cannot be completed without its findings: enter what it found"]
    assert errors["completed_on"] == ["Enter the date the review was completed"]
    assert errors["status"][0].startswith("A review cannot be completed without at least one decision")
    review.refresh_from_db()
    assert review.status == ReviewStatus.IN_PROGRESS
    _refused(
        lambda: _review(world, editor, status=ReviewStatus.COMPLETED, completed_on=TODAY, findings="x"),
        "status",
        "A review cannot be completed without at least one decision about a service: save it as in progress, "
        "add the decisions, then complete it",
    )
    assert PartnershipReview.objects.count() == 1


def test_a_completion_date_in_the_future_is_refused(
    world: World, editor: User, bundle: dict[str, ServiceArea]
) -> None:
    review = _completed(world, editor, bundle)
    tomorrow = TODAY + dt.timedelta(days=1)
    _refused(
        lambda: services.review_save(
            user=editor,
            partnership=world.ours,
            review=review,
            data=_review_data(status=ReviewStatus.COMPLETED, completed_on=tomorrow, findings="Fine"),
        ),
        "completed_on",
        f"The date completed must be today or in the past, not {tomorrow:%-d %B %Y}",
    )


def test_a_completed_review_with_findings_and_a_decision_is_saved(
    world: World, editor: User, bundle: dict[str, ServiceArea]
) -> None:
    review = _completed(world, editor, bundle)
    assert review.is_completed
    assert review.history.first().history_change_reason == "Completed"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"decision": "keep", "reason": "x"},
            "service",
            "Choose the service the decision is about, or name a new service to add",
        ),
        (
            {"service": "Highways", "new_service_name": "Parking", "decision": "add", "reason": "x"},
            "new_service_name",
            "Choose a service from the list or name a new one, not both",
        ),
        (
            {"service": "Highways", "decision": "", "reason": "x"},
            "decision",
            "Select the decision about the service",
        ),
        (
            {"service": "Highways", "decision": "keep", "reason": ""},
            "reason",
            "Give the reason for the decision",
        ),
        (
            {"service": "Highways", "decision": "add", "reason": "x"},
            "service",
            "Highways is already in the partnership's bundle: choose another decision",
        ),
        (
            {"service": "Procurement", "decision": "in_house", "reason": "x"},
            "service",
            "Procurement is not in the partnership's bundle, so it can only be added: choose “Add the "
            "service to the partnership”, or a service in the bundle",
        ),
        (
            {"new_service_name": "Parking", "decision": "remove", "reason": "x"},
            "new_service_name",
            "Parking is not in the partnership's bundle, so it can only be added: choose “Add the service "
            "to the partnership”, or a service in the bundle",
        ),
        (
            {"new_service_name": "procurement", "decision": "add", "reason": "x"},
            "new_service_name",
            "procurement is already on the list of services: choose it from the list",
        ),
    ],
)
def test_a_bad_decision_is_refused_with_its_message_and_nothing_saved(
    world: World, editor: User, bundle: dict[str, ServiceArea], data: dict[str, Any], field: str, message: str
) -> None:
    review = _review(world, editor)
    if "service" in data:
        data = {**data, "service": ServiceArea.objects.get(name=data["service"])}
    _refused(lambda: services.decision_save(user=editor, review=review, data=data), field, message)
    assert not ServiceDecision.objects.exists()


def test_one_decision_per_service_and_a_new_service_can_be_added(
    world: World, editor: User, bundle: dict[str, ServiceArea]
) -> None:
    review = _completed(world, editor, bundle)
    _refused(
        lambda: services.decision_save(
            user=editor,
            review=review,
            data={"service": bundle["Highways"], "decision": "remove", "reason": "x"},
        ),
        "service",
        "This review already has a decision about Highways: change that one instead",
    )
    added = services.decision_save(
        user=editor,
        review=review,
        data={"new_service_name": "Street lighting", "decision": "add", "reason": "y"},
    )
    assert added.service_name == "Street lighting"
    procurement = ServiceArea.objects.get(name="Procurement")
    services.decision_save(
        user=editor, review=review, data={"service": procurement, "decision": "add", "reason": "z"}
    )
    assert review.decisions.count() == 3


def test_a_completed_review_keeps_at_least_one_decision(
    world: World, editor: User, bundle: dict[str, ServiceArea]
) -> None:
    review = _completed(world, editor, bundle)
    decision = review.decisions.get()
    url = _url("decision-remove", world, review.pk, decision.pk)
    response = client_for(editor).post(url, {"confirm": "yes"})
    assert response.status_code == 200
    assert "A completed review keeps at least one decision" in response.content.decode()
    assert review.decisions.count() == 1
    services.decision_save(
        user=editor,
        review=review,
        data={"service": bundle["Property and estates"], "decision": "keep", "reason": "x"},
    )
    assert client_for(editor).post(url, {"confirm": "yes"}).status_code == 302
    assert review.decisions.count() == 1


def test_the_review_interval_is_the_councils_and_three_years_by_default(
    world: World, editor: User, bundle: dict[str, ServiceArea]
) -> None:
    due = selectors.next_review(world.ours)
    assert (due.interval_years, due.interval_set) == (3, False)
    assert due.due_on == world.ours.planned_start_on.replace(year=world.ours.planned_start_on.year + 3)
    assert due.overdue
    _refused(
        lambda: services.schedule_save(user=editor, partnership=world.ours, data={"interval_years": 0}),
        "interval_years",
        "The review interval must be between 1 and 15 years",
    )
    assert not ReviewSchedule.objects.exists()
    services.schedule_save(user=editor, partnership=world.ours, data={"interval_years": 5})
    review = _completed(world, editor, bundle)
    due = selectors.next_review(world.ours)
    assert due.last_completed == review
    assert due.due_on == review.completed_on.replace(year=review.completed_on.year + 5)
    assert not due.overdue


def test_only_council_editors_change_reviews(world: World, bundle: dict[str, ServiceArea]) -> None:
    for role in (Role.COUNCIL_VIEWER, Role.PARTNER_USER, Role.AUDITOR):
        with pytest.raises(PermissionDenied):
            services.review_save(user=world.users[role], partnership=world.ours, data=_review_data())
    assert not PartnershipReview.objects.exists()


# ------------------------------------------------------------------------------------------------------
# Change mechanisms and scenarios: bad input
# ------------------------------------------------------------------------------------------------------


def test_bad_change_mechanisms_are_refused_and_nothing_saved(
    world: World, editor: User, bundle: dict[str, ServiceArea]
) -> None:
    _refused(
        lambda: _mechanism(world, editor, None),  # type: ignore[arg-type]
        "service",
        "Choose the service these change mechanisms are for",
    )
    _refused(
        lambda: _mechanism(world, editor, ServiceArea.objects.get(name="Procurement")),
        "service",
        "Procurement is not in the partnership's bundle of services",
    )
    assert not ServiceMechanism.objects.exists()
    _mechanism(world, editor, bundle["Highways"])
    _refused(
        lambda: _mechanism(world, editor, bundle["Highways"]),
        "service",
        "Highways already has change mechanisms recorded: change those instead",
    )
    assert ServiceMechanism.objects.count() == 1


def test_a_scenario_needs_change_mechanisms_first(
    world: World, editor: User, bundle: dict[str, ServiceArea]
) -> None:
    _refused(
        lambda: services.scenario_save(
            user=editor,
            partnership=world.ours,
            data=_scenario_data(kind="policy_change", policy_annual_cost_gbp=1),
        ),
        "__all__",
        "Record the change mechanisms of at least one service first: scenarios are priced through them",
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Give the scenario a name"),
        ({"kind": "earthquake"}, "kind", "Select the kind of change"),
        ({"service": None}, "service", "Choose the service the scenario changes"),
        (
            {"service": "Property and estates"},
            "service",
            "Property and estates has no change mechanisms recorded, so the change cannot be priced: "
            "record them first",
        ),
        ({"demand_change": None}, "demand_change", "Enter how far demand moves, as a fraction: 0.15 for 15%"),
        (
            {"kind": "demand_down", "demand_change": Decimal("1.5")},
            "demand_change",
            "Demand cannot fall by more than 1 (100%)",
        ),
        (
            {"kind": "service_withdrawn", "service": None},
            "service",
            "Choose the service the scenario changes",
        ),
        ({"kind": "service_added"}, "new_service_name", "Name the service that is added"),
        (
            {"kind": "service_added", "new_service_name": "Parking"},
            "new_service_cost_gbp",
            "Enter the added service's annual cost (or the partner's quoted price)",
        ),
        (
            {"kind": "service_added", "new_service_name": "Parking", "new_service_cost_gbp": 1},
            "kind",
            "Record the contract's terms for added services and policy changes first "
            "(Change mechanisms page)",
        ),
        (
            {"kind": "policy_change"},
            "policy_annual_cost_gbp",
            "Enter the policy change's estimated cost a year",
        ),
        (
            {"starts_in_year": 4},
            "starts_in_year",
            "The change must start within the 3 years the scenario shows",
        ),
    ],
)
def test_a_bad_scenario_is_refused_with_its_message_and_nothing_saved(
    world: World,
    editor: User,
    bundle: dict[str, ServiceArea],
    changes: dict[str, Any],
    field: str,
    message: str,
) -> None:
    _mechanism(world, editor, bundle["Highways"])
    data = _scenario_data(service=bundle["Highways"])
    if isinstance(changes.get("service"), str):
        changes = {**changes, "service": bundle[changes["service"]]}
    data.update(changes)
    _refused(lambda: services.scenario_save(user=editor, partnership=world.ours, data=data), field, message)
    assert not Scenario.objects.exists()


def test_scenario_names_are_unique_and_unused_inputs_are_blanked(
    world: World, editor: User, bundle: dict[str, ServiceArea]
) -> None:
    _mechanism(world, editor, bundle["Highways"])
    _terms(world, editor)
    scenario = services.scenario_save(
        user=editor,
        partnership=world.ours,
        data=_scenario_data(
            kind="policy_change", service=bundle["Highways"], policy_annual_cost_gbp=Decimal(300_000)
        ),
    )
    assert scenario.service is None
    assert scenario.demand_change is None
    _refused(
        lambda: services.scenario_save(
            user=editor,
            partnership=world.ours,
            data=_scenario_data(name="demand UP", service=bundle["Highways"]),
        ),
        "name",
        "There is already a scenario called “demand UP”",
    )


# ------------------------------------------------------------------------------------------------------
# Pages, role by role
# ------------------------------------------------------------------------------------------------------


@pytest.fixture
def records(world: World, editor: User, bundle: dict[str, ServiceArea]) -> dict[str, Any]:
    completed = _completed(world, editor, bundle)
    planned = _review(
        world,
        editor,
        status=ReviewStatus.PLANNED,
        period_from=TODAY,
        period_to=TODAY + dt.timedelta(days=900),
        planned_on=TODAY + dt.timedelta(days=900),
    )
    _mechanism(world, editor, bundle["Highways"])
    _terms(world, editor)
    scenario = services.scenario_save(
        user=editor, partnership=world.ours, data=_scenario_data(service=bundle["Highways"])
    )
    return {"completed": completed, "planned": planned, "scenario": scenario}


def test_partner_user_reads_completed_reviews_only(world: World, records: dict[str, Any]) -> None:
    client = client_for(world.users[Role.PARTNER_USER])
    page = client.get(_url("list", world)).content.decode()
    assert str(records["completed"]) in page
    assert str(records["planned"]) not in page
    assert _url("review", world, records["planned"].pk) not in page
    assert "Next review planned" not in page
    assert "Change mechanisms" not in page
    assert "Responsiveness to change" not in page
    detail = client.get(_url("review", world, records["completed"].pk)).content.decode()
    assert "Good value" in detail
    assert "Keep as it is" in detail
    assert "Changes to the review" not in detail
    assert client.get(_url("review", world, records["planned"].pk)).status_code == 403
    for name, args in (("mechanisms", ()), ("scenarios", ()), ("scenario", (records["scenario"].pk,))):
        assert client.get(_url(name, world, *args)).status_code == 403
    assert client.get(_url("review-create", world)).status_code == 403


@pytest.mark.parametrize("role", [Role.COUNCIL_VIEWER, Role.AUDITOR])
def test_council_viewers_and_auditors_read_everything_and_change_nothing(
    world: World, records: dict[str, Any], role: Role
) -> None:
    client = client_for(world.users[role])
    page = client.get(_url("list", world)).content.decode()
    assert str(records["planned"]) in page
    assert "Next review planned" in page
    assert "Plan a review" not in page
    assert client.get(_url("review", world, records["planned"].pk)).status_code == 200
    mechanisms = client.get(_url("mechanisms", world)).content.decode()
    assert "£1,000,000" in mechanisms
    assert "Record a service" not in mechanisms
    assert client.get(_url("scenario", world, records["scenario"].pk)).status_code == 200
    for name, args in (("review-create", ()), ("scenario-create", ()), ("mechanism-create", ())):
        assert client.get(_url(name, world, *args)).status_code == 403


def test_council_editor_plans_and_completes_a_review_through_the_pages(
    world: World, editor: User, bundle: dict[str, ServiceArea]
) -> None:
    client = client_for(editor)
    response = client.post(_url("review-create", world), {"scope": ""})
    assert "Enter the first day of the period the review covers" in response.content.decode()
    assert not PartnershipReview.objects.exists()
    data = _post(_review_data(status="in_progress"))
    response = client.post(_url("review-create", world), data)
    review = PartnershipReview.objects.get()
    assert response.status_code == 302
    edit = client.get(_url("review-edit", world, review.pk)).content.decode()
    version = edit.split('name="edit_version" value="')[1].split('"')[0]
    complete = {
        **data,
        "status": "completed",
        "completed_on": str(TODAY),
        "findings": "Fit",
        "edit_version": version,
    }
    page = client.post(_url("review-edit", world, review.pk), complete).content.decode()
    assert "A review cannot be completed without at least one decision about a service" in page
    response = client.post(
        _url("decision-create", world, review.pk),
        {"service": bundle["Highways"].pk, "decision": "in_house", "reason": "Cheaper in house"},
    )
    assert response.status_code == 302
    assert client.post(_url("review-edit", world, review.pk), complete).status_code == 302
    review.refresh_from_db()
    assert review.is_completed


def test_the_scenario_page_shows_cost_by_year_why_and_a_chart(world: World, records: dict[str, Any]) -> None:
    client = client_for(world.users[Role.COUNCIL_EDITOR])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(_url("scenario", world, records["scenario"].pk)).content.decode()
    assert len(queries.captured_queries) <= 20
    assert "Year 1 (2026/27)" in page
    assert "Year 3 (2028/29)" in page
    assert "£1,000,000" in page
    assert "£1,060,000" in page
    assert "Over the 3 years shown the contract costs <strong>£3,120,000</strong>" in page
    assert "The charge rises by £600,000 × 10% × 1 (increase rate) = £60,000 a year." in page
    assert "The change takes effect at the start of year 2" in page
    assert 'alt="Over 3 years the contract costs £3,120,000 with the change against £3,000,000' in page
    assert "data:image/svg+xml;base64," in page
    assert "Show the data behind" in page


def test_a_scenario_whose_mechanism_is_gone_says_why_it_cannot_be_priced(
    world: World, records: dict[str, Any]
) -> None:
    ServiceMechanism.objects.all().update(annual_charge_gbp=Decimal(-1))
    page = client_for(world.users[Role.COUNCIL_VIEWER]).get(_url("scenario", world, records["scenario"].pk))
    assert (
        "This scenario cannot be priced: the annual charge of Highways cannot be negative."
        in page.content.decode()
    )


def test_the_overview_glances_at_the_last_and_next_review(world: World, records: dict[str, Any]) -> None:
    for role in (Role.COUNCIL_EDITOR, Role.PARTNER_USER):
        page = client_for(world.users[role]).get(reverse("partnerships:overview", args=[world.ours.pk]))
        text = page.content.decode()
        assert f"Completed {records['completed'].completed_on:%-d %B %Y}" in text
        assert "Next partnership review due" in text
    with CaptureQueriesContext(connection) as queries:
        selectors.at_a_glance(world.ours)
    assert len(queries.captured_queries) == 2


def test_only_completed_reviews_evidence_c_flx_1(world: World, records: dict[str, Any]) -> None:
    found = matching_candidates(candidates_for(world.ours), ["partnership_review"])
    assert [candidate.record for candidate in found] == [records["completed"]]
    assert not found[0].council_only
