"""Risk categories as versioned reference data, loaded from the CSV files in ``forbetter/risks/data``.

Two lists make up the categories: the OCDS for PPPs ``riskCategory`` codelist (copied verbatim, see
``data/SOURCE.md``) and ForBetter's categories for service-delivery partnerships, each mapped to its nearest
OCDS category. The loader is idempotent: categories are matched on their code and updated in place, so
reloading never duplicates a category or orphans a risk. It runs in a data migration (with the migration's
app registry) and from tests that flush the database.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources
from typing import Any

CATEGORY_DATA_VERSION = "2026.1"
OCDS_SCHEME = "ocds_ppp"
SSP_SCHEME = "ssp"
OCDS_FILE = "riskCategory.csv"
SSP_FILE = "ssp_categories.csv"
OCDS_SOURCE = (
    "OCDS for PPPs profile 1.0.0-beta4, riskCategory codelist "
    "(open-contracting-extensions/public-private-partnerships@9d76a4c6)"
)
SSP_SOURCE = "ForBetter categories for strategic service-delivery partnerships"


@dataclass(frozen=True)
class CategoryRow:
    code: str
    title: str
    description: str
    scheme: str
    ocds_code: str
    order: int


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("forbetter.risks.data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def category_rows() -> list[CategoryRow]:
    """The SSP categories first (the ones officers use most), then the OCDS codelist in its own order."""
    rows = [
        CategoryRow(
            code=row["Code"],
            title=row["Title"],
            description=row["Description"],
            scheme=SSP_SCHEME,
            ocds_code=row["OCDS code"],
            order=index,
        )
        for index, row in enumerate(_read(SSP_FILE), start=1)
    ]
    rows += [
        CategoryRow(
            code=row["Code"],
            title=row["Title"],
            description=row["Description"],
            scheme=OCDS_SCHEME,
            ocds_code=row["Code"],
            order=100 + index,
        )
        for index, row in enumerate(_read(OCDS_FILE), start=1)
    ]
    return rows


def load_risk_categories(apps: Any = None) -> int:
    """Upsert every category and record the data version; returns the number of categories."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    version_model = apps.get_model("risks", "RiskCategoryVersion")
    category_model = apps.get_model("risks", "RiskCategory")
    version_model.objects.update_or_create(
        version=CATEGORY_DATA_VERSION, defaults={"source": f"{SSP_SOURCE}; {OCDS_SOURCE}"}
    )
    rows = category_rows()
    for row in rows:
        category_model.objects.update_or_create(
            code=row.code,
            defaults={
                "title": row.title,
                "description": row.description,
                "scheme": row.scheme,
                "ocds_code": row.ocds_code,
                "order": row.order,
                "data_version": CATEGORY_DATA_VERSION,
            },
        )
    return len(rows)
