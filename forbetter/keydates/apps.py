from django.apps import AppConfig


class KeyDatesConfig(AppConfig):
    """Key dates of each partnership (break points, review points, extension options, notice deadlines,
    insurance, bond and contract expiries), each with a reminder date, on one timeline per partnership and
    across the portfolio."""

    name = "forbetter.keydates"
    label = "keydates"
