"""URLs of the procurement area's governance part (included by forbetter/procurement/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from forbetter.procurement.governance import views

P = "<int:pk>/procurement/"

urlpatterns: list[URLPattern] = [
    path(f"{P}governance/", views.governance_options, name="governance-options"),
    path(f"{P}governance/add/", views.governance_option_form, name="governance-option-create"),
    path(f"{P}governance/<int:option_pk>/", views.governance_option_form, name="governance-option-edit"),
    path(f"{P}governance/choice/", views.governance_choice, name="governance-choice"),
    path(f"{P}key-people/", views.continuity, name="key-people-continuity"),
    path(f"{P}key-people/bidder/<int:bidder_pk>/add/", views.key_person_form, name="key-person-create"),
    path(f"{P}key-people/<int:person_pk>/", views.key_person_form, name="key-person-edit"),
    path(f"{P}bidder-meetings/", views.bidder_meetings, name="bidder-meetings"),
    path(f"{P}bidder-meetings/add/", views.bidder_meeting_form, name="bidder-meeting-create"),
    path(f"{P}bidder-meetings/<int:meeting_pk>/", views.bidder_meeting_form, name="bidder-meeting-edit"),
    path(f"{P}service-briefings/", views.service_briefings, name="service-briefings"),
    path(f"{P}service-briefings/add/", views.service_briefing_form, name="service-briefing-create"),
    path(
        f"{P}service-briefings/<int:briefing_pk>/", views.service_briefing_form, name="service-briefing-edit"
    ),
    path(
        f"{P}service-briefings/<int:briefing_pk>/concerns/add/",
        views.briefing_concern_form,
        name="briefing-concern-create",
    ),
    path(
        f"{P}service-briefings/concerns/<int:concern_pk>/",
        views.briefing_concern_form,
        name="briefing-concern-edit",
    ),
    path(f"{P}review-positions/", views.review_positions, name="bidder-review-positions"),
    path(f"{P}review-positions/points/add/", views.review_point_form, name="review-point-create"),
    path(f"{P}review-positions/points/<int:point_pk>/", views.review_point_form, name="review-point-edit"),
    path(
        f"{P}review-positions/points/<int:point_pk>/add/",
        views.review_position_form,
        name="review-position-create",
    ),
    path(f"{P}review-positions/<int:position_pk>/", views.review_position_form, name="review-position-edit"),
    path(f"{P}risk-positions/", views.risk_positions, name="bidder-risk-positions"),
    path(f"{P}risk-positions/council/add/", views.council_allocation_form, name="council-allocation-create"),
    path(
        f"{P}risk-positions/council/<int:allocation_pk>/",
        views.council_allocation_form,
        name="council-allocation-edit",
    ),
    path(f"{P}risk-positions/add/", views.risk_position_form, name="risk-position-create"),
    path(f"{P}risk-positions/<int:position_pk>/", views.risk_position_form, name="risk-position-edit"),
]
