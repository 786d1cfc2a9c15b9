"""Input that is never silently changed or lost, through the pages people use (issue 9, items 14 and 15).

Rules INPUT-NUMBER-AS-TYPED, INPUT-LIST-AS-TYPED, INPUT-DATE-PLAUSIBLE and INPUT-TEXT-LIMIT live in
:mod:`forbetter.core.forms`; KPI-PERCENT-RANGE in :mod:`forbetter.performance.rules`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from forbetter.accounts.models import Role, User
from forbetter.appraisal.models import BudgetYear
from forbetter.partnerships.models import Partnership, TaskStatus
from forbetter.payments.models import ReliefEvent
from forbetter.performance.models import Kpi, KpiReturn
from tests.conftest import World
from tests.factories import client_for, make_contract_live, make_kpi, pdf
from tests.web.edit_versions import opened_at
from tests.web.test_appraisal_services import build_version
from tests.web.test_appraisal_views import settings_data, version_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


# ------------------------------------------------------------------------------ numbers as people type them


def test_rule_input_list_as_typed_budget_of_10_000_000_is_ten_million_not_10_0_0(
    world: World, editor: User
) -> None:
    """Issue 9 item 14: "10,000,000" typed as the budget was split on its commas and saved as £10, £0, £0
    without a word. Commas that group thousands now keep the amount whole."""
    version = build_version(editor, world.ours)
    response = client_for(editor).post(
        version_url("version-settings", version),
        settings_data(budget="10,000,000; 10,250,000\n£10.5m") | opened_at(version),
    )
    assert response.status_code == 302
    amounts = list(
        BudgetYear.objects.filter(version=version).order_by("year").values_list("amount_gbp", flat=True)
    )
    assert amounts == [Decimal("10000000"), Decimal("10250000"), Decimal("10500000")]


def test_rule_input_number_as_typed_reads_the_estimated_value_with_commas_and_pound_sign(
    world: World, editor: User
) -> None:
    url = reverse("partnerships:edit", args=[world.ours.pk])
    base = {"name": world.ours.name, "councils": [world.council_a.pk], "vehicle": "contract"}
    base["value_basis"] = "total_contract_value"
    for typed, saved in (
        ("£120,000,000", Decimal("120000000")),
        ("£1.2m", Decimal("1200000")),
        ("1 200", 1200),
    ):
        response = client_for(editor).post(
            url, {**base, **opened_at(world.ours), "estimated_value_gbp": typed}
        )
        assert response.status_code == 302, typed
        world.ours.refresh_from_db()
        assert world.ours.estimated_value_gbp == saved, typed
    response = client_for(editor).post(url, {**base, **opened_at(world.ours), "estimated_value_gbp": "1,20"})
    assert "use commas only to group thousands" in response.content.decode()
    world.ours.refresh_from_db()
    assert world.ours.estimated_value_gbp == Decimal(1200)


@pytest.mark.parametrize("typed", ["NaN", "Infinity", "1e400", "99999999999999999999"])
def test_unreadable_or_huge_numbers_get_a_message_not_a_500(world: World, editor: User, typed: str) -> None:
    url = reverse("partnerships:edit", args=[world.ours.pk])
    data = {"name": world.ours.name, "councils": [world.council_a.pk], "vehicle": "contract"}
    response = client_for(editor).post(
        url, {**data, "value_basis": "annual_charge", "estimated_value_gbp": typed}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


# --------------------------------------------------------------------------------------- KPI-PERCENT-RANGE


def _submit(partner: User, partnership: Partnership, kpi: Kpi, value: str) -> Any:
    data = {"kpi": str(kpi.pk), "period": "2024-04", "value": value, "evidence": pdf(), "commentary": ""}
    make_contract_live(partnership)  # returns start when the KPI is agreed and the contract is live
    return client_for(partner).post(reverse("performance:return-submit", args=[partnership.pk]), data)


@pytest.mark.parametrize("value", ["150", "-5", "100.01"])
def test_rule_kpi_percent_range_refuses_a_percent_value_outside_0_to_100(world: World, value: str) -> None:
    """A KPI in % is a share: 150% or −5% is a slip, refused with a message, and nothing is saved."""
    kpi = make_kpi(world.ours, unit="%")
    response = _submit(world.users[Role.PARTNER_USER], world.ours, kpi, value)
    page = response.content.decode()
    assert "it must be between 0 and 100" in page
    assert not KpiReturn.objects.exists()


def test_rule_kpi_percent_range_allows_beyond_100_when_the_kpi_says_so(world: World) -> None:
    kpi = make_kpi(
        world.ours, "PC-1", unit="%", percent_beyond_range=True, target=Decimal(5), failure_threshold=None
    )
    response = _submit(world.users[Role.PARTNER_USER], world.ours, kpi, "150")
    assert response.status_code == 302
    assert KpiReturn.objects.get().value == Decimal(150)


def test_rule_kpi_percent_range_applies_to_the_kpis_own_target(world: World, editor: User) -> None:
    from django.core.exceptions import ValidationError

    from forbetter.performance import services

    kpi = make_kpi(world.ours)
    with pytest.raises(ValidationError) as caught:
        services.kpi_update(
            user=editor, kpi=kpi, data={"target": Decimal(150), "failure_threshold": Decimal(90)}
        )
    assert "The target is in %, so it must be between 0 and 100, not 150" in str(caught.value)


# ------------------------------------------------------------------------------------- INPUT-DATE-PLAUSIBLE


def _relief_setup(world: World, editor: User) -> tuple[Kpi, str]:
    from tests.factories import make_payment_mechanism

    world.ours.contract_management_began_on = dt.date(2023, 4, 1)
    world.ours.term_years = 10
    world.ours.save()
    kpi = make_kpi(world.ours)
    make_payment_mechanism(world.ours, effective_from=dt.date(2023, 4, 1))
    return kpi, reverse("payments:reliefs", args=[world.ours.pk])


@pytest.mark.parametrize(
    ("month", "approved_on", "field", "message"),
    [
        ("2020-05", "2024-01-10", "month", "on or after 1 April 2023: the service began in April 2023"),
        ("2099-01", "2024-01-10", "month", "on or before 31 March 2033: the contract"),
        ("2024-01", "2099-01-10", "approved_on", "must be today or in the past"),
        ("2024-01", "9999-12-31", "approved_on", "between 1990 and 2100"),
        ("0000-01", "2024-01-10", "month", "is not a month"),
    ],
)
def test_rule_input_date_plausible_relief_dates_lie_in_the_contracts_life(
    world: World, editor: User, month: str, approved_on: str, field: str, message: str
) -> None:
    """Relief in 2020 for a contract that began in 2023, a month in 2099, an approval not yet given, year
    0000 or 9999: each refused with a message naming the window, and nothing saved."""
    kpi, url = _relief_setup(world, editor)
    data = {"kpi": str(kpi.pk), "month": month, "reason": "Storm", "approved_on": approved_on}
    response = client_for(editor).post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ReliefEvent.objects.exists()


def test_stage_gate_decisions_and_documents_are_not_dated_in_the_future(world: World, editor: User) -> None:
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    response = client_for(editor).post(
        reverse("partnerships:gate", args=[world.ours.pk]),
        {"decided_on": future, "delivery_confidence": "green", "commentary": "Go"},
    )
    assert "The date of the decision must be today or in the past" in response.content.decode()
    assert not world.ours.gates.exists()


# ----------------------------------------------------------------------------------------- INPUT-TEXT-LIMIT


def test_rule_input_text_limit_refuses_a_100000_character_note_naming_the_limit(
    world: World, editor: User
) -> None:
    """Issue 9 item 15: a 100,000-character note was saved and rendered 1.37 million pixels wide. Notes are
    limited to 10,000 characters and the message names the limit and what was typed."""
    task = world.ours.tasks.order_by("pk").first()
    assert task is not None
    url = reverse("partnerships:task-edit", args=[world.ours.pk, task.pk])
    response = client_for(editor).post(
        url, {"status": "in_progress", "evidence_notes": "x" * 100_000, **opened_at(task)}
    )
    page = response.content.decode()
    assert "Evidence notes must be 10,000 characters or fewer; you entered 100,000 characters" in page
    task.refresh_from_db()
    assert (task.status, task.evidence_notes) == (TaskStatus.NOT_STARTED, "")
    response = client_for(editor).post(
        url, {"status": "in_progress", "evidence_notes": "x" * 10_000, **opened_at(task)}
    )
    assert response.status_code == 302


def test_long_unbroken_text_wraps_on_pages() -> None:
    """A long word (a pasted link, a note without spaces) wraps instead of widening the page."""
    css = (Path(__file__).parents[2] / "forbetter/static/forbetter/forbetter.css").read_text()
    assert ".govuk-main-wrapper { overflow-wrap: break-word; }" in css
    assert ".govuk-main-wrapper .govuk-summary-list__value" in css


def test_rule_input_date_plausible_task_due_dates_fall_within_the_partnership(
    world: World, editor: User
) -> None:
    """A due date of 2099 for a contract that ends in 2033 is a slip: refused, naming the contract's end."""
    world.ours.planned_start_on, world.ours.term_years = dt.date(2023, 4, 1), 10
    world.ours.save()
    task = world.ours.tasks.order_by("pk").first()
    assert task is not None
    url = reverse("partnerships:task-edit", args=[world.ours.pk, task.pk])
    response = client_for(editor).post(url, {"status": "in_progress", "due_on": "2099-01-31"})
    assert "The due date must be on or before 31 March 2033: the contract" in response.content.decode()
    task.refresh_from_db()
    assert task.due_on is None


def test_rule_input_number_as_typed_in_benchmark_csv_refuses_a_decimal_comma(world: World) -> None:
    """A comparator's "94,5" (a decimal comma) was read as 945 by dropping the comma; it is refused now,
    while "1,200" still reads as 1200."""
    from forbetter.performance import benchmarks

    kpi = make_kpi(world.ours, unit="calls")
    text = 'council,period,value,source\nHartwell,2024-01,"94,5",Club\nKingsmere,2024-01,"1,200",Club\n'
    preview = benchmarks.parse(kpi, text)
    assert [(e.row, e.column) for e in preview.errors] == [(2, "value")]
    assert "use commas only to group thousands" in preview.errors[0].message


def test_rule_kpi_percent_range_applies_to_comparator_values_too(world: World) -> None:
    from forbetter.performance import benchmarks

    kpi = make_kpi(world.ours, unit="%")
    text = "council,period,value,source\nHartwell,2024-01,150,Club\nKingsmere,2024-01,97,Club\n"
    preview = benchmarks.parse(kpi, text)
    assert [(e.row, e.column, e.message) for e in preview.errors] == [
        (2, "value", "value 150 is outside 0 to 100, and this KPI is in %")
    ]
