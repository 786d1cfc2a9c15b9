"""The framework itself, for reference: every action by stage and theme, with its sources."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from forbetter.framework.loader import read_fixture
from forbetter.framework.models import Action, Reference, Stage, Theme


def framework(request: HttpRequest) -> HttpResponse:
    actions = Action.objects.select_related("stage", "theme").prefetch_related("references")
    by_theme: dict[int, list[Action]] = {}
    for action in actions:
        by_theme.setdefault(action.theme_id, []).append(action)
    return render(
        request,
        "framework/framework.html",
        {
            "stages": Stage.objects.all(),
            "themes": [(theme, by_theme.get(theme.pk, [])) for theme in Theme.objects.all()],
            "references": Reference.objects.all(),
            "source": read_fixture()["source"],
        },
    )
