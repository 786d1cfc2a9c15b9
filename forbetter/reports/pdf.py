"""Laying HTML out as a PDF with WeasyPrint, and saying plainly when WeasyPrint cannot load.

WeasyPrint needs the Pango text library from the operating system; without it the import fails with an
``OSError``. The pages then say so and a run fails with that message instead of a server error.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

MISSING = (
    "PDFs cannot be made on this server: the WeasyPrint library could not load ({reason}). It needs the "
    "Pango text library installed by the system administrator (for example the libpango-1.0-0 and "
    "libpangoft2-1.0-0 packages on Debian or Ubuntu)."
)


@cache
def _weasyprint() -> tuple[Any, str]:
    try:
        import weasyprint
    except (OSError, ImportError) as problem:  # missing Pango raises OSError
        return None, MISSING.format(reason=str(problem).splitlines()[0] if str(problem) else "unknown")
    return weasyprint, ""


def unavailable_reason() -> str:
    """Why PDFs cannot be made here, or "" when they can."""
    return _weasyprint()[1]


class PdfUnavailableError(RuntimeError):
    pass


@dataclass(frozen=True)
class Pdf:
    content: bytes
    pages: int


def html_to_pdf(html: str, *, base_url: str | None = None) -> Pdf:
    """The HTML laid out by WeasyPrint (its print CSS, page counters and inline SVG) as a PDF."""
    weasyprint, reason = _weasyprint()
    if weasyprint is None:
        raise PdfUnavailableError(reason)
    document = weasyprint.HTML(string=html, base_url=base_url).render()
    return Pdf(content=document.write_pdf(), pages=len(document.pages))
