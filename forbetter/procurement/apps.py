from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    """Procurement and contract award: the plan and notices, conflicts of interest, bidders and rounds,
    bundles, evaluation with moderation, bids priced into the business case, bidders' payment mechanisms,
    governance options, continuity of key people, bidder meetings and heads-of-service briefings."""

    name = "forbetter.procurement"
    label = "procurement"
