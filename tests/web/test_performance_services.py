"""KPI services, rules, uploads and selectors: returns, validation, reviews, ratings, benchmarks, benefits."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from forbetter.accounts.models import Role
from forbetter.calc.performance import Rating, Status
from forbetter.performance import adapters, benchmarks, rules, selectors, services, targets
from forbetter.performance.models import Kpi, KpiReturn, KpiState, ReturnStatus, ReviewOutcome
from forbetter.performance.uploads import EvidenceFileError, check_evidence_file
from tests.conftest import World
from tests.factories import make_contract_live, make_kpi, make_kpi_return, pdf

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(dt.datetime(2024, 6, 5, 10))


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _submit(
    world: World, kpi: Kpi, period: dt.date = dt.date(2024, 4, 1), value: str = "96", **kw: Any
) -> KpiReturn:
    make_contract_live(world.ours)  # returns start when the KPI is agreed and the contract is live
    return services.return_submit(
        user=world.users[Role.PARTNER_USER],
        partnership=world.ours,
        kpi_id=kw.pop("kpi_id", kpi.pk),
        period=period,
        value=Decimal(value),
        evidence=kw.pop("evidence", pdf()),
        now=kw.pop("now", NOW),
        **kw,
    )


# ----------------------------------------------------------------------------------------- rules


@pytest.mark.parametrize(
    ("value", "basis", "term", "published", "applies", "met"),
    [
        ("24000000", "annual_charge", 12, 2, True, False),  # £288m total: three needed
        ("24000000", "annual_charge", 12, 3, True, True),
        ("5000000", "total_contract_value", None, 0, False, True),  # not *over* £5m
        ("1000000", "annual_charge", 6, 1, True, False),  # £6m once multiplied by the term
    ],
)
def test_rule_pa23_s52_three_kpis(
    world: World, value: str, basis: str, term: int | None, published: int, applies: bool, met: bool
) -> None:
    partnership = world.ours
    partnership.estimated_value_gbp, partnership.value_basis, partnership.term_years = (
        Decimal(value),
        basis,
        term,
    )
    partnership.procurement_regime = "pa2023"
    check = rules.publication_check(partnership, published=published)
    assert (check.applies, check.met) == (applies, met)
    assert check.rule == "PA23-S52-THREE-KPIS"
    assert "section 52" in check.citation


def test_rule_kpi_return_late_counts_days_after_the_period_ends() -> None:
    due = rules.return_due_on(dt.date(2024, 4, 1), frequency="monthly", due_days=10)
    assert due == dt.date(2024, 5, 10)
    assert rules.return_due_on(dt.date(2024, 4, 1), frequency="quarterly", due_days=10) == dt.date(
        2024, 7, 10
    )
    assert not rules.is_late(dt.date(2024, 5, 10), due_on=due)
    assert rules.is_late(dt.date(2024, 5, 11), due_on=due)


def test_rule_kpi_review_overdue() -> None:
    today = dt.date(2024, 6, 1)
    assert rules.review_overdue(due_on=dt.date(2024, 5, 31), reviewed_on=None, today=today)
    assert not rules.review_overdue(due_on=dt.date(2024, 6, 1), reviewed_on=None, today=today)
    assert not rules.review_overdue(due_on=dt.date(2024, 5, 1), reviewed_on=dt.date(2024, 5, 2), today=today)


# ------------------------------------------------------------------------------------------ KPIs


def test_kpi_with_a_failure_threshold_on_the_wrong_side_is_refused(world: World, editor: Any) -> None:
    data = {
        "reference": "X-1",
        "name": "Calls answered",
        "definition": "d",
        "measurement_method": "m",
        "measured_by": "p",
        "unit": "%",
        "direction": "higher",
        "kpi_type": "output",
        "target": Decimal("90"),
        "failure_threshold": Decimal("95"),
        "frequency": "quarterly",
        "first_period": dt.date(2024, 5, 1),
    }
    with pytest.raises(ValidationError) as caught:
        services.kpi_create(user=editor, partnership=world.ours, data=data)
    assert "must be at or below the target (90)" in caught.value.message_dict["failure_threshold"][0]
    assert (
        "quarters start in January, April, July and October" in caught.value.message_dict["first_period"][0]
    )
    assert not Kpi.objects.exists()


def test_partner_user_cannot_create_kpis(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.kpi_create(user=world.users[Role.PARTNER_USER], partnership=world.ours, data={})


# --------------------------------------------------------------------------------------- returns


def test_partner_submits_a_return_with_evidence_and_the_council_validates_it(
    world: World, media: Path
) -> None:
    kpi = make_kpi(world.ours)
    record = _submit(world, kpi, evidence=pdf("April pack.pdf"))
    assert record.status == ReturnStatus.SUBMITTED
    assert record.due_on == dt.date(2024, 5, 10)
    assert record.late  # 5 June is after 10 May
    assert record.evidence_name == "April pack.pdf"
    stored = Path(record.evidence_file.path)
    assert stored.is_relative_to(media)
    assert stored.name != "April pack.pdf"
    assert stored.suffix == ".pdf"
    services.return_validate(user=world.users[Role.COUNCIL_EDITOR], kpi_return=record)
    record.refresh_from_db()
    assert record.status == ReturnStatus.VALIDATED
    steps = [h.history_change_reason for h in record.history.order_by("history_date")]
    assert steps[0].startswith("Submitted late")
    assert steps[-1] == "Validated"


def test_a_disputed_return_can_be_resubmitted_and_every_step_is_in_the_history(world: World) -> None:
    kpi = make_kpi(world.ours)
    record = _submit(world, kpi, now=timezone.make_aware(dt.datetime(2024, 5, 3, 9)))
    assert not record.late
    with pytest.raises(ValidationError):
        services.return_dispute(user=world.users[Role.COUNCIL_EDITOR], kpi_return=record, reason="  ")
    services.return_dispute(
        user=world.users[Role.COUNCIL_EDITOR], kpi_return=record, reason="Totals do not add up"
    )
    again = _submit(world, kpi, value="97.5", now=timezone.make_aware(dt.datetime(2024, 5, 8, 9)))
    assert again.pk == record.pk
    assert again.status == ReturnStatus.SUBMITTED
    assert again.value == Decimal("97.5")
    services.return_validate(user=world.users[Role.COUNCIL_EDITOR], kpi_return=again)
    reasons = [h.history_change_reason for h in record.history.order_by("history_date")]
    assert reasons == [
        "Submitted",
        "Disputed: Totals do not add up",
        "Resubmitted after dispute",
        "Validated",
    ]


def test_a_validated_return_cannot_be_overwritten_by_the_partner(world: World) -> None:
    kpi = make_kpi(world.ours)
    record = _submit(world, kpi)
    services.return_validate(user=world.users[Role.COUNCIL_EDITOR], kpi_return=record)
    with pytest.raises(ValidationError) as caught:
        _submit(world, kpi, value="99")
    assert "validated by the council and cannot be changed" in caught.value.message_dict["period"][0]
    record.refresh_from_db()
    assert record.value == Decimal("96")


@pytest.mark.parametrize(
    ("period", "kpi_fields", "message"),
    [
        (dt.date(2024, 6, 1), {}, "has not ended yet"),
        (dt.date(2023, 12, 1), {}, "Reporting for this KPI starts with January 2024"),
        (dt.date(2024, 2, 1), {"frequency": "quarterly"}, "does not start a reporting period"),
        (dt.date(2024, 4, 1), {"state": KpiState.RETIRED}, "has been retired"),
    ],
)
def test_a_return_for_a_period_that_does_not_exist_is_refused(
    world: World, period: dt.date, kpi_fields: dict[str, Any], message: str
) -> None:
    kpi = make_kpi(world.ours, **kpi_fields)
    with pytest.raises(ValidationError) as caught:
        _submit(world, kpi, period=period)
    assert message in " ".join(caught.value.messages)
    assert not KpiReturn.objects.exists()


def test_a_return_for_a_kpi_of_another_partnership_is_refused(world: World) -> None:
    theirs = make_kpi(world.theirs)
    with pytest.raises(ValidationError) as caught:
        _submit(world, theirs)
    assert caught.value.message_dict["kpi"] == ["Select a KPI of this partnership"]
    assert not KpiReturn.objects.exists()


def test_only_partner_users_of_the_partnership_submit_returns(world: World) -> None:
    kpi = make_kpi(world.theirs)
    for user in (world.users[Role.PARTNER_USER], world.users[Role.COUNCIL_EDITOR]):
        with pytest.raises(PermissionDenied):
            services.return_submit(
                user=user,
                partnership=world.theirs,
                kpi_id=kpi.pk,
                period=dt.date(2024, 4, 1),
                value=Decimal(1),
                evidence=pdf(),
                now=NOW,
            )


def test_a_viewer_cannot_validate(world: World) -> None:
    record = _submit(world, make_kpi(world.ours))
    with pytest.raises(PermissionDenied):
        services.return_validate(user=world.users[Role.COUNCIL_VIEWER], kpi_return=record)
    record.refresh_from_db()
    assert record.status == ReturnStatus.SUBMITTED


# --------------------------------------------------------------------------------------- uploads


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


XLSX = _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"})
DOCX = _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"})
ODS = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"})


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.pdf", b"%PDF-1.7 ..."),
        ("a.csv", b"month,value\n2024-04,96.5\n"),
        ("a.xlsx", XLSX),
        ("a.docx", DOCX),
        ("a.ods", ODS),
        ("a.png", b"\x89PNG\r\n\x1a\n...."),
        ("a.JPG", b"\xff\xd8\xff\xe0...."),
    ],
)
def test_evidence_of_each_allowed_type_is_accepted(name: str, content: bytes) -> None:
    assert (
        check_evidence_file(name, len(content), io.BytesIO(content)).extension == name.split(".")[1].lower()
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.exe", b"MZ....", "must be a PDF, CSV, XLSX, ODS, DOCX, PNG or JPEG"),
        ("a.pdf", b"<html>not a pdf</html>", "its content is not a PDF"),
        ("a.xlsx", DOCX, "its content is not a Excel workbook"),
        ("a.docx", b"PK\x03\x04 broken zip", "its content is not a Word document"),
        ("a.csv", b"\x00\x01binary", "its content is not a CSV"),
        ("a.pdf", b"", "is empty"),
    ],
)
def test_evidence_with_the_wrong_type_or_content_is_refused(name: str, content: bytes, message: str) -> None:
    with pytest.raises(EvidenceFileError, match=message):
        check_evidence_file(name, len(content), io.BytesIO(content))


def test_evidence_over_the_size_limit_is_refused_and_nothing_is_saved(world: World, settings: Any) -> None:
    settings.KPI_EVIDENCE_MAX_BYTES = 100
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * 200, content_type="application/pdf")
    with pytest.raises(ValidationError) as caught:
        _submit(world, make_kpi(world.ours), evidence=big)
    assert caught.value.message_dict["evidence"] == ["The evidence file must be smaller than 100 bytes"]
    assert not KpiReturn.objects.exists()


# --------------------------------------------------------------------------------------- reviews


def test_recording_a_review_that_changes_the_target_applies_it_and_schedules_the_next(
    world: World, editor: Any
) -> None:
    kpi = make_kpi(world.ours)
    review = services.review_schedule(user=editor, kpi=kpi, due_on=dt.date(2024, 3, 1))
    with pytest.raises(ValidationError) as caught:
        services.review_schedule(user=editor, kpi=kpi, due_on=dt.date(2024, 9, 1))
    assert "already scheduled" in caught.value.messages[0]
    with pytest.raises(ValidationError) as caught:
        services.review_record(
            user=editor,
            review=review,
            reviewed_on=dt.date(2024, 3, 2),
            outcome=ReviewOutcome.CHANGE_TARGET,
            notes="",
        )
    assert caught.value.message_dict["new_target"] == ["Enter the new target"]
    services.review_record(
        user=editor,
        review=review,
        reviewed_on=dt.date(2024, 3, 2),
        outcome=ReviewOutcome.CHANGE_TARGET,
        notes="Raised",
        new_target=Decimal("97"),
        next_review_on=dt.date(2025, 3, 1),
    )
    kpi.refresh_from_db()
    assert kpi.target == Decimal("97")
    assert kpi.reviews.filter(reviewed_on__isnull=True).get().due_on == dt.date(2025, 3, 1)


def test_retiring_an_indicator_stops_its_returns(world: World, editor: Any) -> None:
    kpi = make_kpi(world.ours)
    review = services.review_schedule(user=editor, kpi=kpi, due_on=dt.date(2024, 3, 1))
    services.review_record(
        user=editor,
        review=review,
        reviewed_on=dt.date(2024, 3, 2),
        outcome=ReviewOutcome.RETIRE,
        notes="Replaced by an outcome measure",
        next_review_on=dt.date(2025, 3, 1),
    )
    kpi.refresh_from_db()
    assert kpi.state == KpiState.RETIRED
    assert not kpi.reviews.filter(reviewed_on__isnull=True).exists()


def test_review_board_flags_overdue_reviews_and_kpis_with_none_planned(world: World, editor: Any) -> None:
    overdue, planned = make_kpi(world.ours, "A-1"), make_kpi(world.ours, "A-2")
    make_kpi(world.ours, "A-3")
    services.review_schedule(user=editor, kpi=overdue, due_on=dt.date(2024, 1, 1))
    services.review_schedule(user=editor, kpi=planned, due_on=dt.date(2024, 12, 1))
    board = selectors.review_board(world.ours, today=dt.date(2024, 6, 1))
    assert [(row.review.kpi.reference, row.overdue) for row in board.scheduled] == [
        ("A-1", True),
        ("A-2", False),
    ]
    assert board.overdue == 1
    assert [k.reference for k in board.unscheduled] == ["A-3"]


# ------------------------------------------------------------------------------ dashboard, ratings


def test_dashboard_status_share_met_and_trend_come_from_validated_values_only(
    world: World, editor: Any
) -> None:
    kpi = make_kpi(world.ours)
    for month, value in ((1, "96"), (2, "92"), (3, "85")):
        make_kpi_return(kpi, dt.date(2024, month, 1), value, user=editor)
    make_kpi_return(kpi, dt.date(2024, 4, 1), "99", user=editor, status=ReturnStatus.SUBMITTED)
    row = selectors.dashboard(world.ours, today=dt.date(2024, 6, 1)).rows[0]
    assert row.status == Status.FAILED  # March's 85 is below the failure threshold of 90
    assert row.latest is not None
    assert row.latest.period == dt.date(2024, 3, 1)
    assert (row.met, row.assessed, row.share_met) == (1, 3, pytest.approx(1 / 3))
    assert row.awaiting == 1
    assert row.trend is not None
    assert len(row.trend.points.split()) == 3


def test_annual_rating_proposal_per_kpi_from_the_contract_year(world: World, editor: Any) -> None:
    world.ours.contract_management_began_on = dt.date(2024, 4, 1)
    world.ours.save()
    good, poor = make_kpi(world.ours, "G-1"), make_kpi(world.ours, "P-1", published=True)
    for month in range(4, 13):
        make_kpi_return(good, dt.date(2024, month, 1), "96", user=editor)
        make_kpi_return(poor, dt.date(2024, month, 1), "96" if month < 7 else "80", user=editor)
    make_kpi_return(good, dt.date(2024, 3, 1), "10", user=editor)  # before the contract year: not counted
    years = selectors.rating_years(world.ours, today=dt.date(2025, 6, 1))
    assert [(y.number, y.start, y.end, y.complete) for y in years] == [
        (2, dt.date(2025, 4, 1), dt.date(2026, 3, 31), False),
        (1, dt.date(2024, 4, 1), dt.date(2025, 3, 31), True),
    ]
    ratings = selectors.annual_ratings(world.ours, year=years[1], years=years)
    by_reference = {row.kpi.reference: row for row in ratings.rows}
    assert by_reference["G-1"].rating == Rating.GOOD
    assert by_reference["G-1"].assessed == 9
    assert (by_reference["P-1"].met, by_reference["P-1"].rating) == (3, Rating.INADEQUATE)
    assert ratings.rows[0].kpi.reference == "P-1"  # published KPIs first


# ------------------------------------------------------------------------------------ benchmarks


CSV_OK = (
    "council,period,value,source\n"
    "Hartwell,2024-01,90,Club\nKingsmere,2024-01,80,Club\nOakbridge,2024-01,70,Club\n"
)


def test_benchmark_import_and_the_partnerships_position(world: World, editor: Any) -> None:
    kpi = make_kpi(world.ours)
    make_kpi_return(kpi, dt.date(2024, 1, 1), "85", user=editor)
    batch = services.benchmark_import(user=editor, kpi=kpi, file_name="club.csv", text=CSV_OK)
    assert batch.row_count == 3
    assert batch.imported_by == editor
    row = selectors.benchmark(kpi).rows[0]
    assert row.position is not None
    # 85 beats two of 70, 80, 90 and sits at the upper quartile (85), so the top quarter.
    assert (row.position.percentile, row.position.quartile, row.position.group_size) == (
        pytest.approx(2 / 3),
        1,
        3,
    )
    # Importing again replaces values for the same council and period.
    services.benchmark_import(
        user=editor,
        kpi=kpi,
        file_name="fix.csv",
        text="council,period,value,source\nhartwell,2024-01,60,Fixed\n",
    )
    assert selectors.benchmark(kpi).rows[0].position.percentile == pytest.approx(1.0)  # type: ignore[union-attr]


def test_benchmark_csv_lists_every_row_problem_and_the_import_saves_nothing(
    world: World, editor: Any
) -> None:
    kpi = make_kpi(world.ours, frequency="quarterly")
    text = (
        "Council,Period,Value,Source\n"
        "Hartwell,2024-13,90,Club\n"
        ",2024-04,abc,Club\n"
        "Kingsmere,2024-05,80,\n"
        "Oakbridge,2024-04,70,Club\n"
        "oakbridge,2024-04,71,Club\n"
    )
    preview = benchmarks.parse(kpi, text)
    assert [(e.row, e.column) for e in preview.errors] == [
        (2, "period"),
        (3, "council"),
        (3, "value"),
        (4, "period"),
        (4, "source"),
        (6, "period"),
    ]
    assert "“abc” is not a number" in preview.errors[2].message
    assert "does not start a quarterly period" in preview.errors[3].message
    with pytest.raises(ValidationError):
        services.benchmark_import(user=editor, kpi=kpi, file_name="bad.csv", text=text)
    assert not kpi.benchmark_values.exists()
    assert not kpi.benchmark_imports.exists()


def test_benchmark_csv_needs_the_columns() -> None:
    preview = benchmarks.parse(Kpi(frequency="monthly"), "name,when,value\nA,2024-01,1\n")
    assert preview.errors[0].column == "council, period, source"
    assert "missing column" in preview.errors[0].message


# -------------------------------------------------------------------------------------- benefits


def test_benefit_totals_planned_and_realised_by_year(world: World, editor: Any) -> None:
    rows = [
        {"year": 2023, "planned_gbp": Decimal("100000"), "realised_gbp": Decimal("90000")},
        {"year": 2024, "planned_gbp": Decimal("150000"), "realised_gbp": None},
        {"year": 2030, "planned_gbp": Decimal("200000"), "realised_gbp": None},
    ]
    services.benefit_save(
        user=editor, partnership=world.ours, data={"name": "Savings", "category": "cashable"}, values=rows
    )
    other = services.benefit_save(
        user=editor,
        partnership=world.ours,
        data={"name": "Income", "category": "income"},
        values=[{"year": 2023, "planned_gbp": Decimal("50000"), "realised_gbp": Decimal("60000")}],
    )
    totals = selectors.benefit_totals(world.ours, today=dt.date(2024, 6, 1))
    assert (totals.planned_gbp, totals.realised_gbp, totals.planned_to_date_gbp) == (
        Decimal("500000"),
        Decimal("150000"),
        Decimal("300000"),
    )
    assert [(y.label, y.planned_gbp, y.realised_gbp) for y in totals.by_year] == [
        ("2023/24", Decimal("150000"), Decimal("150000")),
        ("2024/25", Decimal("150000"), Decimal(0)),
        ("2030/31", Decimal("200000"), Decimal(0)),
    ]
    # Saving the rows again without 2023 removes that year.
    services.benefit_save(user=editor, partnership=world.ours, benefit=other, data={}, values=[])
    assert selectors.benefit_totals(world.ours, today=dt.date(2024, 6, 1)).realised_gbp == Decimal("90000")


def test_a_benefit_year_can_appear_once(world: World, editor: Any) -> None:
    row = {"year": 2024, "planned_gbp": Decimal(1), "realised_gbp": None}
    with pytest.raises(ValidationError, match="2024 appears more than once"):
        services.benefit_save(
            user=editor, partnership=world.ours, data={"name": "X", "category": "cashable"}, values=[row, row]
        )


def test_rule_kpi_target_in_force_past_periods_keep_the_target_in_force_then(
    world: World, editor: Any
) -> None:
    """Rule KPI-TARGET-IN-FORCE: a target raised at an indicator review applies from a date; earlier periods,
    their status (RAG), the KPI page and ratings keep the target in force then (a value of 96 met the old
    target of 95 in March and still shows as met after the target is raised to 97 from April)."""
    kpi = make_kpi(world.ours, "T-1", target=Decimal("95"), failure_threshold=Decimal("90"))
    for month in (2, 3, 4):
        make_kpi_return(kpi, dt.date(2024, month, 1), "96", user=editor)
    review = services.review_schedule(user=editor, kpi=kpi, due_on=dt.date(2024, 3, 1))
    with pytest.raises(ValidationError) as caught:
        services.review_record(
            user=editor,
            review=review,
            reviewed_on=dt.date(2024, 3, 20),
            outcome=ReviewOutcome.CHANGE_TARGET,
            notes="Raised",
            new_target=Decimal("97"),
            new_target_from=dt.date(2024, 4, 15),
        )
    assert "start of a reporting period" in caught.value.message_dict["new_target_from"][0]
    services.review_record(
        user=editor,
        review=review,
        reviewed_on=dt.date(2024, 3, 20),
        outcome=ReviewOutcome.CHANGE_TARGET,
        notes="Raised",
        new_target=Decimal("97"),
        new_failure_threshold=Decimal("93"),
    )
    kpi = selectors.kpis_of(world.ours).get(pk=kpi.pk)
    assert [(t.effective_from, t.target) for t in targets.target_history(kpi)] == [
        (dt.date(2024, 1, 1), Decimal("95")),
        (dt.date(2024, 4, 1), Decimal("97")),
    ]
    assert targets.target_in_force(kpi, dt.date(2024, 3, 1)).target == Decimal("95")
    assert adapters.status_of(kpi, Decimal("96"), dt.date(2024, 3, 1)) == Status.MET
    assert adapters.status_of(kpi, Decimal("96"), dt.date(2024, 4, 1)) == Status.APPROACHING
    detail = selectors.kpi_detail(kpi)
    assert [line.status for line in detail.lines] == [Status.APPROACHING, Status.MET, Status.MET]
    year = selectors.RatingYear(number=1, start=dt.date(2023, 4, 1), end=dt.date(2024, 3, 31), complete=True)
    ratings = selectors.annual_ratings(world.ours, year=year, years=[year])
    assert [row.met for row in ratings.rows if row.kpi.pk == kpi.pk] == [2]  # Feb and March, old target


def test_rule_kpi_target_in_force_the_kpi_form_corrects_only_the_newest_target_row(
    world: World, editor: Any
) -> None:
    """Rule KPI-TARGET-IN-FORCE: a KPI is created with its first target row; editing the target on the KPI
    form corrects the newest row (history kept) and leaves earlier rows alone."""
    kpi = services.kpi_create(
        user=editor,
        partnership=world.ours,
        data={
            "reference": "N-1",
            "name": "New",
            "definition": "d",
            "measurement_method": "m",
            "measured_by": "b",
            "unit": "%",
            "direction": "higher",
            "kpi_type": "output",
            "target": Decimal("90"),
            "failure_threshold": Decimal("85"),
            "frequency": "monthly",
            "first_period": dt.date(2024, 1, 1),
        },
    )
    assert [(t.effective_from, t.target) for t in kpi.targets.all()] == [(dt.date(2024, 1, 1), Decimal("90"))]
    kpi.targets.create(
        effective_from=dt.date(2024, 6, 1), target=Decimal("92"), failure_threshold=Decimal("85")
    )
    services.kpi_update(user=editor, kpi=kpi, data={"target": Decimal("93")})
    assert [t.target for t in kpi.targets.order_by("effective_from")] == [Decimal("90"), Decimal("93")]
    assert kpi.targets.get(effective_from=dt.date(2024, 6, 1)).history.first().history_change_reason == (
        "Corrected on the KPI form"
    )
