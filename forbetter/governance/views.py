"""Pages of the governance area. Thin: find the partnership the user may see (404 otherwise), look records
up within it, check edit permission (403) and hand writes to :mod:`forbetter.governance.services`.

Governance is joint: council and partner users of the partnership read every page; editors change them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from forbetter.calc.governance import GRACE_MONTHS, RECENT_MEETINGS
from forbetter.core.history import history_of
from forbetter.governance import selectors, services
from forbetter.governance.forms import (
    ActionFilterForm,
    ActionForm,
    AgendaItemForm,
    DecisionForm,
    DirectorForm,
    EscalationForm,
    ForumForm,
    GovernanceModelForm,
    MeetingForm,
    MemberForm,
    OutcomeForm,
    ReviewForm,
)
from forbetter.governance.models import (
    BoardDirector,
    Escalation,
    Forum,
    ForumMember,
    GovernanceAction,
    GovernanceReview,
    Meeting,
)
from forbetter.partnerships import view_helpers
from forbetter.partnerships.models import Partnership, Vehicle
from forbetter.partnerships.view_helpers import (
    apply_errors,
    paginate,
    partnership_page,
    save_form,
    visible_partnership,
)

EDIT_REFUSED = "Your role can read the governance records but not change them"


def require_edit(request: HttpRequest) -> None:
    view_helpers.require_edit(request, EDIT_REFUSED)


def page(
    request: HttpRequest, template: str, partnership: Partnership, sub: str, **context: Any
) -> HttpResponse:
    return partnership_page(
        request, f"governance/{template}", partnership, "governance", governance_section=sub, **context
    )


def form_page(
    request: HttpRequest,
    partnership: Partnership,
    form: Any,
    *,
    heading: str,
    button: str,
    cancel: str,
    intro: str = "",
    sub: str = "overview",
) -> HttpResponse:
    return page(
        request,
        "form.html",
        partnership,
        sub,
        form=form,
        heading=heading,
        button=button,
        cancel=cancel,
        intro=intro,
    )


def _forum(partnership: Partnership, forum_pk: int) -> Forum:
    return get_object_or_404(Forum, partnership=partnership, pk=forum_pk)


def _meeting(partnership: Partnership, meeting_pk: int) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("forum"), partnership=partnership, pk=meeting_pk)


# ------------------------------------------------------------------------------------------------ overview


def overview(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    today = dt.date.today()
    statuses = selectors.forum_statuses(partnership, today)
    return page(
        request,
        "overview.html",
        partnership,
        "overview",
        model=selectors.governance_model(partnership),
        tiers=selectors.by_tier(statuses),
        flagged=[status for status in statuses if status.flagged],
        glance=selectors.at_a_glance(partnership, today),
        is_jvc=partnership.vehicle == Vehicle.JOINT_VENTURE,
        directors=BoardDirector.objects.filter(partnership=partnership),
        grace=GRACE_MONTHS,
        recent=RECENT_MEETINGS,
    )


def model_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    record = selectors.governance_model(partnership)
    initial = {"summary": record.summary, "reserved_matters": record.reserved_matters} if record else None
    form = GovernanceModelForm(request.POST or None, initial=initial, version_record=record)
    if save_form(
        request,
        form,
        lambda data: services.model_save(partnership=partnership, data=data),
        success="Governance model saved",
    ):
        return redirect("governance:overview", pk=partnership.pk)
    return form_page(
        request,
        partnership,
        form,
        heading="Describe the governance model",
        button="Save the governance model",
        cancel="governance:overview",
    )


# -------------------------------------------------------------------------------------------------- forums


def forum_create(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    form = ForumForm(request.POST or None, partnership=partnership, initial={"set_up_on": dt.date.today()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        users = list(data.pop("members") or [])
        try:
            forum = services.forum_save(partnership=partnership, data=data, users=users)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Forum {forum.name} added")
            return redirect("governance:forum", pk=partnership.pk, forum_pk=forum.pk)
    return form_page(
        request,
        partnership,
        form,
        heading="Add a forum",
        button="Add the forum",
        cancel="governance:overview",
    )


def forum_detail(request: HttpRequest, pk: int, forum_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    forum = _forum(partnership, forum_pk)
    status = next(s for s in selectors.forum_statuses(partnership) if s.forum.pk == forum.pk)
    return page(
        request,
        "forum.html",
        partnership,
        "overview",
        forum=forum,
        status=status,
        members=forum.members.select_related("user"),
        page_obj=paginate(request, selectors.meetings(forum)),
        recent=RECENT_MEETINGS,
        history=history_of(forum),
    )


def forum_edit(request: HttpRequest, pk: int, forum_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    forum = _forum(partnership, forum_pk)
    initial = {
        name: getattr(forum, name)
        for name in ("tier", "name", "remit", "frequency_months", "quorum", "set_up_on")
    }
    form = ForumForm(
        request.POST or None, partnership=partnership, editing=True, initial=initial, version_record=forum
    )
    if save_form(
        request,
        form,
        lambda data: services.forum_save(partnership=partnership, data=data, forum=forum),
        success=f"Forum {forum.name} saved",
    ):
        return redirect("governance:forum", pk=partnership.pk, forum_pk=forum.pk)
    return form_page(
        request,
        partnership,
        form,
        heading=f"Change {forum.name}",
        button="Save the forum",
        cancel="governance:overview",
    )


def member_create(request: HttpRequest, pk: int, forum_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    forum = _forum(partnership, forum_pk)
    form = MemberForm(request.POST or None, partnership=partnership)
    if save_form(
        request,
        form,
        lambda data: services.member_add(forum=forum, data=data),
        success=f"Member added to {forum.name}",
    ):
        return redirect("governance:forum", pk=partnership.pk, forum_pk=forum.pk)
    return form_page(
        request,
        partnership,
        form,
        heading=f"Add a member to {forum.name}",
        button="Add the member",
        cancel="governance:overview",
        intro="Choose a ForBetter user of the partnership's organisations (their side follows their "
        "organisation), or name a person who is not a user, with their side and organisation.",
    )


def member_remove(request: HttpRequest, pk: int, forum_pk: int, member_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    forum = _forum(partnership, forum_pk)
    member = get_object_or_404(ForumMember, forum=forum, pk=member_pk)
    error = ""
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.member_remove(member=member)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, f"{member.name} removed from {forum.name}")
            return redirect("governance:forum", pk=partnership.pk, forum_pk=forum.pk)
    return page(
        request, "member_remove.html", partnership, "overview", forum=forum, member=member, error=error
    )


# ------------------------------------------------------------------------------------------------ meetings


def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    forum = Forum.objects.filter(partnership=partnership, pk=request.GET.get("forum") or 0).first()
    initial = {"forum": forum, "held_on": dt.date.today()}
    form = MeetingForm(request.POST or None, partnership=partnership, forum=forum, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_save(partnership=partnership, data=form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Meeting of {meeting.forum.name} recorded")
            return redirect("governance:meeting", pk=partnership.pk, meeting_pk=meeting.pk)
    return form_page(
        request,
        partnership,
        form,
        heading="Record a meeting",
        button="Record the meeting",
        cancel="governance:overview",
    )


def meeting_detail(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    try:
        meeting = selectors.meeting_detail(partnership, meeting_pk)
    except Meeting.DoesNotExist as error:
        raise Http404("No such meeting") from error
    return page(
        request,
        "meeting.html",
        partnership,
        "overview",
        meeting=meeting,
        escalations=selectors.escalations(partnership).filter(
            Q(item__meeting=meeting) | Q(action__meeting=meeting)
        ),
        today=dt.date.today(),
        history=history_of(meeting),
    )


def meeting_edit(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    meeting = _meeting(partnership, meeting_pk)
    initial = {
        "forum": meeting.forum,
        "held_on": meeting.held_on,
        "minutes": meeting.minutes,
        "attendees": list(meeting.attendees.all()),
        "apologies": list(meeting.apologies.all()),
    }
    form = MeetingForm(
        request.POST or None,
        partnership=partnership,
        forum=meeting.forum,
        initial=initial,
        version_record=meeting,
    )
    if save_form(
        request,
        form,
        lambda data: services.meeting_save(partnership=partnership, data=data, meeting=meeting),
        success="Meeting saved",
    ):
        return redirect("governance:meeting", pk=partnership.pk, meeting_pk=meeting.pk)
    return form_page(
        request,
        partnership,
        form,
        heading=f"Change the meeting: {meeting}",
        button="Save the meeting",
        cancel="governance:overview",
    )


def _meeting_form(
    request: HttpRequest,
    pk: int,
    meeting_pk: int,
    form_class: Any,
    write: Any,
    *,
    heading: str,
    button: str,
    done: str,
) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    meeting = _meeting(partnership, meeting_pk)
    kwargs: dict[str, Any] = {}
    if form_class in (AgendaItemForm, ActionForm):
        kwargs["partnership"] = partnership
    if form_class is EscalationForm:
        kwargs["meeting"] = meeting
    initial = {"decided_on": meeting.held_on, "escalated_on": meeting.held_on}
    form = form_class(request.POST or None, initial=initial, **kwargs)
    if save_form(request, form, lambda data: write(meeting=meeting, data=data), success=done):
        return redirect("governance:meeting", pk=partnership.pk, meeting_pk=meeting.pk)
    return form_page(
        request,
        partnership,
        form,
        heading=f"{heading}: {meeting}",
        button=button,
        cancel="governance:overview",
    )


def item_create(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    return _meeting_form(
        request,
        pk,
        meeting_pk,
        AgendaItemForm,
        services.item_add,
        heading="Add an agenda item",
        button="Add the item",
        done="Agenda item added",
    )


def decision_create(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    return _meeting_form(
        request,
        pk,
        meeting_pk,
        DecisionForm,
        services.decision_add,
        heading="Record a decision",
        button="Record the decision",
        done="Decision recorded",
    )


def action_create(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    return _meeting_form(
        request,
        pk,
        meeting_pk,
        ActionForm,
        services.action_save,
        heading="Add an action",
        button="Add the action",
        done="Action added",
    )


def escalation_create(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    return _meeting_form(
        request,
        pk,
        meeting_pk,
        EscalationForm,
        services.escalation_create,
        heading="Escalate an item or action",
        button="Escalate",
        done="Escalated",
    )


# ----------------------------------------------------------------------------------- actions, escalations


def actions(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    today = dt.date.today()
    form = ActionFilterForm(request.GET or None)
    only_overdue = bool(form.is_valid() and form.cleaned_data["overdue"])
    return page(
        request,
        "actions.html",
        partnership,
        "actions",
        form=form,
        page_obj=paginate(request, selectors.actions(partnership, only_overdue=only_overdue, today=today)),
        overdue=selectors.open_overdue(partnership, today).count(),
        today=today,
    )


def action_edit(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    action = get_object_or_404(
        GovernanceAction.objects.select_related("meeting"), partnership=partnership, pk=action_pk
    )
    initial = {
        "description": action.description,
        "owner": action.owner,
        "due_on": action.due_on,
        "status": action.status,
    }
    form = ActionForm(request.POST or None, partnership=partnership, initial=initial, version_record=action)
    if save_form(
        request,
        form,
        lambda data: services.action_save(meeting=action.meeting, data=data, action=action),
        success="Action saved",
    ):
        return redirect("governance:actions", pk=partnership.pk)
    return form_page(
        request,
        partnership,
        form,
        heading="Change an action",
        button="Save the action",
        cancel="governance:actions",
        sub="actions",
    )


def escalations(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    return page(
        request,
        "escalations.html",
        partnership,
        "escalations",
        page_obj=paginate(request, selectors.escalations(partnership)),
    )


def escalation_edit(request: HttpRequest, pk: int, escalation_pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    escalation = get_object_or_404(Escalation, partnership=partnership, pk=escalation_pk)
    initial = {"outcome": escalation.outcome, "outcome_on": escalation.outcome_on}
    form = OutcomeForm(request.POST or None, initial=initial, version_record=escalation)
    if save_form(
        request,
        form,
        lambda data: services.escalation_outcome(escalation=escalation, data=data),
        success="Outcome saved",
    ):
        return redirect("governance:escalations", pk=partnership.pk)
    return form_page(
        request,
        partnership,
        form,
        heading=f"Record the outcome: {escalation}",
        button="Save the outcome",
        cancel="governance:escalations",
        intro=f"Escalated on {escalation.escalated_on:%-d %B %Y}: {escalation.reason}",
        sub="escalations",
    )


# ---------------------------------------------------------------------------------------- reviews, board


def reviews(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    found = GovernanceReview.objects.filter(partnership=partnership).select_related("reviewer")
    return page(request, "reviews.html", partnership, "reviews", page_obj=paginate(request, found))


def review_form(request: HttpRequest, pk: int, review_pk: int | None = None) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    review = get_object_or_404(GovernanceReview, partnership=partnership, pk=review_pk) if review_pk else None
    initial: dict[str, Any] = {"reviewed_on": dt.date.today(), "reviewer": request.user}
    if review is not None:
        initial = {
            name: getattr(review, name) for name in ("reviewed_on", "reviewer", "findings", "decisions")
        }
    form = ReviewForm(request.POST or None, partnership=partnership, initial=initial, version_record=review)
    if save_form(
        request,
        form,
        lambda data: services.review_save(partnership=partnership, data=data, review=review),
        success="Governance model review saved",
    ):
        return redirect("governance:reviews", pk=partnership.pk)
    heading = "Change a governance model review" if review else "Record a governance model review"
    return form_page(
        request,
        partnership,
        form,
        heading=heading,
        button="Save the review",
        cancel="governance:reviews",
        sub="reviews",
    )


def director_form(request: HttpRequest, pk: int, director_pk: int | None = None) -> HttpResponse:
    partnership = visible_partnership(request, pk)
    require_edit(request)
    director = (
        get_object_or_404(BoardDirector, partnership=partnership, pk=director_pk) if director_pk else None
    )
    initial = (
        {name: getattr(director, name) for name in ("name", "appointed_by", "role", "appointed_on")}
        if director
        else None
    )
    form = DirectorForm(request.POST or None, initial=initial, version_record=director)
    if save_form(
        request,
        form,
        lambda data: services.director_save(partnership=partnership, data=data, director=director),
        success="Board director saved",
    ):
        return redirect("governance:overview", pk=partnership.pk)
    heading = f"Change {director.name}" if director else "Add a director of the joint-venture company's board"
    return form_page(
        request, partnership, form, heading=heading, button="Save the director", cancel="governance:overview"
    )
