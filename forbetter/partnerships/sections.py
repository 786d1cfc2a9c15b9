"""The sections of a partnership's pages (its sub-navigation), registered by each area's app.

An app calls :func:`register` in its ``AppConfig.ready`` with the URL name of its landing page (which
takes the partnership's ``pk``) and who may see the link. This module never imports those apps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    url_name: str
    order: int
    visible_to: Callable[[Any], bool] = lambda user: True


_SECTIONS: dict[str, Section] = {}


def register(section: Section) -> None:
    _SECTIONS[section.key] = section


def sections_for(user: Any) -> list[Section]:
    return sorted((s for s in _SECTIONS.values() if s.visible_to(user)), key=lambda s: s.order)
