"""URLs of the procurement area's evaluation part (included by forbetter/procurement/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from forbetter.procurement.evaluation import views

E = "<int:pk>/procurement/evaluations/<int:evaluation_pk>"

urlpatterns: list[URLPattern] = [
    path("<int:pk>/procurement/bundles/", views.bundles, name="bundles"),
    path("<int:pk>/procurement/bundles/lots/add/", views.lot_form, name="lot-add"),
    path("<int:pk>/procurement/bundles/lots/<int:lot_pk>/", views.lot_form, name="lot-edit"),
    path("<int:pk>/procurement/bundles/add/", views.bundle_form, name="bundle-add"),
    path("<int:pk>/procurement/bundles/<int:bundle_pk>/", views.bundle_form, name="bundle-edit"),
    path("<int:pk>/procurement/bundles/prices/add/", views.lot_price_form, name="lot-price-add"),
    path("<int:pk>/procurement/bundles/prices/<int:price_pk>/", views.lot_price_form, name="lot-price-edit"),
    path("<int:pk>/procurement/evaluations/", views.evaluations, name="evaluations"),
    path("<int:pk>/procurement/evaluations/add/", views.evaluation_form, name="evaluation-add"),
    path(f"{E}/", views.evaluation_detail, name="evaluation"),
    path(f"{E}/settings/", views.evaluation_form, name="evaluation-edit"),
    path(f"{E}/should-cost/", views.should_cost, name="evaluation-should-cost"),
    path(f"{E}/criteria/add/", views.criterion_form, name="evaluation-criterion-add"),
    path(f"{E}/criteria/<int:criterion_pk>/", views.criterion_form, name="evaluation-criterion-edit"),
    path(f"{E}/bids/add/", views.bid_form, name="evaluation-bid-add"),
    path(f"{E}/bids/<int:bid_pk>/", views.bid_form, name="evaluation-bid-edit"),
    path(f"{E}/next-step/", views.evaluation_advance, name="evaluation-advance"),
    path(f"{E}/scoring/", views.scoring, name="evaluation-scoring"),
    path(f"{E}/scoring/<int:bid_pk>/<int:criterion_pk>/", views.score_form, name="evaluation-score"),
    path(f"{E}/moderation/", views.moderation, name="evaluation-moderation"),
    path(f"{E}/moderation/<int:bid_pk>/<int:criterion_pk>/", views.moderate_form, name="evaluation-moderate"),
    path(f"{E}/report/", views.report, name="evaluation-report"),
]
