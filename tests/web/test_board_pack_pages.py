"""Board-pack pages: asking for a pack, its progress page, who may download which pack, the portfolio summary
being its requester's alone, and a plain message when WeasyPrint cannot load."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from forbetter.accounts.models import Role
from forbetter.reports import pdf
from forbetter.reports.models import PackKind, PackRun, PackStatus
from forbetter.reports.pdf import unavailable_reason
from tests.conftest import World
from tests.factories import client_for
from tests.requirements import require


@pytest.fixture
def needs_weasyprint() -> None:
    require("weasyprint", not unavailable_reason(), unavailable_reason())


def _generate(world: World, role: Role, audience: str = "") -> PackRun:
    client = client_for(world.users[role])
    response = client.post(reverse("reports:generate", args=[world.ours.pk]), {"audience": audience})
    run = PackRun.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:run", args=[world.ours.pk, run.pk])
    return run


@pytest.mark.django_db
def test_generating_a_pack_makes_a_pdf_the_requester_can_download(
    world: World, needs_weasyprint: None
) -> None:
    run = _generate(world, Role.COUNCIL_VIEWER)
    assert run.status == PackStatus.DONE
    assert not run.partner_view
    client = client_for(world.users[Role.COUNCIL_VIEWER])
    page = client.get(reverse("reports:run", args=[world.ours.pk, run.pk])).content.decode()
    assert "Download the PDF" in page
    response = client.get(reverse("reports:download", args=[world.ours.pk, run.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    listing = client.get(reverse("reports:packs", args=[world.ours.pk])).content.decode()
    assert f"Board pack {run.pk}" in listing


@pytest.mark.django_db
def test_partner_user_never_opens_a_council_pack(world: World, needs_weasyprint: None) -> None:
    council = _generate(world, Role.COUNCIL_EDITOR, "council")
    shared = _generate(world, Role.COUNCIL_EDITOR, "partner")
    assert shared.partner_view
    partner = client_for(world.users[Role.PARTNER_USER])
    assert partner.get(reverse("reports:download", args=[world.ours.pk, council.pk])).status_code == 403
    assert partner.get(reverse("reports:run", args=[world.ours.pk, council.pk])).status_code == 403
    assert partner.get(reverse("reports:download", args=[world.ours.pk, shared.pk])).status_code == 200
    listing = partner.get(reverse("reports:packs", args=[world.ours.pk])).content.decode()
    assert f"Board pack {shared.pk}" in listing
    assert f"Board pack {council.pk}<" not in listing


@pytest.mark.django_db
def test_partner_user_asking_for_a_council_pack_gets_the_partners(
    world: World, needs_weasyprint: None
) -> None:
    run = _generate(world, Role.PARTNER_USER, "council")
    assert run.partner_view


@pytest.mark.django_db
def test_a_pack_of_another_partnership_is_not_found(world: World, needs_weasyprint: None) -> None:
    run = _generate(world, Role.COUNCIL_EDITOR)
    admin = client_for(world.users[Role.ADMINISTRATOR])
    url = reverse("reports:download", args=[world.theirs.pk, run.pk])
    assert admin.get(url).status_code == 404


@pytest.mark.django_db
def test_portfolio_summary_is_its_requesters_alone(world: World, needs_weasyprint: None) -> None:
    editor = client_for(world.users[Role.COUNCIL_EDITOR])
    response = editor.post(reverse("reports:portfolio-generate"))
    assert response.status_code == 302
    run = PackRun.objects.get(kind=PackKind.PORTFOLIO)
    assert run.status == PackStatus.DONE
    download = editor.get(reverse("reports:portfolio-pdf"))
    assert download["Content-Type"] == "application/pdf"
    viewer = client_for(world.users[Role.COUNCIL_VIEWER])
    other = viewer.get(reverse("reports:portfolio-pdf"))
    assert other["Content-Type"].startswith("text/html")
    assert "No portfolio summary yet" in other.content.decode()
    assert f"Portfolio summary {run.pk}" not in viewer.get(reverse("reports:portfolio")).content.decode()


@pytest.mark.django_db
def test_without_weasyprint_the_page_says_so_and_the_run_fails_plainly(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    reason = pdf.MISSING.format(reason="cannot load library 'libpango-1.0-0'")
    monkeypatch.setattr(pdf, "_weasyprint", lambda: (None, reason))
    run = _generate(world, Role.COUNCIL_EDITOR)
    assert run.status == PackStatus.FAILED
    assert "Pango" in run.error_message
    client = client_for(world.users[Role.COUNCIL_EDITOR])
    page = client.get(reverse("reports:run", args=[world.ours.pk, run.pk])).content.decode()
    assert "could not be made" in page
    assert "Pango" in page
    assert "Pango" in client.get(reverse("reports:packs", args=[world.ours.pk])).content.decode()
    assert client.get(reverse("reports:download", args=[world.ours.pk, run.pk])).status_code == 404


@pytest.mark.django_db
def test_a_waiting_pack_page_checks_again_unless_told_not_to(world: World) -> None:
    run = PackRun.objects.create(partnership=world.ours, requested_by=world.users[Role.COUNCIL_EDITOR])
    client = client_for(world.users[Role.COUNCIL_EDITOR])
    url = reverse("reports:run", args=[world.ours.pk, run.pk])
    response = client.get(url)
    assert response["Refresh"] == "5"
    assert "waiting for the background worker" in response.content.decode()
    assert "Refresh" not in client.get(url + "?refresh=off")
    assert client.get(reverse("reports:download", args=[world.ours.pk, run.pk])).status_code == 404


@pytest.mark.django_db
def test_the_portfolio_summaries_list_exports_only_the_users_own(world: World) -> None:
    editor = world.users[Role.COUNCIL_EDITOR]
    mine = PackRun.objects.create(kind=PackKind.PORTFOLIO, requested_by=editor)
    PackRun.objects.create(kind=PackKind.PORTFOLIO, requested_by=world.users[Role.COUNCIL_VIEWER])
    response = client_for(editor).get(reverse("reports:portfolio"), {"export": "csv"})
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Summary,Requested at,Status")
    assert [line.split(",")[0] for line in lines[1:]] == [str(mine.pk)]


@pytest.mark.django_db
def test_a_run_whose_worker_has_gone_is_marked_failed_when_the_packs_are_next_viewed(
    world: World, settings: Any
) -> None:
    import datetime as dt

    from django.utils import timezone

    editor = world.users[Role.COUNCIL_EDITOR]
    settings.PACK_RUN_STALE_SECONDS = 600
    long_ago = timezone.now() - dt.timedelta(minutes=11)
    lost = PackRun.objects.create(
        partnership=world.ours, requested_by=editor, status=PackStatus.RUNNING, started_at=long_ago
    )
    busy = PackRun.objects.create(
        partnership=world.ours, requested_by=editor, status=PackStatus.RUNNING, started_at=timezone.now()
    )
    waiting = PackRun.objects.create(partnership=world.ours, requested_by=editor)
    page = client_for(editor).get(reverse("reports:packs", args=[world.ours.pk]))
    assert page.status_code == 200
    lost.refresh_from_db()
    busy.refresh_from_db()
    waiting.refresh_from_db()
    assert lost.status == PackStatus.FAILED
    assert "worker stopped before this PDF was finished" in lost.error_message
    assert busy.status == PackStatus.RUNNING
    assert waiting.status == PackStatus.QUEUED
