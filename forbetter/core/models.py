"""The tamper-evident audit chain over every history table (decision record: tamper-evident audit log).

Each history row written by django-simple-history gets one :class:`AuditChainLink` in the same transaction,
holding a SHA-256 hash of the row's content. Right after the transaction commits the new links are
*chained*: numbered in order, each hashed together with the previous link's hash, and the last one recorded
in :class:`AuditChainHead`. ``forbetter verify-audit`` recomputes all of it (``forbetter/core/audit.py``).
"""

from __future__ import annotations

from django.db import models


class AuditFieldList(models.Model):
    """The fields of one history table that its content hashes cover, as they were when the hashes were made.

    A field added to a model later is not part of older rows' hashes, so adding a field never makes old
    history look edited. ``code`` is a hash of the table's label and ``field_names``, so an edited list is
    noticed too.
    """

    code = models.CharField(primary_key=True, max_length=16)
    history_model = models.CharField(max_length=200)
    field_names = models.TextField(help_text="Database attribute names, sorted, separated by commas.")

    def __str__(self) -> str:
        return f"{self.history_model} ({self.code})"


class AuditChainLink(models.Model):
    """One history row's entry in the chain.

    Written with ``sequence`` and both chain hashes empty, in the transaction that wrote the history row;
    filled in when the chain is extended after that transaction commits (``audit.extend_chain``).
    """

    sequence = models.PositiveBigIntegerField(unique=True, null=True, blank=True)
    history_model = models.CharField(
        max_length=200, help_text="App label and model, e.g. risks.HistoricalRisk."
    )
    history_row_id = models.PositiveBigIntegerField()
    field_list = models.CharField(
        max_length=16, help_text="Code of the AuditFieldList the content hash covers."
    )
    content_hash = models.CharField(max_length=64)
    previous_hash = models.CharField(max_length=64, blank=True)
    link_hash = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"Audit entry {self.sequence or 'pending'}: {self.history_model} {self.history_row_id}"


class AuditChainHead(models.Model):
    """The chain's last entry: one row, locked while the chain is extended so two extensions never fork it."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    link_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"Audit chain head {self.sequence}: {self.link_hash}"
