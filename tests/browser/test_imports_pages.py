"""The import pages in real Chromium, checked by axe-core against WCAG 2.2 AA with zero violations: the import
page with its templates, the upload form (empty, then with a file that is not the template), a dry run with
errors by row and column, and a valid dry run confirmed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from forbetter.core.columns import load_columns
from forbetter.risks.models import Risk
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.factories import PASSWORD, risk_category
from tests.imports_support import csv_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HEADERS = [column.header for column in load_columns("risks", "risk_register")]


def _row(number: int, review: str) -> list[Any]:
    values = {
        "Number": number,
        "Title": f"Risk {number}",
        "Category": risk_category().code,
        "Description": "Something could go wrong",
        "Allocation": "Council",
        "Transferability": "Retained by the council",
        "Inherent likelihood": 3,
        "Inherent impact": 3,
        "Residual likelihood": 2,
        "Residual impact": 2,
        "Review frequency": "Quarterly",
        "Next review": review,
        "Status": "Open",
    }
    return [values.get(header, "") for header in HEADERS]


def test_editor_uploads_checks_and_confirms_a_register(page: Any, world: World, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(HEADERS, [_row(1, "2026-06-30"), _row(2, "31/02/2026")]))
    wrong = tmp_path / "wrong.csv"
    wrong.write_bytes(csv_bytes(["Number", "Titel"], [["1", "x"]]))
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(HEADERS, [_row(1, "2026-06-30"), _row(2, "2026-09-30")]))
    sign_in(page, "editor@a.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/")
    page.get_by_role("link", name="Import", exact=True).click()
    expect(page.get_by_role("heading", name="Import from a spreadsheet")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Upload a file").click()
    assert_accessible(page)
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Risks (the risk register)").check()
    page.get_by_label("File", exact=True).set_input_files(str(wrong))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator(".govuk-error-summary").get_by_text('The column "Titel" is not in')).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Risks (the risk register)").check()
    page.get_by_label("File", exact=True).set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("1 error in the file: nothing can be imported")).to_be_visible()
    expect(
        page.locator("#errors").get_by_text(
            "Row 3, Next review: 31/02/2026 is not a date; write it as YYYY-MM-DD"
        )
    ).to_be_visible()
    expect(page.get_by_role("button", name="Import 2 rows")).to_have_count(0)
    assert_accessible(page)
    page.goto(f"/partnerships/{world.ours.pk}/imports/new/")
    page.get_by_label("Risks (the risk register)").check()
    page.get_by_label("File", exact=True).set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("2 would be created, 0 changed")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Import 2 rows").click()
    expect(page.get_by_text("Imported good.csv: 2 created, 0 changed, 0 unchanged.")).to_be_visible()
    assert_accessible(page)
    assert Risk.objects.filter(partnership=world.ours).count() == 2


def test_partner_opens_the_returns_import_with_its_errors(page: Any, world: World) -> None:
    sign_in(page, "partner@p.test", PASSWORD)
    page.goto(f"/partnerships/{world.ours.pk}/")
    page.get_by_role("link", name="Import returns", exact=True).click()
    expect(page.get_by_role("heading", name="Import KPI returns from a spreadsheet")).to_be_visible()
    expect(
        page.get_by_label("Business-case version (for business-case lines and GDP deflator rates only)")
    ).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Check the file").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_text("Choose an XLSX or CSV file to check")).to_be_visible()
    assert_accessible(page)
