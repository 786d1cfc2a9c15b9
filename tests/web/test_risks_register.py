"""The risk register: services, form errors, list filters and query counts, heat map and allocation matrix."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forbetter.accounts.models import Role, User
from forbetter.risks import selectors, services
from forbetter.risks.models import Risk, RiskAction, RiskCategory
from forbetter.risks.reference import CATEGORY_DATA_VERSION, category_rows
from tests.conftest import World
from tests.factories import (
    UserFactory,
    client_for,
    make_risk,
    risk_category,
    risk_post_data,
    risk_service_data,
)
from tests.web.edit_versions import opened_at

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------------------------------------------
# Reference data
# ------------------------------------------------------------------------------------------------------


def test_categories_are_the_ocds_codelist_plus_the_ssp_categories_loaded_by_migration() -> None:
    codes = set(RiskCategory.objects.values_list("code", flat=True))
    assert {"landAvailability", "earlyTermination", "forceMajeure", "all"} <= codes
    assert {
        "servicePerformance",
        "staffAndTupe",
        "partnerInsolvencyOrOwnership",
        "exitAndTransition",
    } <= codes
    assert len(codes) == len(category_rows()) == 16 + 8
    assert set(RiskCategory.objects.values_list("data_version", flat=True)) == {CATEGORY_DATA_VERSION}
    # Every SSP category maps to a real OCDS code for export.
    ocds = set(RiskCategory.objects.filter(scheme="ocds_ppp").values_list("code", flat=True))
    assert set(RiskCategory.objects.filter(scheme="ssp").values_list("ocds_code", flat=True)) <= ocds


# ------------------------------------------------------------------------------------------------------
# Services
# ------------------------------------------------------------------------------------------------------


def test_risks_are_numbered_within_their_partnership(world: World, editor: User) -> None:
    first = services.risk_create(user=editor, partnership=world.ours, data=risk_service_data())
    second = services.risk_create(user=editor, partnership=world.ours, data=risk_service_data())
    other = services.risk_create(user=editor, partnership=world.theirs, data=risk_service_data())
    assert (first.reference, second.reference, other.reference) == ("R001", "R002", "R001")


def test_first_review_defaults_to_one_period_from_today(world: World, editor: User) -> None:
    today = dt.date(2026, 1, 31)
    risk = services.risk_create(
        user=editor, partnership=world.ours, data=risk_service_data(review_frequency="quarterly"), today=today
    )
    assert risk.next_review_on == dt.date(2026, 4, 30)


def test_values_that_no_longer_apply_are_not_stored(world: World, editor: User) -> None:
    risk = services.risk_create(
        user=editor,
        partnership=world.ours,
        data=risk_service_data(
            allocation="partner", council_share=Decimal("0.4"), actual_cost_gbp=Decimal(5)
        ),
    )
    assert risk.council_share is None
    assert risk.actual_cost_gbp is None


def test_services_refuse_bad_data_and_save_nothing(world: World, editor: User) -> None:
    bad = risk_service_data(allocation="shared", probability=Decimal("1.5"))
    with pytest.raises(ValidationError) as raised:
        services.risk_create(user=editor, partnership=world.ours, data=bad)
    assert set(raised.value.message_dict) >= {"council_share", "probability"}
    assert not Risk.objects.exists()


def test_only_editors_change_the_register(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.risk_create(
            user=world.users[Role.COUNCIL_VIEWER], partnership=world.ours, data=risk_service_data()
        )


def test_owner_must_belong_to_the_partnership(world: World, editor: User) -> None:
    stranger = UserFactory(organisation=world.council_b)
    with pytest.raises(ValidationError) as raised:
        services.risk_create(user=editor, partnership=world.ours, data=risk_service_data(owner=stranger))
    assert "owner" in raised.value.message_dict
    partner_staff = world.users[Role.PARTNER_USER]
    risk = services.risk_create(
        user=editor, partnership=world.ours, data=risk_service_data(owner=partner_staff)
    )
    assert risk.owner == partner_staff


def test_update_records_history_with_the_user(world: World, editor: User) -> None:
    risk = services.risk_create(user=editor, partnership=world.ours, data=risk_service_data())
    services.risk_update(user=editor, risk=risk, data={"residual_likelihood": 1})
    latest = risk.history.latest()
    assert latest.history_user == editor
    assert latest.residual_likelihood == 1


def test_action_of_another_risk_is_refused(world: World, editor: User) -> None:
    first, second = make_risk(world.ours), make_risk(world.ours)
    action = RiskAction.objects.create(risk=first, description="x", due_on=dt.date.today())
    with pytest.raises(ValidationError):
        services.risk_action_save(user=editor, risk=second, action=action, data={"description": "y"})


# ------------------------------------------------------------------------------------------------------
# Forms through the views: specific messages, nothing saved
# ------------------------------------------------------------------------------------------------------

BAD_INPUT = [
    (
        {"probability": "1.5"},
        "Probability must be between 0 and 1, for example 0.25 for a one-in-four chance",
    ),
    (
        {"probability": "-0.2"},
        "Probability must be between 0 and 1, for example 0.25 for a one-in-four chance",
    ),
    ({"impact_minimum_gbp": "200000"}, "The minimum cost must not be more than the most likely cost"),
    ({"impact_maximum_gbp": "100000"}, "The maximum cost must not be less than the most likely cost"),
    ({"council_share": "1.2"}, "The council&#x27;s share must be between 0 and 1, for example 0.4 for 40%"),
    ({"council_share": ""}, "Enter the council&#x27;s share of this shared risk, between 0 and 1"),
    ({"category": "999999"}, "Select a category from the list"),
    ({"category": "landAvailabilty"}, "Select a category from the list"),
    ({"status": "materialised"}, "Enter what the risk actually cost, in pounds (0 if nothing)"),
    (
        {"distribution": ""},
        "Select the shape of the cost range, or leave all the quantification fields blank",
    ),
    ({"inherent_likelihood": "6"}, "Select the likelihood before controls from 1 to 5"),
    ({"title": ""}, "Enter a short title for the risk"),
]


@pytest.mark.parametrize(("changes", "message"), BAD_INPUT)
def test_bad_risk_input_gets_a_specific_message_and_saves_nothing(
    world: World, editor: User, changes: dict[str, str], message: str
) -> None:
    response = client_for(editor).post(
        reverse("risks:create", args=[world.ours.pk]), risk_post_data(**changes)
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert message in content
    assert not Risk.objects.exists()


def test_editor_adds_a_risk_through_the_form(world: World, editor: User) -> None:
    response = client_for(editor).post(
        reverse("risks:create", args=[world.ours.pk]),
        risk_post_data(owner=str(editor.pk)),
    )
    risk = Risk.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("risks:risk", args=[world.ours.pk, risk.pk])
    assert (risk.allocation, risk.council_share, risk.probability) == (
        "shared",
        Decimal("0.4"),
        Decimal("0.3"),
    )
    page = client_for(editor).get(response["Location"]).content.decode()
    assert "Medium 6" in page
    assert "High 12" in page
    assert "A 30% chance of happening" in page
    assert "Added to the register" in page


def test_editing_a_risk_changes_its_band_and_history(world: World, editor: User) -> None:
    risk = make_risk(world.ours, owner=editor)
    data = risk_post_data(owner=str(editor.pk), residual_likelihood="5", residual_impact="4")
    response = client_for(editor).post(
        reverse("risks:edit", args=[world.ours.pk, risk.pk]), data | opened_at(risk)
    )
    assert response.status_code == 302
    page = client_for(editor).get(reverse("risks:risk", args=[world.ours.pk, risk.pk])).content.decode()
    assert "Very high 20" in page
    assert "<del>3 – possible</del>" in page


def test_actions_are_added_and_changed(world: World, editor: User) -> None:
    risk = make_risk(world.ours)
    client = client_for(editor)
    url = reverse("risks:action-create", args=[world.ours.pk, risk.pk])
    missing = client.post(url, {"description": "", "owner": "", "due_on": "", "status": ""})
    assert "Describe the action" in missing.content.decode()
    assert "Enter the due date" in missing.content.decode()
    assert not RiskAction.objects.exists()
    client.post(
        url,
        {
            "description": "Retention bonus",
            "owner": editor.pk,
            "due_on": "2026-05-01",
            "status": "not_started",
        },
    )
    action = RiskAction.objects.get()
    client.post(
        reverse("risks:action-edit", args=[world.ours.pk, risk.pk, action.pk]),
        {
            "description": "Retention bonus",
            "owner": editor.pk,
            "due_on": "2026-05-01",
            "status": "done",
            **opened_at(action),
        },
    )
    action.refresh_from_db()
    assert action.status == "done"


# ------------------------------------------------------------------------------------------------------
# Register list: filters, sort, pagination and a fixed number of queries
# ------------------------------------------------------------------------------------------------------


def _register(client: Client, partnership_pk: int, **params: str) -> str:
    response = client.get(reverse("risks:register", args=[partnership_pk]), params)
    assert response.status_code == 200
    return str(response.content.decode())


def test_register_filters_on_the_server(world: World, editor: User) -> None:
    make_risk(world.ours, title="Alpha council risk", allocation="council")
    make_risk(
        world.ours, title="Beta partner risk", allocation="partner", residual_likelihood=5, residual_impact=5
    )
    make_risk(world.ours, title="Gamma closed risk", status="closed", category_code="technology")
    make_risk(
        world.ours,
        title="Delta overdue risk",
        next_review_on=dt.date.today() - dt.timedelta(days=3),
        owner=editor,
    )
    client = client_for(editor)
    assert "Beta partner risk" in _register(client, world.ours.pk, allocation="partner")
    assert "Alpha council risk" not in _register(client, world.ours.pk, allocation="partner")
    assert "Beta partner risk" in _register(client, world.ours.pk, band="very-high")
    assert "Alpha council risk" not in _register(client, world.ours.pk, band="very-high")
    assert "Gamma closed risk" in _register(
        client, world.ours.pk, category=str(risk_category("technology").pk)
    )
    only_open = _register(client, world.ours.pk, status="open")
    assert "Gamma closed risk" not in only_open
    assert "Alpha council risk" in only_open
    overdue = _register(client, world.ours.pk, overdue="on")
    assert "Delta overdue risk" in overdue
    assert "Alpha council risk" not in overdue
    assert "Delta overdue risk" in _register(client, world.ours.pk, owner=str(editor.pk))
    assert "Alpha council risk" not in _register(client, world.ours.pk, owner=str(editor.pk))
    cell = _register(client, world.ours.pk, position="residual", likelihood="5", impact="5")
    assert "Beta partner risk" in cell
    assert "Alpha council risk" not in cell
    assert "Alpha council risk" in _register(client, world.ours.pk, search="alpha")


def test_register_sorts_by_current_score(world: World, editor: User) -> None:
    make_risk(world.ours, title="Low one", residual_likelihood=1, residual_impact=1)
    make_risk(world.ours, title="Top one", residual_likelihood=5, residual_impact=4)
    page = _register(client_for(editor), world.ours.pk, sort="residual")
    assert page.index("Top one") < page.index("Low one")
    page = _register(client_for(editor), world.ours.pk, sort="number")
    assert page.index("Low one") < page.index("Top one")


def test_register_paginates_and_its_query_count_does_not_grow(world: World, editor: User) -> None:
    client = client_for(editor)
    for _ in range(3):
        make_risk(world.ours, owner=editor)
    url = reverse("risks:register", args=[world.ours.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"sort": "residual"})
    for _ in range(45):
        make_risk(world.ours, owner=world.users[Role.ADMINISTRATOR])
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, {"sort": "residual"})
    assert len(many.captured_queries) == len(few.captured_queries)
    assert "Showing 1 to 20 of 48" in response.content.decode()
    assert "Showing 41 to 48 of 48" in client.get(url, {"page": 3}).content.decode()


# ------------------------------------------------------------------------------------------------------
# Heat map, allocation matrix, reviews due
# ------------------------------------------------------------------------------------------------------


def test_heat_map_counts_open_risks_by_position(world: World, editor: User) -> None:
    make_risk(world.ours, inherent_likelihood=5, inherent_impact=5, residual_likelihood=2, residual_impact=3)
    make_risk(world.ours, inherent_likelihood=5, inherent_impact=5, residual_likelihood=2, residual_impact=3)
    make_risk(world.ours, inherent_likelihood=3, inherent_impact=2, residual_likelihood=1, residual_impact=1)
    make_risk(world.ours, inherent_likelihood=5, inherent_impact=5, status="closed")
    inherent = selectors.heat_map(world.ours, position="inherent")
    residual = selectors.heat_map(world.ours, position="residual")
    cell = {(c.likelihood, c.impact): c for row in inherent.rows for c in row.cells}
    assert cell[(5, 5)].count == 2
    assert cell[(5, 5)].band == "very high"
    assert cell[(3, 2)].count == 1
    assert cell[(3, 2)].band == "medium"
    assert inherent.total == residual.total == 3
    assert sum(c.count for row in residual.rows for c in row.cells) == 3
    assert {name: count for name, _, count in residual.by_band} == {
        "low": 1,
        "medium": 2,
        "high": 0,
        "very high": 0,
    }
    assert [row.likelihood for row in inherent.rows] == [5, 4, 3, 2, 1]
    page = client_for(editor).get(reverse("risks:heat-map", args=[world.ours.pk])).content.decode()
    assert '>2</span><span class="govuk-visually-hidden"> risks with likelihood 5 and impact 5' in page
    assert "position=inherent&amp;likelihood=5&amp;impact=5" in page
    assert "Very high 25" in page


def test_allocation_matrix_counts_and_expected_values_add_up(world: World, editor: User) -> None:
    # PERT mean of 10k/40k/100k is 45,000; expected cost at p = 0.5 is 22,500.
    make_risk(world.ours, allocation="council")
    make_risk(world.ours, allocation="partner")
    make_risk(world.ours, allocation="shared", council_share=Decimal("0.4"), category_code="financial")
    make_risk(world.ours, allocation="council", quantified=False, category_code="financial")
    make_risk(world.ours, allocation="council", status="materialised", actual_cost_gbp=Decimal(1))
    matrix = selectors.allocation_matrix(world.ours)
    assert matrix.grand_total.count == 4
    assert [cell.count for cell in matrix.totals] == [2, 1, 1]
    assert sum(row.total.count for row in matrix.rows) == matrix.grand_total.count
    assert matrix.grand_total.quantified == 3
    assert matrix.grand_total.expected_gbp == pytest.approx(3 * 22_500)
    assert matrix.grand_total.council_expected_gbp == pytest.approx(22_500 + 0.4 * 22_500)
    for position in range(3):
        assert sum(row.cells[position].expected_gbp for row in matrix.rows) == pytest.approx(
            matrix.totals[position].expected_gbp
        )
    page = client_for(world.users[Role.COUNCIL_VIEWER]).get(reverse("risks:allocation", args=[world.ours.pk]))
    assert "£67,500" in page.content.decode()
    assert "£31,500" in page.content.decode()
    page = client_for(world.users[Role.PARTNER_USER]).get(reverse("risks:allocation", args=[world.ours.pk]))
    assert "£67,500" not in page.content.decode()
    assert "£31,500" not in page.content.decode()


def test_allocation_matrix_query_count_does_not_grow(world: World, editor: User) -> None:
    client = client_for(editor)
    url = reverse("risks:allocation", args=[world.ours.pk])
    make_risk(world.ours)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for code in ("technology", "financial", "staffAndTupe", "forceMajeure"):
        make_risk(world.ours, category_code=code, allocation="partner")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_reviews_due_lists_overdue_and_due_soon_open_risks(world: World, editor: User) -> None:
    today = dt.date.today()
    make_risk(world.ours, title="Late one", next_review_on=today - dt.timedelta(days=10))
    make_risk(world.ours, title="Soon one", next_review_on=today + dt.timedelta(days=5))
    make_risk(world.ours, title="Later one", next_review_on=today + dt.timedelta(days=90))
    make_risk(world.ours, title="Closed one", next_review_on=today - dt.timedelta(days=10), status="closed")
    page = client_for(editor).get(reverse("risks:reviews-due", args=[world.ours.pk])).content.decode()
    assert "Late one" in page
    assert "Soon one" in page
    assert "Later one" not in page
    assert "Closed one" not in page
    assert page.index("Late one") < page.index("Soon one")
    assert "Overdue" in page
    assert "Due soon" in page
