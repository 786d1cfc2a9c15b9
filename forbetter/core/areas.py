"""Every area of ForBetter, each declared once, in its own app's ``area.py``.

An area is one app's share of the product: its links in a partnership's navigation, the records it offers
as evidence for framework tasks, the demo seeder that fills it, and every URL it serves with who may use
it. Navigation (:mod:`forbetter.partnerships.sections`), evidence (:mod:`forbetter.partnerships.evidence`),
the demo (``manage.py seed_demo``) and the permission matrix (``tests/web/test_permission_matrix.py``)
all read these declarations, so nothing is listed twice.

How to add an area (or a URL to one)
------------------------------------
1. Give the app an ``area.py`` exposing ``AREA = Area(...)``; this registry finds it by itself (any
   installed app with an ``area`` module), in ``INSTALLED_APPS`` order.
2. Name every URL of the app's ``urls.py`` in ``AREA.routes``, built with :func:`page`, :func:`form`,
   :func:`action` or :func:`confirm`, saying who may read and who may change:

   - ``page("register")``: anyone who sees the partnership reads it (404 for anyone else);
     ``reads=Who.COUNCIL`` keeps it from partner users (403); ``writes=Who.EDITORS`` if its form posts.
   - ``form("edit", kwargs=...)``: a form page that both shows and takes changes, for ``who`` only.
   - ``action("line-delete", kwargs=...)``: POST only (GET is 405); a POST of ``data`` does it (302).
   - ``confirm("plan-item-remove", kwargs=...)``: asks first; only a POST of ``confirm=yes`` does it.
   - ``scope=Scope.GLOBAL`` for pages outside any partnership, ``Scope.PUBLIC`` for pages open to all.

   A URL with more than ``pk`` in its path needs ``kwargs``: a function that, given a partnership, finds
   the records its path names (see :func:`first_pk`). The area's ``examples`` function makes sure a
   partnership has one of each of those records, so add to it when a URL addresses a new kind of record.
   The same URL may be declared twice with a ``variant`` when one object of it is treated differently
   (for example a draft payment statement, which partner users may not read).
3. List the area's navigation ``sections``, its ``evidence`` providers and, if the demo fills it, the
   dotted path of its ``demo`` seeder module (``seed(people, partnerships_by_name)``, idempotent). An area
   that shows on the partnership's overview gives a ``glance`` function and its ``glance_template``; one that
   knows actual costs or benefits gives ``life_actuals`` (see :mod:`forbetter.core.life`).
   One whose records carry dates for the key-dates timeline gives ``key_dates`` (see
   :mod:`forbetter.core.key_dates`).

The permission matrix then checks every declared URL for every role, on a partnership the user sees and on
one they do not, for anonymous users, and with records of another partnership put into the path; and a test
fails if any URL of the project is not declared here. This module imports no domain app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import import_module
from typing import Any

from django.apps import apps
from django.db.models import QuerySet

Kwargs = Callable[[Any], Mapping[str, object]]
"""Given a partnership, the URL's keyword arguments besides the partnership's ``pk``; given ``None`` (a global
page), all of them."""


class Scope(StrEnum):
    PARTNERSHIP = "partnership"
    """Under a partnership (``pk`` in the path): a 404 for anyone who may not see that partnership."""
    GLOBAL = "global"
    """Signed-in users only, outside any partnership."""
    PUBLIC = "public"
    """Open to anyone, signed in or not (signing in)."""


class Who(StrEnum):
    """Who may use a URL, as a statement the permission matrix checks role by role."""

    ANYONE = "anyone"
    """Anyone signed in (who sees the partnership, for a partnership page)."""
    COUNCIL = "council"
    """Council-confidential: everyone but the partner's users."""
    EDITORS = "editors"
    """Council editors and administrators."""
    PARTNER = "partner"
    """The partner's own users (KPI returns)."""
    ADMINISTRATORS = "administrators"


class Kind(StrEnum):
    PAGE = "page"
    """Read with GET; if it has a form, a POST is a change (an empty POST shows the form's errors)."""
    ACTION = "action"
    """POST only (GET is 405); a POST does it and redirects."""
    CONFIRM = "confirm"
    """A GET or an unconfirmed POST asks first; a POST with ``confirm=yes`` does it and redirects."""


@dataclass(frozen=True)
class Route:
    """One URL of an area and who may use it. Build with :func:`page`, :func:`form`, :func:`action` or
    :func:`confirm`."""

    name: str
    kind: Kind
    reads: Who | None
    writes: Who | None
    scope: Scope = Scope.PARTNERSHIP
    kwargs: Kwargs | None = None
    data: Mapping[str, str] = field(default_factory=dict)
    """What a POST that does the action sends (actions only)."""
    variant: str = ""
    """Tells apart two declarations of the same URL addressing different records."""


def page(
    name: str,
    *,
    reads: Who = Who.ANYONE,
    writes: Who | None = None,
    scope: Scope = Scope.PARTNERSHIP,
    kwargs: Kwargs | None = None,
    variant: str = "",
) -> Route:
    return Route(name, Kind.PAGE, reads, writes, scope, kwargs, variant=variant)


def form(
    name: str, *, who: Who = Who.EDITORS, scope: Scope = Scope.PARTNERSHIP, kwargs: Kwargs | None = None
) -> Route:
    return Route(name, Kind.PAGE, who, who, scope, kwargs)


def action(
    name: str,
    *,
    who: Who = Who.EDITORS,
    scope: Scope = Scope.PARTNERSHIP,
    kwargs: Kwargs | None = None,
    data: Mapping[str, str] | None = None,
) -> Route:
    return Route(name, Kind.ACTION, None, who, scope, kwargs, data=dict(data or {}))


def confirm(name: str, *, who: Who = Who.EDITORS, kwargs: Kwargs | None = None) -> Route:
    return Route(name, Kind.CONFIRM, who, who, Scope.PARTNERSHIP, kwargs, data={"confirm": "yes"})


@dataclass(frozen=True)
class Section:
    """A link in a partnership's navigation to a page that takes only the partnership's ``pk``."""

    key: str
    label: str
    url_name: str
    order: int
    visible_to: Callable[[Any], bool] = lambda user: True


@dataclass(frozen=True)
class Area:
    app: str
    """The app label; also the URL namespace unless ``namespace`` says otherwise."""
    routes: tuple[Route, ...]
    namespace: str | None = None
    """The URL namespace, if it differs from the app label ("" for URLs without one)."""
    sections: tuple[Section, ...] = ()
    evidence: tuple[Callable[[Any], Iterable[Any]], ...] = ()
    """Functions listing a partnership's records that can evidence its framework tasks."""
    demo: str | None = None
    """Dotted path of the demo module whose ``seed(people, partnerships_by_name)`` fills this area."""
    glance: Callable[[Any], Any] | None = None
    """``glance(partnership)``: what the partnership's overview shows of this area at a glance (a few figures
    in a fixed number of queries), rendered by ``glance_template``; the template gets it as ``glance``."""
    glance_template: str = ""
    life_actuals: Callable[[Any], Iterable[Any]] | None = None
    """``life_actuals(partnership)``: this area's actual costs or benefits to date, as
    :class:`forbetter.core.life.LifeActual` rows, for the value-for-money-over-the-life page."""
    key_dates: Callable[[Any], Iterable[Any]] | None = None
    """``key_dates(partnerships)``: dates this area's records already hold, for the given partnerships, as
    :class:`forbetter.core.key_dates.DatedRow` rows naming their partnership, read in a fixed number of
    queries; the key-dates timeline and portfolio show them marked as derived, so they are not typed twice."""
    examples: Callable[[Any, Any], None] | None = None
    """``examples(partnership, user)``: make sure the partnership has one record of each kind this area's
    URLs address (created as ``user``), so every URL can be built; used by the permission matrix."""
    reminders: Callable[[Any, Any], Iterable[Any]] | None = None
    """``reminders(partnerships, today)``: this area's open records of the given partnerships coming due or
    overdue, as :class:`forbetter.core.reminders.Reminder` rows, read in a fixed number of queries; the
    reminders page and the ``send_reminders`` email digest show them (see :mod:`forbetter.core.reminders`)."""
    pack_sections: Callable[..., list[Any]] | None = None
    """``pack_sections(partnership, *, partner_view)``: this area's sections of the partnership's board pack,
    as :class:`forbetter.core.pack.PackSection` rows, from the same selectors as its pages (see
    :mod:`forbetter.core.pack`); kept in the area's own ``pack.py``."""

    def url_name(self, route: Route) -> str:
        namespace = self.app if self.namespace is None else self.namespace
        return f"{namespace}:{route.name}" if namespace else route.name


@cache
def areas() -> tuple[Area, ...]:
    """Every installed app's ``AREA``, in ``INSTALLED_APPS`` order (found once, then remembered)."""
    found = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.area")
        except ModuleNotFoundError as missing:
            if missing.name != f"{config.name}.area":
                raise
            continue
        found.append(module.AREA)
    return tuple(found)


def first_pk(queryset: QuerySet[Any], what: str) -> int:
    """The lowest primary key in ``queryset``; a clear error if there is none (add one to ``examples``)."""
    pk = queryset.order_by("pk").values_list("pk", flat=True).first()
    if pk is None:
        raise LookupError(f"No {what} to address: the area's examples should create one.")
    return int(pk)
