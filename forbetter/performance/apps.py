from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    """Performance management: KPIs, partner returns, indicator reviews, benchmarking, benefits."""

    name = "forbetter.performance"
    label = "performance"
