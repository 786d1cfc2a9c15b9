"""Checks on evidence files a partner uploads with a return: size, extension and actual content.

A file is accepted only when its extension is one we allow *and* its first bytes (its "magic number") or,
for office documents, the parts inside the zip, show it really is that kind of file. A renamed program or
a web page saved as ``.pdf`` is turned away. Files are stored under a random name and only ever served
through a permission-checked view.

Office documents (XLSX, DOCX, ODS) are zip archives, and a zip can be a "bomb": a few hundred bytes that
expand to gigabytes. They are judged by the sizes their zip central directory *declares*
(``ZipInfo.file_size`` and ``compress_size``) without expanding anything, against three limits: the total
expanded size, the number of parts and the expansion ratio of any large part. The only part ever read is
ODS's ``mimetype``, and only when it declares itself a few bytes long; Python's zip reader never returns
more than a part's declared size, so a part that lies about its size cannot expand beyond it.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.conf import settings

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_EXPANDED_BYTES = 100 * 1024 * 1024
"""The most an office document may declare its parts expand to, all together (100 MB)."""
MAX_PARTS = 2_000
"""The most parts (files inside the zip) an office document may have; real ones have tens to hundreds."""
MAX_RATIO = 200
"""The most any part of 1 MB or more may expand relative to its stored size; spreadsheet XML reaches
about 20 to 50 times, a bomb thousands."""
RATIO_FLOOR_BYTES = 1024 * 1024
_MIMETYPE_MAX_BYTES = 100
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


@dataclass(frozen=True)
class FileKind:
    extension: str
    label: str
    content_type: str


KINDS = {
    kind.extension: kind
    for kind in (
        FileKind("pdf", "PDF", "application/pdf"),
        FileKind("csv", "CSV", "text/csv"),
        FileKind(
            "xlsx", "Excel workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ),
        FileKind("ods", "OpenDocument spreadsheet", "application/vnd.oasis.opendocument.spreadsheet"),
        FileKind(
            "docx", "Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        ),
        FileKind("png", "PNG image", "image/png"),
        FileKind("jpg", "JPEG image", "image/jpeg"),
        FileKind("jpeg", "JPEG image", "image/jpeg"),
    )
}
ALLOWED_TEXT = "PDF, CSV, XLSX, ODS, DOCX, PNG or JPEG"


class EvidenceFileError(ValueError):
    """Why a file was refused, in words for the person who uploaded it."""


def max_bytes() -> int:
    return int(getattr(settings, "KPI_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def size_text(size: int) -> str:
    """5242880 -> '5 MB'; 2048 -> '2 KB'; 100 -> '100 bytes'."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    if size >= 1024:
        return f"{size / 1024:g} KB"
    return f"{size} bytes"


def check_evidence_file(name: str, size: int, stream: IO[bytes]) -> FileKind:
    """The kind of an acceptable evidence file, or :class:`EvidenceFileError` saying what is wrong."""
    limit = max_bytes()
    if size == 0:
        raise EvidenceFileError("The evidence file is empty")
    if size > limit:
        raise EvidenceFileError(f"The evidence file must be smaller than {size_text(limit)}")
    extension = PurePath(name).suffix.lower().lstrip(".")
    kind = KINDS.get(extension)
    if kind is None:
        raise EvidenceFileError(f"The evidence file must be a {ALLOWED_TEXT}")
    stream.seek(0)
    head = stream.read(limit + 1)
    stream.seek(0)
    if extension in OFFICE_EXTENSIONS:
        check_archive_limits(io.BytesIO(head))
    if not _content_matches(extension, head):
        raise EvidenceFileError(
            f"The evidence file's name says {kind.label} but its content is not a {kind.label}: "
            "save it again in that format and upload it"
        )
    return kind


def _content_matches(extension: str, content: bytes) -> bool:
    if extension == "pdf":
        return content.startswith(b"%PDF-")
    if extension == "png":
        return content.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return content.startswith(b"\xff\xd8\xff")
    if extension == "csv":
        return _is_text(content)
    if extension in OFFICE_EXTENSIONS:
        return _office_document(content) == extension
    return False


OFFICE_EXTENSIONS = ("xlsx", "docx", "ods")


def check_archive_limits(stream: IO[bytes]) -> None:
    """Refuse a zip whose central directory declares more than the limits, without expanding any part.

    Raises :class:`EvidenceFileError` naming the limit exceeded. A stream that is not a readable zip passes
    here; the content check then refuses it as not being the document its name says.
    """
    try:
        with zipfile.ZipFile(stream) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return
    if len(parts) > MAX_PARTS:
        raise EvidenceFileError(
            f"The evidence file has {len(parts):,} parts inside it, more than the limit of {MAX_PARTS:,} "
            "for an office document: save it again as a simpler file or as a PDF"
        )
    expanded = sum(part.file_size for part in parts)
    if expanded > MAX_EXPANDED_BYTES:
        raise EvidenceFileError(
            f"The evidence file would expand to {size_text(expanded)} when opened, more than the limit of "
            f"{size_text(MAX_EXPANDED_BYTES)} for an office document: split it or save it as a PDF"
        )
    for part in parts:
        if part.file_size >= RATIO_FLOOR_BYTES and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            ratio = part.file_size // max(part.compress_size, 1)
            raise EvidenceFileError(
                f"A part of the evidence file expands {ratio:,} times its stored size, more than the limit "
                f"of {MAX_RATIO} times for an office document: save it again and upload the new file"
            )


def _is_text(content: bytes) -> bool:
    """Plain text in UTF-8 (with or without a byte-order mark) with no control characters but tab and
    line ends."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return all(ch in "\t\r\n" or ord(ch) >= 32 for ch in text)


def _office_document(content: bytes) -> str:
    """'xlsx', 'docx' or 'ods' when the zip holds that kind of document's parts, else ''."""
    if not content.startswith(b"PK\x03\x04"):
        return ""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                part = archive.getinfo("mimetype")
                if part.file_size > _MIMETYPE_MAX_BYTES:
                    return ""
                with archive.open(part) as handle:
                    mimetype = handle.read(_MIMETYPE_MAX_BYTES).strip()
                return "ods" if mimetype == _ODS_MIMETYPE else ""
    except (
        zipfile.BadZipFile,
        KeyError,
        OSError,
        ValueError,
        EOFError,
        NotImplementedError,
        RuntimeError,
        zlib.error,
    ):
        return ""
    if "[Content_Types].xml" not in names:
        return ""
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    return ""


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV Injection")."""
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def formula_safe_cell(cell: str) -> str:
    """The cell as a spreadsheet will show it without running it: an apostrophe before a formula start.

    A plain signed number (``-12.5``) cannot run and is left as it is, so figures stay figures.

    >>> formula_safe_cell("=HYPERLINK(\\"http://x\\")"), formula_safe_cell("-12.5"), formula_safe_cell("ok")
    ('\\'=HYPERLINK("http://x")', '-12.5', 'ok')
    """
    if cell.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def formula_safe_csv(content: bytes) -> bytes | None:
    """A CSV file's bytes with every cell passed through :func:`formula_safe_cell`, or None when the file
    cannot be read as CSV (the caller then serves it as plain text). The stored file is never changed: the
    evidence stays exactly as the partner sent it; only the copy served is made safe."""
    try:
        text = content.decode("utf-8-sig")
        rows = [
            [formula_safe_cell(cell) for cell in row] for row in csv.reader(io.StringIO(text, newline=""))
        ]
    except (UnicodeDecodeError, csv.Error):
        return None
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    bom = "\ufeff" if content.startswith(b"\xef\xbb\xbf") else ""
    return (bom + out.getvalue()).encode("utf-8")
