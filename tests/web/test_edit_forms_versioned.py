"""Rule EDIT-NO-LOST-UPDATE across every edit form: each carries the record's version, and each refuses a
save made from an older one (the page walk behind the three worked examples in test_edit_conflicts.py)."""

from __future__ import annotations

import importlib
import pkgutil
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
from forbetter.core.versioning import OUT_OF_DATE, VersionedModel

pytestmark = pytest.mark.django_db


def _risk_item(kind: str) -> Callable[[Any], str]:
    return lambda item: reverse(
        "risks:plan-item-edit", kwargs={"pk": item.plan.partnership_id, "kind": kind, "item_pk": item.pk}
    )


def _version_page(name: str) -> Callable[[Any], str]:
    return lambda v: reverse(f"appraisal:{name}", args=[v.business_case.partnership_id, v.pk])


# Every versioned model and the pages that edit one of its records (empty: the model has no edit page).
EDIT_PAGES: dict[str, list[Callable[[Any], str]]] = {
    "accounts.Organisation": [lambda o: reverse("accounts:organisation-edit", args=[o.pk])],
    "accounts.User": [lambda u: reverse("accounts:user-edit", args=[u.pk])],
    "partnerships.Partnership": [lambda p: reverse("partnerships:edit", args=[p.pk])],
    "partnerships.Task": [lambda t: reverse("partnerships:task-edit", args=[t.partnership_id, t.pk])],
    "partnerships.Document": [lambda d: reverse("partnerships:document-edit", args=[d.partnership_id, d.pk])],
    "risks.Risk": [lambda r: reverse("risks:edit", args=[r.partnership_id, r.pk])],
    "risks.RiskAction": [
        lambda a: reverse("risks:action-edit", args=[a.risk.partnership_id, a.risk_id, a.pk])
    ],
    "risks.OwnershipPlan": [lambda plan: reverse("risks:ownership-plan-edit", args=[plan.partnership_id])],
    "risks.OwnershipTrigger": [_risk_item("triggers")],
    "risks.OwnershipAction": [_risk_item("actions")],
    "risks.OwnershipContact": [_risk_item("contacts")],
    "risks.ExitAnalysis": [
        lambda e: reverse("risks:exit-edit", args=[e.partnership_id]),
        lambda e: reverse("risks:exit-schedule", args=[e.partnership_id, "council_voluntary_termination"]),
    ],
    "performance.Kpi": [lambda k: reverse("performance:kpi-edit", args=[k.partnership_id, k.pk])],
    "performance.Benefit": [lambda b: reverse("performance:benefit-edit", args=[b.partnership_id, b.pk])],
    "payments.PaymentMechanism": [lambda m: reverse("payments:mechanism-edit", args=[m.partnership_id])],
    "payments.Responsibility": [
        lambda r: reverse("payments:responsibility-edit", args=[r.partnership_id, r.pk])
    ],
    "payments.ReliefEvent": [lambda r: reverse("payments:relief", args=[r.partnership_id, r.pk])],
    "appraisal.BusinessCaseVersion": [_version_page("version-settings"), _version_page("version-risk")],
    "appraisal.AppraisalOption": [
        lambda o: reverse(
            "appraisal:option", args=[o.version.business_case.partnership_id, o.version_id, o.pk]
        )
    ],
    "appraisal.CashflowLine": [
        lambda line: reverse(
            "appraisal:line-edit",
            args=[
                line.option.version.business_case.partnership_id,
                line.option.version_id,
                line.option_id,
                line.pk,
            ],
        )
    ],
    "appraisal.ServiceBaseline": [lambda b: reverse("appraisal:baseline", args=[b.partnership_id, b.pk])],
    "appraisal.BaselineMeasure": [],  # measures are only added and removed, never edited in place
    # procurement: competition
    "procurement.ProcurementPlan": [
        lambda plan: reverse("procurement:plan-edit", args=[plan.partnership_id])
    ],
    "procurement.Milestone": [lambda m: reverse("procurement:milestone-edit", args=[m.partnership_id, m.pk])],
    "procurement.ProcurementNotice": [
        lambda n: reverse("procurement:notice-edit", args=[n.partnership_id, n.pk])
    ],
    "procurement.Bidder": [lambda b: reverse("procurement:bidder-edit", args=[b.partnership_id, b.pk])],
    "procurement.DialogueRound": [lambda r: reverse("procurement:round-edit", args=[r.partnership_id, r.pk])],
    "procurement.RoundEntry": [
        lambda e: reverse("procurement:round-entry-edit", args=[e.round.partnership_id, e.round_id, e.pk])
    ],
    "procurement.ConflictDeclaration": [
        lambda c: reverse("procurement:conflict-assess", args=[c.partnership_id, c.pk]),
        lambda c: reverse("procurement:conflict-review", args=[c.partnership_id, c.pk]),
    ],
    # procurement: incentives
    "procurement.PricedOffer": [
        lambda o: reverse("procurement:priced-offer-edit", args=[o.partnership_id, o.pk])
    ],
    "procurement.BidderMechanism": [
        lambda m: reverse("procurement:bidder-mechanism-edit", args=[m.partnership_id, m.pk]),
        lambda m: reverse("procurement:bidder-mechanism-scenarios", args=[m.partnership_id, m.pk]),
    ],
    # procurement: governance
    "procurement.GovernanceOption": [
        lambda o: reverse("procurement:governance-option-edit", args=[o.partnership_id, o.pk])
    ],
    "procurement.GovernanceChoice": [
        lambda c: reverse("procurement:governance-choice", args=[c.partnership_id])
    ],
    "procurement.KeyPerson": [
        lambda k: reverse("procurement:key-person-edit", args=[k.bidder.partnership_id, k.pk])
    ],
    "procurement.BidderMeeting": [
        lambda m: reverse("procurement:bidder-meeting-edit", args=[m.partnership_id, m.pk])
    ],
    "procurement.HeadsOfServiceBriefing": [
        lambda b: reverse("procurement:service-briefing-edit", args=[b.partnership_id, b.pk])
    ],
    "procurement.BriefingConcern": [
        lambda c: reverse("procurement:briefing-concern-edit", args=[c.briefing.partnership_id, c.pk])
    ],
    "procurement.ReviewPoint": [
        lambda r: reverse("procurement:review-point-edit", args=[r.partnership_id, r.pk])
    ],
    "procurement.ReviewPointPosition": [
        lambda r: reverse("procurement:review-position-edit", args=[r.review_point.partnership_id, r.pk])
    ],
    "procurement.CouncilRiskAllocation": [
        lambda a: reverse("procurement:council-allocation-edit", args=[a.partnership_id, a.pk])
    ],
    "procurement.RiskAllocationPosition": [
        lambda r: reverse("procurement:risk-position-edit", args=[r.bidder.partnership_id, r.pk])
    ],
}

# Plain (not model) forms that edit a saved record: each is given the record as ``version_record``, so it
# carries the record's version; the page walk below proves it on the record's edit pages.
VERSION_RECORD_FORMS: dict[str, str] = {
    "partnerships.TaskForm": "partnerships.Task",
    "appraisal.VersionSettingsForm": "appraisal.BusinessCaseVersion",
    "appraisal.RiskSettingsForm": "appraisal.BusinessCaseVersion",
    "appraisal.LineForm": "appraisal.CashflowLine",
    "payments.ReliefCorrectForm": "payments.ReliefEvent",
    "risks.ExitScheduleForm": "risks.ExitAnalysis",  # a route's rows, under the analysis's version
    "performance.KpiAgreementForm": "performance.Kpi",  # moves the agreement state (tested in its own file)
    # procurement: incentives
    "procurement.ScenarioForm": "procurement.BidderMechanism",
}

# Forms that set the value kept under a key (a month's index value, a year's outturn or rating, an option's
# share of one risk), adding the row or replacing it: the replaced value stays in
# the history, but a second person setting the same key is not yet warned (decision record 0013).
SETS_A_VALUE = "sets the value kept under a key; not versioned yet (decision record 0013)"

# Every other form in ForBetter, and why it needs no version: it creates a record, takes a one-way step
# that its service refuses to take twice, filters a page, or is a row of a versioned record's form.
# A form added later fails the first test below until it is put in one of these three places.
NOT_EDITING_A_RECORD: dict[str, str] = {
    "accounts.SignInForm": "signs in",
    "appraisal.BusinessCaseForm": "creates a business case",
    "appraisal.OptionRiskShareForm": SETS_A_VALUE,
    "appraisal.OptionRemoveForm": "removes an option, with a reason (a second removal finds nothing)",
    "appraisal.FreezeForm": "freezes a draft version; the service refuses a version already frozen",
    "appraisal.ContributionForm": "adds an optimism-bias contribution",
    "appraisal.MeasureForm": "adds a measure to a baseline",
    "appraisal.ResultsForm": "chooses what the results page shows (GET)",
    "appraisal.CompareForm": "chooses the versions to compare (GET)",
    "partnerships.PartnershipCreateForm": "creates a partnership",
    "partnerships.EvidenceLinkForm": "adds an evidence link to a task",
    "partnerships.EvidenceRemoveForm": "removes an evidence link",
    "partnerships.DocumentWithdrawForm": "withdraws a document; a withdrawn one cannot be withdrawn again",
    "partnerships.StageGateForm": "records a new stage-gate decision",
    "partnerships.PortfolioFilterForm": "filters the portfolio (GET)",
    "performance.ReturnForm": "submits a new KPI return",
    "performance.ReturnReviewForm": "validates or disputes a return; the service refuses the step twice",
    "performance.ReturnFilterForm": "filters the returns (GET)",
    "performance.ReviewScheduleForm": "schedules an indicator review; refused if one is already scheduled",
    "performance.ReviewRecordForm": "records the outcome of a scheduled review once",
    "performance.BenchmarkUploadForm": "uploads benchmark rows to add (checked, then confirmed)",
    "performance.BenchmarkConfirmForm": "confirms the checked benchmark upload",
    "performance.BenefitValueForm": "a year row of the benefit form, saved under the benefit's version",
    "performance.PublishedRatingForm": SETS_A_VALUE,
    "risks.RegisterFilterForm": "filters the risk register (GET)",
    "risks.ReviewForm": "records a new review of a risk (it moves the risk's version on)",
    "risks.SimulationRunForm": "starts a new Monte Carlo run",
    "risks.ApplyToBusinessCaseForm": "copies a run's seed and iterations into a draft version on purpose "
    "(it moves the version on, so an open settings form is refused)",
    "payments.BandForm": "a row of the payment mechanism form, saved under the mechanism's version",
    "payments.ShareBandForm": "a row of the payment mechanism form, saved under the mechanism's version",
    "payments.IndexValueForm": SETS_A_VALUE,
    "payments.ReliefForm": "records a new relief event",
    "payments.ChargeChangeForm": "adds a change to the monthly charge",
    "payments.ReliefWithdrawForm": "withdraws a relief; a withdrawn one cannot be withdrawn again",
    "payments.StatementApproveForm": "approves a draft statement; an approved one cannot be approved again",
    "payments.StatementCreateForm": "creates a month's statement",
    "payments.GainshareYearForm": SETS_A_VALUE,
    # procurement: incentives
    "procurement.OfferToBusinessCaseForm": "creates a new business-case version from a priced offer",
    # reminders
    "reminders.FilterForm": "filters the reminders list (GET)",
    "reminders.PreferenceForm": "sets the signed-in user's own on/off email choice, which only they change "
    "(kept in its history)",
    "imports.UploadForm": "uploads a file to check in a dry run; confirming it writes, all or nothing",
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


def edit_form_on(page: str) -> tuple[dict[str, list[str]], str]:
    """The one form on ``page`` that carries a version, and the name of its version field (a prefixed form
    names it ``prefix-edit_version``)."""
    parser = PostForms()
    parser.feed(page)
    found = [
        (form, name)
        for form in parser.forms
        for name in form
        if name == "edit_version" or name.endswith("-edit_version")
    ]
    assert len(found) == 1, f"expected one form carrying edit_version, found {len(found)}"
    return found[0]


def _record(model: type[Model]) -> Model:
    records = model._default_manager.order_by("pk")
    if model._meta.label in ("appraisal.AppraisalOption", "appraisal.CashflowLine"):
        path = (
            "version__status"
            if model._meta.label == "appraisal.AppraisalOption"
            else "option__version__status"
        )
        records = records.filter(**{path: "draft"})
    elif model._meta.label == "appraisal.BusinessCaseVersion":
        records = records.filter(status="draft")
    elif model._meta.label == "payments.ReliefEvent":
        records = records.filter(withdrawn_at__isnull=True)
    elif model._meta.label == "accounts.User":
        records = records.exclude(email="admin@forbetter.example")  # not the administrator walking the pages
    record = records.first()
    assert record is not None, f"the demo has no {model._meta.verbose_name} to edit"
    return record


def _label(form: type) -> str:
    return f"{form.__module__.split('.')[1]}.{form.__name__}"


def _forbetter_forms() -> list[type]:
    """Every form class defined in ForBetter: each app's forms modules are imported (at any depth, so an
    app built in parts, like procurement's ``<part>/forms.py``, is searched too), then every subclass of
    Django's BaseForm defined under ``forbetter.`` is listed (the core vocabulary itself excluded)."""
    for config in apps.get_app_configs():
        if not config.name.startswith("forbetter."):
            continue
        for found in pkgutil.walk_packages(config.module.__path__, prefix=f"{config.name}."):
            if found.name.rsplit(".", 1)[-1] in ("forms", "admin_forms"):
                importlib.import_module(found.name)

    def subclasses(cls: type) -> list[type]:
        return [cls, *(s for sub in cls.__subclasses__() for s in subclasses(sub))]

    return sorted(
        {
            form
            for form in subclasses(forms.BaseForm)
            if form.__module__.startswith("forbetter.") and form.__module__ != "forbetter.core.forms"
        },
        key=_label,
    )


def test_every_form_is_versioned_or_says_why_it_need_not_be() -> None:
    """EDIT-NO-LOST-UPDATE, by construction: every form class in ForBetter is found without naming it, and
    each must edit a versioned model (a ModelForm), be given its record's version (a plain form listed in
    VERSION_RECORD_FORMS) or be listed in NOT_EDITING_A_RECORD with the reason it needs none. A new form
    that edits an existing record fails here until it is versioned."""
    found = _forbetter_forms()
    assert len(found) >= 60
    problems = []
    for form in found:
        label = _label(form)
        if issubclass(form, forms.ModelForm):
            model = form._meta.model
            if label in NOT_EDITING_A_RECORD:
                continue
            if model is None or not issubclass(model, VersionedModel):
                problems.append(f"{label} edits {model}, which is not a VersionedModel")
            if model is not None and model._meta.label not in EDIT_PAGES:
                problems.append(f"{label}: add {model._meta.label}'s edit page to EDIT_PAGES")
        elif label in VERSION_RECORD_FORMS:
            if not issubclass(form, GovukFormMixin):
                problems.append(f"{label} must mix in GovukFormMixin to carry the version")
            if not EDIT_PAGES.get(VERSION_RECORD_FORMS[label]):
                problems.append(f"{label}: add {VERSION_RECORD_FORMS[label]}'s edit pages to EDIT_PAGES")
        elif label not in NOT_EDITING_A_RECORD:
            problems.append(
                f"{label} is new: if it changes a saved record, give it version_record=... (and list it in "
                "VERSION_RECORD_FORMS); if not, say why in NOT_EDITING_A_RECORD"
            )
    listed = {*VERSION_RECORD_FORMS, *NOT_EDITING_A_RECORD}
    problems += [
        f"{label} is listed but no longer exists" for label in sorted(listed - {_label(f) for f in found})
    ]
    assert problems == [], "\n".join(problems)


def test_a_model_form_given_a_saved_record_requires_its_version(seeded_demo: None) -> None:
    """EDIT-NO-LOST-UPDATE: a form built for a saved versioned record grows a required edit_version field,
    and a post without it, or with anything but a version number, is refused with one plain message."""
    from forbetter.risks.forms import RiskForm
    from forbetter.risks.models import Risk

    risk = Risk.objects.select_related("partnership").first()
    assert risk is not None
    opened = RiskForm(instance=risk, partnership=risk.partnership)
    assert opened.fields["edit_version"].required
    assert opened.fields["edit_version"].initial == risk.edit_version
    for version in (None, "", "abc", "0", "-1", "1.5"):
        data = {name: opened[name].value() for name in opened.fields if name != "edit_version"}
        if version is not None:
            data["edit_version"] = version
        posted = RiskForm(data, instance=Risk.objects.get(pk=risk.pk), partnership=risk.partnership)
        assert not posted.is_valid(), version
        assert OUT_OF_DATE in posted.non_field_errors(), (version, posted.errors)
        assert "edit_version" not in posted.errors


def test_every_edit_page_carries_the_version_and_refuses_a_stale_or_unversioned_save(
    seeded_demo: None, client: Client
) -> None:
    """EDIT-NO-LOST-UPDATE, walked over every versioned model on the demo data: each of its edit pages
    renders the record's version in the form; posting that form without the version, or after someone else
    saved the record, is refused (out of date; the conflict shown) and the record's version does not move."""
    admin = User.objects.get(email="admin@forbetter.example")
    client.force_login(admin)
    versioned = sorted(model._meta.label for model in apps.get_models() if issubclass(model, VersionedModel))
    assert versioned == sorted(EDIT_PAGES), "add the new versioned model's edit pages to EDIT_PAGES"
    problems = []
    for label, edit_urls in EDIT_PAGES.items():
        model = apps.get_model(label)
        for edit_url in edit_urls:
            record = _record(model)
            url = edit_url(record)
            response = client.get(url)
            assert response.status_code == 200, url
            posted, version_name = edit_form_on(response.content.decode())
            assert posted[version_name] == [str(record.edit_version)], url

            for reason in ("change_reason", "reason", "why", "correct-why"):  # forms that ask why
                if reason in posted and not posted[reason][0].strip():
                    posted[reason] = ["Checking the version"]
            unversioned = client.post(url, {k: v for k, v in posted.items() if k != version_name})
            refused = unversioned.status_code == 200 and OUT_OF_DATE in unversioned.content.decode()
            if not refused or model._default_manager.get(pk=record.pk).edit_version != record.edit_version:
                problems.append((url, "saved without a version", unversioned.status_code))

            record.refresh_from_db()
            record.save()  # someone else saves first
            after_theirs = model._default_manager.get(pk=record.pk).edit_version
            stale = client.post(url, posted)
            refused = stale.status_code == 200 and "after you opened this form" in stale.content.decode()
            unmoved = model._default_manager.get(pk=record.pk).edit_version == after_theirs
            if not (refused and unmoved):
                form = (stale.context or {}).get("form") if stale.status_code == 200 else None
                problems.append((url, stale.status_code, form.errors if form is not None else None))
    assert problems == [], "\n".join(str(problem) for problem in problems)


# procurement: evaluation
def _evaluation_page(name: str, *parts: str) -> Callable[[Any], str]:
    """A page of an evaluation's record: ``parts`` name the record's attributes after the evaluation's pk."""

    def url(record: Any) -> str:
        evaluation = record if not parts else getattr(record, "evaluation", None) or record.bid.evaluation
        return reverse(
            f"procurement:{name}",
            args=[evaluation.partnership_id, evaluation.pk, *(getattr(record, part) for part in parts)],
        )

    return url


EDIT_PAGES.update(
    {
        "procurement.Lot": [lambda lot: reverse("procurement:lot-edit", args=[lot.partnership_id, lot.pk])],
        "procurement.Bundle": [lambda b: reverse("procurement:bundle-edit", args=[b.partnership_id, b.pk])],
        "procurement.LotPrice": [
            lambda p: reverse("procurement:lot-price-edit", args=[p.bidder.partnership_id, p.pk])
        ],
        "procurement.Evaluation": [
            _evaluation_page("evaluation-edit"),
            _evaluation_page("evaluation-should-cost"),
        ],
        "procurement.EvaluationCriterion": [_evaluation_page("evaluation-criterion-edit", "pk")],
        "procurement.TenderBid": [_evaluation_page("evaluation-bid-edit", "pk")],
        # Each evaluator edits only their own score, and the demo's scores are locked: the score form is a
        # ModelForm of the evaluator's own record (so it carries its version), and
        # tests/web/test_procurement_evaluation.py proves a stale score edit refused.
        "procurement.EvaluatorScore": [],
        "procurement.ModeratedScore": [_evaluation_page("evaluation-moderate", "bid_id", "criterion_id")],
    }
)
VERSION_RECORD_FORMS["procurement.ShouldCostForm"] = "procurement.Evaluation"


# governance
def _governance(name: str, key: str) -> Callable[[Any], str]:
    return lambda record: reverse(f"governance:{name}", kwargs={"pk": record.partnership_id, key: record.pk})


# trust
def _trust_page(name: str) -> Callable[[Any], str]:
    return lambda record: reverse(f"trust:{name}", args=[record.partnership_id, record.pk])


EDIT_PAGES.update(
    {
        "governance.GovernanceModel": [lambda m: reverse("governance:model-edit", args=[m.partnership_id])],
        "governance.Forum": [_governance("forum-edit", "forum_pk")],
        "governance.Meeting": [_governance("meeting-edit", "meeting_pk")],
        "governance.GovernanceAction": [_governance("action-edit", "action_pk")],
        "governance.Escalation": [_governance("escalation-edit", "escalation_pk")],
        "governance.GovernanceReview": [_governance("review-edit", "review_pk")],
        "governance.BoardDirector": [_governance("director-edit", "director_pk")],
        # Members are added and removed, never edited; agenda items and decisions are added to a meeting.
        "governance.ForumMember": [],
        "governance.AgendaItem": [],
        "governance.Decision": [],
    }
)
VERSION_RECORD_FORMS.update(
    {
        "governance.GovernanceModelForm": "governance.GovernanceModel",
        "governance.ForumForm": "governance.Forum",
        "governance.MeetingForm": "governance.Meeting",
        "governance.ActionForm": "governance.GovernanceAction",
        "governance.OutcomeForm": "governance.Escalation",
        "governance.ReviewForm": "governance.GovernanceReview",
        "governance.DirectorForm": "governance.BoardDirector",
    }
)
NOT_EDITING_A_RECORD.update(
    {
        "governance.MemberForm": "adds a member to a forum",
        "governance.AgendaItemForm": "adds an agenda item to a meeting",
        "governance.DecisionForm": "records a new decision of a meeting",
        "governance.EscalationForm": "records a new escalation",
        "governance.ActionFilterForm": "filters the governance actions (GET)",
    }
)
# survey
EDIT_PAGES["survey.SurveyRound"] = [lambda r: reverse("survey:round-edit", args=[r.partnership_id, r.pk])]
NOT_EDITING_A_RECORD["survey.AnswersForm"] = (
    "records one person's answers to a round once (a second is refused)"
)
NOT_EDITING_A_RECORD["survey.PaperEntryForm"] = "enters a paper form's answers once (its reference is unique)"


# trust
def _trust_page(name: str) -> Callable[[Any], str]:
    return lambda record: reverse(f"trust:{name}", args=[record.partnership_id, record.pk])


EDIT_PAGES.update(
    {
        "trust.CharterVersion": [],  # a change to the charter is a new version; versions are never edited
        "trust.TrustActivity": [_trust_page("activity-edit")],
        "trust.PartnershipMeasure": [_trust_page("measure-edit")],
        "trust.MeasureValue": [],  # a measure's values are only added, one a period
        "trust.OpenBookProtocol": [lambda p: reverse("trust:protocol-edit", args=[p.partnership_id])],
        "trust.OpenBookReview": [_trust_page("review-edit")],
        "trust.KeyPost": [_trust_page("post-edit")],
        "trust.Successor": [
            lambda s: reverse("trust:successor-edit", args=[s.post.partnership_id, s.post_id, s.pk])
        ],
    }
)
NOT_EDITING_A_RECORD["trust.CharterVersionForm"] = (
    "adds a new version of the charter; versions are never edited"
)
NOT_EDITING_A_RECORD["trust.MeasureValueForm"] = "adds a measure's value for a period not yet valued"


# capacity
def _capacity_page(name: str) -> Callable[[Any], str]:
    return lambda record: reverse(f"capacity:{name}", args=[record.partnership_id, record.pk])


EDIT_PAGES.update(
    {
        "capacity.TeamRole": [_capacity_page("role-edit")],
        "capacity.ResourceActual": [_capacity_page("actual-edit")],
        "capacity.ProcurementBudgetLine": [_capacity_page("budget-edit")],
        "capacity.Adviser": [_capacity_page("adviser-edit")],
        "capacity.CapacityTarget": [lambda t: reverse("capacity:target-edit", args=[t.partnership_id])],
    }
)


# keydates
def _key_date_page(name: str) -> Callable[[Any], str]:
    return lambda record: reverse(f"keydates:{name}", args=[record.partnership_id, record.pk])


EDIT_PAGES["keydates.KeyDate"] = [_key_date_page("edit"), _key_date_page("status")]
NOT_EDITING_A_RECORD["keydates.FilterForm"] = "filters the key dates shown (GET)"


# changes
def _change_page(name: str) -> Callable[[Any], str]:
    return lambda record: reverse(f"changes:{name}", args=[record.partnership_id, record.pk])


EDIT_PAGES.update(
    {
        "changes.ChangeRequest": [
            _change_page("change-edit"),
            _change_page("assessment"),
            _change_page("decision"),  # the demo's partnership is under the regulations: no notice page
        ],
        "changes.ChangeTerms": [lambda t: reverse("changes:terms", args=[t.partnership_id])],
        "changes.ChangeGroup": [],  # groups of related changes are only added
        "changes.KpiEffect": [],  # added (or replaced) under the change request's version
    }
)
VERSION_RECORD_FORMS["changes.DecisionForm"] = "changes.ChangeRequest"
VERSION_RECORD_FORMS["changes.NoticeForm"] = "changes.ChangeRequest"
NOT_EDITING_A_RECORD["changes.GroupForm"] = "adds a group of related changes; groups are not edited"
# value
EDIT_PAGES.update(
    {
        "value.PurchasingCategory": [
            lambda c: reverse("value:category-edit", args=[c.partnership_id, c.pk]),
        ],
        "value.MarketTest": [
            lambda t: reverse("value:test-edit", args=[t.category.partnership_id, t.category_id, t.pk]),
        ],
    }
)


# remedies
def _remedies_page(name: str, key: str) -> Callable[[Any], str]:
    return lambda record: reverse(f"remedies:{name}", kwargs={"pk": record.partnership_id, key: record.pk})


EDIT_PAGES.update(
    {
        "remedies.RemedySettings": [lambda s: reverse("remedies:settings-edit", args=[s.partnership_id])],
        "remedies.WarningNotice": [_remedies_page("notice-edit", "notice_pk")],
        "remedies.RectificationPlan": [_remedies_page("plan-edit", "plan_pk")],
        "remedies.PlanAction": [
            lambda a: reverse(
                "remedies:action-edit",
                kwargs={"pk": a.plan.partnership_id, "plan_pk": a.plan_id, "action_pk": a.pk},
            )
        ],
        "remedies.UnimprovedFailure": [_remedies_page("failure-edit", "failure_pk")],
        "remedies.Intervention": [_remedies_page("intervention-edit", "intervention_pk")],
        "remedies.Dispute": [_remedies_page("dispute-edit", "dispute_pk")],
        "remedies.ExitPlan": [lambda p: reverse("remedies:exit-plan-edit", args=[p.partnership_id])],
    }
)


# reviews
def _reviews_page(name: str, key: str) -> Callable[[Any], str]:
    return lambda record: reverse(f"reviews:{name}", kwargs={"pk": record.partnership_id, key: record.pk})


EDIT_PAGES.update(
    {
        "reviews.ReviewSchedule": [lambda s: reverse("reviews:schedule-edit", args=[s.partnership_id])],
        "reviews.PartnershipReview": [_reviews_page("review-edit", "review_pk")],
        "reviews.ServiceDecision": [
            lambda d: reverse("reviews:decision-edit", args=[d.review.partnership_id, d.review_id, d.pk])
        ],
        "reviews.ServiceMechanism": [_reviews_page("mechanism-edit", "mechanism_pk")],
        "reviews.PricingTerms": [lambda t: reverse("reviews:terms-edit", args=[t.partnership_id])],
        "reviews.Scenario": [_reviews_page("scenario-edit", "scenario_pk")],
    }
)


# notices
EDIT_PAGES["notices.Invoice"] = [lambda i: reverse("notices:invoice-edit", args=[i.partnership_id, i.pk])]
NOT_EDITING_A_RECORD["notices.PublishedForm"] = SETS_A_VALUE  # a notice's publication, kept under its key
# The API tokens page (forbetter/api): a token is made once and revoked once; it is never edited.
NOT_EDITING_A_RECORD["api.TokenCreateForm"] = "makes a new personal access token"
NOT_EDITING_A_RECORD["api.TokenRevokeForm"] = "revokes one's own token; revoking it again is refused"
