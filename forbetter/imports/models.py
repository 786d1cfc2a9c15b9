"""An uploaded import file kept between its dry run and its confirmation (or abandonment).

The rows are kept as read from the file (JSON-ready cells keyed by column), so confirming writes what the
dry run showed, checked again against the database as it is then, and never trusts a second upload.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from forbetter.partnerships.models import Partnership


class BatchStatus(models.TextChoices):
    DRY_RUN = "dry_run", "Checked, not imported"
    CONFIRMED = "confirmed", "Imported"
    ABANDONED = "abandoned", "Abandoned"


class ImportBatch(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="import_batches")
    kind = models.CharField(max_length=30)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=200)
    rows = models.JSONField(
        default=list, help_text="The file's rows as read: row number and cells by column."
    )
    version = models.ForeignKey(
        "appraisal.BusinessCaseVersion",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="For business-case lines: the draft version the lines go into.",
    )
    status = models.CharField(max_length=20, choices=BatchStatus.choices, default=BatchStatus.DRY_RUN)
    summary = models.JSONField(
        default=dict, blank=True, help_text="Rows, created, changed, unchanged and errors, as last checked."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-pk"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"Import {self.pk} of {self.file_name}"

    @property
    def kind_label(self) -> str:
        from forbetter.imports.kinds import KINDS

        found = KINDS.get(self.kind)
        return found.label if found else self.kind

    @property
    def reason(self) -> str:
        return f"Imported from {self.file_name} (batch {self.pk})"
