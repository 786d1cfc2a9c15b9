"""Records of the procurement area's evaluation part."""

from __future__ import annotations

__all__: list[str] = []
