"""The partnership sub-navigation, built from the registered sections."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from forbetter.partnerships.sections import sections_for

register = template.Library()


@register.inclusion_tag("partnerships/_nav.html", takes_context=True)
def partnership_nav(context: dict[str, Any]) -> dict[str, Any]:
    partnership = context["partnership"]
    links = [
        {
            "label": section.label,
            "url": reverse(section.url_name, kwargs={"pk": partnership.pk}),
            "current": context.get("section") == section.key,
        }
        for section in sections_for(context["request"].user)
    ]
    return {"links": links, "due_url": f"{reverse('partnerships:due')}?partnership={partnership.pk}"}
