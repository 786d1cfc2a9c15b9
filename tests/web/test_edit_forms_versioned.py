"""Rule EDIT-NO-LOST-UPDATE across every edit form: each carries the record's version, and each refuses a
save made from an older one (the page walk behind the three worked examples in test_edit_conflicts.py)."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from forbetter.accounts.models import User
from forbetter.core.forms import GovukFormMixin
from forbetter.core.versioning import VersionedModel

pytestmark = pytest.mark.django_db


def _risk_item(kind: str) -> Callable[[Any], str]:
    return lambda item: reverse(
        "risks:plan-item-edit", kwargs={"pk": item.plan.partnership_id, "kind": kind, "item_pk": item.pk}
    )


# Every versioned model and the page that edits one of its records (None: the model has no edit page).
EDIT_PAGES: dict[str, Callable[[Any], str] | None] = {
    "partnerships.Partnership": lambda p: reverse("partnerships:edit", args=[p.pk]),
    "partnerships.Task": lambda t: reverse("partnerships:task-edit", args=[t.partnership_id, t.pk]),
    "partnerships.Document": lambda d: reverse("partnerships:document-edit", args=[d.partnership_id, d.pk]),
    "risks.Risk": lambda r: reverse("risks:edit", args=[r.partnership_id, r.pk]),
    "risks.RiskAction": lambda a: reverse("risks:action-edit", args=[a.risk.partnership_id, a.risk_id, a.pk]),
    "risks.OwnershipPlan": lambda plan: reverse("risks:ownership-plan-edit", args=[plan.partnership_id]),
    "risks.OwnershipTrigger": _risk_item("triggers"),
    "risks.OwnershipAction": _risk_item("actions"),
    "risks.OwnershipContact": _risk_item("contacts"),
    "risks.ExitAnalysis": lambda e: reverse("risks:exit-edit", args=[e.partnership_id]),
    "performance.Kpi": lambda k: reverse("performance:kpi-edit", args=[k.partnership_id, k.pk]),
    "performance.Benefit": lambda b: reverse("performance:benefit-edit", args=[b.partnership_id, b.pk]),
    "payments.PaymentMechanism": lambda m: reverse("payments:mechanism-edit", args=[m.partnership_id]),
    "payments.Responsibility": lambda r: reverse(
        "payments:responsibility-edit", args=[r.partnership_id, r.pk]
    ),
    "appraisal.AppraisalOption": lambda o: reverse(
        "appraisal:option", args=[o.version.business_case.partnership_id, o.version_id, o.pk]
    ),
    "appraisal.ServiceBaseline": lambda b: reverse("appraisal:baseline", args=[b.partnership_id, b.pk]),
    "appraisal.BaselineMeasure": None,  # measures are only added and removed, never edited in place
}


# Models edited through a form that are deliberately not versioned, and why.
NOT_VERSIONED = {
    # Accounts are administered by one administrator; a user's own sign-in saves the row (last_login),
    # which would make every open account form stale.
    "accounts.User",
    "accounts.Organisation",
}


class PostForms(HTMLParser):
    """Each ``method=post`` form on a page as a browser would send it, unchanged."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, list[str]]] = []
        self._form: dict[str, list[str]] | None = None
        self._textarea = self._select = ""
        self._multiple = False
        self._chosen: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._form = {}
            self.forms.append(self._form)
        if self._form is None:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file") or (kind in ("checkbox", "radio") and "checked" not in a):
                return
            self._form.setdefault(name, []).append(a.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self._form[name] = [""]
        elif tag == "select" and name:
            self._select = name
            self._multiple = "multiple" in a
            self._form[name] = []
        elif tag == "option" and self._select:
            self._chosen.setdefault(self._select, a.get("value", ""))
            if "selected" in a:
                self._form[self._select].append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = ""
        elif tag == "select" and self._select and self._form is not None:
            if (not self._form[self._select] and "multiple" not in self.get_starttag_text()) or "":
                self._form[self._select] = [self._chosen.get(self._select, "")]
            self._select = ""
        elif tag == "form":
            self._form = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self._form is not None:
            self._form[self._textarea][0] += data


def edit_form_on(page: str) -> dict[str, list[str]]:
    parser = PostForms()
    parser.feed(page)
    found = [form for form in parser.forms if "edit_version" in form]
    assert len(found) == 1, f"expected one form carrying edit_version, found {len(found)}"
    return found[0]


def _record(model: type[Model]) -> Model:
    records = model._default_manager.order_by("pk")
    if model._meta.label == "appraisal.AppraisalOption":
        records = records.filter(version__status="draft")
    record = records.first()
    assert record is not None, f"the demo has no {model._meta.verbose_name} to edit"
    return record


def test_every_form_editing_a_saved_record_carries_its_version() -> None:
    """EDIT-NO-LOST-UPDATE: every ModelForm in ForBetter edits a versioned model, so given a saved record it
    grows the hidden edit_version field (forms added later are covered without naming them)."""
    import forbetter.accounts.admin_forms
    import forbetter.appraisal.forms
    import forbetter.partnerships.forms
    import forbetter.payments.forms
    import forbetter.performance.forms
    import forbetter.risks.forms  # noqa: F401 - imported for their form classes

    def subclasses(cls: type) -> list[type]:
        return [cls, *(s for sub in cls.__subclasses__() for s in subclasses(sub))]

    model_forms = [
        form
        for form in subclasses(GovukFormMixin)
        if issubclass(form, forms.ModelForm) and form.__module__.startswith("forbetter.")
    ]
    assert len(model_forms) >= 15
    unversioned = [
        f"{form.__name__} ({form._meta.model.__name__})"
        for form in model_forms
        if form._meta.model is not None
        and not issubclass(form._meta.model, VersionedModel)
        and form._meta.model._meta.label not in NOT_VERSIONED
    ]
    assert unversioned == []


def test_every_edit_page_carries_the_version_and_refuses_a_stale_save(
    seeded_demo: None, client: Client
) -> None:
    """EDIT-NO-LOST-UPDATE, walked over every versioned model on the demo data: its edit page renders the
    record's version in the form, and posting that form after someone else saved the record is refused
    with the conflict shown, the record's version unmoved by the refused save."""
    admin = User.objects.get(email="admin@forbetter.example")
    client.force_login(admin)
    versioned = sorted(model._meta.label for model in apps.get_models() if issubclass(model, VersionedModel))
    assert versioned == sorted(EDIT_PAGES), "add the new versioned model's edit page to EDIT_PAGES"
    problems = []
    for label, edit_url in EDIT_PAGES.items():
        if edit_url is None:
            continue
        record = _record(apps.get_model(label))
        url = edit_url(record)
        response = client.get(url)
        assert response.status_code == 200, url
        posted = edit_form_on(response.content.decode())
        assert posted["edit_version"] == [str(record.edit_version)], url

        for reason in ("change_reason", "reason"):  # forms that ask why a record is changed
            if reason in posted and not posted[reason][0].strip():
                posted[reason] = ["Checking the version"]
        record.refresh_from_db()
        record.save()  # someone else saves first
        after_theirs = type(record)._default_manager.get(pk=record.pk).edit_version
        stale = client.post(url, posted)
        refused = stale.status_code == 200 and "after you opened this form" in stale.content.decode()
        unmoved = type(record)._default_manager.get(pk=record.pk).edit_version == after_theirs
        if not (refused and unmoved):
            form = (stale.context or {}).get("form") if stale.status_code == 200 else None
            problems.append((label, stale.status_code, form.errors if form is not None else None))
    assert problems == [], "\n".join(str(problem) for problem in problems)
