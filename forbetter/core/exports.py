"""Every list page exports what the user sees, as CSV, Excel (XLSX) or OpenDocument (ODS).

The mechanism is the list page itself with ``?export=csv`` (or ``xlsx``, ``ods``): the view runs as usual,
so it finds the partnership the user may see (404 otherwise), checks the role (403) and reads the filters
from the query string; when it hands its list to :func:`forbetter.partnerships.view_helpers.paginate`,
:func:`offer` sees the ``export`` parameter and, instead of cutting out a page, raises
:class:`ExportRequested` with the whole filtered list. :class:`ExportMiddleware` turns that into the file.
No export needs a URL of its own, and a list cannot be exported by anyone who may not open its page.

The columns are data: ``forbetter/<app>/columns/<list>.json`` (see :mod:`forbetter.core.columns`), where
``<app>`` is the package of the view and ``<list>`` is the page's URL name (``-`` as ``_``), or the name the
view passes as ``export_as``; a page with two paged lists names the list by its page parameter
(``?export=csv&list=notices`` → ``<url name>_notices.json``). Partner users get the spec without its
council-only columns; the rows are the view's rows, so they are already only those the user may see.

Each value is made plain by :func:`cell_value`: a choice is written as its label ("Shared"), a person as
their email address, a category by its code, another record by its reference or name, a date as a date,
a fraction as a decimal (0.4). The importer reads exactly this back. The query count does not grow with the
rows: the related records the columns name are joined to the view's queryset (``select_related``).
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.text import slugify

from forbetter.core.columns import Column, load_columns, visible_columns
from forbetter.core.export_writers import CONTENT_TYPES, write

FORMATS = tuple(CONTENT_TYPES)
PARTNERSHIP_ATTRIBUTE = "forbetter_export_partnership"
"""The request attribute where ``visible_partnership`` leaves the partnership, to name the file."""

NATURAL_KEYS = ("email", "code", "reference")
"""How a related record is written: the first of these attributes it has, else its ``str``."""


class ExportRequested(Exception):  # noqa: N818 - a signal, not an error
    """The view's list, to be exported rather than paged (caught by :class:`ExportMiddleware`)."""

    def __init__(self, items: Any, name: str | None, list_param: str) -> None:
        super().__init__("export requested")
        self.items = items
        self.name = name
        self.list_param = list_param


class ExportRefused(Exception):  # noqa: N818 - answered with a 400, not an error of ours
    """An ``export`` parameter that cannot be answered: the message says why, in plain English."""


def wanted_format(request: HttpRequest) -> str | None:
    """The format asked for, None for a normal page; :class:`ExportRefused` for an unknown one."""
    fmt = request.GET.get("export")
    if fmt is None:
        return None
    if fmt not in FORMATS:
        raise ExportRefused(
            f"“{fmt}” is not a format ForBetter exports: use export=csv, export=xlsx or export=ods."
        )
    return fmt


def offer(request: HttpRequest, items: Any, *, name: str | None = None, list_param: str = "page") -> None:
    """Raise :class:`ExportRequested` with ``items`` if the request asks for this list as a file.

    ``list_param`` is the list's page parameter: on a page with two paged lists the export names the list
    (``&list=<page parameter>``); a page's only list is exported without it."""
    if wanted_format(request) is None:
        return
    chosen = request.GET.get("list", "page")
    if chosen == list_param or (chosen == "page" and list_param == "page"):
        raise ExportRequested(items, name, list_param)


# ------------------------------------------------------------------------------------------------------
# Values
# ------------------------------------------------------------------------------------------------------


def _natural(record: models.Model) -> str:
    for attribute in NATURAL_KEYS:
        found = getattr(record, attribute, None)
        if found:
            return str(found)
    return str(record)


def lookup(row: Any, key: str, *, label: bool = False) -> Any:
    """The value of ``key`` in a row: a dotted path of attributes, dict keys or tuple indexes; a method is
    called. With ``label``, a model field with choices gives its label (``get_<field>_display``)."""
    value = row
    parts = key.split(".")
    for index, part in enumerate(parts):
        if value is None:
            return None
        last = index == len(parts) - 1
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, tuple | list) and part.isdigit():
            value = value[int(part)]
        else:
            display = getattr(value, f"get_{part}_display", None) if last and label else None
            value = display() if display is not None else getattr(value, part)
        if inspect.ismethod(value):
            value = value()
    return value


def plain(value: Any, column: Column) -> Any:
    """A value as a writer takes it: None, str, int, Decimal or date, by the column's kind."""
    if value is None or (value == "" and column.kind != "text"):
        return None
    if isinstance(value, models.Model):
        return _natural(value)
    kind = column.kind
    if kind == "boolean" or isinstance(value, bool):
        return "yes" if value else "no"
    if kind == "choice":
        return str(getattr(value, "label", value))
    if kind == "integer":
        return int(value)
    if kind in {"decimal", "money", "fraction"}:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    if kind == "date":
        return value.date() if isinstance(value, dt.datetime) else value
    if kind == "month":
        return f"{value.year:04d}-{value.month:02d}" if isinstance(value, dt.date) else str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(getattr(value, "label", value))


def cell_value(row: Any, column: Column) -> Any:
    return plain(lookup(row, column.key, label=column.kind == "choice"), column)


def _joins(model: type[models.Model], columns: Iterable[Column]) -> list[str]:
    """The forward foreign keys the columns pass through, to ``select_related`` (no query per row)."""
    paths: set[str] = set()
    for column in columns:
        current: type[models.Model] | None = model
        walked: list[str] = []
        for part in column.key.split("."):
            if current is None:
                break
            try:
                field = current._meta.get_field(part)
            except Exception:
                break
            if not (field.many_to_one or field.one_to_one) or not field.concrete:
                break
            walked.append(part)
            paths.add("__".join(walked))
            related = field.related_model
            current = related if isinstance(related, type) else None
    return sorted(paths)


def rows_of(items: Any, columns: tuple[Column, ...]) -> Iterator[list[Any]]:
    plain_rows = getattr(items, "_fields", None) is None  # not .values()
    if isinstance(items, QuerySet) and items.query.combinator is None and plain_rows:
        joins = _joins(items.model, columns)
        if joins:
            items = items.select_related(*joins)
    for row in items:
        yield [cell_value(row, column) for column in columns]


# ------------------------------------------------------------------------------------------------------
# The response
# ------------------------------------------------------------------------------------------------------


def _place(view: Callable[..., Any]) -> str:
    """The app of a view, as ``load_columns`` names it: ``forbetter.risks.views`` → ``risks``."""
    module = view.__module__.removeprefix("forbetter.")
    return module.rsplit(".", 1)[0] if "." in module else module


def spec_for(request: HttpRequest, exported: ExportRequested) -> tuple[str, str]:
    """(app, list name) of the column spec of the exported list."""
    match = request.resolver_match
    assert match is not None
    name = exported.name or (match.url_name or "list").replace("-", "_")
    if exported.list_param != "page" and not exported.name:
        name = f"{name}_{exported.list_param}"
    return _place(match.func), name


def filename(request: HttpRequest, name: str, fmt: str, today: dt.date | None = None) -> str:
    partnership = getattr(request, PARTNERSHIP_ATTRIBUTE, None)
    owner = slugify(partnership.name) if partnership is not None else "portfolio"
    today = today or dt.date.today()
    return f"{owner}-{name.replace('_', '-')}-{today.isoformat()}.{fmt}"


def export_response(request: HttpRequest, exported: ExportRequested) -> HttpResponse:
    from forbetter.accounts.permissions import can_see_confidential

    fmt = wanted_format(request)
    assert fmt is not None
    app, name = spec_for(request, exported)
    columns = visible_columns(load_columns(app, name), council=can_see_confidential(request.user))
    body = write(fmt, columns, rows_of(exported.items, columns), title=name.replace("_", " ").capitalize())
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename(request, name, fmt)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response.is_export = True  # type: ignore[attr-defined]
    return response


def refused(request: HttpRequest, message: str) -> HttpResponse:
    response = TemplateResponse(request, "core/export_refused.html", {"message": message}, status=400)
    response.is_export = True  # type: ignore[attr-defined]
    return response.render()


class ExportMiddleware:
    """Answers ``?export=``: the file for a list page, a 400 with the reason otherwise."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            "export" in request.GET
            and request.method in {"GET", "HEAD"}
            and response.status_code == 200
            and not getattr(response, "is_export", False)
            and response.get("Content-Type", "").startswith("text/html")
        ):
            return refused(request, "This page has no list to export: the export links are under each list.")
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ExportRequested):
            return export_response(request, exception)
        if isinstance(exception, ExportRefused):
            return refused(request, str(exception))
        return None
