"""Pages of the Procurement Act 2023 notices. Thin: each finds the partnership the user may see (404
otherwise), checks the role (403) and hands reads to :mod:`selectors` and :mod:`releases`, writes to
:mod:`services`.

Everyone who sees the partnership reads the calendar and the published notices (public on Find a Tender
from the day they are published); a notice not yet published, and the invoices behind the payments
compliance figures, are the council's own (decision record 0032)."""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone

from forbetter.calc.notice_calendar import DueNotice, Notice
from forbetter.core import exports
from forbetter.core.history import history_of
from forbetter.notices import releases, selectors, services
from forbetter.notices.forms import InvoiceForm, PublishedForm
from forbetter.notices.models import Invoice, Publication
from forbetter.opendata.validation import release_errors
from forbetter.partnerships import view_helpers
from forbetter.partnerships.models import Partnership
from forbetter.partnerships.procurement import act_applies
from forbetter.partnerships.view_helpers import partnership_page, save_form, visible_partnership

SECTION = "notices"
EDIT_REFUSED = "Your role can read the notices but not record invoices or publications"


def _notice(notice: str) -> Notice:
    try:
        return Notice(notice)
    except ValueError as unknown:
        raise Http404("No such notice type") from unknown


def _readable(request: HttpRequest, partnership: Partnership, notice: str, key: str) -> bool:
    """Whether the notice is published; a partner user may read only a published one (403 otherwise)."""
    published = selectors.is_published(partnership, notice, key)
    if not published:
        view_helpers.require_confidential(request)
    return published


def overview(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    return partnership_page(
        request,
        "notices/overview.html",
        partnership,
        SECTION,
        calendar=selectors.calendar(partnership, today=timezone.localdate()),
    )


def _release_for(
    request: HttpRequest, partnership: Partnership, notice: str, key: str
) -> tuple[Notice, DueNotice | None, dict[str, Any] | None, bool]:
    kind = _notice(notice)
    published = _readable(request, partnership, kind, key)
    today = timezone.localdate()
    due = selectors.find_due(partnership, kind, key, today=today)
    if due is None:
        return kind, None, None, published
    published_on = None
    if kind != Notice.CONTRACT_CHANGE:
        record = Publication.objects.filter(partnership=partnership, notice=kind, key=key).first()
        published_on = record.published_on if record else None
    return kind, due, releases.release(partnership, due, published_on=published_on, today=today), published


def notice_detail(request: HttpRequest, pk: int, notice: str, key: str) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    kind, due, release, published = _release_for(request, partnership, notice, key)
    figures = None
    if due is not None and kind == Notice.PAYMENTS_COMPLIANCE:
        assert due.period_start is not None
        assert due.period_end is not None
        figures = selectors.compliance(partnership, start=due.period_start, end=due.period_end)
    return partnership_page(
        request,
        "notices/notice.html",
        partnership,
        SECTION,
        notice=kind,
        key=key,
        due=due,
        published=published,
        regime_note=selectors.regime_note(partnership),
        release_json=json.dumps(release, indent=2) if release else "",
        problems=release_errors(release, "uk-fts") if release else [],
        figures=figures,
        metrics=(release or {}).get("contracts", [{}])[0].get("implementation", {}).get("metrics", []),
        agreed=(release or {}).get("contracts", [{}])[0].get("agreedMetrics", []),
        mapping=releases.MEASURE_CLASSIFICATION,
    )


def notice_json(request: HttpRequest, pk: int, notice: str, key: str) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    kind, _due, release, _ = _release_for(request, partnership, notice, key)
    if release is None:
        raise Http404("This notice is not in the partnership's calendar")
    package = releases.package(
        [release],
        uri=request.build_absolute_uri(reverse("notices:notice-json", args=[pk, kind, key])),
        published_on=timezone.localdate(),
    )
    response = HttpResponse(json.dumps(package, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{kind}-{key}-partnership-{pk}.json"'
    return response


def publish(request: HttpRequest, pk: int, notice: str, key: str) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    view_helpers.require_edit(request, EDIT_REFUSED)
    kind = _notice(notice)
    today = timezone.localdate()
    due_keys = {(row.notice.value, row.key) for row in selectors.due_notices(partnership, today=today)[0]}
    record = Publication.objects.filter(partnership=partnership, notice=kind, key=key).first()
    initial = (
        {"published_on": record.published_on, "notice_id": record.notice_id, "url": record.url}
        if record
        else {}
    )
    form = PublishedForm(request.POST or None, initial=initial)
    if save_form(
        request,
        form,
        lambda data: services.publication_record(
            user=request.user, partnership=partnership, notice=kind, key=key, due_keys=due_keys, data=data
        ),
        success="Notice recorded as published",
    ):
        return redirect("notices:overview", pk=partnership.pk)
    due = selectors.find_due(partnership, kind, key, today=today)
    return partnership_page(
        request,
        "notices/form.html",
        partnership,
        SECTION,
        form=form,
        title=f"Record the {kind} notice as published",
        intro=due.title if due else selectors.regime_note(partnership),
        button="Save",
        cancel="notices:overview",
        history=None,
    )


def invoices(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    view_helpers.require_confidential(request)
    rows = list(selectors.invoices(partnership))
    exports.offer(request, rows)
    return partnership_page(
        request,
        "notices/invoices.html",
        partnership,
        SECTION,
        invoices=rows,
        periods=selectors.period_figures(rows),
        applies=act_applies(partnership),
    )


def invoice_form(request: HttpRequest, pk: int, invoice_pk: int | None = None) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    view_helpers.require_edit(request, EDIT_REFUSED)
    invoice = get_object_or_404(Invoice, partnership=partnership, pk=invoice_pk) if invoice_pk else None
    form = InvoiceForm(request.POST or None, instance=invoice, partnership=partnership)
    if save_form(
        request,
        form,
        lambda data: services.invoice_save(
            user=request.user, partnership=partnership, data=data, invoice=invoice
        ),
        success="Invoice saved",
    ):
        return redirect("notices:invoices", pk=partnership.pk)
    return partnership_page(
        request,
        "notices/form.html",
        partnership,
        SECTION,
        form=form,
        title=f"Change invoice {invoice.reference}" if invoice else "Record an invoice",
        intro="The dates received and paid give the payments compliance figures: days to pay are counted "
        "from the day the invoice was received to the day it was paid.",
        button="Save the invoice",
        cancel="notices:invoices",
        history=history_of(invoice) if invoice else None,
    )
