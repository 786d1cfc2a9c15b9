"""Pages of the trust records. Thin: each finds the partnership the user may see (404 otherwise), looks
records up within it, checks the editor's role for forms (403) and hands writes to :mod:`services`.

Every page is joint: council and partner users of the partnership read it (docs/trust.md says why).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from forbetter.core.history import history_of
from forbetter.partnerships import view_helpers
from forbetter.partnerships.models import Partnership
from forbetter.partnerships.view_helpers import paginate, partnership_page, save_form, visible_partnership
from forbetter.trust import selectors, services
from forbetter.trust.forms import (
    ActivityForm,
    CharterVersionForm,
    KeyPostForm,
    MeasureForm,
    MeasureValueForm,
    ProtocolForm,
    ReviewForm,
    SuccessorForm,
)
from forbetter.trust.models import (
    CharterVersion,
    KeyPost,
    OpenBookReview,
    PartnershipMeasure,
    Successor,
    TrustActivity,
)

SECTION = "trust"
EDIT_REFUSED = "Your role can read the trust records but not change them"


def require_edit(request: HttpRequest) -> None:
    view_helpers.require_edit(request, EDIT_REFUSED)


def page(
    request: HttpRequest, template: str, partnership: Partnership, trust_section: str, **context: Any
) -> HttpResponse:
    return partnership_page(request, template, partnership, SECTION, trust_section=trust_section, **context)


def form_page(
    request: HttpRequest,
    partnership: Partnership,
    trust_section: str,
    *,
    title: str,
    cancel: str,
    **context: Any,
) -> HttpResponse:
    return page(request, "trust/form.html", partnership, trust_section, title=title, cancel=cancel, **context)


# ------------------------------------------------------------------------------------------------------
# Overview and charter
# ------------------------------------------------------------------------------------------------------


def overview(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    return page(
        request,
        "trust/overview.html",
        partnership,
        "overview",
        glance=selectors.at_a_glance(partnership),
        protocol=selectors.protocol(partnership),
        one_sided=selectors.one_sided_count(partnership),
    )


def charter(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    return page(
        request,
        "trust/charter.html",
        partnership,
        "charter",
        current=selectors.current_charter(partnership),
        page_obj=paginate(request, selectors.charter_versions(partnership)),
    )


def charter_version(request: HttpRequest, pk: int, version_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    version = get_object_or_404(CharterVersion, partnership=partnership, pk=version_pk)
    current = selectors.current_charter(partnership)
    return page(
        request,
        "trust/charter_version.html",
        partnership,
        "charter",
        version=version,
        is_current=current is not None and current.pk == version.pk,
    )


def charter_add(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    current = selectors.current_charter(partnership)
    initial = {"text": current.text} if current else {}
    form = CharterVersionForm(request.POST or None, initial=initial)
    if save_form(
        request,
        form,
        lambda data: services.charter_version_add(user=request.user, partnership=partnership, data=data),
        success="Charter version added",
    ):
        return redirect("trust:charter", pk=partnership.pk)
    return form_page(
        request,
        partnership,
        "charter",
        form=form,
        title="Add a version of the charter",
        intro="A change to the charter is a new version: earlier versions are kept. The latest by date is "
        "the current charter.",
        button="Save the version",
        cancel="trust:charter",
    )


# ------------------------------------------------------------------------------------------------------
# Activities and measures
# ------------------------------------------------------------------------------------------------------


def activities(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    return page(
        request,
        "trust/activities.html",
        partnership,
        "activities",
        page_obj=paginate(request, selectors.activities(partnership)),
        one_sided=selectors.one_sided_count(partnership),
    )


def activity_form(request: HttpRequest, pk: int, activity_pk: int | None = None) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    activity = (
        get_object_or_404(TrustActivity, partnership=partnership, pk=activity_pk)
        if activity_pk is not None
        else None
    )
    form = ActivityForm(request.POST or None, instance=activity)
    if save_form(
        request,
        form,
        lambda data: services.activity_save(
            user=request.user, partnership=partnership, activity=activity, data=data
        ),
        success="Activity saved" if activity else "Activity added",
    ):
        return redirect("trust:activities", pk=partnership.pk)
    return form_page(
        request,
        partnership,
        "activities",
        form=form,
        title="Change the activity" if activity else "Add a trust-building activity",
        intro="For each side give the number who came, or list their names (or both). An activity nobody "
        "came to from one side is flagged.",
        button="Save the activity",
        cancel="trust:activities",
        history=history_of(activity) if activity else None,
    )


def measures(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    page_obj = paginate(request, selectors.measures(partnership))
    return page(
        request,
        "trust/measures.html",
        partnership,
        "measures",
        page_obj=page_obj,
        rows=selectors.measure_rows(list(page_obj.object_list)),
    )


def measure_form(request: HttpRequest, pk: int, measure_pk: int | None = None) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    measure = (
        get_object_or_404(PartnershipMeasure, partnership=partnership, pk=measure_pk)
        if measure_pk is not None
        else None
    )
    form = MeasureForm(request.POST or None, instance=measure)
    if save_form(
        request,
        form,
        lambda data: services.measure_save(
            user=request.user, partnership=partnership, measure=measure, data=data
        ),
        success="Measure saved" if measure else "Measure added",
    ):
        return redirect("trust:measures", pk=partnership.pk)
    return form_page(
        request,
        partnership,
        "measures",
        form=form,
        title="Change the measure" if measure else "Add a partnership measure",
        intro="A non-technical measure of how the partnership works, such as joint problem-solving or "
        "responsiveness, valued each period.",
        button="Save the measure",
        cancel="trust:measures",
        history=history_of(measure) if measure else None,
    )


def value_add(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    measure = get_object_or_404(PartnershipMeasure, partnership=partnership, pk=measure_pk)
    form = MeasureValueForm(request.POST or None)
    if save_form(
        request,
        form,
        lambda data: services.measure_value_add(user=request.user, measure=measure, data=data),
        success=f"Value recorded for {measure.name}",
    ):
        return redirect("trust:measures", pk=partnership.pk)
    return form_page(
        request,
        partnership,
        "measures",
        form=form,
        title=f"Record a value of {measure.name}",
        intro=f"How it is measured: {measure.how_measured}",
        button="Save the value",
        cancel="trust:measures",
    )


# ------------------------------------------------------------------------------------------------------
# Open book
# ------------------------------------------------------------------------------------------------------


def open_book(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    protocol = selectors.protocol(partnership)
    page_obj = paginate(request, selectors.reviews(partnership))
    return page(
        request,
        "trust/open_book.html",
        partnership,
        "open-book",
        protocol=protocol,
        history=history_of(protocol) if protocol else None,
        page_obj=page_obj,
        rows=[(review, selectors.review_variance(review)) for review in page_obj.object_list],
    )


def protocol_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    protocol = selectors.protocol(partnership)
    form = ProtocolForm(request.POST or None, instance=protocol)
    if save_form(
        request,
        form,
        lambda data: services.protocol_save(user=request.user, partnership=partnership, data=data),
        success="Open-book protocol saved",
    ):
        return redirect("trust:open-book", pk=partnership.pk)
    return form_page(
        request,
        partnership,
        "open-book",
        form=form,
        title="Change the open-book protocol" if protocol else "Set up the open-book protocol",
        intro="What the partner opens its books on, how often, how deep, and who may look. Earlier terms "
        "stay in the protocol's history.",
        button="Save the protocol",
        cancel="trust:open-book",
    )


def review_detail(request: HttpRequest, pk: int, review_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    review = get_object_or_404(
        OpenBookReview.objects.select_related("gainshare_year"), partnership=partnership, pk=review_pk
    )
    return page(
        request,
        "trust/review.html",
        partnership,
        "open-book",
        review=review,
        variance=selectors.review_variance(review),
        history=history_of(review),
    )


def review_form(request: HttpRequest, pk: int, review_pk: int | None = None) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    review = (
        get_object_or_404(OpenBookReview, partnership=partnership, pk=review_pk)
        if review_pk is not None
        else None
    )
    form = ReviewForm(
        request.POST or None,
        instance=review,
        initial={} if review else {"year": selectors.financial_year_now() - 1},
    )
    if save_form(
        request,
        form,
        lambda data: services.review_save(
            user=request.user, partnership=partnership, review=review, data=data
        ),
        success="Open-book review saved",
    ):
        saved = review or OpenBookReview.objects.get(partnership=partnership, year=form.cleaned_data["year"])
        return redirect("trust:review", pk=partnership.pk, review_pk=saved.pk)
    return form_page(
        request,
        partnership,
        "open-book",
        form=form,
        title="Change the open-book review" if review else "Record an open-book review",
        intro="Costs and margin in the partner's books are compared with the agreed figures. The agreed "
        "actual cost, once entered, becomes the financial year's actual cost for the gainshare on the "
        "payments page, replacing any recorded before, and the gainshare year says it came from this review.",
        button="Save the review",
        cancel="trust:open-book",
    )


# ------------------------------------------------------------------------------------------------------
# Key people and succession
# ------------------------------------------------------------------------------------------------------


def people(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    return page(
        request,
        "trust/people.html",
        partnership,
        "people",
        page_obj=paginate(request, selectors.key_posts(partnership)),
        without=list(selectors.posts_without_successor(partnership)),
    )


def post_form(request: HttpRequest, pk: int, post_pk: int | None = None) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    post = get_object_or_404(KeyPost, partnership=partnership, pk=post_pk) if post_pk is not None else None
    form = KeyPostForm(request.POST or None, instance=post)
    if save_form(
        request,
        form,
        lambda data: services.key_post_save(user=request.user, partnership=partnership, post=post, data=data),
        success="Key post saved" if post else "Key post added",
    ):
        return redirect("trust:people", pk=partnership.pk)
    return form_page(
        request,
        partnership,
        "people",
        form=form,
        title="Change the key post" if post else "Add a key post",
        intro="A post on either side the partnership depends on, and its succession plan. Involve the other "
        "side in planning the succession (framework action C-TR-2).",
        button="Save the post",
        cancel="trust:people",
        history=history_of(post) if post else None,
    )


def successor_form(
    request: HttpRequest, pk: int, post_pk: int, successor_pk: int | None = None
) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    post = get_object_or_404(KeyPost, partnership=partnership, pk=post_pk)
    successor = get_object_or_404(Successor, post=post, pk=successor_pk) if successor_pk is not None else None
    form = SuccessorForm(request.POST or None, instance=successor)
    if save_form(
        request,
        form,
        lambda data: services.successor_save(user=request.user, post=post, successor=successor, data=data),
        success="Successor saved" if successor else "Successor added",
    ):
        return redirect("trust:people", pk=partnership.pk)
    return form_page(
        request,
        partnership,
        "people",
        form=form,
        title=f"{'Change a' if successor else 'Add a'} successor for {post.post}",
        intro=f"Held by {post.holder or 'nobody (vacant)'}.",
        button="Save the successor",
        cancel="trust:people",
    )


def successor_remove(request: HttpRequest, pk: int, post_pk: int, successor_pk: int) -> HttpResponse:
    """Ask, saying what will happen, then remove. A POST without ``confirm=yes`` changes nothing."""
    partnership = visible_partnership(request, pk)
    require_edit(request)
    post = get_object_or_404(KeyPost, partnership=partnership, pk=post_pk)
    successor = get_object_or_404(Successor, post=post, pk=successor_pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        services.successor_remove(user=request.user, successor=successor)
        messages.success(request, f"{successor.name} removed as a successor for {post.post}")
        return redirect("trust:people", pk=partnership.pk)
    return page(
        request,
        "trust/successor_remove.html",
        partnership,
        "people",
        post=post,
        successor=successor,
        last_one=post.successors.count() == 1,
        unconfirmed=request.method == "POST",
    )
