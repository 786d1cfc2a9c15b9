"""The framework's stages, themes, actions and references, loaded from a versioned fixture."""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class FrameworkVersion(models.Model):
    """Each load of the fixture, so a record can say which version of the framework it followed."""

    version = models.CharField(max_length=20, unique=True)
    source = models.TextField()
    loaded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Framework version {self.version}"


class Stage(models.Model):
    key = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField()
    duration = models.CharField(max_length=50, help_text="The typical duration the framework gives.")
    min_months = models.PositiveSmallIntegerField()
    max_months = models.PositiveSmallIntegerField()
    summary = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["order"]

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    key = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering: ClassVar[list[str]] = ["order"]

    def __str__(self) -> str:
        return self.name


class Reference(models.Model):
    number = models.PositiveSmallIntegerField(unique=True)
    author = models.CharField(max_length=200)
    title = models.CharField(max_length=300)
    year = models.PositiveSmallIntegerField()

    class Meta:
        ordering: ClassVar[list[str]] = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.author}, {self.title}, {self.year}"


EVIDENCE_KIND_LABELS: dict[str, str] = {
    "business_case": "a business case version",
    "service_baseline": "a service baseline",
    "capacity_plan": "a client-side capacity plan",
    "risk_register": "the risk register",
    "exit_analysis": "an exit-cost analysis",
    "payment_mechanism": "the payment mechanism",
    "governance_model": "the governance model",
    "trust_activity": "a trust-building activity",
    "open_book_protocol": "the open-book protocol",
    "procurement_round": "a procurement round",
    "evaluation": "the bid evaluation",
    "adviser_spend": "the record of adviser spend",
    "kpi": "the KPIs",
    "kpi_return": "KPI returns",
    "risk_review": "a risk review",
    "meeting": "meeting minutes",
    "benchmark": "a benchmarking exercise",
    "benefit": "the benefits register",
    "indicator_review": "an indicator review",
    "ownership_plan": "the change-of-ownership plan",
    "payment_statement": "payment statements",
    "responsibility": "the roles and responsibilities register",
    "governance_review": "a review of the governance model",
    "survey": "a partnership survey",
    "succession_plan": "a succession plan",
    "partnership_review": "a review of the whole partnership",
    "key_people": "the key people named in a bid, against the delivery team",
    "review_position": "bidders' positions on a formal review point",
    "key_dates": "the key dates (break and review points)",
    "market_test": "a market test of what the partner buys for the council",
}


class Action(models.Model):
    """One thing the framework asks a council to do at a stage under a theme."""

    code = models.CharField(max_length=20, unique=True, help_text="Stage-theme-number, for example I-VFM-1.")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="actions")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="actions")
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    guidance = models.TextField()
    source_text = models.TextField(help_text="The framework's own sentence, kept for traceability.")
    references = models.ManyToManyField(Reference, blank=True, related_name="actions")
    evidence_kinds = models.JSONField(
        default=list, blank=True, help_text="Kinds of ForBetter record that can evidence this action."
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["stage__order", "theme__order", "order"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def evidence_in_words(self) -> str:
        """The kinds of evidence the framework entry lists, in words: 'a risk review or meeting minutes'."""
        labels = [EVIDENCE_KIND_LABELS.get(kind, kind.replace("_", " ")) for kind in self.evidence_kinds]
        if len(labels) <= 1:
            return "".join(labels)
        return f"{', '.join(labels[:-1])} or {labels[-1]}"
