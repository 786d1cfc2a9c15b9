from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    """Partnership reviews (the whole partnership and its bundle of services, with findings and a decision per
    service) and responsiveness to change (the contract's change mechanisms and scenarios priced through
    them)."""

    name = "forbetter.reviews"
    label = "reviews"
