"""The demo's initiation-stage partnership has a complete two-version business case showing every output."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from forbetter.accounts.models import User
from forbetter.appraisal import adapters, selectors
from forbetter.appraisal.models import (
    BaselineMeasure,
    BusinessCase,
    BusinessCaseVersion,
    CashflowValue,
    LineCategory,
    MeasureKind,
    OptionKind,
    ServiceBaseline,
    VersionStatus,
)
from forbetter.demo import appraisal as demo
from forbetter.demo.partnerships import INITIATION
from forbetter.partnerships.models import EvidenceLink, Partnership

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(seeded_demo: None) -> Partnership:
    return Partnership.objects.get(name=INITIATION)


def _counts() -> tuple[int, ...]:
    return (
        BusinessCase.objects.count(),
        BusinessCaseVersion.objects.count(),
        CashflowValue.objects.count(),
        ServiceBaseline.objects.count(),
        BaselineMeasure.objects.count(),
        EvidenceLink.objects.count(),
    )


def _versions(partnership: Partnership) -> list[BusinessCaseVersion]:
    case = BusinessCase.objects.get(partnership=partnership)
    return [selectors.version_with_inputs(partnership, v.pk) for v in case.versions.order_by("number")]


def test_seeding_twice_changes_nothing(seeded: Partnership) -> None:
    first = _counts()
    call_command("seed_demo", verbosity=0)
    assert _counts() == first
    # the initiation-stage partnership's, the procurement-stage one's, and (since issue 13, for its value-for-
    # money page) the contract-management one's, seeded by forbetter/demo/value.py
    assert first[0] == 3


def test_two_versions_one_frozen_by_cabinet_one_changing_the_bundle(seeded: Partnership) -> None:
    v1, v2 = _versions(seeded)
    assert (v1.status, v1.freeze_reason) == (VersionStatus.FROZEN, demo.FREEZE_V1)
    assert v2.based_on == v1
    assert v2.change_note == demo.CHANGE_V2
    for version in (v1, v2):
        options = list(version.options.all())
        assert {o.kind for o in options} == {
            OptionKind.IN_HOUSE_AS_NOW,
            OptionKind.PUBLIC_SECTOR_COMPARATOR,
            OptionKind.SSP,
            OptionKind.SHARED_SERVICE,
        }
        assert all(10 <= o.years <= 15 for o in options)
        categories = {line.category for o in options for line in o.lines.all()}
        assert categories == set(LineCategory.values)
        assert version.risk_note
    # Version 1 priced risks in lines; version 2 takes them from the register, each option keeping the
    # expected value of the risks it bears: in-house all of them, the partnership the council's part.
    assert not v1.include_register_risks
    assert v2.include_register_risks
    risks = {o.option.kind: o.risk for o in adapters.appraise_version(v2).options}
    assert all(risk is not None and risk.expected_value_gbp > 0 for risk in risks.values())
    assert risks[OptionKind.SSP].expected_value_gbp < risks[OptionKind.IN_HOUSE_AS_NOW].expected_value_gbp
    assert (
        risks[OptionKind.IN_HOUSE_AS_NOW].p_value_gbp > risks[OptionKind.IN_HOUSE_AS_NOW].expected_value_gbp
    )


def test_every_output_is_there_and_one_option_breaks_the_budget(seeded: Partnership) -> None:
    for version in _versions(seeded):
        appraised = adapters.appraise_version(version)
        applied = {o.option.kind: o.result.optimism_bias for o in appraised.options}
        assert applied[OptionKind.SSP] > 0
        assert applied[OptionKind.PUBLIC_SECTOR_COMPARATOR] > 0
        assert applied[OptionKind.IN_HOUSE_AS_NOW] == 0
        assert applied[OptionKind.SHARED_SERVICE] == 0
        assert appraised.preferred.option.kind == OptionKind.SSP
        breaking = []
        for option in version.options.all():
            result = adapters.affordability_of(version, option)
            assert result is not None
            assert not result.problem
            if result.breach_labels:
                breaking.append(option.kind)
        assert breaking == [OptionKind.PUBLIC_SECTOR_COMPARATOR]


def test_baselines_for_every_service_in_scope_with_source_and_date(seeded: Partnership) -> None:
    baselines = list(selectors.baselines_for(seeded))
    assert {b.service_id for b in baselines} == set(seeded.services.values_list("pk", flat=True))
    for baseline in baselines:
        assert baseline.cost_source
        assert baseline.cost_as_at
        assert {m.kind for m in baseline.measures.all()} == set(MeasureKind.values)
        assert all(m.source and m.as_at for m in baseline.measures.all())


def test_framework_tasks_cite_the_versions_and_baselines(seeded: Partnership) -> None:
    v1, v2 = _versions(seeded)
    version_type = ContentType.objects.get_for_model(BusinessCaseVersion)
    cited = set(
        EvidenceLink.objects.filter(
            task__partnership=seeded, task__action__code="I-VFM-1", content_type=version_type
        ).values_list("object_id", flat=True)
    )
    assert cited == {v1.pk, v2.pk}
    baseline_type = ContentType.objects.get_for_model(ServiceBaseline)
    assert EvidenceLink.objects.filter(task__action__code="I-PM-1", content_type=baseline_type).count() == 5


def test_demo_pages_show_results_and_differences(seeded: Partnership) -> None:
    client = Client()
    client.force_login(User.objects.get(email="editor@ashcombe.example"))
    v1, v2 = _versions(seeded)
    results = client.get(reverse("appraisal:version-results", args=[seeded.pk, v2.pk])).content.decode()
    assert (
        "Strategic partnership (SSP) stays preferred unless its “Annual charge to the partner” costs rise"
        in results
    )
    assert results.count('<img src="data:image/svg+xml;base64,') == 5
    assert "Breaks the budget" in results
    assert "Discounted cash flow of Shared service with Marlcaster" in results
    compare = client.get(reverse("appraisal:compare", args=[seeded.pk, v1.business_case_id])).content.decode()
    assert demo.CHANGE_V2 in compare
    assert "Changed" in compare
    assert "<mark>" in compare
    partner = Client()
    partner.force_login(User.objects.get(email="partner@meridian.example"))
    assert partner.get(reverse("appraisal:cases", args=[seeded.pk])).status_code == 404
