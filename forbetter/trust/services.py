"""Writes to the trust records. Keyword-only, one transaction each, council editors only, history recorded.

Bad input is refused with a ``ValidationError`` keyed by field, and nothing is saved. An open-book review's
agreed actual cost is handed to the payments service (:func:`forbetter.payments.services.gainshare_year_set`),
which records that financial year's actual cost for the gainshare: the arithmetic stays in payments.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from forbetter.accounts.permissions import can_edit
from forbetter.calc import trust as calc
from forbetter.calc.errors import InputError
from forbetter.core.forms import check_date
from forbetter.core.history import save_as
from forbetter.partnerships.models import Partnership
from forbetter.payments import services as payment_services
from forbetter.payments.models import PaymentMechanism
from forbetter.trust.models import (
    CharterVersion,
    KeyPost,
    MeasureValue,
    OpenBookProtocol,
    OpenBookReview,
    PartnershipMeasure,
    Successor,
    TrustActivity,
)

CHARTER_FIELDS = ("version_date", "text", "agreed_by_council", "agreed_by_partner", "summary_of_changes")
ACTIVITY_FIELDS = (
    "held_on",
    "kind",
    "title",
    "purpose",
    "council_count",
    "council_names",
    "partner_count",
    "partner_names",
    "outcome",
)
MEASURE_FIELDS = ("name", "description", "how_measured", "higher_is_better")
VALUE_FIELDS = ("period_end", "value", "note")
PROTOCOL_FIELDS = (
    "cost_categories",
    "margins_shared",
    "margin_detail",
    "frequency",
    "depth",
    "reviewers",
    "agreed_on",
    "notes",
)
REVIEW_FIELDS = (
    "year",
    "reviewed_on",
    "reviewed_by",
    "agreed_cost_gbp",
    "submitted_cost_gbp",
    "agreed_margin",
    "actual_margin",
    "findings",
    "agreed_actual_cost_gbp",
)
POST_FIELDS = ("post", "holder", "side", "criticality", "partner_involvement", "plan_reviewed_on")
SUCCESSOR_FIELDS = ("name", "readiness", "development")


def _require_editor(user: Any) -> None:
    if not can_edit(user):
        raise PermissionDenied("Only council editors and administrators can change trust records")


def _assign(record: Any, data: dict[str, Any], fields: tuple[str, ...]) -> None:
    for key in fields:
        if key in data:
            setattr(record, key, data[key])


def _not_in_future(value: Any, field: str, label: str) -> None:
    """Rule INPUT-DATE-PLAUSIBLE for something that has happened: refused if after today."""
    try:
        check_date(value, label=label, not_in_future=True)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error


# ------------------------------------------------------------------------------------------------------
# Charter
# ------------------------------------------------------------------------------------------------------


@transaction.atomic
def charter_version_add(*, user: Any, partnership: Partnership, data: dict[str, Any]) -> CharterVersion:
    """Add a new version of the charter; it becomes the current one if it is the latest by date."""
    _require_editor(user)
    version = CharterVersion(partnership=partnership, created_by=user)
    _assign(version, data, CHARTER_FIELDS)
    if version.version_date is None:
        raise ValidationError({"version_date": "Enter the date this version of the charter was agreed"})
    _not_in_future(version.version_date, "version_date", "the date agreed")
    if CharterVersion.objects.filter(partnership=partnership, version_date=version.version_date).exists():
        raise ValidationError(
            {
                "version_date": f"A version of the charter dated {version.version_date:%-d %B %Y} already "
                "exists: give this version the date it was agreed"
            }
        )
    version.full_clean()
    save_as(version, user, "Charter version added")
    return version


# ------------------------------------------------------------------------------------------------------
# Activities and measures
# ------------------------------------------------------------------------------------------------------


def _attendance(activity: TrustActivity) -> None:
    """Rule TRUST-ATTENDANCE for each side; each side gives a count or names (0 if nobody came)."""
    errors: dict[str, str] = {}
    for side, label in (("council", "council"), ("partner", "partner")):
        count = getattr(activity, f"{side}_count")
        listed = getattr(activity, f"{side}_names")
        if count is None and not calc.names(listed):
            errors[f"{side}_count"] = (
                f"Enter how many came from the {label} side, or list their names (enter 0 if nobody came)"
            )
            continue
        try:
            setattr(activity, f"{side}_attended", calc.attendance(count, listed, field=f"{side}_count"))
        except InputError as error:
            errors[f"{side}_count"] = f"From the {label} side, {error.message}"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def activity_save(
    *, user: Any, partnership: Partnership, data: dict[str, Any], activity: TrustActivity | None = None
) -> TrustActivity:
    """Add or change a trust-building activity."""
    _require_editor(user)
    creating = activity is None
    activity = activity or TrustActivity(partnership=partnership)
    _assign(activity, data, ACTIVITY_FIELDS)
    _attendance(activity)
    activity.full_clean()
    save_as(activity, user, "Created" if creating else "")
    return activity


@transaction.atomic
def measure_save(
    *,
    user: Any,
    partnership: Partnership,
    data: dict[str, Any],
    measure: PartnershipMeasure | None = None,
) -> PartnershipMeasure:
    _require_editor(user)
    creating = measure is None
    measure = measure or PartnershipMeasure(partnership=partnership)
    _assign(measure, data, MEASURE_FIELDS)
    duplicate = PartnershipMeasure.objects.filter(partnership=partnership, name__iexact=measure.name)
    if duplicate.exclude(pk=measure.pk).exists():
        raise ValidationError({"name": f"There is already a measure called “{measure.name}”"})
    measure.full_clean()
    save_as(measure, user, "Created" if creating else "")
    return measure


@transaction.atomic
def measure_value_add(*, user: Any, measure: PartnershipMeasure, data: dict[str, Any]) -> MeasureValue:
    """Record a measure's value for a period not yet valued."""
    _require_editor(user)
    value = MeasureValue(measure=measure)
    _assign(value, data, VALUE_FIELDS)
    if value.period_end is not None and measure.values.filter(period_end=value.period_end).exists():
        raise ValidationError(
            {
                "period_end": f"{measure.name} already has a value for the period to "
                f"{value.period_end:%-d %B %Y}"
            }
        )
    value.full_clean()
    save_as(value, user, "Value recorded")
    return value


# ------------------------------------------------------------------------------------------------------
# Open book
# ------------------------------------------------------------------------------------------------------


@transaction.atomic
def protocol_save(*, user: Any, partnership: Partnership, data: dict[str, Any]) -> OpenBookProtocol:
    """Set up or change the open-book protocol; earlier terms stay in its history."""
    _require_editor(user)
    protocol = OpenBookProtocol.objects.filter(partnership=partnership).first()
    creating = protocol is None
    protocol = protocol or OpenBookProtocol(partnership=partnership)
    _assign(protocol, data, PROTOCOL_FIELDS)
    if not protocol.margins_shared:
        protocol.margin_detail = ""
    protocol.full_clean()
    save_as(protocol, user, "Created" if creating else "")
    return protocol


def gainshare_note(review: OpenBookReview) -> str:
    """What the gainshare year says of where its actual cost came from."""
    return (
        f"Agreed actual cost from the open-book review of {review.year_label} "
        f"(reviewed {review.reviewed_on:%-d %B %Y} by {review.reviewed_by}); see Trust, open book."
    )


@transaction.atomic
def review_save(
    *, user: Any, partnership: Partnership, data: dict[str, Any], review: OpenBookReview | None = None
) -> OpenBookReview:
    """Add or change an open-book review. Once its agreed actual cost is entered it becomes (or replaces)
    that financial year's gainshare actual cost, through the payments service; after that the year cannot
    change and the agreed actual cost cannot be removed, only corrected (which updates the gainshare year)."""
    _require_editor(user)
    creating = review is None
    fed = review.gainshare_year_id if review is not None else None
    original_year = review.year if review is not None else None
    review = review or OpenBookReview(partnership=partnership)
    _assign(review, data, REVIEW_FIELDS)
    errors: dict[str, str] = {}
    if fed and review.year != original_year:
        errors["year"] = (
            f"The year cannot change: this review's agreed actual cost already feeds the gainshare for "
            f"{original_year}/{((original_year or 0) + 1) % 100:02d}"
        )
    if fed and review.agreed_actual_cost_gbp is None:
        errors["agreed_actual_cost_gbp"] = (
            "The agreed actual cost already feeds the gainshare year, so it can be corrected but not removed"
        )
    duplicate = OpenBookReview.objects.filter(partnership=partnership, year=review.year)
    if review.year and duplicate.exclude(pk=review.pk).exists():
        errors["year"] = f"There is already an open-book review of {review.year_label}"
    mechanism = PaymentMechanism.objects.filter(partnership=partnership).first()
    if review.agreed_actual_cost_gbp is not None and mechanism is None:
        errors["agreed_actual_cost_gbp"] = (
            "The partnership has no payment mechanism, so the agreed actual cost has no gainshare to feed: "
            "set up the payment mechanism first, or leave the agreed actual cost blank"
        )
    if errors:
        raise ValidationError(errors)
    _not_in_future(review.reviewed_on, "reviewed_on", "the date of the review")
    review.full_clean(exclude=["gainshare_year"])
    if review.agreed_actual_cost_gbp is not None and mechanism is not None:
        review.gainshare_year = payment_services.gainshare_year_set(
            user=user,
            mechanism=mechanism,
            year=review.year,
            actual_cost_gbp=review.agreed_actual_cost_gbp,
            notes=gainshare_note(review),
        )
    save_as(review, user, "Created" if creating else "")
    return review


# ------------------------------------------------------------------------------------------------------
# Key people and succession
# ------------------------------------------------------------------------------------------------------


@transaction.atomic
def key_post_save(
    *, user: Any, partnership: Partnership, data: dict[str, Any], post: KeyPost | None = None
) -> KeyPost:
    _require_editor(user)
    creating = post is None
    post = post or KeyPost(partnership=partnership)
    _assign(post, data, POST_FIELDS)
    post.full_clean()
    save_as(post, user, "Created" if creating else "")
    return post


@transaction.atomic
def successor_save(
    *, user: Any, post: KeyPost, data: dict[str, Any], successor: Successor | None = None
) -> Successor:
    _require_editor(user)
    creating = successor is None
    successor = successor or Successor(post=post)
    _assign(successor, data, SUCCESSOR_FIELDS)
    if post.holder and successor.name.strip().casefold() == post.holder.strip().casefold():
        raise ValidationError({"name": f"{successor.name} holds the post now, so cannot be its successor"})
    successor.full_clean()
    save_as(successor, user, "Created" if creating else "")
    return successor


@transaction.atomic
def successor_remove(*, user: Any, successor: Successor) -> None:
    """Take a successor off a post's plan (they left, or are no longer in line); the removal, with who made
    it and when, stays in the successor's history."""
    _require_editor(user)
    successor._history_user = user  # type: ignore[attr-defined]
    successor._change_reason = "Removed from the succession plan"  # type: ignore[attr-defined]
    successor.delete()
