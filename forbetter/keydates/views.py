"""Pages of key dates. Thin: each finds the partnership the user may see (404 otherwise), looks records up
within it, checks the editor's role for forms (403) and hands writes to :mod:`services`.

Every partnership page is joint: council and partner users of the partnership read it; the portfolio page
shows each user only the partnerships they may see.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from forbetter.calc.dates import long_date
from forbetter.core import exports
from forbetter.core.history import history_of
from forbetter.keydates import charts, selectors, services
from forbetter.keydates.forms import FilterForm, KeyDateForm, StatusForm
from forbetter.keydates.models import KeyDate, Kind
from forbetter.partnerships import view_helpers
from forbetter.partnerships.models import Partnership
from forbetter.partnerships.view_helpers import paginate, partnership_page, save_form, visible_partnership

SECTION = "keydates"
EDIT_REFUSED = "Your role can read the key dates but not change them"


def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    today = timezone.localdate()
    form = FilterForm(request.GET or None)
    kind = form.choice("kind", "")
    rows = selectors.timeline(partnership, request.user, today, kind=kind)
    exports.offer(request, rows)
    kind_words = f" ({Kind(kind).label.lower()} only)" if kind else ""
    start, start_source = services.contract_start(partnership)
    return partnership_page(
        request,
        "keydates/timeline.html",
        partnership,
        SECTION,
        form=form,
        rows=rows,
        today=today,
        start=start,
        start_source=start_source,
        reminders_due=sum(1 for row in rows if row.state == "reminder_due"),
        notice_passed=sum(1 for row in rows if row.notice_passed),
        chart=charts.timeline_chart(rows, today, title=f"Key dates of {partnership.name}{kind_words}")
        if rows
        else None,
    )


def key_date_detail(request: HttpRequest, pk: int, key_date_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    key_date = get_object_or_404(
        KeyDate.objects.select_related("closed_by", "created_by"), partnership=partnership, pk=key_date_pk
    )
    today = timezone.localdate()
    return partnership_page(
        request,
        "keydates/key_date.html",
        partnership,
        SECTION,
        key_date=key_date,
        row=selectors.recorded_row(key_date, today),
        history=history_of(key_date),
    )


def _form_page(request: HttpRequest, partnership: Partnership, **context: Any) -> HttpResponse:
    return partnership_page(request, "keydates/form.html", partnership, SECTION, **context)


def key_date_form(request: HttpRequest, pk: int, key_date_pk: int | None = None) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    view_helpers.require_edit(request, EDIT_REFUSED)
    key_date = (
        get_object_or_404(KeyDate, partnership=partnership, pk=key_date_pk)
        if key_date_pk is not None
        else None
    )
    form = KeyDateForm(request.POST or None, instance=key_date)
    saved: list[KeyDate] = []

    def save(data: dict[str, Any]) -> KeyDate:
        record = services.key_date_save(
            user=request.user, partnership=partnership, key_date=key_date, data=data
        )
        saved.append(record)
        return record

    if save_form(request, form, save, success="Key date saved" if key_date else "Key date added"):
        record = saved[0]
        deadline = record.notice_deadline
        if services.notice_passed(record) and deadline is not None:
            messages.warning(
                request,
                f"The last day to give notice for “{record.title}” was {long_date(deadline)}: "
                "it has passed, so notice can no longer be given in time.",
            )
        return redirect("keydates:timeline", pk=partnership.pk)
    start, source = services.contract_start(partnership)
    intro = "A date that matters to the partnership, with when to be reminded of it."
    if start is not None:
        intro += f" The contract starts on {long_date(start)} ({source}): no key date can be before it."
    return _form_page(
        request,
        partnership,
        form=form,
        title="Change the key date" if key_date else "Add a key date",
        intro=intro,
        button="Save the key date",
        history=history_of(key_date) if key_date else None,
    )


def status_form(request: HttpRequest, pk: int, key_date_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    view_helpers.require_edit(request, EDIT_REFUSED)
    key_date = get_object_or_404(KeyDate, partnership=partnership, pk=key_date_pk)
    form = StatusForm(request.POST or None, instance=key_date)
    if save_form(
        request,
        form,
        lambda data: services.key_date_set_status(user=request.user, key_date=key_date, data=data),
        success="Key date updated",
    ):
        return redirect("keydates:key-date", pk=partnership.pk, key_date_pk=key_date.pk)
    return _form_page(
        request,
        partnership,
        form=form,
        title=f"Mark “{key_date.title}” done or dismissed",
        intro=f"{key_date}. Who marks it, and when, is recorded. Choose open to bring it back.",
        button="Save",
    )


def portfolio(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = FilterForm(request.GET or None, with_window=True, initial={"window": "year"})
    kind = form.choice("kind", "")
    window = form.choice("window", "year")
    rows = selectors.portfolio(request.user, today, kind=kind, window=window)
    return render(
        request,
        "keydates/portfolio.html",
        {
            "form": form,
            "window_label": selectors.WINDOWS[window],
            "page_obj": paginate(request, rows),
            "count": len(rows),
            "due": list(selectors.reminders_due(request.user, today)),
            "today": today,
        },
    )
