"""The framework area: the Audit Commission framework itself, read by every signed-in user (see
:mod:`forbetter.core.areas`)."""

from __future__ import annotations

from forbetter.core.areas import Area, Scope, page

AREA = Area(app="framework", namespace="", routes=(page("framework", scope=Scope.GLOBAL),))
