from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Organisations, users, roles and sign-in."""

    name = "forbetter.accounts"
    label = "accounts"
    verbose_name = "Organisations and users"
