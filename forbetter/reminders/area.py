"""The reminders area: one page per user listing what is overdue or coming due across every partnership they
see, and their choice about the reminders email. Each area offers its own reminders through
``Area.reminders`` (see :mod:`forbetter.core.reminders`); this area only gathers them. Declared once for the
permission matrix (see :mod:`forbetter.core.areas`)."""

from __future__ import annotations

from forbetter.core.areas import Area, Scope, Who, form, page

AREA = Area(
    app="reminders",
    routes=(
        page("list", scope=Scope.GLOBAL),
        form("preferences", who=Who.ANYONE, scope=Scope.GLOBAL),
    ),
)
