"""URLs of the procurement area's competition part (included by ``forbetter/procurement/urls.py``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from forbetter.procurement.competition import views

urlpatterns: list[URLPattern] = [
    path("<int:pk>/procurement/", views.overview, name="overview"),
]
