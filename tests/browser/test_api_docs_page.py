"""The API documentation page in real Chromium: Swagger UI starts under the site's Content-Security-Policy
(nothing refused, nothing fetched from another site) and lists the endpoints from the schema."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_docs_page_runs_under_the_csp(page: Any, world: World, live_server: Any) -> None:
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda request: (
            elsewhere.append(request.url) if not request.url.startswith(live_server.url) else None
        ),
    )
    sign_in(page, "partner@p.test", PASSWORD)
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_be_visible()
    expect(page.get_by_text("/api/partnerships/{id}/kpi-returns/").first).to_be_visible()
    assert problems == [], problems
    assert elsewhere == [], elsewhere
