from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    """Partnership incentives: payment mechanism, monthly statements, roles and responsibilities."""

    name = "forbetter.payments"
    label = "payments"
