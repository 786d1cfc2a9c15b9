from django.urls import path

from forbetter.performance import views_kpis, views_registers, views_returns

app_name = "performance"

urlpatterns = [
    path("<int:pk>/kpis/", views_kpis.dashboard, name="dashboard"),
    path("<int:pk>/kpis/new/", views_kpis.kpi_create, name="kpi-create"),
    path("<int:pk>/kpis/ratings/", views_kpis.ratings, name="ratings"),
    path(
        "<int:pk>/kpis/ratings/<int:year>/<int:kpi_pk>/",
        views_kpis.published_rating,
        name="published-rating",
    ),
    path("<int:pk>/kpis/<int:kpi_pk>/", views_kpis.kpi_detail, name="kpi"),
    path("<int:pk>/kpis/<int:kpi_pk>/edit/", views_kpis.kpi_edit, name="kpi-edit"),
    path("<int:pk>/kpis/<int:kpi_pk>/agreement/", views_kpis.kpi_agreement, name="kpi-agreement"),
    path("<int:pk>/kpis/<int:kpi_pk>/benchmark/", views_registers.benchmark, name="benchmark"),
    path(
        "<int:pk>/kpis/<int:kpi_pk>/benchmark/import/",
        views_registers.benchmark_import,
        name="benchmark-import",
    ),
    path("<int:pk>/kpis/returns/", views_returns.returns, name="returns"),
    path("<int:pk>/kpis/returns/new/", views_returns.return_submit, name="return-submit"),
    path("<int:pk>/kpis/returns/<int:return_pk>/", views_returns.return_detail, name="return"),
    path("<int:pk>/kpis/returns/<int:return_pk>/review/", views_returns.return_review, name="return-review"),
    path(
        "<int:pk>/kpis/returns/<int:return_pk>/evidence/",
        views_returns.evidence_download,
        name="return-evidence",
    ),
    path("<int:pk>/kpis/reviews/", views_registers.reviews, name="reviews"),
    path("<int:pk>/kpis/reviews/<int:review_pk>/", views_registers.review_record, name="review-record"),
    path("<int:pk>/benefits/", views_registers.benefits, name="benefits"),
    path("<int:pk>/benefits/new/", views_registers.benefit_create, name="benefit-create"),
    path("<int:pk>/benefits/<int:benefit_pk>/", views_registers.benefit_detail, name="benefit"),
    path("<int:pk>/benefits/<int:benefit_pk>/edit/", views_registers.benefit_edit, name="benefit-edit"),
]
