from django.urls import path

from forbetter.value import views

app_name = "value"

urlpatterns = [
    path("<int:pk>/value/", views.life, name="life"),
    path("<int:pk>/value/market-testing/", views.market, name="market"),
    path("<int:pk>/value/market-testing/new/", views.category_form, name="category-create"),
    path("<int:pk>/value/market-testing/<int:category_pk>/", views.category, name="category"),
    path("<int:pk>/value/market-testing/<int:category_pk>/edit/", views.category_form, name="category-edit"),
    path(
        "<int:pk>/value/market-testing/<int:category_pk>/tests/new/",
        views.market_test_form,
        name="test-create",
    ),
    path(
        "<int:pk>/value/market-testing/<int:category_pk>/tests/<int:test_pk>/edit/",
        views.market_test_form,
        name="test-edit",
    ),
]
