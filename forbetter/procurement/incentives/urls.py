"""URLs of the procurement area's incentives part (included by forbetter/procurement/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from forbetter.procurement.incentives import views

OFFERS = "<int:pk>/procurement/priced-offers/"
MECHANISMS = "<int:pk>/procurement/bidder-mechanisms/"

urlpatterns: list[URLPattern] = [
    path(OFFERS, views.offers, name="priced-offers"),
    path(OFFERS + "new/", views.offer_create, name="priced-offer-create"),
    path(OFFERS + "<int:offer_pk>/", views.offer_edit, name="priced-offer-edit"),
    path(
        OFFERS + "<int:offer_pk>/business-case/",
        views.offer_to_business_case,
        name="priced-offer-to-business-case",
    ),
    path(MECHANISMS, views.mechanisms, name="bidder-mechanisms"),
    path(MECHANISMS + "new/", views.mechanism_create, name="bidder-mechanism-create"),
    path(MECHANISMS + "<int:mechanism_pk>/", views.mechanism, name="bidder-mechanism"),
    path(MECHANISMS + "<int:mechanism_pk>/edit/", views.mechanism_edit, name="bidder-mechanism-edit"),
    path(
        MECHANISMS + "<int:mechanism_pk>/scenarios/",
        views.mechanism_scenarios,
        name="bidder-mechanism-scenarios",
    ),
]
