"""The board pack and the portfolio summary: made in the background, every area's section present with the
pages' figures, council-confidential material left out of the partner's pack, and who may open which."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from forbetter.accounts.models import User
from forbetter.appraisal.models import BusinessCaseVersion, VersionStatus
from forbetter.core.templatetags.govuk import gbp
from forbetter.partnerships.models import Partnership
from forbetter.reports import services
from forbetter.reports.models import PackKind, PackRun, PackStatus
from forbetter.reports.pdf import unavailable_reason
from forbetter.risks.models import Risk, RunStatus, SimulationRun
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


COUNCIL_SECTIONS = ["Business case", "Client-side capacity", "Value for money over the life"]
SECTIONS = [
    "Framework progress",
    "Stage gates",
    "Key dates",
    "KPIs",
    "Risks",
    "Remedies and exit",
    "Payments and deductions",
    "Contract changes",
    "Governance",
    "Partnership reviews",
    "Trust",
]


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
        assert gbp(latest.p80_gbp) in flat
    assert "Confidential to the council" in flat


@pytest.mark.django_db
def test_partner_pack_leaves_out_council_only_sections_and_fields(seeded_demo: None) -> None:
    partnership = Partnership.objects.get(name=HIGHWAYS)
    top = register(partnership, RegisterFilters(status="open", sort="residual")).first()
    assert top is not None
    Risk.objects.filter(pk=top.pk).update(council_notes="Council eyes only: walk-away price")
    council_run, council_text, _ = _pack(EDITOR)
    # asked for the council's pack, a partner's user still gets the partner's
    partner_run, partner_text, pages = _pack(PARTNER, partner_view=False)
    assert not council_run.partner_view
    assert partner_run.partner_view
    council, partner = _flat(council_text), _flat(partner_text)
    for title in (
        "Business case",
        "Monte Carlo results",
        "Client-side capacity",
        "Value for money over the life",
    ):
        heading = re.compile(rf"\d+\. {title}")
        assert heading.search(council), title
        assert not heading.search(partner), title
    assert "walk-away price" in council
    assert "walk-away price" not in partner
    assert "Council notes" not in partner
    assert "Net present cost" not in partner
    assert "Affordability" not in partner
    assert "Confidential to the council" not in partner
    for title in SECTIONS:
        assert title in partner, title
    assert top.title in partner
    assert f"Page 2 of {len(pages)}" in _flat(pages[1])


@pytest.mark.django_db
def test_business_case_section_reports_the_latest_frozen_version(seeded_demo: None) -> None:
    partnership = Partnership.objects.get(name=HIGHWAYS)
    version = (
        BusinessCaseVersion.objects.filter(
            business_case__partnership=partnership, status=VersionStatus.FROZEN
        )
        .order_by("-frozen_at", "-pk")
        .first()
    )
    _, text, _ = _pack(EDITOR)
    flat = _flat(text)
    if version is None:
        assert "No version of a business case has been frozen yet" in flat
        return
    assert str(version) in flat
    for option in version.frozen_result.options.all():
        assert gbp(option.net_present_cost_gbp) in flat


@pytest.mark.django_db
def test_portfolio_summary_covers_every_partnership_the_user_sees(seeded_demo: None) -> None:
    from forbetter.partnerships.selectors import partnerships_visible_to

    user = User.objects.get(email=EDITOR)
    run = services.portfolio_run_request(user=user)
    run.refresh_from_db()
    assert run.kind == PackKind.PORTFOLIO
    assert run.status == PackStatus.DONE, run.error_message
    text, pages = _text(bytes(run.pdf))
    flat = _flat(text)
    assert "Portfolio summary" in flat
    for partnership in partnerships_visible_to(user):
        assert partnership.name in flat, partnership.name
    assert f"Page 1 of {len(pages)}" in flat
    partner = User.objects.get(email=PARTNER)
    theirs = _flat(_text(bytes(services.portfolio_run_request(user=partner).pdf))[0])
    hidden = Partnership.objects.exclude(pk__in=partnerships_visible_to(partner)).first()
    assert hidden is not None
    assert hidden.name not in theirs
