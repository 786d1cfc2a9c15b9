"""Payment pages: the mechanism form and its band tables, statements for council and partner, query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forbetter.accounts.models import Role, User
from forbetter.payments import services
from forbetter.payments.models import PaymentMechanism, PaymentStatement, ReliefEvent, StatementStatus
from forbetter.performance import services as performance_services
from forbetter.performance.models import ReturnStatus
from tests.conftest import World
from tests.factories import client_for, make_kpi, make_kpi_return, make_payment_mechanism
from tests.web.edit_versions import opened_at

pytestmark = pytest.mark.django_db
APRIL = dt.date(2024, 4, 1)


def url(name: str, world: World, **kwargs: Any) -> str:
    return reverse(f"payments:{name}", kwargs={"pk": world.ours.pk, **kwargs})


def _formset(prefix: str, rows: list[tuple[Any, Any, Any]], names: tuple[str, str, str]) -> dict[str, str]:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        for name, value in zip(names, row, strict=True):
            data[f"{prefix}-{index}-{name}"] = "" if value is None else str(value)
    return data


def _mechanism_post(bands: list[tuple[Any, Any, Any]], **changes: str) -> dict[str, str]:
    data = {
        "effective_from": "2024-04-01",
        "monthly_charge_gbp": "100000",
        "indexed_share": "0",
        "points_threshold": "20",
        "point_value_gbp": "3",
        "cap": "0.1",
        **_formset("band", bands, ("from_point", "to_point", "multiplier")),
        **_formset("gain", [(None, None, None)], ("from_gbp", "to_gbp", "council_share")),
        **_formset("pain", [], ("from_gbp", "to_gbp", "council_share")),
    }
    data.update(changes)
    return data


GOOD_BANDS = [(21, 100, "1.0"), (101, 200, "1.2"), (201, None, "1.5"), (None, None, None)]


def test_editor_sets_up_the_mechanism_with_its_bands(world: World, editor: User) -> None:
    response = client_for(editor).post(url("mechanism-edit", world), _mechanism_post(GOOD_BANDS))
    assert response.status_code == 302
    mechanism = PaymentMechanism.objects.get()
    assert [(b.from_point, b.to_point) for b in mechanism.bands.all()] == [(21, 100), (101, 200), (201, None)]
    page = client_for(world.users[Role.PARTNER_USER]).get(url("mechanism", world)).content.decode()
    assert "201 and above" in page
    assert "10.0% of the month" in page


@pytest.mark.parametrize(
    ("bands", "changes", "message"),
    [
        (
            [(21, 100, "1"), (102, None, "1.2")],
            {},
            "Band 2: starts at 102 but the previous band ends at 100, leaving a gap: it must start at 101",
        ),
        (
            [(21, 100, "1"), (95, None, "1.2")],
            {},
            "Band 2: starts at 95 but the previous band ends at 100, overlapping it: it must start at 101",
        ),
        (
            GOOD_BANDS,
            {"cap": "1.5"},
            "The cap cannot be above 1: a month&#x27;s deductions cannot exceed its whole charge",
        ),
        ([(21, None, "x")], {}, "Band 1: Enter the multiplier as a number, for example 1.2"),
    ],
)
def test_bad_mechanisms_get_a_specific_message_and_nothing_is_saved(
    world: World, editor: User, bands: list[Any], changes: dict[str, str], message: str
) -> None:
    response = client_for(editor).post(url("mechanism-edit", world), _mechanism_post(bands, **changes))
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    assert not PaymentMechanism.objects.exists()


def test_relief_for_a_kpi_that_does_not_exist_is_refused(world: World, editor: User) -> None:
    make_payment_mechanism(world.ours)
    page = (
        client_for(editor)
        .post(
            url("reliefs", world),
            {"kpi": "99999", "month": "2024-04", "reason": "Storm", "approved_on": "2024-05-01"},
        )
        .content.decode()
    )
    assert "Select a KPI of this partnership" in page
    assert not ReliefEvent.objects.exists()


def test_statement_is_drafted_approved_and_then_seen_by_the_partner(world: World, editor: User) -> None:
    make_payment_mechanism(world.ours)
    kpi = make_kpi(world.ours, severity_points=120)
    make_kpi_return(kpi, APRIL, "80", user=editor)
    council, partner = client_for(editor), client_for(world.users[Role.PARTNER_USER])
    response = council.post(url("statements", world), {"month": "2024-04"})
    statement = PaymentStatement.objects.get()
    assert response["Location"] == url("statement", world, statement_pk=statement.pk)
    draft = council.get(url("statement", world, statement_pk=statement.pk)).content.decode()
    assert "£312.00" in draft
    assert "Approve and freeze" in draft
    assert partner.get(url("statement", world, statement_pk=statement.pk)).status_code == 403
    assert "April 2024" not in partner.get(url("statements", world)).content.decode()
    assert partner.post(url("statement-approve", world, statement_pk=statement.pk)).status_code == 403
    council.post(url("statement-approve", world, statement_pk=statement.pk))
    statement.refresh_from_db()
    assert statement.status == StatementStatus.APPROVED
    assert statement.approved_by == editor
    seen = partner.get(url("statement", world, statement_pk=statement.pk)).content.decode()
    assert "£312.00" in seen
    assert "Approve and freeze" not in seen
    assert "80 points in band 21–100 at £3.00 = £240.00" in seen
    assert "April 2024" in partner.get(url("statements", world)).content.decode()


def test_a_month_twice_gets_a_specific_message(world: World, editor: User) -> None:
    make_payment_mechanism(world.ours)
    client = client_for(editor)
    client.post(url("statements", world), {"month": "2024-04"})
    page = client.post(url("statements", world), {"month": "2024-04"}).content.decode()
    assert "There is already a statement for April 2024" in page
    assert PaymentStatement.objects.count() == 1


# ---------------------------------------------------------------------------------- query counts


def _grow(world: World, editor: User, kpis: int, months: int, *, prefix: str) -> None:
    """KPIs failing every month, and a statement for each month (alternately approved and draft)."""
    for index in range(kpis):
        kpi = make_kpi(world.ours, f"{prefix}-{index:02d}", severity_points=15)
        for offset in range(24):
            make_kpi_return(kpi, dt.date(2024, 1, 1) + relativedelta(months=offset), "80", user=editor)
    existing = set(PaymentStatement.objects.values_list("month", flat=True))
    added = 0
    for offset in range(24):
        month = dt.date(2024, 1, 1) + relativedelta(months=offset)
        if added >= months or month in existing:
            continue
        statement = services.statement_create(user=editor, partnership=world.ours, month=month)
        if offset % 2:
            services.statement_approve(user=editor, statement=statement)
        added += 1


def test_statement_pages_run_a_fixed_number_of_queries(world: World, editor: User) -> None:
    make_payment_mechanism(world.ours, ratchet_consecutive=3, ratchet_multiplier=Decimal("1.5"))
    client = client_for(editor)
    _grow(world, editor, kpis=2, months=2, prefix="A")
    draft = PaymentStatement.objects.filter(status=StatementStatus.DRAFT).first()
    approved = PaymentStatement.objects.filter(status=StatementStatus.APPROVED).first()
    assert draft is not None
    assert approved is not None
    pages = {
        "list": url("statements", world),
        "draft": url("statement", world, statement_pk=draft.pk),
        "approved": url("statement", world, statement_pk=approved.pk),
    }
    few = {}
    for name, address in pages.items():
        client.get(address)
        with CaptureQueriesContext(connection) as queries:
            client.get(address)
        few[name] = len(queries)
    _grow(world, editor, kpis=10, months=14, prefix="B")
    later = PaymentStatement.objects.filter(status=StatementStatus.DRAFT).order_by("-month").first()
    assert later is not None
    pages["draft"] = url("statement", world, statement_pk=later.pk)
    for name, address in pages.items():
        with CaptureQueriesContext(connection) as queries:
            page = client.get(address)
        assert page.status_code == 200
        assert len(queries) == few[name], name
    assert "B-09 Indicator B-09" in client.get(pages["draft"]).content.decode()


def test_approving_with_returns_not_validated_asks_for_a_reason_and_the_statement_shows_it(
    world: World, editor: User
) -> None:
    """Rule PAY-MISSING-RETURN on the page: the approve form asks for a reason when returns are pending;
    without one nothing is frozen and the message names the returns; with one, the statement shows who
    overrode, when and why."""
    make_payment_mechanism(world.ours)
    kpi = make_kpi(world.ours, severity_points=120)
    make_kpi_return(kpi, APRIL, "80", user=editor, status=ReturnStatus.DISPUTED)
    statement = services.statement_create(
        user=editor, partnership=world.ours, month=APRIL, today=dt.date(2024, 6, 1)
    )
    council = client_for(editor)
    address = url("statement", world, statement_pk=statement.pk)
    assert "Reason to approve with returns not validated" in council.get(address).content.decode()
    refused = council.post(
        url("statement-approve", world, statement_pk=statement.pk), {"override_reason": ""}
    )
    assert refused.status_code == 200
    assert "K-01 Indicator K-01: disputed" in refused.content.decode()
    statement.refresh_from_db()
    assert statement.status == StatementStatus.DRAFT
    council.post(
        url("statement-approve", world, statement_pk=statement.pk),
        {"override_reason": "Payment date reached"},
    )
    page = council.get(address).content.decode()
    assert "Approved with returns not validated" in page
    assert "Payment date reached" in page


def test_relief_page_corrects_the_reason_and_withdraws_with_history(world: World, editor: User) -> None:
    make_payment_mechanism(world.ours)
    kpi = make_kpi(world.ours, severity_points=50)
    relief = services.relief_create(
        user=editor, partnership=world.ours, kpi_id=kpi.pk, month=APRIL, reason="Storm", approved_on=APRIL
    )
    council = client_for(editor)
    address = url("relief", world, relief_pk=relief.pk)
    missing = council.post(address, {"action": "withdraw", "withdraw-withdrawal_reason": ""})
    assert "Enter why the relief is withdrawn" in missing.content.decode()
    council.post(
        address,
        {
            "action": "correct",
            "correct-reason": "Named storm",
            "correct-why": "Typo",
            **opened_at(relief, prefix="correct"),
        },
    )
    council.post(
        address, {"action": "withdraw", "withdraw-withdrawal_reason": "Not a relief event after all"}
    )
    relief.refresh_from_db()
    assert (relief.reason, relief.withdrawal_reason) == ("Named storm", "Not a relief event after all")
    page = council.get(address).content.decode()
    assert "Withdrawn" in page
    assert "Corrected: Typo" in page
    assert "Withdraw the relief" not in page


def test_change_of_charge_page_saves_a_dated_change_and_refuses_a_frozen_month(
    world: World, editor: User
) -> None:
    make_payment_mechanism(world.ours)
    services.statement_approve(
        user=editor,
        statement=services.statement_create(
            user=editor, partnership=world.ours, month=APRIL, today=dt.date(2024, 6, 1)
        ),
    )
    council = client_for(editor)
    refused = council.post(
        url("charge-change", world), {"effective_from": "2024-04", "monthly_charge_gbp": "1", "reason": "V1"}
    )
    assert "approved and frozen" in refused.content.decode()
    council.post(
        url("charge-change", world),
        {"effective_from": "2024-06", "monthly_charge_gbp": "120000", "reason": "Variation 7"},
    )
    page = council.get(url("mechanism", world)).content.decode()
    assert "£120,000.00 from June 2024 (Variation 7)" in page


def test_statement_pages_keep_their_query_count_when_adjustments_are_pending(
    world: World, editor: User
) -> None:
    """Item 11: late failures are found in a fixed number of queries, so a pending adjustment does not add
    queries to the list or the draft page."""
    make_payment_mechanism(world.ours)
    kpi = make_kpi(world.ours, "L-1", severity_points=40)
    record = make_kpi_return(kpi, dt.date(2024, 1, 1), "80", user=editor, status=ReturnStatus.DISPUTED)
    january = services.statement_create(user=editor, partnership=world.ours, month=dt.date(2024, 1, 1))
    services.statement_approve(user=editor, statement=january, override_reason="Dispute open")
    february = services.statement_create(user=editor, partnership=world.ours, month=dt.date(2024, 2, 1))
    make_kpi_return(kpi, dt.date(2024, 2, 1), "99", user=editor)
    client = client_for(editor)
    pages = [url("statements", world), url("statement", world, statement_pk=february.pk)]
    before = []
    for address in pages:
        client.get(address)
        with CaptureQueriesContext(connection) as queries:
            client.get(address)
        before.append(len(queries))
    performance_services.return_validate(user=editor, kpi_return=record)
    after = []
    for address in pages:
        with CaptureQueriesContext(connection) as queries:
            page = client.get(address)
        after.append(len(queries))
    assert "Adjustment for January 2024" in page.content.decode()
    assert after == before
