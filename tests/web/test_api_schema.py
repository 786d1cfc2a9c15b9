"""The OpenAPI schema is generated without a single drf-spectacular warning and validates as OpenAPI 3; its
documentation page loads Swagger UI from our own static files (drf-spectacular-sidecar) with no inline script
or style, so the site's Content-Security-Policy lets it run."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse
from openapi_spec_validator import validate

from forbetter.accounts.models import Role
from tests.conftest import World
from tests.factories import client_for

pytestmark = pytest.mark.django_db


def test_schema_has_no_warnings_and_validates(tmp_path: Path) -> None:
    target = tmp_path / "schema.yaml"
    # --fail-on-warn stops with an error on any warning (an unresolved type, an enum name collision...).
    call_command("spectacular", "--file", str(target), "--fail-on-warn", "--validate")
    schema: dict[str, Any] = yaml.safe_load(target.read_text())
    validate(schema)
    paths = schema["paths"]
    assert "/api/partnerships/{id}/kpi-returns/" in paths
    assert set(paths["/api/partnerships/{id}/kpi-returns/"]) == {"get", "post"}
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"
    listed = schema["components"]["schemas"]["PaginatedKpiReturnList"]["properties"]
    assert {"count", "next", "previous", "results"} <= set(listed)


def test_schema_view_serves_the_same_schema(world: World) -> None:
    response = client_for(world.users[Role.PARTNER_USER]).get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    validate(response.json())


def test_docs_page_uses_only_our_own_static_files_under_the_csp(world: World) -> None:
    client = client_for(world.users[Role.PARTNER_USER])
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    html = response.content.decode()
    assert "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script: the CSP would block it"
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(assets) >= 5
    for asset in assets:
        assert asset.startswith("/"), f"{asset} is not served from this site"
        served = client.get(asset.replace("&amp;", "&"))
        assert served.status_code == 200, asset
    script = client.get(reverse("api:docs"), {"script": ""})
    assert script["Content-Type"].startswith("application/javascript")
    assert reverse("api:schema") in script.content.decode()
