"""Checks on evidence files a partner uploads with a return: size, extension and actual content.

A file is accepted only when its extension is one we allow *and* its first bytes (its "magic number") or,
for office documents, the parts inside the zip, show it really is that kind of file. A renamed program or
a web page saved as ``.pdf`` is turned away. Files are stored under a random name and only ever served
through a permission-checked view.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.conf import settings

DEFAULT_MAX_BYTES = 5 * 1024 * 1024


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
    if extension in ("xlsx", "docx", "ods"):
        return _office_document(content) == extension
    return False


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
                mimetype = archive.read("mimetype").strip()
                return "ods" if mimetype == b"application/vnd.oasis.opendocument.spreadsheet" else ""
    except (zipfile.BadZipFile, KeyError, OSError):
        return ""
    if "[Content_Types].xml" not in names:
        return ""
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    return ""
