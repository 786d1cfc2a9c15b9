"""Every list page, for a council editor and a partner user, through its own export links: each link
(the page's query string with ``export=`` and, on a page of two lists, ``list=``) gives a file that opens,
whose headings are the list's column spec as the user may see it (no council-only column for the partner),
with no row of the partnership the partner may not see. The lists found must be the ones wired, and every
column spec in the project must belong to a list that exports."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import resolve, reverse
from django.utils.text import slugify

from forbetter.accounts.models import Role
from forbetter.core.areas import Kind, Scope, areas
from forbetter.core.columns import load_columns, visible_columns
from forbetter.core.export_writers import CONTENT_TYPES
from forbetter.core.exports import _place
from forbetter.framework.loader import load_framework
from tests.conftest import World, build_world
from tests.factories import make_risk
from tests.web.test_exports import headers_of, rows_of

LINKS = re.compile(r'<p class="govuk-body-s" data-export-links>(.*?)</p>', re.S)
HREF = re.compile(r'href="([^"]+)"')

WIRED = {
    "accounts": {"organisations", "users"},
    "capacity": {"team", "actuals", "procurement", "advisers"},
    "changes": {"register"},
    "governance": {"actions", "escalations", "forum", "reviews"},
    "imports": {"history"},
    "keydates": {"timeline", "portfolio"},
    "notices": {"invoices"},
    "partnerships": {"portfolio", "documents", "due", "tasks"},
    "payments": {"statements", "index", "reliefs", "responsibilities"},
    "performance": {"dashboard", "kpi", "returns"},
    "procurement.competition": {
        "conflicts",
        "plan_milestones",
        "plan_notices",
        "rounds_bidders",
        "rounds_rounds",
    },
    "procurement.evaluation": {
        "bundles",
        "bundles_lots_page",
        "bundles_prices_page",
        "evaluation",
        "evaluation_scoring",
        "evaluations",
    },
    "procurement.governance": {
        "bidder_meetings",
        "bidder_review_positions",
        "bidder_risk_positions",
        "governance_options",
        "key_people_continuity",
        "service_briefings",
    },
    "procurement.incentives": {"bidder_mechanisms", "priced_offers"},
    "reminders": {"list"},
    "reports": {"packs", "portfolio"},
    "remedies": {"disputes", "failures", "interventions", "notices", "plans"},
    "reviews": {"list", "scenarios"},
    "risks": {
        "risk_register",
        "review_create",
        "reviews",
        "reviews_due",
        "runs",
        "run_inputs_page",
        "run_tornado_page",
    },
    "survey": {"rounds", "results"},
    "trust": {"activities", "charter", "measures", "open_book", "people"},
    "value": {"market"},
}
"""Every list that exports, by app. Lists that happen to be empty in the test world show no links; the
walk requires all that do show links to export, and these to have been found."""


def _spec_files() -> set[tuple[str, str]]:
    root = Path(str(resources.files("forbetter")))
    return {
        (str(path.parent.parent.relative_to(root)).replace("/", "."), path.stem)
        for path in root.glob("**/columns/*.json")
    }


IMPORT_TEMPLATES = {
    ("appraisal", "business_case_lines"),
    ("appraisal", "deflator_rates"),
    ("payments", "index_values"),
    ("performance", "kpi_returns"),
    ("performance", "kpis"),
}
"""Specs that are import templates only (docs/imports.md); the risk register's is both."""


def test_every_column_spec_belongs_to_a_wired_list_or_an_import_template() -> None:
    wired = {(app, name) for app, names in WIRED.items() for name in names}
    assert _spec_files() == wired | IMPORT_TEMPLATES


@pytest.fixture(scope="module")
def walked(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[World]:
    test_settings = override_settings(
        MEDIA_ROOT=str(tmp_path_factory.mktemp("media")),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    )
    from django.db import transaction

    with test_settings, django_db_blocker.unblock(), transaction.atomic():
        load_framework()
        world = build_world()
        editor = world.users[Role.COUNCIL_EDITOR]
        for area in areas():
            if area.examples:
                for partnership in (world.ours, world.theirs):
                    area.examples(partnership, editor)
        make_risk(world.ours, title="Review overdue", next_review_on=dt.date.today() - dt.timedelta(days=1))
        yield world
        transaction.set_rollback(True)


def _pages(world: World) -> Iterator[str]:
    for area in areas():
        for route in area.routes:
            if route.kind != Kind.PAGE or route.scope == Scope.PUBLIC:
                continue
            kwargs = dict(route.kwargs(world.ours) if route.kwargs else {})
            if route.scope == Scope.PARTNERSHIP:
                kwargs = {"pk": world.ours.pk, **kwargs}
            yield reverse(area.url_name(route), kwargs=kwargs)


def _spec(path: str, disposition: str, world: World) -> tuple[str, str]:
    found = re.fullmatch(r'attachment; filename="(.+)-(\d{4}-\d{2}-\d{2})\.(csv|xlsx|ods)"', disposition)
    assert found, disposition
    assert found.group(2) == dt.date.today().isoformat()
    stem = found.group(1)
    owner = "portfolio" if resolve(path).kwargs.get("pk") is None else slugify(world.ours.name)
    assert stem.startswith(owner + "-"), disposition
    return _place(resolve(path).func), stem.removeprefix(owner + "-").replace("-", "_")


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.COUNCIL_EDITOR, Role.PARTNER_USER])
def test_every_list_page_exports_what_the_user_may_see(walked: World, role: Role) -> None:
    world = walked
    client = Client()
    client.force_login(world.users[role])
    council = role != Role.PARTNER_USER
    sees_theirs = role == Role.ADMINISTRATOR
    found: set[tuple[str, str]] = set()
    problems: list[str] = []
    for path in _pages(world):
        page = client.get(path)
        if page.status_code != 200 or not page.get("Content-Type", "").startswith("text/html"):
            continue
        for group in LINKS.findall(page.content.decode()):
            for href in HREF.findall(group):
                url = path + href.replace("&amp;", "&")
                fmt = re.search(r"export=(\w+)", url).group(1)  # type: ignore[union-attr]
                response = client.get(url)
                if response.status_code != 200 or response["Content-Type"] != CONTENT_TYPES[fmt]:
                    problems.append(f"{url}: {response.status_code} {response.get('Content-Type')}")
                    continue
                app, name = _spec(path, response["Content-Disposition"], world)
                found.add((app, name))
                spec = load_columns(app, name)
                expected = [column.header for column in visible_columns(spec, council=council)]
                headers = headers_of(fmt, response.content)
                if headers != expected:
                    problems.append(f"{url}: headers {headers} are not {expected}")
                rows_of(fmt, response.content)
                if not council:
                    assert not {c.header for c in spec if c.council_only} & set(headers), url
                    assert world.theirs.name.encode() not in response.content, url
                if not sees_theirs and fmt == "csv":
                    assert world.theirs.name.encode() not in response.content, url
    assert not problems, "\n".join(problems)
    wired = {(app, name) for app, names in WIRED.items() for name in names}
    missing = wired - found
    if role == Role.ADMINISTRATOR:
        # The administrator sees every list (the accounts lists are theirs alone). The test world's examples
        # fill every list but these, which need records the examples do not make (a list shows its links
        # only when it has rows); they export by the same mechanism.
        allowed_missing = {
            ("capacity", "procurement"),
            ("survey", "results"),
            ("procurement.evaluation", "evaluation_scoring"),
            ("partnerships", "due"),
            ("payments", "index"),
            ("reports", "portfolio"),  # each user's own summaries: tests/web/test_board_pack_pages.py
        }
        assert missing <= allowed_missing, (
            f"lists that showed no export links: {sorted(missing - allowed_missing)}"
        )
    assert found <= wired, f"lists exported but not in WIRED: {sorted(found - wired)}"


def test_the_documentation_lists_every_list_and_its_columns() -> None:
    text = (Path(__file__).parents[2] / "docs" / "exports.md").read_text("utf-8")
    for app, name in sorted(_spec_files() - IMPORT_TEMPLATES):
        path = f"forbetter/{app.replace('.', '/')}/columns/{name}.json"
        assert f"`{path}`" in text, f"docs/exports.md does not list {path}"
        for column in load_columns(app, name):
            assert column.header in text, f"docs/exports.md: {path} lacks {column.header}"
