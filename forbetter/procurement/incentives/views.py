"""Pages of the procurement area's incentives part: bidders' priced offers and the step that prices one into
a new draft business-case version; bidders' proposed payment mechanisms simulated on scenarios."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from forbetter.core.form_handling import apply_errors, save_form, write_form
from forbetter.core.history import history_of
from forbetter.partnerships.view_helpers import paginate, partnership_page
from forbetter.payments.forms import BandFormSet
from forbetter.procurement.incentives import selectors, services, simulation
from forbetter.procurement.incentives.forms import (
    BidderMechanismForm,
    OfferToBusinessCaseForm,
    PricedOfferForm,
    ScenarioForm,
)
from forbetter.procurement.models import BidderMechanism, ScenarioKind
from forbetter.procurement.pages import council_partnership, editable_partnership, page

OFFERS = "priced-offers"
MECHANISMS = "bidder-mechanisms"
BLANK_ROWS = 2


def _form_page(request: HttpRequest, template: str, partnership: Any, **context: Any) -> HttpResponse:
    """A form page: the GOV.UK error summary comes first, so these pages do not use the area layout."""
    return partnership_page(request, template, partnership, "procurement", **context)


# --- priced offers -----------------------------------------------------------------------------------------


def offers(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = council_partnership(request, pk)
    return page(
        request,
        "procurement/incentives/offers.html",
        partnership,
        OFFERS,
        page_obj=paginate(request, selectors.offers_for(partnership)),
        business_case=selectors.business_case_of(partnership),
    )


def offer_create(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = editable_partnership(request, pk)
    form = PricedOfferForm(request.POST or None, partnership=partnership)
    if save_form(
        request,
        form,
        lambda data: services.offer_save(
            user=request.user, partnership=partnership, data=data, charges=data["charges"]
        ),
        success="Priced offer recorded",
    ):
        return redirect("procurement:priced-offers", pk=partnership.pk)
    return _form_page(request, "procurement/incentives/offer_form.html", partnership, form=form, offer=None)


def offer_edit(request: HttpRequest, pk: int, offer_pk: int) -> HttpResponse:
    partnership = editable_partnership(request, pk)
    offer = selectors.offer_of(partnership, offer_pk)
    form = PricedOfferForm(request.POST or None, instance=offer, partnership=partnership)
    if save_form(
        request,
        form,
        lambda data: services.offer_save(
            user=request.user, partnership=partnership, data=data, charges=data["charges"], offer=offer
        ),
        success="Priced offer saved",
    ):
        return redirect("procurement:priced-offers", pk=partnership.pk)
    offer = selectors.offer_of(partnership, offer_pk)  # as saved, for the heading and history
    return _form_page(
        request,
        "procurement/incentives/offer_form.html",
        partnership,
        form=form,
        offer=offer,
        history=history_of(offer),
    )


def offer_to_business_case(request: HttpRequest, pk: int, offer_pk: int) -> HttpResponse:
    """Rule BID-INTO-BUSINESS-CASE: asks for the reason, then builds the new draft version in one step."""
    partnership = editable_partnership(request, pk)
    offer = selectors.offer_of(partnership, offer_pk)
    form = OfferToBusinessCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        written, result = write_form(
            form,
            lambda data: services.offer_to_business_case(
                user=request.user, offer=offer, reason=data["reason"]
            ),
        )
        if written:
            version, notes = result
            messages.success(
                request,
                f"Version {version.number} of the business case built from {offer.bidder.name}'s offer as a "
                "draft. " + " ".join(notes),
            )
            compare = reverse("appraisal:compare", args=[partnership.pk, version.business_case_id])
            return redirect(f"{compare}?a={version.based_on_id}&b={version.pk}")
    case = selectors.business_case_of(partnership)
    newest = case.versions.order_by("-number").first() if case is not None else None
    return _form_page(
        request,
        "procurement/incentives/offer_to_business_case.html",
        partnership,
        form=form,
        offer=offer,
        case=case,
        newest=newest,
    )


# --- bidders' payment mechanisms ---------------------------------------------------------------------------


def mechanisms(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = council_partnership(request, pk)
    page_obj = paginate(request, selectors.mechanisms_for(partnership))
    simulated = selectors.simulations(list(page_obj.object_list))
    return page(
        request,
        "procurement/incentives/mechanisms.html",
        partnership,
        MECHANISMS,
        page_obj=page_obj,
        simulated=simulated,
        scenarios=ScenarioKind.choices,
        by_scenario=[
            (label, [(s.mechanism, next(r for r in s.scenarios if r.key == key)) for s in simulated])
            for key, label in ScenarioKind.choices
        ],
        pricing=selectors.pricing_mechanisms(),
        can_add=selectors.bidders_without_mechanism(partnership).exists(),
    )


def mechanism(request: HttpRequest, pk: int, mechanism_pk: int) -> HttpResponse:
    partnership = council_partnership(request, pk)
    found = selectors.mechanism_of(partnership, mechanism_pk)
    simulated = selectors.simulations([found])[0]
    return page(
        request,
        "procurement/incentives/mechanism.html",
        partnership,
        MECHANISMS,
        mechanism=found,
        simulated=simulated,
        months=range(1, simulation.MONTHS + 1),
        pricing=selectors.pricing_mechanisms().by_key(found.pricing_type),
        history=history_of(found),
    )


def _band_rows(found: BidderMechanism | None) -> list[dict[str, Any]]:
    if found is None:
        return []
    return [
        {"from_point": b.from_point, "to_point": b.to_point, "multiplier": b.multiplier}
        for b in found.bands.all()
    ]


def _apply_band_errors(form: Any, bands: BaseFormSet[Any], error: ValidationError) -> None:
    """Engine errors keyed 'band-<row>-<field>' go on that band row; the rest on the main form."""
    rest: dict[str, Any] = {}
    for key, found in error.message_dict.items():
        prefix, _, tail = key.partition("-")
        row, _, field = tail.partition("-")
        if prefix == "band" and row.isdigit() and int(row) < len(bands.forms):
            for message in found:
                bands.forms[int(row)].add_error(field, message)
        else:
            rest[key] = found
    if rest:
        apply_errors(form, ValidationError(rest))


def _mechanism_form(request: HttpRequest, pk: int, mechanism_pk: int | None) -> HttpResponse:
    partnership = editable_partnership(request, pk)
    found = selectors.mechanism_of(partnership, mechanism_pk) if mechanism_pk is not None else None
    data = request.POST or None
    form = BidderMechanismForm(data, instance=found, partnership=partnership)
    bands = BandFormSet(data, prefix="band", initial=_band_rows(found) + [{}] * BLANK_ROWS)
    if request.method == "POST" and form.is_valid() and bands.is_valid():
        rows = [r for r in (f.row() for f in bands.forms) if r is not None]
        written, saved = write_form(
            form,
            lambda data: services.mechanism_save(
                user=request.user, partnership=partnership, data=data, bands=rows, mechanism=found
            ),
            on_error=lambda form, error: _apply_band_errors(form, bands, error),
        )
        if written:
            messages.success(request, f"Payment mechanism proposed by {saved.bidder.name} saved")
            return redirect("procurement:bidder-mechanism", pk=partnership.pk, mechanism_pk=saved.pk)
    row_errors = [
        (row[name].auto_id if name in row.fields else "main-content", f"Band {index + 1}: {error}")
        for index, row in enumerate(bands.forms)
        for name, field_errors in row.errors.items()
        for error in field_errors
    ]
    return _form_page(
        request,
        "procurement/incentives/mechanism_form.html",
        partnership,
        form=form,
        bands=bands,
        row_errors=row_errors,
        mechanism=found,
    )


def mechanism_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _mechanism_form(request, pk, None)


def mechanism_edit(request: HttpRequest, pk: int, mechanism_pk: int) -> HttpResponse:
    return _mechanism_form(request, pk, mechanism_pk)


def mechanism_scenarios(request: HttpRequest, pk: int, mechanism_pk: int) -> HttpResponse:
    partnership = editable_partnership(request, pk)
    found = selectors.mechanism_of(partnership, mechanism_pk)
    rows = list(found.scenario_months.all())
    initial: dict[str, str] = {}
    for key in ScenarioKind.values:
        months = [r.points for r in rows if r.scenario == key]
        if len(months) == simulation.MONTHS:
            initial[key] = ", ".join(str(p) for p in months)
    form = ScenarioForm(
        request.POST or None,
        initial=initial,
        defaults=simulation.default_rule(found.points_threshold),
        version_record=found,
    )
    if save_form(
        request,
        form,
        lambda data: services.scenario_set(
            user=request.user, mechanism=found, points={key: data[key] for key in ScenarioKind.values}
        ),
        success="Scenarios saved",
    ):
        return redirect("procurement:bidder-mechanism", pk=partnership.pk, mechanism_pk=found.pk)
    return _form_page(
        request, "procurement/incentives/scenario_form.html", partnership, form=form, mechanism=found
    )
