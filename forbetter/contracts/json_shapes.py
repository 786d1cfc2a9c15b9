"""Checks of a JSON document's shape shared by the contracts: an object with known keys, a list."""

from __future__ import annotations

from typing import Any

from forbetter.calc.errors import InputError


def checked_object(
    value: Any, *, field: str, keys: tuple[str, ...], required: tuple[str, ...]
) -> dict[str, Any]:
    """``value`` if it is an object whose keys are all in ``keys`` and include ``required``; otherwise an
    InputError naming the field (``file`` is the whole document, so its keys are named on their own)."""
    if not isinstance(value, dict):
        raise InputError(field, f"must be an object with {', '.join(required)}; got {type(value).__name__}")
    for key in value:
        if key not in keys:
            where = f"{field}.{key}" if field != "file" else str(key)
            raise InputError(where, f"unknown field; expected one of {', '.join(keys)}")
    for key in required:
        if key not in value:
            raise InputError(f"{field}.{key}" if field != "file" else key, "is required")
    return value


def checked_list(value: Any, *, field: str, what: str) -> list[Any]:
    """``value`` if it is a list; otherwise an InputError saying it must be a list of ``what``."""
    if not isinstance(value, list):
        raise InputError(field, f"must be a list of {what}; got {type(value).__name__}")
    return value
