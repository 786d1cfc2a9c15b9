from django.urls import path

from forbetter.trust import views

app_name = "trust"

urlpatterns = [
    path("<int:pk>/trust/", views.overview, name="overview"),
    path("<int:pk>/trust/charter/", views.charter, name="charter"),
    path("<int:pk>/trust/charter/new/", views.charter_add, name="charter-add"),
    path("<int:pk>/trust/charter/<int:version_pk>/", views.charter_version, name="charter-version"),
    path("<int:pk>/trust/activities/", views.activities, name="activities"),
    path("<int:pk>/trust/activities/new/", views.activity_form, name="activity-create"),
    path("<int:pk>/trust/activities/<int:activity_pk>/edit/", views.activity_form, name="activity-edit"),
    path("<int:pk>/trust/measures/", views.measures, name="measures"),
    path("<int:pk>/trust/measures/new/", views.measure_form, name="measure-create"),
    path("<int:pk>/trust/measures/<int:measure_pk>/edit/", views.measure_form, name="measure-edit"),
    path("<int:pk>/trust/measures/<int:measure_pk>/values/new/", views.value_add, name="value-add"),
    path("<int:pk>/trust/open-book/", views.open_book, name="open-book"),
    path("<int:pk>/trust/open-book/protocol/", views.protocol_edit, name="protocol-edit"),
    path("<int:pk>/trust/open-book/reviews/new/", views.review_form, name="review-create"),
    path("<int:pk>/trust/open-book/reviews/<int:review_pk>/", views.review_detail, name="review"),
    path("<int:pk>/trust/open-book/reviews/<int:review_pk>/edit/", views.review_form, name="review-edit"),
    path("<int:pk>/trust/people/", views.people, name="people"),
    path("<int:pk>/trust/people/new/", views.post_form, name="post-create"),
    path("<int:pk>/trust/people/<int:post_pk>/edit/", views.post_form, name="post-edit"),
    path(
        "<int:pk>/trust/people/<int:post_pk>/successors/new/", views.successor_form, name="successor-create"
    ),
    path(
        "<int:pk>/trust/people/<int:post_pk>/successors/<int:successor_pk>/edit/",
        views.successor_form,
        name="successor-edit",
    ),
    path(
        "<int:pk>/trust/people/<int:post_pk>/successors/<int:successor_pk>/remove/",
        views.successor_remove,
        name="successor-remove",
    ),
]
