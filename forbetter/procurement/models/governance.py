"""Records of the procurement area's governance part."""

from __future__ import annotations

__all__: list[str] = []
