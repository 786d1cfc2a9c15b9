from django.apps import AppConfig


class TrustConfig(AppConfig):
    """Trust records: the partnership charter, trust-building activities, non-technical measures, the
    open-book protocol and its reviews (which feed the gainshare), and key people with succession plans."""

    name = "forbetter.trust"
    label = "trust"
