"""The open contracting data page in real Chromium, checked by axe-core against WCAG 2.2 AA with zero
violations, reached from the partnership's navigation, as a partner user and as a council editor; the
download button fetches the package as a JSON attachment."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.factories import PASSWORD
from tests.web.test_opendata_pages import _records

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("email", ["partner@p.test", "editor@a.test"])
def test_the_page_is_accessible_and_downloads_the_package(page: Any, world: World, email: str) -> None:
    partnership = _records(world)
    sign_in(page, email, PASSWORD)
    page.goto(f"/partnerships/{partnership.pk}/")
    page.get_by_role("link", name="Open contracting data", exact=True).click()
    expect(page.get_by_role("heading", name="Open contracting data", exact=True)).to_be_visible()
    expect(page.locator("#validation-status")).to_contain_text("Valid")
    expect(page.get_by_role("heading", name="What is left out, and why")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the package (JSON)").click()
    download = download_info.value
    assert download.suggested_filename == "ashby-partnership-ocds-release-package.json"
    package = json.loads(Path(download.path()).read_text("utf-8"))
    assert package["releases"][0]["ocid"] == f"ocds-fbtr00-{partnership.pk}"
