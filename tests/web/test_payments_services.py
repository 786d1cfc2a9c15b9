"""Payment services and selectors: the mechanism, statements from validated returns, relief, ratchet and
freezing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from forbetter.accounts.models import Role
from forbetter.payments import selectors, services
from forbetter.payments.models import IndexValue, PaymentMechanism, PaymentStatement, StatementStatus
from forbetter.performance.models import ReturnStatus
from tests.conftest import World
from tests.factories import make_kpi, make_kpi_return, make_payment_mechanism

pytestmark = pytest.mark.django_db
APRIL = dt.date(2024, 4, 1)


def _failing_kpis(world: World, editor: Any, points: tuple[int, ...], month: dt.date = APRIL) -> list[Any]:
    """KPIs (target 95, failure threshold 90) that each fail in ``month`` on a validated value of 80."""
    kpis = []
    for index, severity in enumerate(points):
        kpi = make_kpi(world.ours, f"F-{index}", severity_points=severity)
        make_kpi_return(kpi, month, "80", user=editor)
        kpis.append(kpi)
    return kpis


def _statement(world: World, editor: Any, month: dt.date = APRIL) -> PaymentStatement:
    return services.statement_create(
        user=editor, partnership=world.ours, month=month, today=dt.date(2024, 6, 1)
    )


def test_design_example_of_312_pounds_through_the_apps_models(world: World, editor: Any) -> None:
    """DESIGN section 5: threshold 20, 21-100 x1.0, 101-200 x1.2, 201+ x1.5, £3 a point: 120 points cost
    80 x £3 + 20 x £3.60 = £312."""
    make_payment_mechanism(world.ours)
    _failing_kpis(world, editor, (50, 40, 30))
    passing = make_kpi(world.ours, "OK-1", severity_points=500)
    make_kpi_return(passing, APRIL, "96", user=editor)  # met: earns nothing
    amber = make_kpi(world.ours, "AM-1", severity_points=500)
    make_kpi_return(amber, APRIL, "92", user=editor)  # approaching target: earns nothing
    view = selectors.statement_view(world.ours, _statement(world, editor))
    assert view.figures is not None
    assert view.figures.points == Decimal(120)
    assert view.figures.deduction_gbp == Decimal("312.00")
    assert view.figures.payable_gbp == Decimal("99688.00")
    assert "80 points in band 21–100 at £3.00 = £240.00; 20 points in band 101–200 at £3.60 = £72.00" in (
        " ".join(view.figures.lines)
    )
    assert [item.label for item in view.items] == [
        "F-0 Indicator F-0",
        "F-1 Indicator F-1",
        "F-2 Indicator F-2",
    ]


def test_only_validated_returns_count(world: World, editor: Any) -> None:
    make_payment_mechanism(world.ours)
    kpi = make_kpi(world.ours, "S-1", severity_points=100)
    make_kpi_return(kpi, APRIL, "80", user=editor, status=ReturnStatus.SUBMITTED)
    statement = _statement(world, editor)
    view = selectors.statement_view(world.ours, statement)
    assert view.figures is not None
    assert view.figures.deduction_gbp == 0
    assert view.pending == ["S-1 Indicator S-1: awaiting validation"]
    record = kpi.returns.get()
    record.status = ReturnStatus.VALIDATED
    record.save()
    view = selectors.statement_view(world.ours, statement)
    assert view.figures is not None
    assert view.figures.deduction_gbp == Decimal("240.00")
    assert view.pending == []


def test_relief_excuses_a_failure_and_the_line_says_why(world: World, editor: Any) -> None:
    make_payment_mechanism(world.ours)
    kpi, _other = _failing_kpis(world, editor, (100, 30))
    services.relief_create(
        user=editor,
        partnership=world.ours,
        kpi_id=kpi.pk,
        month=APRIL,
        reason="Named storm, clause 34.2",
        approved_on=dt.date(2024, 5, 2),
    )
    view = selectors.statement_view(world.ours, _statement(world, editor))
    assert view.figures is not None
    assert (view.figures.points, view.figures.relieved_points) == (Decimal(30), Decimal(100))
    assert view.figures.deduction_gbp == Decimal("30.00")
    assert any("reason: Named storm, clause 34.2" in line for line in view.figures.lines)
    assert [(i.label, i.relieved) for i in view.items] == [
        ("F-0 Indicator F-0", True),
        ("F-1 Indicator F-1", False),
    ]


def test_relief_is_refused_for_another_partnerships_kpi_or_a_frozen_month(world: World, editor: Any) -> None:
    make_payment_mechanism(world.ours)
    (kpi,) = _failing_kpis(world, editor, (40,))
    with pytest.raises(ValidationError, match="Select a KPI of this partnership"):
        services.relief_create(
            user=editor,
            partnership=world.ours,
            kpi_id=make_kpi(world.theirs).pk,
            month=APRIL,
            reason="x",
            approved_on=APRIL,
        )
    services.statement_approve(user=editor, statement=_statement(world, editor))
    with pytest.raises(ValidationError, match="approved and frozen"):
        services.relief_create(
            user=editor, partnership=world.ours, kpi_id=kpi.pk, month=APRIL, reason="x", approved_on=APRIL
        )


def test_ratchet_multiplies_points_of_a_kpi_failing_months_running(world: World, editor: Any) -> None:
    make_payment_mechanism(
        world.ours,
        ratchet_consecutive=3,
        ratchet_multiplier=Decimal("1.5"),
        effective_from=dt.date(2024, 1, 1),
    )
    kpi = make_kpi(world.ours, "R-1", severity_points=40)
    for month in (1, 2, 3, 4):
        make_kpi_return(kpi, dt.date(2024, month, 1), "80", user=editor)
    computation = selectors.compute_months(
        world.ours, PaymentMechanism.objects.get(), [dt.date(2024, m, 1) for m in (1, 2, 3, 4)]
    )
    points = [computation.figures[dt.date(2024, m, 1)].points for m in (1, 2, 3, 4)]
    assert points == [Decimal(40), Decimal(40), Decimal(60), Decimal(60)]


def test_quarterly_kpis_count_in_the_last_month_of_the_quarter(world: World, editor: Any) -> None:
    make_payment_mechanism(world.ours, effective_from=dt.date(2024, 4, 1))
    kpi = make_kpi(
        world.ours, "Q-1", frequency="quarterly", severity_points=50, first_period=dt.date(2024, 4, 1)
    )
    make_kpi_return(kpi, dt.date(2024, 4, 1), "80", user=editor)
    computation = selectors.compute_months(
        world.ours, PaymentMechanism.objects.get(), [dt.date(2024, 4, 1), dt.date(2024, 6, 1)]
    )
    assert computation.figures[dt.date(2024, 4, 1)].points == 0
    assert computation.figures[dt.date(2024, 6, 1)].points == 50


def test_indexation_uprates_the_indexed_share(world: World, editor: Any) -> None:
    mechanism = make_payment_mechanism(
        world.ours,
        indexed_share=Decimal("0.3"),
        index_base=Decimal("108"),
        effective_from=dt.date(2024, 4, 1),
    )
    IndexValue.objects.create(mechanism=mechanism, month=dt.date(2024, 3, 1), value=Decimal("112.4"))
    view = selectors.statement_view(world.ours, _statement(world, editor))
    assert view.figures is not None
    assert view.figures.charge_gbp == Decimal("101222.22")
    assert "(no index value for 2024-04, so 2024-03's value is used)" in view.figures.lines[0]


def test_a_missing_index_value_is_explained_not_guessed(world: World, editor: Any) -> None:
    make_payment_mechanism(world.ours, indexed_share=Decimal("0.3"), index_base=Decimal("108"))
    statement = _statement(world, editor)
    view = selectors.statement_view(world.ours, statement)
    assert view.figures is None
    assert view.error == (
        "The statement cannot be worked out: no index value for 2024-01 or any earlier month (January 2024). "
        "Add the index values on the mechanism's index page."
    )
    with pytest.raises(ValidationError):
        services.statement_approve(user=editor, statement=statement)


def test_a_frozen_statement_does_not_change_when_returns_change_afterwards(world: World, editor: Any) -> None:
    make_payment_mechanism(world.ours)
    (kpi,) = _failing_kpis(world, editor, (120,))
    statement = services.statement_approve(user=editor, statement=_statement(world, editor))
    assert statement.status == StatementStatus.APPROVED
    assert statement.deduction_gbp == Decimal("312.00")
    frozen_lines = list(statement.lines)
    record = kpi.returns.get()
    record.value = Decimal("99")  # corrected later: now met
    record.save()
    make_kpi_return(make_kpi(world.ours, "NEW", severity_points=500), APRIL, "10", user=editor)
    view = selectors.statement_view(world.ours, statement)
    assert view.figures is not None
    assert (view.figures.deduction_gbp, view.figures.payable_gbp) == (Decimal("312.00"), Decimal("99688.00"))
    assert list(view.figures.lines) == frozen_lines
    assert [(i.label, i.value, i.points) for i in view.items] == [("F-0 Indicator F-0", Decimal("80"), 120)]
    with pytest.raises(ValidationError, match="already been approved"):
        services.statement_approve(user=editor, statement=statement)
    assert statement.history.first().history_change_reason == "Approved and frozen"


def test_statements_are_for_ended_months_once_each_from_the_first_month(world: World, editor: Any) -> None:
    with pytest.raises(ValidationError, match="Set up the payment mechanism"):
        _statement(world, editor)
    make_payment_mechanism(world.ours, effective_from=dt.date(2024, 2, 1))
    _statement(world, editor)
    for month, message in (
        (APRIL, "already a statement for April 2024"),
        (dt.date(2024, 1, 1), "pays from February 2024"),
        (dt.date(2024, 6, 1), "June 2024 has not ended yet"),
    ):
        with pytest.raises(ValidationError, match=message):
            _statement(world, editor, month)
    with pytest.raises(PermissionDenied):
        services.statement_create(user=world.users[Role.COUNCIL_VIEWER], partnership=world.ours, month=APRIL)


# ----------------------------------------------------------------------------------- the mechanism

MECHANISM = {
    "effective_from": dt.date(2024, 4, 15),
    "monthly_charge_gbp": Decimal("100000"),
    "indexed_share": Decimal(0),
    "points_threshold": 20,
    "point_value_gbp": Decimal("3"),
    "cap": Decimal("0.1"),
}
BANDS = [
    {"from_point": 21, "to_point": 100, "multiplier": Decimal("1.0")},
    {"from_point": 101, "to_point": 200, "multiplier": Decimal("1.2")},
    {"from_point": 201, "to_point": None, "multiplier": Decimal("1.5")},
]


def _save(editor: Any, world: World, **changes: Any) -> PaymentMechanism:
    data = {**MECHANISM, **changes.pop("data", {})}
    return services.mechanism_save(
        user=editor,
        partnership=world.ours,
        data=data,
        bands=changes.pop("bands", BANDS),
        gain_bands=changes.pop("gain_bands", []),
        pain_bands=changes.pop("pain_bands", []),
    )


def test_mechanism_is_saved_with_its_bands_and_replaces_them_on_change(world: World, editor: Any) -> None:
    mechanism = _save(editor, world)
    assert mechanism.effective_from == dt.date(2024, 4, 1)
    assert [b.from_point for b in mechanism.bands.all()] == [21, 101, 201]
    _save(editor, world, bands=[{"from_point": 21, "to_point": None, "multiplier": Decimal(1)}])
    assert [str(b) for b in mechanism.bands.all()] == ["21+ x1.000"]


@pytest.mark.parametrize(
    ("bands", "key", "message"),
    [
        (
            [
                {"from_point": 21, "to_point": 100, "multiplier": 1},
                {"from_point": 102, "to_point": None, "multiplier": 1},
            ],
            "band-1-from_point",
            "Band 2: starts at 102 but the previous band ends at 100, leaving a gap: it must start at 101",
        ),
        (
            [
                {"from_point": 21, "to_point": 100, "multiplier": 1},
                {"from_point": 90, "to_point": None, "multiplier": 1},
            ],
            "band-1-from_point",
            "Band 2: starts at 90 but the previous band ends at 100, overlapping it: it must start at 101",
        ),
        (
            [{"from_point": 30, "to_point": None, "multiplier": 1}],
            "band-0-from_point",
            "Band 1: the first band must start at threshold + 1 = 21, not 30",
        ),
        (
            [
                {"from_point": 21, "to_point": None, "multiplier": 1},
                {"from_point": 101, "to_point": None, "multiplier": 1},
            ],
            "band-0-to_point",
            "Band 1: only the last band may be open (to = null)",
        ),
        ([], "band-0-from_point", "Bands: give at least one band"),
    ],
)
def test_band_tables_with_gaps_or_overlaps_are_refused_with_the_engines_message(
    world: World, editor: Any, bands: list[dict[str, Any]], key: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        _save(editor, world, bands=bands)
    assert caught.value.message_dict == {key: [message]}
    assert not PaymentMechanism.objects.exists()


def test_a_cap_above_one_is_refused_and_nothing_is_saved(world: World, editor: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        _save(editor, world, data={"cap": Decimal("1.5")})
    assert "from 0 to 1" in caught.value.message_dict["cap"][0]
    assert not PaymentMechanism.objects.exists()


def test_gainshare_bands_are_checked_and_split_savings(world: World, editor: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        _save(
            editor,
            world,
            gain_bands=[{"from_gbp": Decimal(10), "to_gbp": None, "council_share": Decimal("0.5")}],
        )
    assert (
        "Gainshare band 1: the first band must start at £0" in caught.value.message_dict["gain-0-from_gbp"][0]
    )
    mechanism = _save(
        editor,
        world,
        data={"gainshare_baseline_gbp": Decimal("1000000")},
        gain_bands=[
            {"from_gbp": Decimal(0), "to_gbp": Decimal("100000"), "council_share": Decimal("0.5")},
            {"from_gbp": Decimal("100000"), "to_gbp": None, "council_share": Decimal("0.7")},
        ],
    )
    services.gainshare_year_set(
        user=editor, mechanism=mechanism, year=2024, actual_cost_gbp=Decimal("750000")
    )
    (line,) = selectors.gainshare_lines(selectors.mechanism_of(world.ours))  # type: ignore[arg-type]
    assert line.result is not None
    assert (line.result.split.council_gbp, line.result.split.partner_gbp) == (155000.0, 95000.0)


def test_a_ratchet_needs_both_months_and_multiplier(world: World, editor: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        _save(editor, world, data={"ratchet_consecutive": 3})
    assert "Give both" in caught.value.message_dict["ratchet_multiplier"][0]


def test_responsibility_register_records_history(world: World, editor: Any) -> None:
    line = services.responsibility_save(
        user=editor,
        partnership=world.ours,
        data={
            "obligation": "Validate returns",
            "responsible": "Client team",
            "accountable": "Contract manager",
        },
    )
    services.responsibility_save(
        user=editor, partnership=world.ours, responsibility=line, data={"informed": "Board"}
    )
    assert [h.history_type for h in line.history.all()] == ["~", "+"]
    with pytest.raises(PermissionDenied):
        services.responsibility_save(user=world.users[Role.PARTNER_USER], partnership=world.ours, data={})
