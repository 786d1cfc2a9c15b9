from django.urls import path

from forbetter.governance import views

app_name = "governance"

urlpatterns = [
    path("<int:pk>/governance/", views.overview, name="overview"),
    path("<int:pk>/governance/model/edit/", views.model_edit, name="model-edit"),
    path("<int:pk>/governance/forums/new/", views.forum_create, name="forum-create"),
    path("<int:pk>/governance/forums/<int:forum_pk>/", views.forum_detail, name="forum"),
    path("<int:pk>/governance/forums/<int:forum_pk>/edit/", views.forum_edit, name="forum-edit"),
    path("<int:pk>/governance/forums/<int:forum_pk>/members/new/", views.member_create, name="member-create"),
    path(
        "<int:pk>/governance/forums/<int:forum_pk>/members/<int:member_pk>/remove/",
        views.member_remove,
        name="member-remove",
    ),
    path("<int:pk>/governance/meetings/new/", views.meeting_create, name="meeting-create"),
    path("<int:pk>/governance/meetings/<int:meeting_pk>/", views.meeting_detail, name="meeting"),
    path("<int:pk>/governance/meetings/<int:meeting_pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("<int:pk>/governance/meetings/<int:meeting_pk>/items/new/", views.item_create, name="item-create"),
    path(
        "<int:pk>/governance/meetings/<int:meeting_pk>/decisions/new/",
        views.decision_create,
        name="decision-create",
    ),
    path(
        "<int:pk>/governance/meetings/<int:meeting_pk>/actions/new/",
        views.action_create,
        name="action-create",
    ),
    path(
        "<int:pk>/governance/meetings/<int:meeting_pk>/escalate/",
        views.escalation_create,
        name="escalation-create",
    ),
    path("<int:pk>/governance/actions/", views.actions, name="actions"),
    path("<int:pk>/governance/actions/<int:action_pk>/edit/", views.action_edit, name="action-edit"),
    path("<int:pk>/governance/escalations/", views.escalations, name="escalations"),
    path(
        "<int:pk>/governance/escalations/<int:escalation_pk>/edit/",
        views.escalation_edit,
        name="escalation-edit",
    ),
    path("<int:pk>/governance/reviews/", views.reviews, name="reviews"),
    path("<int:pk>/governance/reviews/new/", views.review_form, name="review-create"),
    path("<int:pk>/governance/reviews/<int:review_pk>/edit/", views.review_form, name="review-edit"),
    path("<int:pk>/governance/board/new/", views.director_form, name="director-create"),
    path("<int:pk>/governance/board/<int:director_pk>/edit/", views.director_form, name="director-edit"),
]
