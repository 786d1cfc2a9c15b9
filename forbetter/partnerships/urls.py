from django.urls import path

from forbetter.partnerships import views

app_name = "partnerships"

urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("new/", views.partnership_create, name="create"),
    path("due/", views.due, name="due"),
    path("<int:pk>/", views.overview, name="overview"),
    path("<int:pk>/edit/", views.partnership_edit, name="edit"),
    path("<int:pk>/framework/", views.matrix, name="matrix"),
    path("<int:pk>/tasks/", views.task_list, name="tasks"),
    path("<int:pk>/tasks/stage/<slug:stage>/", views.task_list, name="tasks-stage"),
    path("<int:pk>/tasks/<int:task_pk>/", views.task_detail, name="task"),
    path("<int:pk>/tasks/<int:task_pk>/edit/", views.task_edit, name="task-edit"),
    path("<int:pk>/tasks/<int:task_pk>/evidence/", views.evidence_add, name="evidence-add"),
    path(
        "<int:pk>/tasks/<int:task_pk>/evidence/<int:link_pk>/remove/",
        views.evidence_remove,
        name="evidence-remove",
    ),
    path("<int:pk>/documents/", views.documents, name="documents"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_detail, name="document"),
    path("<int:pk>/documents/<int:document_pk>/correct/", views.document_edit, name="document-edit"),
    path("<int:pk>/documents/<int:document_pk>/withdraw/", views.document_withdraw, name="document-withdraw"),
    path("<int:pk>/gate/", views.gate, name="gate"),
    path("<int:pk>/history/", views.history, name="history"),
]
