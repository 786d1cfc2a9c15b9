"""The open contracting data area: a page per partnership that explains, validates and downloads its OCDS
release package. Everyone who sees the partnership reads it: the package is for publication and holds
nothing council-confidential, so partner users see the same package as the council. Declared once for
navigation and the permission matrix (see :mod:`forbetter.core.areas`)."""

from __future__ import annotations

from forbetter.core.areas import Area, Section, page

AREA = Area(
    app="opendata",
    routes=(page("overview"), page("download")),
    sections=(Section("opendata", "Open contracting data", "opendata:overview", 96),),
)
