"""Tests that post to an edit page send the record's version, as a browser does (rule EDIT-NO-LOST-UPDATE)."""

from __future__ import annotations

from django.db.models import Model


def opened_at(record: Model, *, prefix: str = "") -> dict[str, str]:
    """The hidden ``edit_version`` an edit page of ``record`` renders now: post it with the form's fields."""
    version = type(record)._default_manager.values_list("edit_version", flat=True).get(pk=record.pk)
    return {f"{prefix}-edit_version" if prefix else "edit_version": str(version)}
