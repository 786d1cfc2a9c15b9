"""Skip tests whose tools are missing, visibly, unless the environment says the tool is required.

``FORBETTER_REQUIRE`` is a comma-separated list of tools (``chromium``, ``postgres``, ``weasyprint``).
`.ci/run` sets it so that in CI a missing tool fails the run instead of silently skipping tests.
"""

from __future__ import annotations

import os

import pytest


def required_tools() -> set[str]:
    return {item.strip() for item in os.environ.get("FORBETTER_REQUIRE", "").split(",") if item.strip()}


def require(tool: str, available: bool, reason: str) -> None:
    """Skip (or, when the tool is required, fail) with a reason that says how to get the tool."""
    if available:
        return
    if tool in required_tools():
        pytest.fail(f"{tool} is required (FORBETTER_REQUIRE) but unavailable: {reason}", pytrace=False)
    pytest.skip(f"{tool} unavailable: {reason}")
