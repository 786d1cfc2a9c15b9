"""What every partnership page does first: find the partnership the user may see, check the role, and
render with the partnership's navigation. Every area's views use these, so the rules live in one place."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from forbetter.accounts.permissions import can_edit, can_see_confidential
from forbetter.core import exports
from forbetter.core.form_handling import apply_errors, save_form, write_form
from forbetter.partnerships.models import Partnership
from forbetter.partnerships.selectors import partnerships_visible_to

__all__ = [
    "apply_errors",
    "paginate",
    "paginate_by_keys",
    "partnership_page",
    "require_confidential",
    "require_edit",
    "save_form",
    "visible_partnership",
    "write_form",
]

READ_ONLY = "Your role can read this partnership but not change it"
CONFIDENTIAL = "This is confidential to the council"


def visible_partnership(request: HttpRequest, pk: int) -> Partnership:
    """The partnership, or 404 if it does not exist or this user may not see it."""
    queryset = partnerships_visible_to(request.user).select_related("partner", "joint_venture_company")
    partnership = get_object_or_404(queryset.prefetch_related("councils", "services"), pk=pk)
    setattr(request, exports.PARTNERSHIP_ATTRIBUTE, partnership)  # names an export's file
    return partnership


def require_edit(request: HttpRequest, message: str = READ_ONLY) -> None:
    """403 unless the user may change partnership records."""
    if not can_edit(request.user):
        raise PermissionDenied(message)


def require_confidential(request: HttpRequest, message: str = CONFIDENTIAL) -> None:
    """403 for partner users on council-confidential pages."""
    if not can_see_confidential(request.user):
        raise PermissionDenied(message)


def paginate(
    request: HttpRequest, items: Any, *, export_as: str | None = None, page_param: str = "page"
) -> Page:
    """A page of the list; with ``?export=`` the whole list as a file instead (:mod:`forbetter.core.exports`:
    the columns are ``<app>/columns/<export_as or the URL name>.json``)."""
    exports.offer(request, items, name=export_as, list_param=page_param)
    return Paginator(items, settings.PAGE_SIZE).get_page(request.GET.get(page_param))


def paginate_by_keys(request: HttpRequest, items: QuerySet[Any], *, export_as: str | None = None) -> Page:
    """A page of a long list whose rows are wide (joined to their KPI and people), in three queries.

    The page's primary keys are found first, in the list's order, from the keys alone; then only those rows
    are read with their joins. A plain OFFSET makes the database sort and step over every wide row before
    the page (about ten times slower on the last page of a partnership's 5,000 returns on SQLite); here it
    sorts and skips narrow rows. Either way the work is bounded by the one partnership's rows, never the
    whole table, because the list is filtered through the partnership's index first.
    """
    exports.offer(request, items, name=export_as)
    page = paginate(request, items.values_list("pk", flat=True))
    keys = list(page.object_list)
    rows = {row.pk: row for row in items.filter(pk__in=keys)}
    page.object_list = [rows[key] for key in keys if key in rows]
    return page


def partnership_page(
    request: HttpRequest, template: str, partnership: Partnership, section: str, **context: Any
) -> HttpResponse:
    """Render a page of the partnership with its navigation (``section`` marks the current link)."""
    context.update(
        partnership=partnership,
        section=section,
        can_edit=can_edit(request.user),
        can_see_confidential=can_see_confidential(request.user),
    )
    return render(request, template, context)
