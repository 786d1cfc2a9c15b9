"""No 500 on any input (issue 10 item 5): every page of the demo answers garbage query strings and
generated form posts from a signed-in editor (and the partner) with a page or a redirect, never a 500.

The pages are found by following the links of the demo's contract-management partnership, so a page added
later is walked without this file changing. Each form on each page is posted with generated text in every
field the page's HTML names, plus the page's own hidden values, so the post reaches the form's checks.
"""

from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forbetter.accounts.models import User
from forbetter.demo.partnerships import CONTRACT_MANAGEMENT
from forbetter.partnerships.models import Partnership

pytestmark = pytest.mark.django_db

SKIP_URL_NAMES = {"accounts:sign-out"}
GARBAGE_QUERIES = [
    "page=abc&sort=unknown&status=zzz&kpi=abc&q=%00&order=-;drop&year=NaN",
    "page=99999999999999999999&per_page=-1&sort=&direction=sideways",
    "page=-1&page=0&filter=%ff%fe&from=9999-99-99&to=1e400",
]


class _Links(HTMLParser):
    """Every href, and every form with method post: its action and its fields' names and values."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "a" and found.get("href"):
            self.hrefs.append(found["href"])
        elif tag == "form" and found.get("method", "get").lower() == "post":
            self._form = {"action": found.get("action", ""), "fields": {}, "hidden": {}}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "select", "textarea") and found.get("name"):
            name = found["name"]
            if found.get("type") == "hidden":
                self._form["hidden"][name] = found.get("value", "")
            elif found.get("type") not in ("submit", "button", "file"):
                self._form["fields"][name] = found.get("value", "")
        if tag == "button" and self._form is not None and found.get("name"):
            self._form["hidden"].setdefault(found["name"], found.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


def _parse(html: str) -> _Links:
    links = _Links()
    links.feed(html)
    return links


def _url_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def _client(user: User) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture
def demo(seeded_demo: None) -> tuple[Partnership, User, User]:
    partnership = Partnership.objects.get(name=CONTRACT_MANAGEMENT)
    return (
        partnership,
        User.objects.get(email="editor@ashcombe.example"),
        User.objects.get(email="partner@meridian.example"),
    )


def _crawl(client: Client, start: list[str], prefix: str, limit: int = 400) -> dict[str, tuple[str, str]]:
    """One page per URL name reachable by links under ``prefix``: {name: (path, html)}."""
    pages: dict[str, tuple[str, str]] = {}
    queue = deque(start)
    seen: set[str] = set()
    while queue and len(seen) < limit:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        name = _url_name(path)
        if name is None or name in pages or name in SKIP_URL_NAMES:
            continue
        response = client.get(path)
        assert response.status_code < 500, (path, response.status_code)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[name] = (path, html)
        for href in _parse(html).hrefs:
            target = urlsplit(href)
            if target.netloc or not target.path.startswith(prefix) or target.path in seen:
                continue
            queue.append(target.path)
    return pages


def test_every_page_answers_garbage_query_strings_without_a_server_error(
    demo: tuple[Partnership, User, User],
) -> None:
    """Lists read ?page=abc, ?page=99999999999999999999 and ?sort=unknown as the first page or a 404,
    never a 500 (Django's Paginator raises on them unless the view handles it)."""
    partnership, editor, partner = demo
    failures = []
    walked = 0
    for user in (editor, partner):
        client = _client(user)
        start = [reverse("partnerships:portfolio"), f"/partnerships/{partnership.pk}/"]
        pages = _crawl(client, start, "/")
        walked += len(pages)
        for name, (path, _) in pages.items():
            for query in GARBAGE_QUERIES:
                status = client.get(f"{path}?{query}").status_code
                if status >= 500:
                    failures.append((user.email, name, query, status))
    assert walked >= 60
    assert not failures


TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "1e400",
            "NaN",
            "99999999999999999999999999",
            "2024-13",
            "0000-00-00",
            "abc",
            "\x00",
            "<script>alert(1)</script>",
            "'; drop table x; --",
            "=1+1",
            "x" * 5000,
        ]
    ),
)


def _walk_posts(demo: tuple[Partnership, User, User]) -> list[tuple[User, str, dict[str, Any]]]:
    partnership, editor, partner = demo
    found = []
    for user in (editor, partner):
        client = _client(user)
        pages = _crawl(client, [f"/partnerships/{partnership.pk}/"], f"/partnerships/{partnership.pk}/")
        for _, (path, html) in sorted(pages.items()):
            for form in _parse(html).forms:
                action = urlsplit(form["action"]).path or path
                if _url_name(action) in SKIP_URL_NAMES:
                    continue
                found.append((user, action, form))
                break  # the first form of each page keeps the walk inside its time budget
    return found


def test_every_form_on_every_page_answers_generated_posts_without_a_server_error(
    demo: tuple[Partnership, User, User],
) -> None:
    """Property: whatever text a signed-in editor or partner posts into whatever field, each page answers
    with a page or a redirect (a message on the field), never a 500."""
    targets = _walk_posts(demo)
    assert len(targets) >= 25
    assert len({action for _, action, _ in targets}) >= 25
    failures: list[tuple[str, str, int]] = []
    clients = {user.pk: _client(user) for user, _, _ in targets}

    @settings(max_examples=4, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def post_generated(data: st.DataObject) -> None:
        for user, action, form in targets:
            values = {name: data.draw(TEXT, label=name) for name in form["fields"]}
            status = clients[user.pk].post(action, {**form["hidden"], **values}).status_code
            if status >= 500:
                failures.append((user.email, action, status))

    post_generated()
    assert not failures, failures[:10]


def test_the_csrf_and_method_guards_stay_on(demo: tuple[Partnership, User, User]) -> None:
    """The walk above posts through Django's test client, which skips CSRF; a real browser post without
    the token is refused with 403, not processed."""
    partnership, editor, _ = demo
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(reverse("partnerships:edit", args=[partnership.pk]), {"name": "x"})
    assert response.status_code == 403
    assert "Your form was not sent" in response.content.decode()  # the styled CSRF failure page
