from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    """Performance management: KPIs, partner returns, indicator reviews, benchmarking, benefits."""

    name = "forbetter.performance"
    label = "performance"

    def ready(self) -> None:
        from forbetter.partnerships.sections import Section, register
        from forbetter.performance import evidence_providers  # noqa: F401  (registers providers)

        register(Section("kpis", "KPIs", "performance:dashboard", 60))
