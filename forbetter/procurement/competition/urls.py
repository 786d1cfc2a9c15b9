"""URLs of the procurement area's competition part (included by ``forbetter/procurement/urls.py``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from forbetter.procurement.competition import views

P = "<int:pk>/procurement"

urlpatterns: list[URLPattern] = [
    path(f"{P}/", views.overview, name="overview"),
    path(f"{P}/plan/", views.plan, name="plan"),
    path(f"{P}/plan/edit/", views.plan_edit, name="plan-edit"),
    path(f"{P}/plan/milestones/add/", views.milestone_form, name="milestone-create"),
    path(f"{P}/plan/milestones/<int:milestone_pk>/", views.milestone_form, name="milestone-edit"),
    path(f"{P}/plan/milestones/<int:milestone_pk>/remove/", views.milestone_remove, name="milestone-remove"),
    path(f"{P}/plan/notices/add/", views.notice_form, name="notice-create"),
    path(f"{P}/plan/notices/<int:notice_pk>/", views.notice_form, name="notice-edit"),
    path(f"{P}/plan/notices/<int:notice_pk>/remove/", views.notice_remove, name="notice-remove"),
    path(f"{P}/rounds/", views.rounds, name="rounds"),
    path(f"{P}/bidders/add/", views.bidder_form, name="bidder-create"),
    path(f"{P}/bidders/<int:bidder_pk>/", views.bidder_form, name="bidder-edit"),
    path(f"{P}/rounds/add/", views.round_form, name="round-create"),
    path(f"{P}/rounds/<int:round_pk>/", views.round_form, name="round-edit"),
    path(f"{P}/rounds/<int:round_pk>/entries/add/", views.entry_form, name="round-entry-create"),
    path(f"{P}/rounds/<int:round_pk>/entries/<int:entry_pk>/", views.entry_form, name="round-entry-edit"),
    path(
        f"{P}/rounds/<int:round_pk>/entries/<int:entry_pk>/remove/",
        views.entry_remove,
        name="round-entry-remove",
    ),
    path(f"{P}/conflicts/", views.conflicts, name="conflicts"),
    path(f"{P}/conflicts/declare/", views.conflict_declare, name="conflict-declare"),
    path(f"{P}/conflicts/<int:conflict_pk>/assess/", views.conflict_assess, name="conflict-assess"),
    path(f"{P}/conflicts/<int:conflict_pk>/review/", views.conflict_review, name="conflict-review"),
]
