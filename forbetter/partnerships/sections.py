"""The sections of a partnership's pages (its sub-navigation), declared by each area.

Each area lists its :class:`~forbetter.core.areas.Section` links in its ``area.py`` (the URL name of a
landing page that takes the partnership's ``pk``, and who may see the link). This module never imports
those apps.
"""

from __future__ import annotations

from typing import Any

from forbetter.core.areas import Section, areas

__all__ = ["Section", "sections_for"]


def sections_for(user: Any) -> list[Section]:
    sections = [section for area in areas() for section in area.sections]
    return sorted((s for s in sections if s.visible_to(user)), key=lambda s: s.order)
