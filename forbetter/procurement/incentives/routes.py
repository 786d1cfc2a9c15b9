"""Who may use each URL of the procurement area's incentives part, the records that address them, and the
part's evidence providers (combined by forbetter/procurement/area.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from forbetter.core.areas import Route, Who, first_pk, form, page
from forbetter.procurement import examples as shared
from forbetter.procurement.incentives.evidence_providers import bidder_mechanisms
from forbetter.procurement.models import (
    BidderMechanism,
    BidderMechanismBand,
    BidPriceYear,
    PricedOffer,
    PricingType,
)

COUNCIL = Who.COUNCIL


def _offer(partnership: Any) -> dict[str, object]:
    return {"offer_pk": first_pk(PricedOffer.objects.filter(partnership=partnership), "priced offer")}


def _mechanism(partnership: Any) -> dict[str, object]:
    mechanisms = BidderMechanism.objects.filter(partnership=partnership)
    return {"mechanism_pk": first_pk(mechanisms, "bidder's payment mechanism")}


ROUTES: tuple[Route, ...] = (
    page("priced-offers", reads=COUNCIL),
    form("priced-offer-create"),
    form("priced-offer-edit", kwargs=_offer),
    form("priced-offer-to-business-case", kwargs=_offer),
    page("bidder-mechanisms", reads=COUNCIL),
    form("bidder-mechanism-create"),
    page("bidder-mechanism", reads=COUNCIL, kwargs=_mechanism),
    form("bidder-mechanism-edit", kwargs=_mechanism),
    form("bidder-mechanism-scenarios", kwargs=_mechanism),
)

EVIDENCE: tuple[Callable[[Any], Iterable[Any]], ...] = (bidder_mechanisms,)


def examples(partnership: Any, user: Any, today: dt.date | None = None) -> None:
    """Make sure the partnership has one record of each kind this part's URLs address: a priced offer of
    the example bidder in the first round, and its proposed payment mechanism."""
    bidder = shared.bidder(partnership, today)
    first = shared.dialogue_round(partnership, today)
    if not PricedOffer.objects.filter(partnership=partnership).exists():
        offer = PricedOffer.objects.create(
            partnership=partnership, bidder=bidder, round=first, contract_years=2
        )
        for year in range(2):
            BidPriceYear.objects.create(offer=offer, year=year, charge_gbp=Decimal(1_000_000))
    if not BidderMechanism.objects.filter(partnership=partnership).exists():
        found = BidderMechanism.objects.create(
            partnership=partnership,
            bidder=bidder,
            pricing_type=PricingType.FIXED_PRICE,
            monthly_charge_gbp=Decimal(100_000),
            points_threshold=20,
            point_value_gbp=Decimal(3),
        )
        BidderMechanismBand.objects.create(mechanism=found, from_point=21, multiplier=Decimal(1))
