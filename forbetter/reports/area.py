"""The reports area: a partnership's board pack as a PDF (every area's pack sections, see
:mod:`forbetter.core.pack`) and a portfolio summary of every partnership a user sees, both made in the
background with their progress shown. A council pack is council-only; a pack made for the partner's users
leaves out everything confidential to the council and anyone who sees the partnership may open it; a
portfolio summary is its requester's alone. Declared once for navigation and the permission matrix (see
:mod:`forbetter.core.areas`)."""

from __future__ import annotations

from typing import Any

from forbetter.core.areas import Area, Scope, Section, Who, action, first_pk, page
from forbetter.partnerships.models import Partnership
from forbetter.reports import services
from forbetter.reports.models import PackKind, PackRun, PackStatus


def _runs(partnership: Partnership, *, partner_view: bool) -> Any:
    return PackRun.objects.filter(
        kind=PackKind.BOARD, partnership=partnership, partner_view=partner_view, status=PackStatus.DONE
    )


def _partner_pack(partnership: Partnership) -> dict[str, int]:
    return {"run_pk": first_pk(_runs(partnership, partner_view=True), "board pack for the partner")}


def _council_pack(partnership: Partnership) -> dict[str, int]:
    return {"run_pk": first_pk(_runs(partnership, partner_view=False), "council board pack")}


def examples(partnership: Partnership, user: Any) -> None:
    """A finished board pack made for the partner's users and a finished council pack."""
    for partner_view in (True, False):
        if not _runs(partnership, partner_view=partner_view).exists():
            run = PackRun.objects.create(
                kind=PackKind.BOARD, partnership=partnership, requested_by=user, partner_view=partner_view
            )
            services.pack_run_execute(run_id=run.pk)


AREA = Area(
    app="reports",
    routes=(
        page("packs"),
        action("generate", who=Who.ANYONE),
        page("run", kwargs=_partner_pack),
        page("run", reads=Who.COUNCIL, kwargs=_council_pack, variant="council"),
        page("download", kwargs=_partner_pack),
        page("download", reads=Who.COUNCIL, kwargs=_council_pack, variant="council"),
        page("portfolio", scope=Scope.GLOBAL),
        action("portfolio-generate", who=Who.ANYONE, scope=Scope.GLOBAL),
        page("portfolio-pdf", scope=Scope.GLOBAL),
    ),
    sections=(Section("board-pack", "Board pack", "reports:packs", 95),),
    examples=examples,
)
