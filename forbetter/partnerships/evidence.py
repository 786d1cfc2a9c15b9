"""Which ForBetter records can be linked as evidence to a partnership's tasks.

Each app registers a provider: a function that lists its records for a partnership. This module knows
nothing about the apps that register, so later areas (business cases, risk reviews, meetings) plug in
without changes here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model


@dataclass(frozen=True)
class EvidenceCandidate:
    record: Model
    label: str
    kind: str

    @property
    def key(self) -> str:
        """A form value naming the record: '<content type id>:<object id>'."""
        content_type = ContentType.objects.get_for_model(self.record)
        return f"{content_type.pk}:{self.record.pk}"


Provider = Callable[[object], Iterable[EvidenceCandidate]]
_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def candidates_for(partnership: object) -> list[EvidenceCandidate]:
    found: list[EvidenceCandidate] = []
    for provider in _PROVIDERS:
        found.extend(provider(partnership))
    return found
