from django.urls import path

from forbetter.reports import views

app_name = "reports"

urlpatterns = [
    path("partnerships/<int:pk>/board-pack/", views.packs, name="packs"),
    path("partnerships/<int:pk>/board-pack/new/", views.generate, name="generate"),
    path("partnerships/<int:pk>/board-pack/<int:run_pk>/", views.run_detail, name="run"),
    path("partnerships/<int:pk>/board-pack/<int:run_pk>/pdf/", views.download, name="download"),
    path("reports/portfolio/", views.portfolio, name="portfolio"),
    path("reports/portfolio/new/", views.portfolio_generate, name="portfolio-generate"),
    path("reports/portfolio/latest.pdf", views.portfolio_pdf, name="portfolio-pdf"),
]
