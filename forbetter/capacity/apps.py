from django.apps import AppConfig


class CapacityConfig(AppConfig):
    """The council's client-side capacity: the client team plan, its actual cost against the plan, the
    procurement budget, advisers, and the team's cost as a share of the contract's annual value."""

    name = "forbetter.capacity"
    label = "capacity"
