"""The imports area: upload an XLSX or CSV file made from a template, check it in a dry run, then import it
all or nothing; download the templates; list the partnership's imports. Council editors and administrators
import risks and KPIs; the partner's staff import their KPI returns (see docs/imports.md). Declared once
for navigation and the permission matrix (see :mod:`forbetter.core.areas`)."""

from __future__ import annotations

from typing import Any

from django.db.models import Max

from forbetter.accounts.permissions import can_edit, can_submit_partner_returns
from forbetter.core.areas import Area, Section, Who, action, confirm, first_pk, form, page
from forbetter.imports.models import BatchStatus, ImportBatch
from forbetter.partnerships.models import Partnership


def _batch(partnership: Partnership) -> dict[str, int]:
    found = ImportBatch.objects.filter(partnership=partnership, status=BatchStatus.DRY_RUN, kind="risks")
    return {"batch_pk": first_pk(found, "risk import batch in its dry run")}


def _returns_batch(partnership: Partnership) -> dict[str, int]:
    found = ImportBatch.objects.filter(
        partnership=partnership, status=BatchStatus.DRY_RUN, kind="kpi_returns"
    )
    return {"batch_pk": first_pk(found, "KPI returns import batch in its dry run")}


def examples(partnership: Partnership, user: Any) -> None:
    """A checked, not yet imported, file of one new risk, and one of a KPI return (the performance area's
    K-01 for April 2024)."""
    from forbetter.risks.models import Risk, RiskCategory

    if not ImportBatch.objects.filter(
        partnership=partnership, status=BatchStatus.DRY_RUN, kind="kpi_returns"
    ):
        ImportBatch.objects.create(
            partnership=partnership,
            kind="kpi_returns",
            uploaded_by=user,
            file_name="returns.csv",
            rows=[
                {
                    "row": 2,
                    "cells": {
                        "kpi": "K-01",
                        "period": "2024-04",
                        "value": "97",
                        "evidence_reference": "Pack 4",
                    },
                }
            ],
            summary={"rows": 1, "created": 0, "changed": 1, "unchanged": 0, "errors": 0},
        )
    if ImportBatch.objects.filter(partnership=partnership, status=BatchStatus.DRY_RUN, kind="risks").exists():
        return
    category = RiskCategory.objects.order_by("order").first()
    number = (Risk.objects.filter(partnership=partnership).aggregate(Max("number"))["number__max"] or 0) + 1
    cells = {
        "number": number,
        "title": "Imported example risk",
        "category": category.code if category else "",
        "description": "A risk added from a spreadsheet.",
        "allocation": "Council",
        "transferability": "Retained by the council",
        "inherent_likelihood": 3,
        "inherent_impact": 3,
        "residual_likelihood": 2,
        "residual_impact": 2,
        "review_frequency": "Quarterly",
        "next_review_on": "2027-01-01",
        "status": "Open",
    }
    ImportBatch.objects.create(
        partnership=partnership,
        kind="risks",
        uploaded_by=user,
        file_name="risks.xlsx",
        rows=[{"row": 2, "cells": cells}],
        summary={"rows": 1, "created": 1, "changed": 0, "unchanged": 0, "errors": 0},
    )


AREA = Area(
    app="imports",
    routes=(
        page("history", reads=Who.EDITORS),
        form("upload"),
        confirm("batch", kwargs=_batch),
        action("abandon", kwargs=_batch),
        form("returns-upload", who=Who.PARTNER),
        confirm("returns-batch", who=Who.PARTNER, kwargs=_returns_batch),
        page("template", kwargs=lambda partnership: {"kind": "risks", "fmt": "xlsx"}),
    ),
    sections=(
        Section("imports", "Import", "imports:history", 95, visible_to=can_edit),
        Section(
            "imports-returns",
            "Import returns",
            "imports:returns-upload",
            96,
            visible_to=can_submit_partner_returns,
        ),
    ),
    examples=examples,
)
