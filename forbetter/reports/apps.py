from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "forbetter.reports"
    label = "reports"
    verbose_name = "Board packs"
