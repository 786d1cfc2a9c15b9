from django.apps import AppConfig


class RisksConfig(AppConfig):
    """Risk management: register, allocation, reviews, Monte Carlo runs and exit analysis."""

    name = "forbetter.risks"
    label = "risks"

    def ready(self) -> None:
        from forbetter.partnerships.sections import Section, register
        from forbetter.risks import evidence_providers  # noqa: F401  (registers providers)

        register(Section("risks", "Risks", "risks:register", 50))
