from django.apps import AppConfig


class RemindersConfig(AppConfig):
    """Reviews, returns, actions, break points and notices coming due or overdue: one list per user across
    every partnership they see, and a daily email digest (``manage.py send_reminders``)."""

    name = "forbetter.reminders"
    label = "reminders"
