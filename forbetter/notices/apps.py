from django.apps import AppConfig


class NoticesConfig(AppConfig):
    """The Procurement Act 2023 notices of a contract in force (contract details, performance, change,
    termination and payments compliance) as OCDS releases for Find a Tender, their calendar, and the
    invoices the payments compliance figures are worked out from."""

    name = "forbetter.notices"
    label = "notices"
