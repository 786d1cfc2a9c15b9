"""Client-side capacity: the team plan, actuals against the plan and the business case, the procurement
budget, advisers and the team's cost share of the contract; bad input refused with a specific message and
nothing saved; council-confidential (partner users get 403)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from forbetter.accounts.models import Role, User
from forbetter.appraisal.models import (
    AppraisalOption,
    BusinessCase,
    BusinessCaseVersion,
    CashflowLine,
    CashflowValue,
    OptionKind,
    PriceBase,
    VersionStatus,
)
from forbetter.calc.capacity import year_label
from forbetter.calc.dates import financial_year
from forbetter.capacity import selectors, services
from forbetter.capacity.models import Adviser, CapacityTarget, ProcurementBudgetLine, ResourceActual, TeamRole
from forbetter.capacity.services import NO_COST
from forbetter.partnerships.evidence import candidates_for, is_council_only, matching_candidates
from forbetter.payments.models import PaymentStatement, StatementStatus
from tests.conftest import World
from tests.factories import client_for

pytestmark = pytest.mark.django_db

PAGES = ("team", "actuals", "procurement", "advisers", "contract")
FORMS = ("role-create", "actual-create", "budget-create", "adviser-create", "target-edit")


def _url(name: str, world: World, *args: Any) -> str:
    return reverse(f"capacity:{name}", args=[world.ours.pk, *args])


def _post(data: dict[str, Any]) -> dict[str, str]:
    return {key: "" if value is None else str(value) for key, value in data.items()}


def _role_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Contract manager",
        "grade": "Grade 10",
        "fte": Decimal(1),
        "cost_per_year_gbp": Decimal(70000),
        "first_year": 2024,
        "last_year": 2026,
        "holder": "",
        "responsibilities": "",
        "skills_needed": "Contract law\nNegotiation",
        "skills_held": "negotiation",
    }
    data.update(changes)
    return data


def _adviser_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "adviser_type": "legal",
        "firm": "Pemberton Clarke",
        "provision": "external",
        "fees_gbp": Decimal(90000),
        "days": Decimal(60),
        "work": "",
        "value_note": "Secured the exit terms",
    }
    data.update(changes)
    return data


def _statements(world: World, editor: User, payable: dict[dt.date, Decimal]) -> None:
    for month, amount in payable.items():
        PaymentStatement.objects.create(
            partnership=world.ours,
            month=month,
            status=StatementStatus.APPROVED,
            payable_gbp=amount,
            created_by=editor,
        )


def _months(start: dt.date, count: int) -> list[dt.date]:
    months = []
    year, month = start.year, start.month
    for _ in range(count):
        months.append(dt.date(year, month, 1))
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return months


def _frozen_case(world: World, *, category: str = "client_side", prices: str = PriceBase.REAL) -> None:
    case = BusinessCase.objects.create(partnership=world.ours, title="Business case")
    version = BusinessCaseVersion.objects.create(
        business_case=case,
        number=1,
        price_base_year=2024,
        status=VersionStatus.FROZEN,
        freeze_reason="Approved",
        frozen_at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC),
    )
    AppraisalOption.objects.create(version=version, name="In-house", kind=OptionKind.IN_HOUSE_AS_NOW, years=3)
    option = AppraisalOption.objects.create(version=version, name="Partnership", kind=OptionKind.SSP, years=3)
    line = CashflowLine.objects.create(option=option, label="Client team", category=category, prices=prices)
    for year, amount in enumerate((600000, 650000, 650000)):
        CashflowValue.objects.create(line=line, year=year, amount_gbp=Decimal(amount))


# ------------------------------------------------------------------------------------------------------
# Team plan
# ------------------------------------------------------------------------------------------------------


def test_a_team_role_without_a_cost_gets_its_message_and_nothing_is_saved(world: World, editor: User) -> None:
    response = client_for(editor).post(_url("role-create", world), _post(_role_data(cost_per_year_gbp=None)))
    assert response.status_code == 200
    assert escape(NO_COST) in response.content.decode()
    assert not TeamRole.objects.exists()
    with pytest.raises(ValidationError) as refused:
        services.role_save(user=editor, partnership=world.ours, data=_role_data(cost_per_year_gbp=None))
    assert refused.value.message_dict == {"cost_per_year_gbp": [NO_COST]}
    assert not TeamRole.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Enter the role's title"),
        ({"fte": None}, "fte", "Enter the role's full-time equivalents"),
        ({"fte": Decimal(0)}, "fte", "Full-time equivalents must be more than 0"),
        ({"cost_per_year_gbp": Decimal(-1)}, "cost_per_year_gbp", "The cost per year cannot be negative"),
        ({"first_year": None}, "first_year", "Enter the first financial year the role is needed"),
        ({"last_year": None}, "last_year", "Enter the last financial year the role is needed"),
        (
            {"first_year": 2026, "last_year": 2025},
            "last_year",
            "The last year (2025/26) cannot be before the first year (2026/27)",
        ),
    ],
)
def test_a_bad_role_is_refused_with_its_message_and_nothing_saved(
    world: World, editor: User, changes: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.role_save(user=editor, partnership=world.ours, data=_role_data(**changes))
    assert refused.value.message_dict[field][0].startswith(message)
    assert not TeamRole.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"fte": "0"}, "Full-time equivalents must be more than 0"),
        ({"fte": "a lot"}, "Full-time equivalents must be a number, like 1 or 0.5"),
        ({"first_year": "2026", "last_year": "2025"}, "cannot be before the first year"),
        ({"first_year": "1800"}, "The first year must be 1990 or later"),
        ({"cost_per_year_gbp": "-5"}, "Cost per year cannot be negative"),
    ],
)
def test_a_bad_role_through_the_page_gets_its_message_and_nothing_saved(
    world: World, editor: User, changes: dict[str, str], message: str
) -> None:
    response = client_for(editor).post(_url("role-create", world), {**_post(_role_data()), **changes})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TeamRole.objects.exists()


def test_the_plan_costs_each_year_from_its_roles_and_shows_skill_gaps(world: World, editor: User) -> None:
    client = client_for(editor)
    assert client.post(_url("role-create", world), _post(_role_data())).status_code == 302
    services.role_save(
        user=editor,
        partnership=world.ours,
        data=_role_data(
            title="Analyst", cost_per_year_gbp=Decimal(45000), fte=Decimal("0.5"), first_year=2026
        ),
    )
    plan = selectors.plan_years(selectors.roles(world.ours))
    assert [(p.year, p.cost_gbp, p.fte) for p in plan] == [
        (2024, Decimal(70000), Decimal(1)),
        (2025, Decimal(70000), Decimal(1)),
        (2026, Decimal(115000), Decimal("1.5")),
    ]
    page = client.get(_url("team", world)).content.decode()
    assert "£115,000" in page
    assert "1 gap" in page
    assert "Contract law" in page
    assert "2024/25 to 2026/27" in page


def test_removing_a_role_asks_first_and_keeps_its_history(world: World, editor: User) -> None:
    role = services.role_save(user=editor, partnership=world.ours, data=_role_data())
    client = client_for(editor)
    url = _url("role-remove", world, role.pk)
    assert client.post(url, {}).status_code == 200
    assert TeamRole.objects.exists()
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert not TeamRole.objects.exists()
    assert TeamRole.history.filter(id=role.pk, history_type="-").exists()


def test_a_role_is_changed_only_within_its_partnership(world: World, editor: User) -> None:
    role = services.role_save(user=editor, partnership=world.theirs, data=_role_data())
    assert client_for(editor).get(_url("role-edit", world, role.pk)).status_code == 404


# ------------------------------------------------------------------------------------------------------
# Actuals against the plan and the business case
# ------------------------------------------------------------------------------------------------------


def test_actuals_against_the_plan_show_the_variance_per_year(world: World, editor: User) -> None:
    services.role_save(user=editor, partnership=world.ours, data=_role_data())
    services.actual_save(
        user=editor,
        partnership=world.ours,
        data={"year": 2025, "cost_gbp": Decimal(77000), "fte": Decimal(1)},
    )
    rows = selectors.actual_rows(
        selectors.plan_years(selectors.roles(world.ours)), selectors.actuals(world.ours)
    )
    by_year = {row.year: row for row in rows}
    assert by_year[2025].cost.variance_gbp == Decimal(7000)
    assert by_year[2025].cost.variance_share == Decimal("0.1")
    assert by_year[2024].cost.actual_gbp is None
    page = client_for(world.users[Role.COUNCIL_VIEWER]).get(_url("actuals", world)).content.decode()
    assert "£7,000 over (10.0%)" in page
    assert "Not recorded" in page
    assert "no frozen business case" in page


def test_the_year_under_way_is_marked_to_date(world: World, editor: User) -> None:
    """The current financial year's actual is only what has been recorded so far."""
    this_year = financial_year(dt.date.today())
    services.role_save(user=editor, partnership=world.ours, data=_role_data())
    for year in (this_year - 1, this_year):
        services.actual_save(
            user=editor,
            partnership=world.ours,
            data={"year": year, "cost_gbp": Decimal(50000), "fte": Decimal(1)},
        )
    page = client_for(world.users[Role.COUNCIL_VIEWER]).get(_url("actuals", world)).content.decode()
    assert f"{year_label(this_year)} (to date)" in page
    assert f"{year_label(this_year - 1)} (to date)" not in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"year": None, "cost_gbp": Decimal(1), "fte": Decimal(1)}, "year", "Enter the financial year"),
        (
            {"year": 2025, "cost_gbp": None, "fte": Decimal(1)},
            "cost_gbp",
            "Enter what the client team actually",
        ),
        (
            {"year": 2025, "cost_gbp": Decimal(1), "fte": None},
            "fte",
            "Enter the client team's actual full-time",
        ),
        (
            {"year": 2024, "cost_gbp": Decimal(1), "fte": Decimal(1)},
            "year",
            "Actuals for 2024/25 are already",
        ),
    ],
)
def test_bad_actuals_are_refused_with_their_message_and_nothing_saved(
    world: World, editor: User, data: dict[str, Any], field: str, message: str
) -> None:
    services.actual_save(
        user=editor, partnership=world.ours, data={"year": 2024, "cost_gbp": Decimal(5), "fte": Decimal(1)}
    )
    with pytest.raises(ValidationError) as refused:
        services.actual_save(user=editor, partnership=world.ours, data=data)
    assert refused.value.message_dict[field][0].startswith(message)
    assert ResourceActual.objects.count() == 1


def test_the_business_case_client_side_line_is_compared_with_actuals_by_financial_year(
    world: World, editor: User
) -> None:
    _frozen_case(world)
    services.actual_save(
        user=editor,
        partnership=world.ours,
        data={"year": 2025, "cost_gbp": Decimal(715000), "fte": Decimal(6)},
    )
    line = selectors.business_case_line(world.ours, "client_side")
    assert line is not None
    assert line.by_year == {2024: Decimal(600000), 2025: Decimal(650000), 2026: Decimal(650000)}
    assert line.option.name == "Partnership"
    rows = {row.year: row for row in selectors.against_business_case(line, selectors.actuals(world.ours))}
    assert rows[2025].variance_gbp == Decimal(65000)
    page = client_for(editor).get(_url("actuals", world)).content.decode()
    assert "real prices of 2024/25" in page
    assert "£65,000 over (10.0%)" in page
    assert "year t is the financial year 2024 + t" in page


def test_a_nominal_business_case_line_says_so(world: World) -> None:
    _frozen_case(world, prices=PriceBase.NOMINAL)
    line = selectors.business_case_line(world.ours, "client_side")
    assert line is not None
    assert line.prices_words.startswith("nominal (cash) prices")
    assert selectors.business_case_line(world.ours, "procurement") is None


# ------------------------------------------------------------------------------------------------------
# Procurement budget
# ------------------------------------------------------------------------------------------------------


def test_the_procurement_budget_shows_variance_by_category_and_the_business_case_line(
    world: World, editor: User
) -> None:
    _frozen_case(world, category="procurement")
    for category, budget, actual in (("advisers", 600000, 655000), ("legal", 180000, None)):
        services.budget_line_save(
            user=editor,
            partnership=world.ours,
            data={
                "category": category,
                "budget_gbp": Decimal(budget),
                "actual_gbp": None if actual is None else Decimal(actual),
            },
        )
    rows = selectors.budget_rows(world.ours)
    totals = selectors.budget_totals(rows)
    assert totals["budget_gbp"] == Decimal(780000)
    assert totals["variance"].variance_gbp == Decimal(55000)
    page = client_for(editor).get(_url("procurement", world)).content.decode()
    assert "Over budget" in page
    assert "None yet" in page
    assert "£1,900,000 in all" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"category": "", "budget_gbp": Decimal(1)}, "category", "Choose the category of spending"),
        ({"category": "other", "budget_gbp": None}, "budget_gbp", "Enter the budget for the category"),
        ({"category": "legal", "budget_gbp": Decimal(1)}, "category", "There is already a budget for Legal"),
        ({"category": "other", "budget_gbp": Decimal(-1)}, "budget_gbp", "Ensure this value"),
    ],
)
def test_a_bad_budget_line_is_refused_with_its_message_and_nothing_saved(
    world: World, editor: User, data: dict[str, Any], field: str, message: str
) -> None:
    services.budget_line_save(
        user=editor, partnership=world.ours, data={"category": "legal", "budget_gbp": Decimal(5)}
    )
    with pytest.raises(ValidationError) as refused:
        services.budget_line_save(user=editor, partnership=world.ours, data=data)
    assert refused.value.message_dict[field][0].startswith(message)
    assert ProcurementBudgetLine.objects.count() == 1


def test_a_negative_budget_through_the_page_gets_the_forms_message(world: World, editor: User) -> None:
    response = client_for(editor).post(
        _url("budget-create", world), {"category": "other", "budget_gbp": "-5"}
    )
    assert "Budget cannot be negative" in response.content.decode()
    assert not ProcurementBudgetLine.objects.exists()


# ------------------------------------------------------------------------------------------------------
# Advisers
# ------------------------------------------------------------------------------------------------------


def test_adviser_figures_total_by_type_cost_per_day_and_in_house_share(world: World, editor: User) -> None:
    client = client_for(editor)
    assert client.post(_url("adviser-create", world), _post(_adviser_data())).status_code == 302
    services.adviser_save(
        user=editor,
        partnership=world.ours,
        data=_adviser_data(adviser_type="financial", provision="in_house", fees_gbp=Decimal(30000), days=40),
    )
    page = client.get(_url("advisers", world)).content.decode()
    assert "£120,000: financial £30,000, legal £90,000." in page
    assert "25% in-house (£30,000), 75% external (£90,000)" in page
    assert "£1,500" in page  # 90,000 / 60 days
    assert "£1,200: the fees" in page  # 120,000 / 100 days


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"adviser_type": ""}, "adviser_type", "Choose the type of adviser"),
        ({"firm": " "}, "firm", "Enter the firm"),
        ({"provision": ""}, "provision", "Choose whether the advice was in-house or external"),
        ({"fees_gbp": None}, "fees_gbp", "Enter the fees"),
        ({"value_note": ""}, "value_note", "Say what value the advice gave"),
    ],
)
def test_a_bad_adviser_is_refused_with_its_message_and_nothing_saved(
    world: World, editor: User, changes: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.adviser_save(user=editor, partnership=world.ours, data=_adviser_data(**changes))
    assert refused.value.message_dict[field][0].startswith(message)
    assert not Adviser.objects.exists()


# ------------------------------------------------------------------------------------------------------
# Cost share of the contract
# ------------------------------------------------------------------------------------------------------


def _contract_world(world: World, editor: User) -> None:
    # 2023/24 part year (Jan-Mar 2024), 2024/25 full, 2025/26 none, 2026/27 full
    months = _months(dt.date(2024, 1, 1), 15) + _months(dt.date(2026, 4, 1), 12)
    _statements(world, editor, dict.fromkeys(months, Decimal(2000000)))
    for year, cost in ((2023, 200000), (2024, 600000), (2025, 700000), (2026, 760000)):
        services.actual_save(
            user=editor,
            partnership=world.ours,
            data={"year": year, "cost_gbp": Decimal(cost), "fte": Decimal(6)},
        )
    services.target_save(user=editor, partnership=world.ours, data={"minimum_share": Decimal("0.03")})


def test_the_cost_share_uses_approved_statements_only_and_says_missing_years(
    world: World, editor: User
) -> None:
    _contract_world(world, editor)
    PaymentStatement.objects.create(
        partnership=world.ours, month=dt.date(2025, 6, 1), status=StatementStatus.DRAFT, created_by=editor
    )
    shares = {
        y.year: y
        for y in selectors.cost_shares(
            world.ours, selectors.actuals(world.ours), selectors.target(world.ours)
        )
    }
    assert (shares[2023].months, shares[2023].status.value) == (3, "part_year")
    assert shares[2024].contract_value_gbp == Decimal(24000000)
    assert (shares[2024].share, shares[2024].status.value) == (Decimal("0.025"), "below_minimum")
    assert (shares[2025].share, shares[2025].status.value) == (None, "no_statements")
    assert shares[2026].status.value == "met"
    page = client_for(world.users[Role.AUDITOR]).get(_url("contract", world)).content.decode()
    assert "The client team's cost missed the target in 2024/25 (2.5%)" in page
    assert "Missing: no approved statements" in page
    assert "Part year: not judged" in page
    assert 'alt="The client team cost between 2.5% (2024/25) and 3.3% (2023/24)' in page
    assert "missed in 2024/25" in page
    assert "Show the data behind" in page


def test_the_target_is_refused_without_a_minimum_or_with_a_maximum_below_it(
    world: World, editor: User
) -> None:
    for data, field, message in (
        ({"minimum_share": None}, "minimum_share", "Enter the minimum share"),
        ({"minimum_share": Decimal(0)}, "minimum_share", "The minimum share must be more than 0"),
        (
            {"minimum_share": Decimal("0.05"), "maximum_share": Decimal("0.03")},
            "maximum_share",
            "The maximum share cannot be below the minimum share",
        ),
    ):
        with pytest.raises(ValidationError) as refused:
            services.target_save(user=editor, partnership=world.ours, data=data)
        assert refused.value.message_dict[field][0].startswith(message)
    response = client_for(editor).post(_url("target-edit", world), {"minimum_share": "3"})
    assert "The minimum share must be 1 (100 per cent) or less" in response.content.decode()
    assert not CapacityTarget.objects.exists()


def test_at_a_glance_in_three_queries_and_only_for_council_users(
    world: World, editor: User, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(3):
        assert selectors.at_a_glance(world.ours) == {"target": None, "latest": None, "missed": 0}
    _contract_world(world, editor)
    with django_assert_num_queries(3):
        glance = selectors.at_a_glance(world.ours)
    assert glance["latest"].year == 2026
    assert glance["missed"] == 1
    overview = reverse("partnerships:overview", args=[world.ours.pk])
    assert "Client team cost share" in client_for(editor).get(overview).content.decode()
    assert (
        "Client team cost share"
        not in client_for(world.users[Role.PARTNER_USER]).get(overview).content.decode()
    )


def test_life_actuals_give_the_client_team_cost_by_financial_year(world: World, editor: User) -> None:
    assert selectors.life_actuals(world.ours) == []
    _contract_world(world, editor)
    [line] = selectors.life_actuals(world.ours)
    assert (line.kind, line.category) == ("cost", "client_side")
    assert line.by_year[2024] == Decimal(600000)
    assert line.total == Decimal(2260000)


# ------------------------------------------------------------------------------------------------------
# Who may see and change, evidence, query counts
# ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_council_users_read_every_page_and_partner_users_are_refused(world: World, name: str) -> None:
    for role in (Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER, Role.AUDITOR, Role.ADMINISTRATOR):
        assert client_for(world.users[role]).get(_url(name, world)).status_code == 200, role
    assert client_for(world.users[Role.PARTNER_USER]).get(_url(name, world)).status_code == 403


@pytest.mark.parametrize("name", FORMS)
def test_only_editors_open_the_forms(world: World, name: str) -> None:
    assert client_for(world.users[Role.COUNCIL_EDITOR]).get(_url(name, world)).status_code == 200
    for role in (Role.COUNCIL_VIEWER, Role.AUDITOR, Role.PARTNER_USER):
        assert client_for(world.users[role]).get(_url(name, world)).status_code == 403, role


def test_the_services_refuse_a_viewer(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.role_save(user=world.users[Role.COUNCIL_VIEWER], partnership=world.ours, data=_role_data())
    assert not TeamRole.objects.exists()


def test_the_records_evidence_the_capacity_tasks_and_are_council_only(world: World, editor: User) -> None:
    services.role_save(user=editor, partnership=world.ours, data=_role_data())
    services.adviser_save(user=editor, partnership=world.ours, data=_adviser_data())
    candidates = candidates_for(world.ours)
    plan = matching_candidates(candidates, ["capacity_plan"])
    advice = matching_candidates(candidates, ["adviser_spend"])
    assert [c.model_label for c in plan] == ["capacity.teamrole"]
    assert [c.model_label for c in advice] == ["capacity.adviser"]
    assert all(is_council_only(c) for c in plan + advice)
    assert "£" not in plan[0].label


@pytest.mark.parametrize("name", PAGES)
def test_each_page_reads_in_a_fixed_number_of_queries(world: World, editor: User, name: str) -> None:
    client = client_for(editor)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(name, world)).status_code == 200
        return len(queries)

    _contract_world(world, editor)
    services.role_save(user=editor, partnership=world.ours, data=_role_data())
    services.adviser_save(user=editor, partnership=world.ours, data=_adviser_data())
    before = count()
    for index in range(3):
        services.role_save(user=editor, partnership=world.ours, data=_role_data(title=f"Role {index}"))
        services.adviser_save(user=editor, partnership=world.ours, data=_adviser_data(firm=f"Firm {index}"))
        services.budget_line_save(
            user=editor,
            partnership=world.ours,
            data={"category": ("legal", "other", "publicity")[index], "budget_gbp": Decimal(1)},
        )
    assert count() == before
