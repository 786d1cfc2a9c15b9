"""The board pack and the portfolio summary: made in the background, every area's section present with the
pages' figures, council-confidential material left out of the partner's pack, and who may open which."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from forbetter.accounts.models import User
from forbetter.partnerships.models import Partnership
from forbetter.reports import services
from forbetter.reports.models import PackRun, PackStatus
from forbetter.reports.pdf import unavailable_reason
from forbetter.risks.models import RunStatus, SimulationRun
from forbetter.risks.selectors import RegisterFilters, register
from tests.requirements import require

HIGHWAYS = "Ashcombe Highways and Property Partnership"
EDITOR = "editor@ashcombe.example"
PARTNER = "partner@meridian.example"


@pytest.fixture(autouse=True)
def _weasyprint() -> None:
    require("weasyprint", not unavailable_reason(), unavailable_reason())


def _text(pdf: bytes) -> tuple[str, list[str]]:
    reader = PdfReader(io.BytesIO(pdf))
    pages = [page.extract_text() or "" for page in reader.pages]
    return "\n".join(pages), pages


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _pack(email: str, *, partner_view: bool = False) -> tuple[PackRun, str, list[str]]:
    user = User.objects.get(email=email)
    partnership = Partnership.objects.get(name=HIGHWAYS)
    run = services.pack_run_request(user=user, partnership=partnership, partner_view=partner_view)
    run.refresh_from_db()
    assert run.status == PackStatus.DONE, run.error_message
    text, pages = _text(bytes(run.pdf))
    return run, text, pages


COUNCIL_SECTIONS = ["Business case"]
SECTIONS = ["Framework progress", "Stage gates", "KPIs", "Risks", "Payments and deductions"]


@pytest.mark.django_db
def test_council_pack_of_the_demo_has_every_section_with_real_figures(seeded_demo: None) -> None:
    run, text, pages = _pack(EDITOR)
    flat = _flat(text)
    assert run.page_count == len(pages) >= 5
    assert HIGHWAYS in flat
    assert "Contents" in pages[1]
    for title in SECTIONS + COUNCIL_SECTIONS:
        assert title in flat, title
        # the contents line names the section and the page it starts on
        entry = re.search(rf"\d+\. {re.escape(title)}\W*(\d+)", _flat(pages[1]))
        assert entry, f"{title} not in the contents with a page number"
        start = int(entry.group(1))
        assert title in _flat(pages[start - 1]), f"{title} is not on page {start}"
    for number, page in enumerate(pages, start=1):
        if number > 1:
            assert f"Page {number} of {len(pages)}" in _flat(page)
    partnership = Partnership.objects.get(name=HIGHWAYS)
    top = register(partnership, RegisterFilters(status="open", sort="residual")).first()
    assert top is not None
    assert top.title in flat
    latest = (
        SimulationRun.objects.filter(partnership=partnership, status=RunStatus.FINISHED)
        .order_by("-finished_at")
        .first()
    )
    if latest is not None:
        assert f"£{latest.p80_gbp:,.0f}" in flat
    assert "Confidential to the council" in flat
