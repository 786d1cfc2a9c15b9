"""Records of the procurement area's incentives part."""

from __future__ import annotations

__all__: list[str] = []
