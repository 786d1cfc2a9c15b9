"""ForBetter under load: council officers reading and editing risks, partner staff submitting KPI returns.

Run by ``scripts/load-test.sh`` (which seeds the demo, starts gunicorn on PostgreSQL and writes the plan
this file reads from ``LOAD_PLAN``). Users sign in once, then loop with waits of 0.5–2 s:

- council officers (4 in 5 users): portfolio, overview, task list, risk register, heat map, KPI dashboard,
  returns list, statements, risk and KPI detail pages; and now and then open a risk's edit form and save it
  with a changed "controls" note;
- partner staff (1 in 5): their dashboard, returns and register; and submit a KPI return with a small PDF.

A request counts as an error when the server answers other than expected: any 4xx/5xx, a form shown again
with "There is a problem" for anything but an edit conflict, or a redirect to the wrong place. Two officers
saving the same risk at once is expected now and then: the later save is refused by rule
EDIT-NO-LOST-UPDATE, which is counted on its own (written to ``LOAD_NOTES``), not as an error.
"""

from __future__ import annotations

import html
import json
import os
import random
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task

PLAN: dict[str, Any] = json.loads(Path(os.environ["LOAD_PLAN"]).read_text("utf-8"))
SLOTS: list[dict[str, Any]] = list(PLAN["return_slots"])
random.Random(2026).shuffle(SLOTS)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CONFLICT = "saved this record"
STALE_SAVES_REFUSED = [0]  # risk saves refused by rule EDIT-NO-LOST-UPDATE: expected, not errors


@events.test_stop.add_listener
def _write_notes(**_: Any) -> None:
    notes = os.environ.get("LOAD_NOTES")
    if notes:
        Path(notes).write_text(json.dumps({"stale_risk_saves_refused": STALE_SAVES_REFUSED[0]}), "utf-8")


class FormValues(HTMLParser):
    """The values a browser would send for the first ``method=post`` form with fields on a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, list[str]] = {}
        self._in_form = self._done = False
        self._textarea: str | None = None
        self._select: str | None = None
        self._first_option: dict[str, str] = {}
        self._selected: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if self._done:
            return
        if tag == "form" and a.get("method", "").lower() == "post" and "action" not in a:
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self.values.setdefault(name, []).append(a.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = [""]
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            self._first_option.setdefault(self._select, a.get("value", ""))
            if "selected" in a:
                self.values.setdefault(self._select, []).append(a.get("value", ""))
                self._selected.add(self._select)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select:
            if self._select not in self._selected:
                self.values[self._select] = [self._first_option.get(self._select, "")]
            self._select = None
        elif tag == "form" and self._in_form:
            self._in_form, self._done = False, True

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea][0] += data


def form_values(page: str) -> dict[str, list[str]]:
    parser = FormValues()
    parser.feed(page)
    return parser.values


class SignedIn(HttpUser):
    """A user who signs in once, then reads pages."""

    abstract = True
    wait_time = between(0.5, 2)
    email = ""

    sessions: list[str] = []

    def on_start(self) -> None:
        """Start signed in (a session made by load/prepare.py); ``SIGN_IN=form`` posts the form instead."""
        if os.environ.get("SIGN_IN") != "form" and self.sessions:
            self.client.cookies.set(PLAN["session_cookie"], self.sessions.pop(), domain="127.0.0.1")
            return
        page = self.client.get(PLAN["sign_in"], name="sign in (form)").text
        token = CSRF.search(page)
        credentials = {"username": self.email, "password": PLAN["password"]}
        with self.client.post(
            PLAN["sign_in"],
            {**credentials, "csrfmiddlewaretoken": token[1] if token else ""},
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in answered {response.status_code}")

    def read(self, urls: list[str]) -> None:
        url = random.choice(urls)
        name = re.sub(r"/\d+", "/[id]", url)
        self.client.get(url, name=f"read {name}")


class Officer(SignedIn):
    """A council officer: mostly reads, sometimes edits a risk."""

    weight = 4
    email = PLAN["editor"]
    sessions = list(PLAN["editor_sessions"])

    @task(10)
    def read_council_page(self) -> None:
        self.read(PLAN["council_reads"])

    @task(1)
    def edit_risk(self) -> None:
        url = random.choice(PLAN["risk_edits"])
        form_page = self.client.get(url, name="risk edit (form)")
        if form_page.status_code != 200:
            return
        values = form_values(form_page.text)
        note = f"Checked under load {random.randint(1, 10**6)}"
        values["controls"] = [
            (html.unescape(values.get("controls", [""])[0]).split("\nChecked")[0] + "\n" + note)
        ]
        with self.client.post(
            url, values, name="risk edit (save)", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302:
                response.success()
            elif response.status_code == 200 and CONFLICT in response.text:
                response.success()
                STALE_SAVES_REFUSED[0] += 1
            else:
                errors = re.findall(r'govuk-error-message">.*?</span>\s*([^<]+)', response.text)
                response.failure(f"risk save answered {response.status_code}: {errors[:2]}")


class PartnerStaff(SignedIn):
    """The partner's staff: read their pages and submit KPI returns."""

    weight = 1
    email = PLAN["partner"]
    sessions = list(PLAN["partner_sessions"])

    @task(6)
    def read_partner_page(self) -> None:
        self.read(PLAN["partner_reads"])

    @task(2)
    def submit_return(self) -> None:
        if not SLOTS:
            self.read(PLAN["partner_reads"])
            return
        slot = SLOTS.pop()
        form_page = self.client.get(slot["url"], name="return submit (form)")
        token = CSRF.search(form_page.text)
        value = f"{random.uniform(80, 99.9):.1f}" if slot["unit"] == "%" else str(random.randint(1, 500))
        with self.client.post(
            slot["url"],
            {
                "csrfmiddlewaretoken": token[1] if token else "",
                "kpi": str(slot["kpi"]),
                "period": slot["period"],
                "value": value,
                "commentary": "Submitted by the load test",
            },
            files={"evidence": ("evidence.pdf", PDF, "application/pdf")},
            name="return submit (save)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                errors = re.findall(r'govuk-error-message">.*?</span>\s*([^<]+)', response.text)
                response.failure(f"return answered {response.status_code}: {errors[:2]}")
