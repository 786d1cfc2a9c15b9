from django.apps import AppConfig


class RisksConfig(AppConfig):
    """Risk management: register, allocation, reviews, Monte Carlo runs and exit analysis."""

    name = "forbetter.risks"
    label = "risks"
