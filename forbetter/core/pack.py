"""The board pack's extension point: each area offers its own sections of a partnership's board pack.

An area gives ``pack_sections`` on its :class:`forbetter.core.areas.Area`: a function
``(partnership, *, partner_view) -> list[PackSection]`` kept in the area's own ``pack.py``. Each section is a
template and its context, drawn from the same selectors and stored results as the area's pages, so the pack
never works a figure out differently from the page that shows it. The reports app gathers the sections of
every area in ``order``, leaves out those marked ``council_only`` when the pack is for the partner's
users, and lays them out as a PDF. An area that lands later just adds a provider. This module imports no
domain app.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from forbetter.core.areas import areas


@dataclass(frozen=True)
class PackSection:
    """One section of a board pack: a heading in the contents and the HTML its template renders.

    ``council_only`` sections are left out of a pack made for the partner's users. A section's template
    must itself leave out council-only fields when its context says ``partner_view``.
    """

    key: str
    title: str
    order: int
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    council_only: bool = False

    @property
    def anchor(self) -> str:
        return f"section-{self.key}"

    def render(self, *, partnership: Any, partner_view: bool) -> SafeString:
        return render_to_string(
            self.template,
            {
                **self.context,
                "partnership": partnership,
                "partner_view": partner_view,
                "can_see_confidential": not partner_view,
                "can_edit": False,
                "section": self,
            },
        )


PackProvider = Callable[..., list[PackSection]]
"""``provider(partnership, *, partner_view)``: an area's sections of the partnership's board pack."""


def pack_sections(partnership: Any, *, partner_view: bool) -> list[PackSection]:
    """Every area's sections of the partnership's pack, in order; council-only ones left out of a partner's
    pack (whatever a provider returned)."""
    found: list[PackSection] = []
    for area in areas():
        if area.pack_sections is not None:
            found.extend(area.pack_sections(partnership, partner_view=partner_view))
    if partner_view:
        found = [section for section in found if not section.council_only]
    return sorted(found, key=lambda section: (section.order, section.key))


def glance_section(
    *,
    key: str,
    title: str,
    order: int,
    glance_template: str,
    glance: Any,
    intro: str,
    council_only: bool = False,
    detail_template: str = "",
    **context: Any,
) -> PackSection:
    """A section made of the area's overview glance (its own template and figures, the same the overview
    shows), an introduction in words and, if given, a more detailed template of the area's own."""
    return PackSection(
        key=key,
        title=title,
        order=order,
        template="core/pack_glance.html",
        context={
            "glance_template": glance_template,
            "glance": glance,
            "intro": intro,
            "detail_template": detail_template,
            **context,
        },
        council_only=council_only,
    )
