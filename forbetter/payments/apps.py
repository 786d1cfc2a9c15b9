from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    """Partnership incentives: payment mechanism, monthly statements, roles and responsibilities."""

    name = "forbetter.payments"
    label = "payments"

    def ready(self) -> None:
        from forbetter.partnerships.sections import Section, register
        from forbetter.payments import evidence_providers  # noqa: F401  (registers providers)

        register(Section("payments", "Payments", "payments:statements", 70))
