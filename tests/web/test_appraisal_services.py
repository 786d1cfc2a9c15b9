"""Writes to business cases: versions, freezing and copying, options, lines, mitigation, baselines, and the
risk-adjustment interface other areas call. Also holds ``build_version``, used by the other appraisal
tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from forbetter.accounts.models import Role, User
from forbetter.appraisal import selectors, services
from forbetter.appraisal.models import (
    AppraisalOption,
    BusinessCaseVersion,
    CashflowValue,
    DeflatorRate,
    LineCategory,
    OptionKind,
    ServiceBaseline,
    VersionStatus,
)
from forbetter.partnerships.evidence import candidates_for
from forbetter.partnerships.models import Partnership, ServiceArea
from tests.conftest import World
from tests.factories import risk_category

pytestmark = pytest.mark.django_db


def line_data(label: str, category: str = LineCategory.OPERATING, **extra: Any) -> dict[str, Any]:
    return {"label": label, "category": category, "prices": "real", "optimism_bias_applies": False, **extra}


def build_version(
    user: User,
    partnership: Partnership,
    *,
    options: int = 2,
    years: int = 3,
    title: str = "Options appraisal",
) -> BusinessCaseVersion:
    """A draft version with a budget, a deflator and ``options`` options of three lines each over ``years``.

    Option 0 is in-house (running cost 100 a year); option i costs 100 + 10i a year with optimism bias on its
    running cost, so option 0 is preferred.
    """
    case = services.business_case_create(
        user=user, partnership=partnership, title=title, price_base_year=2026
    )
    version = case.versions.get()
    services.version_update_settings(
        user=user,
        version=version,
        price_base_year=2026,
        discount_schedule="standard",
        discount_rate=None,
        deflator_rates=[Decimal("0.02")],
        budget_prices="real",
        budget_gbp=[Decimal(200)] * years,
    )
    for index in range(options):
        option = services.option_create(
            user=user,
            version=version,
            data={
                "name": f"Option {index}",
                "kind": OptionKind.IN_HOUSE_AS_NOW if index == 0 else OptionKind.SSP,
                "years": years,
                "optimism_bias_category": "outsourcing" if index else "",
            },
        )
        services.line_create(
            user=user,
            option=option,
            data=line_data("Running cost", optimism_bias_applies=bool(index)),
            values=[Decimal(100 + 10 * index)] * years,
        )
        services.line_create(
            user=user,
            option=option,
            data=line_data("Set-up", LineCategory.TRANSITION),
            values=[Decimal(50)] + [Decimal(0)] * (years - 1),
        )
        services.line_create(
            user=user,
            option=option,
            data=line_data("Savings", LineCategory.BENEFITS),
            values=[Decimal(5)] * years,
        )
    return version


def test_creating_a_business_case_starts_a_draft_version_one(world: World, editor: User) -> None:
    case = services.business_case_create(
        user=editor, partnership=world.ours, title="OBC", price_base_year=2026
    )
    version = case.versions.get()
    assert (version.number, version.status, version.year_label(0)) == (1, VersionStatus.DRAFT, "2026/27")
    assert version.history.first().history_user == editor


def test_viewers_cannot_write(world: World) -> None:
    viewer = world.users[Role.COUNCIL_VIEWER]
    with pytest.raises(PermissionDenied):
        services.business_case_create(user=viewer, partnership=world.ours, title="OBC")


def test_settings_store_yearly_deflator_rates_and_budget_as_rows(world: World, editor: User) -> None:
    version = build_version(editor, world.ours)
    services.version_update_settings(
        user=editor,
        version=version,
        price_base_year=2027,
        discount_schedule="flat",
        discount_rate=Decimal("0.035"),
        deflator_rates=[Decimal("0.025"), Decimal("0.02")],
        budget_prices="nominal",
        budget_gbp=[Decimal(10), Decimal(20)],
    )
    version.refresh_from_db()
    assert version.deflator_rate is None
    assert [(r.year, r.rate) for r in version.deflator_rates.all()] == [
        (1, Decimal("0.025")),
        (2, Decimal("0.02")),
    ]
    assert [b.amount_gbp for b in version.budget_years.all()] == [Decimal(10), Decimal(20)]
    services.version_update_settings(
        user=editor,
        version=version,
        price_base_year=2027,
        discount_schedule="standard",
        discount_rate=Decimal("0.035"),
        deflator_rates=[Decimal("0.02")],
        budget_prices="nominal",
        budget_gbp=[],
    )
    version.refresh_from_db()
    assert (version.deflator_rate, version.discount_rate) == (Decimal("0.02"), None)
    assert not version.deflator_rates.exists()
    assert not version.budget_years.exists()


def test_a_flat_schedule_needs_a_rate(world: World, editor: User) -> None:
    version = build_version(editor, world.ours)
    with pytest.raises(ValidationError) as error:
        services.version_update_settings(
            user=editor,
            version=version,
            price_base_year=2026,
            discount_schedule="flat",
            discount_rate=None,
            deflator_rates=[],
            budget_prices="real",
            budget_gbp=[],
        )
    assert "discount_rate" in error.value.message_dict


def test_rule_version_freeze_reason_freezing_needs_a_reason(world: World, editor: User) -> None:
    version = build_version(editor, world.ours)
    with pytest.raises(ValidationError):
        services.version_freeze(user=editor, version=version, reason="  ")
    services.version_freeze(user=editor, version=version, reason="Approved by Cabinet")
    version.refresh_from_db()
    assert version.is_frozen
    assert version.frozen_by == editor
    assert version.frozen_at is not None
    assert version.history.first().history_change_reason == "Frozen: Approved by Cabinet"


def test_rule_version_frozen_nothing_in_a_frozen_version_can_change(world: World, editor: User) -> None:
    version = build_version(editor, world.ours)
    services.version_freeze(user=editor, version=version, reason="Approved")
    option = version.options.first()
    assert option is not None
    line = option.lines.first()
    assert line is not None
    attempts = [
        lambda: services.option_create(
            user=editor, version=version, data={"name": "X", "kind": "other", "years": 3}
        ),
        lambda: services.option_update(user=editor, option=option, data={"years": 5}),
        lambda: services.option_delete(user=editor, option=option, reason="Withdrawn"),
        lambda: services.line_update(user=editor, line=line, data={}, values=[Decimal(1)] * 3),
        lambda: services.line_delete(user=editor, line=line),
        lambda: services.contribution_add(
            user=editor, option=option, factor="X", contribution=Decimal("0.1"), mitigation=Decimal("0.1")
        ),
        lambda: services.version_set_risk_settings(user=editor, version=version, data={"risk_seed": 3}),
        lambda: services.option_risk_share_set(
            user=editor,
            option=option,
            category=risk_category(),
            council_share=Decimal(0),
            reason="Partner takes service risk",
        ),
        lambda: services.version_freeze(user=editor, version=version, reason="Again"),
    ]
    before = CashflowValue.objects.count(), AppraisalOption.objects.count()
    for attempt in attempts:
        with pytest.raises(ValidationError, match=r"Version 1 was frozen on .* Create a new version"):
            attempt()
    assert (CashflowValue.objects.count(), AppraisalOption.objects.count()) == before


def test_a_new_version_copies_every_input(world: World, editor: User) -> None:
    version = build_version(editor, world.ours)
    services.version_update_settings(
        user=editor,
        version=version,
        price_base_year=2026,
        discount_schedule="flat",
        discount_rate=Decimal("0.03"),
        deflator_rates=[Decimal("0.02"), Decimal("0.025"), Decimal("0.03")],
        budget_prices="real",
        budget_gbp=[Decimal(200)] * 3,
    )
    services.version_set_risk_settings(
        user=editor, version=version, data={"risk_seed": 7, "risk_percentile": 90, "risk_note": "Run 3"}
    )
    ssp = version.options.get(name="Option 1")
    services.option_risk_share_set(
        user=editor,
        option=ssp,
        category=risk_category(),
        council_share=Decimal("0.3"),
        first_year=1,
        last_year=2,
        reason="Shared service risk",
    )
    services.contribution_add(
        user=editor, option=ssp, factor="Complexity", contribution=Decimal("0.5"), mitigation=Decimal("0.4")
    )
    services.version_freeze(user=editor, version=version, reason="Approved")

    copy = services.version_create_from(user=editor, version=version)

    assert (copy.number, copy.status, copy.based_on) == (2, VersionStatus.DRAFT, version)

    def snapshot(v: BusinessCaseVersion) -> tuple[Any, ...]:
        v = selectors.version_with_inputs(world.ours, v.pk)
        return (
            v.discount_schedule,
            v.discount_rate,
            v.include_register_risks,
            v.risk_percentile,
            v.risk_seed,
            v.risk_iterations,
            v.risk_note,
            [(r.year, r.rate) for r in v.deflator_rates.all()],
            [(b.year, b.amount_gbp) for b in v.budget_years.all()],
            [
                (
                    o.name,
                    o.kind,
                    o.years,
                    o.optimism_bias_upper_bound,
                    o.optimism_bias_lower_bound,
                    o.risk_bearer,
                    [
                        (r.risk_id, r.category_id, r.council_share, r.first_year, r.last_year, r.reason)
                        for r in o.risk_shares.all()
                    ],
                    [(c.factor, c.contribution, c.mitigation) for c in o.contributions.all()],
                    [
                        (
                            line.label,
                            line.category,
                            line.optimism_bias_applies,
                            [x.amount_gbp for x in line.values.all()],
                        )
                        for line in o.lines.all()
                    ],
                )
                for o in v.options.all()
            ],
        )

    assert snapshot(copy) == snapshot(version)
    assert AppraisalOption.objects.filter(version=version).count() == 2  # the original keeps its own rows


def test_risk_settings_interface_for_the_risk_area(world: World, editor: User) -> None:
    version = build_version(editor, world.ours)
    assert list(selectors.draft_versions_for(world.ours)) == [version]
    result = services.version_set_risk_settings(
        user=editor,
        version=version,
        data={
            "include_register_risks": True,
            "risk_seed": 7,
            "risk_iterations": 50_000,
            "risk_note": "Run 3",
        },
        reason="Linked to run 3",
    )
    version.refresh_from_db()
    assert result == version
    assert (version.risk_seed, version.risk_iterations, version.risk_note) == (7, 50_000, "Run 3")
    assert version.history.first().history_change_reason == "Linked to run 3"
    with pytest.raises(ValidationError):
        services.version_set_risk_settings(user=editor, version=version, data={"risk_iterations": 10})
    services.version_freeze(user=editor, version=version, reason="Approved")
    assert list(selectors.draft_versions_for(world.ours)) == []
    assert list(selectors.draft_versions_for(world.theirs)) == []


def test_changing_an_options_years_extends_or_cuts_every_line(world: World, editor: User) -> None:
    version = build_version(editor, world.ours, options=1, years=3)
    option = version.options.get()
    notes = services.option_update(user=editor, option=option, data={"years": 5})
    assert "Years 3 to 4 were added to 3 line(s)" in notes[0]
    assert {line.values.count() for line in option.lines.all()} == {5}
    notes = services.option_update(user=editor, option=option, data={"years": 2})
    assert "years 2 to 4 were removed from 3 line(s)" in notes[0]
    running = option.lines.get(label="Running cost")
    assert [v.amount_gbp for v in running.values.all()] == [Decimal(100), Decimal(100)]


def test_option_names_are_unique_within_a_version(world: World, editor: User) -> None:
    version = build_version(editor, world.ours, options=1)
    with pytest.raises(ValidationError) as error:
        services.option_create(
            user=editor, version=version, data={"name": "Option 0", "kind": "other", "years": 3}
        )
    assert "name" in error.value.message_dict


def test_choosing_a_project_type_copies_its_upper_bound(world: World, editor: User) -> None:
    version = build_version(editor, world.ours, options=2)
    ssp = version.options.get(name="Option 1")
    assert ssp.optimism_bias_upper_bound == Decimal("0.41")
    services.option_update(user=editor, option=ssp, data={"optimism_bias_category": ""})
    ssp.refresh_from_db()
    assert ssp.optimism_bias_upper_bound is None


@pytest.mark.parametrize(
    ("data", "values", "field", "message"),
    [
        (
            {},
            [Decimal(1)] * 2,
            "values",
            "Enter 3 values, one for each year from year 0 to year 2; you entered 2",
        ),
        ({}, [Decimal(1), Decimal(-2), Decimal(1)], "values", "Year 1: amounts cannot be negative"),
        ({"label": "Running cost"}, [Decimal(1)] * 3, "label", "already has a line with that label"),
        (
            {"label": services.RETAINED_RISK_LABEL},
            [Decimal(1)] * 3,
            "label",
            "kept for the quantified retained risk",
        ),
        (
            {"category": LineCategory.BENEFITS, "optimism_bias_applies": True},
            [Decimal(1)] * 3,
            "optimism_bias_applies",
            "Optimism bias applies to costs only",
        ),
    ],
)
def test_bad_lines_are_refused_and_nothing_is_saved(
    world: World, editor: User, data: dict[str, Any], values: list[Decimal], field: str, message: str
) -> None:
    version = build_version(editor, world.ours, options=1)
    option = version.options.get()
    before = CashflowValue.objects.count()
    with pytest.raises(ValidationError) as error:
        services.line_create(user=editor, option=option, data=line_data("New line") | data, values=values)
    assert message in " ".join(error.value.message_dict[field])
    assert CashflowValue.objects.count() == before
    assert option.lines.count() == 3


def test_updating_a_line_records_history_only_for_changed_years(world: World, editor: User) -> None:
    version = build_version(editor, world.ours, options=1)
    line = version.options.get().lines.get(label="Running cost")
    services.line_update(user=editor, line=line, data={}, values=[Decimal(100), Decimal(150), Decimal(100)])
    year_one = line.values.get(year=1)
    assert year_one.amount_gbp == Decimal(150)
    assert year_one.history.count() == 2
    assert line.values.get(year=0).history.count() == 1


def test_rule_ob_contributions_sum_contributions_add_up_to_at_most_one(world: World, editor: User) -> None:
    version = build_version(editor, world.ours)
    ssp = version.options.get(name="Option 1")
    services.contribution_add(
        user=editor, option=ssp, factor="A", contribution=Decimal("0.6"), mitigation=Decimal("0.5")
    )
    with pytest.raises(ValidationError, match=r"add up to 1\.1"):
        services.contribution_add(
            user=editor, option=ssp, factor="B", contribution=Decimal("0.5"), mitigation=Decimal("0.5")
        )
    assert ssp.contributions.count() == 1


def _baseline(editor: User, partnership: Partnership, name: str, cost: int) -> ServiceBaseline:
    service = ServiceArea.objects.get(name=name)
    partnership.services.add(service)
    return services.baseline_create(
        user=editor,
        partnership=partnership,
        data={
            "service": service,
            "annual_cost_gbp": Decimal(cost),
            "cost_source": "Outturn",
            "cost_as_at": dt.date(2026, 3, 31),
        },
    )


def test_baselines_are_for_services_in_scope_one_each(world: World, editor: User) -> None:
    _baseline(editor, world.ours, "Information technology", 700)
    with pytest.raises(ValidationError, match="already has a baseline"):
        _baseline(editor, world.ours, "Information technology", 800)
    outside = ServiceArea.objects.get(name="Highways")
    with pytest.raises(ValidationError, match="services in scope"):
        services.baseline_create(
            user=editor,
            partnership=world.ours,
            data={
                "service": outside,
                "annual_cost_gbp": Decimal(1),
                "cost_source": "x",
                "cost_as_at": dt.date(2026, 1, 1),
            },
        )


def test_an_option_can_start_from_the_service_baselines(world: World, editor: User) -> None:
    version = build_version(editor, world.ours, options=1, years=4)
    option = version.options.get()
    with pytest.raises(ValidationError, match="Record the service baselines first"):
        services.option_start_from_baselines(user=editor, option=option)
    _baseline(editor, world.ours, "Information technology", 700)
    _baseline(editor, world.ours, "Revenues and benefits", 300)
    line = services.option_start_from_baselines(user=editor, option=option)
    assert line.label == services.BASELINE_LINE_LABEL
    assert [v.amount_gbp for v in line.values.all()] == [Decimal(1000)] * 4
    with pytest.raises(ValidationError, match="already has a line started from the service baselines"):
        services.option_start_from_baselines(user=editor, option=option)


def test_versions_and_baselines_are_offered_as_evidence_without_figures(world: World, editor: User) -> None:
    version = build_version(editor, world.ours)
    services.version_freeze(user=editor, version=version, reason="Approved")
    _baseline(editor, world.ours, "Information technology", 123456)
    offered = {(c.kind, c.label) for c in candidates_for(world.ours)}
    assert (
        "Business case version",
        f"Options appraisal, version 1 (frozen {dt.date.today():%-d %b %Y})",
    ) in offered
    assert ("Service baseline", "Information technology (as at 31 Mar 2026)") in offered
    assert not any("123" in label for _, label in offered)
    assert not [
        c for c in candidates_for(world.theirs) if c.kind in ("Business case version", "Service baseline")
    ]


def test_a_task_can_cite_a_version_as_evidence(world: World, editor: User) -> None:
    from django.contrib.contenttypes.models import ContentType

    from forbetter.partnerships import services as partnership_services

    version = build_version(editor, world.ours)
    task = world.ours.tasks.get(action__code="I-VFM-1")
    key = f"{ContentType.objects.get_for_model(version).pk}:{version.pk}"
    link = partnership_services.evidence_link_add(user=editor, task=task, record_key=key)
    assert link.record == version
    assert link.label == "Business case version: Options appraisal, version 1 (draft)"
    assert DeflatorRate.objects.count() == 0  # the builder uses one rate, kept on the version
