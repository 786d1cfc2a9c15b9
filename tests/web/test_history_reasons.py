"""A change reason longer than the history table's column (a typed reason for a business-case version built
from a bid, say) is shortened to fit with an ellipsis, instead of failing the save on PostgreSQL."""

from __future__ import annotations

import pytest

from forbetter.accounts.models import User
from forbetter.partnerships.models import Document
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_a_long_change_reason_is_fitted_to_its_column_and_the_save_goes_through(
    world: World, editor: User
) -> None:
    document = Document.objects.create(
        partnership=world.ours,
        title="Charter",
        document_date="2026-01-05",
        created_by=editor,
    )
    reason = "Because " + "the partnership board asked for it, " * 10
    document.title = "Charter, agreed"
    document._change_reason = reason  # type: ignore[attr-defined]
    document.save()
    latest = document.history.latest()
    assert latest.title == "Charter, agreed"
    assert len(latest.history_change_reason) == 100
    assert latest.history_change_reason.endswith("…")
    assert reason.startswith(latest.history_change_reason[:-1])


def test_a_short_change_reason_is_kept_as_it_is(world: World, editor: User) -> None:
    document = Document.objects.create(
        partnership=world.ours, title="Charter", document_date="2026-01-05", created_by=editor
    )
    document._change_reason = "Typo"  # type: ignore[attr-defined]
    document.save()
    assert document.history.latest().history_change_reason == "Typo"
