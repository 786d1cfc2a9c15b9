"""Board packs and portfolio summaries made as PDFs in the background, with their progress.

A run is asked for on a page, made by a background task (``forbetter.reports.tasks``) and kept with its PDF.
Who may download it is fixed when it is asked for: a pack made for the partner's users (``partner_view``)
leaves out everything confidential to the council and anyone who sees the partnership may download it; a
council pack only council users may; a portfolio summary only the person who asked for it (it covers the
partnerships they see, which another user may not).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from forbetter.partnerships.models import Partnership


class PackKind(models.TextChoices):
    BOARD = "board", "Board pack"
    PORTFOLIO = "portfolio", "Portfolio summary"


class PackStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class PackRun(models.Model):
    kind = models.CharField(max_length=10, choices=PackKind.choices, default=PackKind.BOARD)
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, null=True, blank=True, related_name="pack_runs"
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    partner_view = models.BooleanField(
        default=False, help_text="Made for the partner's users: council-confidential sections left out."
    )
    status = models.CharField(max_length=10, choices=PackStatus.choices, default=PackStatus.QUEUED)
    progress_percent = models.PositiveSmallIntegerField(default=0)
    progress_text = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error_message = models.TextField(blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    pdf = models.BinaryField(blank=True, editable=False, default=bytes)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(kind="portfolio", partnership__isnull=True)
                | models.Q(kind="board", partnership__isnull=False),
                name="pack_run_board_has_partnership",
            ),
            models.CheckConstraint(
                condition=models.Q(progress_percent__lte=100), name="pack_run_progress_max"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status in (PackStatus.QUEUED, PackStatus.RUNNING)

    @property
    def audience(self) -> str:
        if self.kind == PackKind.PORTFOLIO:
            return "You only"
        return "Council and partner" if self.partner_view else "Council only"

    @property
    def filename(self) -> str:
        stamp = f"{self.created_at:%Y-%m-%d}" if self.created_at else "new"
        if self.kind == PackKind.PORTFOLIO:
            return f"portfolio-summary-{stamp}-{self.pk}.pdf"
        who = "partner" if self.partner_view else "council"
        return f"board-pack-{self.partnership_id}-{who}-{stamp}-{self.pk}.pdf"
