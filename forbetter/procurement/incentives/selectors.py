"""Reads of the procurement area's incentives part, each page in a fixed number of queries."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from forbetter.appraisal.models import BusinessCase
from forbetter.partnerships.models import Partnership
from forbetter.procurement.incentives import simulation
from forbetter.procurement.models import (
    Bidder,
    BidderMechanism,
    BidderMechanismBand,
    BidPriceYear,
    PricedOffer,
    ScenarioMonth,
)


@dataclass(frozen=True)
class PricingMechanism:
    key: str
    name: str
    incentivises: str
    watch_for: str


@dataclass(frozen=True)
class PricingMechanisms:
    version: int
    source: str
    mechanisms: tuple[PricingMechanism, ...]

    def by_key(self, key: str) -> PricingMechanism | None:
        return next((m for m in self.mechanisms if m.key == key), None)


@cache
def pricing_mechanisms() -> PricingMechanisms:
    """What each pricing mechanism incentivises, from the versioned fixture with its source."""
    text = (
        resources.files("forbetter.procurement.data").joinpath("pricing_mechanisms.json").read_text("utf-8")
    )
    data = json.loads(text)
    return PricingMechanisms(
        version=int(data["version"]),
        source=str(data["source"]),
        mechanisms=tuple(PricingMechanism(**row) for row in data["mechanisms"]),
    )


def offers_for(partnership: Partnership) -> QuerySet[PricedOffer]:
    years = BidPriceYear.objects.order_by("year")
    return (
        PricedOffer.objects.filter(partnership=partnership)
        .select_related("bidder", "round", "built_version__business_case")
        .prefetch_related(Prefetch("years", queryset=years))
        .order_by("round__number", "bidder__name", "contract_years", "pk")
    )


def offer_of(partnership: Partnership, offer_pk: int) -> PricedOffer:
    return get_object_or_404(offers_for(partnership), pk=offer_pk)


def business_case_of(partnership: Partnership) -> BusinessCase | None:
    """The business case a bid is priced into: the partnership's first."""
    return BusinessCase.objects.filter(partnership=partnership).order_by("created_at", "pk").first()


def mechanisms_for(partnership: Partnership) -> QuerySet[BidderMechanism]:
    return (
        BidderMechanism.objects.filter(partnership=partnership)
        .select_related("bidder")
        .prefetch_related(
            Prefetch("bands", queryset=BidderMechanismBand.objects.order_by("from_point")),
            Prefetch("scenario_months", queryset=ScenarioMonth.objects.order_by("scenario", "month")),
        )
        .order_by("bidder__name")
    )


def mechanism_of(partnership: Partnership, mechanism_pk: int) -> BidderMechanism:
    return get_object_or_404(mechanisms_for(partnership), pk=mechanism_pk)


def simulations(mechanisms: list[BidderMechanism]) -> list[simulation.MechanismSimulation]:
    """Each prefetched mechanism simulated on the three scenarios (no further queries)."""
    return [simulation.simulate(m, list(m.bands.all()), list(m.scenario_months.all())) for m in mechanisms]


def bidders_without_mechanism(partnership: Partnership) -> QuerySet[Bidder]:
    return Bidder.objects.filter(partnership=partnership, mechanism__isnull=True).order_by("name")
