"""Reads of the imports area: a partnership's import batches, newest first, with who uploaded each."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from forbetter.imports.models import ImportBatch
from forbetter.partnerships.models import Partnership


def batches_of(partnership: Partnership) -> QuerySet[ImportBatch]:
    return (
        ImportBatch.objects.filter(partnership=partnership)
        .select_related("uploaded_by")
        .defer("rows")
        .order_by("-created_at", "-pk")
    )


def batch_of(partnership: Partnership, batch_pk: int) -> ImportBatch:
    return get_object_or_404(
        ImportBatch.objects.select_related("uploaded_by", "partnership"), partnership=partnership, pk=batch_pk
    )
