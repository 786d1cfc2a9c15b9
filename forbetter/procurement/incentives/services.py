"""Writes of the procurement area's incentives part: bidders' priced offers, the step that prices an offer
into a new draft business-case version, and bidders' proposed payment mechanisms with their scenarios.

Keyword-only, one transaction each, council editors only, history recorded with who and why.

=======================  =================================================================================
rule                     what it says
=======================  =================================================================================
BID-PRICE-POSITIVE       an offer prices every contract year above £0 (one amount for every year, or one
                         per year); no prices, or a price of £0 or below, is refused
BID-IN-ROUND             the bidder took part in the round it priced in
BID-INTO-BUSINESS-CASE   one step, with a reason: a new draft version from the business case's newest
                         version; the SSP option runs for the priced length, its operating (contract
                         charge) lines are replaced by the bid's yearly charges and the bid's one-off costs
                         become a transition line in year 0; its other lines are cut back, or carried on
                         at their last year's amount; the version's change note and history say why
MECHANISM-AS-CONTRACT    a bidder's mechanism is checked by the payment engine, as the contract's is
SCENARIO-MONTHS          a scenario the council edits has 12 months of whole points
=======================  =================================================================================
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from forbetter.accounts.permissions import can_edit
from forbetter.appraisal import services as appraisal
from forbetter.appraisal.models import (
    AppraisalOption,
    BusinessCase,
    BusinessCaseVersion,
    LineCategory,
    OptionKind,
)
from forbetter.calc.errors import InputError
from forbetter.core.history import save_as
from forbetter.partnerships.models import Partnership
from forbetter.payments.services import engine_error
from forbetter.procurement.incentives import simulation
from forbetter.procurement.models import (
    BidderMechanism,
    BidderMechanismBand,
    BidPriceYear,
    PricedOffer,
    RoundEntry,
    ScenarioKind,
    ScenarioMonth,
)

OFFER_FIELDS = ("bidder", "round", "contract_years", "prices", "one_off_costs_gbp", "notes")
MECHANISM_FIELDS = (
    "pricing_type",
    "monthly_charge_gbp",
    "indexed_share",
    "points_threshold",
    "point_value_gbp",
    "cap",
    "notes",
)
SCENARIO_MONTHS = 12


def _require_editor(user: Any) -> None:
    if not can_edit(user):
        raise PermissionDenied("Only council editors and administrators can change procurement records")


# --- priced offers -----------------------------------------------------------------------------------------


def _yearly_charges(charges: Sequence[Decimal], years: int) -> list[Decimal]:
    """Rule BID-PRICE-POSITIVE: one charge for every year, or one per contract year, each above £0."""
    if not charges:
        raise ValidationError({"charges": "Enter the bidder's yearly charges: this offer has no prices"})
    if len(charges) not in (1, years):
        raise ValidationError(
            {
                "charges": f"Enter one charge for every year, or {years} charges, one for each year of the "
                f"{years}-year contract (year 0 to year {years - 1}); you entered {len(charges)}"
            }
        )
    for year, charge in enumerate(charges):
        if charge <= 0:
            raise ValidationError(
                {"charges": f"Year {year}: a price must be above £0; the bidder priced £{charge:,.2f}"}
            )
    return list(charges) * years if len(charges) == 1 else list(charges)


def _check_offer(offer: PricedOffer, partnership: Partnership) -> None:
    errors: dict[str, str] = {}
    if offer.bidder_id and offer.bidder.partnership_id != partnership.pk:
        errors["bidder"] = "Select a bidder of this partnership"
    if offer.round_id and offer.round.partnership_id != partnership.pk:
        errors["round"] = "Select a round of this partnership"
    elif (
        offer.bidder_id
        and offer.round_id
        and not RoundEntry.objects.filter(round_id=offer.round_id, bidder_id=offer.bidder_id).exists()
    ):
        errors["round"] = f"{offer.bidder} did not take part in {offer.round}: record its entry first"
    if not errors and (
        PricedOffer.objects.filter(
            bidder_id=offer.bidder_id, round_id=offer.round_id, contract_years=offer.contract_years
        )
        .exclude(pk=offer.pk)
        .exists()
    ):
        errors["contract_years"] = (
            f"{offer.bidder} already has a {offer.contract_years}-year offer in round {offer.round.number}: "
            "change that one"
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def offer_save(
    *,
    user: Any,
    partnership: Partnership,
    data: dict[str, Any],
    charges: Sequence[Decimal],
    offer: PricedOffer | None = None,
) -> PricedOffer:
    """Record a bidder's priced offer (or correct one): its yearly charges replace any earlier ones."""
    _require_editor(user)
    creating = offer is None
    offer = offer or PricedOffer(partnership=partnership)
    for key in OFFER_FIELDS:
        if key in data:
            setattr(offer, key, data[key])
    if offer.one_off_costs_gbp is None:
        offer.one_off_costs_gbp = Decimal(0)
    offer.full_clean(exclude=["partnership"], validate_constraints=False)
    _check_offer(offer, partnership)
    yearly = _yearly_charges(charges, offer.contract_years)
    save_as(offer, user, "Created" if creating else "Changed")
    existing = {row.year: row for row in offer.years.all()}
    for year, old in existing.items():
        if year >= len(yearly):
            old._history_user = user  # type: ignore[attr-defined]
            old.delete()
    new_rows: list[BidPriceYear] = []
    for year, charge in enumerate(yearly):
        found = existing.get(year)
        if found is None:
            new_rows.append(BidPriceYear(offer=offer, year=year, charge_gbp=charge))
        elif found.charge_gbp != charge:
            found.charge_gbp = charge
            save_as(found, user, "Price changed")
    bulk_create_with_history(new_rows, BidPriceYear, default_user=user, default_change_reason="Priced")
    return offer


def _newest_version(partnership: Partnership) -> BusinessCaseVersion:
    case = BusinessCase.objects.filter(partnership=partnership).order_by("created_at", "pk").first()
    if case is None:
        raise ValidationError(
            {
                "reason": "This partnership has no business case yet: create one, with the public sector "
                "comparator and an SSP option, on the Business case pages first"
            }
        )
    version = case.versions.order_by("-number").first()
    if version is None:  # pragma: no cover - a business case is created with version 1
        raise ValidationError({"reason": "The business case has no version yet"})
    return version


def _ssp_option(version: BusinessCaseVersion) -> AppraisalOption:
    option = version.options.filter(kind=OptionKind.SSP).order_by("order", "pk").first()
    if option is None:
        raise ValidationError(
            {
                "reason": f"Version {version.number} of the business case has no strategic partnership (SSP) "
                "option to price the bid into: add one first"
            }
        )
    return option


def bid_line_label(offer: PricedOffer) -> str:
    return f"Contract charge bid by {offer.bidder.name} (round {offer.round.number})"[:100]


ONE_OFF_PREFIX = "One-off costs bid by "


def one_off_line_label(offer: PricedOffer) -> str:
    return f"{ONE_OFF_PREFIX}{offer.bidder.name} (round {offer.round.number})"[:100]


@transaction.atomic
def offer_to_business_case(
    *, user: Any, offer: PricedOffer, reason: str
) -> tuple[BusinessCaseVersion, list[str]]:
    """Rule BID-INTO-BUSINESS-CASE: a new draft version built from the offer, with the reason recorded.

    Returns the new version and notes for the page (lines cut back or carried on). Bad input (no business
    case, no SSP option, an offer with no prices or a price of £0 or below, no reason) is refused with a
    message and nothing is created.
    """
    _require_editor(user)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why this bid is being priced into the business case"})
    offer = PricedOffer.objects.select_related("bidder", "round", "partnership").get(pk=offer.pk)
    prices = [row.charge_gbp for row in offer.years.all()]
    if not prices:
        raise ValidationError({"reason": "This offer has no prices: enter the bidder's yearly charges first"})
    for row in offer.years.all():
        if row.charge_gbp <= 0:
            raise ValidationError(
                {
                    "reason": f"Year {row.year} of this offer is priced at £{row.charge_gbp:,.2f}: a price "
                    "must "
                    "be above £0"
                }
            )
    _yearly_charges(prices, offer.contract_years)
    current = _newest_version(offer.partnership)
    _ssp_option(current)
    why = (
        f"Built from {offer.bidder.name}'s {offer.contract_years}-year offer in round {offer.round.number}: "
        f"{reason.strip()}"
    )
    version = appraisal.version_create_from(user=user, version=current)
    version.change_note = why
    save_as(version, user, why)
    option = _ssp_option(version)
    notes: list[str] = []
    replaced = [
        line
        for line in option.lines.all()
        if line.category == LineCategory.OPERATING or line.label.startswith(ONE_OFF_PREFIX)
    ]
    for line in replaced:
        appraisal.line_delete(user=user, line=line)
    if replaced:
        labels = ", ".join(f"“{line.label}”" for line in replaced)
        notes.append(f"The bid's prices replace the line(s) {labels} of “{option.name}”.")
    years = offer.contract_years
    if option.years != years:
        old = option.years
        keep = {line.pk: [v.amount_gbp for v in line.values.all()] for line in option.lines.all()}
        appraisal.option_update(user=user, option=option, data={"years": years}, reason=why)
        for line in option.lines.all():
            values = keep[line.pk][:years]
            if len(values) < years:
                values += [values[-1] if values else Decimal(0)] * (years - len(values))
            appraisal.line_update(user=user, line=line, data={}, values=values)
        notes.append(
            f"“{option.name}” now runs for the bid's {years} years (it ran for {old}): its other lines were "
            + ("cut back." if years < old else "carried on at their last year's amount.")
        )
    appraisal.line_create(
        user=user,
        option=option,
        data={"label": bid_line_label(offer), "category": LineCategory.OPERATING, "prices": offer.prices},
        values=prices,
    )
    if offer.one_off_costs_gbp > 0:
        appraisal.line_create(
            user=user,
            option=option,
            data={
                "label": one_off_line_label(offer),
                "category": LineCategory.TRANSITION,
                "prices": offer.prices,
            },
            values=[offer.one_off_costs_gbp] + [Decimal(0)] * (years - 1),
        )
    offer.built_version = version
    save_as(offer, user, f"Priced into version {version.number} of the business case: {reason.strip()}")
    return version, notes


# --- bidders' payment mechanisms ---------------------------------------------------------------------------


def _check_mechanism(mechanism: BidderMechanism, bands: list[BidderMechanismBand]) -> None:
    """Rule MECHANISM-AS-CONTRACT: the payment engine checks the terms (bands without gaps or overlaps,
    the cap a fraction of the charge, ...), and its complaint goes on the field at fault."""
    if mechanism.cap is not None and not Decimal(0) <= mechanism.cap <= Decimal(1):
        raise ValidationError(
            {"cap": "Enter the cap as a fraction of the monthly charge from 0 to 1, for example 0.1 for 10%"}
        )
    try:
        simulation.engine_mechanism(mechanism, bands)
    except InputError as error:
        raise engine_error(error) from error


@transaction.atomic
def mechanism_save(
    *,
    user: Any,
    partnership: Partnership,
    data: dict[str, Any],
    bands: list[dict[str, Any]],
    mechanism: BidderMechanism | None = None,
) -> BidderMechanism:
    """Record (or change) the payment mechanism a bidder proposes, replacing its points bands."""
    _require_editor(user)
    creating = mechanism is None
    mechanism = mechanism or BidderMechanism(partnership=partnership, bidder=data.get("bidder"))
    if mechanism.bidder_id is None or mechanism.bidder.partnership_id != partnership.pk:
        raise ValidationError({"bidder": "Select a bidder of this partnership"})
    if creating and BidderMechanism.objects.filter(bidder=mechanism.bidder).exists():
        raise ValidationError({"bidder": f"{mechanism.bidder} already has a mechanism: change that one"})
    for key in MECHANISM_FIELDS:
        if key in data:
            setattr(mechanism, key, data[key])
    if not mechanism.indexed_share:
        mechanism.indexed_share = Decimal(0)
    band_rows = [BidderMechanismBand(mechanism=mechanism, **row) for row in bands]
    _check_mechanism(mechanism, band_rows)
    mechanism.full_clean(exclude=["partnership", "bidder"])
    save_as(mechanism, user, "Created" if creating else "Changed")
    if not creating:
        for old in mechanism.bands.all():
            old._history_user = user  # type: ignore[attr-defined]
            old.delete()
    bulk_create_with_history(
        band_rows, BidderMechanismBand, default_user=user, default_change_reason="Band set"
    )
    return mechanism


@transaction.atomic
def scenario_set(
    *, user: Any, mechanism: BidderMechanism, points: dict[str, list[int] | None]
) -> BidderMechanism:
    """Rule SCENARIO-MONTHS: set the points of each scenario (12 whole months), or ``None`` to go back to the
    defaults derived from the threshold. Saving moves the mechanism's version on."""
    _require_editor(user)
    errors: dict[str, str] = {}
    for key, months in points.items():
        if key not in ScenarioKind.values:
            errors["__all__"] = f"There is no scenario {key!r}"
        elif months is not None and len(months) != SCENARIO_MONTHS:
            errors[key] = (
                f"Enter {SCENARIO_MONTHS} months of points, one for each month; you entered {len(months)}"
            )
        elif months is not None and any(p < 0 for p in months):
            errors[key] = "Points cannot be negative"
    if errors:
        raise ValidationError(errors)
    existing = {(row.scenario, row.month): row for row in mechanism.scenario_months.all()}
    new_rows = []
    for key, months in points.items():
        if months is None:
            for month in range(1, SCENARIO_MONTHS + 1):
                row = existing.get((key, month))
                if row is not None:
                    row._history_user = user  # type: ignore[attr-defined]
                    row.delete()
            continue
        for month, value in enumerate(months, 1):
            row = existing.get((key, month))
            if row is None:
                new_rows.append(ScenarioMonth(mechanism=mechanism, scenario=key, month=month, points=value))
            elif row.points != value:
                row.points = value
                save_as(row, user, "Scenario changed")
    bulk_create_with_history(new_rows, ScenarioMonth, default_user=user, default_change_reason="Scenario set")
    save_as(mechanism, user, "Scenarios changed")
    return mechanism
