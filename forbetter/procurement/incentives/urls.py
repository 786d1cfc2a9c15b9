"""URLs of the procurement area's incentives part (included by forbetter/procurement/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
