from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    """The partnership's governance: tiers, forums, meetings, decisions, actions, escalations, reviews and
    the joint-venture company's board."""

    name = "forbetter.governance"
    label = "governance"
