"""Pages of the governance part: governance options and the choice, continuity of key people, meetings with
bidders, heads-of-service briefings, and bidders' positions on review points and on risk allocation. Every
page is council-only (see :mod:`forbetter.procurement.pages`); records are found within the partnership."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from forbetter.partnerships.models import Partnership
from forbetter.partnerships.view_helpers import paginate, save_form
from forbetter.procurement.governance import forms, selectors, services
from forbetter.procurement.models import (
    Bidder,
    BidderMeeting,
    BriefingConcern,
    CouncilRiskAllocation,
    GovernanceOption,
    HeadsOfServiceBriefing,
    KeyPerson,
    ReviewPoint,
    ReviewPointPosition,
    RiskAllocationPosition,
)
from forbetter.procurement.pages import council_partnership, editable_partnership, page

FORM_TEMPLATE = "procurement/governance/record_form.html"


def _form_page(
    request: HttpRequest,
    partnership: Partnership,
    form: Any,
    write: Callable[[dict[str, Any]], object],
    *,
    section: str,
    back: str,
    heading: str,
    success: str,
    button: str,
    intro: str = "",
) -> HttpResponse:
    """The shared add-or-change page: save through the service and go back to the list, or show the form."""
    if save_form(request, form, write, success=success):
        return redirect(back)
    return page(
        request,
        FORM_TEMPLATE,
        partnership,
        section,
        form=form,
        heading=heading,
        intro=intro,
        button=button,
        back=back,
    )


# -------------------------------------------------------------------------------------------------------
# Governance options and the choice


def governance_options(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = council_partnership(request, pk)
    page_obj = paginate(request, selectors.governance_options(partnership))
    term = partnership.term_years
    columns = [(option, selectors.cost_over_term(option, term)) for option in page_obj]
    return page(
        request,
        "procurement/governance/options.html",
        partnership,
        "governance-options",
        page_obj=page_obj,
        columns=columns,
        term_years=term,
        choice=selectors.governance_choice(partnership),
    )


def governance_option_form(request: HttpRequest, pk: int, option_pk: int | None = None) -> HttpResponse:
    partnership = editable_partnership(request, pk)
    option = (
        get_object_or_404(GovernanceOption, pk=option_pk, partnership=partnership)
        if option_pk is not None
        else None
    )
    form = forms.GovernanceOptionForm(request.POST or None, instance=option, partnership=partnership)
    return _form_page(
        request,
        partnership,
        form,
        lambda data: services.governance_option_save(
            user=request.user, partnership=partnership, data=data, option=option
        ),
        section="governance-options",
        back=reverse("procurement:governance-options", args=[partnership.pk]),
        heading=f"Change {option}" if option else "Add a governance option",
        success="Governance option saved",
        button="Save the option",
    )


def governance_choice(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = editable_partnership(request, pk)
    choice = selectors.governance_choice(partnership)
    form = forms.GovernanceChoiceForm(request.POST or None, instance=choice, partnership=partnership)
    return _form_page(
        request,
        partnership,
        form,
        lambda data: services.governance_choose(user=request.user, partnership=partnership, data=data),
        section="governance-options",
        back=reverse("procurement:governance-options", args=[partnership.pk]),
        heading="Change the governance choice" if choice else "Record the governance choice",
        intro="Only one option can be chosen. Saving records you as the person who recorded the choice.",
        success="Governance choice recorded",
        button="Record the choice",
    )


# -------------------------------------------------------------------------------------------------------
# Continuity of key people


def continuity(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = council_partnership(request, pk)
    page_obj = paginate(request, selectors.continuity_bidders(partnership))
    threshold = selectors.continuity_threshold()
    return page(
        request,
        "procurement/governance/continuity.html",
        partnership,
        "key-people-continuity",
        page_obj=page_obj,
        bids=selectors.continuity_page(partnership, page_obj),
        threshold_percent=(threshold * 100).normalize(),
        awarded=selectors.is_awarded(partnership),
    )


def key_person_form(
    request: HttpRequest, pk: int, bidder_pk: int | None = None, person_pk: int | None = None
) -> HttpResponse:
    partnership = editable_partnership(request, pk)
    if person_pk is not None:
        person: KeyPerson | None = get_object_or_404(
            KeyPerson.objects.select_related("bidder"), pk=person_pk, bidder__partnership=partnership
        )
        assert person is not None
        bidder = person.bidder
    else:
        person = None
        bidder = get_object_or_404(Bidder, pk=bidder_pk, partnership=partnership)
    form = forms.KeyPersonForm(request.POST or None, instance=person)
    return _form_page(
        request,
        partnership,
        form,
        lambda data: services.key_person_save(user=request.user, bidder=bidder, data=data, person=person),
        section="key-people-continuity",
        back=reverse("procurement:key-people-continuity", args=[partnership.pk]),
        heading=f"Change {person.name} in {bidder}'s bid"
        if person
        else f"Add a key person named in {bidder}'s bid",
        success="Key person saved",
        button="Save the person",
    )


# -------------------------------------------------------------------------------------------------------
# Meetings with bidders


def bidder_meetings(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = council_partnership(request, pk)
    counts, balance = selectors.meeting_counts(partnership)
    return page(
        request,
        "procurement/governance/meetings.html",
        partnership,
        "bidder-meetings",
        page_obj=paginate(request, selectors.meetings(partnership)),
        counts=counts,
        balance=balance,
    )


def bidder_meeting_form(request: HttpRequest, pk: int, meeting_pk: int | None = None) -> HttpResponse:
    partnership = editable_partnership(request, pk)
    meeting = (
        get_object_or_404(BidderMeeting, pk=meeting_pk, partnership=partnership)
        if meeting_pk is not None
        else None
    )
    form = forms.MeetingForm(request.POST or None, instance=meeting, partnership=partnership)
    return _form_page(
        request,
        partnership,
        form,
        lambda data: services.meeting_save(
            user=request.user, partnership=partnership, data=data, meeting=meeting
        ),
        section="bidder-meetings",
        back=reverse("procurement:bidder-meetings", args=[partnership.pk]),
        heading="Change a meeting with a bidder" if meeting else "Log a meeting with a bidder",
        success="Meeting saved",
        button="Save the meeting",
    )


# -------------------------------------------------------------------------------------------------------
# Heads-of-service briefings


def service_briefings(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = council_partnership(request, pk)
    return page(
        request,
        "procurement/governance/briefings.html",
        partnership,
        "service-briefings",
        page_obj=paginate(request, selectors.briefings(partnership)),
        open_concerns=selectors.open_concern_count(partnership),
    )


def service_briefing_form(request: HttpRequest, pk: int, briefing_pk: int | None = None) -> HttpResponse:
    partnership = editable_partnership(request, pk)
    briefing = (
        get_object_or_404(HeadsOfServiceBriefing, pk=briefing_pk, partnership=partnership)
        if briefing_pk is not None
        else None
    )
    form = forms.BriefingForm(request.POST or None, instance=briefing, partnership=partnership)
    return _form_page(
        request,
        partnership,
        form,
        lambda data: services.briefing_save(
            user=request.user, partnership=partnership, data=data, briefing=briefing
        ),
        section="service-briefings",
        back=reverse("procurement:service-briefings", args=[partnership.pk]),
        heading="Change a heads-of-service briefing" if briefing else "Record a heads-of-service briefing",
        success="Briefing saved",
        button="Save the briefing",
    )


def briefing_concern_form(
    request: HttpRequest, pk: int, briefing_pk: int | None = None, concern_pk: int | None = None
) -> HttpResponse:
    partnership = editable_partnership(request, pk)
    if concern_pk is not None:
        concern: BriefingConcern | None = get_object_or_404(
            BriefingConcern.objects.select_related("briefing"),
            pk=concern_pk,
            briefing__partnership=partnership,
        )
        assert concern is not None
        briefing = concern.briefing
    else:
        concern = None
        briefing = get_object_or_404(HeadsOfServiceBriefing, pk=briefing_pk, partnership=partnership)
    form = forms.ConcernForm(request.POST or None, instance=concern)
    return _form_page(
        request,
        partnership,
        form,
        lambda data: services.concern_save(user=request.user, briefing=briefing, data=data, concern=concern),
        section="service-briefings",
        back=reverse("procurement:service-briefings", args=[partnership.pk]),
        heading=f"{'Change a concern' if concern else 'Add a concern'} raised at the {briefing}".replace(
            "the Heads", "the heads"
        ),
        intro="Leave the answer blank while the concern is open.",
        success="Concern saved",
        button="Save the concern",
    )


# -------------------------------------------------------------------------------------------------------
# Positions on review points


def review_positions(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = council_partnership(request, pk)
    page_obj = paginate(request, selectors.review_points(partnership))
    bidders = selectors.position_bidders(partnership)
    return page(
        request,
        "procurement/governance/review_positions.html",
        partnership,
        "bidder-review-positions",
        page_obj=page_obj,
        bidders=bidders,
        rows=selectors.review_rows(page_obj, bidders),
    )


def review_point_form(request: HttpRequest, pk: int, point_pk: int | None = None) -> HttpResponse:
    partnership = editable_partnership(request, pk)
    point = (
        get_object_or_404(ReviewPoint, pk=point_pk, partnership=partnership) if point_pk is not None else None
    )
    form = forms.ReviewPointForm(request.POST or None, instance=point)
    return _form_page(
        request,
        partnership,
        form,
        lambda data: services.review_point_save(
            user=request.user, partnership=partnership, data=data, point=point
        ),
        section="bidder-review-positions",
        back=reverse("procurement:bidder-review-positions", args=[partnership.pk]),
        heading="Change a review point" if point else "Add a formal review point",
        success="Review point saved",
        button="Save the review point",
    )


def review_position_form(
    request: HttpRequest, pk: int, point_pk: int | None = None, position_pk: int | None = None
) -> HttpResponse:
    partnership = editable_partnership(request, pk)
    if position_pk is not None:
        position: ReviewPointPosition | None = get_object_or_404(
            ReviewPointPosition.objects.select_related("review_point__partnership"),
            pk=position_pk,
            review_point__partnership=partnership,
        )
        assert position is not None
        point = position.review_point
    else:
        position = None
        point = get_object_or_404(
            ReviewPoint.objects.select_related("partnership"), pk=point_pk, partnership=partnership
        )
    form = forms.ReviewPositionForm(request.POST or None, instance=position, partnership=partnership)
    return _form_page(
        request,
        partnership,
        form,
        lambda data: services.review_position_save(
            user=request.user, point=point, data=data, position=position
        ),
        section="bidder-review-positions",
        back=reverse("procurement:bidder-review-positions", args=[partnership.pk]),
        heading=f"A bidder's position on {point}",
        success="Position saved",
        button="Save the position",
    )


# -------------------------------------------------------------------------------------------------------
# Positions on risk allocation


def risk_positions(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = council_partnership(request, pk)
    page_obj = paginate(request, selectors.allocation_categories(partnership))
    bidders = selectors.position_bidders(partnership)
    return page(
        request,
        "procurement/governance/risk_positions.html",
        partnership,
        "bidder-risk-positions",
        page_obj=page_obj,
        bidders=bidders,
        rows=selectors.risk_rows(partnership, page_obj, bidders),
    )


def council_allocation_form(request: HttpRequest, pk: int, allocation_pk: int | None = None) -> HttpResponse:
    partnership = editable_partnership(request, pk)
    allocation = (
        get_object_or_404(CouncilRiskAllocation, pk=allocation_pk, partnership=partnership)
        if allocation_pk is not None
        else None
    )
    form = forms.CouncilAllocationForm(request.POST or None, instance=allocation)
    return _form_page(
        request,
        partnership,
        form,
        lambda data: services.council_allocation_save(
            user=request.user, partnership=partnership, data=data, allocation=allocation
        ),
        section="bidder-risk-positions",
        back=reverse("procurement:bidder-risk-positions", args=[partnership.pk]),
        heading="The council's proposed allocation of a risk category",
        intro="Record it only for categories with no risks in the register: where the register has risks "
        "in a category, their allocation is the council's.",
        success="Council's allocation saved",
        button="Save the allocation",
    )


def risk_position_form(request: HttpRequest, pk: int, position_pk: int | None = None) -> HttpResponse:
    partnership = editable_partnership(request, pk)
    position = (
        get_object_or_404(RiskAllocationPosition, pk=position_pk, bidder__partnership=partnership)
        if position_pk is not None
        else None
    )
    form = forms.RiskPositionForm(request.POST or None, instance=position, partnership=partnership)
    return _form_page(
        request,
        partnership,
        form,
        lambda data: services.risk_position_save(
            user=request.user, partnership=partnership, data=data, position=position
        ),
        section="bidder-risk-positions",
        back=reverse("procurement:bidder-risk-positions", args=[partnership.pk]),
        heading="A bidder's position on the allocation of a risk category",
        success="Position saved",
        button="Save the position",
    )
