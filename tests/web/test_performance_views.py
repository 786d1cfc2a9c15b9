"""KPI pages through the browser's eyes: forms, bad input, uploads, CSV import, and fixed query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forbetter.accounts.models import Role, User
from forbetter.performance import services
from forbetter.performance.models import BenchmarkValue, Benefit, Kpi, KpiReturn, ReturnStatus
from tests.conftest import World
from tests.factories import PDF, client_for, make_contract_live, make_kpi, make_kpi_return, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def url(name: str, world: World, **kwargs: Any) -> str:
    return reverse(f"performance:{name}", kwargs={"pk": world.ours.pk, **kwargs})


def _return_post(kpi: Kpi, changes: dict[str, Any] | None = None, **more: Any) -> dict[str, Any]:
    make_contract_live(kpi.partnership)  # returns start when the KPI is agreed and the contract is live
    data = {"kpi": str(kpi.pk), "period": "2024-04", "value": "96.5", "evidence": pdf(), "commentary": ""}
    data.update(changes or {})
    data.update(more)
    return data


# ------------------------------------------------------------------------------------------ KPIs


def test_editor_adds_a_kpi_through_the_form(world: World, editor: User) -> None:
    world.ours.procurement_regime = "pa2023"  # "published" is a field only where the Act applies
    world.ours.save()
    response = client_for(editor).post(
        url("kpi-create", world),
        {
            "reference": "HW-01",
            "name": "Potholes repaired in 28 days",
            "definition": "Share of potholes",
            "measurement_method": "Works system",
            "measured_by": "Partner",
            "unit": "%",
            "direction": "higher",
            "kpi_type": "outcome",
            "target": "90",
            "failure_threshold": "85",
            "frequency": "monthly",
            "first_period": "2024-04",
            "weight": "0.1",
            "severity_points": "15",
            "owner": str(editor.pk),
            "published": "on",
            "return_due_days": "10",
        },
    )
    kpi = Kpi.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("kpi", world, kpi_pk=kpi.pk)
    assert (kpi.first_period, kpi.published, kpi.owner) == (dt.date(2024, 4, 1), True, editor)


def test_kpi_form_bad_input_gets_specific_messages_and_saves_nothing(world: World, editor: User) -> None:
    response = client_for(editor).post(
        url("kpi-create", world),
        {"reference": "X", "target": "lots", "first_period": "April", "weight": "2", "frequency": "monthly"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    for message in (
        "Enter the KPI&#x27;s name",
        "Enter the target as a number, for example 95",
        "Enter the period as a year and month, for example 2024-04",
        "Weight must be between 0 and 1",
    ):
        assert message in page, message
    assert not Kpi.objects.exists()


def test_dashboard_warns_when_a_contract_over_5m_publishes_fewer_than_three_kpis(
    world: World, editor: User
) -> None:
    world.ours.estimated_value_gbp, world.ours.value_basis, world.ours.term_years = (
        Decimal("2000000"),
        "annual_charge",
        10,
    )
    world.ours.procurement_regime = "pa2023"
    world.ours.save()
    make_kpi(world.ours, "A", published=True)
    page = client_for(editor).get(url("dashboard", world)).content.decode()
    assert "Rule PA23-S52-THREE-KPIS (Procurement Act 2023, section 52)" in page
    assert "annual charge £2,000,000 × 10 years = £20,000,000" in page
    assert "1 is marked published: mark 2 more" in page


def test_kpi_page_shows_the_chart_with_target_lines_its_table_returns_and_history(
    world: World, editor: User
) -> None:
    kpi = make_kpi(world.ours)
    for month, value in ((1, "96"), (2, "85")):
        make_kpi_return(kpi, dt.date(2024, month, 1), value, user=editor)
    page = client_for(editor).get(url("kpi", world, kpi_pk=kpi.pk)).content.decode()
    assert "data:image/svg+xml;base64," in page
    assert "target met in 1, failed in 1" in page
    assert "Show the data behind" in page
    assert "Met in 1 of the 2 validated periods" in page
    assert "Changes to this KPI" in page


# --------------------------------------------------------------------------------------- returns


def test_partner_submits_a_return_and_downloads_its_evidence(world: World) -> None:
    kpi = make_kpi(world.ours)
    partner = client_for(world.users[Role.PARTNER_USER])
    response = partner.post(url("return-submit", world), _return_post(kpi, evidence=pdf("pack.pdf")))
    record = KpiReturn.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("return", world, return_pk=record.pk)
    download = client_for(world.users[Role.AUDITOR]).get(url("return-evidence", world, return_pk=record.pk))
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="pack.pdf"'
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kpi": "999999"}, "Select a KPI of this partnership"),
        ({"period": "2024-13"}, "Enter the period as a year and month, for example 2024-04"),
        ({"period": "2099-01"}, "The period January 2099 has not ended yet"),
        ({"value": "ninety"}, "Enter the value as a number, for example 94.5"),
        ({"evidence": SimpleUploadedFile("a.exe", b"MZ", "application/octet-stream")}, "must be a PDF, CSV"),
        ({"evidence": SimpleUploadedFile("a.pdf", b"<html>", "application/pdf")}, "its content is not a PDF"),
    ],
)
def test_bad_returns_get_a_specific_message_and_nothing_is_saved(
    world: World, media: Path, changes: dict[str, Any], message: str
) -> None:
    kpi = make_kpi(world.ours)
    response = client_for(world.users[Role.PARTNER_USER]).post(
        url("return-submit", world), _return_post(kpi, changes)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert not KpiReturn.objects.exists()
    assert not any(media.rglob("*.*"))


def test_an_evidence_file_over_the_limit_is_refused(world: World, settings: Any) -> None:
    settings.KPI_EVIDENCE_MAX_BYTES = 1024
    kpi = make_kpi(world.ours)
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2000, "application/pdf")
    page = (
        client_for(world.users[Role.PARTNER_USER])
        .post(url("return-submit", world), _return_post(kpi, evidence=big))
        .content.decode()
    )
    assert "The evidence file must be smaller than 1 KB" in page
    assert not KpiReturn.objects.exists()


def test_partner_user_of_another_partnership_cannot_see_or_submit(world: World) -> None:
    other = User.objects.create_user(
        "q@q.test", "pw-Long-enough-1", role=Role.PARTNER_USER, organisation=world.partner_q
    )
    kpi = make_kpi(world.ours)
    client = client_for(other)
    assert client.get(url("dashboard", world)).status_code == 404
    assert client.post(url("return-submit", world), _return_post(kpi)).status_code == 404
    assert not KpiReturn.objects.exists()


def test_editor_validates_and_disputes_with_a_reason(world: World, editor: User) -> None:
    kpi = make_kpi(world.ours)
    record = make_kpi_return(
        kpi, dt.date(2024, 4, 1), "96", user=world.users[Role.PARTNER_USER], status="submitted"
    )
    client = client_for(editor)
    response = client.post(
        url("return-review", world, return_pk=record.pk), {"decision": "dispute", "reason": ""}
    )
    assert "Enter why the return is disputed" in response.content.decode()
    record.refresh_from_db()
    assert record.status == ReturnStatus.SUBMITTED
    client.post(
        url("return-review", world, return_pk=record.pk), {"decision": "dispute", "reason": "No photos"}
    )
    record.refresh_from_db()
    assert (record.status, record.dispute_reason) == (ReturnStatus.DISPUTED, "No photos")
    page = client.get(url("return", world, return_pk=record.pk)).content.decode()
    assert "Why it is disputed: No photos" in page
    assert "Disputed: No photos" in page


def test_a_viewer_cannot_validate(world: World) -> None:
    kpi = make_kpi(world.ours)
    record = make_kpi_return(
        kpi, dt.date(2024, 4, 1), "96", user=world.users[Role.PARTNER_USER], status="submitted"
    )
    response = client_for(world.users[Role.COUNCIL_VIEWER]).post(
        url("return-review", world, return_pk=record.pk), {"decision": "validate"}
    )
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.status == ReturnStatus.SUBMITTED


def test_late_returns_can_be_listed(world: World, editor: User) -> None:
    kpi = make_kpi(world.ours)
    make_kpi_return(kpi, dt.date(2024, 4, 1), "96", user=editor)
    late = make_kpi_return(kpi, dt.date(2024, 5, 1), "96", user=editor)
    late.late = True
    late.save()
    page = client_for(editor).get(url("returns", world), {"status": "late"}).content.decode()
    assert "May 2024" in page
    assert "April 2024" not in page
    assert "Late</strong>" in page


# ------------------------------------------------------------------------------------ benchmarks


def test_benchmark_csv_dry_run_then_confirm(world: World, editor: User) -> None:
    kpi = make_kpi(world.ours)
    client = client_for(editor)
    csv = b"council,period,value,source\nHartwell,2024-01,90,Club\nKingsmere,2024-01,80,Club\n"
    preview = client.post(
        url("benchmark-import", world, kpi_pk=kpi.pk),
        {"file": SimpleUploadedFile("club.csv", csv, "text/csv")},
    )
    page = preview.content.decode()
    assert "What would be imported: 2 rows" in page
    assert "Confirm import" in page
    assert not BenchmarkValue.objects.exists()
    confirm = client.post(
        url("benchmark-import", world, kpi_pk=kpi.pk), {"csv_text": csv.decode(), "file_name": "club.csv"}
    )
    assert confirm.status_code == 302
    assert BenchmarkValue.objects.count() == 2


def test_benchmark_csv_with_errors_lists_them_all_and_imports_nothing(world: World, editor: User) -> None:
    kpi = make_kpi(world.ours)
    csv = b"council,period,value,source\nHartwell,2024-01,ninety,Club\nKingsmere,24-1,80,Club\n"
    page = (
        client_for(editor)
        .post(
            url("benchmark-import", world, kpi_pk=kpi.pk),
            {"file": SimpleUploadedFile("bad.csv", csv, "text/csv")},
        )
        .content.decode()
    )
    assert "The file has 2 problems and nothing has been imported" in page
    assert "“ninety” is not a number" in page
    assert "period &#x27;24-1&#x27;: Enter the period as a year and month" in page
    assert "Confirm import" not in page
    assert not BenchmarkValue.objects.exists()


def test_a_file_that_is_not_text_is_refused(world: World, editor: User) -> None:
    kpi = make_kpi(world.ours)
    page = (
        client_for(editor)
        .post(
            url("benchmark-import", world, kpi_pk=kpi.pk),
            {"file": SimpleUploadedFile("x.csv", b"\xff\xfe\x00binary", "text/csv")},
        )
        .content.decode()
    )
    assert "The file must be a CSV saved as UTF-8 text" in page


# -------------------------------------------------------------------------------------- benefits


def test_benefit_with_values_by_year(world: World, editor: User) -> None:
    client = client_for(editor)
    data = {
        "name": "Energy savings",
        "category": "cashable",
        "years-TOTAL_FORMS": "3",
        "years-INITIAL_FORMS": "0",
        "years-0-year": "2024",
        "years-0-planned_gbp": "100000",
        "years-0-realised_gbp": "90000",
        "years-1-year": "",
        "years-1-planned_gbp": "5000",
        "years-2-year": "2025",
        "years-2-planned_gbp": "-1",
    }
    page = client.post(url("benefit-create", world), data).content.decode()
    assert "Year row 2: Enter the financial year for this row" in page
    assert "Year row 3: Amounts cannot be negative" in page
    assert not Benefit.objects.exists()
    data.update({"years-1-planned_gbp": "", "years-2-planned_gbp": "120000"})
    response = client.post(url("benefit-create", world), data)
    benefit = Benefit.objects.get()
    assert response.status_code == 302
    assert [(v.year, v.planned_gbp, v.realised_gbp) for v in benefit.values.all()] == [
        (2024, Decimal("100000"), Decimal("90000")),
        (2025, Decimal("120000"), None),
    ]
    register = client.get(url("benefits", world)).content.decode()
    assert "£220,000" in register
    assert "£90,000" in register


# ---------------------------------------------------------------------------------- query counts


def _recent_months(count: int) -> list[dt.date]:
    this_month = dt.date.today().replace(day=1)
    return [this_month - relativedelta(months=k) for k in range(count, 0, -1)]


def _add_kpis(world: World, user: User, prefix: str, count: int, months: int) -> None:
    for index in range(count):
        kpi = make_kpi(world.ours, f"{prefix}-{index:02d}", first_period=dt.date(2020, 1, 1))
        for number, month in enumerate(_recent_months(months)):
            make_kpi_return(kpi, month, "93" if number % 3 else "85", user=user)


@pytest.mark.parametrize("name", ["dashboard", "returns", "ratings", "reviews"])
def test_kpi_pages_run_a_fixed_number_of_queries(world: World, editor: User, name: str) -> None:
    world.ours.procurement_regime = "pa2023"
    world.ours.save()
    client = client_for(editor)
    _add_kpis(world, editor, "F", 2, 2)
    client.get(url(name, world))
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(name, world)).status_code == 200
    _add_kpis(world, editor, "M", 12, 11)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url(name, world))
    assert page.status_code == 200
    assert "M-11" in page.content.decode()
    assert len(many) == len(few), name


def test_benefits_register_runs_a_fixed_number_of_queries(world: World, editor: User) -> None:
    client = client_for(editor)
    rows = [{"year": 2024 + k, "planned_gbp": Decimal(1000), "realised_gbp": None} for k in range(3)]

    def add(count: int) -> None:
        for index in range(count):
            services.benefit_save(
                user=editor,
                partnership=world.ours,
                data={"name": f"B{index}", "category": "cashable"},
                values=rows,
            )

    add(1)
    client.get(url("benefits", world))
    with CaptureQueriesContext(connection) as few:
        client.get(url("benefits", world))
    add(10)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url("benefits", world)).content.decode()
    assert "£33,000" in page
    assert len(many) == len(few)


def test_a_validated_value_can_only_be_disputed(world: World, editor: User) -> None:
    record = make_kpi_return(make_kpi(world.ours), dt.date(2024, 4, 1), "96", user=editor)
    client = client_for(editor)
    page = client.get(url("return-review", world, return_pk=record.pk)).content.decode()
    assert "Validate: the value is right and counts" not in page
    assert "Dispute it: the validated value is wrong" in page
    client.post(
        url("return-review", world, return_pk=record.pk),
        {"decision": "dispute", "reason": "Audit found errors"},
    )
    record.refresh_from_db()
    assert record.status == ReturnStatus.DISPUTED


def test_text_blank_field_reads_not_given_never_the_word_none(world: World, editor: User) -> None:
    """Rule TEXT-NO-RAW-VALUES (issue 9 item 6): an empty commentary is said in words, never as Python's
    None, so the page cannot read "Commentary None"."""
    kpi = make_kpi(world.ours)
    record = make_kpi_return(kpi, dt.date(2024, 4, 1), "96.5", user=world.users[Role.PARTNER_USER])
    page = client_for(editor).get(url("return", world, return_pk=record.pk)).content.decode()
    commentary = page.split(">Commentary</dt>", 1)[1].split("</dd>", 1)[0]
    assert "Not given" in commentary
    assert "None" not in commentary
