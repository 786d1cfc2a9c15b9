"""The reminders page: what is overdue then coming due in every partnership the user sees, and the user's
choice about the reminders email."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from forbetter.core.history import history_of
from forbetter.partnerships.view_helpers import paginate
from forbetter.reminders import selectors, services
from forbetter.reminders.forms import FilterForm, PreferenceForm


def reminder_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    partnership_id = request.GET.get("partnership", "")
    chosen = int(partnership_id) if partnership_id.isdigit() else None
    found = selectors.reminders_for(
        request.user,
        today,
        partnership_id=chosen,
        kind=request.GET.get("kind", ""),
        mine=request.GET.get("mine") == "on",
    )
    filters = FilterForm(
        request.GET or None,
        partnerships=[(p.pk, p.name) for p in found.partnerships],
        kinds=found.kinds,
    )
    if filters.is_bound and not filters.is_valid():
        found = selectors.reminders_for(request.user, today)
    preference = selectors.preference_of(request.user)
    return render(
        request,
        "reminders/list.html",
        {
            "found": found,
            "page_obj": paginate(request, found.reminders),
            "filters": filters,
            "today": today,
            "preference_form": PreferenceForm(initial=_initial(preference.email_digest)),
            "soon_days": settings.DUE_SOON_DAYS,
        },
    )


def _initial(email_digest: bool) -> dict[str, str]:
    return {"email_digest": "yes" if email_digest else "no"}


def preferences(request: HttpRequest) -> HttpResponse:
    preference = selectors.preference_of(request.user)
    form = PreferenceForm(
        request.POST if request.method == "POST" else None, initial=_initial(preference.email_digest)
    )
    if request.method == "POST" and form.is_valid():
        services.preference_save(user=request.user, email_digest=form.cleaned_data["email_digest"])
        messages.success(
            request,
            "You will get the reminders email"
            if form.cleaned_data["email_digest"]
            else "You will not get the reminders email",
        )
        return redirect("reminders:list")
    history = history_of(preference) if preference.pk else []
    return render(request, "reminders/preferences.html", {"form": form, "history": history})
